/* Monotonic clock in nanoseconds. Tests swap the source to make timing deterministic. */
#ifndef FLINT_CORE_CLOCK_H
#define FLINT_CORE_CLOCK_H

#include <stdint.h>

uint64_t clock_now_ns(void);
/* NULL restores CLOCK_MONOTONIC. Not thread-safe: set it before threads start (tests only). */
void clock_set_source(uint64_t (*fn)(void));

#define NS_PER_MS 1000000ull
#define NS_PER_SEC 1000000000ull

#endif
