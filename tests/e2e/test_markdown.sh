#!/usr/bin/env bash
# Markdown in the answer pane (issue 10 item 7), against flint-backend's "markdown tour"
# answer, at 160x45 and 80x24: headings without their #, bullets and numbers, emphasis and
# code spans without their markup, the quote bar, the table aligned with box borders, the
# link's text with its url after it, a rule, the long code line wrapped between tokens with a
# continuation mark (never mid-identifier), then, after w in the focused pane, scrolling
# sideways (one row, the › mark, Right shows more); the diff block's lines. Copy-block and
# search still work on rendered rows (c copies the block without fences, Ctrl-F counts).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init markdown

backend_start
file=$E2E_DIR/m.txt
printf 'notes\n' >"$file"

run_size() {
  E2E_COLS=$1 E2E_ROWS=$2
  flint_stop
  flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
  wait_screen 'connected'
  keys C-k
  type 'markdown tour please'
  keys Enter
  wait_answer 'Tour over\.'
  wait_screen ' done *$'
}

pane() { screen | sed 's/^[^│]*│ //'; }
pane_has() { # REGEX: a row of the answer pane matches (fixed text, read from the screen)
  pane | grep -Eq -- "$1" || fail "no pane row matches: $1"
}
pane_lacks() {
  pane | grep -Eq -- "$1" && fail "a pane row matches: $1"
  return 0
}

# --- 160x45: everything fits ---------------------------------------------------------------
run_size 160 45
pane_has '^ ?Markdown tour *$'
pane_has '^ ?Some bold words, some italic ones and inline_code\(\) in one'
pane_lacks '\*\*bold|`inline_code'
pane_has '• first bullet'
pane_has '^ ?  ◦ nested bullet'
pane_has '^ ?1\. step one'
pane_has '│ A quoted line of wisdom\.'
pane_has '│ Name +│ Size │ Kind │'
pane_has '│ alpha +│    1 │ file │'
pane_has '│ beta_long_name │   22 │ dir  │'
pane_has '├─+┼─+┼─+┤'
pane_has 'See the docs \(https://example\.com/docs\) for more\.'
pane_has '^ ?─────'
pane_has '^ ?-old_line\(\);'
pane_has '^ ?\+new_line\(\);'
pane_has '^ ?↪'

# --- 80x24: prose wraps at words, code between tokens with the mark -------------------------
run_size 80 24
keys M-a
wait_screen '▶'
# At 80 columns the panes are stacked (editor above the answer): Alt-F zooms the focused
# answer pane to the whole screen, still 80 columns wide, so the rows checked below show.
keys M-f
wait_gone '^ *1 notes'
keys Home
wait_screen 'Markdown tour'
# the sentence wraps at spaces: each of its words is whole on some row, whatever the width
for w in 'inline_code\(\)' sentence enough boundary narrow; do pane_has "(^| )$w( |\.|$)"; done
pane_lacks '\*\*|`'
# the code line: every continuation row starts with the mark, and no identifier is cut
keys End
wait_screen '↪'
pane | grep -E '↪' | grep -Eq '↪ ?[a-z_]*[a-z]_$' && fail "a code row ends mid-identifier"
pane | grep -Eq 'compute_the_total\(' || fail "the function name is not whole on a row"
# w: the code line scrolls sideways instead: one row with the › mark, Right shows more
keys w
wait_screen 'Long code lines scroll sideways'
wait_gone '↪'
wait_screen '›$'
keys Right Right Right Right Right Right Right Right Right Right
wait_screen '‹'
keys w
wait_screen '↪'
# search still lands on rendered rows: two matches of "bullet"
keys C-f
type 'bullet'
wait_screen '1/3|[0-9]+/3'
keys Escape
flint_stop
echo "PASS"
