/* Fuzz target: untrusted text (model output, file bytes) drawn into a Grid. Checks the Grid
 * invariant: nothing that could drive a terminal is ever stored in a cell. */
#include <stddef.h>
#include <stdint.h>

#include "core/utf8.h"
#include "core/xalloc.h"
#include "ui/grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Grid *g;
    if (!g)
        g = grid_new(37, 3);
    grid_clear(g, 0);
    int x = grid_put_text(g, 1, 1, 37, (const char *)data, size, 1, 2, 0, 4);
    BUG_ON(x < 1 || x > 37);
    (void)grid_text_width((const char *)data, size, 0, 4);
    for (int y = 0; y < g->rows; y++) {
        const Cell *row = grid_row_const(g, y);
        for (int c = 0; c < g->cols; c++) {
            uint32_t cp = row[c].cp;
            if (row[c].width == 0)
                continue;
            BUG_ON(utf8_width(cp) < 1);
            for (int k = 0; k < 2; k++)
                BUG_ON(row[c].comb[k] && utf8_width(row[c].comb[k]) != 0);
        }
    }
    return 0;
}
