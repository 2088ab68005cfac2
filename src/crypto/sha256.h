#ifndef HASHMINT_CRYPTO_SHA256_H
#define HASHMINT_CRYPTO_SHA256_H
/* SHA-256 (FIPS 180-4) with run-time selected compression kernels
 * (portable C, SHA-NI, AVX2), double SHA-256, the 80-byte header fast path
 * and BIP 340 tagged hashes. All kernels give identical results. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
    uint32_t s[8];
    uint8_t buf[64];
    uint64_t bytes; /* total bytes written so far */
};

/** Starts a hash. */
void sha256_init(struct sha256_ctx *ctx);
/** Feeds len bytes. */
void sha256_write(struct sha256_ctx *ctx, const uint8_t *p, size_t len);
/** Finishes the hash into out; ctx must be re-initialised before reuse. */
void sha256_finalize(struct sha256_ctx *ctx, uint8_t out[32]);
/** One-shot SHA-256. */
void sha256(uint8_t out[32], const uint8_t *p, size_t len);
/** One-shot double SHA-256 (Bitcoin's Hash()). */
void sha256d(uint8_t out[32], const uint8_t *p, size_t len);
/** Finishes ctx and hashes the digest once more (incremental double SHA-256). */
void sha256d_finalize(struct sha256_ctx *ctx, uint8_t out[32]);
/**
 * Double SHA-256 of n independent 64-byte inputs (Merkle tree levels):
 * out[32*i] = sha256d(in + 64*i, 64). Uses multi-lane kernels when available.
 */
void sha256d_64(uint8_t *out, const uint8_t *in, size_t n);

/** Starts a BIP 340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || ...). */
void sha256_tagged_init(struct sha256_ctx *ctx, const char *tag);

/**
 * Block header fast path. A header is 80 bytes: the first 64 are fixed while
 * a miner varies the nonce, so their compression is done once (the midstate).
 */
struct sha256_header_midstate {
    uint32_t s[8];     /* state after the first 64 bytes */
    uint8_t tail[16];  /* bytes 64..79: merkle tail, time, bits, nonce */
};
/** Computes the midstate of an 80-byte header. */
void sha256_header_midstate(struct sha256_header_midstate *m, const uint8_t header[80]);
/** Double SHA-256 of the header with its nonce (bytes 76..79) set to `nonce`. */
void sha256d_header_nonce(uint8_t out[32], const struct sha256_header_midstate *m, uint32_t nonce);
/**
 * Double SHA-256 of `count` consecutive nonces starting at `nonce`
 * (out[32*i] for nonce + i). Uses the widest kernel available.
 */
void sha256d_header_nonces(uint8_t *out, const struct sha256_header_midstate *m, uint32_t nonce, size_t count);

/** Kernels. SHA256_KERNEL_AUTO picks the best the CPU supports. */
enum sha256_kernel { SHA256_KERNEL_AUTO, SHA256_KERNEL_PORTABLE, SHA256_KERNEL_SHANI, SHA256_KERNEL_AVX2 };
/** Returns true if this CPU (and build) can run kernel k. */
bool sha256_kernel_available(enum sha256_kernel k);
/** Selects kernel k for all following calls (process-wide; call before
 *  starting threads). Returns false, changing nothing, if unavailable. */
bool sha256_kernel_select(enum sha256_kernel k);
/** Returns the name of the kernel in use ("portable", "shani", "avx2"). */
const char *sha256_kernel_name(void);

#endif
