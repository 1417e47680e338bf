#!/usr/bin/env bash
# Reviewing the model's proposed edits (issue 8 items 1-3 and 9) as a user meets them, against
# flint-backend's demo patches for the demo file: ask, the hunks stream in and show inline
# (added lines as virtual lines), the status line counts them; Ctrl-R, y accepts the first, n
# rejects the second; the saved file is byte for byte the expected one; Ctrl-Z undoes the
# accepted hunk in one step (saved: the original again). Then a stale hunk: the user edits a
# hunk's region before the review, the hunk is shown stale with the reason and never applied,
# the other one is. Every wait is on the screen text the step needs.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init hunks

backend_start
orig="$(dirname "$0")/../data/demo/hello.c"
file=$E2E_DIR/hello.c
cp "$orig" "$file"

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'

# The TODO patch: two hunks (two helpers after print_list; main calls them).
keys C-k
type 'please finish the todo'
keys Enter
wait_screen '2 hunks pending \(Ctrl-R review\)'
wait_screen '^ +\+ static struct node \*reverse\(struct node \*head\)' # an added line, inline
# Hunks show while the answer streams; the keys below are the editor's once the turn has
# ended and the ask prompt (open while it streams, for steering) has closed.
wait_count 'turn: end' "$FLINT_LOG_FILE" 1
wait_gone '^Steer'

keys C-r
wait_screen 'Hunk 1/2: y accept'
wait_screen '^ +> @@ hunk 1/2: y accept, n reject' # the row above the hunk under review
keys y
wait_screen 'Hunk 1/1: y accept'
wait_screen '^ *[0-9]+ +/\* TODO: reverse the list' # the second hunk's removed line, still there
wait_screen '^ +\+     free_list\(list\);'       # and its added lines
keys n
wait_screen 'Accepted 1, rejected 1, stale 0'
keys C-s
wait_screen 'Saved'
expected=$E2E_DIR/expected.c
{
    head -n 27 "$orig"
    cat <<'C'

/* Reverses the list in place; returns the new head. */
static struct node *reverse(struct node *head)
{
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static void free_list(struct node *head)
{
    while (head) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
}
C
    tail -n +28 "$orig"
} >"$expected"
cmp "$expected" "$file" || fail "the accepted hunk did not give the expected file: $(diff "$expected" "$file")"

# One undo takes the whole hunk back.
keys C-z
wait_screen 'hello.c \[\+\] +28:1 ' # the caret where the hunk began
wait_screen '^ *29 int main'
keys C-s
wait_screen 'Saved'
cmp "$orig" "$file" || fail "undo did not restore the file: $(diff "$orig" "$file")"

# A stale hunk: the comments patch, then the user edits the first hunk's region (push's line).
keys C-k
type 'add a comment to each function'
keys Enter
wait_screen '2 hunks pending \(Ctrl-R review\)'
wait_count 'turn: end' "$FLINT_LOG_FILE" 2
wait_gone '^Steer'
keys M-g
wait_screen '^Go to line'
type '11'
keys Enter
wait_screen 'hello.c +11:1 '
keys End
type ' /* mine */'
wait_screen '1 hunk pending \(Ctrl-R review\)'
keys Up # to the stale region's first line: its note is drawn above it
wait_screen 'hello.c \[\+\] +10:'
wait_screen '! hunk 3 is stale: .*hello.c changed'
keys C-r
wait_screen 'Hunk 1/1: y accept'
keys y
wait_screen 'Accepted 1, rejected 0, stale 1'
keys C-s
wait_screen 'Saved'
{
    head -n 10 "$orig"
    sed -n 11p "$orig" | sed 's|$| /* mine */|'
    sed -n 12,22p "$orig"
    echo '/* Prints the values in order, separated by arrows. */'
    tail -n +23 "$orig"
} >"$expected"
cmp "$expected" "$file" || fail "stale hunk handling gave: $(diff "$expected" "$file")"

keys C-q
wait_exit
