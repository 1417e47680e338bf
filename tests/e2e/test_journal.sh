#!/usr/bin/env bash
# The conversation journal: flint killed with SIGKILL in the middle of an answer keeps the
# question and the text that was on screen; `flint --continue` shows them (the answer marked
# interrupted), the next question resends them to the model and goes on in the same journal;
# a question asked and then Ctrl-Q is there for `flint --resume` (flint's list, Enter) and
# `flint --resume ID`. The backend's first answer goes silent after a few deltas (--stall),
# so "in the middle of the stream" is a state, not a moment; every wait is for an event.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init journal
cd "$E2E_DIR" || exit 1
printf 'int x;\n' >a.c
STATE=$E2E_DIR/state
SESSIONS=$STATE/flint/sessions
FLINT_ENV="XDG_STATE_HOME='$STATE'"
backend_start --rate 50 --stall 1:6 --dump "$E2E_DIR/dump.txt"
URL="ws://127.0.0.1:$BACKEND_PORT/v1"

# 1. kill -9 in the middle of the stream.
flint_start --stall 0 --url "$URL" a.c
wait_screen 'connected'
keys C-k; type 'echo: alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo'; keys Enter
wait_file 'stall conn=1 ' "$BACKEND_LOG" 20      # six deltas went out, then silence
wait_answer 'alpha bravo'
journal=$(ls "$SESSIONS"/*.jsonl 2>/dev/null | head -1)
[ -n "$journal" ] || fail "no journal in $SESSIONS"
[ "$(stat -c %a "$journal")" = 600 ] || fail "the journal is not 0600"
[ "$(stat -c %a "$SESSIONS")" = 700 ] || fail "the sessions directory is not 0700"
# What the answer pane shows must reach the journal (the flush timer, within 100 ms of its
# arrival): wait until the journal's text holds the pane's, then kill.
journal_text() {
  python3 -c 'import json, sys
print("".join(json.loads(l).get("s", "") for l in open(sys.argv[1]) if l.startswith("{\"t\":\"text\"")))' "$journal"
}
kept=0
for ((i = 0; i < 200; i++)); do
  on_screen=$(screen | grep -oE '│ alpha[a-z ]*' | head -1 | sed 's/^│ //; s/ *$//')
  [ -n "$on_screen" ] && journal_text | grep -qF "$on_screen" && { kept=1; break; }
  sleep 0.05
done
[ "$kept" = 1 ] || fail "the journal never held the text on screen ('$on_screen'): $(journal_text)"
kill -9 "$FLINT_PID"
wait_exit 5 >/dev/null
grep -q '"t":"end"' "$journal" && fail "a turn end in a killed turn's journal"
grep -q '"t":"question","s":"echo: alpha bravo' "$journal" || fail "the question is not in the journal"
flint_stop

flint_start --stall 0 --url "$URL" --continue
wait_screen 'Resumed 1 question'
wait_screen '› echo: alpha bravo charlie'
screen | grep -qF "│ $on_screen" || fail "the partial answer shown before the kill ('$on_screen') is gone"
wait_screen '\[interrupted\]'
grep -q 'a.c' <(screen | head -1) || fail "the file it touched is not open"
# The next question carries the conversation, and goes on in the same journal.
wait_screen 'connected'
keys C-k; type 'echo: second'; keys Enter
wait_answer 'second'
wait_file 'R .*echo: second' "$E2E_DIR/dump.txt"
grep 'R .*echo: second' "$E2E_DIR/dump.txt" | grep -q 'alpha bravo charlie' ||
    fail "the resumed conversation was not sent with the next question"
wait_file '"t":"end","state":"done"' "$journal" 10
[ "$(ls "$SESSIONS" | wc -l)" = 1 ] || fail "the resumed conversation started a new journal"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop

# 2. A question, then Ctrl-Q: --resume lists it (this directory's only), Enter reopens it.
mkdir -p "$E2E_DIR/other" && cd "$E2E_DIR/other" || exit 1
flint_start --stall 0 --url "$URL"
wait_screen 'connected'
keys C-k; type 'echo: quit right after this'; keys Enter
wait_answer 'quit right'
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop
flint_start --stall 0 --url "$URL" --resume
wait_screen 'Resume a conversation'
wait_screen '(just now|[0-9]+ min ago) +1 question +echo: quit right after this'
screen | grep -q 'alpha' && fail "another directory's conversation is listed"
keys Enter
wait_screen '› echo: quit right after this'
wait_screen 'Resumed 1 question'
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
flint_stop

# 3. --resume ID, from anywhere.
id=$(basename "$journal" .jsonl)
flint_start --stall 0 --url "$URL" --resume "$id"
wait_screen '› echo: alpha bravo charlie'
wait_screen '› echo: second'
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: kill -9 mid-stream keeps the question and the partial answer; --continue, --resume and --resume ID reopen; the next question resends the conversation"
