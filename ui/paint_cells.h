/* PaintCells: what the render thread does to a row of cells before curses sees it, so that the
 * terminal gets fewer bytes for the same picture (the byte budget, ARCHITECTURE). Pure
 * functions on Cell rows; the terminal's side (which slots look alike) comes in a PaintLooks
 * that ui/term.c fills from the colour pairs it set up.
 *
 * Two cells that look the same on the terminal may still differ as Cells (another StyleSlot
 * with the same colours, a space in a text colour over a blank). Left alone, each such
 * difference is a write: a space that is written, a colour switch around it. paint_cells_prepare
 * rewrites the row so that look-alikes become equal (to the cell already on the terminal where
 * there is one), which curses then skips or merges.
 *
 * Errors: none. Styles >= STYLE__COUNT (the render thread's own flags) are left alone. */
#ifndef FLINT_UI_PAINT_CELLS_H
#define FLINT_UI_PAINT_CELLS_H

#include <stdint.h>

#include "themes/theme.h"
#include "ui/grid.h"

#define PAINT_BG_DEFAULT (-2) /* a space shows the terminal's own background */
#define PAINT_BG_VISIBLE (-3) /* a space shows more than a background (underline, reverse) */

typedef struct PaintLooks {
    /* The first slot that looks exactly like slot s (same colours and attributes). */
    uint16_t canon[STYLE__COUNT];
    /* What a space in slot s shows: a background colour, PAINT_BG_DEFAULT or _VISIBLE. */
    int space_bg[STYLE__COUNT];
} PaintLooks;

/* Slot s looks like fg/bg/attrs (colour numbers as given to curses; any ints that are equal
 * exactly when the looks are): called for every slot in order, it fills canon[s]. */
void paint_looks_set(PaintLooks *lk, int s, const int looks[][3], int space_bg);

/* Rewrites row[0, width) for painting over old (what the terminal shows; NULL: unknown):
 *  1. every style becomes its canonical look-alike;
 *  2. a space between two characters takes the style of the cell to its right when they
 *     look the same as a space: no colour switch around it (`x = NULL`). From the right, so
 *     that a space streamed at a row's end changes only when the text after it comes;
 *     trailing spaces keep theirs (one erase-to-end clears them);
 *  3. spaces that show what the old cells show become the old cells, so that curses skips
 *     them (indentation, the gap before a comment): before the row's first change, or in a
 *     run long enough that moving over it is cheaper than writing it. */
void paint_cells_prepare(const PaintLooks *lk, Cell *row, const Cell *old, int width);

#endif
