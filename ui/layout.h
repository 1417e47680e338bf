/* Layout: the split geometry, as a pure function of the terminal size.
 *
 *   cols >= LAYOUT_SIDE_BY_SIDE_MIN: editor | divider (1 column) | model, bottom line below.
 *   narrower: editor on top, a divider row, the model pane below, bottom line below.
 *
 * The editor gets about 55% of the space, each pane keeps a minimum size while there is room
 * for it, and no rectangle ever has a negative size (a 1x1 terminal gets only the bottom line).
 * Each pane draws its own title in its first row. */
#ifndef FLINT_UI_LAYOUT_H
#define FLINT_UI_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_SIDE_BY_SIDE_MIN 60
#define LAYOUT_MIN_PANE_W 20
#define LAYOUT_EDITOR_PERCENT 55

typedef struct Rect {
    int x, y, w, h;  /* w, h >= 0; a rect with w or h 0 is empty */
} Rect;

typedef struct Layout {
    Rect editor;    /* the editor pane, title row included */
    Rect divider;   /* a column of '│' (side by side) or a row of '─' (stacked); may be empty */
    Rect model;     /* the model pane, title row included */
    Rect bottom;    /* the status line or the prompt (one row, or the prompt's box) */
    bool stacked;   /* true when the panes are on top of each other */
} Layout;

Layout layout_compute(int cols, int rows);
/* The same with a bottom box of bottom_rows rows (a multi-line prompt), clamped to leave the
 * panes at least half of the screen (and to 1 row at least, when there are rows). */
Layout layout_compute_bottom(int cols, int rows, int bottom_rows);
/* The rows a multi-line prompt may take on a screen this high: a third of it, at most
 * LAYOUT_PROMPT_MAX_ROWS, at least 1. */
int layout_prompt_max_rows(int rows);
#define LAYOUT_PROMPT_MAX_ROWS 8
bool rect_empty(Rect r);

#endif
