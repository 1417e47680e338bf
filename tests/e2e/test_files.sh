#!/usr/bin/env bash
# Several files: two on the command line (the status line says 1/2, 2/2), Alt-Right and
# Alt-Left switch and each keeps its text; Ctrl-W on a modified buffer asks; Ctrl-O opens a
# third with Tab completion; file:LINE opens at a line; a missing file says "new file".
set -u
. "$(dirname "$0")/lib.sh"
e2e_init files
backend_start --rate 0

mkdir -p "$E2E_DIR/src"
printf 'alpha one\n' >"$E2E_DIR/a.txt"
printf 'bravo two\n' >"$E2E_DIR/b.txt"
for i in $(seq 1 200); do echo "line $i"; done >"$E2E_DIR/src/long_name_file.txt"

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/a.txt" "$E2E_DIR/b.txt"
wait_screen 'alpha one'
wait_screen 'a\.txt +1/2'
keys M-Right
wait_screen 'bravo two'
wait_screen 'b\.txt +2/2'
type 'edited '
wait_screen 'edited bravo two'
keys M-Left
wait_screen 'a\.txt +1/2'
keys M-Right
wait_screen 'edited bravo two'

# Ctrl-W on the modified buffer asks; Esc keeps it; n closes it without saving.
keys C-w
wait_screen 'Save changes to b\.txt before closing'
keys Escape
wait_screen 'Close cancelled'
keys C-w
wait_screen 'Save changes to b\.txt before closing'
type 'n'
wait_screen 'Closed b\.txt'
[ "$(cat "$E2E_DIR/b.txt")" = 'bravo two' ] || fail "closing without saving wrote b.txt"

# Ctrl-O with Tab completion: "src/lo" + Tab -> "src/long_name_file.txt", at line 150.
keys C-o
wait_screen 'Open \(Tab completes'
type "$E2E_DIR/src/lo"
keys Tab
wait_screen 'src/long_name_file\.txt'
type ':150'
keys Enter
wait_screen 'long_name_file\.txt +2/2'
wait_screen 'line 150'
screen | tail -1 | grep -q '150:1' || fail "not at line 150: $(screen | tail -1)"

# A file that does not exist yet.
keys C-o
wait_screen 'Open \(Tab completes'
type "$E2E_DIR/fresh.txt"
keys Enter
wait_screen 'fresh\.txt: new file'

# The list: Alt-B, Up, Enter goes to the chosen buffer.
keys M-b
wait_screen 'Buffers'
keys Up
keys Enter
wait_screen 'long_name_file\.txt +2/3'

keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "quit with unmodified buffers did not exit 0"
echo "ok: two files, switching, close asks, Ctrl-O with Tab completion and :line, new file, list"
