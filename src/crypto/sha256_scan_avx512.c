/* Nonce scanning on AVX-512F: sixteen nonces per step, one per 32-bit lane
 * (the lane template in sha256_scan_lanes.h). AVX-512 rotates in one
 * instruction (VPRORD) and computes any three-input boolean function in one
 * (VPTERNLOGD): Ch, Maj and the three-way XORs of the sigmas each cost one.
 * Built with __attribute__((target("avx512f"))) and called only after
 * sha256_avx512_supported(). */
#include "src/crypto/sha256_scan_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

bool sha256_avx512_supported(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    /* OSXSAVE and AVX, then XCR0: SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM. */
    if (!(c & (1u << 27)) || !(c & (1u << 28)))
        return false;
    unsigned xlo, xhi;
    __asm__("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 0xe6) != 0xe6)
        return false;
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return b & (1u << 16);
}

bool sha256_avx512vl_supported(void)
{
    if (!sha256_avx512_supported())
        return false;
    unsigned a, b, c, d;
    __cpuid_count(7, 0, a, b, c, d);
    return b & (1u << 31);
}

#define V __m512i
#define LANES 16
#define VINLINE __attribute__((target("avx512f"), always_inline)) static inline
#define SCAN_ATTR __attribute__((target("avx512f")))
#define SCAN_NAME sha256_scan_avx512

VINLINE V v_set1(uint32_t x) { return _mm512_set1_epi32((int)x); }
VINLINE V v_add(V a, V b) { return _mm512_add_epi32(a, b); }
#define V_ROR(x, n) _mm512_ror_epi32(x, n)
#define V_SHR(x, n) _mm512_srli_epi32(x, n)
/* VPTERNLOGD truth tables: bit (a << 2 | b << 1 | c) of the immediate. */
VINLINE V v_xor3(V a, V b, V c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }
VINLINE V v_ch(V e, V f, V g) { return _mm512_ternarylogic_epi32(e, f, g, 0xca); }
VINLINE V v_maj(V a, V b, V c) { return _mm512_ternarylogic_epi32(a, b, c, 0xe8); }
VINLINE V v_bswap(V x)
{
    /* AVX-512F has no byte shuffle (that is AVX-512BW): rotate 16-bit
     * halves, then bytes within them, with shifts. */
    V r = _mm512_ror_epi32(x, 16);
    return _mm512_or_si512(_mm512_and_si512(_mm512_slli_epi32(r, 8), _mm512_set1_epi32((int)0xff00ff00)),
                           _mm512_and_si512(_mm512_srli_epi32(r, 8), _mm512_set1_epi32(0x00ff00ff)));
}
VINLINE V v_lane_index(void) { return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
VINLINE unsigned v_mask_le(V h, V t) { return (unsigned)_mm512_cmple_epu32_mask(h, t); }

#include "src/crypto/sha256_scan_lanes.h"

#else /* not x86: never selected */

bool sha256_avx512_supported(void)
{
    return false;
}

bool sha256_avx512vl_supported(void)
{
    return false;
}

uint64_t sha256_scan_avx512(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                            uint32_t start, uint64_t count)
{
    return sha256_scan_portable(job, found, cap, nfound, start, count);
}

#endif
