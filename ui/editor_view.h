/* EditorView: the editor pane. A title row ("name [+]"), a gutter of line numbers (the
 * cursor's line in STYLE_GUTTER_CURRENT), and the buffer's text with tabs expanded, scrolled
 * vertically and horizontally just enough to keep the caret visible. The caret's column is
 * buffer_cursor_display_col, the same rule that draws (grid_text_width).
 *
 * Cost per frame is O(visible rows x visible bytes), whatever the file's length and however
 * long its lines: the view caches, keyed by the Buffer, buffer_version and the tab width,
 * the caret's display column (per caret position) and, for each visible line, the byte where
 * it reaches the first visible column `left`. A caret move or a scroll to the right walks
 * only the bytes it passes; an edit, or scrolling back left, costs one walk of the lines
 * concerned, once, not every frame. (A run of combining marks is skipped at memory speed:
 * see ui/grid.c.) A view shows one Buffer at a time; another one simply resets the caches.
 * With soft wrap on (editor_view_set_wrap) the text rows are drawn by ui/editor_wrap.c:
 * no horizontal scrolling, the top is a (line, row) pair; its cost rules are there. */
#ifndef FLINT_UI_EDITOR_VIEW_H
#define FLINT_UI_EDITOR_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/buffer.h"
#include "ui/editor_wrap.h"
#include "ui/grid.h"
#include "ui/layout.h"

#define EDITOR_VIEW_HSLOTS 256 /* visible lines whose `left` offset is remembered (by line % N) */
#define EDITOR_VIEW_MAX_DECOR 8 /* decoration layers */
#define EDITOR_SPAN_EOL ((size_t)-1) /* as a span's end: through the end of the line, plus one
                                       * cell for the line break (a selection across lines) */

/* Decorations: styled byte ranges of a visible line, drawn over its text: syntax colours,
 * search matches, the selection, the model's proposed edits. A layer's fill function adds
 * spans for one line (start < end, byte offsets into the line, on character boundaries);
 * layers apply in the order they were added, so a later layer wins where spans overlap. A
 * layer with keep_control leaves escaped control characters (STYLE_CONTROL) as they are
 * (syntax colours); one without restyles every cell (a selection covers them too). Fill
 * functions are called only for visible lines, during editor_view_draw: they must not change
 * the Buffer. Cost: O(visible bytes) per layer and line. */
typedef struct EditorSpan {
    size_t start, end;
    uint16_t style;
} EditorSpan;

typedef struct EditorSpans {
    EditorSpan *v;
    size_t n, cap;
} EditorSpans;

void editor_spans_add(EditorSpans *sp, size_t start, size_t end, uint16_t style);

typedef void (*EditorDecorFn)(void *ud, const Buffer *b, size_t line, const char *s,
                              size_t len, EditorSpans *out);

typedef struct EditorDecor {
    EditorDecorFn fn;
    void *ud;
    bool keep_control;
} EditorDecor;

/* Virtual lines: rows drawn between the buffer's lines that are not in the buffer (the lines
 * a proposed hunk would add, a note about a hunk). The provider says, for buffer line `line`
 * (0 .. the line count; the count itself means "after the last line"), how many virtual rows
 * go above it, and fills the first min(that, cap) of them into out[]; their text must stay
 * valid until the draw returns. A virtual row is one screen row (cut at the pane's width,
 * scrolled horizontally with the text), styled whole; the caret never enters one, and a
 * click on one lands on the start of the buffer line below it. Without wrap, scrolling
 * counts them so the caret stays visible; with soft wrap they are drawn but the row
 * arithmetic of ui/editor_wrap.c does not count them (a caret pushed past the last row by
 * them is not shown). Cost: one provider call per visible line (plus, without wrap, one per
 * line between the top and the caret when scrolling). */
typedef struct EditorVirtLine {
    const char *s;
    size_t len;
    uint16_t style;  /* the whole row */
    char sign;       /* drawn in the gutter's last digit column ('+', '!'), or 0 */
} EditorVirtLine;

typedef size_t (*EditorVirtFn)(void *ud, const Buffer *b, size_t line, EditorVirtLine *out,
                               size_t cap);

/* Where a line reaches display column `col` (col <= the `left` it was found for): `off` is
 * the first byte of the character that ends past `left`, or the line's end. */
typedef struct EditorHScroll {
    size_t line;
    size_t off;
    int col;
} EditorHScroll;

typedef struct EditorView {
    size_t top;  /* first text line shown */
    int left;    /* first display column shown (0 while wrapping) */
    bool wrap;   /* soft wrap: long lines continue on the next rows */
    EditorWrap wrapst; /* wrapping: the top row and the row index */

    /* caches, valid for (key_buf, key_version, key_tabw) */
    const Buffer *key_buf;
    uint64_t key_version;
    int key_tabw;
    bool caret_known;
    TextPos caret;         /* the byte position ... */
    int caret_col;         /* ... and its display column */
    EditorHScroll hs[EDITOR_VIEW_HSLOTS]; /* all-zero entries are valid: (0, 0) */

    EditorDecor decor[EDITOR_VIEW_MAX_DECOR];
    size_t n_decor;
    EditorSpans spans;     /* scratch for one line's spans, reused */
    EditorVirtFn virt;     /* virtual lines, or NULL */
    void *virt_ud;
    EditorVirtLine *virt_rows; /* scratch: one line's virtual rows */
    size_t vskip;          /* virtual rows above the top line not shown (last draw) */
    size_t virt_cap;
    void *rows_scratch;    /* wrapping: one frame's visible rows (editor_wrap.c) */
    size_t rows_cap;
} EditorView;

void editor_view_init(EditorView *v);
void editor_view_free(EditorView *v);  /* the span scratch; the view itself is the caller's */
/* Adds a decoration layer on top of the others (see EditorDecor). At most
 * EDITOR_VIEW_MAX_DECOR layers (a programming error past that). */
void editor_view_add_decor(EditorView *v, EditorDecorFn fn, void *ud, bool keep_control);
/* The virtual lines' provider (NULL: none). One per view. */
void editor_view_set_virtual(EditorView *v, EditorVirtFn fn, void *ud);
/* Scrolls so that buffer line `line` shows near the top (a few lines of context above it):
 * the review of proposed hunks moves there. The caret must be in the range shown, as the
 * next draw keeps it visible. */
void editor_view_show_line(EditorView *v, size_t line, size_t rows_above);
/* Soft wrap on or off (starts off). On: no horizontal scrolling; a line longer than the text
 * area continues on the next rows; the view scrolls by rows. See ui/editor_wrap.h. */
void editor_view_set_wrap(EditorView *v, bool on);
/* Draws the pane into r (title row included) and, when place_cursor, puts the grid cursor at
 * the caret. Adjusts v->top / v->left first so that the caret is visible. */
void editor_view_draw(EditorView *v, Grid *g, Rect r, const Buffer *b, bool place_cursor);
/* The text position under cell (x, y) of the pane r as last drawn (v->top, v->left): a
 * click. The title row counts as the first text row, the gutter as column 0, a row past the
 * text as the end of the text. False when (x, y) is outside r. */
bool editor_view_pos_at(const EditorView *v, const Buffer *b, Rect r, int x, int y,
                        TextPos *out);
/* The caret's display column (0-based, tabs expanded) from the view's cache: O(1) after a
 * draw of the same buffer state, for the status line. */
int editor_view_caret_col(EditorView *v, const Buffer *b);
/* Text rows in a pane of this size (the title row excluded; a one-row pane has no title). */
size_t editor_view_text_rows(Rect r);

/* Draws s[0, len) into columns [x, x + w) of row y as if it started `left` columns to the
 * left of x (horizontal scrolling): characters cut by the left edge show as their visible
 * part (spaces for a wide character or a tab, the tail of an escape such as "+202E>").
 * Tabs expand to multiples of tab_width counted from the text's column 0 (0: shown as ^I).
 * Walks the `left` columns before the edge: O(left) (the editor uses its cache instead). */
void view_put_hscrolled(Grid *g, int x, int y, int w, const char *s, size_t len, int left,
                        uint16_t style, uint16_t ctrl_style, int tab_width);

#endif
