#ifndef HASHMINT_CRYPTO_SHA512_H
#define HASHMINT_CRYPTO_SHA512_H
/* SHA-512 (FIPS 180-4), portable C. Used by HMAC-SHA512 (BIP 32 key
 * derivation) and anywhere a 64-byte digest is needed. */
#include <stddef.h>
#include <stdint.h>

struct sha512_ctx {
    uint64_t s[8];
    uint8_t buf[128];
    uint64_t bytes; /* total bytes written so far (messages < 2^64 bytes) */
};

/** Starts a hash. Out: ctx. */
void sha512_init(struct sha512_ctx *ctx);
/** Feeds len bytes from p (p may be NULL when len is 0). */
void sha512_write(struct sha512_ctx *ctx, const uint8_t *p, size_t len);
/** Finishes the hash into out (64 bytes); ctx must be re-initialised before reuse. */
void sha512_finalize(struct sha512_ctx *ctx, uint8_t out[64]);
/** One-shot SHA-512 of p[0..len) into out. */
void sha512(uint8_t out[64], const uint8_t *p, size_t len);

#endif
