/* Loop: the one event loop, watching any number of fds and timers; the only owner of the
 * lws_context. libwebsockets owns poll() (Debian's 4.1.6 has no external-poll support), so
 * every source is an fd adopted into it as a raw file, and the transports add their sockets
 * to the same context (loop_context):
 *
 *   loop_watch_fd       an fd and a callback for when it is readable (the tty, a child's
 *                       pipe, ...); the watch says once when lws stops watching it (hang-up)
 *   loop_timer_*        one-shot timers (the frame clock, the Esc window, the turn timer,
 *                       ...), all served by one timerfd armed for the earliest deadline:
 *                       armed for an absolute CLOCK_MONOTONIC time or a delay, re-armed
 *                       from its own callback if it wants to repeat
 *   loop_watch_signals  SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCONT, read from a
 *                       signalfd (blocked in every thread: loop_block_signals)
 *
 * Nothing ticks when idle: a timer fires only when armed, so an idle flint sleeps in poll()
 * at 0% CPU. Timers are timerfds, not lws_sul, because lws busy-polls up to 1 ms before each
 * sul deadline (ARCHITECTURE.md). Everything here runs on the main thread, and callbacks run
 * from loop_run; only the render thread (ui/term) is separate, and it never calls in here.
 *
 * A callback may arm, cancel or free any timer, unwatch any fd (its own too) and call
 * loop_quit; it must not call loop_free or loop_run. Handles are freed by their own free
 * call, or by loop_free for those left (they are invalid after it). Errors: loop_new and the
 * registrations are tier 3 (ErrorBuf). */
#ifndef FLINT_APP_LOOP_H
#define FLINT_APP_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct lws_context;

typedef struct Loop Loop;
typedef struct LoopWatch LoopWatch;
typedef struct LoopTimer LoopTimer;

typedef enum LoopFdEvent {
    LOOP_FD_READABLE,  /* read it (until EAGAIN, if it is non-blocking: lws makes it so) */
    LOOP_FD_CLOSED,    /* hung up: lws stopped watching it and closed it (not reported once
                        * loop_quit has been called: the app is leaving anyway) */
} LoopFdEvent;

typedef void (*LoopFdFn)(void *ud, int fd, LoopFdEvent ev);
typedef void (*LoopTimerFn)(void *ud);
typedef void (*LoopSignalFn)(void *ud, int signo);

/* Blocks the loop's signals in the calling thread: call it before starting any thread, so that
 * every thread inherits the mask and the signals arrive only through the signalfd. */
void loop_block_signals(void);
Loop *loop_new(ErrorBuf *err);
void loop_free(Loop *l);  /* accepts NULL; closes every watched fd */
/* The lws_context, for the transports (transport_ws_new takes it as an opaque pointer). */
struct lws_context *loop_context(Loop *l);
void loop_run(Loop *l);   /* until loop_quit */
/* fn(ud) after every pass of loop_run, once lws has served everything that was ready in it
 * (every message of a read delivered): where a whole wakeup's work is judged (app/rx_batch.h).
 * NULL: none. */
void loop_after_pass(Loop *l, LoopTimerFn fn, void *ud);
void loop_quit(Loop *l);
bool loop_quitting(const Loop *l);  /* loop_quit was called (a driver without loop_run asks) */

/* Watches fd (made non-blocking by lws). Takes ownership of fd: it is closed by
 * loop_unwatch, by loop_free, by lws on a hang-up, or here when the call fails. */
LoopWatch *loop_watch_fd(Loop *l, int fd, LoopFdFn cb, void *ud, ErrorBuf *err);
void loop_unwatch(LoopWatch *w);  /* accepts NULL; no callback after it returns */
/* The loop's signals, one call of cb per signal. Unwatch it like an fd. */
LoopWatch *loop_watch_signals(Loop *l, LoopSignalFn cb, void *ud, ErrorBuf *err);

/* A disarmed one-shot timer. */
LoopTimer *loop_timer_new(Loop *l, LoopTimerFn cb, void *ud, ErrorBuf *err);
/* Arms t for an absolute CLOCK_MONOTONIC time, replacing any deadline; now or in the past: as
 * soon as possible. The deadline is cleared before cb runs, so cb may re-arm. */
void loop_timer_at(LoopTimer *t, uint64_t abs_ns);
void loop_timer_after(LoopTimer *t, uint64_t delay_ns);
/* Arms t for abs_ns unless it is armed for earlier: a deadline that only ever moves earlier,
 * so calling it per token or per damage costs no system call. */
void loop_timer_by(LoopTimer *t, uint64_t abs_ns);
void loop_timer_cancel(LoopTimer *t);
bool loop_timer_armed(const LoopTimer *t);
uint64_t loop_timer_deadline(const LoopTimer *t);  /* 0 when disarmed */
void loop_timer_free(LoopTimer *t);  /* accepts NULL */

#endif
