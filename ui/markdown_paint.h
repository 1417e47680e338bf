/* MdPaint: draws one row of an answer line laid out by md_line_layout (ui/markdown_layout.h)
 * into a Grid: decorations, hidden markup, inline styles, aligned tables, rules, and code
 * rows (syntax or diff colours, the continuation mark, sideways scrolling, shading to the
 * text's end unless the terminal has bce). md_paint_x maps a byte of the row to the column
 * it is drawn at, so search highlights land on the rendered text.
 *
 * Ownership: everything is borrowed for the call. Errors: none. */
#ifndef FLINT_UI_MARKDOWN_PAINT_H
#define FLINT_UI_MARKDOWN_PAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/grid.h"
#include "ui/markdown_layout.h"
#include "ui/syntax_view.h"

typedef struct MdPaint {
    Grid *g;
    int x, y, max_x;            /* where the row goes */
    const char *text;           /* the entry's text */
    size_t text_len, entry;
    const void *key;            /* the transcript (syntax caches) */
    size_t line_start, line_end, row_start, row_end;
    const MdLine *ml;
    SyntaxView *syntax;         /* NULL: code in one style */
    size_t fence_start;         /* MDL_CODE: its block's opening fence line */
    bool code_scroll, bce;
    int hscroll;
} MdPaint;

void md_paint_row(const MdPaint *p);
/* The column where byte off (row_start <= off <= row_end) of the row is drawn. */
int md_paint_x(const MdPaint *p, size_t off);

#endif
