#!/usr/bin/env bash
# The user's text is sacred: quitting with unsaved changes asks first, and SIGTERM / SIGHUP
# restore the terminal and leave a recovery file next to the file.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init recovery
backend_start --rate 0

file=$E2E_DIR/draft.txt
printf 'keep me\n' >"$file"

# 1. Ctrl-Q with unsaved changes asks; 'n' quits without saving; the file is untouched.
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'keep me'
type 'unsaved words '
keys C-q
wait_screen 'Save changes'
type 'n'
[ "$(wait_exit 5)" = 0 ] || fail "quit without saving did not exit 0"
[ "$(cat "$file")" = 'keep me' ] || fail "file changed by a quit without saving"
flint_stop

# 2. Ctrl-Q then 'y' saves and quits.
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'keep me'
type 'saved words '
keys C-q
wait_screen 'Save changes'
type 'y'
[ "$(wait_exit 5)" = 0 ] || fail "save and quit did not exit 0"
[ "$(cat "$file")" = 'saved words keep me' ] || fail "save-and-quit wrote: $(cat "$file")"
flint_stop

# 3. SIGTERM with unsaved changes: a recovery file appears next to the file.
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'saved words'
type 'precious '
wait_screen 'precious saved words'
kill -TERM "$FLINT_PID"
status=$(wait_exit 5)
[ "$status" = 143 ] || fail "SIGTERM exit status $status"
rec=$E2E_DIR/.draft.txt.flint-recovery
[ -f "$rec" ] || fail "no recovery file after SIGTERM: $(ls -la "$E2E_DIR")"
[ "$(cat "$rec")" = 'precious saved words keep me' ] || fail "recovery file holds: $(cat "$rec")"
[ "$(cat "$file")" = 'saved words keep me' ] || fail "SIGTERM touched the real file"
wait_screen 'unsaved changes written to' # printed as flint exits: tmux may show it a moment later
flint_stop

# 4. The next start points at the recovery file; SIGHUP (the terminal went away) then writes
#    a second one (.1) without touching the first.
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'saved words'
wait_screen 'earlier session is in .draft.txt.flint-recovery'
type 'hup '
wait_screen 'hup saved words'
kill -HUP "$FLINT_PID"
wait_exit 5 >/dev/null
rec1=$E2E_DIR/.draft.txt.flint-recovery.1
[ -f "$rec1" ] || fail "no recovery file after SIGHUP: $(ls -la "$E2E_DIR")"
[ "$(cat "$rec1")" = 'hup saved words keep me' ] || fail "recovery after SIGHUP holds: $(cat "$rec1")"
[ "$(cat "$rec")" = 'precious saved words keep me' ] || fail "SIGHUP overwrote the first recovery: $(cat "$rec")"
echo "ok: quit asks, save-and-quit, SIGTERM and SIGHUP recovery"
