/* Layout: the split at the sizes users have, and for every size up to 200x60: no negative
 * sizes, everything on screen, no overlaps, and every cell belongs to exactly one rect. */
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
static bool check_size(int cols, int rows)
{
    Layout l = layout_compute(cols, rows);
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
    if (l.stacked != (cols < LAYOUT_SIDE_BY_SIDE_MIN)) {
        fprintf(stderr, "%dx%d: stacked %d\n", cols, rows, l.stacked);
        return false;
    }
    return true;
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

static void test_80x24(void)
{
    Layout l = layout_compute(80, 24);
    CHECK(!l.stacked);
    CHECK_INT_EQ(l.editor.w, 43);
    CHECK_INT_EQ(l.divider.x, 43);
    CHECK_INT_EQ(l.model.x, 44);
    CHECK_INT_EQ(l.model.w, 36);
    CHECK_INT_EQ(l.model.h, 23);
    CHECK_INT_EQ(l.bottom.y, 23);
    CHECK(check_size(80, 24));
}

static void test_60_is_side_by_side_59_stacked(void)
{
    Layout l = layout_compute(60, 20);
    CHECK(!l.stacked);
    CHECK(l.editor.w >= LAYOUT_MIN_PANE_W && l.model.w >= LAYOUT_MIN_PANE_W);
    l = layout_compute(59, 20);
    CHECK(l.stacked);
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
}

int main(void)
{
    RUN(test_120x40);
    RUN(test_80x24);
    RUN(test_60_is_side_by_side_59_stacked);
    RUN(test_50x20_stacked);
    RUN(test_20x5);
    RUN(test_tiny_and_degenerate);
    RUN(test_every_size);
    return harness_done();
}
