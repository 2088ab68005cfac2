/* -minerkernel: the choice among the nonce scanning kernels. */
#include "src/miner/kernel.h"

#include <string.h>
#include <time.h>

#include "src/util/log.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Returns kernel k's speed in nonces per second of thread CPU time, measured
 * over about `ms` milliseconds (0 if unavailable). */
static double miner_kernel_measure(enum sha256_scan_kernel k, int ms)
{
    sha256_scan_fn fn = sha256_scan_kernel_fn(k);
    if (!fn)
        return 0;
    uint8_t header[80];
    for (int i = 0; i < 80; i++)
        header[i] = (uint8_t)(i * 37 + 11);
    struct sha256_scan_job job;
    sha256_scan_job_init(&job, header, 0);
    uint32_t found[SHA256_SCAN_MAX_LANES * 4];
    uint64_t done = 0, step = 4096;
    double t0 = cpu_seconds(), dt = 0;
    /* Thread CPU time: other processes sharing the core do not count. */
    while ((dt = cpu_seconds() - t0) < ms / 1000.0) {
        uint64_t n = 0;
        while (n < step) {
            size_t nf;
            n += fn(&job, found, sizeof(found) / sizeof(found[0]), &nf, (uint32_t)(done + n), step - n);
        }
        done += n;
    }
    return dt > 0 ? (double)done / dt : 0;
}

sha256_scan_fn miner_kernel_choose(enum sha256_scan_kernel *chosen, enum sha256_scan_kernel k)
{
    if (!sha256_scan_kernel_available(k))
        return NULL;
    if (k != SHA256_SCAN_AUTO) {
        *chosen = k;
        return sha256_scan_kernel_fn(k);
    }
    /* The candidates, the build's preferred kernel first (it wins ties). */
    enum sha256_scan_kernel cand[4];
    size_t n = 0;
    cand[n++] = sha256_scan_kernel_best();
    static const enum sha256_scan_kernel others[] = { SHA256_SCAN_AVX512, SHA256_SCAN_SHANI, SHA256_SCAN_AVX2 };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        if (others[i] != cand[0] && sha256_scan_kernel_available(others[i]))
            cand[n++] = others[i];
    /* Each kernel's best of three 25 ms turns, the kernels taking turns: a
     * busy moment on a shared core (cache evictions, frequency changes that
     * thread CPU time does not hide) then spoils one turn of one kernel,
     * not the choice. */
    double rate[4] = { 0 };
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < n; i++) {
            double r = miner_kernel_measure(cand[i], 25);
            if (r > rate[i])
                rate[i] = r;
        }
    enum sha256_scan_kernel best = cand[0];
    double best_rate = rate[0];
    for (size_t i = 1; i < n; i++) {
        log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "miner: kernel %s %.1f MH/s, %s %.1f MH/s",
                   sha256_scan_kernel_name(cand[i]), rate[i] / 1e6, sha256_scan_kernel_name(best), best_rate / 1e6);
        /* A margin against noise, well under the gap where SHA-NI wins
         * (AMD EPYC: shani 34.7 vs avx512 26.5 MH/s per CPU second,
         * doc/benchmarks.md). */
        if (rate[i] > best_rate * 1.03) {
            best = cand[i];
            best_rate = rate[i];
        }
    }
    *chosen = best;
    return sha256_scan_kernel_fn(best);
}
