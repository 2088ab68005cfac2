/* The SHA-NI nonce scanning kernel written once: included by
 * sha256_scan_shani.c (legacy SSE encoding, xmm0..15) and
 * sha256_scan_shani_avx512.c (the same code with AVX-512VL enabled), each
 * after defining:
 *
 *   SHANI          the attributes of the entry point (target)
 *   SHANI_INLINE   the attributes of the helpers (target, always_inline)
 *   SCAN_NAME      the entry point's name (a sha256_scan_fn)
 *
 * SHA256RNDS2 does two rounds on the state held as two registers (ABEF,
 * CDGH); SHA256MSG1/MSG2 extend the schedule four words at a time. One
 * nonce's rounds form a dependency chain through SHA256RNDS2's latency, so
 * NWAY nonces run interleaved, round pair by round pair.
 *
 * Per nonce: rounds 0..2 of the header's second block come from the job
 * (they read only the Merkle tail, time and bits) and round 3 is two
 * additions (the nonce word W3 adds to a and e only); rounds 4..15 have
 * constant K + W (the padding); schedule words 16..19 come from the job
 * but for one sigma0 of W3; the second hash stops after rounds 60..61, whose
 * result already holds its e after round 60 (register element F), which is
 * the final state word 7 less the IV: the early reject.
 *
 * Why two builds: the SHA instructions exist only in the legacy SSE
 * encoding and read xmm0..15, but with AVX-512VL the compiler gives the
 * adds, shuffles and the schedule's spare words the three-operand EVEX
 * forms and xmm16..31, so four lanes no longer spill to the stack (on AMD
 * Zen 4: 125 stack accesses in the loop instead of 434, ~15% faster). */
#include <immintrin.h>

/* Nonces in flight. The SHA instructions have only xmm0..15: more lanes
 * spill their schedule to the stack. Measured: see doc/benchmarks.md. */
#ifndef SCAN_SHANI_NWAY
#define SCAN_SHANI_NWAY 4
#endif
#define NWAY SCAN_SHANI_NWAY

#include "src/crypto/sha256_shani_state.h"

/* Schedule words 4i..4i+3 from the four groups before them; m[j & 3]
 * holds group j, so m[i & 3] is the oldest and is replaced. */
SHANI_INLINE __m128i next_words(__m128i m[4], int i)
{
    __m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
    t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
    m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
    return m[i & 3];
}

SHANI_INLINE __m128i load4(const uint32_t *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/* sigma0 of the schedule, on one word. */
SHANI_INLINE uint32_t ssig0(uint32_t x)
{
    return ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
}

/* Four rounds on every lane: kw1[l]'s elements 0 and 1 are K + W of the
 * first two, kw2[l]'s of the next two. SHA256RNDS2(CDGH, ABEF) returns the
 * new ABEF and the old ABEF is the new CDGH, so two calls with the names
 * swapped leave abef and cdgh named right. */
#define QUAD2(abef, cdgh, kw1, kw2)                                               \
    do {                                                                          \
        _Pragma("GCC unroll 8") for (int l_ = 0; l_ < NWAY; l_++)                 \
            cdgh[l_] = _mm_sha256rnds2_epu32(cdgh[l_], abef[l_], (kw1)[l_]);      \
        _Pragma("GCC unroll 8") for (int l_ = 0; l_ < NWAY; l_++)                 \
            abef[l_] = _mm_sha256rnds2_epu32(abef[l_], cdgh[l_], (kw2)[l_]);      \
    } while (0)

/* Four rounds with the same K + W quad k on every lane. */
#define QUAD_CONST(abef, cdgh, k)                                                 \
    do {                                                                          \
        __m128i kc_[NWAY], kh_[NWAY];                                             \
        _Pragma("GCC unroll 8") for (int l_ = 0; l_ < NWAY; l_++) {               \
            kc_[l_] = (k);                                                        \
            kh_[l_] = _mm_shuffle_epi32(kc_[l_], 0x0E);                           \
        }                                                                         \
        QUAD2(abef, cdgh, kc_, kh_);                                              \
    } while (0)

/* Four rounds of quad q with scheduled words: quads below s1 read
 * m[q & 3] as it is, the others extend the schedule (next_words). */
#define QUAD_SCHED(abef, cdgh, m, q, s1)                                          \
    do {                                                                          \
        __m128i kw_[NWAY], kh_[NWAY];                                             \
        _Pragma("GCC unroll 8") for (int l_ = 0; l_ < NWAY; l_++) {               \
            __m128i w_ = (q) < (s1) ? m[l_][(q) & 3] : next_words(m[l_], q);      \
            kw_[l_] = _mm_add_epi32(w_, load4(sha256_k + 4 * (q)));               \
            kh_[l_] = _mm_shuffle_epi32(kw_[l_], 0x0E);                           \
        }                                                                         \
        QUAD2(abef, cdgh, kw_, kh_);                                              \
    } while (0)

/* The e after round 60 of the second hash, for NWAY consecutive nonces.
 * s3_abef / s3_cdgh: the state after round 3 of the header's second block
 * with W3 = 0 (the nonce word adds to a and e only). */
SHANI_INLINE void hash_nway(uint32_t e60[NWAY], const struct sha256_scan_job *j, const __m128i s3_abef,
                            const __m128i s3_cdgh, const __m128i mid_abef, const __m128i mid_cdgh, uint32_t nonce)
{
    __m128i abef[NWAY], cdgh[NWAY], m[NWAY][4];
    const __m128i pad1 = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
    const __m128i pad3 = _mm_set_epi32(640, 0, 0, 0);
    /* Round 3 is two additions: a and e gain W3. Words 16 and 17 do not
     * read the nonce; 18 and 19 read it once each (sha256_scan.h). */
    _Pragma("GCC unroll 8") for (int l = 0; l < NWAY; l++) {
        uint32_t nw = __builtin_bswap32(nonce + (uint32_t)l);
        abef[l] = _mm_add_epi32(s3_abef, _mm_set_epi32((int)nw, 0, (int)nw, 0));
        cdgh[l] = s3_cdgh;
        m[l][0] = _mm_set_epi32((int)(j->c19 + nw), (int)(j->c18 + ssig0(nw)), (int)j->w17, (int)j->w16);
        m[l][1] = pad1;
        m[l][2] = _mm_setzero_si128();
        m[l][3] = pad3;
    }
    /* Rounds 4..15: padding words, constant K + W. */
    QUAD_CONST(abef, cdgh, load4(sha256_scan_kw_header + 4));
    QUAD_CONST(abef, cdgh, load4(sha256_scan_kw_header + 8));
    QUAD_CONST(abef, cdgh, load4(sha256_scan_kw_header + 12));
#pragma GCC unroll 12
    for (int q = 4; q < 16; q++)
        QUAD_SCHED(abef, cdgh, m, q, 5);
    _Pragma("GCC unroll 8") for (int l = 0; l < NWAY; l++) {
        abef[l] = _mm_add_epi32(abef[l], mid_abef);
        cdgh[l] = _mm_add_epi32(cdgh[l], mid_cdgh);
    }

    /* The second hash: the digest, then 0x80000000, zeros, 256. */
    __m128i iv_abef, iv_cdgh;
    state_load(&iv_abef, &iv_cdgh, sha256_iv);
    _Pragma("GCC unroll 8") for (int l = 0; l < NWAY; l++) {
        state_unpack(&m[l][0], &m[l][1], abef[l], cdgh[l]);
        abef[l] = iv_abef;
        cdgh[l] = iv_cdgh;
    }
    QUAD_SCHED(abef, cdgh, m, 0, 4);
    QUAD_SCHED(abef, cdgh, m, 1, 4);
    QUAD_CONST(abef, cdgh, load4(sha256_kw_pad32 + 8));
    QUAD_CONST(abef, cdgh, load4(sha256_kw_pad32 + 12));
    _Pragma("GCC unroll 8") for (int l = 0; l < NWAY; l++) {
        m[l][2] = pad1;
        m[l][3] = _mm_set_epi32(256, 0, 0, 0);
    }
#pragma GCC unroll 11
    for (int q = 4; q < 15; q++)
        QUAD_SCHED(abef, cdgh, m, q, 4);
    _Pragma("GCC unroll 8") for (int l = 0; l < NWAY; l++) {
        __m128i k = _mm_add_epi32(next_words(m[l], 15), load4(sha256_k + 60));
        cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], k);
        e60[l] = (uint32_t)_mm_cvtsi128_si32(cdgh[l]);
    }
}

SHANI uint64_t SCAN_NAME(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                         uint32_t start, uint64_t count)
{
    const uint32_t *a3 = job->after3;
    /* The state after round 3 with W3 = 0. */
    const uint32_t s3[8] = { job->r3_a, a3[0], a3[1], a3[2], job->r3_e, a3[4], a3[5], a3[6] };
    __m128i s3_abef, s3_cdgh, mid_abef, mid_cdgh;
    state_load(&s3_abef, &s3_cdgh, s3);
    state_load(&mid_abef, &mid_cdgh, job->mid);
    size_t nf = 0;
    uint64_t done = 0;
    while (done < count && cap - nf >= SHA256_SCAN_MAX_LANES) {
        uint32_t n0 = start + (uint32_t)done;
        uint32_t e60[NWAY];
        hash_nway(e60, job, s3_abef, s3_cdgh, mid_abef, mid_cdgh, n0);
        for (uint32_t l = 0; l < NWAY; l++) {
            if (__builtin_bswap32(e60[l] + sha256_iv[7]) <= job->target_top && done + l < count)
                found[nf++] = n0 + l;
        }
        done += NWAY;
    }
    *nfound = nf;
    return done < count ? done : count;
}

#undef NWAY
#undef QUAD2
#undef QUAD_CONST
#undef QUAD_SCHED
