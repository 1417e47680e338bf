#!/usr/bin/env bash
# A 429 with retry-after (PROTOCOL.md 7.3 #6): the question waits (the status line counts
# down), then goes again by itself, and the backend sees the new create no earlier than the
# deadline (a lower bound from the backend's own monotonic log clock: behaviour, not speed).
# Then Esc cancels a wait (the question stays, marked [interrupted]), and F5 asks it again,
# which waits out the same deadline.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init ratelimit
printf 'x\n' >"$E2E_DIR/x.txt"

# 1. retry-after: 2 -> the retry reaches the backend >= 2 s after the 429 left it.
backend_start --limit 1:2
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
keys C-k; type 'echo: patience pays'; keys Enter
wait_file 'error conn=1 code=rate_limit_exceeded' "$BACKEND_LOG"
wait_screen 'rate limited; retrying in [0-9] s'
wait_file 'done conn=1 .*status=completed' "$BACKEND_LOG" 20
wait_answer 'patience pays'
[ "$(grep -c 'recv conn=1 type=response.create' "$BACKEND_LOG")" = 2 ] || fail "expected exactly 2 creates"
gap=$(awk '/error conn=1 code=rate_limit_exceeded/ && !e { e = $1 }
           /recv conn=1 type=response.create/ { n++; if (n == 2) r = $1 }
           END { printf "%.3f", r - e }' "$BACKEND_LOG")
echo "429 retry-after 2 s: the next create came ${gap} s after the error (backend clock)"
awk -v g="$gap" 'BEGIN { exit !(g >= 2.0) }' || fail "the retry came after only $gap s"
screen | grep -q 'rate limited; retrying' && fail "the countdown is still shown after the answer"
screen | grep -q 'rate_limit_exceeded' && fail "the 429's message is still shown after the answer"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=

# 2. retry-after: 30 -> Esc cancels the wait; F5 asks again, and it waits again.
E2E_TAG=2 backend_start --limit 1:30
E2E_TAG=2 flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
keys C-k; type 'echo: never mind'; keys Enter
wait_file 'error conn=1 code=rate_limit_exceeded' "$BACKEND_LOG"
wait_screen 'rate limited; retrying in (2[0-9]|30) s'
keys Escape
wait_screen '\[interrupted\]'
wait_screen 'Cancelled; the question stays'
screen | grep -q 'rate limited; retrying' && fail "the countdown survived Esc"
screen | grep -q '› echo: never mind' || fail "the question left the transcript"
keys F5
wait_screen 'rate limited; retrying in (2[0-9]|30) s'
keys Escape
wait_screen 'Cancelled; the question stays'
[ "$(grep -c 'recv conn=1 type=response.create' "$BACKEND_LOG")" = 1 ] || fail "a request went out before the deadline"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: 429 waits out retry-after, counts down, Esc cancels, F5 asks again"
