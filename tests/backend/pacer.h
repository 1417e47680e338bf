/* Pacer: wake-ups at given CLOCK_MONOTONIC times for paced streams (--rate R), from one
 * timerfd that the lws loop watches.
 *
 * Why not lws_sul: lws 4.1.6 truncates its poll timeout to milliseconds and then busy-polls
 * until a sul is due (ARCHITECTURE.md). With a 2 ms pacing tick that measured ~47% of a
 * core at --rate 1000, which would steal CPU from flint in the benchmark; a timerfd costs
 * nothing between ticks.
 *
 * Entries are intrusive (embedded in their owner) and kept in an unsorted list: there are
 * only as many as streaming connections. The Pacer owns the timerfd until pacer_adopted()
 * hands it to lws. Error tier 3 for pacer_new. */
#ifndef FLINT_BACKEND_PACER_H
#define FLINT_BACKEND_PACER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

typedef struct PacerEntry PacerEntry;
struct PacerEntry {
    PacerEntry *prev, *next;
    uint64_t at_ns;
    bool queued;
    void (*fire)(PacerEntry *e); /* called from pacer_expire once at_ns has passed */
};

typedef struct Pacer Pacer;

Pacer *pacer_new(ErrorBuf *err);
/* Frees the Pacer; closes the timerfd unless lws owns it. NULL is fine. */
void pacer_free(Pacer *p);
int pacer_fd(const Pacer *p);
/* lws adopted the fd and will close it. */
void pacer_adopted(Pacer *p);

/* (Re)schedules e to fire at at_ns (CLOCK_MONOTONIC). */
void pacer_schedule(Pacer *p, PacerEntry *e, uint64_t at_ns);
/* Unschedules e if queued; harmless otherwise. */
void pacer_cancel(Pacer *p, PacerEntry *e);
/* The timerfd is readable: consume it, fire every due entry, re-arm for the next. */
void pacer_expire(Pacer *p);

#endif
