#!/usr/bin/env bash
# Search and replace as a user meets them (issue 7 item 3): Ctrl-F, a pattern, the count and
# the caret on the match; Enter; F3 to the next one and past the end with the wrap notice;
# Shift-F3 back; Ctrl-\ with Alt-R, a group in the replacement and `a` for all, saved, then
# Ctrl-Z undoes the whole replace-all in one step (saved again); an invalid regex names
# PCRE2's message and the offset; Alt-G 3:2 moves the caret. Every wait is on the screen text
# the step needs. Esc is always followed by a wait: an Esc and the next key in one read would
# be one Alt chord.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init search

backend_start
file=$E2E_DIR/s.txt
printf 'alpha beta\ngamma alpha\nfoo(1) foo(22)\nalpha end\n' >"$file"

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'

# Incremental: the count and the caret (line 1, column 1) as the pattern is typed.
keys C-f
wait_screen '^Search:'
type 'alp'
wait_screen '^Search 1/3: alp'
keys Enter
wait_screen 's.txt +1:1 +Match 1/3'
keys F3
wait_screen 's.txt +2:7 +Match 2/3'
keys F3
wait_screen 's.txt +4:1 +Match 3/3'
keys F3
wait_screen 's.txt +1:1 +Wrapped to the top: match 1/3'
keys S-F3
wait_screen 's.txt +4:1 +Wrapped to the bottom: match 3/3'

# An invalid regex: PCRE2's message with the offset, while typing.
keys C-f
wait_screen '^Search:'
keys M-r
wait_screen '^Search \[regex\]:'
type 'a(b'
wait_screen 'regex: missing closing parenthesis at offset 3'
keys Escape
wait_screen 's.txt +4:1 ' # the prompt is closed, the caret back where the search began

# Replace with a group, all at once, saved; then one undo brings every match back.
keys 'C-\'
wait_screen '^Replace \[regex\]: a\(b' # the last pattern, still invalid
for _ in 1 2 3; do keys BSpace; done
wait_screen '^Replace \[regex\]: *$'
type 'foo\((\d+)\)'
wait_screen '^Replace \[regex\] 1/2: foo'
keys Enter
wait_screen "^Replace 'foo.*' with:"
type 'bar[$1]'
keys Enter
wait_screen '^Replace\? \(y\)es \(n\)o \(a\)ll \(Esc\) stop .* 1/2'
keys a
wait_screen 'Replaced 2 occurrences'
keys C-s
wait_screen 'Saved'
[ "$(sed -n 3p "$file")" = 'bar[1] bar[22]' ] || fail "replace-all wrote '$(sed -n 3p "$file")'"
keys C-z
wait_screen '3 foo\(1\) foo\(22\)'
keys C-s
wait_screen 'Saved'
[ "$(sed -n 3p "$file")" = 'foo(1) foo(22)' ] || fail "one undo left '$(sed -n 3p "$file")'"

# Go to line 3, column 2; a bad entry says why and the prompt stays.
keys M-g
wait_screen '^Go to line'
type 'x1'
keys Enter
wait_screen 'not a line number: x1'
for _ in 1 2; do keys BSpace; done
type '3:2'
keys Enter
wait_screen 's.txt +3:2 '

keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e search: ok"
