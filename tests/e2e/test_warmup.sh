#!/usr/bin/env bash
# End to end: the generate:false warm-up against flint-backend --prefill-ms. On connecting,
# flint sends a warm-up (the backend logs it generate=0); nothing of it shows in the pane; the
# first question chains to it (prev = the warm-up's id) and is answered without the prefill
# wait (warmed=1). With FLINT_WARMUP=0 no warm-up goes out and the question pays the prefill
# (warmed=0).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init warmup

E2E_TAG=-on
backend_start --prefill-ms 300
FLINT_ENV="FLINT_WARMUP=1" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
wait_file 'create conn=1 resp=[^ ]+ model=[^ ]+ generate=0 warmed=0' "$BACKEND_LOG"
wait_file 'warm-up resp_[0-9a-f]+ completed; the next question chains to it' "$FLINT_LOG_FILE"
warm=$(sed -nE 's/.*create conn=1 resp=([^ ]+) .* generate=0 .*/\1/p' "$BACKEND_LOG" | head -1)
keys C-k
type 'echo: warmed up'
keys Enter
wait_answer 'warmed up'
wait_file 'create conn=1 .* generate=1 warmed=1' "$BACKEND_LOG"
grep -q "recv conn=1 type=response.create prev=$warm " "$BACKEND_LOG" ||
  fail "the first question was not chained to the warm-up $warm"
screen | grep -q 'thinking\|\[failed\|Server error' && fail "the warm-up showed in the pane"
[ "$(grep -c 'turn: end' "$FLINT_LOG_FILE")" = 1 ] || fail "the warm-up counted as a turn"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=

E2E_TAG=-off
backend_start --prefill-ms 300
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
keys C-k
type 'echo: cold start'
keys Enter
wait_answer 'cold start'
wait_file 'create conn=1 .* generate=1 warmed=0' "$BACKEND_LOG"
grep -q 'generate=0' "$BACKEND_LOG" && fail "a warm-up went out with FLINT_WARMUP=0"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=
echo "ok: warmup"
