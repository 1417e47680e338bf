#!/usr/bin/env bash
# flint against flint-backend's scripted faults (tests/backend/fault.h, PROTOCOL.md 7.3), one
# question per fault, chosen by its "fault:NAME" keyword, in one session:
#   #7  RST and close-without-Close-frame, before the first event and mid-stream: the partial
#       text stays, "[interrupted by network: connection lost]", a new connection, no replay;
#   #12 a silent hang (no bytes, socket kept, pings unread): the turn ends as stalled;
#   #10 a legal 5 MiB final event is answered normally; a 20 MiB frame closes with 1009 and
#       says so;
#   #11 one message as many continuation frames (1-byte fragments, boundaries inside UTF-8,
#       pings between them) reassembles;
#   #2  previous_response_not_found: one resend with the full context and no chain;
#   #8  websocket_connection_limit_reached on a create: reconnect and resend once; unsolicited
#       on an idle socket: a note, and a new connection;
#   #13 against --gateway strict, queued questions never overlap a running response.
# After all of it flint still answers, and quits cleanly.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init faults
printf 'x\n' >"$E2E_DIR/x.txt"
backend_start --rate 100
flint_start --stall 2 --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
# Each question waits until flint's previous turn has ended (a question typed during a turn
# would steer it): as many "turn: end" lines in its log as "turn: start".
idle() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(grep -c 'turn: start' "$FLINT_LOG_FILE")" = "$(grep -c 'turn: end' "$FLINT_LOG_FILE")" ] &&
      return 0
    sleep 0.05
  done
  fail "flint's turn never ended"
}
ask() { idle; keys C-k; type "$1"; keys Enter; }
# The backend connection serving flint now (the highest "open conn=N").
conn() { sed -nE 's/.* open conn=([0-9]+)$/\1/p' "$BACKEND_LOG" | tail -n 1; }
interrupted=0
cut_case() { # NAME QUESTION-WORDS SHOWN-REGEX (the words before the cut, or "")
  local c; c=$(conn)
  ask "fault:$1 echo: $2"
  wait_file "fault conn=$c (rst|drop) after=" "$BACKEND_LOG"
  interrupted=$((interrupted + 1))
  wait_count 'message: interrupted by network: connection lost' "$FLINT_LOG_FILE" "$interrupted"
  wait_screen '\[interrupted by network: connection lost\]'
  [ -z "$3" ] || wait_answer "$3"
  wait_file "open conn=$((c + 1))\$" "$BACKEND_LOG" 10
  echo "ok: $1: interrupted by network, reconnected (conn $((c + 1)))"
}

cut_case rst-mid 'alpha beta gamma delta epsilon zeta' 'alpha beta gamma$'
cut_case rst-before 'one two three' ''
cut_case drop-mid 'red green blue cyan magenta yellow' 'red green blue$'
cut_case drop-before 'four five six' ''
# No create was replayed on a new connection: every create names a question, once.
[ "$(grep -c 'recv conn=.*type=response.create' "$BACKEND_LOG")" = 4 ] ||
  fail "a create was replayed after a cut ($(grep -c 'type=response.create' "$BACKEND_LOG") creates)"
screen | grep -q '│ alpha beta gamma delta' && fail "text after the RST was shown"

# Silent hang: the socket stays up but nothing comes (and pings would go unanswered).
c=$(conn)
ask 'fault:hang echo: never shown'
wait_file "fault conn=$c hang" "$BACKEND_LOG"
wait_screen '\[stalled: no data from the server for [0-9]+ s\]' 20
wait_file "open conn=$((c + 1))\$" "$BACKEND_LOG" 10
screen | grep -q '│ never shown' && fail "the hung answer showed text"
echo "ok: hang: stalled, new connection"

# A legal 5 MiB response.completed.
c=$(conn)
ask 'fault:big echo: the big final event parsed'
wait_file "done conn=$c .*status=completed" "$BACKEND_LOG" 15
wait_answer 'the big final event parsed'
grep -q '1009\|malformed' "$FLINT_LOG_FILE" && fail "the 5 MiB event was refused"
echo "ok: big: a 5 MiB final event is accepted"

# Fragmented messages with UTF-8 split across fragments and pings between them (this and the
# later messages of this connection).
ask 'fault:frag echo: 日本語 🚀 naïve café fin'
wait_file "done conn=$c .*status=completed" "$BACKEND_LOG" 15
wait_count "done conn=$c .*status=completed" "$BACKEND_LOG" 2 15
wait_answer '日本語 🚀 naïve café fin'
echo "ok: frag: reassembled"

# previous_response_not_found on the chained create: resent once, full context, no chain.
ask 'fault:prev-lost echo: the chain was rebuilt'
wait_file "fault conn=$c prev-lost" "$BACKEND_LOG"
wait_count "done conn=$c .*status=completed" "$BACKEND_LOG" 3 15
wait_answer 'the chain was rebuilt'
tail -n 3 "$BACKEND_LOG" | grep -q "recv conn=$c type=response.create prev=- " ||
  grep -A1 "fault conn=$c prev-lost" "$BACKEND_LOG" | grep -q 'prev=- ' ||
  fail "the resend after previous_response_not_found was chained"
echo "ok: prev-lost: resent without the chain"

# A 20 MiB frame: closed with 1009, said so, and a new connection.
ask 'fault:huge echo: x'
wait_file "fault conn=$c huge" "$BACKEND_LOG"
wait_file 'closed with 1009' "$FLINT_LOG_FILE" 15
wait_screen '\[interrupted by network: message over'
wait_file "open conn=$((c + 1))\$" "$BACKEND_LOG" 10
echo "ok: huge: closed with 1009 and reported"

# websocket_connection_limit_reached answering a create (OpenAI style): a new connection and
# one resend with the full context; the keyword fails that one too, which is then shown.
c=$(conn)
ask 'fault:limit echo: lim'
wait_file "fault conn=$c limit" "$BACKEND_LOG"
wait_file "fault conn=$((c + 1)) limit" "$BACKEND_LOG" 10
grep -q "recv conn=$((c + 1)) type=response.create prev=- " "$BACKEND_LOG" ||
  fail "the resend after the connection limit was chained"
wait_screen 'failed: websocket_connection_limit_reached'
wait_file "open conn=$((c + 2))\$" "$BACKEND_LOG" 10
[ "$(grep -c 'fault conn=[0-9]* limit$' "$BACKEND_LOG")" = 2 ] || fail "more than one resend"
echo "ok: limit: one resend on a new connection"

# Unsolicited on an idle socket (xAI style), after a complete answer.
c=$(conn)
ask 'fault:limit-idle echo: answered before the limit'
wait_answer 'answered before the limit'
wait_file "fault conn=$c unsolicited" "$BACKEND_LOG"
wait_screen 'Server error: websocket_connection_limit_reached'
wait_file "open conn=$((c + 1))\$" "$BACKEND_LOG" 10
echo "ok: limit-idle: noted, new connection"

# After all of that flint answers on the new connection, unchained.
c=$(conn)
ask 'echo: still answering after every fault'
wait_file "done conn=$c .*status=completed" "$BACKEND_LOG" 15
wait_answer 'still answering after every fault'
grep -q "recv conn=$c type=response.create prev=- " "$BACKEND_LOG" ||
  fail "the first request on a new connection was chained"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: every scripted fault is survived; flint quits cleanly"
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=

# #13 against a strict gateway (a second create in flight is refused with
# response_already_in_flight): questions queued with Tab during a slow answer go out one at a
# time, each after the previous terminal, so none is refused and all are answered in order.
E2E_TAG=-strict
backend_start --rate 40 --gateway strict
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.txt"
wait_screen 'connected'
keys C-k; type 'Write a C function that reverses a linked list'; keys Enter
wait_answer 'Here is an iterative version'
keys C-k; wait_screen 'Steer \(Tab: queue\):'
type 'echo: queued one'; keys Tab
wait_screen 'queued 1'
type 'echo: queued two'; keys Tab
wait_screen 'queued 2'
wait_count 'done conn=1 .*status=completed' "$BACKEND_LOG" 3 40
wait_answer 'queued one'
wait_answer 'queued two'
grep -q 'response_already_in_flight' "$BACKEND_LOG" && fail "flint sent a create while one was in flight"
echo "ok: strict gateway: queued questions go out one at a time, none refused"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
