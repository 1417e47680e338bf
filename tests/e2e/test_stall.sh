#!/usr/bin/env bash
# A server that goes silent mid-answer (but still answers pings): with --stall 2 the turn
# ends as stalled after 2 s without data, the partial text stays, flint closes the socket
# (the only way to stop the response), and F5 asks the question again on a new connection
# with the full context.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init stall
printf 'x\n' >"$E2E_DIR/x.txt"
backend_start --rate 50 --stall 1:4
flint_start --stall 2 --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
keys C-k; type 'echo: alpha beta gamma delta epsilon zeta eta theta'; keys Enter
wait_file 'stall conn=1 ' "$BACKEND_LOG"
wait_screen '\[stalled: no data from the server for [0-9]+ s\]' 20
wait_file 'close conn=1 code=1000' "$BACKEND_LOG" 5
wait_screen 'F5 asks again'
screen | grep -q '│ alpha beta' || fail "the partial answer is gone"
stall_at=$(awk '/stall conn=1 /{print $1; exit}' "$BACKEND_LOG")
end_at=$(awk '/session: stalled/{print $1; exit}' "$FLINT_LOG_FILE")
took=$(awk -v a="$stall_at" -v b="$end_at" 'BEGIN { printf "%.3f", b - a }')
echo "stall: the turn ended ${took} s after the backend's last delta (--stall 2)"
awk -v t="$took" 'BEGIN { exit !(t >= 1.9) }' || fail "ended as stalled after only $took s"

wait_file 'open conn=2' "$BACKEND_LOG" 5
keys F5
wait_file 'done conn=2 .*status=completed' "$BACKEND_LOG" 15
wait_answer 'alpha beta gamma delta epsilon zeta eta theta'
grep -q 'recv conn=2 type=response.create prev=- ' "$BACKEND_LOG" || fail "the retry was chained"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: a silent stream ends as stalled, keeps its text, F5 asks again"
