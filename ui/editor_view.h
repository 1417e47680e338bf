/* EditorView: the editor pane. A title row ("name [+]"), a gutter of line numbers (the
 * cursor's line in STYLE_GUTTER_CURRENT), and the buffer's text with tabs expanded, scrolled
 * vertically and horizontally just enough to keep the caret visible. The view keeps only its
 * scroll offsets; the caret's column comes from grid_text_width, the same rule that draws.
 * Cost per frame is O(visible rows x visible bytes), whatever the file's length. */
#ifndef FLINT_UI_EDITOR_VIEW_H
#define FLINT_UI_EDITOR_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "session/buffer.h"
#include "ui/grid.h"
#include "ui/layout.h"

typedef struct EditorView {
    size_t top;  /* first text line shown */
    int left;    /* first display column shown */
} EditorView;

void editor_view_init(EditorView *v);
/* Draws the pane into r (title row included) and, when place_cursor, puts the grid cursor at
 * the caret. Adjusts v->top / v->left first so that the caret is visible. */
void editor_view_draw(EditorView *v, Grid *g, Rect r, const Buffer *b, bool place_cursor);
/* Text rows in a pane of this size (the title row excluded; a one-row pane has no title). */
size_t editor_view_text_rows(Rect r);

/* Draws s[0, len) into columns [x, x + w) of row y as if it started `left` columns to the
 * left of x (horizontal scrolling): characters cut by the left edge show as their visible
 * part (spaces for a wide character or a tab, the tail of an escape such as "+202E>").
 * Tabs expand to multiples of tab_width counted from the text's column 0 (0: shown as ^I). */
void view_put_hscrolled(Grid *g, int x, int y, int w, const char *s, size_t len, int left,
                        uint16_t style, uint16_t ctrl_style, int tab_width);

#endif
