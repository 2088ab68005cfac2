#ifndef HASHMINT_CRYPTO_SHA256_INTERNAL_H
#define HASHMINT_CRYPTO_SHA256_INTERNAL_H
/* Private to src/crypto/sha256*.c: the compression kernels behind sha256.h.
 *
 * Every kernel offers up to three entry points:
 *  - transform: compress `blocks` consecutive 64-byte blocks into one state
 *    (single stream; used by the incremental API);
 *  - d64: sha256d of exactly `lanes` independent 64-byte inputs;
 *  - nonces: sha256d of an 80-byte header for exactly `lanes` consecutive
 *    nonces, from the nonce-independent precomputation below.
 * sha256.c splits every batch into whole groups of `lanes` and finishes the
 * remainder with the single-stream transform. */
#include <stddef.h>
#include <stdint.h>

#include "src/crypto/sha256.h"

/** The 64 round constants and the initial state (FIPS 180-4, 4.2.2 / 5.3.3). */
extern const uint32_t sha256_k[64];
extern const uint32_t sha256_iv[8];
/** K[i] + W[i] for the padding block of a 64-byte message (W = 0x80000000,
 *  0, ..., 0, 512 and its schedule): the second block of every sha256d_64. */
extern const uint32_t sha256_kw_pad64[64];
/** K[i] + W[i] for i = 8..15 of a 32-byte message's single block (0x80000000,
 *  0, ..., 0, 256); indexes 0..7 are unused (zero). */
extern const uint32_t sha256_kw_pad32[16];

/** Nonce-independent work of a header's second block, done once per batch:
 *  rounds 0..2 read only the merkle tail, time and bits (words 0..2), and
 *  schedule words 16 and 17 do not read the nonce (word 3) either. */
struct sha256_nonce_pre {
    uint32_t mid[8];    /* state after the first 64 bytes (feed-forward) */
    uint32_t after3[8]; /* state after rounds 0..2 of the second block */
    uint32_t w[18];     /* second block schedule words 0..17; w[3] unused */
};
/** Fills p from a header midstate. */
void sha256_nonce_pre_init(struct sha256_nonce_pre *p, const struct sha256_header_midstate *m);

/** One kernel's entry points; sha256.c keeps the selected one. */
struct sha256_kernel_ops {
    const char *name;
    /* Compresses `blocks` consecutive 64-byte blocks at p into s. */
    void (*transform)(uint32_t s[8], const uint8_t *p, size_t blocks);
    size_t lanes; /* inputs per d64 / nonces call */
    /* out[32*i] = sha256d(in + 64*i, 64) for i < lanes. */
    void (*d64)(uint8_t *out, const uint8_t *in);
    /* out[32*i] = header sha256d with nonce + i (mod 2^32), i < lanes. */
    void (*nonces)(uint8_t *out, const struct sha256_nonce_pre *p, uint32_t nonce);
};

/* Portable C (sha256_portable.c): always available. */
/** Compresses `blocks` 64-byte blocks at p into s (portable C). */
void sha256_portable_transform(uint32_t s[8], const uint8_t *p, size_t blocks);
/** out = sha256d(in, 64) (portable C, padding block precomputed). */
void sha256_portable_d64(uint8_t out[32], const uint8_t in[64]);
/** out = header sha256d with this nonce, from p (portable C). */
void sha256_portable_nonces(uint8_t out[32], const struct sha256_nonce_pre *p, uint32_t nonce);

/* x86 SHA extensions (sha256_shani.c). The others must not be called unless
 * sha256_shani_supported() returned true. */
/** Returns true if the build targets x86 and the CPU has SHA, SSSE3, SSE4.1. */
bool sha256_shani_supported(void);
/** Compresses `blocks` 64-byte blocks at p into s with SHA-NI. */
void sha256_shani_transform(uint32_t s[8], const uint8_t *p, size_t blocks);
/** out[0..64) = sha256d of the two 64-byte inputs in[0..128), interleaved. */
void sha256_shani_d64_2way(uint8_t out[64], const uint8_t in[128]);
/** out[0..64) = header sha256d for nonce and nonce + 1, interleaved. */
void sha256_shani_nonces_2way(uint8_t out[64], const struct sha256_nonce_pre *p, uint32_t nonce);

/* AVX2, 8 independent messages per call (sha256_avx2.c). The others must
 * not be called unless sha256_avx2_supported() returned true. */
/** Returns true if the build targets x86, the CPU has AVX2 and the OS saves YMM state. */
bool sha256_avx2_supported(void);
/** out[0..256) = sha256d of the eight 64-byte inputs in[0..512). */
void sha256_avx2_d64_8way(uint8_t out[256], const uint8_t in[512]);
/** out[0..256) = header sha256d for nonces nonce .. nonce + 7 (mod 2^32). */
void sha256_avx2_nonces_8way(uint8_t out[256], const struct sha256_nonce_pre *p, uint32_t nonce);

#endif
