/* PaintCells: look-alike slots become one, a space between characters takes its right
 * neighbour's style, and spaces that show what the terminal shows already are left to curses
 * to skip (before the first change, or in a run long enough to move over). */
#include <string.h>

#include "harness.h"
#include "themes/theme.h"
#include "ui/grid.h"
#include "ui/paint_cells.h"

enum { W = 24 };

/* Looks: TEXT and MODEL_TEXT and MODEL_CODE default colours (alike), KEYWORD magenta, the
 * status bar a grey background, SELECTION reverse. Everything else: its own colour. */
static PaintLooks looks(void)
{
    int l[STYLE__COUNT][3];
    PaintLooks lk;
    for (int s = 0; s < STYLE__COUNT; s++) {
        l[s][0] = 100 + s;
        l[s][1] = -1;
        l[s][2] = 0;
        int bg = PAINT_BG_DEFAULT;
        if (s == STYLE_TEXT || s == STYLE_MODEL_TEXT || s == STYLE_MODEL_CODE)
            l[s][0] = -1;
        if (s == STYLE_STATUS) {
            l[s][1] = 236;
            bg = 236;
        }
        if (s == STYLE_SELECTION) {
            l[s][2] = 1;
            bg = PAINT_BG_VISIBLE;
        }
        paint_looks_set(&lk, s, (const int(*)[3])l, bg);
    }
    return lk;
}

/* A row from text and one style letter per cell (t text, m model text, c code, k keyword,
 * s status, v selection); past the text spaces, past the letters model text. */
static void row_of(Cell *row, const char *text, const char *styles)
{
    size_t nt = strlen(text), ns = strlen(styles);
    memset(row, 0, W * sizeof *row);
    for (size_t x = 0; x < W; x++) {
        row[x].cp = x < nt ? (unsigned char)text[x] : ' ';
        row[x].width = 1;
        char k = x < ns ? styles[x] : 'm';
        row[x].style = k == 't' ? STYLE_TEXT : k == 'c' ? STYLE_MODEL_CODE
                       : k == 'k' ? STYLE_SYN_KEYWORD : k == 's' ? STYLE_STATUS
                       : k == 'v' ? STYLE_SELECTION : STYLE_MODEL_TEXT;
    }
}

static const char *styles_of(const Cell *row)
{
    static char out[W + 1];
    for (int x = 0; x < W; x++) {
        uint16_t s = row[x].style;
        out[x] = s == STYLE_TEXT ? 't' : s == STYLE_MODEL_TEXT ? 'm' : s == STYLE_MODEL_CODE ? 'c'
                 : s == STYLE_SYN_KEYWORD ? 'k' : s == STYLE_STATUS ? 's'
                 : s == STYLE_SELECTION ? 'v' : '?';
    }
    out[W] = '\0';
    return out;
}

static void test_canonical_slots(void)
{
    PaintLooks lk = looks();
    CHECK_INT_EQ(lk.canon[STYLE_MODEL_CODE], STYLE_TEXT);
    CHECK_INT_EQ(lk.canon[STYLE_MODEL_TEXT], STYLE_TEXT);
    CHECK_INT_EQ(lk.canon[STYLE_SYN_KEYWORD], STYLE_SYN_KEYWORD);
    Cell row[W];
    row_of(row, "x", "c");
    paint_cells_prepare(&lk, row, NULL, W);
    CHECK_INT_EQ(row[0].style, STYLE_TEXT);
}

/* No old row (a whole repaint): only look-alikes and spaces taking the right style. */
static void test_space_takes_right_style(void)
{
    PaintLooks lk = looks();
    Cell row[W];
    row_of(row, "a if b", "cckkcc");
    paint_cells_prepare(&lk, row, NULL, W);
    CHECK_STR_EQ(styles_of(row), "tkkktttttttttttttttttttt");
    /* never into a visible style, nor across another background */
    row_of(row, "a vv b  s", "ccvvcccct");
    row[8].style = STYLE_STATUS;
    paint_cells_prepare(&lk, row, NULL, W);
    CHECK_STR_EQ(styles_of(row), "ttvvttttsttttttttttttttt");
}

/* Over an old row (blank): indentation before the first change and a long gap become the old
 * cells (curses skips them); a short gap between tokens takes the next token's style. */
static void test_spaces_over_spaces(void)
{
    PaintLooks lk = looks();
    Cell old[W], row[W];
    row_of(old, "", "");
    paint_cells_prepare(&lk, old, NULL, W); /* what the terminal holds is canonical */
    row_of(row, "    if x  k", "cccckkcccck");
    paint_cells_prepare(&lk, row, old, W);
    CHECK_STR_EQ(styles_of(row), "ttttkkttkkkttttttttttttt");
    row_of(row, "x         /", "cccccccccck");
    paint_cells_prepare(&lk, row, old, W);
    CHECK_STR_EQ(styles_of(row), "ttttttttttkttttttttttttt");
}

/* Styles at or above STYLE__COUNT (the render thread's flags) are left alone. */
static void test_flags_untouched(void)
{
    PaintLooks lk = looks();
    Cell old[W], row[W];
    row_of(old, "", "");
    row_of(row, "ab", "cc");
    row[2].style = 0x8000 | STYLE_MODEL_TEXT;
    paint_cells_prepare(&lk, row, old, W);
    CHECK_INT_EQ(row[2].style, 0x8000 | STYLE_MODEL_TEXT);
    CHECK_INT_EQ(row[1].style, STYLE_TEXT);
}

int main(void)
{
    RUN(test_canonical_slots);
    RUN(test_space_takes_right_style);
    RUN(test_spaces_over_spaces);
    RUN(test_flags_untouched);
    return harness_done();
}
