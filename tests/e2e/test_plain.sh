#!/usr/bin/env bash
# --plain (issue 10 item 9): no full screen, questions as lines, answers appended.
#  1. Against flint-backend: a question typed and Enter; the answer's text is printed as
#     lines (no alternate screen); a second question on two lines joined by a backslash.
#  2. Ctrl-C stops a slow answer (the backend logs the Close) and flint keeps running;
#     Ctrl-G too; Ctrl-D quits with status 0.
#  3. TERM=dumb falls back to plain mode (told on stderr); a terminfo type without cursor
#     addressing (glasstty) is refused with a message that names --plain.
#  4. A pipe: each line a question, flint quits after the last answer.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init plain
printf 'int main(void) { return 0; }\n' >"$E2E_DIR/main.c"
backend_start --rate 0 --tokens 40
url="ws://127.0.0.1:$BACKEND_PORT/v1"
# until the pane has N lines matching REGEX (the prompt comes back after each answer)
wait_lines() {
  local re=$1 n=$2 i
  for ((i = 0; i < 200; i++)); do
    [ "$(screen | grep -Ec -- "$re")" -ge "$n" ] && return 0
    sleep 0.05
  done
  fail "the pane never had $n lines matching /$re/"
}

flint_start --plain --url "$url" "$E2E_DIR/main.c"
wait_screen '^flint .*plain mode: Enter asks'
wait_screen '^> ?$'
type 'what is this file'; keys Enter
wait_file 'stream conn=1 ' "$BACKEND_LOG"
wait_screen 'Here is an iterative version'
wait_file 'turn: end' "$FLINT_LOG_FILE"
wait_lines '^> ?$' 1
wait_lines '^>( |$)' 2
$E2E_TMUX display -p -t e2e '#{alternate_on}' | grep -q 0 || fail "plain mode used the alternate screen"
type 'first line\'; keys Enter
wait_screen '^\. ?$'
type 'second line'; keys Enter
wait_count 'stream conn=1 ' "$BACKEND_LOG" 2
grep -q 'first line\\nsecond line' "$E2E_DIR"/state/flint/sessions/*/*.jsonl 2>/dev/null ||
  grep -rq 'first line\\nsecond line' "$E2E_DIR/state" || fail "the two lines were not one question"
wait_count 'turn: end' "$FLINT_LOG_FILE" 2
flint_stop
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null

# 2. A slow answer: Ctrl-C and Ctrl-G stop it, flint stays; Ctrl-D quits with 0.
E2E_TAG=2 backend_start --rate 20 --tokens 100000
url="ws://127.0.0.1:$BACKEND_PORT/v1"
flint_start --plain --url "$url"
wait_screen '^> ?$'
type 'tell me a long story'; keys Enter
wait_file 'stream conn=1 ' "$BACKEND_LOG"
keys C-c
wait_file 'close conn=1 code=1000' "$BACKEND_LOG"
wait_screen '\[interrupted\]'
wait_screen 'flint: Interrupted\.'
type 'again please'; keys Enter
wait_file 'stream conn=2 ' "$BACKEND_LOG"
keys C-g
wait_file 'close conn=2 code=1000' "$BACKEND_LOG"
wait_count 'turn: end' "$FLINT_LOG_FILE" 2
wait_screen '^> ?$'
keys C-d
status=$(wait_exit 10)
[ "$status" = 0 ] || fail "Ctrl-D: exit status $status, expected 0"
flint_stop

# 3. TERM=dumb: plain mode; glasstty (no cursor addressing in terminfo): refused, naming --plain.
FLINT_ENV="TERM=dumb" flint_start --url "$url"
wait_screen 'TERM=dumb cannot move the cursor: using --plain'
wait_screen '^> ?$'
keys C-d
status=$(wait_exit 10)
[ "$status" = 0 ] || fail "TERM=dumb: exit status $status, expected 0"
flint_stop
if infocmp glasstty >/dev/null 2>&1; then
  FLINT_ENV="TERM=glasstty" flint_start --url "$url"
  status=$(wait_exit 10)
  [ "$status" = 1 ] || fail "TERM=glasstty: exit status $status, expected 1"
  wait_screen "cannot move the cursor .*flint --plain"
  flint_stop
fi

# 4. A pipe: two questions, two answers, then flint quits by itself.
kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null
E2E_TAG=3 backend_start --rate 0 --tokens 30
printf 'one\ntwo\n' | FLINT_LOG="$E2E_DIR/pipe.log" XDG_STATE_HOME="$E2E_DIR/state" \
  timeout 60 "$FLINT_BIN" --plain --url "ws://127.0.0.1:$BACKEND_PORT/v1" \
  >"$E2E_DIR/pipe.out" 2>"$E2E_DIR/pipe.err"
status=$?
[ "$status" = 0 ] || fail "pipe: exit status $status ($(cat "$E2E_DIR/pipe.err"))"
[ "$(grep -c 'turn: end state=3 ' "$E2E_DIR/pipe.log")" = 2 ] ||
  fail "pipe: not two complete answers: $(cat "$E2E_DIR/pipe.out")"
grep -q 'Here is an iterative version' "$E2E_DIR/pipe.out" || fail "pipe: no answer printed"
if grep -q $'\e' "$E2E_DIR/pipe.out"; then fail "pipe: escape sequences in the output"; fi
echo "ok: --plain asks, prints, stops on Ctrl-C/Ctrl-G, quits on Ctrl-D; TERM=dumb; pipes"
