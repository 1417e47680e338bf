/* Go to line: parses what the user types at the Alt-G prompt into a position in a Buffer.
 *
 *     120      line 120, column 1        120:5   line 120, display column 5
 *     +10 -10  ten lines below / above the cursor's line (a column may follow: +10:5)
 *
 * Lines and columns count from 1 as the status line shows them; columns are display columns
 * (tabs expanded, wide characters two), the status line's rule, mapped back to the byte of
 * the character covering that column. Out-of-range numbers clamp to the buffer (0 means 1,
 * a line past the end is the last line, a column past the end is the line's end); blanks
 * around the input and around ':' are allowed.
 *
 * Errors: tier 3 ("not a line number: abc"). Pure: nothing is changed. */
#ifndef FLINT_SESSION_GOTO_LINE_H
#define FLINT_SESSION_GOTO_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/text.h"
#include "session/buffer.h"

typedef struct GotoTarget {
    size_t line;     /* 0-based, clamped */
    bool has_col;
    size_t col;      /* 0-based display column, when has_col */
} GotoTarget;

/* Parses s[0..len) relative to cur_line (0-based) in a text of nlines lines. */
bool goto_parse(const char *s, size_t len, size_t cur_line, size_t nlines, GotoTarget *out,
                ErrorBuf *err);
/* The byte position for a parsed target in b (tab width and widths as b draws them). */
TextPos goto_resolve(const Buffer *b, GotoTarget target);
/* Both: the position to move the caret to. */
bool goto_line(const Buffer *b, const char *s, size_t len, TextPos *out, ErrorBuf *err);

#endif
