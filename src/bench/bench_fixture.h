#ifndef HASHMINT_BENCH_BENCH_FIXTURE_H
#define HASHMINT_BENCH_BENCH_FIXTURE_H
/* Helpers the benchmark areas share around what they time: the wall clock,
 * medians of repeated runs, and scratch data directories. */
#include <stdbool.h>
#include <stddef.h>

/** Seconds on the monotonic clock (only differences mean anything). */
double bench_now_sec(void);

/** CPU seconds of the calling thread: on a shared machine the wall clock
 *  also counts the time other processes hold the CPU. */
double bench_thread_cpu_sec(void);

/** Sorts v[0..n) in place and returns its middle element (n >= 1). */
double bench_median(double *v, int n);

/**
 * Creates a fresh empty directory "/tmp/hm-bench-<tag>-XXXXXX" and writes its
 * path to dir (cap bytes). Returns false, with a message on stderr, if it
 * cannot. Remove it with bench_rm_tree.
 */
bool bench_temp_dir(char *dir, size_t cap, const char *tag);

/** Removes dir and everything below it; errors are ignored (scratch space). */
void bench_rm_tree(const char *dir);

#endif
