/* Nonce scanning on the x86 SHA extensions, legacy SSE encoding: for CPUs
 * with SHA-NI but no AVX-512VL (the kernel itself: sha256_scan_shani_body.h).
 * Built with __attribute__((target("sha,sse4.1"))) and called only after
 * sha256_shani_supported(). */
#include "src/crypto/sha256_scan_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#define SHANI __attribute__((target("sha,sse4.1")))
#define SHANI_INLINE __attribute__((target("sha,sse4.1"), always_inline)) static inline
#define SCAN_NAME sha256_scan_shani
#include "src/crypto/sha256_scan_shani_body.h"

#else /* not x86: never selected */

uint64_t sha256_scan_shani(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                           uint32_t start, uint64_t count)
{
    return sha256_scan_portable(job, found, cap, nfound, start, count);
}

#endif
