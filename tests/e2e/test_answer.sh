#!/usr/bin/env bash
# Using the answer (issue 8 item 10) as a user does, against flint-backend's scripted
# linked-list answer (two ```c blocks): Alt-A focuses the answer pane (its title is marked);
# Home, then Down row by row: the view stays until the caret passes the pane's last row, then
# scrolls by one row; Ctrl-F searches the answer incrementally (count in the label), Enter
# keeps the caret on the match; c copies the code block under the caret, Esc, and Ctrl-V
# pastes it into the editor: the saved file has the block without its fences; i inserts the
# other block at the editor's caret, saved, and one Ctrl-Z takes the whole insert back; a
# click on a row of a block focuses the pane with the caret there; Alt-E
# exports the conversation through a prompt prefilled with flint-conversation-*.md: the file
# has the question as a heading and quote and the answer verbatim; a directory that cannot be
# written says so. Every wait names the text the step needs; the one poll of tmux's buffer
# waits for the OSC 52 copy to arrive there.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init answer

backend_start
file=$E2E_DIR/a.c
printf '// notes\n\n' >"$file"

# tmux with set-clipboard on before flint starts: copies reach tmux's buffer by OSC 52.
$E2E_TMUX new-session -d -s hold -x 80 -y 24 'sleep 600'
$E2E_TMUX set -g set-clipboard on
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'
wait_file 'clipboard: .*route=2' "$FLINT_LOG_FILE" # CLIP_TMUX_PLAIN

keys C-k
type 'reverse a linked list'
keys Enter
wait_answer 'long lists\.'
wait_screen ' done *$'

# The pane's first text row (screen row 2), right of the divider.
pane_top() { screen | sed -n 2p | sed 's/^.*│ //'; }
wait_pane_top() {
  local re=$1 i
  for ((i = 0; i < 200; i++)); do
    pane_top | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  fail "the answer pane's top row never matched /$re/ (it is '$(pane_top)')"
}

# Focus: the title gets its marker, the status line says what the keys are.
keys M-a
wait_screen 'Answer pane: arrows move'
wait_screen '│▶'

# Home: the conversation's first row at the top. The pane shows 37 rows (one more is the
# "more" line): 36 Downs move the caret to its last row without scrolling, the 37th scrolls
# by exactly one row.
keys Home
wait_pane_top '^› reverse a linked list'
for _ in $(seq 36); do keys Down; done
wait_screen '↓ [0-9]+ more'
keys C-l
wait_pane_top '^› reverse a linked list'
keys Down
wait_pane_top '^Here is an iterative version'
keys Up
keys C-l
wait_pane_top '^Here is an iterative version'

# Search: incremental, with the count; Enter keeps the caret there.
keys C-f
wait_screen '^Search answer: *$'
type 'assert(a.ne'
wait_screen '^Search answer 1/1: assert\(a\.ne'
keys Enter
wait_screen 'Match 1/1'

# Copy the block under the caret (the test's main), paste it at the end of the file (the
# file's last line is empty: the paste goes there).
keys c
wait_screen 'Copied the code block: 239 bytes'
for _ in $(seq 100); do # tmux's buffer: the block, fences stripped (OSC 52 end to end)
  [ "$($E2E_TMUX show-buffer 2>/dev/null | head -n 1)" = '#include <assert.h>' ] && break
  sleep 0.05
done
[ "$($E2E_TMUX show-buffer | head -n 1)" = '#include <assert.h>' ] || fail "tmux's buffer: $($E2E_TMUX show-buffer | head -n 3)"
keys Escape
wait_screen '│ gpt-' # the title's focus marker is gone: the editor has the keys
keys C-End C-v C-s
wait_screen 'Saved'
cat >"$E2E_DIR/want1" <<'WANT'
// notes
#include <assert.h>

int main(void)
{
    struct node c = {3, NULL}, b = {2, &c}, a = {1, &b};
    struct node *r = list_reverse(&a);
    assert(r == &c && r->next == &b && r->next->next == &a);
    assert(a.next == NULL);
    return 0;
}

WANT
cmp -s "$file" "$E2E_DIR/want1" || { diff "$E2E_DIR/want1" "$file"; fail "the pasted block differs"; }

# Insert the other block at the editor's caret (line 2), as one undo step.
keys C-Home Down
wait_screen 'a\.c +2:1'
keys F6
wait_screen 'Answer pane: arrows move'
keys C-f
type 'list_reverse(struct'
wait_screen '^Search answer 1/1: list_reverse'
keys Enter
wait_screen 'Match 1/1'
keys i
wait_screen 'Inserted the code block \(463 bytes'
keys C-s
wait_screen 'Saved'
[ "$(sed -n 2p "$file")" = '#include <stddef.h>' ] || fail "line 2 is '$(sed -n 2p "$file")'"
[ "$(sed -n 20p "$file")" = '}' ] && [ "$(sed -n 21p "$file")" = '#include <assert.h>' ] ||
  fail "the inserted block is not lines 2-20"
grep -q '```' "$file" && fail "a fence reached the file"
keys C-z
wait_screen 'a\.c \[\+\]'
keys C-s
wait_screen 'Saved'
cmp -s "$file" "$E2E_DIR/want1" || { diff "$E2E_DIR/want1" "$file"; fail "one undo did not take the insert back"; }

# A click on a row of the first block (found on the screen) focuses the pane with its caret
# there: c copies that block.
keys F6
wait_screen 'Answer pane: arrows move'
keys Home
wait_pane_top '^› reverse a linked list'
keys Escape
wait_screen '│ gpt-'
row=$(screen | grep -n '│ struct node {$' | head -n 1 | cut -d: -f1)
[ -n "$row" ] || fail "no 'struct node {' row on the screen"
keys -H $(printf '\033[<0;90;%dM\033[<0;90;%dm' "$row" "$row" | od -An -tx1)
wait_screen '│▶'
keys c
wait_screen 'Copied the code block: 463 bytes'
keys Escape
wait_screen '│ gpt-'

# Export: the prompt is prefilled with a dated name; typed over with our own path.
keys M-e
wait_screen '^Export to: flint-conversation-[0-9]{8}-[0-9]{4}\.md'
for _ in $(seq 40); do keys BSpace; done
wait_screen '^Export to: *$'
type "$E2E_DIR/conv.md"
keys Enter
wait_screen 'Exported the conversation'
out=$E2E_DIR/conv.md
grep -q '^## 1\. reverse a linked list$' "$out" || fail "no heading for the question"
grep -q '^> reverse a linked list$' "$out" || fail "the question is not quoted"
grep -q '^```c$' "$out" || fail "the answer's fences are not there verbatim"
grep -qF 'If you prefer recursion, `rest = list_reverse(head->next); head->next->next = head;' "$out" ||
  fail "the answer's text is not verbatim"

# A directory that cannot be written: root writes anywhere but /sys.
if [ "$(id -u)" = 0 ]; then ro=/sys; else ro=$E2E_DIR/ro; mkdir "$ro"; chmod 555 "$ro"; fi
keys M-e
wait_screen '^Export to: flint-conversation'
for _ in $(seq 40); do keys BSpace; done
wait_screen '^Export to: *$'
type "$ro/conv.md"
keys Enter
wait_screen 'Not exported: cannot write'
wait_file 'message: Not exported: cannot write .*: Permission denied \(is the directory read-only\?\)' "$FLINT_LOG_FILE"
[ -e "$ro/conv.md" ] && fail "a file appeared in the read-only directory"

keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e answer: ok"
