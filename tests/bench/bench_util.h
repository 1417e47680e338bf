/* What the benchmark programs (tests/bench/bench_*.c) share: a monotonic clock in milliseconds
 * and sorting a run's timings, so that v[n / 2] is the median (and v[n * 99 / 100] the 99th
 * percentile). Header-only; no state, no errors. Figures are printed, never asserted. */
#ifndef FLINT_TESTS_BENCH_BENCH_UTIL_H
#define FLINT_TESTS_BENCH_BENCH_UTIL_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_ms(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts the n timings of v in ascending order. */
static inline void sort_ms(double *v, size_t n) { qsort(v, n, sizeof *v, bench_cmp_ms); }

#endif
