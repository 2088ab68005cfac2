#ifndef HASHMINT_BENCH_BENCH_H
#define HASHMINT_BENCH_BENCH_H
/* bench_hashmint's small framework. Each area has a file bench_<area>.c with
 * one entry function registered in bench_hashmint.c. Every figure is printed
 * beside a baseline measured in the same run. */
#include <stdbool.h>
#include <stdint.h>

/**
 * Runs fn(data, iters) `count` times (after one warm-up call), timing each.
 * setup/teardown (may be NULL) run around the whole measurement. Prints
 * "name: <ops/s> (<ns/op>), median of count runs" where one op is one
 * iteration, and returns the median operations per second.
 */
double run_benchmark(const char *name, void (*fn)(void *data, uint64_t iters), void (*setup)(void *data),
                     void (*teardown)(void *data), void *data, int count, uint64_t iters);
/** Prints "  name: x.xx x baseline_name" for value / baseline. */
void bench_ratio(const char *name, double value, const char *baseline_name, double baseline);
/** Prints a throughput line in MB/s for `bytes_per_op` bytes each op. */
void bench_throughput(const char *name, double ops_per_sec, double bytes_per_op);
/** Returns true if the benchmark `name` matches the command-line filter. */
bool bench_selected(const char *name);
/** Scales iteration counts (bench_hashmint -scale=N; default 1, use < 1 for quick runs). */
uint64_t bench_iters(uint64_t base);

/* Area entry points (bench_<area>.c). */
void bench_tx_run(void);
void bench_hash_run(void);
void bench_keys_run(void);
void bench_script_run(void);
void bench_chain_run(void);
void bench_miner_run(void);
void bench_reserve_run(void);
void bench_cmpct_run(void);
void bench_wallet_run(void);

#endif
