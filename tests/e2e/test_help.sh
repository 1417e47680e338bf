#!/usr/bin/env bash
# F1's help at 40x12 (issue 10 item 10): it fits the screen and scrolls (PgDn, the border
# says there is more), keys typed while it is open never reach the buffer under it (the
# status line says how to close it), Esc closes it, and the file saved afterwards holds only
# what was typed with the help closed.
set -u
. "$(dirname "$0")/lib.sh"
E2E_COLS=40 E2E_ROWS=12
e2e_init help
printf 'x\n' >"$E2E_DIR/main.c"
backend_start --rate 0 --tokens 10
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
wait_screen 'main\.c'
keys F1
wait_screen 'Down/PgDn: more'
[ "$(screen | wc -l)" -le 12 ] || fail "the help does not fit 12 rows"
type 'zzz'; keys Enter BSpace
wait_file 'message: The help is open: Esc, q or F1 closes it' "$FLINT_LOG_FILE"
keys PageDown
wait_screen 'Up/(PgUp|Down): (back|more)'
keys Escape
wait_gone '(PgUp|PgDn|Up/Down): (back|more)'
type 'ok'; keys C-s
wait_file '^okx$' "$E2E_DIR/main.c"
if grep -q 'z' "$E2E_DIR/main.c"; then fail "typing under the help edited the buffer"; fi
echo "ok: the help at 40x12 scrolls, swallows keys, closes on Esc"
