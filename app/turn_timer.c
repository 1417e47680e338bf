/* TurnTimer (see turn_timer.h). The countdown is shown rounded up to the whole second
 * ("retrying in 1 s" until the very end, never "in 0 s" while still waiting), so its steps
 * fall on deadline - k * 1 s, and the timer wakes exactly there: one redraw a second while
 * counting, none otherwise. */
#include "app/turn_timer.h"

#include <stdio.h>

uint64_t turn_timer_next(const Session *s, uint64_t now_ns)
{
    uint64_t when = session_next_deadline_ns(s);
    if (when && session_waiting(s) && when > now_ns) {
        uint64_t step = (when - now_ns) % TURN_TIMER_STEP_NS;
        if (step == 0)
            step = TURN_TIMER_STEP_NS;
        if (now_ns + step < when)
            when = now_ns + step;
    }
    return when;
}

bool turn_timer_status(const Session *s, uint64_t now_ns, char *out, size_t size)
{
    if (!session_waiting(s))
        return false;
    uint64_t until = session_wait_until_ns(s);
    if (until > now_ns) {
        unsigned long long secs = (until - now_ns + TURN_TIMER_STEP_NS - 1) / TURN_TIMER_STEP_NS;
        snprintf(out, size, "rate limited; retrying in %llu s (Esc cancels)", secs);
    } else {
        snprintf(out, size, "waiting: the question goes out when the connection is up "
                 "(Esc cancels)");
    }
    return true;
}
