/* TurnTimer: when the app's turn timer should fire, and the countdown line it shows, from the
 * Session's deadlines (session_next_deadline_ns). Pure functions of the session and a time,
 * so the policy has no state of its own; the app owns the timer (a LoopTimer, app/loop.h). */
#ifndef FLINT_APP_TURN_TIMER_H
#define FLINT_APP_TURN_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/session.h"

/* The countdown changes once a second. */
#define TURN_TIMER_STEP_NS (1000ull * 1000000ull)

/* The next absolute time the timer should fire (0: nothing to wait for, arm nothing): the
 * session's deadline, and while a question waits also the next whole-second step of
 * the countdown before it. */
uint64_t turn_timer_next(const Session *s, uint64_t now_ns);
/* The status line while a rate-limited question waits ("rate limited; retrying in 2 s
 * (Esc cancels)"); false when none is waiting. */
bool turn_timer_status(const Session *s, uint64_t now_ns, char *out, size_t size);

#endif
