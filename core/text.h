/* Text: the bytes of one file as an array of lines, behind an opaque type.
 *
 * A line holds its bytes without the line terminator. Positions are (line, byte column).
 * Bytes are opaque: invalid UTF-8, NULs and lone '\r' are kept exactly, so a file that is
 * loaded and saved unchanged is byte-for-byte identical. On load, the file's line ending
 * style (LF or CRLF, only when *every* line ends in CRLF) and whether the last line has a
 * terminator are remembered and reproduced by text_serialize().
 *
 * An empty text (one empty line) made by text_new() or loaded from an empty file serializes
 * to zero bytes, and gets its final newline back as soon as it holds anything; an empty line
 * loaded from a file holding just a terminator serializes to that terminator.
 *
 * Marks: a caller may register TextPos objects that move with edits (an insertion before a
 * mark shifts it, and so does an insertion exactly at the mark: the mark stays in front of
 * the same byte; a deletion spanning it collapses it to the deletion point). The caller owns
 * the TextPos storage and must unregister it before freeing it.
 *
 * Errors: tier 2 only (allocation aborts); positions out of range are programmer errors. */
#ifndef FLINT_CORE_TEXT_H
#define FLINT_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

typedef struct TextPos {
    size_t line;
    size_t col; /* byte offset within the line, 0..line_len */
} TextPos;

typedef struct Text Text;

Text *text_new(void);                    /* one empty line, LF, final newline on */
void text_free(Text *t);                 /* accepts NULL */
/* Replaces everything (file load) and moves every mark to (0, 0). */
void text_set(Text *t, const char *data, size_t len);
void text_serialize(const Text *t, StrBuf *out);      /* the file's bytes, as it would be saved */
/* The same bytes handed to sink piece by piece (line contents and terminators), in order,
 * without allocating: for saving large files without a second copy and for writing a
 * recovery file from a fatal-error path. Stops and returns false as soon as sink does. */
typedef bool (*TextSink)(void *ud, const char *bytes, size_t len);
bool text_serialize_to(const Text *t, TextSink sink, void *ud);
/* Writes those bytes to fd, batching small pieces in the caller's buf[0..cap) (cap > 0). No
 * allocation and no stdio, only write(2): a crash handler may call it. Returns 0, or the errno
 * of the failed write (a write that makes no progress counts as ENOSPC), so a short write is
 * never mistaken for success. */
int text_write_fd(const Text *t, int fd, char *buf, size_t cap);

size_t text_line_count(const Text *t);   /* always >= 1 */
/* The line's bytes (len may be NULL); followed by a NUL, though the line may hold NULs too.
 * Valid until the next edit. */
const char *text_line(const Text *t, size_t line, size_t *len);
size_t text_line_len(const Text *t, size_t line);
size_t text_byte_count(const Text *t);   /* bytes text_serialize would produce */

/* Inserts len bytes at pos ('\n' in s splits lines); returns the position after the insertion.
 * s must not point into t itself (copy a line first: an edit may move it). */
TextPos text_insert(Text *t, TextPos pos, const char *s, size_t len);
/* Deletes [from, to) (from <= to, may span lines). */
void text_delete(Text *t, TextPos from, TextPos to);
/* Appends the bytes of [from, to) to out, lines joined with '\n'. */
void text_copy(const Text *t, TextPos from, TextPos to, StrBuf *out);

bool text_crlf(const Text *t);
bool text_final_newline(const Text *t);

int text_pos_cmp(TextPos a, TextPos b);
/* Clamp pos into the text (line to the last line, col to the line length). */
TextPos text_clamp(const Text *t, TextPos pos);

/* The edit journal, for caches of per-line facts (the highlighter's line states). Every
 * text_insert / text_delete / text_set counts as one edit; the last TEXT_JOURNAL are kept.
 * An edit at `line` with `delta` leaves lines before `line` and the start of `line` as they
 * were, and moves the lines after it by delta (lines added, negative: removed). reset: a
 * text_set (nothing of the old text is known to survive). A no-op edit may be recorded. */
#define TEXT_JOURNAL 64
typedef struct TextEdit {
    size_t line;
    long delta;
    bool reset;
} TextEdit;
uint64_t text_edit_count(const Text *t);
/* Edit number n (1 = the first); false when n is 0, not made yet, or fell out of the
 * journal (then the caller starts over). */
bool text_edit_at(const Text *t, uint64_t n, TextEdit *out);

void text_mark_add(Text *t, TextPos *mark);
void text_mark_remove(Text *t, TextPos *mark);

#endif
