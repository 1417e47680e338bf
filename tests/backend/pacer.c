/* Pacer (see pacer.h). Invariant: the timerfd is armed for the earliest at_ns in the list,
 * or disarmed when the list is empty; `armed_ns` mirrors what was last set (0 = disarmed).
 * The timer is absolute (TFD_TIMER_ABSTIME) on CLOCK_MONOTONIC, the clock of clock_now_ns. */
#include "tests/backend/pacer.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Entries due within this much of now fire together: it saves a wake-up for nothing. */
#define PACER_SLACK_NS (100 * 1000ull)

struct Pacer {
    int fd;
    bool fd_owned;
    uint64_t armed_ns;
    PacerEntry *head;
};

Pacer *pacer_new(ErrorBuf *err)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) {
        error_errno(err, "timerfd_create");
        return NULL;
    }
    Pacer *p = xcalloc(1, sizeof *p);
    p->fd = fd;
    p->fd_owned = true;
    return p;
}

void pacer_free(Pacer *p)
{
    if (!p)
        return;
    if (p->fd_owned)
        close(p->fd);
    free(p);
}

int pacer_fd(const Pacer *p) { return p->fd; }

void pacer_adopted(Pacer *p) { p->fd_owned = false; }

static void arm(Pacer *p)
{
    uint64_t next = 0;
    for (PacerEntry *e = p->head; e; e = e->next)
        if (!next || e->at_ns < next)
            next = e->at_ns;
    if (next == p->armed_ns)
        return;
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (next) { /* an it_value of zero would disarm: never ask for time 0 */
        its.it_value.tv_sec = (time_t)(next / NS_PER_SEC);
        its.it_value.tv_nsec = (long)(next % NS_PER_SEC);
    }
    timerfd_settime(p->fd, TFD_TIMER_ABSTIME, &its, NULL);
    p->armed_ns = next;
}

static void unlink_entry(Pacer *p, PacerEntry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        p->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->prev = e->next = NULL;
    e->queued = false;
}

void pacer_schedule(Pacer *p, PacerEntry *e, uint64_t at_ns)
{
    if (e->queued)
        unlink_entry(p, e);
    e->at_ns = at_ns ? at_ns : 1;
    e->prev = NULL;
    e->next = p->head;
    if (p->head)
        p->head->prev = e;
    p->head = e;
    e->queued = true;
    arm(p);
}

void pacer_cancel(Pacer *p, PacerEntry *e)
{
    if (!e->queued)
        return;
    unlink_entry(p, e);
    arm(p);
}

void pacer_expire(Pacer *p)
{
    uint64_t ticks;
    ssize_t n = read(p->fd, &ticks, sizeof ticks); /* EAGAIN is fine: we look at the clock */
    (void)n;
    p->armed_ns = 0; /* a one-shot absolute timer that fired is disarmed */
    uint64_t now = clock_now_ns();
    for (PacerEntry *e = p->head, *next; e; e = next) {
        next = e->next;
        if (e->at_ns <= now + PACER_SLACK_NS) {
            unlink_entry(p, e);
            e->fire(e); /* may reschedule e: it then goes to the head, not after `next` */
        }
    }
    arm(p);
}
