#ifndef HASHMINT_CRYPTO_HMAC_H
#define HASHMINT_CRYPTO_HMAC_H
/* HMAC (RFC 2104) over SHA-256 and SHA-512. Keys of any length: longer than
 * the block size (64 / 128 bytes) they are hashed first, as RFC 2104 says.
 * Key-derived state is wiped when a MAC is finalised. */
#include <stddef.h>
#include <stdint.h>

#include "src/crypto/sha256.h"
#include "src/crypto/sha512.h"

struct hmac_sha256_ctx {
    struct sha256_ctx inner, outer;
};

struct hmac_sha512_ctx {
    struct sha512_ctx inner, outer;
};

/** Starts an HMAC-SHA256 with key[0..keylen). Out: ctx. The key is not kept. */
void hmac_sha256_init(struct hmac_sha256_ctx *ctx, const uint8_t *key, size_t keylen);
/** Feeds len message bytes from p. */
void hmac_sha256_write(struct hmac_sha256_ctx *ctx, const uint8_t *p, size_t len);
/** Writes the 32-byte MAC to out and wipes ctx; re-initialise before reuse. */
void hmac_sha256_finalize(struct hmac_sha256_ctx *ctx, uint8_t out[32]);
/** One-shot HMAC-SHA256 of msg[0..len) under key[0..keylen) into out. */
void hmac_sha256(uint8_t out[32], const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len);

/** Starts an HMAC-SHA512 with key[0..keylen). Out: ctx. The key is not kept. */
void hmac_sha512_init(struct hmac_sha512_ctx *ctx, const uint8_t *key, size_t keylen);
/** Feeds len message bytes from p. */
void hmac_sha512_write(struct hmac_sha512_ctx *ctx, const uint8_t *p, size_t len);
/** Writes the 64-byte MAC to out and wipes ctx; re-initialise before reuse. */
void hmac_sha512_finalize(struct hmac_sha512_ctx *ctx, uint8_t out[64]);
/** One-shot HMAC-SHA512 of msg[0..len) under key[0..keylen) into out. */
void hmac_sha512(uint8_t out[64], const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len);

#endif
