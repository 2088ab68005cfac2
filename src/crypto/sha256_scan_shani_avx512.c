/* Nonce scanning on the x86 SHA extensions with AVX-512VL enabled around
 * them (the kernel itself: sha256_scan_shani_body.h, which says why this
 * build is faster). The `shani` kernel on CPUs that have both. Built with
 * __attribute__((target("sha,avx512f,avx512vl"))) and called only after
 * sha256_shani_supported() and sha256_avx512vl_supported(). */
#include "src/crypto/sha256_scan_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#define SHANI __attribute__((target("sha,avx512f,avx512vl")))
#define SHANI_INLINE __attribute__((target("sha,avx512f,avx512vl"), always_inline)) static inline
#define SCAN_NAME sha256_scan_shani_avx512
#include "src/crypto/sha256_scan_shani_body.h"

#else /* not x86: never selected */

uint64_t sha256_scan_shani_avx512(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                                  uint32_t start, uint64_t count)
{
    return sha256_scan_portable(job, found, cap, nfound, start, count);
}

#endif
