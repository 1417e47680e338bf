#!/usr/bin/env bash
# The multi-line ask prompt (issue 8 item 6), as a user: Alt-Enter and Ctrl-J break the line,
# the box grows; a bracketed paste keeps its newlines and tabs in the ask prompt (and not in
# the search prompt); Up/Down move between lines; Ctrl-X Ctrl-E edits the question in $EDITOR
# (a script here: it records the file's mode, rewrites the question, and the file is gone
# afterwards); the question goes out with its newlines (the backend's dump shows them).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init prompt
E2E_ROWS=24 E2E_COLS=80

cat >"$E2E_DIR/ed.sh" <<'ED'
#!/bin/sh
stat -c %a "$1" >"$(dirname "$0")/ed.mode"
printf '%s\n' "$1" >"$(dirname "$0")/ed.path"
printf 'echo: edited line one\nedited line two\n' >"$1"
ED
chmod +x "$E2E_DIR/ed.sh"

backend_start --dump "$E2E_DIR/frames.dump"
FLINT_ENV="VISUAL='$E2E_DIR/ed.sh'" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'

keys C-k; wait_screen 'Ask:'
type 'echo: first line'; keys M-Enter; type 'second line'; keys C-j; type 'third'
wait_screen '^ +third'
screen | grep -q '^Ask: echo: first line' || fail "the first line is not beside the label"
screen | grep -Eq '^ +second line' || fail "Alt-Enter did not break the line"
# Up moves to the line above (the history is empty anyway), then typing lands there.
keys Up; type '!'
wait_screen '^ +second line!|^ +secon!d line'
keys Escape
wait_gone '^(Ask|Steer)'

# A bracketed paste keeps newlines and tabs in the ask prompt ...
printf 'echo: pasted one\n\tpasted two' | $E2E_TMUX load-buffer -
keys C-k; wait_screen 'Ask:'
$E2E_TMUX paste-buffer -p -t e2e
wait_screen '^ +    pasted two'
keys Escape
wait_gone '^(Ask|Steer)'
# ... and not in the search prompt (one line).
keys C-f
$E2E_TMUX paste-buffer -p -t e2e
wait_screen 'echo: pasted one  pasted two|echo: pasted one +pasted two'
keys Escape
wait_gone '^Search'

# Ctrl-X Ctrl-E: the question in $EDITOR.
keys C-k; type 'to be replaced'
keys C-x C-e
wait_file '.' "$E2E_DIR/ed.mode"
wait_screen '^ +edited line two'
screen | grep -q '^Ask: echo: edited line one' || fail "the edited text is not in the prompt"
[ "$(cat "$E2E_DIR/ed.mode")" = 600 ] || fail "the temp file was mode $(cat "$E2E_DIR/ed.mode")"
[ -e "$(cat "$E2E_DIR/ed.path")" ] && fail "the temp file was not removed"
keys Enter
wait_file 'done conn=1 .*status=completed' "$BACKEND_LOG"
wait_answer 'edited line one'
grep '^R .*response.create' "$E2E_DIR/frames.dump" | grep -q 'edited line one\\nedited line two' \
  || fail "the question did not go out with its newline"

keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: multi-line ask prompt, paste keeps newlines (ask only), \$EDITOR round trip"
