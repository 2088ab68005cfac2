/* The SHA-NI state layout, shared by the hashing transform (sha256_shani.c)
 * and the nonce scanning kernel (sha256_scan_shani_body.h). SHA256RNDS2
 * holds the eight state words as two registers, ABEF and CDGH; these move
 * between that layout and the words in order. The includer defines
 * SHANI_INLINE (its target attributes) and includes <immintrin.h> first. */
#ifndef HASHMINT_CRYPTO_SHA256_SHANI_STATE_H
#define HASHMINT_CRYPTO_SHA256_SHANI_STATE_H

/* s[0..7] (A..H) to the ABEF / CDGH register pair. */
SHANI_INLINE void state_load(__m128i *abef, __m128i *cdgh, const uint32_t s[8])
{
    __m128i dcba = _mm_loadu_si128((const __m128i *)s);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(s + 4));
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    *abef = _mm_alignr_epi8(cdab, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

/* The inverse: ABEF / CDGH to two vectors holding A..D and E..H in element
 * order, which are also the message words of a digest hashed again. */
SHANI_INLINE void state_unpack(__m128i *dcba, __m128i *hgfe, __m128i abef, __m128i cdgh)
{
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    *dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    *hgfe = _mm_alignr_epi8(dchg, feba, 8);
}

#endif
