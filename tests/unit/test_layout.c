/* Layout: the split at the sizes users have, and for every size up to 200x60 (with every
 * option: arrangement, share, swap, zoom): no negative sizes, everything on screen, no
 * overlaps, and every cell belongs to exactly one rect. */
#include <string.h>

#include "harness.h"
#include "ui/layout.h"

static bool inside(Rect r, int cols, int rows)
{
    return r.w >= 0 && r.h >= 0 && (rect_empty(r) || (r.x >= 0 && r.y >= 0 && r.x + r.w <= cols &&
                                                      r.y + r.h <= rows));
}

static bool contains(Rect r, int x, int y)
{
    return !rect_empty(r) && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* Checks the invariants; returns false (after reporting) on the first violation. */
static bool check_opts(int cols, int rows, const LayoutOpts *o)
{
    Layout l = layout_compute_opts(cols, rows, 1, o);
    Rect all[4] = {l.editor, l.divider, l.model, l.bottom};
    for (int i = 0; i < 4; i++) {
        if (!inside(all[i], cols, rows)) {
            fprintf(stderr, "%dx%d: rect %d {%d,%d,%d,%d} outside\n", cols, rows, i, all[i].x,
                    all[i].y, all[i].w, all[i].h);
            return false;
        }
    }
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
            int owners = 0;
            for (int i = 0; i < 4; i++)
                owners += contains(all[i], x, y);
            if (owners != 1) {
                fprintf(stderr, "%dx%d: cell %d,%d has %d owners\n", cols, rows, x, y, owners);
                return false;
            }
        }
    }
    if (o->arrange == LAYOUT_AUTO && l.stacked != (cols < LAYOUT_SIDE_BY_SIDE_MIN)) {
        fprintf(stderr, "%dx%d: stacked %d\n", cols, rows, l.stacked);
        return false;
    }
    if (o->zoom != LAYOUT_ZOOM_NONE && (!rect_empty(l.divider) ||
                                        !rect_empty(o->zoom == LAYOUT_ZOOM_EDITOR ? l.model
                                                                                  : l.editor))) {
        fprintf(stderr, "%dx%d: zoom %d shows the other pane\n", cols, rows, o->zoom);
        return false;
    }
    return true;
}

static bool check_size(int cols, int rows)
{
    return check_opts(cols, rows, &(LayoutOpts){0});
}

static void test_120x40(void)
{
    Layout l = layout_compute(120, 40);
    CHECK(!l.stacked);
    CHECK_INT_EQ(l.bottom.y, 39);
    CHECK_INT_EQ(l.bottom.w, 120);
    CHECK_INT_EQ(l.bottom.h, 1);
    CHECK_INT_EQ(l.editor.x, 0);
    CHECK_INT_EQ(l.editor.h, 39);
    CHECK_INT_EQ(l.editor.w, 65); /* ~55% of the 119 columns beside the divider */
    CHECK_INT_EQ(l.divider.x, 65);
    CHECK_INT_EQ(l.divider.w, 1);
    CHECK_INT_EQ(l.model.x, 66);
    CHECK_INT_EQ(l.model.w, 54);
    CHECK(check_size(120, 40));
}

/* 80x24 is stacked (measured: see ui/layout.h): both panes 80 wide. */
static void test_80x24(void)
{
    Layout l = layout_compute(80, 24);
    CHECK(l.stacked);
    CHECK_INT_EQ(l.editor.y, 0);
    CHECK_INT_EQ(l.editor.w, 80);
    CHECK_INT_EQ(l.editor.h, 12);
    CHECK_INT_EQ(l.divider.y, 12);
    CHECK_INT_EQ(l.model.y, 13);
    CHECK_INT_EQ(l.model.w, 80);
    CHECK_INT_EQ(l.model.h, 10);
    CHECK_INT_EQ(l.bottom.y, 23);
    CHECK(check_size(80, 24));
}

/* Side by side asked for at 80 columns: the split as it was before stacking. */
static void test_80x24_side_by_side(void)
{
    LayoutOpts o = {.arrange = LAYOUT_SIDE};
    Layout l = layout_compute_opts(80, 24, 1, &o);
    CHECK(!l.stacked);
    CHECK_INT_EQ(l.editor.w, 43);
    CHECK_INT_EQ(l.divider.x, 43);
    CHECK_INT_EQ(l.model.x, 44);
    CHECK_INT_EQ(l.model.w, 36);
    CHECK_INT_EQ(l.model.h, 23);
    CHECK(check_opts(80, 24, &o));
    o.arrange = LAYOUT_STACK;
    CHECK(layout_compute_opts(200, 50, 1, &o).stacked);
    CHECK(check_opts(200, 50, &o));
}

static void test_100_is_side_by_side_99_stacked(void)
{
    Layout l = layout_compute(100, 30);
    CHECK(!l.stacked);
    CHECK(l.editor.w >= 44 && l.model.w >= 44);
    l = layout_compute(99, 30);
    CHECK(l.stacked);
}

static void test_ratio_clamps(void)
{
    CHECK_INT_EQ(layout_clamp_pct(0), 0);
    CHECK_INT_EQ(layout_clamp_pct(1), LAYOUT_PCT_MIN);
    CHECK_INT_EQ(layout_clamp_pct(-40), LAYOUT_PCT_MIN);
    CHECK_INT_EQ(layout_clamp_pct(50), 50);
    CHECK_INT_EQ(layout_clamp_pct(99), LAYOUT_PCT_MAX);
    CHECK_INT_EQ(layout_pct(&(LayoutOpts){0}), LAYOUT_EDITOR_PERCENT);
    CHECK_INT_EQ(layout_pct(&(LayoutOpts){.editor_pct = 1000}), LAYOUT_PCT_MAX);
    /* The editor grows with its share, and each pane keeps its minimum at either end. */
    int last = 0;
    for (int pct = LAYOUT_PCT_MIN; pct <= LAYOUT_PCT_MAX; pct += LAYOUT_PCT_STEP) {
        LayoutOpts o = {.editor_pct = pct};
        Layout l = layout_compute_opts(120, 40, 1, &o);
        CHECK(l.editor.w >= last);
        CHECK(l.editor.w >= LAYOUT_MIN_PANE_W && l.model.w >= LAYOUT_MIN_PANE_W);
        last = l.editor.w;
        Layout st = layout_compute_opts(80, 24, 1, &o);
        CHECK(st.editor.h >= 3 && st.model.h >= 3);
    }
    CHECK(last > layout_compute(120, 40).editor.w);
}

static void test_zoom(void)
{
    LayoutOpts o = {.zoom = LAYOUT_ZOOM_EDITOR, .editor_pct = 30, .swapped = true};
    Layout l = layout_compute_opts(80, 24, 1, &o);
    CHECK_INT_EQ(l.editor.x, 0);
    CHECK_INT_EQ(l.editor.y, 0);
    CHECK_INT_EQ(l.editor.w, 80);
    CHECK_INT_EQ(l.editor.h, 23);
    CHECK(rect_empty(l.model) && rect_empty(l.divider));
    CHECK(check_opts(80, 24, &o));
    o.zoom = LAYOUT_ZOOM_MODEL;
    l = layout_compute_opts(120, 40, 1, &o);
    CHECK_INT_EQ(l.model.w, 120);
    CHECK_INT_EQ(l.model.h, 39);
    CHECK(rect_empty(l.editor) && rect_empty(l.divider));
    CHECK_INT_EQ(l.bottom.y, 39);
    /* ... and back: the split as it was */
    o.zoom = LAYOUT_ZOOM_NONE;
    l = layout_compute_opts(120, 40, 1, &o);
    CHECK(!rect_empty(l.editor) && !rect_empty(l.model) && !rect_empty(l.divider));
}

static void test_swap(void)
{
    LayoutOpts o = {.swapped = true};
    Layout l = layout_compute_opts(120, 40, 1, &o);
    CHECK_INT_EQ(l.model.x, 0);
    CHECK_INT_EQ(l.model.w, 54); /* the answer keeps its 45% */
    CHECK_INT_EQ(l.divider.x, 54);
    CHECK_INT_EQ(l.editor.x, 55);
    CHECK_INT_EQ(l.editor.w, 65);
    CHECK(check_opts(120, 40, &o));
    l = layout_compute_opts(80, 24, 1, &o); /* stacked: the answer on top */
    CHECK_INT_EQ(l.model.y, 0);
    CHECK_INT_EQ(l.model.h, 10);
    CHECK_INT_EQ(l.divider.y, 10);
    CHECK_INT_EQ(l.editor.y, 11);
    CHECK_INT_EQ(l.editor.h, 12);
    CHECK(check_opts(80, 24, &o));
}

static void test_40x12(void)
{
    Layout l = layout_compute(40, 12);
    CHECK(l.stacked);
    CHECK_INT_EQ(l.editor.h, 6);
    CHECK_INT_EQ(l.model.y, 7);
    CHECK_INT_EQ(l.model.h, 4);
    CHECK(check_size(40, 12));
    LayoutOpts o = {.zoom = LAYOUT_ZOOM_MODEL};
    l = layout_compute_opts(40, 12, 1, &o);
    CHECK_INT_EQ(l.model.w, 40);
    CHECK_INT_EQ(l.model.h, 11);
    o = (LayoutOpts){.arrange = LAYOUT_SIDE, .editor_pct = 85};
    CHECK(check_opts(40, 12, &o)); /* too narrow for both minimums: shared, both >= 1 */
    l = layout_compute_opts(40, 12, 1, &o);
    CHECK(l.model.w >= 1 && l.editor.w >= 1);
}

/* A drag on the divider: the share that puts it under the pointer, swapped or not. */
static void test_pct_at(void)
{
    for (int sw = 0; sw <= 1; sw++) {
        for (int x = 20; x <= 100; x += 10) {
            LayoutOpts o = {.swapped = sw};
            o.editor_pct = layout_pct_at(120, 40, 1, &o, x);
            Layout l = layout_compute_opts(120, 40, 1, &o);
            CHECK(l.divider.x >= x - 1 && l.divider.x <= x + 1);
        }
        LayoutOpts o = {.swapped = sw};
        o.editor_pct = layout_pct_at(80, 24, 1, &o, 8); /* stacked: a row */
        Layout l = layout_compute_opts(80, 24, 1, &o);
        CHECK(l.divider.y >= 7 && l.divider.y <= 9);
    }
    CHECK_INT_EQ(layout_pct_at(120, 40, 1, NULL, 0), LAYOUT_PCT_MIN);
    CHECK_INT_EQ(layout_pct_at(120, 40, 1, NULL, 119), LAYOUT_PCT_MAX);
}

static void test_50x20_stacked(void)
{
    Layout l = layout_compute(50, 20);
    CHECK(l.stacked);
    CHECK_INT_EQ(l.editor.y, 0);
    CHECK_INT_EQ(l.editor.w, 50);
    CHECK_INT_EQ(l.editor.h, 10);
    CHECK_INT_EQ(l.divider.y, 10);
    CHECK_INT_EQ(l.divider.h, 1);
    CHECK_INT_EQ(l.divider.w, 50);
    CHECK_INT_EQ(l.model.y, 11);
    CHECK_INT_EQ(l.model.h, 8);
    CHECK_INT_EQ(l.bottom.y, 19);
    CHECK(check_size(50, 20));
}

static void test_20x5(void)
{
    Layout l = layout_compute(20, 5);
    CHECK(l.stacked);
    CHECK(l.editor.h >= 1 && l.model.h >= 1);
    CHECK_INT_EQ(l.editor.h + l.divider.h + l.model.h, 4);
    CHECK_INT_EQ(l.bottom.y, 4);
    CHECK(check_size(20, 5));
}

static void test_tiny_and_degenerate(void)
{
    Layout l = layout_compute(1, 1);
    CHECK_INT_EQ(l.bottom.w, 1);
    CHECK_INT_EQ(l.bottom.h, 1);
    CHECK(rect_empty(l.editor) && rect_empty(l.model) && rect_empty(l.divider));
    CHECK(check_size(1, 1));
    l = layout_compute(0, 0);
    CHECK(rect_empty(l.bottom) && rect_empty(l.editor));
    l = layout_compute(-5, -7);
    CHECK(l.bottom.w >= 0 && l.bottom.h >= 0 && l.editor.w >= 0 && l.editor.h >= 0 &&
          l.model.w >= 0 && l.model.h >= 0 && l.divider.w >= 0 && l.divider.h >= 0);
    l = layout_compute(80, 2); /* one row of panes: no room for a divider row either way */
    CHECK(check_size(80, 2));
    CHECK_INT_EQ(l.editor.h, 1);
}

static void test_every_size(void)
{
    int bad = 0;
    for (int cols = 0; cols <= 200 && bad < 3; cols++)
        for (int rows = 0; rows <= 60 && bad < 3; rows++)
            if (!check_size(cols, rows))
                bad++;
    CHECK_INT_EQ(bad, 0);
    /* every option, on a coarser grid of sizes */
    static const int pcts[] = {0, 1, 15, 50, 85, 100};
    for (int arr = LAYOUT_AUTO; arr <= LAYOUT_STACK; arr++)
        for (size_t p = 0; p < sizeof pcts / sizeof *pcts; p++)
            for (int sw = 0; sw <= 1; sw++)
                for (int z = LAYOUT_ZOOM_NONE; z <= LAYOUT_ZOOM_MODEL; z++) {
                    LayoutOpts o = {(LayoutArrange)arr, pcts[p], sw, (LayoutZoom)z};
                    for (int cols = 0; cols <= 130 && bad < 3; cols += 3)
                        for (int rows = 0; rows <= 40 && bad < 3; rows += 3)
                            if (!check_opts(cols, rows, &o))
                                bad++;
                }
    CHECK_INT_EQ(bad, 0);
}

int main(void)
{
    RUN(test_120x40);
    RUN(test_80x24);
    RUN(test_80x24_side_by_side);
    RUN(test_100_is_side_by_side_99_stacked);
    RUN(test_ratio_clamps);
    RUN(test_zoom);
    RUN(test_swap);
    RUN(test_40x12);
    RUN(test_pct_at);
    RUN(test_50x20_stacked);
    RUN(test_20x5);
    RUN(test_tiny_and_degenerate);
    RUN(test_every_size);
    return harness_done();
}
