#ifndef HASHMINT_CRYPTO_SHA256_SCAN_H
#define HASHMINT_CRYPTO_SHA256_SCAN_H
/* Nonce scanning for miners: sha256d of an 80-byte block header over a range
 * of nonces, reporting the nonces whose hash may meet a target.
 *
 * A job is prepared once per header (all bytes but the nonce fixed): the
 * midstate of the first 64 bytes, the first rounds of the second block that
 * do not read the nonce, and the constant parts of its message schedule.
 * The kernels then run, per nonce, rounds 3..63 of the header's second block
 * and rounds 0..60 of the second hash only: the most significant 32 bits of
 * the hash (Bitcoin reads the digest as a little-endian 256-bit number, so
 * they are state word 7 of the second hash, byte-swapped) are known after
 * round 60, and a nonce whose top word exceeds the target's top word cannot
 * meet the target, so the other three rounds are never run (early reject).
 *
 * A reported nonce is a candidate: its top word is <= the target's top word.
 * Every nonce whose hash meets the target is reported (the test is exact on
 * the top word), but a candidate may still fail on the lower words, so the
 * caller checks each one with the plain sha256d before using it.
 *
 * Kernels (chosen by the caller, per call; no process-wide state):
 *  - portable: C, one nonce at a time;
 *  - avx2: 8 nonces per step, one per 32-bit lane;
 *  - avx512: 16 nonces per step (AVX-512F: rotates and three-input logic);
 *  - shani: the x86 SHA extensions, several nonces interleaved so the
 *    latency of one SHA256RNDS2 chain is filled by the others. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The widest kernel's step: a found[] buffer must hold at least this many. */
#define SHA256_SCAN_MAX_LANES 16

/** Nonce scanning kernels. AUTO resolves to the fastest this CPU runs. */
enum sha256_scan_kernel {
    SHA256_SCAN_AUTO,
    SHA256_SCAN_PORTABLE,
    SHA256_SCAN_AVX2,
    SHA256_SCAN_AVX512,
    SHA256_SCAN_SHANI,
};
#define SHA256_SCAN_KERNEL_COUNT 5

/** The nonce-independent work for one header and target; fill with sha256_scan_job_init. */
struct sha256_scan_job {
    uint32_t mid[8];      /* state after the header's first 64 bytes */
    uint32_t w[3];        /* second block words 0..2: Merkle root tail, time, bits */
    uint32_t after2[8];   /* state after rounds 0..1 of the second block */
    uint32_t after3[8];   /* state after rounds 0..2 */
    uint32_t r3_a, r3_e;  /* round 3 leaves a = r3_a + W3, e = r3_e + W3 (W3: the nonce word) */
    uint32_t w16, w17;    /* schedule words 16 and 17 (do not read the nonce) */
    uint32_t kw16, kw17;  /* K[16] + W16, K[17] + W17 */
    uint32_t c18, c19;    /* W18 = c18 + sigma0(W3), W19 = c19 + W3 */
    uint32_t c31, c32;    /* constant parts of W31 and W32 */
    uint32_t h2_r0_a, h2_r0_e; /* second hash, round 0 from the IV: a = h2_r0_a + W0, e = h2_r0_e + W0 */
    uint32_t target_top;  /* the target's most significant 32 bits */
};

/**
 * Prepares a job. header: the 80-byte header (its nonce bytes 76..79 are
 * ignored). target_top: the most significant 32 bits of the 256-bit target
 * (bytes 28..31 of its little-endian form, read little-endian).
 */
void sha256_scan_job_init(struct sha256_scan_job *job, const uint8_t header[80], uint32_t target_top);

/** Returns the most significant 32 bits of a 256-bit little-endian number (a hash or target). */
uint32_t sha256_scan_top_word(const uint8_t v[32]);

/**
 * Scans `count` nonces from `start` (wrapping modulo 2^32; count <= 2^32).
 * Writes each candidate nonce, in increasing order of scanning, to found[].
 * Stops early, between steps, once fewer than SHA256_SCAN_MAX_LANES slots
 * of `cap` are free. Out: *nfound (candidates written). Returns the number of
 * nonces scanned from start (count unless stopped early; every nonce before
 * that was checked). Precondition: cap >= SHA256_SCAN_MAX_LANES.
 */
typedef uint64_t (*sha256_scan_fn)(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                                   uint32_t start, uint64_t count);

/** Returns true if this CPU (and build) runs kernel k (AUTO: always). */
bool sha256_scan_kernel_available(enum sha256_scan_kernel k);
/** Returns the fastest available kernel (never AUTO). */
enum sha256_scan_kernel sha256_scan_kernel_best(void);
/** Returns kernel k's scan function (AUTO: the best), or NULL if k is unavailable. */
sha256_scan_fn sha256_scan_kernel_fn(enum sha256_scan_kernel k);
/** Returns k's name: "auto", "portable", "avx2", "avx512", "shani". */
const char *sha256_scan_kernel_name(enum sha256_scan_kernel k);
/** Parses a kernel name as sha256_scan_kernel_name prints it. Returns false if unknown. */
bool sha256_scan_kernel_parse(enum sha256_scan_kernel *out, const char *name) __attribute__((warn_unused_result));

#endif
