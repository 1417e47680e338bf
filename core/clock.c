#include "core/clock.h"

#include <time.h>

static uint64_t monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t (*clock_source)(void) = monotonic;

uint64_t clock_now_ns(void) { return clock_source(); }

void clock_set_source(uint64_t (*fn)(void)) { clock_source = fn ? fn : monotonic; }
