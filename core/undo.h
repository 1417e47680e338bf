/* Undo: the edit history of one Text, as a linear list of steps (no branches: recording a
 * new edit after undoing drops the undone steps).
 *
 * A step is a list of changes (an insertion or a deletion of bytes at a position) plus the
 * cursor before and after it; undo reverts a step's changes in reverse order and restores the
 * cursor before, redo re-applies them and restores the cursor after. The caller makes each
 * edit on the Text itself and then records it here, with the bytes it inserted or deleted.
 *
 * Steps form like this: an edit recorded with UNDO_MERGE_* joins the open step when that step
 * was made by edits of the same kind and the new edit continues where the last one ended
 * (typing, backspacing, deleting forward); otherwise it starts a new step. undo_break()
 * closes the open step; everything between undo_group_begin() and the matching
 * undo_group_end() (nestable) is one step whatever its kinds.
 *
 * The savepoint marks the history position whose text equals the saved file, so undoing back
 * to it (or redoing forward to it) makes the text "not modified" again; dropping the steps it
 * lies in makes it unreachable until the next save.
 *
 * Ownership: the Undo owns copies of all recorded bytes; the Text is only borrowed by
 * undo_undo/undo_redo. Errors: tier 2 only; unbalanced group_end is a programmer error. */
#ifndef FLINT_CORE_UNDO_H
#define FLINT_CORE_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/text.h"

typedef struct Undo Undo;

typedef enum UndoMerge {
    UNDO_MERGE_NONE,      /* a step of its own (unless inside a group) */
    UNDO_MERGE_TYPING,    /* an insertion continuing right after the previous typed one */
    UNDO_MERGE_BACKSPACE, /* a deletion ending where the previous backspace began */
    UNDO_MERGE_DELETE,    /* a forward deletion at the same position as the previous one */
} UndoMerge;

Undo *undo_new(void);
void undo_free(Undo *u);  /* accepts NULL */
/* Forgets all history (a file was loaded); the current text becomes the savepoint. */
void undo_clear(Undo *u);

/* Record an edit already applied to the text: s[0..len) was inserted at `at`, or deleted
 * from `at` (s holds the deleted bytes, lines joined with '\n', as text_copy gives them). */
void undo_record_insert(Undo *u, TextPos at, const char *s, size_t len, TextPos cursor_before,
                        TextPos cursor_after, UndoMerge merge);
void undo_record_delete(Undo *u, TextPos at, const char *s, size_t len, TextPos cursor_before,
                        TextPos cursor_after, UndoMerge merge);

void undo_break(Undo *u);  /* the next edit starts a new step (ignored inside a group) */
void undo_group_begin(Undo *u);
void undo_group_end(Undo *u);

/* Revert / re-apply one step on t and set *cursor; false (t untouched) when there is none. */
bool undo_undo(Undo *u, Text *t, TextPos *cursor);
bool undo_redo(Undo *u, Text *t, TextPos *cursor);
bool undo_can_undo(const Undo *u);
bool undo_can_redo(const Undo *u);
size_t undo_step_count(const Undo *u);  /* steps that can be undone (for tests and status) */

void undo_set_savepoint(Undo *u);        /* the current text is what is on disk; closes the step */
bool undo_at_savepoint(const Undo *u);

#endif
