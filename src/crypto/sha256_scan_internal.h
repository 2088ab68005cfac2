#ifndef HASHMINT_CRYPTO_SHA256_SCAN_INTERNAL_H
#define HASHMINT_CRYPTO_SHA256_SCAN_INTERNAL_H
/* Private to src/crypto/sha256_scan*.c: the kernels behind sha256_scan.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/crypto/sha256_internal.h"
#include "src/crypto/sha256_scan.h"

/** K[i] + W[i] for rounds 4..15 of an 80-byte header's second block, whose
 *  words 4..15 are padding (0x80000000, zeros, 640); indexes 0..3 unused. */
extern const uint32_t sha256_scan_kw_header[16];

/** The portable kernel (sha256_scan.c). */
uint64_t sha256_scan_portable(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                              uint32_t start, uint64_t count);

/** AVX2, 8 lanes (sha256_scan_avx2.c); only after sha256_avx2_supported(). */
uint64_t sha256_scan_avx2(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                          uint32_t start, uint64_t count);

/** Returns true if the build targets x86, the CPU has AVX-512F and the OS saves the ZMM state. */
bool sha256_avx512_supported(void);
/** AVX-512F, 16 lanes (sha256_scan_avx512.c); only after sha256_avx512_supported(). */
uint64_t sha256_scan_avx512(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                            uint32_t start, uint64_t count);

/** Returns true if sha256_avx512_supported() and the CPU has AVX-512VL (the 512-bit
 *  instructions on xmm registers, and xmm16..31). */
bool sha256_avx512vl_supported(void);

/** SHA-NI, nonces interleaved, SSE encoding (sha256_scan_shani.c); only after
 *  sha256_shani_supported(). */
uint64_t sha256_scan_shani(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                           uint32_t start, uint64_t count);
/** The same with AVX-512VL around the SHA instructions (sha256_scan_shani_avx512.c); only
 *  after sha256_shani_supported() and sha256_avx512vl_supported(). */
uint64_t sha256_scan_shani_avx512(const struct sha256_scan_job *job, uint32_t *found, size_t cap,
                                  size_t *nfound, uint32_t start, uint64_t count);

/** The SHA-NI build this CPU runs best: sha256_scan_shani_avx512 if AVX-512VL is there, else
 *  sha256_scan_shani. Only after sha256_shani_supported(). */
sha256_scan_fn sha256_scan_shani_fn(void);

#endif
