/* Shared benchmark helpers (src/bench/bench_fixture.h). */
#define _XOPEN_SOURCE 700
#include "src/bench/bench_fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clock_sec(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_now_sec(void)
{
    return clock_sec(CLOCK_MONOTONIC);
}

double bench_thread_cpu_sec(void)
{
    return clock_sec(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[n / 2];
}

bool bench_temp_dir(char *dir, size_t cap, const char *tag)
{
    int n = snprintf(dir, cap, "/tmp/hm-bench-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= cap || !mkdtemp(dir)) {
        fprintf(stderr, "bench_%s: mkdtemp failed\n", tag);
        return false;
    }
    return true;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void bench_rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
