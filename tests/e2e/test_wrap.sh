#!/usr/bin/env bash
# Soft wrap as a user meets it: a line longer than the editor pane shows only its head; Alt-Z
# wraps it (its tail appears on the next row, under a blank gutter, and the status line says
# "wrap"); Alt-Z again unwraps. Then editor.soft_wrap = true in a config file starts wrapped.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init wrap
backend_start --rate 0

file=$E2E_DIR/long.txt
{ printf 'head-'; for _ in $(seq 1 30); do printf 'abcdef'; done; printf -- '-TAILMARK\nsecond\n'; } >"$file"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen ' 1 head-abcdef'
wait_screen ' 2 second'
screen | grep -q TAILMARK && fail "the tail is visible before wrapping"

keys M-z
wait_screen 'TAILMARK'
wait_screen '^ +[a-f]+-TAILMARK' # a continuation row: no line number
wait_screen 'long\.txt +wrap'
keys M-z
wait_screen 'Soft wrap off'
screen | grep -q TAILMARK && fail "the tail is still visible after Alt-Z off"
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
flint_stop

cfg=$E2E_DIR/config.json
printf '{ "editor": { "soft_wrap": true } }\n' >"$cfg"
flint_start --config "$cfg" --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'TAILMARK'
wait_screen 'long\.txt +wrap'
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e wrap: ok"
