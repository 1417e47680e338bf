/* Loop: the one event loop. Owns the only lws_context; libwebsockets owns poll() (Debian's
 * 4.1.6 has no external-poll support), so every other fd is adopted into it as a raw file:
 *
 *   tty       bytes typed by the user (a separately opened tty fd: lws makes adopted fds
 *             non-blocking, and fd 0/1 must stay blocking for curses output)
 *   signalfd  SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCONT (blocked in every thread)
 *   timerfd   the frame clock (one-shot, armed only when something needs drawing)
 *   timerfd   the Esc timer (~25 ms, armed only while a lone ESC is pending)
 *   timerfd   the turn timer (a rate-limit countdown or the stall watchdog; armed only while
 *             a question waits or a turn is in flight)
 *
 * Nothing ticks when idle: no timer is armed unless there is work, so an idle flint sleeps in
 * poll() at 0% CPU. Timers are timerfds, not lws_sul, because lws busy-polls up to 1 ms before
 * each sul deadline. Everything here runs on the main thread; only the render thread (ui/term)
 * is separate, and it never calls into this module. Errors: loop_new is tier 3. */
#ifndef FLINT_APP_LOOP_H
#define FLINT_APP_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct lws_context;

typedef struct LoopHooks {
    void (*tty_input)(void *ud, const char *bytes, size_t n);
    void (*tty_closed)(void *ud);         /* the terminal went away (read EOF / error) */
    void (*signal)(void *ud, int signo);
    void (*frame)(void *ud);              /* the frame timer fired */
    void (*esc_timeout)(void *ud);        /* the Esc timer fired */
    void (*turn_timer)(void *ud);         /* the turn timer fired */
} LoopHooks;

typedef struct Loop Loop;

/* Blocks the loop's signals in the calling thread: call it before starting any thread, so that
 * every thread inherits the mask and the signals arrive only through the signalfd. */
void loop_block_signals(void);
/* Takes ownership of tty_fd: it is closed by loop_free, or by loop_new when it fails. */
Loop *loop_new(int tty_fd, const LoopHooks *hooks, void *ud, ErrorBuf *err);
void loop_free(Loop *l);  /* accepts NULL */
struct lws_context *loop_context(Loop *l);
void loop_run(Loop *l);   /* until loop_quit */
void loop_quit(Loop *l);
/* Arms the frame timer for an absolute CLOCK_MONOTONIC time (now or past: as soon as possible).
 * A second call while armed keeps the earlier deadline. */
void loop_frame_at(Loop *l, uint64_t when_ns);
bool loop_frame_armed(const Loop *l);
void loop_frame_cancel(Loop *l);  /* a frame was just drawn: the pending one is not needed */
void loop_esc_arm(Loop *l, uint64_t delay_ns);
/* The turn timer: one-shot at an absolute CLOCK_MONOTONIC time, like the frame timer (a call
 * while armed only ever moves the deadline earlier, so re-arming per token costs nothing). */
void loop_turn_at(Loop *l, uint64_t when_ns);
uint64_t loop_turn_deadline(const Loop *l);  /* 0 when disarmed */
void loop_turn_cancel(Loop *l);
void loop_esc_cancel(Loop *l);

#endif
