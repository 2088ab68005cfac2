/* The nonce scanning kernel written once for any lane width: included by
 * sha256_scan.c (scalar, 1 lane), sha256_scan_avx2.c (8 lanes) and
 * sha256_scan_avx512.c (16 lanes), each after defining:
 *
 *   V                  the vector type (one 32-bit word per lane)
 *   LANES              lanes per step
 *   VINLINE            the attributes of the helpers (always_inline, target)
 *   SCAN_ATTR          the attributes of the entry point
 *   SCAN_NAME          the entry point's name (a sha256_scan_fn)
 *   v_set1(x)          x in every lane
 *   v_add(a, b)        lane-wise addition mod 2^32
 *   V_ROR(x, n)        rotate right by a constant
 *   V_SHR(x, n)        shift right by a constant
 *   v_xor3(a, b, c)    a ^ b ^ c
 *   v_ch(e, f, g)      (e & f) ^ (~e & g)
 *   v_maj(a, b, c)     majority
 *   v_bswap(x)         byte-reverse each lane
 *   v_lane_index()     0, 1, ..., LANES - 1
 *   v_mask_le(h, t)    bit l set where lane l of h <= lane l of t (unsigned)
 *
 * Round r reads the state words a..h from S[(k - r) & 7] (k = 0 for a ...
 * 7 for h), so the eight words never move: a round writes its new e into
 * d's slot and its new a into h's. With the loops fully unrolled every index
 * is a constant and the array lives in registers.
 *
 * What the job precomputed (sha256_scan.h): rounds 0..2 of the header's
 * second block and most of round 3; schedule words that do not read the
 * nonce; the constant terms of the others. Here, per nonce: rounds 4..63 of
 * the header's second block, round 0 of the second hash from two constants,
 * rounds 1..56 in full and rounds 57..60 for e only (a new a from those
 * rounds would reach the state word 7 only after round 63). */
#include "src/crypto/sha256_scan.h"

#define ST(r, k) S[((k) - (r)) & 7]

#define V_BSIG0(x) v_xor3(V_ROR(x, 2), V_ROR(x, 13), V_ROR(x, 22))
#define V_BSIG1(x) v_xor3(V_ROR(x, 6), V_ROR(x, 11), V_ROR(x, 25))
#define V_SSIG0(x) v_xor3(V_ROR(x, 7), V_ROR(x, 18), V_SHR(x, 3))
#define V_SSIG1(x) v_xor3(V_ROR(x, 17), V_ROR(x, 19), V_SHR(x, 10))

/* Scalar forms for constants folded at compile time. */
#define C_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define C_SSIG0(x) (C_ROR(x, 7) ^ C_ROR(x, 18) ^ ((x) >> 3))
#define C_SSIG1(x) (C_ROR(x, 17) ^ C_ROR(x, 19) ^ ((x) >> 10))

/* One full round r with kw = K[r] + W[r]. */
#define ROUND(r, kw)                                                                                         \
    do {                                                                                                     \
        V t1_ = v_add(v_add(v_add(ST(r, 7), (kw)), v_ch(ST(r, 4), ST(r, 5), ST(r, 6))), V_BSIG1(ST(r, 4))); \
        V t2_ = v_add(V_BSIG0(ST(r, 0)), v_maj(ST(r, 0), ST(r, 1), ST(r, 2)));                              \
        ST(r, 3) = v_add(ST(r, 3), t1_);                                                                     \
        ST(r, 7) = v_add(t1_, t2_);                                                                          \
    } while (0)

/* A round that computes only the new e (the new a is never read again). */
#define ROUND_E(r, kw)                                                                                       \
    do {                                                                                                     \
        V t1_ = v_add(v_add(v_add(ST(r, 7), (kw)), v_ch(ST(r, 4), ST(r, 5), ST(r, 6))), V_BSIG1(ST(r, 4))); \
        ST(r, 3) = v_add(ST(r, 3), t1_);                                                                     \
    } while (0)

/* Schedule word i from the general recurrence. */
#define SCHED(w, i) v_add(v_add(V_SSIG1(w[(i) - 2]), w[(i) - 7]), v_add(V_SSIG0(w[(i) - 15]), w[(i) - 16]))

/* Returns, per lane, the second hash's e after round 60 (state word 7 of
 * the final hash, less its feed-forward) for the nonce word w3. */
VINLINE V hash_lanes(const struct sha256_scan_job *j, V w3)
{
    V S[8], w[64];

    /* ---- the header's second block: rounds 4..63 ---- */
    ST(4, 0) = v_add(v_set1(j->r3_a), w3);
    ST(4, 1) = v_set1(j->after3[0]);
    ST(4, 2) = v_set1(j->after3[1]);
    ST(4, 3) = v_set1(j->after3[2]);
    ST(4, 4) = v_add(v_set1(j->r3_e), w3);
    ST(4, 5) = v_set1(j->after3[4]);
    ST(4, 6) = v_set1(j->after3[5]);
    ST(4, 7) = v_set1(j->after3[6]);
    /* Words 4..15 are padding (0x80000000, zeros, 640): K + W are constants. */
#pragma GCC unroll 16
    for (int r = 4; r < 16; r++)
        ROUND(r, v_set1(sha256_scan_kw_header[r]));
    ROUND(16, v_set1(j->kw16));
    ROUND(17, v_set1(j->kw17));
    /* The schedule with the padding's zero terms left out. */
    w[16] = v_set1(j->w16);
    w[17] = v_set1(j->w17);
    w[18] = v_add(v_set1(j->c18), V_SSIG0(w3));
    w[19] = v_add(v_set1(j->c19), w3);
    w[20] = v_add(V_SSIG1(w[18]), v_set1(0x80000000u));
    w[21] = V_SSIG1(w[19]);
    w[22] = v_add(V_SSIG1(w[20]), v_set1(640));
    w[23] = v_add(V_SSIG1(w[21]), w[16]);
    w[24] = v_add(V_SSIG1(w[22]), w[17]);
#pragma GCC unroll 8
    for (int i = 25; i < 30; i++)
        w[i] = v_add(V_SSIG1(w[i - 2]), w[i - 7]);
    w[30] = v_add(v_add(V_SSIG1(w[28]), w[23]), v_set1(C_SSIG0(640u)));
    w[31] = v_add(v_add(V_SSIG1(w[29]), w[24]), v_set1(j->c31));
    w[32] = v_add(v_add(V_SSIG1(w[30]), w[25]), v_set1(j->c32));
    w[33] = v_add(v_add(V_SSIG1(w[31]), w[26]), v_add(V_SSIG0(w[18]), w[17]));
#pragma GCC unroll 32
    for (int i = 34; i < 64; i++)
        w[i] = SCHED(w, i);
#pragma GCC unroll 48
    for (int r = 18; r < 64; r++)
        ROUND(r, v_add(w[r], v_set1(sha256_k[r])));
    /* Feed-forward: the first digest, which is the second hash's message. */
    V d[8];
#pragma GCC unroll 8
    for (int k = 0; k < 8; k++)
        d[k] = v_add(ST(64, k), v_set1(j->mid[k]));

    /* ---- the second hash: one block, the digest then padding ---- */
    /* Round 0 from the IV: a and e are constants plus W0. */
    ST(1, 0) = v_add(v_set1(j->h2_r0_a), d[0]);
    ST(1, 1) = v_set1(sha256_iv[0]);
    ST(1, 2) = v_set1(sha256_iv[1]);
    ST(1, 3) = v_set1(sha256_iv[2]);
    ST(1, 4) = v_add(v_set1(j->h2_r0_e), d[0]);
    ST(1, 5) = v_set1(sha256_iv[4]);
    ST(1, 6) = v_set1(sha256_iv[5]);
    ST(1, 7) = v_set1(sha256_iv[6]);
#pragma GCC unroll 8
    for (int r = 1; r < 8; r++)
        ROUND(r, v_add(d[r], v_set1(sha256_k[r])));
#pragma GCC unroll 8
    for (int r = 8; r < 16; r++)
        ROUND(r, v_set1(sha256_kw_pad32[r]));
    /* Words 8..15: 0x80000000, zeros, 256. */
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++)
        w[i] = d[i];
    w[16] = v_add(V_SSIG0(w[1]), w[0]);
    w[17] = v_add(v_add(V_SSIG0(w[2]), w[1]), v_set1(C_SSIG1(256u)));
#pragma GCC unroll 4
    for (int i = 18; i < 22; i++)
        w[i] = v_add(v_add(V_SSIG1(w[i - 2]), V_SSIG0(w[i - 15])), w[i - 16]);
    w[22] = v_add(v_add(V_SSIG1(w[20]), V_SSIG0(w[7])), v_add(w[6], v_set1(256)));
    w[23] = v_add(v_add(V_SSIG1(w[21]), w[16]), v_add(w[7], v_set1(C_SSIG0(0x80000000u))));
    w[24] = v_add(v_add(V_SSIG1(w[22]), w[17]), v_set1(0x80000000u));
#pragma GCC unroll 8
    for (int i = 25; i < 30; i++)
        w[i] = v_add(V_SSIG1(w[i - 2]), w[i - 7]);
    w[30] = v_add(v_add(V_SSIG1(w[28]), w[23]), v_set1(C_SSIG0(256u)));
    w[31] = v_add(v_add(V_SSIG1(w[29]), w[24]), v_add(V_SSIG0(w[16]), v_set1(256)));
#pragma GCC unroll 32
    for (int i = 32; i < 61; i++)
        w[i] = SCHED(w, i);
#pragma GCC unroll 48
    for (int r = 16; r < 57; r++)
        ROUND(r, v_add(w[r], v_set1(sha256_k[r])));
#pragma GCC unroll 4
    for (int r = 57; r < 61; r++)
        ROUND_E(r, v_add(w[r], v_set1(sha256_k[r])));
    return ST(60, 3);
}

SCAN_ATTR uint64_t SCAN_NAME(const struct sha256_scan_job *job, uint32_t *found, size_t cap, size_t *nfound,
                             uint32_t start, uint64_t count)
{
    size_t nf = 0;
    uint64_t done = 0;
    const V target = v_set1(job->target_top);
    const V iv7 = v_set1(sha256_iv[7]);
    while (done < count && cap - nf >= SHA256_SCAN_MAX_LANES) {
        uint32_t n0 = start + (uint32_t)done;
        /* The nonce is stored little-endian; SHA-256 reads big-endian words. */
        V w3 = v_bswap(v_add(v_set1(n0), v_lane_index()));
        V top = v_bswap(v_add(hash_lanes(job, w3), iv7));
        unsigned mask = v_mask_le(top, target);
        while (mask) {
            unsigned l = (unsigned)__builtin_ctz(mask);
            mask &= mask - 1;
            if (done + l < count) /* the last step may run past the range */
                found[nf++] = n0 + l;
        }
        done += LANES;
    }
    *nfound = nf;
    return done < count ? done : count;
}

#undef ST
#undef V_BSIG0
#undef V_BSIG1
#undef V_SSIG0
#undef V_SSIG1
#undef C_ROR
#undef C_SSIG0
#undef C_SSIG1
#undef ROUND
#undef ROUND_E
#undef SCHED
