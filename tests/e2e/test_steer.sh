#!/usr/bin/env bash
# Steer and queue as Codex users expect (issue 8 item 7), against flint-backend's scripted
# steering (tests/backend/steer.h):
#   refused: Enter in the ask prompt while an answer streams sends response.steer; the backend
#     refuses it (steering_not_supported), so flint interrupts and asks again: the backend's
#     dump shows the re-create carrying the partial answer and the correction; a second steer
#     on the same run goes client-side at once (the refusal is remembered for the model);
#   accepted: no extra response.create, the answer continues under a "↪ steer:" marker;
#   Tab queues during a slow stream: both queued questions are answered, in order;
#   Esc with a queue stops the stream and keeps the queue (paused); Enter on an empty prompt
#   sends it.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init steer

LONG='Write a C function that reverses a linked list'

# ---- refused: the client-side steer -------------------------------------------------------
E2E_TAG=-refuse
backend_start --steer refuse --rate 40 --dump "$E2E_DIR/refuse.dump"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
keys C-k; wait_screen 'Ask:'; type "$LONG"; keys Enter
wait_answer 'Here is an iterative version'
keys C-k; wait_screen 'Steer \(Tab: queue\):'
type 'echo: use recursion instead'; keys Enter
wait_file 'steer conn=1 refused code=steering_not_supported' "$BACKEND_LOG"
wait_file 'close conn=1 code=1000' "$BACKEND_LOG"
wait_file 'done conn=2 .*status=completed' "$BACKEND_LOG" 15
wait_answer 'use recursion instead'
wait_screen ' done' # the turn is over in flint too: the next Enter asks, it does not steer
grep '^R .*"type":"response.create"' "$E2E_DIR/refuse.dump" | tail -n 1 >"$E2E_DIR/recreate.json"
grep -q 'Here is an iterative version' "$E2E_DIR/recreate.json" \
  || fail "the re-create does not carry the partial answer"
grep -q 'echo: use recursion instead' "$E2E_DIR/recreate.json" \
  || fail "the re-create does not carry the correction"
# Remembered: the next steer on this run sends no response.steer.
keys C-k; type "$LONG"; keys Enter
wait_count 'stream conn=2 ' "$BACKEND_LOG" 2
wait_answer 'Here is an iterative version'
keys C-k; type 'echo: second correction'; keys Enter
wait_file 'done conn=3 .*status=completed' "$BACKEND_LOG" 15
wait_answer 'second correction'
[ "$(grep -c 'type=response.steer ' "$BACKEND_LOG")" = 1 ] || fail "a refused steer was tried again"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=

# ---- accepted: the answer continues ---------------------------------------------------------
E2E_TAG=-accept
backend_start --steer accept --rate 40
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
keys C-k; type "$LONG"; keys Enter
wait_answer 'Here is an iterative version'
keys C-k; type 'echo: now in Rust'; keys Enter
wait_file 'steer conn=1 accepted resp=' "$BACKEND_LOG"
wait_file 'steer conn=1 steered resp=' "$BACKEND_LOG"
wait_file 'done conn=1 .*status=completed' "$BACKEND_LOG" 15
wait_screen '↪ steer: echo: now in Rust'
wait_answer 'now in Rust'
wait_screen ' done' # over in flint too: the next Enter asks, it does not steer
[ "$(grep -c 'type=response.create ' "$BACKEND_LOG")" = 1 ] \
  || fail "an accepted steer was followed by another response.create"
grep -q 'close conn=1' "$BACKEND_LOG" && fail "an accepted steer closed the connection"

# ---- Tab queues during a slow stream; both go out in order -----------------------------------
keys C-k; type "$LONG"; keys Enter
wait_count 'stream conn=1 ' "$BACKEND_LOG" 3
wait_answer 'Here is an iterative version'
keys C-k; wait_screen 'Steer \(Tab: queue\):'
type 'echo: queued one'; keys Tab
wait_screen 'queued 1'
type 'echo: queued two'; keys Tab
wait_screen 'queued 2'
keys Escape   # in the prompt, while the answer streams: Esc stops it; the queue is kept
wait_file 'close conn=1 code=1000' "$BACKEND_LOG"
wait_screen 'queued 2 \(paused'
wait_gone '^(Ask|Steer)'   # the empty prompt closed with the turn
wait_file 'open conn=2' "$BACKEND_LOG"
screen | grep -q 'queued 2' || fail "the queue was dropped"
# Enter on an empty ask prompt sends the next; the rest follows as each turn completes.
keys C-k; keys Enter
wait_file 'done conn=2 .*status=completed' "$BACKEND_LOG" 15
wait_answer 'queued one'
wait_count 'done conn=2 .*status=completed' "$BACKEND_LOG" 2 15
wait_answer 'queued two'
one=$(screen | grep -n '│ queued one' | head -1 | cut -d: -f1)
two=$(screen | grep -n '│ queued two' | head -1 | cut -d: -f1)
[ -n "$one" ] && [ -n "$two" ] && [ "$one" -lt "$two" ] || fail "queued answers out of order"
screen | grep -q 'queued [0-9]' && fail "the queue view stayed after the queue emptied"

# ---- Ctrl-G with a queue: the stream stops, the queue pauses --------------------------------
keys C-k; type "$LONG"; keys Enter
wait_count 'stream conn=2 ' "$BACKEND_LOG" 3
wait_answer 'Here is an iterative version'
keys C-k; type 'echo: after the long one'; keys Tab
wait_screen 'queued 1'
keys C-g      # Ctrl-G in the prompt stops the stream too; the queue pauses
wait_file 'close conn=2 code=1000' "$BACKEND_LOG"
wait_screen 'queued 1 \(paused'
wait_gone '^(Ask|Steer)'   # the empty prompt closed with the turn
keys C-k; keys Enter
wait_answer 'after the long one' 15
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=

# ---- a queue behind a turn that completes goes on by itself --------------------------------
# Every answer is 120 deltas at 20/s (6 s): room to queue while the first one streams. The
# prompt stays open meanwhile (it follows the turns; Esc there would stop the answer).
E2E_TAG=-queue
backend_start --rate 20 --tokens 120 --dump "$E2E_DIR/queue.dump"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
keys C-k; type 'echo: alpha'; keys Enter
wait_answer 'alpha'
keys C-k; type 'echo: bravo'; keys Tab; type 'echo: charlie'; keys Tab
wait_screen 'queued 2'
wait_count 'done conn=1 .*status=completed' "$BACKEND_LOG" 3 40
wait_answer 'charlie'
grep -q 'close conn=1' "$BACKEND_LOG" && fail "the queue interrupted a turn"
order=$(grep -o '"text":"echo: [a-z]*' "$E2E_DIR/queue.dump" | sed 's/.*echo: //' | tr '\n' ' ')
[ "$order" = "alpha bravo charlie " ] || fail "questions went out as: $order"
wait_gone '^(Ask|Steer)'   # the empty prompt closed when the last answer completed
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: steer refused (fallback with the partial answer) and accepted (no extra create), Tab queues in order, Esc and Ctrl-G keep the queue"
