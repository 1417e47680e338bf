/* Grid: our own cell back buffer. Views draw into it; term.c copies changed rows to curses.
 *
 * Invariants: every cell holds a printable character (utf8_width >= 1) or is the right half of
 * a wide character (width 0, cp 0). Nothing that can drive a terminal (C0/C1 controls, ESC,
 * DEL, bidi/format characters, invalid bytes) can ever be stored: grid_put_text shows them
 * escaped (^[, <ff>, <U+202E>) in the control style. This is where untrusted model text and
 * file bytes are made safe. Zero-width combining marks attach to the previous cell (up to 2;
 * further marks in a run are skipped). ZWJ, variation selectors and emoji skin-tone modifiers
 * are zero-width too but are not kept (grid_is_mark): a terminal that clusters graphemes
 * (kitty, WezTerm, foot) would draw the joined or re-presented emoji at another width than
 * the one we counted, so the base shows in its default presentation, at the width counted.
 * A wide character that does not fit at the right edge is replaced by a space. */
#ifndef FLINT_UI_GRID_H
#define FLINT_UI_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Cell {
    uint32_t cp;       /* 0 only for the right half of a wide character */
    uint32_t comb[2];  /* combining marks, 0 = none */
    uint16_t style;    /* StyleSlot */
    uint8_t width;     /* 1, 2, or 0 for the right half of a wide character */
    uint8_t pad;       /* always 0: rows compare with memcmp */
} Cell;

_Static_assert(sizeof(Cell) == 4 + 4 * 2 + 2 + 1 + 1, "Cell has no padding holes");

typedef struct Grid {
    int cols, rows;
    Cell *cells;       /* rows * cols */
    int cursor_x, cursor_y;
    bool cursor_visible;
    /* Draw the caret as a reverse-video cell and keep the terminal's cursor hidden (while an
     * answer streams: frames then never move the cursor away and back; ui/term.c). */
    bool cursor_soft;
} Grid;

Grid *grid_new(int cols, int rows);
void grid_free(Grid *g);                       /* accepts NULL */
void grid_resize(Grid *g, int cols, int rows); /* contents are cleared */
void grid_clear(Grid *g, uint16_t style);
Cell *grid_row(Grid *g, int y);
const Cell *grid_row_const(const Grid *g, int y);
bool grid_row_equal(const Grid *a, const Grid *b, int y); /* same size assumed */
/* Fills a rectangle with spaces. Clipped to the grid. */
void grid_fill(Grid *g, int x, int y, int w, int h, uint16_t style);
/* A filled rectangle with a line-drawing border (overlays: help, lists). w, h >= 2. */
void grid_box(Grid *g, int x, int y, int w, int h, uint16_t style);
/* Puts one printable code point at (x, y); returns columns used (0 when clipped or when cp
 * attached to the previous cell as a combining mark). cp must be printable. */
int grid_put(Grid *g, int x, int y, int max_x, uint32_t cp, uint16_t style);
/* Draws bytes (UTF-8, possibly invalid) from x, not past max_x (exclusive); control
 * characters and invalid bytes are escaped in ctrl_style; '\t' is expanded to the next
 * multiple of tab_width counted from tab_origin. Returns the x after the last column drawn. */
int grid_put_text(Grid *g, int x, int y, int max_x, const char *s, size_t len, uint16_t style,
                  uint16_t ctrl_style, int tab_origin, int tab_width);
/* Columns the same bytes would take (no clipping): used for wrapping and cursor placement. */
int grid_text_width(const char *s, size_t len, int start_col, int tab_width);
/* Columns one decoded code point takes as drawn by grid_put_text at column col: a '\t' goes
 * to the next multiple of tab_width (when tab_width > 0), anything else takes
 * utf8_display_width (escapes count their length, combining marks 0). */
int grid_cp_cols(uint32_t cp, int col, int tab_width);
/* A zero-width code point that the grid keeps as a mark on the previous cell (and term.c
 * paints): utf8_is_combining except ZWJ, variation selectors U+FE00-FE0F and the emoji
 * skin-tone modifiers U+1F3FB-1F3FF, which are dropped. */
bool grid_is_mark(uint32_t cp);

#endif
