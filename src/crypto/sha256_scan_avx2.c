/* Nonce scanning on AVX2: eight nonces per step, one per 32-bit lane (the
 * lane template in sha256_scan_lanes.h). AVX2 has no rotate, so each one is
 * two shifts and an OR; see sha256_scan_avx512.c for the wider kernel.
 * Built with __attribute__((target("avx2"))) and called only after
 * sha256_avx2_supported(). */
#include "src/crypto/sha256_scan_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define V __m256i
#define LANES 8
#define VINLINE __attribute__((target("avx2"), always_inline)) static inline
#define SCAN_ATTR __attribute__((target("avx2")))
#define SCAN_NAME sha256_scan_avx2

VINLINE V v_set1(uint32_t x) { return _mm256_set1_epi32((int)x); }
VINLINE V v_add(V a, V b) { return _mm256_add_epi32(a, b); }
#define V_ROR(x, n) _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - (n)))
#define V_SHR(x, n) _mm256_srli_epi32(x, n)
VINLINE V v_xor3(V a, V b, V c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
VINLINE V v_ch(V e, V f, V g) { return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g))); }
VINLINE V v_maj(V a, V b, V c)
{
    return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
}
VINLINE V v_bswap(V x)
{
    const V mask = _mm256_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL, 0x0c0d0e0f08090a0bLL,
                                     0x0405060700010203LL);
    return _mm256_shuffle_epi8(x, mask);
}
VINLINE V v_lane_index(void) { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
/* h <= t unsigned  <=>  min(h, t) == h. */
VINLINE unsigned v_mask_le(V h, V t)
{
    V le = _mm256_cmpeq_epi32(_mm256_min_epu32(h, t), h);
    return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(le));
}

#include "src/crypto/sha256_scan_lanes.h"

#else /* not x86: never selected */

uint64_t sha256_scan_avx2(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                          uint32_t start, uint64_t count)
{
    return sha256_scan_portable(job, found, cap, nfound, start, count);
}

#endif
