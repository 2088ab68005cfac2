/* Mining benchmarks (bench_hashmint -filter=miner), all in one run:
 *  - miner/openssl_x2: OpenSSL's SHA256() twice per 80-byte header, the
 *    naive miner: the baseline every other figure is compared with;
 *  - miner/sha256d_plain: our sha256d() of the whole header per nonce;
 *  - miner/kernel/<name>: one nonce scanning kernel on one thread, as the
 *    miner calls it (4096 nonces per call, early reject);
 *  - miner/native/<N>threads: the native miner itself (src/miner/native.c:
 *    job, nonce slices, chunks, time rolling, candidate re-checks) on all N
 *    cores for a few seconds, on a regtest chainstate in a temporary
 *    directory, with 64 extra zero bits required so it never finds a block.
 * Each figure is also given per second of CPU time: on a shared machine
 * the wall-clock figure drops when other processes take the core, the
 * CPU-time one much less. One op = one nonce hashed. */
#define _GNU_SOURCE
#include <ftw.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consensus/params.h"
#include "src/bench/bench.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/crypto/sha256.h"
#include "src/crypto/sha256_scan.h"
#include "src/miner/native.h"
#include "src/util/endian.h"

#define STEP 4096

struct miner_bench {
    uint8_t header[80];
    struct sha256_scan_job job;
    sha256_scan_fn fn;
    uint32_t nonce;
    uint64_t sink;
};

static void openssl_x2(void *data, uint64_t iters)
{
    struct miner_bench *d = data;
    uint8_t first[32], second[32];
    for (uint64_t i = 0; i < iters; i++) {
        le32_write(d->header + 76, d->nonce++);
        SHA256(d->header, 80, first);
        SHA256(first, 32, second);
        d->sink += second[31];
    }
}

static void sha256d_plain(void *data, uint64_t iters)
{
    struct miner_bench *d = data;
    uint8_t out[32];
    for (uint64_t i = 0; i < iters; i++) {
        le32_write(d->header + 76, d->nonce++);
        sha256d(out, d->header, 80);
        d->sink += out[31];
    }
}

static void kernel_scan(void *data, uint64_t iters)
{
    struct miner_bench *d = data;
    uint32_t found[SHA256_SCAN_MAX_LANES * 4];
    for (uint64_t done = 0; done < iters;) {
        size_t nf;
        uint64_t n = iters - done < STEP ? iters - done : STEP;
        done += d->fn(&d->job, found, sizeof(found) / sizeof(found[0]), &nf, d->nonce, n);
        d->nonce += (uint32_t)n;
        d->sink += nf;
    }
}

/* ---- the whole miner ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int64_t fake_time(void)
{
    return 1795219200 + 30 * 86400; /* regtest genesis + 30 days */
}

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_time();
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* fn's rate in ops per second of this thread's CPU time, over about a second. */
static double cpu_rate(void (*fn)(void *data, uint64_t iters), void *data, uint64_t step)
{
    uint64_t done = 0;
    double t0 = thread_cpu_now(), dt;
    while ((dt = thread_cpu_now() - t0) < 1.0) {
        fn(data, step);
        done += step;
    }
    return (double)done / dt;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs the native miner on `threads` threads for `seconds`. Out: hashes per
 * wall second and per CPU second. Returns false if it could not start. */
static bool native_run(double *wall_rate, double *cpu_rate, int threads, double seconds)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/hm-bench-miner-XXXXXX");
    if (!mkdtemp(dir))
        return false;
    bool ok = false;
    struct events *ev = events_new();
    struct chainstate_options o;
    chainstate_options_init(&o);
    o.params = chain_params_get("regtest");
    o.datadir = dir;
    o.check_blocks = 0;
    o.adjusted_time = fake_time;
    o.events = ev;
    struct chainstate *cs = NULL;
    char err[512];
    if (chainstate_open(&cs, &o, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench_miner: chainstate_open: %s\n", err);
        goto out;
    }
    struct mempool_options mo;
    mempool_options_init(&mo, o.params);
    mempool_chain_from_chainstate(&mo.chain, cs);
    mempool_notify_from_events(&mo.notify, ev);
    mo.clock = fake_clock;
    struct mempool *mp = mempool_new(&mo);
    int sub = mempool_subscribe_events(mp, ev);
    static const uint8_t spk[22] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
    struct native_miner_options no;
    memset(&no, 0, sizeof(no));
    no.params = o.params;
    no.chain = cs;
    no.mempool = mp;
    no.events = ev;
    no.script = spk;
    no.script_len = sizeof(spk);
    no.kernel = SHA256_SCAN_AUTO;
    no.clock = fake_clock;
    no.extra_zero_bits = 64; /* never a block: every thread hashes the whole time */
    struct native_miner *m = native_miner_new(&no, err, sizeof(err));
    if (m && native_miner_start(m, threads, false) == NATIVE_MINER_STARTED) {
        struct native_miner_stats s0, s1;
        /* Let the first job reach every thread, then measure. */
        double warm = wall_now() + 0.5;
        while (wall_now() < warm)
            nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
        native_miner_stats_get(m, &s0);
        double w0 = wall_now(), c0 = cpu_now();
        double end = w0 + seconds;
        while (wall_now() < end)
            nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
        native_miner_stats_get(m, &s1);
        double w1 = wall_now(), c1 = cpu_now();
        *wall_rate = (double)(s1.hashes - s0.hashes) / (w1 - w0);
        *cpu_rate = (double)(s1.hashes - s0.hashes) / (c1 - c0); /* all threads' CPU time */
        printf("  kernel %s, %d threads, %llu blocks found\n", s1.kernel, threads,
               (unsigned long long)s1.blocks_found);
        native_miner_stats_clear(&s0);
        native_miner_stats_clear(&s1);
        ok = true;
    }
    native_miner_free(m);
    events_unsubscribe(ev, sub);
    mempool_free(mp);
    chainstate_close(cs);
out:
    events_free(ev);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return ok;
}

void bench_miner_run(void)
{
    struct miner_bench d;
    memset(&d, 0, sizeof(d));
    for (int i = 0; i < 80; i++)
        d.header[i] = (uint8_t)(i * 29 + 7);
    /* Difficulty-1 target: top word 0, as on main. */
    sha256_scan_job_init(&d.job, d.header, 0);
    /* Wall-clock figures (run_benchmark), then the same work per CPU second. */
    double base = 0, base_cpu = 0;
    if (bench_selected("miner/openssl_x2")) {
        base = run_benchmark("miner/openssl_x2", openssl_x2, NULL, NULL, &d, 5, bench_iters(2000000));
        base_cpu = cpu_rate(openssl_x2, &d, 20000);
        printf("  %-46s %10.2f MH/s per CPU second\n", "miner/openssl_x2", base_cpu / 1e6);
    }
    if (bench_selected("miner/sha256d_plain")) {
        double r = run_benchmark("miner/sha256d_plain", sha256d_plain, NULL, NULL, &d, 5, bench_iters(4000000));
        bench_ratio("miner/sha256d_plain", r, "openssl_x2", base);
        double c = cpu_rate(sha256d_plain, &d, 50000);
        printf("  %-46s %10.2f MH/s per CPU second (%.1fx openssl_x2)\n", "miner/sha256d_plain", c / 1e6,
               base_cpu > 0 ? c / base_cpu : 0);
    }
    static const enum sha256_scan_kernel ks[] = { SHA256_SCAN_PORTABLE, SHA256_SCAN_AVX2, SHA256_SCAN_AVX512,
                                                  SHA256_SCAN_SHANI };
    double best = 0, best_cpu = 0;
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        char name[64];
        snprintf(name, sizeof(name), "miner/kernel/%s", sha256_scan_kernel_name(ks[i]));
        if (!bench_selected(name) || !(d.fn = sha256_scan_kernel_fn(ks[i])))
            continue;
        uint64_t iters = bench_iters(ks[i] == SHA256_SCAN_PORTABLE ? 4000000 : 60000000);
        double r = run_benchmark(name, kernel_scan, NULL, NULL, &d, 5, iters);
        bench_ratio(name, r, "openssl_x2", base);
        double c = cpu_rate(kernel_scan, &d, 1 << 20);
        printf("  %-46s %10.2f MH/s per CPU second (%.1fx openssl_x2)\n", name, c / 1e6,
               base_cpu > 0 ? c / base_cpu : 0);
        best = r > best ? r : best;
        best_cpu = c > best_cpu ? c : best_cpu;
    }
    int threads = native_miner_cpu_count();
    char name[64];
    snprintf(name, sizeof(name), "miner/native/%dthreads", threads);
    if (bench_selected(name)) {
        double wall = 0, cpu = 0;
        if (native_run(&wall, &cpu, threads, (double)bench_iters(5))) {
            printf("%-48s %14.0f ops/s  %10.2f MH/s (%.2f MH/s per thread)\n", name, wall, wall / 1e6,
                   wall / 1e6 / threads);
            bench_ratio(name, wall, "openssl_x2", base);
            bench_ratio(name, wall, "best kernel on 1 thread", best);
            printf("  %-46s %10.2f MH/s per CPU second (%.2fx the best kernel's)\n", name, cpu / 1e6,
                   best_cpu > 0 ? cpu / best_cpu : 0);
        }
    }
    if (d.sink == 42) /* keep the work */
        printf(" ");
}
