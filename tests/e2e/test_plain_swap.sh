#!/usr/bin/env bash
# --plain and the swap-file question (a file with a newer swap from a flint that died):
#  1. The full screen types into a file, its swap appears, kill -9.
#  2. --plain on a terminal: the question is a line with the same choices and "? " waits for
#     the answer; a word that is no answer is asked again; d prints the diff and asks again;
#     r recovers; Ctrl-D quits and the swap is still there (plain cannot save), the file
#     untouched.
#  3. --plain again: x deletes the swap.
#  4. A pipe on stdin (its lines are questions): nothing is asked, the swap stays byte for
#     byte, it is said on stderr (stdout is a log), and the line is asked as a question.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init plain_swap
backend_start --rate 0 --tokens 30
url="ws://127.0.0.1:$BACKEND_PORT/v1"
file=$E2E_DIR/notes.txt
printf 'first line\n' >"$file"
swapdir=$E2E_DIR/state/flint/swap

# until the swap holds TEXT (it is written after a pause in typing)
wait_swap() {
  local i
  for ((i = 0; i < 200; i++)); do
    grep -q -- "$1" "$swapdir"/notes.txt.*.swp 2>/dev/null && return 0
    sleep 0.05
  done
  fail "no swap file holding '$1': $(ls -la "$swapdir" 2>&1)"
}

# 1. A flint that dies with unsaved text.
flint_start --url "$url" "$file"
wait_screen 'first line'
type 'typed before the kill '
wait_screen 'typed before the kill first line'
wait_swap 'typed before the kill first line'
kill -9 "$FLINT_PID"
wait_exit 5 >/dev/null
flint_stop
swap=$(ls "$swapdir"/notes.txt.*.swp)
cp -p "$swap" "$E2E_DIR/swap.keep"

# 2. --plain on a terminal: asked; not-an-answer, d, r; Ctrl-D.
flint_start --plain --url "$url" "$file"
wait_screen '^flint: Swap file found for notes\.txt \(from pid [0-9]+'
wait_screen 'r recover, d diff, x delete'
wait_screen '^\? ?$'
type 'what is this'; keys Enter
wait_screen '^flint: Answer r \(recover\), d \(diff\), x \(delete\) or an empty line'
wait_screen '^\? ?$'
type 'd'; keys Enter
wait_screen '^\+typed before the kill first line'
wait_screen '^-first line'
wait_screen '^\? ?$' # asked again: typed before it, the echo would land before the question
type 'r'; keys Enter
wait_screen '^flint: Recovered notes\.txt from its swap file'
wait_screen '^> ?$'
grep -q 'stream conn=' "$BACKEND_LOG" && fail "an answer to the swap question went to the model"
keys C-d
status=$(wait_exit 10)
[ "$status" = 0 ] || fail "Ctrl-D: exit status $status, expected 0"
flint_stop
cmp -s "$swap" "$E2E_DIR/swap.keep" || fail "plain recovery changed or removed the swap"
[ "$(cat "$file")" = 'first line' ] || fail "plain changed the file: $(cat "$file")"

# 3. --plain: x deletes it.
E2E_TAG=2 flint_start --plain --url "$url" "$file"
wait_screen '^flint: Swap file found for notes\.txt'
wait_screen '^\? ?$'
type 'x'; keys Enter
wait_screen '^flint: Deleted the swap file of notes\.txt'
wait_screen '^> ?$'
keys C-d
[ "$(wait_exit 10)" = 0 ] || fail "Ctrl-D after x: not exit 0"
flint_stop
[ -e "$swap" ] && fail "x left the swap file"

# 4. A pipe: not asked; the swap stays as it was; the line is a question.
cp -p "$E2E_DIR/swap.keep" "$swap"
printf 'one\n' | FLINT_LOG="$E2E_DIR/pipe.log" XDG_STATE_HOME="$E2E_DIR/state" \
  timeout 60 "$FLINT_BIN" --plain --url "$url" "$file" >"$E2E_DIR/pipe.out" 2>"$E2E_DIR/pipe.err"
status=$?
[ "$status" = 0 ] || fail "pipe: exit status $status ($(cat "$E2E_DIR/pipe.err"))"
grep -q 'Swap file found for notes\.txt .*not asked, stdin is not a terminal' "$E2E_DIR/pipe.err" ||
  fail "pipe: not said on stderr: $(cat "$E2E_DIR/pipe.err")"
grep -q "The swap file stays: $swap; notes.txt is used as it is on disk" "$E2E_DIR/pipe.err" ||
  fail "pipe: where the swap stays not said: $(cat "$E2E_DIR/pipe.err")"
grep -q 'not asked, stdin is not a terminal' "$E2E_DIR/pipe.out" || fail "pipe: not in the log"
cmp -s "$swap" "$E2E_DIR/swap.keep" || fail "pipe: the swap changed or went"
[ "$(grep -c 'turn: end state=3 ' "$E2E_DIR/pipe.log")" = 1 ] ||
  fail "pipe: the line was not asked: $(cat "$E2E_DIR/pipe.out")"
[ "$(cat "$file")" = 'first line' ] || fail "pipe: the file changed"
echo "ok: --plain asks the swap question as a line (d, r, x; not-an-answer again); a pipe keeps the swap"
