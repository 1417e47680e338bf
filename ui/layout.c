/* Layout: pure geometry, no state. Sizes are clamped at every step so that any input,
 * including 0x0 and negative sizes, yields rectangles inside the screen with w, h >= 0. */
#include "ui/layout.h"

static Rect rect(int x, int y, int w, int h)
{
    return (Rect){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

bool rect_empty(Rect r) { return r.w <= 0 || r.h <= 0; }

/* Splits n cells between a first part (about pct %, at least min_first) and a second part
 * (at least min_second) separated by a divider of width 1. Returns the first part's size;
 * *div is the divider size (0 when there is no room for two parts). */
static int split(int n, int pct, int min_first, int min_second, int *div)
{
    if (n < 3) { /* no room for both parts and a divider: the first part takes it all */
        *div = 0;
        return n;
    }
    *div = 1;
    int avail = n - 1;
    int first = (avail * pct + 50) / 100;
    if (avail >= min_first + min_second) {
        if (first < min_first)
            first = min_first;
        if (avail - first < min_second)
            first = avail - min_second;
    } else {
        /* Not enough for both minimums: share what there is in proportion, both >= 1. */
        if (first < 1)
            first = 1;
        if (first > avail - 1)
            first = avail - 1;
    }
    return first;
}

int layout_prompt_max_rows(int rows)
{
    int n = rows / 3;
    return n < 1 ? 1 : n > LAYOUT_PROMPT_MAX_ROWS ? LAYOUT_PROMPT_MAX_ROWS : n;
}

Layout layout_compute(int cols, int rows) { return layout_compute_bottom(cols, rows, 1); }

Layout layout_compute_bottom(int cols, int rows, int bottom_rows)
{
    if (cols < 0)
        cols = 0;
    if (rows < 0)
        rows = 0;
    Layout l = {0};
    int bottom_h = rows > 0 ? 1 : 0;
    if (bottom_rows > 1 && rows > 0) {
        int max = rows / 2 > 1 ? rows / 2 : 1;
        bottom_h = bottom_rows < max ? bottom_rows : max;
    }
    int panes_h = rows - bottom_h;
    l.bottom = rect(0, rows - bottom_h, cols, bottom_h);
    l.stacked = cols < LAYOUT_SIDE_BY_SIDE_MIN;
    if (panes_h <= 0 || cols <= 0) {
        l.editor = l.divider = l.model = rect(0, 0, 0, 0);
        return l;
    }
    int div;
    if (!l.stacked) {
        int ew = split(cols, LAYOUT_EDITOR_PERCENT, LAYOUT_MIN_PANE_W, LAYOUT_MIN_PANE_W, &div);
        l.editor = rect(0, 0, ew, panes_h);
        l.divider = rect(ew, 0, div, panes_h);
        l.model = rect(ew + div, 0, cols - ew - div, panes_h);
    } else {
        /* Each stacked pane wants its title row and at least two rows of content. */
        int eh = split(panes_h, LAYOUT_EDITOR_PERCENT, 3, 3, &div);
        l.editor = rect(0, 0, cols, eh);
        l.divider = rect(0, eh, cols, div);
        l.model = rect(0, eh + div, cols, panes_h - eh - div);
    }
    return l;
}
