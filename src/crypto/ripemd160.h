#ifndef HASHMINT_CRYPTO_RIPEMD160_H
#define HASHMINT_CRYPTO_RIPEMD160_H
/* RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), portable C, and
 * Bitcoin's HASH160 = RIPEMD160(SHA256(x)) used by P2PKH/P2SH addresses. */
#include <stddef.h>
#include <stdint.h>

struct ripemd160_ctx {
    uint32_t s[5];
    uint8_t buf[64];
    uint64_t bytes; /* total bytes written so far */
};

/** Starts a hash. Out: ctx. */
void ripemd160_init(struct ripemd160_ctx *ctx);
/** Feeds len bytes from p (p may be NULL when len is 0). */
void ripemd160_write(struct ripemd160_ctx *ctx, const uint8_t *p, size_t len);
/** Finishes the hash into out (20 bytes); ctx must be re-initialised before reuse. */
void ripemd160_finalize(struct ripemd160_ctx *ctx, uint8_t out[20]);
/** One-shot RIPEMD-160 of p[0..len) into out. */
void ripemd160(uint8_t out[20], const uint8_t *p, size_t len);
/** One-shot HASH160: out = RIPEMD160(SHA256(p[0..len))). */
void ripemd160_hash160(uint8_t out[20], const uint8_t *p, size_t len);

#endif
