/* Soft wrap for the editor pane (EditorView with wrap on): the rows of a line and the
 * wrapped scrolling state; ui/editor_view.c draws them. A line longer than the text area
 * continues on the next screen rows; nothing scrolls horizontally.
 *
 * Rows: a row takes characters while they fit in the text width; a character is never split
 * (a tab, a wide character or an escape such as <U+202E> that does not fit moves whole to the
 * next row; one wider than the whole area sits alone on its row, clipped). Breaks fall at the
 * width, not at word boundaries: a row's layout then depends only on where it starts, which
 * is what lets the view find rows from any known row start. Tabs expand to multiples of the
 * tab width counted from the row's first column. A line whose last row is exactly full gets
 * one more, empty, row: the caret at the line's end, and a selection's line-break cell, sit
 * there.
 *
 * Scrolling: the top is a (line, row within the line) pair, with the byte where that row
 * starts cached; the view moves it minimally so that the caret's row is visible. Up/Down move
 * by logical lines (the buffer's commands), the view follows.
 *
 * Cost per frame is O(visible cells): rows are found from the cached top row forward, and the
 * caret's row through an index of row starts of the caret's line (EditorWrapIndex: every
 * EDITOR_WRAP_STRIDE-th row). After an edit, a resize or a new tab width the index and the
 * top's byte are found again: one walk of the caret's line up to the caret (and of the top
 * line up to the top row), once. Scrolling down past a line costs one walk of that line. */
#ifndef FLINT_UI_EDITOR_WRAP_H
#define FLINT_UI_EDITOR_WRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/text.h"

/* Start bytes of every EDITOR_WRAP_STRIDE-th row of one line (the caret's), found lazily, so
 * that finding the row of a byte far into a very long line walks at most a stride of rows
 * once the line has been walked once. */
#define EDITOR_WRAP_STRIDE 64
typedef struct EditorWrapIndex {
    bool valid;
    size_t line;
    size_t *start;   /* start[k]: first byte of row k * EDITOR_WRAP_STRIDE */
    size_t n, cap;
    bool complete;   /* the line's last row has been walked */
} EditorWrapIndex;

/* The wrapped view's top and caches. Zero-initialised is valid (the top of the text). */
typedef struct EditorWrap {
    size_t top;       /* the first line shown ... */
    size_t top_row;   /* ... its first row shown ... */
    size_t top_off;   /* ... and that row's first byte, when top_known */
    bool top_known;   /* top_off is valid for the buffer state and tw */
    int tw;           /* the text width top_off and the index were found for */
    EditorWrapIndex wi;
} EditorWrap;

void editor_wrap_free(EditorWrap *w);   /* the index; w itself is the caller's */
/* The text changed (or the tab width): top_off and the index are found again. */
void editor_wrap_forget(EditorWrap *w);

/* The row of a line that starts at byte start: returns its end (a character boundary);
 * *last when no row follows. tw >= 1 text columns, tabs from the row's first column. */
size_t editor_wrap_row_end(const char *s, size_t len, size_t start, int tw, int tabw,
                           bool *last);
/* Row-relative columns of s[from, to) (boundaries) from column col. */
int editor_wrap_cols(const char *s, size_t len, size_t from, size_t to, int col, int tabw);
/* Moves the top minimally so that the caret's row is among the `rows` rows shown; returns
 * the first byte of the caret's row. */
size_t editor_wrap_scroll(EditorWrap *w, const Text *t, TextPos cur, int rows, int tw,
                          int tabw);
/* The first byte of the top row, for a click (found again if the text changed). */
size_t editor_wrap_top_start(const EditorWrap *w, const Text *t, int tw, int tabw);

#endif
