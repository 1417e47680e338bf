/* Layout: the split geometry, as a pure function of the terminal size and the user's choices.
 *
 *   cols >= LAYOUT_SIDE_BY_SIDE_MIN: editor | divider (1 column) | model, bottom line below.
 *   narrower: editor on top, a divider row, the model pane below, bottom line below.
 *
 * Why stacked below 100 columns: measured at 80x24 with a typical answer (three README
 * paragraphs and a 25-line C block) and ui/term.c in the editor, side by side (55%) leaves
 * the answer 34 columns (prose wraps every 5 words, 7 of 25 code lines wrap) and the editor
 * 39 text columns (56% of term.c's lines fit); a narrower editor (45%) gives the answer 42
 * columns but the editor 31 (42% fit). Stacked, both are 80 wide: 2 of 25 answer code lines
 * wrap and 87% of the editor's lines fit, for fewer rows each (11 and 9), which zoom (one
 * key: a pane full screen) gives back. From 100 columns each pane has 44 or more columns.
 *
 * LayoutOpts: side by side or stacked by width (or either, as the user chose), the editor's share in percent (LAYOUT_PCT_MIN..LAYOUT_PCT_MAX; 0: the default
 * 55), the panes swapped (the answer left or on top), or one pane zoomed to the whole screen
 * above the bottom line (no divider, the other pane empty). Each pane keeps a minimum size
 * while there is room for it, and no rectangle ever has a negative size (a 1x1 terminal gets
 * only the bottom line). Each pane draws its own title in its first row. */
#ifndef FLINT_UI_LAYOUT_H
#define FLINT_UI_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_SIDE_BY_SIDE_MIN 100
#define LAYOUT_MIN_PANE_W 20
#define LAYOUT_EDITOR_PERCENT 55
#define LAYOUT_PCT_MIN 15
#define LAYOUT_PCT_MAX 85
#define LAYOUT_PCT_STEP 5  /* one Alt-< / Alt-> */

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

typedef enum LayoutZoom { LAYOUT_ZOOM_NONE, LAYOUT_ZOOM_EDITOR, LAYOUT_ZOOM_MODEL } LayoutZoom;

typedef enum LayoutArrange {
    LAYOUT_AUTO,   /* side by side from LAYOUT_SIDE_BY_SIDE_MIN columns, else stacked */
    LAYOUT_SIDE,   /* side by side at any width */
    LAYOUT_STACK,  /* stacked at any width */
} LayoutArrange;

typedef struct LayoutOpts {
    LayoutArrange arrange;
    int editor_pct;   /* the editor's share of the split; 0: LAYOUT_EDITOR_PERCENT */
    bool swapped;     /* the answer pane first (left, or on top when stacked) */
    LayoutZoom zoom;  /* one pane takes the whole screen above the bottom line */
} LayoutOpts;

/* pct clamped to LAYOUT_PCT_MIN..LAYOUT_PCT_MAX (0 stays the default). */
int layout_clamp_pct(int pct);
/* The default options' pct as a number (what 0 means). */
int layout_pct(const LayoutOpts *o);

Layout layout_compute(int cols, int rows);
/* The same with a bottom box of bottom_rows rows (a multi-line prompt), clamped to leave the
 * panes at least half of the screen (and to 1 row at least, when there are rows). */
Layout layout_compute_bottom(int cols, int rows, int bottom_rows);
/* The same with the user's options (NULL: the defaults). */
Layout layout_compute_opts(int cols, int rows, int bottom_rows, const LayoutOpts *o);
/* The editor's share (clamped) that puts the divider at cell pos (a column side by side, a
 * row stacked) on this screen: a mouse drag on the divider. */
int layout_pct_at(int cols, int rows, int bottom_rows, const LayoutOpts *o, int pos);
/* The rows a multi-line prompt may take on a screen this high: a third of it, at most
 * LAYOUT_PROMPT_MAX_ROWS, at least 1. */
int layout_prompt_max_rows(int rows);
#define LAYOUT_PROMPT_MAX_ROWS 8
bool rect_empty(Rect r);

#endif
