/* Buffer: the file being edited. Text + path + cursor + undo history + saved state.
 *
 * Editing happens at the cursor, as an editor user does it. Every edit is recorded for undo;
 * consecutive typed characters (and consecutive backspaces) form one undo step, broken by
 * cursor movement, a newline, or buffer_break_undo(). Undo/redo restore the cursor.
 *
 * Saving is atomic for an ordinary file: write a temp file in the same directory, fsync it,
 * keep the original's mode, rename over the original, fsync the directory. A file with
 * several hard links, another user's file, one whose group a new file could not keep, or one
 * in a directory we may not write is instead written in place after a copy of its old
 * contents goes to "$XDG_STATE_HOME/flint/backup/" (vim's backupcopy=auto): links, owner and
 * inode stay. A failed save leaves the buffer untouched and reports why (the original too,
 * except for an in-place write that failed part-way: the message names the backup). Saving
 * through a symlink writes the link's target (the link stays).
 *
 * Saving never silently replaces someone else's text. The buffer remembers the file's identity
 * (device, inode, size, mtime) at load and after each save; a save that finds the file
 * changed, deleted or newly created since then, or a save-as onto another existing file, is
 * refused once with a message ending "save again to overwrite". Saving again to the same path
 * while that file still looks as it did at the refusal overwrites it: the refusal itself is
 * the confirmation, so the caller needs no extra state or API. (If the file changes yet again
 * in between, the next save is refused again.) A load or a successful save forgets a pending
 * refusal. Limit: an outside write that keeps size and mtime (same timestamp tick) is missed.
 * The same rule covers a file this user may not write (for root: one with no write bit): the
 * first save is refused ("NAME is read-only (mode 0444); save again to write it anyway, or
 * save as another name"); saving again tries, which works where the OS allows it (root, or
 * the owner of a 0444 file: its mode is kept), and never changes another user's file's owner.
 *
 * Errors: tier 3 for file I/O (bool + ErrorBuf); the rest cannot fail. */
#ifndef FLINT_SESSION_BUFFER_H
#define FLINT_SESSION_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/recovery.h"

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
/* Needs a path. Refused once (see above) when the file changed on disk:
 * "NAME changed on disk since it was opened; save again to overwrite" (or "... since it was
 * last saved ...", or "NAME was deleted or moved on disk since it was opened; save again to
 * write it"); the next buffer_save overwrites. */
bool buffer_save(Buffer *b, ErrorBuf *err);
/* Writes to path and renames the buffer to it. Onto the buffer's own file (the same path, or
 * the same device and inode) it follows buffer_save's rule; onto any other existing regular
 * file it is refused once with "NAME exists; save again to overwrite", and a second
 * buffer_save_as to the same path overwrites. */
bool buffer_save_as(Buffer *b, const char *path, ErrorBuf *err);
/* The last buffer_save / buffer_save_as was refused to be confirmed by saving again (changed
 * on disk, exists, read-only), rather than failing. */
bool buffer_save_refused(const Buffer *b);
/* After a successful save that wrote in place: the backup copy of the old contents; else
 * NULL. */
const char *buffer_save_backup(const Buffer *b);
/* The buffer's file exists and this user may not write it (root: it has no write bit). A
 * stat and an access check per call. */
bool buffer_read_only(const Buffer *b);
/* True when the file at the path is no longer the one last loaded or saved: its device,
 * inode, size or mtime differ, it disappeared after having existed, or it appeared where
 * there was none. False for an unnamed buffer and when stat fails for another reason (the
 * save will report that). A stat per call: for a check on focus or before saving, not per
 * frame. */
bool buffer_changed_on_disk(const Buffer *b);
/* Writes the current contents to a new recovery file, never over the real file or an
 * earlier recovery: next to the file, else in the state directory, else in a private
 * temporary directory (session/recovery.h has the names and the rules). r says where the
 * text went, or that it could not be saved and why, in one line for the user.
 * Async-signal-safe (no malloc, no stdio): for crash handlers too. */
bool buffer_write_recovery(const Buffer *b, RecoveryReport *r);
/* Looks for a recovery file from an earlier run of this file (matched by its full path, not
 * its name) and puts its path in out. False when there is none, and for an unnamed buffer.
 * Not for crash paths. */
bool buffer_find_recovery(const Buffer *b, char *out, size_t out_size);

/* Swap files (session/swap.h): "STATE/flint/swap/NAME.HASH.swp" for this buffer's file
 * (matched by its full path, like recovery files). False for an unnamed buffer or without a
 * state directory. */
bool buffer_swap_path(const Buffer *b, char *out, size_t out_size);
/* The file as last loaded or saved: false when it did not exist (a new file: the first save
 * creates it); else its size and mtime (nanoseconds since the epoch). */
bool buffer_disk_stamp(const Buffer *b, long long *size, long long *mtime_ns);
/* Replaces the contents with data as a fresh, unmodified history (a diff shown in a buffer
 * of its own); the path stays. */
void buffer_load_text(Buffer *b, const char *data, size_t len);
/* The bytes loaded looked binary: NUL bytes, or more than 1 in 8 bytes of the first 8 KiB
 * not valid UTF-8 (a stray Latin-1 byte in a text file is not enough). */
bool buffer_binary(const Buffer *b);
bool buffer_looks_binary(const char *data, size_t len);

const char *buffer_path(const Buffer *b);   /* NULL when unnamed */
const char *buffer_name(const Buffer *b);   /* basename or "[new]" */
bool buffer_modified(const Buffer *b);      /* differs from the last save/load (undo-aware) */
const Text *buffer_text(const Buffer *b);
TextPos buffer_cursor(const Buffer *b);
void buffer_set_cursor(Buffer *b, TextPos pos);  /* clamped */
/* Display column of the cursor (tabs expanded, wide characters counted as 2). */
size_t buffer_cursor_display_col(const Buffer *b);
int buffer_tab_width(const Buffer *b);           /* default 4 */
/* From the settings (editor.tab_width, 1..16; other values are clamped). */
void buffer_set_tab_width(Buffer *b, int width);
/* editor.expand_tabs: buffer_tab inserts spaces up to the next tab stop instead of '\t'. */
void buffer_set_expand_tabs(Buffer *b, bool expand);
bool buffer_expand_tabs(const Buffer *b);
/* Changes whenever the text does (edit, undo, redo, load): a key for caches of the text. */
uint64_t buffer_version(const Buffer *b);

/* Typed text or a paste. One character coalesces with neighbouring typing; anything longer
 * is an undo step of its own. In a CRLF file a pasted "\r\n" becomes one line break. */
void buffer_insert(Buffer *b, const char *s, size_t len);
void buffer_newline(Buffer *b);  /* keeps the line's indentation (up to the cursor) */
/* Removes one code point (a raw byte counts as one), so "e" + U+0301 loses the accent
 * first; at column 0 it joins the line to the previous one. */
void buffer_backspace(Buffer *b);
/* The character under the cursor with its combining marks (what Right steps over); at the
 * end of a line it joins the next line. */
void buffer_delete(Buffer *b);
/* Inserts a '\t', or with expand_tabs the spaces to the next multiple of the tab width (by
 * display column: after "ab" with width 4, two spaces). Typing: it merges like a character. */
void buffer_tab(Buffer *b);
/* Replaces [from, to) (clamped, from <= to, may span lines) with s[0..len) as one undo step
 * of its own (or part of the open group), whatever the cursor's position; the cursor ends
 * after the inserted bytes. s is inserted as is ('\n' splits lines): search and replace. */
void buffer_replace(Buffer *b, TextPos from, TextPos to, const char *s, size_t len);
/* Left/Right step over whole characters (a base and its combining marks); Up/Down/Page keep
 * the display column of the first vertical move (at the first/last line they go to its
 * start/end); word moves stop at the start of runs of letters/digits/_ (any non-ASCII
 * letter counts) or of punctuation, crossing line ends. page_rows 0 counts as 1. */
void buffer_move(Buffer *b, BufferMove m, size_t page_rows);
bool buffer_undo(Buffer *b);   /* false when there is nothing to undo */
bool buffer_redo(Buffer *b);
void buffer_break_undo(Buffer *b);  /* end the current undo step */
/* Marks on the buffer's text (core/text.h): positions that move with every edit, undo and
 * redo included (a load moves them to (0, 0)). The caller owns the storage and removes the
 * mark before freeing it or the buffer: proposed hunks are anchored this way. */
void buffer_mark_add(Buffer *b, TextPos *mark);
void buffer_mark_remove(Buffer *b, TextPos *mark);
/* Group every edit until buffer_group_end into one undo step (a paste, an accepted hunk). */
void buffer_group_begin(Buffer *b);
void buffer_group_end(Buffer *b);

/* --- the selection and the edits on it or on whole lines (session/buffer_select.c) -------
 *
 * A selection is the anchor (a Text mark: it moves with edits) and the cursor, in either
 * order. Selecting moves (buffer_select_move, mouse drags) start it at the cursor; any plain
 * move, buffer_set_cursor, undo, redo and a load end it. Typing and pastes replace a
 * non-empty selection, Backspace/Delete delete it, Tab indents its lines: each one undo step.
 * "Its lines" are the lines it touches, minus a last line it only reaches at column 0 (a
 * selection of whole lines made with Shift-Down); with no selection, the cursor's line. */

/* True when a selection is active and not empty; *from <= *to then hold it (either may be
 * NULL). */
bool buffer_selection(const Buffer *b, TextPos *from, TextPos *to);
bool buffer_has_selection(const Buffer *b);
/* Selection active (possibly empty): where its anchor is. */
bool buffer_selection_anchor(const Buffer *b, TextPos *anchor);
/* Moves the cursor like buffer_move, extending the selection (starting it at the cursor). */
void buffer_select_move(Buffer *b, BufferMove m, size_t page_rows);
/* Selects from the anchor (the cursor when none is active) to pos: a mouse drag. */
void buffer_select_to(Buffer *b, TextPos pos);
void buffer_select_all(Buffer *b);
void buffer_clear_selection(Buffer *b);
/* Appends the selected bytes (lines joined with '\n') to out; false when none. */
bool buffer_copy_selection(const Buffer *b, StrBuf *out);
/* Deletes the selection as one undo step; false (nothing done) when there is none. */
bool buffer_cut_selection(Buffer *b);
/* Indent: a tab (spaces to the width with expand_tabs) at the start of each non-empty line.
 * Unindent: one tab, or up to tab width spaces, from the start of each line. One step. */
void buffer_indent(Buffer *b);
void buffer_unindent(Buffer *b);
/* Deletes from the cursor to where a word move would land (or the selection). One step. */
void buffer_delete_word_left(Buffer *b);
void buffer_delete_word_right(Buffer *b);
/* Moves the lines (of the selection) one line up (dir < 0) or down, swapping them with the
 * neighbouring line; the cursor and selection move with them. False at the top/bottom. */
bool buffer_move_lines(Buffer *b, int dir);
/* Copies the lines (of the selection) below themselves; the cursor and selection go with the
 * copy. One step. */
void buffer_duplicate_lines(Buffer *b);
/* With prefix "//": when every non-blank line starts (after its indentation) with the prefix,
 * removes it and one space after it; else adds "// " at the smallest indentation of the
 * non-blank lines. Blank lines are left alone. One step. */
void buffer_toggle_comment(Buffer *b, const char *prefix);

/* Save rules (editor settings, .editorconfig): trim_trailing_whitespace and
 * insert_final_newline. buffer_apply_save_rules applies them to the text as one undo step
 * (nothing when nothing changes), so the buffer shows exactly what the file will hold; the
 * app calls it right before saving. */
void buffer_set_save_rules(Buffer *b, bool trim_trailing_whitespace, bool insert_final_newline);
void buffer_apply_save_rules(Buffer *b);

/* The display column after drawing cp at column col: tabs go to the next multiple of
 * tab_width; everything else adds utf8_display_width(cp), the rule the grid draws with
 * (printable width, or the length of the escape: "^[", "<ff>", "<U+202E>"), so the caret and
 * sticky Up/Down columns always agree with what is on screen. cp comes from utf8_decode. */
size_t buffer_display_next_col(size_t col, uint32_t cp, int tab_width);

#endif
