/* PaintCells (see paint_cells.h): look-alike slots, spaces over spaces, spaces between
 * characters. All O(width) per row. */
#include "ui/paint_cells.h"

#include <string.h>

void paint_looks_set(PaintLooks *lk, int s, const int looks[][3], int space_bg)
{
    lk->space_bg[s] = space_bg;
    lk->canon[s] = (uint16_t)s;
    for (int k = 0; k < s; k++) {
        if (memcmp(looks[k], looks[s], sizeof looks[s]) == 0) {
            lk->canon[s] = (uint16_t)k;
            break;
        }
    }
}

static bool plain_space(const Cell *c)
{
    return c->cp == ' ' && !c->comb[0] && c->width == 1 && c->style < STYLE__COUNT;
}

/* A space that shows what the old cell shows: writing it would change nothing. */
static bool adoptable(const PaintLooks *lk, const Cell *c, const Cell *o)
{
    if (!plain_space(c) || !plain_space(o))
        return false;
    int a = lk->space_bg[c->style], b = lk->space_bg[o->style];
    return a == b && a != PAINT_BG_VISIBLE;
}

/* Step 2 where it pays: curses writes a short run of unchanged cells between changes rather
 * than move over it, so a space made equal to the terminal's is skipped only before the
 * row's first change or in a run of at least PAINT_SKIP_MIN cells; elsewhere it stays for
 * step 3 (a space written in the next token's colour costs no switch). */
#define PAINT_SKIP_MIN 6

static void adopt_spaces(const PaintLooks *lk, Cell *row, const Cell *old, int width)
{
    bool changed = false; /* a cell to write has been seen to the left */
    int x = 0;
    while (x < width) {
        if (memcmp(&row[x], &old[x], sizeof row[x]) != 0 && !adoptable(lk, &row[x], &old[x])) {
            changed = true;
            x++;
            continue;
        }
        int end = x; /* a run of cells that need not be written */
        while (end < width && (memcmp(&row[end], &old[end], sizeof row[end]) == 0 ||
                               adoptable(lk, &row[end], &old[end])))
            end++;
        if (!changed || end - x >= PAINT_SKIP_MIN)
            for (int k = x; k < end; k++)
                if (plain_space(&row[k]) && plain_space(&old[k]))
                    row[k].style = old[k].style;
        x = end;
    }
}

void paint_cells_prepare(const PaintLooks *lk, Cell *row, const Cell *old, int width)
{
    for (int x = 0; x < width; x++)
        if (row[x].style < STYLE__COUNT)
            row[x].style = lk->canon[row[x].style];
    int last = width - 1;
    while (last >= 0 && row[last].cp == ' ')
        last--;
    for (int x = last - 1; x > 0; x--) {
        Cell *c = &row[x];
        const Cell *r = &row[x + 1];
        if (!plain_space(c) || r->style >= STYLE__COUNT || c->style == r->style)
            continue;
        int a = lk->space_bg[c->style], b = lk->space_bg[r->style];
        if (a == b && a != PAINT_BG_VISIBLE)
            c->style = r->style;
    }
    if (old)
        adopt_spaces(lk, row, old, width);
}
