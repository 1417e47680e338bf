#!/usr/bin/env bash
# A connection lost mid-answer (PROTOCOL.md 7.3 #7): the partial answer stays, marked
# "[interrupted by network: REASON]" with the reason said once and no frozen "retry in"
# countdown (that belongs to the status line, where it is current), and nothing is replayed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init network
backend_start --rate 100
printf 'x\n' >"$E2E_DIR/x.txt"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
keys C-k; type 'write a C function to reverse a linked list'; keys Enter
wait_file 'stream conn=1 ' "$BACKEND_LOG"
wait_screen 'iterative version'          # some of the answer is on screen
kill -KILL "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=
wait_screen '\[interrupted by network' 10
wait_file 'interrupted by network' "$FLINT_LOG_FILE" 5
# The model pane only (the status line's link state may say "retry in", correctly).
pane=$(screen | head -n $((E2E_ROWS - 1)) | cut -c $((E2E_COLS / 2))-)
grep -q 'interrupted by network: interrupted by network' <<<"$pane" && fail "reason said twice"
grep -q 'retry in' <<<"$pane" && fail "a countdown was frozen into the transcript"
screen | grep -q 'iterative version' || fail "the partial answer is gone"
echo "ok: network loss marks the answer once, without a stale countdown"
