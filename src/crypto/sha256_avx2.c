/* SHA-256, eight independent messages at once on AVX2: each 256-bit register
 * holds the same state or schedule word of eight messages, one per 32-bit
 * lane, and every round is the portable round done on vectors.
 *
 * One message's rounds form a dependency chain, so this kernel speeds up
 * only batches (Merkle levels, header nonces); single streams use SHA-NI or
 * portable C (sha256.c). Inputs are loaded as eight rows and transposed in
 * registers rather than gathered: gathers are slow on many CPUs. Functions
 * carry __attribute__((target("avx2"))), so the build needs no -mavx2, and
 * run only after sha256_avx2_supported() said yes. */
#include <stdbool.h>
#include <string.h>

#include "src/crypto/sha256_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline

bool sha256_avx2_supported(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    /* AVX needs the OS to save the YMM registers: OSXSAVE, then XCR0 bits 1-2. */
    if (!(c & (1u << 27)) || !(c & (1u << 28)))
        return false;
    unsigned xlo, xhi;
    __asm__("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 6) != 6)
        return false;
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return b & (1u << 5);
}

typedef __m256i vec;

AVX2_INLINE vec add(vec a, vec b) { return _mm256_add_epi32(a, b); }
AVX2_INLINE vec bc(uint32_t x) { return _mm256_set1_epi32((int)x); }
AVX2_INLINE vec xor3(vec a, vec b, vec c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
#define ROR(x, n) _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - (n)))
AVX2_INLINE vec bsig0(vec x) { return xor3(ROR(x, 2), ROR(x, 13), ROR(x, 22)); }
AVX2_INLINE vec bsig1(vec x) { return xor3(ROR(x, 6), ROR(x, 11), ROR(x, 25)); }
AVX2_INLINE vec ssig0(vec x) { return xor3(ROR(x, 7), ROR(x, 18), _mm256_srli_epi32(x, 3)); }
AVX2_INLINE vec ssig1(vec x) { return xor3(ROR(x, 17), ROR(x, 19), _mm256_srli_epi32(x, 10)); }
AVX2_INLINE vec ch(vec e, vec f, vec g)
{
    return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)));
}
AVX2_INLINE vec maj(vec a, vec b, vec c)
{
    return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
}

/* Byte-reverses each 32-bit lane (big-endian words). */
AVX2_INLINE vec bswap(vec x)
{
    const vec mask = _mm256_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL, 0x0c0d0e0f08090a0bLL,
                                       0x0405060700010203LL);
    return _mm256_shuffle_epi8(x, mask);
}

/* Transposes the 8x8 matrix of 32-bit words r (row i = register i): it is
 * its own inverse, turning eight messages' words into word-per-register
 * form and eight states back into one digest per register. */
AVX2_INLINE void transpose(vec r[8])
{
    vec t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) {
        u[4 * h + 0] = _mm256_unpacklo_epi64(t[4 * h + 0], t[4 * h + 2]); /* words 0, 4 */
        u[4 * h + 1] = _mm256_unpackhi_epi64(t[4 * h + 0], t[4 * h + 2]); /* words 1, 5 */
        u[4 * h + 2] = _mm256_unpacklo_epi64(t[4 * h + 1], t[4 * h + 3]); /* words 2, 6 */
        u[4 * h + 3] = _mm256_unpackhi_epi64(t[4 * h + 1], t[4 * h + 3]); /* words 3, 7 */
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x20);
        r[j + 4] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x31);
    }
}

/* Words 16..63 of the schedule from the words before `from`. */
AVX2_INLINE void schedule(vec w[64], int from)
{
#pragma GCC unroll 8
    for (int i = from; i < 64; i++)
        w[i] = add(add(ssig1(w[i - 2]), w[i - 7]), add(ssig0(w[i - 15]), w[i - 16]));
}

/* Rounds [from, to). With w, K[i] + w[i] is added; without, kw[i] (a
 * constant K + W table, the same in every lane) is. */
AVX2_INLINE void rounds(vec st[8], const vec *w, const uint32_t *kw, int from, int to)
{
    vec a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
#pragma GCC unroll 8
    for (int i = from; i < to; i++) {
        vec k = w ? add(w[i], bc(sha256_k[i])) : bc(kw[i]);
        /* h + k is ready early; only bsig1(e) and ch are on the chain. */
        vec t1 = add(add(add(h, k), ch(e, f, g)), bsig1(e));
        vec t2 = add(bsig0(a), maj(a, b, c));
        h = g; g = f; f = e; e = add(d, t1);
        d = c; c = b; b = a; a = add(t1, t2);
    }
    st[0] = a; st[1] = b; st[2] = c; st[3] = d; st[4] = e; st[5] = f; st[6] = g; st[7] = h;
}

/* Loads words [8*half, 8*half + 8) of eight 64-byte messages into w. */
AVX2_INLINE void load_words(vec w[8], const uint8_t *in, int half)
{
    for (int i = 0; i < 8; i++)
        w[i] = _mm256_loadu_si256((const __m256i *)(in + 64 * i + 32 * half));
    transpose(w);
    for (int i = 0; i < 8; i++)
        w[i] = bswap(w[i]);
}

/* SHA-256 of eight 32-byte digests s (word-per-register) into out. */
AVX2_INLINE void hash_digests(uint8_t out[256], const vec s[8])
{
    vec w[64], st[8];
    for (int i = 0; i < 8; i++)
        w[i] = s[i];
    w[8] = bc(0x80000000);
    for (int i = 9; i < 15; i++)
        w[i] = _mm256_setzero_si256();
    w[15] = bc(256);
    schedule(w, 16);
    for (int i = 0; i < 8; i++)
        st[i] = bc(sha256_iv[i]);
    rounds(st, w, NULL, 0, 64);
    for (int i = 0; i < 8; i++)
        st[i] = add(st[i], bc(sha256_iv[i]));
    transpose(st);
    for (int i = 0; i < 8; i++)
        _mm256_storeu_si256((__m256i *)(out + 32 * i), bswap(st[i]));
}

AVX2 void sha256_avx2_d64_8way(uint8_t out[256], const uint8_t in[512])
{
    vec w[64], st[8], s[8];
    load_words(w, in, 0);
    load_words(w + 8, in, 1);
    schedule(w, 16);
    for (int i = 0; i < 8; i++)
        st[i] = bc(sha256_iv[i]);
    rounds(st, w, NULL, 0, 64);
    for (int i = 0; i < 8; i++)
        s[i] = st[i] = add(st[i], bc(sha256_iv[i]));
    /* The second block is pure padding: its K + W are one table. */
    rounds(st, NULL, sha256_kw_pad64, 0, 64);
    for (int i = 0; i < 8; i++)
        s[i] = add(s[i], st[i]);
    hash_digests(out, s);
}

AVX2 void sha256_avx2_nonces_8way(uint8_t out[256], const struct sha256_nonce_pre *p, uint32_t nonce)
{
    vec w[64], st[8];
    for (int i = 0; i < 18; i++)
        w[i] = bc(p->w[i]);
    /* Lane l hashes nonce + l (mod 2^32), read as a big-endian word. */
    w[3] = bswap(add(bc(nonce), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    schedule(w, 18);
    /* Rounds 0..2 did not depend on the nonce: start from their result. */
    for (int i = 0; i < 8; i++)
        st[i] = bc(p->after3[i]);
    rounds(st, w, NULL, 3, 64);
    for (int i = 0; i < 8; i++)
        st[i] = add(st[i], bc(p->mid[i]));
    hash_digests(out, st);
}

#else /* not x86: never selected */

bool sha256_avx2_supported(void)
{
    return false;
}

void sha256_avx2_d64_8way(uint8_t out[256], const uint8_t in[512])
{
    for (int i = 0; i < 8; i++)
        sha256_portable_d64(out + 32 * i, in + 64 * i);
}

void sha256_avx2_nonces_8way(uint8_t out[256], const struct sha256_nonce_pre *p, uint32_t nonce)
{
    for (uint32_t i = 0; i < 8; i++)
        sha256_portable_nonces(out + 32 * i, p, nonce + i);
}

#endif
