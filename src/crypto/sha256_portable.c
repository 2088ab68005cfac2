/* SHA-256: the portable C kernel and the constant tables every kernel shares.
 * Besides the plain block transform it has single-lane versions of the two
 * batch paths, which skip work that is the same for every input:
 *  - sha256d_64: the second block of a 64-byte message is pure padding, so
 *    its K + W sums are one constant table (sha256_kw_pad64);
 *  - header nonces: rounds 0..2 of the header's second block and schedule
 *    words 16..17 do not read the nonce (struct sha256_nonce_pre). */
#include <string.h>

#include "src/crypto/sha256_internal.h"
#include "src/util/endian.h"

const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Generated from sha256_k and the padding words; sha256_tests.c recomputes both. */
const uint32_t sha256_kw_pad64[64] = {
    0xc28a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf374,
    0x649b69c1, 0xf0fe4786, 0x0fe1edc6, 0x240cf254, 0x4fe9346f, 0x6cc984be, 0x61b9411e, 0x16f988fa,
    0xf2c65152, 0xa88e5a6d, 0xb019fc65, 0xb9d99ec7, 0x9a1231c3, 0xe70eeaa0, 0xfdb1232b, 0xc7353eb0,
    0x3069bad5, 0xcb976d5f, 0x5a0f118f, 0xdc1eeefd, 0x0a35b689, 0xde0b7a04, 0x58f4ca9d, 0xe15d5b16,
    0x007f3e86, 0x37088980, 0xa507ea32, 0x6fab9537, 0x17406110, 0x0d8cd6f1, 0xcdaa3b6d, 0xc0bbbe37,
    0x83613bda, 0xdb48a363, 0x0b02e931, 0x6fd15ca7, 0x521afaca, 0x31338431, 0x6ed41a95, 0x6d437890,
    0xc39c91f2, 0x9eccabbd, 0xb5c9a0e6, 0x532fb63c, 0xd2c741c6, 0x07237ea3, 0xa4954b68, 0x4c191d76,
};

const uint32_t sha256_kw_pad32[16] = {
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
    0x5807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf274,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* Rounds [from, to) on st, with kw[i] = K[i] + W[i]. */
static inline void rounds(uint32_t st[8], const uint32_t *kw, int from, int to)
{
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = from; i < to; i++) {
        uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + kw[i];
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] = a; st[1] = b; st[2] = c; st[3] = d; st[4] = e; st[5] = f; st[6] = g; st[7] = h;
}

/* Extends w[from..63] from the words before it. */
static inline void schedule(uint32_t w[64], int from)
{
    for (int i = from; i < 64; i++)
        w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];
}

static inline void add_k(uint32_t kw[64], const uint32_t w[64], int from)
{
    for (int i = from; i < 64; i++)
        kw[i] = sha256_k[i] + w[i];
}

static inline void feed_forward(uint32_t s[8], const uint32_t st[8])
{
    for (int i = 0; i < 8; i++)
        s[i] += st[i];
}

void sha256_portable_transform(uint32_t s[8], const uint8_t *p, size_t blocks)
{
    for (; blocks; blocks--, p += 64) {
        uint32_t w[64], st[8];
        for (int i = 0; i < 16; i++)
            w[i] = be32_read(p + 4 * i);
        schedule(w, 16);
        add_k(w, w, 0);
        memcpy(st, s, sizeof(st));
        rounds(st, w, 0, 64);
        feed_forward(s, st);
    }
}

/* SHA-256 of a 32-byte message given as eight big-endian words in w[0..7],
 * written to out. Words 8..15 are padding, so their K + W are constants. */
static void hash_digest_words(uint8_t out[32], uint32_t w[64])
{
    uint32_t st[8];
    w[8] = 0x80000000;
    for (int i = 9; i < 15; i++)
        w[i] = 0;
    w[15] = 256;
    schedule(w, 16);
    for (int i = 0; i < 8; i++)
        w[i] += sha256_k[i];
    for (int i = 8; i < 16; i++)
        w[i] = sha256_kw_pad32[i];
    add_k(w, w, 16);
    memcpy(st, sha256_iv, sizeof(st));
    rounds(st, w, 0, 64);
    for (int i = 0; i < 8; i++)
        be32_write(out + 4 * i, st[i] + sha256_iv[i]);
}

void sha256_portable_d64(uint8_t out[32], const uint8_t in[64])
{
    uint32_t s[8], st[8], w[64];
    memcpy(s, sha256_iv, sizeof(s));
    sha256_portable_transform(s, in, 1);
    memcpy(st, s, sizeof(st));
    rounds(st, sha256_kw_pad64, 0, 64);
    feed_forward(s, st);
    memcpy(w, s, sizeof(s));
    hash_digest_words(out, w);
}

void sha256_nonce_pre_init(struct sha256_nonce_pre *p, const struct sha256_header_midstate *m)
{
    uint32_t w[64];
    memcpy(p->mid, m->s, sizeof(p->mid));
    for (int i = 0; i < 3; i++)
        w[i] = be32_read(m->tail + 4 * i);
    w[3] = 0;
    w[4] = 0x80000000;
    for (int i = 5; i < 15; i++)
        w[i] = 0;
    w[15] = 640; /* 80 bytes, in bits */
    /* Words 16 and 17 read words 0..2, 9..11, 14..15 only. */
    w[16] = SSIG1(w[14]) + w[9] + SSIG0(w[1]) + w[0];
    w[17] = SSIG1(w[15]) + w[10] + SSIG0(w[2]) + w[1];
    memcpy(p->w, w, sizeof(p->w));
    for (int i = 0; i < 3; i++)
        w[i] += sha256_k[i];
    memcpy(p->after3, m->s, sizeof(p->after3));
    rounds(p->after3, w, 0, 3);
}

/* The nonce sits in the header little-endian; SHA-256 reads words big-endian. */
static inline uint32_t nonce_word(uint32_t nonce)
{
    return __builtin_bswap32(nonce);
}

void sha256_portable_nonces(uint8_t out[32], const struct sha256_nonce_pre *p, uint32_t nonce)
{
    uint32_t w[64], st[8], s[8];
    memcpy(w, p->w, sizeof(p->w));
    w[3] = nonce_word(nonce);
    schedule(w, 18);
    add_k(w, w, 3);
    memcpy(st, p->after3, sizeof(st));
    rounds(st, w, 3, 64);
    memcpy(s, p->mid, sizeof(s));
    feed_forward(s, st);
    memcpy(w, s, sizeof(s));
    hash_digest_words(out, w);
}
