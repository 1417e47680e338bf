/* Buffer: the file being edited. Text + path + cursor + undo history + saved state.
 *
 * Editing happens at the cursor, as an editor user does it. Every edit is recorded for undo;
 * consecutive typed characters (and consecutive backspaces) form one undo step, broken by
 * cursor movement, a newline, or buffer_break_undo(). Undo/redo restore the cursor.
 *
 * Saving is atomic: write a temp file in the same directory, fsync it, keep the original's
 * mode, rename over the original, fsync the directory. A failed save leaves the original and
 * the buffer untouched and reports why.
 *
 * Errors: tier 3 for file I/O (bool + ErrorBuf); the rest cannot fail. */
#ifndef FLINT_SESSION_BUFFER_H
#define FLINT_SESSION_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/text.h"

typedef struct Buffer Buffer;

typedef enum BufferMove {
    BUFFER_LEFT,
    BUFFER_RIGHT,
    BUFFER_UP,
    BUFFER_DOWN,
    BUFFER_HOME,       /* first non-blank, then column 0 on the second press */
    BUFFER_END,
    BUFFER_PAGE_UP,
    BUFFER_PAGE_DOWN,
    BUFFER_WORD_LEFT,
    BUFFER_WORD_RIGHT,
    BUFFER_TOP,
    BUFFER_BOTTOM,
} BufferMove;

Buffer *buffer_new(void);        /* an unnamed empty buffer */
void buffer_free(Buffer *b);     /* accepts NULL */
/* Loads path. A file that does not exist yet is not an error: the buffer is empty, named
 * path, and the first save creates it. Directories and unreadable files are errors. */
bool buffer_open(Buffer *b, const char *path, ErrorBuf *err);
bool buffer_save(Buffer *b, ErrorBuf *err);              /* needs a path */
bool buffer_save_as(Buffer *b, const char *path, ErrorBuf *err);
/* Writes the current contents (not atomically needed, but never over the real file) to a
 * recovery file: ".NAME.flint-recovery" next to the file when that directory is writable,
 * else "$XDG_STATE_HOME/flint/recovery/NAME.PID" (default ~/.local/state). Puts the path
 * written in out. Uses only open/write/close so it may be called from a fatal-error path. */
bool buffer_write_recovery(const Buffer *b, char *out, size_t out_size, ErrorBuf *err);

const char *buffer_path(const Buffer *b);   /* NULL when unnamed */
const char *buffer_name(const Buffer *b);   /* basename or "[new]" */
bool buffer_modified(const Buffer *b);      /* differs from the last save/load (undo-aware) */
const Text *buffer_text(const Buffer *b);
TextPos buffer_cursor(const Buffer *b);
void buffer_set_cursor(Buffer *b, TextPos pos);  /* clamped */
/* Display column of the cursor (tabs expanded, wide characters counted as 2). */
size_t buffer_cursor_display_col(const Buffer *b);
int buffer_tab_width(const Buffer *b);           /* default 4 */

void buffer_insert(Buffer *b, const char *s, size_t len);  /* typed text or a paste */
void buffer_newline(Buffer *b);                            /* keeps the line's indentation */
void buffer_backspace(Buffer *b);
void buffer_delete(Buffer *b);                             /* the character under the cursor */
void buffer_tab(Buffer *b);                                /* inserts a '\t' */
void buffer_move(Buffer *b, BufferMove m, size_t page_rows);
bool buffer_undo(Buffer *b);   /* false when there is nothing to undo */
bool buffer_redo(Buffer *b);
void buffer_break_undo(Buffer *b);  /* end the current undo step */
/* Group every edit until buffer_group_end into one undo step (a paste, an accepted hunk). */
void buffer_group_begin(Buffer *b);
void buffer_group_end(Buffer *b);

#endif
