#ifndef HASHMINT_CRYPTO_SIPHASH_H
#define HASHMINT_CRYPTO_SIPHASH_H
/* SipHash-2-4 (Aumasson and Bernstein 2012): a keyed 64-bit hash for hash
 * tables fed by peers (so they cannot force collisions) and BIP 152 short
 * transaction ids. The 128-bit key is two 64-bit halves: k0 is key bytes
 * 0..7 and k1 bytes 8..15, each read little-endian. */
#include <stddef.h>
#include <stdint.h>

struct siphash_ctx {
    uint64_t v[4];
    uint64_t tail;  /* pending bytes of the current 8-byte word, little-endian */
    uint64_t bytes; /* total bytes written so far (the low 8 bits are hashed) */
};

/** Starts a hash under key (k0, k1). Out: ctx. */
void siphash_init(struct siphash_ctx *ctx, uint64_t k0, uint64_t k1);
/** Feeds len bytes from p (p may be NULL when len is 0). */
void siphash_write(struct siphash_ctx *ctx, const uint8_t *p, size_t len);
/** Returns the hash of everything written; ctx is left unchanged, so more
 *  writes may follow (as Bitcoin Core's CSipHasher allows). */
uint64_t siphash_finalize(const struct siphash_ctx *ctx);
/** One-shot SipHash-2-4 of p[0..len) under (k0, k1). */
uint64_t siphash(uint64_t k0, uint64_t k1, const uint8_t *p, size_t len);
/** SipHash-2-4 of a 32-byte hash, as siphash(k0, k1, val, 32) but faster
 *  (Bitcoin Core's SipHashUint256). */
uint64_t siphash_uint256(uint64_t k0, uint64_t k1, const uint8_t val[32]);
/** SipHash-2-4 of a 32-byte hash followed by extra as 4 little-endian bytes,
 *  as siphash of those 36 bytes (Bitcoin Core's SipHashUint256Extra, used to
 *  key outpoints: txid and output index). */
uint64_t siphash_uint256_extra(uint64_t k0, uint64_t k1, const uint8_t val[32], uint32_t extra);

#endif
