#!/usr/bin/env bash
# The layout as a user meets it: at 80x24 the panes are stacked (the answer below a row of
# "─", 80 columns wide); a resize to 120x40 puts them side by side and back; Alt-> / Alt-<
# move the divider; Alt-F zooms the focused pane to the whole screen and back (the answer's
# when it has the focus); Alt-S swaps the sides; Alt-L side by side at 80 columns; Alt-=
# resets; a mouse drag on the divider moves it.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init panes
backend_start --rate 0
E2E_COLS=80
E2E_ROWS=24

file=$E2E_DIR/hello.c
printf 'int main(void)\n{\n    return 0; /* done */\n}\n' >"$file"

divider_col() { screen | sed -n 2p | awk -F'│' 'NF > 1 { print length($1) }'; }
row_of() { screen | grep -n -- "$1" | head -1 | cut -d: -f1; }

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen ' 1 int main\(void\)'
keys C-k
type 'echo: stacked answer here'
keys Enter
wait_answer 'stacked answer here'
wait_screen '^(─){80}$'
[ "$(row_of '^ hello\.c')" -lt "$(row_of '^ gpt-5')" ] || fail "the editor is not above the answer"

# resize: side by side from 100 columns, stacked again below
$E2E_TMUX resize-window -t e2e -x 120 -y 40
wait_screen '^ hello\.c +│.gpt-5'
wait_answer 'stacked answer here'
col=$(divider_col)
[ "$col" -ge 60 ] && [ "$col" -le 70 ] || fail "divider at column $col at 120 columns"
keys 'M->'
wait_screen "^.{$((col + 5)),$((col + 7))}│" # 5% of 119 columns
keys 'M-<' 'M-<'
wait_screen "^.{$((col - 7)),$((col - 5))}│"
keys M-=
wait_screen "^.{$col}│"
# a mouse drag on the divider (SGR reports, 1-based): press on it, drag to column 40, release
type $'\e[<0;'"$((col + 1))"$';5M'
type $'\e[<32;40;5M'
type $'\e[<0;40;5m'
wait_screen '^.{38,40}│'
keys M-=
wait_screen "^.{$col}│"

# swap: the answer on the left
keys M-s
wait_screen '^ gpt-5.* +│ hello\.c'
keys M-s
wait_screen '^ hello\.c +│.gpt-5'

# zoom: the editor full screen, then the answer's when it has the focus, then back
keys M-f
wait_gone '│'
wait_gone 'gpt-5.3-codex-spark +done'
keys M-a
wait_screen 'stacked answer here'
wait_gone ' 1 int main'
keys M-f
wait_screen '^ hello\.c +│.gpt-5'
keys Escape

$E2E_TMUX resize-window -t e2e -x 80 -y 24
wait_screen '^(─){80}$'
wait_gone '│'
# Alt-L: side by side at 80 columns, then stacked again
keys M-l
wait_screen 'panes side by side'
wait_screen '^ hello\.c +│.gpt-5'
keys M-l
wait_screen 'panes stacked'
wait_screen '^(─){80}$'
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e panes: ok"
