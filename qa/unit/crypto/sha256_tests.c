#include "src/crypto/sha256.h"

#include <stdio.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/crypto/sha256_internal.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/hex.h"

/* Every kernel the API names, AUTO first; tests skip those the CPU lacks. */
static const enum sha256_kernel KERNELS[] = {
    SHA256_KERNEL_AUTO, SHA256_KERNEL_PORTABLE, SHA256_KERNEL_SHANI, SHA256_KERNEL_AVX2,
};
#define N_KERNELS (sizeof(KERNELS) / sizeof(KERNELS[0]))

/* Bitcoin's genesis block header. */
static const char *GENESIS_HEADER =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f61"
    "7fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
static const char *GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
static const uint32_t GENESIS_NONCE = 2083236893;

/* xorshift64*: a fixed-seed generator so failures reproduce. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}
static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng_next() >> 56);
}

static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char got[2 * 64 + 1];
    ck_assert_uint_le(n, 64);
    hex_encode(got, p, n);
    ck_assert_str_eq(got, want);
}

static void select_or_skip(enum sha256_kernel k, bool *ok)
{
    *ok = sha256_kernel_select(k);
    if (!*ok)
        ck_assert(!sha256_kernel_available(k));
}

static void restore_auto(void)
{
    ck_assert(sha256_kernel_select(SHA256_KERNEL_AUTO));
}

/* FIPS 180-4 / NIST CAVS known answers, on every available kernel. */
START_TEST(known_answers)
{
    static const char *L448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char *L896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
                              "nopqrsmnopqrstnopqrstu";
    uint8_t *million = mem_alloc(1000000);
    memset(million, 'a', 1000000);
    for (size_t k = 0; k < N_KERNELS; k++) {
        bool ok;
        select_or_skip(KERNELS[k], &ok);
        if (!ok)
            continue;
        uint8_t out[32];
        sha256(out, NULL, 0);
        assert_hex(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        sha256(out, (const uint8_t *)"abc", 3);
        assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        sha256(out, (const uint8_t *)L448, strlen(L448));
        assert_hex(out, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        sha256(out, (const uint8_t *)L896, strlen(L896));
        assert_hex(out, 32, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        sha256(out, million, 1000000);
        assert_hex(out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        /* The same million bytes in odd-sized pieces. */
        struct sha256_ctx ctx;
        sha256_init(&ctx);
        for (size_t off = 0; off < 1000000;) {
            size_t n = 1000000 - off < 997 ? 1000000 - off : 997;
            sha256_write(&ctx, million + off, n);
            off += n;
        }
        sha256_finalize(&ctx, out);
        assert_hex(out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        sha256d(out, (const uint8_t *)"abc", 3);
        assert_hex(out, 32, "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358");
        sha256_init(&ctx);
        sha256_write(&ctx, (const uint8_t *)"ab", 2);
        sha256_write(&ctx, (const uint8_t *)"c", 1);
        sha256d_finalize(&ctx, out);
        assert_hex(out, 32, "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358");
    }
    restore_auto();
    mem_free(million);
}
END_TEST

/* The genesis header hashes to the well-known block hash on every path. */
START_TEST(genesis_header)
{
    uint8_t header[80];
    size_t len;
    ck_assert(hex_decode(header, sizeof(header), &len, GENESIS_HEADER));
    ck_assert_uint_eq(len, 80);
    ck_assert_uint_eq(le32_read(header + 76), GENESIS_NONCE);
    for (size_t k = 0; k < N_KERNELS; k++) {
        bool ok;
        select_or_skip(KERNELS[k], &ok);
        if (!ok)
            continue;
        uint8_t out[32], batch[32 * 40];
        char disp[65];
        sha256d(out, header, 80);
        hex_encode_reversed(disp, out, 32);
        ck_assert_str_eq(disp, GENESIS_HASH);

        struct sha256_header_midstate m;
        sha256_header_midstate(&m, header);
        sha256d_header_nonce(out, &m, GENESIS_NONCE);
        hex_encode_reversed(disp, out, 32);
        ck_assert_str_eq(disp, GENESIS_HASH);
        /* Inside a batch, at lane 13 of 40. */
        sha256d_header_nonces(batch, &m, GENESIS_NONCE - 13, 40);
        hex_encode_reversed(disp, batch + 32 * 13, 32);
        ck_assert_str_eq(disp, GENESIS_HASH);
        /* The nonce in the midstate's tail is ignored. */
        memset(m.tail + 12, 0xee, 4);
        sha256d_header_nonce(out, &m, GENESIS_NONCE);
        hex_encode_reversed(disp, out, 32);
        ck_assert_str_eq(disp, GENESIS_HASH);
    }
    restore_auto();
}
END_TEST

START_TEST(tagged_hash)
{
    /* Computed independently: SHA256(SHA256(tag) || SHA256(tag) || "hashmint"). */
    struct sha256_ctx ctx;
    uint8_t out[32], taghash[32], manual[32];
    sha256_tagged_init(&ctx, "BIP0340/challenge");
    sha256_write(&ctx, (const uint8_t *)"hashmint", 8);
    sha256_finalize(&ctx, out);
    assert_hex(out, 32, "da692bbef6574a41e8b0d4ec43049e432340e5d5b14a19d78c7d29e2946111d4");
    /* With no data: SHA256(SHA256("TapLeaf") || SHA256("TapLeaf")). */
    sha256_tagged_init(&ctx, "TapLeaf");
    sha256_finalize(&ctx, out);
    assert_hex(out, 32, "5212c288a377d1f8164962a5a13429f9ba6a7b84e59776a52c6637df2106facb");
    /* And the construction itself, for a tag longer than a block. */
    const char *tag = "a tag that is longer than one sixty-four byte block of SHA-256 input....";
    sha256(taghash, (const uint8_t *)tag, strlen(tag));
    sha256_init(&ctx);
    sha256_write(&ctx, taghash, 32);
    sha256_write(&ctx, taghash, 32);
    sha256_write(&ctx, (const uint8_t *)"x", 1);
    sha256_finalize(&ctx, manual);
    sha256_tagged_init(&ctx, tag);
    sha256_write(&ctx, (const uint8_t *)"x", 1);
    sha256_finalize(&ctx, out);
    ck_assert(memcmp(out, manual, 32) == 0);
}
END_TEST

/* The constant K + W tables the fast paths use match their definition. */
START_TEST(constant_tables)
{
    uint32_t w[64];
    w[0] = 0x80000000;
    for (int i = 1; i < 15; i++)
        w[i] = 0;
    w[15] = 512;
    for (int i = 16; i < 64; i++) {
        uint32_t a = w[i - 15], b = w[i - 2];
        uint32_t s0 = (a >> 7 | a << 25) ^ (a >> 18 | a << 14) ^ (a >> 3);
        uint32_t s1 = (b >> 17 | b << 15) ^ (b >> 19 | b << 13) ^ (b >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    for (int i = 0; i < 64; i++)
        ck_assert_uint_eq(sha256_kw_pad64[i], sha256_k[i] + w[i]);
    ck_assert_uint_eq(sha256_kw_pad32[8], sha256_k[8] + 0x80000000u);
    for (int i = 9; i < 15; i++)
        ck_assert_uint_eq(sha256_kw_pad32[i], sha256_k[i]);
    ck_assert_uint_eq(sha256_kw_pad32[15], sha256_k[15] + 256);
}
END_TEST

START_TEST(kernel_selection)
{
    ck_assert(sha256_kernel_available(SHA256_KERNEL_AUTO));
    ck_assert(sha256_kernel_available(SHA256_KERNEL_PORTABLE));
    ck_assert(sha256_kernel_select(SHA256_KERNEL_PORTABLE));
    ck_assert_str_eq(sha256_kernel_name(), "portable");
    if (sha256_kernel_available(SHA256_KERNEL_SHANI)) {
        ck_assert(sha256_kernel_select(SHA256_KERNEL_SHANI));
        ck_assert_str_eq(sha256_kernel_name(), "shani");
    } else {
        /* Refused, and the previous choice stays. */
        ck_assert(!sha256_kernel_select(SHA256_KERNEL_SHANI));
        ck_assert_str_eq(sha256_kernel_name(), "portable");
    }
    ck_assert(sha256_kernel_select(SHA256_KERNEL_PORTABLE));
    if (sha256_kernel_available(SHA256_KERNEL_AVX2)) {
        ck_assert(sha256_kernel_select(SHA256_KERNEL_AVX2));
        ck_assert_str_eq(sha256_kernel_name(), "avx2");
    } else {
        ck_assert(!sha256_kernel_select(SHA256_KERNEL_AVX2));
        ck_assert_str_eq(sha256_kernel_name(), "portable");
    }
    restore_auto();
    printf("sha256 kernels: shani %s, avx2 %s; auto = %s\n",
           sha256_kernel_available(SHA256_KERNEL_SHANI) ? "yes" : "no",
           sha256_kernel_available(SHA256_KERNEL_AVX2) ? "yes" : "no", sha256_kernel_name());
}
END_TEST

/* Two writes split at every offset (and three at pairs of offsets) equal
 * the one-shot hash, on every kernel. */
START_TEST(incremental_splits)
{
    uint8_t msg[200], want[32], got[32];
    rng_state = 0x5eed0001;
    rng_fill(msg, sizeof(msg));
    sha256_kernel_select(SHA256_KERNEL_PORTABLE);
    sha256(want, msg, sizeof(msg));
    for (size_t k = 0; k < N_KERNELS; k++) {
        bool ok;
        select_or_skip(KERNELS[k], &ok);
        if (!ok)
            continue;
        for (size_t i = 0; i <= sizeof(msg); i++) {
            struct sha256_ctx ctx;
            sha256_init(&ctx);
            sha256_write(&ctx, msg, i);
            sha256_write(&ctx, msg + i, sizeof(msg) - i);
            sha256_finalize(&ctx, got);
            ck_assert_msg(memcmp(got, want, 32) == 0, "kernel %s split at %zu", sha256_kernel_name(), i);
        }
        for (size_t i = 0; i <= 130; i += 3) {
            for (size_t j = i; j <= 130; j += 5) {
                struct sha256_ctx ctx;
                sha256_init(&ctx);
                sha256_write(&ctx, msg, i);
                sha256_write(&ctx, msg + i, j - i);
                sha256_write(&ctx, msg + j, sizeof(msg) - j);
                sha256_finalize(&ctx, got);
                ck_assert(memcmp(got, want, 32) == 0);
            }
        }
    }
    restore_auto();
}
END_TEST

/* Every kernel agrees with portable on random inputs of random lengths. */
START_TEST(kernels_agree_random)
{
    enum { N = 3000, MAXLEN = 1100 };
    uint8_t *buf = mem_alloc(MAXLEN);
    uint8_t(*want)[32] = mem_alloc((size_t)N * 32);
    size_t *lens = mem_alloc(N * sizeof(size_t));
    rng_state = 0x5eed0002;
    sha256_kernel_select(SHA256_KERNEL_PORTABLE);
    uint64_t seed = rng_state;
    for (int i = 0; i < N; i++) {
        /* Mostly short inputs (block boundaries matter), some long. */
        lens[i] = (size_t)(rng_next() % (i % 4 ? 200 : MAXLEN));
        rng_fill(buf, lens[i]);
        sha256(want[i], buf, lens[i]);
    }
    for (size_t k = 0; k < N_KERNELS; k++) {
        bool ok;
        select_or_skip(KERNELS[k], &ok);
        if (!ok)
            continue;
        rng_state = seed;
        for (int i = 0; i < N; i++) {
            uint8_t got[32];
            (void)rng_next();
            rng_fill(buf, lens[i]);
            sha256(got, buf, lens[i]);
            ck_assert_msg(memcmp(got, want[i], 32) == 0, "kernel %s input %d len %zu", sha256_kernel_name(), i,
                          lens[i]);
        }
    }
    restore_auto();
    mem_free(lens);
    mem_free(want);
    mem_free(buf);
}
END_TEST

/* sha256d_64 with every count 1..20 (and a large one) equals sha256d of
 * each 64-byte input, on every kernel. */
START_TEST(d64_counts)
{
    enum { MAXN = 100 };
    uint8_t *in = mem_alloc(64 * MAXN), *out = mem_alloc(32 * MAXN + 32);
    uint8_t(*want)[32] = mem_alloc(32 * MAXN);
    rng_state = 0x5eed0003;
    for (int round = 0; round < 20; round++) {
        rng_fill(in, 64 * MAXN);
        sha256_kernel_select(SHA256_KERNEL_PORTABLE);
        for (int i = 0; i < MAXN; i++)
            sha256d(want[i], in + 64 * i, 64);
        for (size_t k = 0; k < N_KERNELS; k++) {
            bool ok;
            select_or_skip(KERNELS[k], &ok);
            if (!ok)
                continue;
            for (size_t n = 0; n <= 21; n++) {
                size_t cnt = n == 21 ? MAXN : n;
                memset(out, 0xaa, 32 * MAXN + 32);
                sha256d_64(out, in, cnt);
                for (size_t i = 0; i < cnt; i++)
                    ck_assert_msg(memcmp(out + 32 * i, want[i], 32) == 0, "kernel %s n %zu i %zu",
                                  sha256_kernel_name(), cnt, i);
                /* Nothing written past the n outputs. */
                ck_assert_uint_eq(out[32 * cnt], 0xaa);
                ck_assert_uint_eq(out[32 * cnt + 31], 0xaa);
            }
        }
    }
    restore_auto();
    mem_free(want);
    mem_free(out);
    mem_free(in);
}
END_TEST

/* sha256d_header_nonces equals sha256d of the full header with the nonce
 * written, for several counts and starting nonces (including the wrap). */
START_TEST(header_nonce_batches)
{
    static const size_t COUNTS[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 100 };
    static const uint32_t STARTS[] = { 0, 1, 12345, 0x7ffffffc, 0xfffffff0, 0xfffffffb, 0xffffffff };
    uint8_t header[80], full[80], want[32];
    uint8_t *out = mem_alloc(32 * 101);
    rng_state = 0x5eed0004;
    for (int round = 0; round < 6; round++) {
        rng_fill(header, 80);
        for (size_t k = 0; k < N_KERNELS; k++) {
            bool ok;
            select_or_skip(KERNELS[k], &ok);
            if (!ok)
                continue;
            struct sha256_header_midstate m;
            sha256_header_midstate(&m, header);
            for (size_t s = 0; s < sizeof(STARTS) / sizeof(STARTS[0]); s++) {
                for (size_t c = 0; c < sizeof(COUNTS) / sizeof(COUNTS[0]); c++) {
                    memset(out, 0x55, 32 * 101);
                    sha256d_header_nonces(out, &m, STARTS[s], COUNTS[c]);
                    for (size_t i = 0; i < COUNTS[c]; i++) {
                        memcpy(full, header, 80);
                        le32_write(full + 76, STARTS[s] + (uint32_t)i);
                        /* The reference is always the portable one-shot. */
                        sha256_kernel_select(SHA256_KERNEL_PORTABLE);
                        sha256d(want, full, 80);
                        sha256_kernel_select(KERNELS[k]);
                        ck_assert_msg(memcmp(out + 32 * i, want, 32) == 0, "kernel %s start %u count %zu i %zu",
                                      sha256_kernel_name(), STARTS[s], COUNTS[c], i);
                    }
                    ck_assert_uint_eq(out[32 * COUNTS[c]], 0x55);
                }
            }
        }
    }
    restore_auto();
    mem_free(out);
}
END_TEST

static Suite *sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, genesis_header);
    tcase_add_test(tc, tagged_hash);
    tcase_add_test(tc, constant_tables);
    tcase_add_test(tc, kernel_selection);
    tcase_add_test(tc, incremental_splits);
    tcase_add_test(tc, kernels_agree_random);
    tcase_add_test(tc, d64_counts);
    tcase_add_test(tc, header_nonce_batches);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sha256_suite)
