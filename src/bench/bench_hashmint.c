/* bench_hashmint: measures hashmint's hot paths against baselines measured in
 * the same run. Usage: bench_hashmint [-filter=SUBSTRING] [-scale=FACTOR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/bench/bench.h"
#include "src/bench/bench_fixture.h"

static const char *filter = "";
static double scale = 1.0;

static const struct {
    const char *area;
    void (*run)(void);
} areas[] = {
    { "tx", bench_tx_run },
    { "hash", bench_hash_run },
    { "keys", bench_keys_run },
    { "script", bench_script_run },
    { "chain", bench_chain_run },
    { "miner", bench_miner_run },
    { "reserve", bench_reserve_run },
    { "cmpct", bench_cmpct_run },
    { "wallet", bench_wallet_run },
};

bool bench_selected(const char *name)
{
    return strstr(name, filter) != NULL;
}

uint64_t bench_iters(uint64_t base)
{
    uint64_t n = (uint64_t)((double)base * scale);
    return n ? n : 1;
}

double run_benchmark(const char *name, void (*fn)(void *data, uint64_t iters), void (*setup)(void *data),
                     void (*teardown)(void *data), void *data, int count, uint64_t iters)
{
    if (count < 1)
        count = 1;
    if (setup)
        setup(data);
    fn(data, iters / 10 ? iters / 10 : 1); /* warm caches and CPU clocks */
    double rates[64];
    if (count > 64)
        count = 64;
    for (int i = 0; i < count; i++) {
        double t0 = bench_now_sec();
        fn(data, iters);
        double dt = bench_now_sec() - t0;
        rates[i] = dt > 0 ? (double)iters / dt : 0;
    }
    if (teardown)
        teardown(data);
    double median = bench_median(rates, count);
    printf("%-48s %14.0f ops/s  %10.1f ns/op\n", name, median, median > 0 ? 1e9 / median : 0);
    fflush(stdout);
    return median;
}

void bench_ratio(const char *name, double value, const char *baseline_name, double baseline)
{
    printf("  %-46s %8.3gx %s\n", name, baseline > 0 ? value / baseline : 0, baseline_name);
}

void bench_throughput(const char *name, double ops_per_sec, double bytes_per_op)
{
    printf("  %-46s %10.1f MB/s\n", name, ops_per_sec * bytes_per_op / 1e6);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "-filter=", 8)) {
            filter = argv[i] + 8;
        } else if (!strncmp(argv[i], "-scale=", 7)) {
            scale = atof(argv[i] + 7);
            if (scale <= 0) {
                fprintf(stderr, "bench_hashmint: -scale must be positive\n");
                return 1;
            }
        } else {
            fprintf(stderr, "usage: bench_hashmint [-filter=SUBSTRING] [-scale=FACTOR]\n");
            return 1;
        }
    }
    printf("bench_hashmint: median of several runs; ratios compare against baselines in this run\n");
    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
        areas[i].run();
    return 0;
}
