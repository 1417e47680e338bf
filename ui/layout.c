/* Layout: pure geometry, no state. Sizes are clamped at every step so that any input,
 * including 0x0 and negative sizes, yields rectangles inside the screen with w, h >= 0. */
#include "ui/layout.h"

#include <stddef.h>

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
    return layout_compute_opts(cols, rows, bottom_rows, NULL);
}

int layout_clamp_pct(int pct)
{
    if (pct == 0)
        return 0;
    return pct < LAYOUT_PCT_MIN ? LAYOUT_PCT_MIN : pct > LAYOUT_PCT_MAX ? LAYOUT_PCT_MAX : pct;
}

int layout_pct(const LayoutOpts *o)
{
    int pct = o ? layout_clamp_pct(o->editor_pct) : 0;
    return pct ? pct : LAYOUT_EDITOR_PERCENT;
}

/* The two panes in screen order: first gets `first` cells along the split. */
static void place(Layout *l, int cols, int panes_h, int first, int div, bool swapped)
{
    Rect a, d, b;
    if (!l->stacked) {
        a = rect(0, 0, first, panes_h);
        d = rect(first, 0, div, panes_h);
        b = rect(first + div, 0, cols - first - div, panes_h);
    } else {
        a = rect(0, 0, cols, first);
        d = rect(0, first, cols, div);
        b = rect(0, first + div, cols, panes_h - first - div);
    }
    l->divider = d;
    l->editor = swapped ? b : a;
    l->model = swapped ? a : b;
}

int layout_pct_at(int cols, int rows, int bottom_rows, const LayoutOpts *o, int pos)
{
    LayoutOpts plain = {.arrange = o ? o->arrange : LAYOUT_AUTO};
    bool swapped = o && o->swapped;
    Layout l = layout_compute_opts(cols, rows, bottom_rows, &plain);
    int n = l.stacked ? l.editor.h + l.divider.h + l.model.h : cols;
    if (n < 3)
        return LAYOUT_EDITOR_PERCENT;
    int avail = n - 1;
    int pct = (pos * 100 + avail / 2) / avail; /* the first pane's share */
    if (swapped)
        pct = 100 - pct;
    return layout_clamp_pct(pct < 1 ? 1 : pct);
}

Layout layout_compute_opts(int cols, int rows, int bottom_rows, const LayoutOpts *o)
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
    LayoutArrange arrange = o ? o->arrange : LAYOUT_AUTO;
    l.stacked = arrange == LAYOUT_STACK ||
                (arrange != LAYOUT_SIDE && cols < LAYOUT_SIDE_BY_SIDE_MIN);
    if (panes_h <= 0 || cols <= 0) {
        l.editor = l.divider = l.model = rect(0, 0, 0, 0);
        return l;
    }
    LayoutZoom zoom = o ? o->zoom : LAYOUT_ZOOM_NONE;
    if (zoom != LAYOUT_ZOOM_NONE) {
        Rect all = rect(0, 0, cols, panes_h), none = rect(0, 0, 0, 0);
        l.editor = zoom == LAYOUT_ZOOM_EDITOR ? all : none;
        l.model = zoom == LAYOUT_ZOOM_MODEL ? all : none;
        l.divider = none;
        return l;
    }
    bool swapped = o && o->swapped;
    int pct = layout_pct(o);
    if (swapped)
        pct = 100 - pct; /* the first part is the answer's */
    int div, first;
    if (!l.stacked) {
        first = split(cols, pct, LAYOUT_MIN_PANE_W, LAYOUT_MIN_PANE_W, &div);
        place(&l, cols, panes_h, first, div, swapped);
    } else {
        /* Each stacked pane wants its title row and at least two rows of content. */
        first = split(panes_h, pct, 3, 3, &div);
        place(&l, cols, panes_h, first, div, swapped);
    }
    return l;
}
