#!/usr/bin/env bash
# Connection rotation: a socket older than the age limit is replaced between turns (Close
# 1000 "rotating"), never during an answer, and the next question goes out on the new one.
# FLINT_ROTATE_AFTER shortens the limit (55 min for OpenAI, 23 for xAI) to 2 s.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init rotate
backend_start --rate 200
printf 'x\n' >"$E2E_DIR/x.txt"
export FLINT_ROTATE_AFTER=2
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'

# An answer that streams past the age limit is not cut.
keys C-k; type 'write a C function to reverse a linked list'; keys Enter
wait_file 'stream conn=1 ' "$BACKEND_LOG"
wait_file 'done conn=1 .*status=completed' "$BACKEND_LOG" 15
# ...and once it is done the old socket is replaced: the close comes after the answer.
wait_file 'close conn=1 code=1000 reason=rotating' "$BACKEND_LOG" 5
done_at=$(grep -n 'done conn=1 ' "$BACKEND_LOG" | head -1 | cut -d: -f1)
close_at=$(grep -n 'close conn=1 code=1000 reason=rotating' "$BACKEND_LOG" | cut -d: -f1)
[ "$done_at" -lt "$close_at" ] || fail "rotated during an answer"
wait_file 'open conn=2' "$BACKEND_LOG" 5

# Later, the next question rotates first if needed, then goes out on a fresh socket.
sleep 2.5
keys C-k; type 'echo: after rotation'; keys Enter
wait_file 'close conn=2 code=1000 reason=rotating' "$BACKEND_LOG" 5
wait_file 'recv conn=3 type=response.create prev=- ' "$BACKEND_LOG" 5
wait_answer 'after rotation'
grep -q 'recv conn=2 type=response.create' "$BACKEND_LOG" && fail "a question went out on the old socket"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: rotation between turns only"
