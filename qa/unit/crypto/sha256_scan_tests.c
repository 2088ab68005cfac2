#include "src/crypto/sha256_scan.h"

#include <stdio.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/crypto/sha256_scan_internal.h"
#include "src/util/endian.h"
#include "src/util/hex.h"

static const enum sha256_scan_kernel KERNELS[] = {
    SHA256_SCAN_AUTO, SHA256_SCAN_PORTABLE, SHA256_SCAN_AVX2, SHA256_SCAN_AVX512, SHA256_SCAN_SHANI,
};
#define N_KERNELS (sizeof(KERNELS) / sizeof(KERNELS[0]))

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

/* Every scan function this CPU runs: each kernel as the registry hands it
 * out, plus both SHA-NI builds (the registry gives only the better one). */
#define MAX_FNS (N_KERNELS + 2)
static size_t scan_fns(sha256_scan_fn fns[MAX_FNS], const char *names[MAX_FNS])
{
    size_t n = 0;
    for (size_t i = 0; i < N_KERNELS; i++) {
        if ((fns[n] = sha256_scan_kernel_fn(KERNELS[i])))
            names[n++] = sha256_scan_kernel_name(KERNELS[i]);
    }
    if (sha256_shani_supported()) {
        fns[n] = sha256_scan_shani;
        names[n++] = "shani (sse build)";
        if (sha256_avx512vl_supported()) {
            fns[n] = sha256_scan_shani_avx512;
            names[n++] = "shani (avx512vl build)";
        }
    }
    return n;
}

/* The plain sha256d of the header with this nonce: the reference. */
static void plain_hash(uint8_t out[32], const uint8_t header[80], uint32_t nonce)
{
    uint8_t h[80];
    memcpy(h, header, 80);
    le32_write(h + 76, nonce);
    sha256d(out, h, 80);
}

/* a <= b as 256-bit little-endian numbers. */
static bool le256(const uint8_t a[32], const uint8_t b[32])
{
    for (int i = 31; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i];
    return true;
}

/* Runs fn over [start, start + count) with a found[] of `cap`, resuming
 * after each early stop; returns the candidates in *out (up to max). */
static size_t scan_all(sha256_scan_fn fn, const struct sha256_scan_job *job, uint32_t *out, size_t max,
                       uint32_t start, uint64_t count, size_t cap)
{
    uint32_t buf[256];
    size_t total = 0;
    ck_assert_uint_le(cap, 256);
    uint64_t done = 0;
    while (done < count) {
        size_t nf = 99999;
        uint64_t n = fn(job, buf, cap, &nf, start + (uint32_t)done, count - done);
        ck_assert_uint_le(nf, cap);
        ck_assert_uint_le(n, count - done);
        ck_assert(n > 0); /* cap >= SHA256_SCAN_MAX_LANES: always progresses */
        for (size_t i = 0; i < nf; i++) {
            /* Each candidate lies in the part reported as scanned. */
            ck_assert_uint_lt((uint32_t)(buf[i] - start - (uint32_t)done), n);
            ck_assert_uint_lt(total, max);
            out[total++] = buf[i];
        }
        done += n;
    }
    return total;
}

/* The candidates the contract asks for: top word <= target_top, in order. */
static size_t reference(uint32_t *out, const uint8_t header[80], uint32_t start, uint64_t count, uint32_t top)
{
    size_t n = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint8_t h[32];
        plain_hash(h, header, start + (uint32_t)i);
        if (sha256_scan_top_word(h) <= top)
            out[n++] = start + (uint32_t)i;
    }
    return n;
}

START_TEST(names_and_availability)
{
    for (size_t i = 0; i < N_KERNELS; i++) {
        enum sha256_scan_kernel k;
        ck_assert(sha256_scan_kernel_parse(&k, sha256_scan_kernel_name(KERNELS[i])));
        ck_assert_int_eq(k, KERNELS[i]);
        ck_assert_int_eq(sha256_scan_kernel_fn(KERNELS[i]) != NULL, sha256_scan_kernel_available(KERNELS[i]));
    }
    enum sha256_scan_kernel k;
    ck_assert(!sha256_scan_kernel_parse(&k, "sse9"));
    ck_assert(!sha256_scan_kernel_parse(&k, ""));
    ck_assert(sha256_scan_kernel_available(SHA256_SCAN_AUTO));
    ck_assert(sha256_scan_kernel_available(SHA256_SCAN_PORTABLE));
    ck_assert(sha256_scan_kernel_best() != SHA256_SCAN_AUTO);
    ck_assert(sha256_scan_kernel_available(sha256_scan_kernel_best()));
    ck_assert(sha256_scan_kernel_fn(SHA256_SCAN_AUTO) == sha256_scan_kernel_fn(sha256_scan_kernel_best()));
    printf("sha256_scan: best kernel here: %s\n", sha256_scan_kernel_name(sha256_scan_kernel_best()));
}
END_TEST

/* Bitcoin's genesis block: every kernel finds its nonce at difficulty 1. */
START_TEST(genesis_nonce)
{
    static const char *hdr_hex =
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f61"
        "7fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
    const uint32_t nonce = 2083236893;
    uint8_t header[80];
    size_t hlen = 0;
    ck_assert(hex_decode(header, sizeof(header), &hlen, hdr_hex) && hlen == 80);
    struct sha256_scan_job job;
    sha256_scan_job_init(&job, header, 0); /* bits 0x1d00ffff: the target's top word is 0 */
    sha256_scan_fn fns[MAX_FNS];
    const char *names[MAX_FNS];
    size_t nfns = scan_fns(fns, names);
    for (size_t i = 0; i < nfns; i++) {
        uint32_t got[64];
        /* A range that starts off any lane boundary and ends inside a step. */
        size_t n = scan_all(fns[i], &job, got, 64, nonce - 37, 101, 16);
        ck_assert_msg(n == 1 && got[0] == nonce, "kernel %s: %zu candidates", names[i], n);
    }
}
END_TEST

/* Every kernel, over random headers, ranges and targets, reports exactly
 * the nonces the plain sha256d says have a top word <= the target's, the
 * same set the portable kernel reports. */
START_TEST(kernels_match_plain_sha256d)
{
    rng_state = 0x5ca1ab1e0ddba11ULL;
    static const uint32_t tops[] = { 0xffffffffu, 0x7fffffffu, 0x0fffffffu, 0x01ffffffu, 0x00ffffffu, 0 };
    uint32_t want[700], got[700], port[700];
    sha256_scan_fn fns[MAX_FNS];
    const char *names[MAX_FNS];
    size_t nfns = scan_fns(fns, names);
    for (int round = 0; round < 40; round++) {
        uint8_t header[80];
        rng_fill(header, 80);
        uint32_t top = tops[round % 6];
        if (round % 7 == 3)
            top = (uint32_t)rng_next();
        uint32_t start = (uint32_t)rng_next();
        if (round % 5 == 1)
            start = 0xffffffffu - (uint32_t)(rng_next() % 40); /* wraps past 2^32 */
        uint64_t count = 1 + rng_next() % 600;
        struct sha256_scan_job job;
        sha256_scan_job_init(&job, header, top);
        size_t nwant = reference(want, header, start, count, top);
        size_t nport = scan_all(sha256_scan_kernel_fn(SHA256_SCAN_PORTABLE), &job, port, 700, start, count, 256);
        ck_assert_uint_eq(nport, nwant);
        ck_assert(memcmp(port, want, nwant * sizeof(uint32_t)) == 0);
        for (size_t i = 0; i < nfns; i++) {
            size_t cap = round % 2 ? 16 : 256; /* small buffers stop early and resume */
            size_t n = scan_all(fns[i], &job, got, 700, start, count, cap);
            ck_assert_msg(n == nwant, "kernel %s round %d: %zu candidates, want %zu", names[i], round, n, nwant);
            ck_assert(memcmp(got, port, n * sizeof(uint32_t)) == 0);
        }
    }
}
END_TEST

/* Easy targets where about every k-th nonce wins: no kernel's early reject
 * drops a nonce whose full hash meets the full target, and the winners the
 * plain sha256d finds are exactly the candidates that pass the full check. */
START_TEST(early_reject_keeps_every_winner)
{
    rng_state = 0xfeedfacecafebeefULL;
    static const uint32_t ks[] = { 2, 3, 5, 16, 100 };
    uint32_t cand[4096];
    sha256_scan_fn fns[MAX_FNS];
    const char *names[MAX_FNS];
    size_t nfns = scan_fns(fns, names);
    for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
        for (int rep = 0; rep < 2; rep++) {
            uint8_t header[80], target[32];
            rng_fill(header, 80);
            /* target = 2^256 / k - 1: a random hash meets it with probability 1/k. */
            rng_fill(target, 28);
            uint32_t top = (uint32_t)(0x100000000ULL / ks[ki]) - 1;
            le32_write(target + 28, top);
            const uint32_t start = (uint32_t)rng_next(), count = 2000;
            size_t winners = 0;
            bool win[2000];
            for (uint32_t i = 0; i < count; i++) {
                uint8_t h[32];
                plain_hash(h, header, start + i);
                win[i] = le256(h, target);
                winners += win[i];
            }
            /* Roughly count / k winners: the test is not vacuous. */
            ck_assert_uint_gt(winners, count / ks[ki] / 2);
            struct sha256_scan_job job;
            sha256_scan_job_init(&job, header, sha256_scan_top_word(target));
            for (size_t i = 0; i < nfns; i++) {
                size_t n = scan_all(fns[i], &job, cand, 4096, start, count, 16 + (size_t)(rng_next() % 200));
                size_t confirmed = 0;
                bool seen[2000] = { false };
                for (size_t c = 0; c < n; c++) {
                    uint32_t off = cand[c] - start;
                    ck_assert_uint_lt(off, count);
                    ck_assert(!seen[off]); /* reported once */
                    seen[off] = true;
                    uint8_t h[32];
                    plain_hash(h, header, cand[c]); /* the miner's re-check */
                    confirmed += le256(h, target);
                }
                for (uint32_t o = 0; o < count; o++)
                    ck_assert_msg(!win[o] || seen[o], "kernel %s dropped winning nonce %u", names[i], start + o);
                ck_assert_uint_eq(confirmed, winners);
            }
        }
    }
}
END_TEST

/* The precomputation reads only bytes 0..75: the nonce field is ignored. */
START_TEST(job_ignores_nonce_field)
{
    rng_state = 42;
    uint8_t a[80], b[80];
    rng_fill(a, 80);
    memcpy(b, a, 80);
    le32_write(b + 76, 0xdeadbeef);
    struct sha256_scan_job ja, jb;
    sha256_scan_job_init(&ja, a, 5);
    sha256_scan_job_init(&jb, b, 5);
    ck_assert(memcmp(&ja, &jb, sizeof(ja)) == 0);
    uint8_t v[32] = { 0 };
    le32_write(v + 28, 0x01020304);
    ck_assert_uint_eq(sha256_scan_top_word(v), 0x01020304);
}
END_TEST

static Suite *sha256_scan_suite(void)
{
    Suite *s = suite_create("sha256_scan");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, names_and_availability);
    tcase_add_test(tc, genesis_nonce);
    tcase_add_test(tc, kernels_match_plain_sha256d);
    tcase_add_test(tc, early_reject_keeps_every_winner);
    tcase_add_test(tc, job_ignores_nonce_field);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sha256_scan_suite)
