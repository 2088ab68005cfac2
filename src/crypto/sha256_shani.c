/* SHA-256 on the x86 SHA extensions (SHA-NI): SHA256RNDS2 does two rounds,
 * SHA256MSG1/MSG2 extend the message schedule four words at a time.
 *
 * Functions carry __attribute__((target("sha,sse4.1"))) so the rest of the
 * build needs no special flags; sha256.c calls them only after
 * sha256_shani_supported() said yes. The state lives in two registers in the
 * order the instructions want: ABEF and CDGH (element 3 first). The 2-way
 * entry points interleave two independent messages: SHA256RNDS2 has a
 * latency of several cycles, and a second chain fills those slots. */
#include <stdbool.h>
#include <string.h>

#include "src/crypto/sha256_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

#define SHANI __attribute__((target("sha,sse4.1")))
#define SHANI_INLINE __attribute__((target("sha,sse4.1"), always_inline)) static inline

bool sha256_shani_supported(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    bool sha = b & (1u << 29);
    return ssse3 && sse41 && sha;
}

/* Byte order within each 32-bit word: SHA-256 words are big-endian. */
SHANI_INLINE __m128i bswap_mask(void)
{
    return _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
}

#include "src/crypto/sha256_shani_state.h"

SHANI_INLINE void quad_round(__m128i *abef, __m128i *cdgh, __m128i kw)
{
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, kw);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(kw, 0x0E));
}

/* Schedule words 4i..4i+3 from the four groups before them; m[j & 3] holds
 * the group j, so m[i & 3] is the oldest (i - 4) and is replaced. */
SHANI_INLINE __m128i next_words(__m128i m[4], int i)
{
    __m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
    t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
    m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
    return m[i & 3];
}

SHANI_INLINE __m128i kvec(int i)
{
    return _mm_loadu_si128((const __m128i *)(sha256_k + 4 * i));
}

/* One block with message words m (big-endian words already in lanes). */
SHANI_INLINE void compress(__m128i *abef, __m128i *cdgh, __m128i m[4])
{
    __m128i abef0 = *abef, cdgh0 = *cdgh;
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) {
        __m128i w = i < 4 ? m[i] : next_words(m, i);
        quad_round(abef, cdgh, _mm_add_epi32(w, kvec(i)));
    }
    *abef = _mm_add_epi32(*abef, abef0);
    *cdgh = _mm_add_epi32(*cdgh, cdgh0);
}

/* Two independent blocks, interleaved round by round. */
SHANI_INLINE void compress2(__m128i abef[2], __m128i cdgh[2], __m128i ma[4], __m128i mb[4])
{
    __m128i a0 = abef[0], c0 = cdgh[0], a1 = abef[1], c1 = cdgh[1];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) {
        __m128i wa = i < 4 ? ma[i] : next_words(ma, i);
        __m128i wb = i < 4 ? mb[i] : next_words(mb, i);
        quad_round(&abef[0], &cdgh[0], _mm_add_epi32(wa, kvec(i)));
        quad_round(&abef[1], &cdgh[1], _mm_add_epi32(wb, kvec(i)));
    }
    abef[0] = _mm_add_epi32(abef[0], a0);
    cdgh[0] = _mm_add_epi32(cdgh[0], c0);
    abef[1] = _mm_add_epi32(abef[1], a1);
    cdgh[1] = _mm_add_epi32(cdgh[1], c1);
}

/* A block whose K + W sums are all known (pure padding), for two lanes. */
SHANI_INLINE void compress2_kw(__m128i abef[2], __m128i cdgh[2], const uint32_t kw[64])
{
    __m128i a0 = abef[0], c0 = cdgh[0], a1 = abef[1], c1 = cdgh[1];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) {
        __m128i k = _mm_loadu_si128((const __m128i *)(kw + 4 * i));
        quad_round(&abef[0], &cdgh[0], k);
        quad_round(&abef[1], &cdgh[1], k);
    }
    abef[0] = _mm_add_epi32(abef[0], a0);
    cdgh[0] = _mm_add_epi32(cdgh[0], c0);
    abef[1] = _mm_add_epi32(abef[1], a1);
    cdgh[1] = _mm_add_epi32(cdgh[1], c1);
}

SHANI_INLINE void load_block(__m128i m[4], const uint8_t *p)
{
    for (int j = 0; j < 4; j++)
        m[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), bswap_mask());
}

SHANI void sha256_shani_transform(uint32_t s[8], const uint8_t *p, size_t blocks)
{
    __m128i abef, cdgh, m[4];
    state_load(&abef, &cdgh, s);
    for (; blocks; blocks--, p += 64) {
        load_block(m, p);
        compress(&abef, &cdgh, m);
    }
    __m128i dcba, hgfe;
    state_unpack(&dcba, &hgfe, abef, cdgh);
    _mm_storeu_si128((__m128i *)s, dcba);
    _mm_storeu_si128((__m128i *)(s + 4), hgfe);
}

/* Second SHA-256 of both lanes' 32-byte digests, written big-endian. */
SHANI_INLINE void finish2(uint8_t out[64], __m128i abef[2], __m128i cdgh[2])
{
    __m128i ma[4], mb[4], iv_abef, iv_cdgh;
    state_unpack(&ma[0], &ma[1], abef[0], cdgh[0]);
    state_unpack(&mb[0], &mb[1], abef[1], cdgh[1]);
    ma[2] = mb[2] = _mm_set_epi32(0, 0, 0, (int)0x80000000);
    ma[3] = mb[3] = _mm_set_epi32(256, 0, 0, 0);
    state_load(&iv_abef, &iv_cdgh, sha256_iv);
    abef[0] = abef[1] = iv_abef;
    cdgh[0] = cdgh[1] = iv_cdgh;
    compress2(abef, cdgh, ma, mb);
    for (int l = 0; l < 2; l++) {
        __m128i dcba, hgfe;
        state_unpack(&dcba, &hgfe, abef[l], cdgh[l]);
        _mm_storeu_si128((__m128i *)(out + 32 * l), _mm_shuffle_epi8(dcba, bswap_mask()));
        _mm_storeu_si128((__m128i *)(out + 32 * l + 16), _mm_shuffle_epi8(hgfe, bswap_mask()));
    }
}

SHANI void sha256_shani_d64_2way(uint8_t out[64], const uint8_t in[128])
{
    __m128i abef[2], cdgh[2], ma[4], mb[4];
    state_load(&abef[0], &cdgh[0], sha256_iv);
    abef[1] = abef[0];
    cdgh[1] = cdgh[0];
    load_block(ma, in);
    load_block(mb, in + 64);
    compress2(abef, cdgh, ma, mb);
    compress2_kw(abef, cdgh, sha256_kw_pad64);
    finish2(out, abef, cdgh);
}

SHANI void sha256_shani_nonces_2way(uint8_t out[64], const struct sha256_nonce_pre *p, uint32_t nonce)
{
    __m128i abef[2], cdgh[2], ma[4], mb[4];
    state_load(&abef[0], &cdgh[0], p->mid);
    abef[1] = abef[0];
    cdgh[1] = cdgh[0];
    /* Words: merkle tail, time, bits, nonce | 0x80000000, 0... | 0... | ..., 640. */
    ma[0] = _mm_set_epi32((int)__builtin_bswap32(nonce), (int)p->w[2], (int)p->w[1], (int)p->w[0]);
    mb[0] = _mm_set_epi32((int)__builtin_bswap32(nonce + 1), (int)p->w[2], (int)p->w[1], (int)p->w[0]);
    ma[1] = mb[1] = _mm_set_epi32(0, 0, 0, (int)0x80000000);
    ma[2] = mb[2] = _mm_setzero_si128();
    ma[3] = mb[3] = _mm_set_epi32(640, 0, 0, 0);
    compress2(abef, cdgh, ma, mb);
    finish2(out, abef, cdgh);
}

#else /* not x86: never selected */

bool sha256_shani_supported(void)
{
    return false;
}

void sha256_shani_transform(uint32_t s[8], const uint8_t *p, size_t blocks)
{
    sha256_portable_transform(s, p, blocks);
}

void sha256_shani_d64_2way(uint8_t out[64], const uint8_t in[128])
{
    sha256_portable_d64(out, in);
    sha256_portable_d64(out + 32, in + 64);
}

void sha256_shani_nonces_2way(uint8_t out[64], const struct sha256_nonce_pre *p, uint32_t nonce)
{
    sha256_portable_nonces(out, p, nonce);
    sha256_portable_nonces(out + 32, p, nonce + 1);
}

#endif
