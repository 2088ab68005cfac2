/* Hashing benchmarks: SHA-256 per kernel against OpenSSL in the same run.
 *  - sha256/1MiB/<kernel>: single-stream throughput on 1 MiB buffers (AVX2
 *    has no single-stream kernel; the avx2 selection hashes single streams
 *    with SHA-NI or portable, so it is not listed separately);
 *  - sha256d_header/<kernel>: 80-byte header double SHA-256 per second via
 *    sha256d_header_nonces in batches of 1024 nonces, against OpenSSL's
 *    SHA256() called twice per header (the naive miner);
 *  - sha256d_64/<kernel>: Merkle-level hashing, 1024 64-byte inputs per call,
 *    against SHA256() twice per input.
 * OpenSSL 3's one-shot SHA256() pays a fixed per-call cost (EVP method
 * lookup) that dominates on 80- and 32-byte inputs; sha256d_80_auto (our
 * sha256d() of the whole header, no midstate) separates that from batching.
 * Also RIPEMD-160, SHA-512 and SipHash for reference. */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "src/bench/bench.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "src/crypto/sha512.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

#define MIB (1024 * 1024)
#define BATCH 1024

static const struct {
    enum sha256_kernel k;
    const char *name;
} KERNELS[] = {
    { SHA256_KERNEL_PORTABLE, "portable" },
    { SHA256_KERNEL_SHANI, "shani" },
    { SHA256_KERNEL_AVX2, "avx2" },
};
#define N_KERNELS (sizeof(KERNELS) / sizeof(KERNELS[0]))

struct hash_data {
    uint8_t *buf;     /* MIB bytes of input; also 64 * BATCH for sha256d_64 */
    uint8_t *out;     /* 32 * BATCH */
    uint8_t header[80];
    struct sha256_header_midstate mid;
    uint32_t nonce;
    uint64_t sink;
};

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (uint8_t)(seed >> 56);
    }
}

static void sha256_mib(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t i = 0; i < iters; i++)
        sha256(d->out, d->buf, MIB);
    d->sink += d->out[0];
}

static void openssl_mib(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t i = 0; i < iters; i++)
        SHA256(d->buf, MIB, d->out);
    d->sink += d->out[0];
}

static void header_nonces(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t done = 0; done < iters;) {
        size_t n = iters - done < BATCH ? (size_t)(iters - done) : BATCH;
        sha256d_header_nonces(d->out, &d->mid, d->nonce, n);
        d->nonce += (uint32_t)n;
        done += n;
    }
    d->sink += d->out[0];
}

static void openssl_headers(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    uint8_t first[32];
    for (uint64_t i = 0; i < iters; i++) {
        le32_write(d->header + 76, d->nonce++);
        SHA256(d->header, 80, first);
        SHA256(first, 32, d->out);
    }
    d->sink += d->out[0];
}

/* Our own sha256d on the whole header, no midstate: what batching adds. */
static void plain_headers(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t i = 0; i < iters; i++) {
        le32_write(d->header + 76, d->nonce++);
        sha256d(d->out, d->header, 80);
    }
    d->sink += d->out[0];
}

static void d64(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t done = 0; done < iters;) {
        size_t n = iters - done < BATCH ? (size_t)(iters - done) : BATCH;
        sha256d_64(d->out, d->buf, n);
        done += n;
    }
    d->sink += d->out[0];
}

static void openssl_d64(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    uint8_t first[32];
    for (uint64_t done = 0; done < iters;) {
        size_t n = iters - done < BATCH ? (size_t)(iters - done) : BATCH;
        for (size_t i = 0; i < n; i++) {
            SHA256(d->buf + 64 * i, 64, first);
            SHA256(first, 32, d->out + 32 * i);
        }
        done += n;
    }
    d->sink += d->out[0];
}

static void ripemd160_64(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t i = 0; i < iters; i++)
        ripemd160(d->out, d->buf + (i % BATCH) * 64, 64);
    d->sink += d->out[0];
}

static void sha512_mib(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    for (uint64_t i = 0; i < iters; i++)
        sha512(d->out, d->buf, MIB);
    d->sink += d->out[0];
}

static void siphash_outpoint(void *data, uint64_t iters)
{
    struct hash_data *d = data;
    uint64_t acc = 0;
    for (uint64_t i = 0; i < iters; i++)
        acc += siphash_uint256_extra(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, d->buf + (i % BATCH) * 32,
                                     (uint32_t)i);
    d->sink += acc;
}

/* Runs fn once per available kernel under name "<prefix>/<kernel>" and
 * prints each against the baseline (when given). */
static void per_kernel(const char *prefix, void (*fn)(void *, uint64_t), struct hash_data *d, uint64_t iters,
                       bool single_stream, double baseline, const char *baseline_name, double bytes_per_op)
{
    char name[64];
    for (size_t k = 0; k < N_KERNELS; k++) {
        snprintf(name, sizeof(name), "%s/%s", prefix, KERNELS[k].name);
        if (!bench_selected(name))
            continue;
        if (single_stream && KERNELS[k].k == SHA256_KERNEL_AVX2)
            continue;
        if (!sha256_kernel_select(KERNELS[k].k)) {
            printf("%-48s (not available on this CPU)\n", name);
            continue;
        }
        double r = run_benchmark(name, fn, NULL, NULL, d, 5, iters);
        if (bytes_per_op > 0)
            bench_throughput(name, r, bytes_per_op);
        if (baseline > 0)
            bench_ratio(name, r, baseline_name, baseline);
    }
    sha256_kernel_select(SHA256_KERNEL_AUTO);
}

void bench_hash_run(void)
{
    struct hash_data d;
    memset(&d, 0, sizeof(d));
    d.buf = mem_alloc(MIB);
    d.out = mem_alloc(32 * BATCH);
    fill(d.buf, MIB, 1);
    fill(d.header, 80, 2);
    sha256_header_midstate(&d.mid, d.header);

    /* Single stream, 1 MiB. */
    double base = 0;
    if (bench_selected("sha256/1MiB/openssl")) {
        base = run_benchmark("sha256/1MiB/openssl", openssl_mib, NULL, NULL, &d, 5, bench_iters(40));
        bench_throughput("sha256/1MiB/openssl", base, MIB);
    }
    per_kernel("sha256/1MiB", sha256_mib, &d, bench_iters(40), true, base, "openssl", MIB);

    /* Header nonces. */
    base = 0;
    if (bench_selected("sha256d_header/openssl_x2"))
        base = run_benchmark("sha256d_header/openssl_x2", openssl_headers, NULL, NULL, &d, 5, bench_iters(2000000));
    per_kernel("sha256d_header", header_nonces, &d, bench_iters(4000000), false, base, "openssl_x2", 0);
    if (bench_selected("sha256d_header/sha256d_80_auto")) {
        double r = run_benchmark("sha256d_header/sha256d_80_auto", plain_headers, NULL, NULL, &d, 5,
                                 bench_iters(4000000));
        bench_ratio("sha256d_header/sha256d_80_auto", r, "openssl_x2", base);
    }

    /* Merkle levels. */
    base = 0;
    if (bench_selected("sha256d_64/openssl_x2")) {
        base = run_benchmark("sha256d_64/openssl_x2", openssl_d64, NULL, NULL, &d, 5, bench_iters(2000000));
        bench_throughput("sha256d_64/openssl_x2", base, 64);
    }
    per_kernel("sha256d_64", d64, &d, bench_iters(4000000), false, base, "openssl_x2", 64);

    if (bench_selected("ripemd160/64B"))
        run_benchmark("ripemd160/64B", ripemd160_64, NULL, NULL, &d, 5, bench_iters(2000000));
    if (bench_selected("sha512/1MiB")) {
        double r = run_benchmark("sha512/1MiB", sha512_mib, NULL, NULL, &d, 5, bench_iters(20));
        bench_throughput("sha512/1MiB", r, MIB);
    }
    if (bench_selected("siphash/uint256_extra"))
        run_benchmark("siphash/uint256_extra", siphash_outpoint, NULL, NULL, &d, 5, bench_iters(10000000));

    if (d.sink == 42) /* keeps the results observable */
        printf(" ");
    mem_free(d.out);
    mem_free(d.buf);
}
