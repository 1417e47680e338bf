#!/usr/bin/env bash
# The end-of-answer notice (issue 10 item 10): focus events (CSI I / CSI O, which the
# terminal sends once flint enables mode 1004) decide it. An answer that takes over 10 s and
# ends while the terminal is unfocused rings the bell and sends a desktop notification (OSC 9
# or 777) wrapped in tmux's passthrough; one that ends while it is focused stays quiet. The
# answers are paced by flint-backend (12 s each), so no timing is asserted.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init notify
printf 'x\n' >"$E2E_DIR/main.c"
backend_start --rate 20 --tokens 240
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
wait_screen 'connected'
$E2E_TMUX send-keys -t e2e -l $'\e[O' # what the terminal sends when it loses the focus
wait_file 'focus: out' "$FLINT_LOG_FILE"
keys C-k; type 'a long answer please'; keys Enter
wait_file 'stream conn=1 ' "$BACKEND_LOG"
wait_file 'turn: end state=3' "$FLINT_LOG_FILE" 30
wait_file "notify: bell and OSC (9|777) through tmux's passthrough" "$FLINT_LOG_FILE"

$E2E_TMUX send-keys -t e2e -l $'\e[I'
wait_file 'focus: in' "$FLINT_LOG_FILE"
keys C-k; type 'another one'; keys Enter
wait_count 'stream conn=' "$BACKEND_LOG" 2
wait_count 'turn: end state=3' "$FLINT_LOG_FILE" 2 30
wait_file 'notify: the terminal has the focus: no bell' "$FLINT_LOG_FILE"
[ "$(grep -c 'notify: bell and OSC' "$FLINT_LOG_FILE")" = 1 ] || fail "a focused terminal was notified"
# nothing of the focus sequences reached the buffer
keys C-s
wait_file 'saved|Saved' "$FLINT_LOG_FILE"
[ "$(cat "$E2E_DIR/main.c")" = x ] || fail "the buffer changed: $(cat "$E2E_DIR/main.c")"
echo "ok: an answer ending unfocused rings and notifies through tmux; focused stays quiet"
