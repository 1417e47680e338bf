#!/usr/bin/env bash
# Swap files: typing leaves a swap in the state directory (the test waits for the file, not
# for a time); kill -9; the next start asks; d shows the diff, r recovers the typed text;
# a save removes the swap, and a clean quit leaves none.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init swap
backend_start --rate 0

export XDG_STATE_HOME=$E2E_DIR/state
FLINT_ENV="XDG_STATE_HOME='$E2E_DIR/state'"
file=$E2E_DIR/notes.txt
printf 'first line\n' >"$file"
swapdir=$E2E_DIR/state/flint/swap

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'first line'
type 'typed before the kill '
wait_screen 'typed before the kill first line'
# The swap appears after the pause; wait until it holds the whole typed text.
for _ in $(seq 200); do
  grep -q 'typed before the kill first line' "$swapdir"/notes.txt.*.swp 2>/dev/null && break
  sleep 0.05
done
grep -q 'typed before the kill first line' "$swapdir"/notes.txt.*.swp 2>/dev/null ||
  fail "no swap file with the typed text: $(ls -la "$swapdir" 2>&1)"
grep -q "^path $file\$" "$swapdir"/notes.txt.*.swp || fail "swap header has no path"
kill -9 "$FLINT_PID"
wait_exit 5 >/dev/null
flint_stop
[ "$(cat "$file")" = 'first line' ] || fail "kill -9 changed the file"

# Restart: the question; d shows the diff in a buffer of its own; r recovers.
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'Swap file found for notes\.txt \(from pid [0-9]+'
type 'd'
wait_screen '\+typed before the kill first line'
wait_screen 'The diff is buffer 2'
type 'r'
wait_screen 'Recovered notes\.txt'
wait_screen 'typed before the kill first line'
keys C-s
wait_screen 'Saved '
[ "$(cat "$file")" = 'typed before the kill first line' ] || fail "recovered save wrote: $(cat "$file")"
ls "$swapdir"/notes.txt.*.swp >/dev/null 2>&1 && fail "the swap survived a save"

# Edit again: a swap appears; a clean quit (n: without saving) removes it.
type 'more '
for _ in $(seq 200); do
  ls "$swapdir"/notes.txt.*.swp >/dev/null 2>&1 && break
  sleep 0.05
done
ls "$swapdir"/notes.txt.*.swp >/dev/null 2>&1 || fail "no swap after editing again"
keys C-q
wait_screen 'Save changes to notes\.txt, \[new\]|Save changes to'
type 'n'
[ "$(wait_exit 5)" = 0 ] || fail "quit did not exit 0"
ls "$swapdir"/notes.txt.*.swp >/dev/null 2>&1 && fail "a clean quit left the swap"
flint_stop

# A large buffer (over 1 MB) is written by the worker thread from a snapshot: same result.
big=$E2E_DIR/big.txt
for i in $(seq 1 40000); do echo "a fairly ordinary line of text number $i"; done >"$big"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$big"
wait_screen 'line of text number 1 '
type 'BIGEDIT '
wait_screen 'BIGEDIT a fairly'
for _ in $(seq 400); do
  head -c 400 "$swapdir"/big.txt.*.swp 2>/dev/null | grep -q 'BIGEDIT a fairly' && break
  sleep 0.05
done
head -c 400 "$swapdir"/big.txt.*.swp 2>/dev/null | grep -q 'BIGEDIT a fairly' ||
  fail "no swap for the large buffer"
tail -n 1 "$swapdir"/big.txt.*.swp | grep -q 'number 40000$' || fail "large swap incomplete"
kill -9 "$FLINT_PID"
wait_exit 5 >/dev/null
flint_stop
rm -f "$swapdir"/big.txt.*.swp

# An unwritable state directory: said once, however often the swap is tried again.
printf 'not a directory\n' >"$E2E_DIR/state-file"
FLINT_ENV="XDG_STATE_HOME='$E2E_DIR/state-file'"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'typed before the kill'
type 'x'
wait_screen 'Unsaved edits are not protected: cannot write the swap file'
type 'y'
wait_count 'swap: cannot write the swap file' "$FLINT_LOG_FILE" 2 15
[ "$(grep -c 'message: Unsaved edits are not protected' "$FLINT_LOG_FILE")" = 1 ] ||
  fail "the swap failure was told more than once"

echo "ok: swap written after typing, kill -9, diff, recover, removed on save and clean quit; large buffer by the worker; a failure told once"
