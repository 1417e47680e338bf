#!/usr/bin/env bash
# Interop (PROTOCOL.md 7.3 #14, #15): flint's Chat transport (--api chat) against an
# independent Chat Completions SSE server written with Node's standard library
# (tests/interop/sse_server.js, no npm package): ask and stream (role chunk, content chunks,
# ": keep-alive" comments, a finish chunk, usage on a separate choices:[] chunk, [DONE]); two
# answers on one kept-alive TCP connection; Esc cancels a long answer by closing the
# connection (the server sees the close mid-answer); the next question goes out at once on a
# fresh connection and carries the whole conversation.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
e2e_init interop-sse
command -v node >/dev/null || fail "node is needed (apt-get install nodejs; make test installs it)"
SSE_LOG=$E2E_DIR/sse.log
: >"$SSE_LOG"
mkfifo "$E2E_DIR/sse.in"
node "$here/../interop/sse_server.js" "$SSE_LOG" <"$E2E_DIR/sse.in" >"$E2E_DIR/sse.out" 2>&1 &
SSE_PID=$!
exec 9>"$E2E_DIR/sse.in" # the server runs until this closes (at exit)
trap 'exec 9>&-; kill $SSE_PID 2>/dev/null; wait $SSE_PID 2>/dev/null; e2e_cleanup' EXIT
for _ in $(seq 200); do
  SSE_PORT=$(sed -nE 's/^listening ([0-9]+)$/\1/p' "$E2E_DIR/sse.out")
  [ -n "$SSE_PORT" ] && break
  sleep 0.05
done
[ -n "${SSE_PORT:-}" ] || { cat "$E2E_DIR/sse.out"; fail "the Node SSE server did not start"; }

flint_start --api chat --model interop-model --url "http://127.0.0.1:$SSE_PORT/v1"
wait_screen 'connected'
ask() { keys C-k; type "$1"; keys Enter; }

ask 'echo: first answer from the node server'
wait_file '^done 1 ' "$SSE_LOG" 10
wait_answer 'first answer from the node server'
grep -q '^request 1 socket [0-9]* messages [0-9]* stream true$' "$SSE_LOG" ||
  fail "the first request was not a streaming chat request"

ask 'echo: second answer on the same connection'
wait_file '^done 2 ' "$SSE_LOG" 10
wait_answer 'second answer on the same connection'
s1=$(sed -nE 's/^request 1 socket ([0-9]+) .*/\1/p' "$SSE_LOG")
s2=$(sed -nE 's/^request 2 socket ([0-9]+) .*/\1/p' "$SSE_LOG")
[ "$s1" = "$s2" ] || fail "the connection was not kept alive (sockets $s1 and $s2)"
m1=$(sed -nE 's/^request 1 .* messages ([0-9]+) .*/\1/p' "$SSE_LOG")
m2=$(sed -nE 's/^request 2 .* messages ([0-9]+) .*/\1/p' "$SSE_LOG")
[ "$m2" -gt "$m1" ] || fail "the second request did not carry the conversation ($m1, $m2 messages)"
echo "ok: two answers on one kept-alive connection (socket $s1)"

ask 'slow: streaming slowly'
wait_file '^request 3 ' "$SSE_LOG" 10
wait_answer 'streaming slowly streaming slowly'
keys Escape
wait_file '^cancel 3 socket [0-9]+ after [0-9]+ chunks' "$SSE_LOG" 10
wait_screen '\[interrupted\]' 5
grep -q '^done 3 ' "$SSE_LOG" && fail "the cancelled answer ran to its end"
echo "ok: Esc closed the connection mid-answer ($(grep '^cancel 3' "$SSE_LOG"))"

ask 'echo: asked again after the cancel'
wait_file '^done 4 ' "$SSE_LOG" 10
wait_answer 'asked again after the cancel'
s4=$(sed -nE 's/^request 4 socket ([0-9]+) .*/\1/p' "$SSE_LOG")
[ "$s4" != "$s1" ] || fail "the request after the cancel reused the closed connection"
m4=$(sed -nE 's/^request 4 .* messages ([0-9]+) .*/\1/p' "$SSE_LOG")
[ "$m4" -gt "$m2" ] || fail "the request after the cancel lost the conversation"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: flint's Chat transport against a Node SSE server: stream, keep-alive, cancel, resend"
