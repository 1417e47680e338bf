/* Hunk locator: where a proposed hunk's old lines (kept and removed) sit in a Text, found by
 * their content, never by line numbers alone (the way `patch` places a hunk):
 *
 *   1. every exact match of the old lines; then
 *   2. matches ignoring whitespace differences (tabs vs spaces, trailing blanks); then
 *   3. fuzz 1 and 2: the same with up to that many outer kept (context) lines dropped at
 *      each end (only context lines before the first and after the last change).
 *
 * Among several matches at one level, the hint decides: the first match at or after `floor`
 * (the end of the previous hunk for this file, or the line after an apply_patch "@@ anchor"),
 * nearest to `hint` (the "@@ -a" line) when there is one; a match before `floor` is taken
 * only when there is none after it. Pure: reads the Text, changes nothing.
 *
 * Errors: none; "not found" is a result. */
#ifndef FLINT_SESSION_HUNK_LOCATE_H
#define FLINT_SESSION_HUNK_LOCATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/text.h"
#include "session/hunk_parse.h"

#define HUNK_MAX_FUZZ 2
#define HUNK_NO_HINT ((size_t)-1)

typedef struct HunkPlace {
    size_t line;      /* first buffer line of the (trimmed) old lines */
    size_t skip_head; /* lines[] entries dropped at the start by fuzz ... */
    size_t skip_tail; /* ... and at the end */
    bool loose;       /* matched ignoring whitespace */
} HunkPlace;

/* lines[0, n): a hunk's lines. False when it has no old lines or they are not found. */
bool hunk_locate(const Text *t, const HunkLine *lines, size_t n, const char *anchor,
                 size_t hint, size_t floor, HunkPlace *out);
/* The old lines of lines[0, n) match the Text from `line` on (loose: ignoring whitespace). */
bool hunk_matches_at(const Text *t, size_t line, const HunkLine *lines, size_t n, bool loose);
/* a and b are equal ignoring all blanks (spaces, tabs, '\r', '\f', '\v'). */
bool hunk_line_loose_eq(const char *a, size_t alen, const char *b, size_t blen);

#endif
