/* Grid: a rows x cols array of Cells, row-major.
 *
 * Invariants (see grid.h): every cell is either a printable character of width 1 or 2, or the
 * right half (cp 0, width 0) of the wide character in the cell to its left. Every write goes
 * through cell_claim(), which turns the other half of a wide character that is being
 * overwritten into a space, so no half-character is ever left behind. Nothing non-printable is
 * ever stored: grid_put_text (and grid_put, defensively) replace controls, DEL, C1, bidi and
 * other format characters and invalid bytes by their visible escape (utf8_escape: ^[, ^?,
 * <ff>, <U+202E>), drawn in the control style. The rule lives in core/utf8 so that the
 * editor's caret (session/buffer.c) counts exactly the columns drawn here.
 *
 * grid_text_width() and grid_cp_cols() walk the same rules without drawing, so wrapping and
 * cursor placement agree with what is drawn, column for column.
 *
 * Runs of combining marks. A cell keeps two marks; the rest of a run (and a run with no base
 * drawn by this call) is skipped: U+0300-U+036F, what "Zalgo" text piles up, two bytes at a
 * time without decoding, in grid_text_width too, so a megabyte of marks after one letter
 * costs a byte scan, and both functions still step over exactly the same code points. */
#include "ui/grid.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"

static int tab_columns(int col, int tab_width)
{
    int m = col % tab_width;
    if (m < 0)
        m += tab_width;
    return tab_width - m;
}

int grid_cp_cols(uint32_t cp, int col, int tab_width)
{
    if (cp == '\t' && tab_width > 0)
        return tab_columns(col, tab_width);
    return utf8_display_width(cp);
}

bool grid_is_mark(uint32_t cp)
{
    if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF))
        return false;
    return utf8_is_combining(cp);
}

/* Skips combining marks U+0300-U+036F (CC 80..CD AF) from s[i]: called after a zero-width
 * code point, when no further mark can be kept. Only when the locale makes that block
 * zero-width (it is in every UTF-8 locale), so the skip never changes a width. */
static size_t skip_marks(const char *str, size_t i, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    if (i + 1 >= len || (s[i] != 0xCC && s[i] != 0xCD))
        return i;
    if (utf8_width(0x0300) != 0 || utf8_width(0x036F) != 0)
        return i;
    while (i + 1 < len) {
        unsigned a = s[i], b = s[i + 1];
        if (!((a == 0xCC && b >= 0x80 && b <= 0xBF) || (a == 0xCD && b >= 0x80 && b <= 0xAF)))
            break;
        i += 2;
    }
    return i;
}

static Cell blank_cell(uint16_t style)
{
    return (Cell){.cp = ' ', .comb = {0, 0}, .style = style, .width = 1, .pad = 0};
}

Grid *grid_new(int cols, int rows)
{
    Grid *g = xcalloc(1, sizeof *g);
    grid_resize(g, cols, rows);
    return g;
}

void grid_free(Grid *g)
{
    if (!g)
        return;
    free(g->cells);
    free(g);
}

void grid_resize(Grid *g, int cols, int rows)
{
    if (cols < 0)
        cols = 0;
    if (rows < 0)
        rows = 0;
    size_t n = (size_t)cols * (size_t)rows;
    free(g->cells);
    g->cells = xmalloc((n ? n : 1) * sizeof(Cell));
    g->cols = cols;
    g->rows = rows;
    g->cursor_x = g->cursor_y = 0;
    g->cursor_visible = false;
    grid_clear(g, 0);
}

void grid_clear(Grid *g, uint16_t style)
{
    size_t n = (size_t)g->cols * (size_t)g->rows;
    Cell c = blank_cell(style);
    for (size_t i = 0; i < n; i++)
        g->cells[i] = c;
}

Cell *grid_row(Grid *g, int y)
{
    BUG_ON(y < 0 || y >= g->rows);
    return g->cells + (size_t)y * (size_t)g->cols;
}

const Cell *grid_row_const(const Grid *g, int y)
{
    BUG_ON(y < 0 || y >= g->rows);
    return g->cells + (size_t)y * (size_t)g->cols;
}

bool grid_row_equal(const Grid *a, const Grid *b, int y)
{
    if (a->cols != b->cols)
        return false;
    /* Cell has no padding holes (pad is always written as 0), so memcmp is exact. */
    return memcmp(grid_row_const(a, y), grid_row_const(b, y), (size_t)a->cols * sizeof(Cell)) == 0;
}

/* Prepares row[x] for a new character: if it is one half of a wide character, the other
 * half becomes a space (keeping its style), so the invariant survives partial overwrites. */
static void cell_claim(Grid *g, Cell *row, int x)
{
    Cell *c = &row[x];
    if (c->width == 0 && x > 0)
        row[x - 1] = blank_cell(row[x - 1].style);
    else if (c->width == 2 && x + 1 < g->cols)
        row[x + 1] = blank_cell(row[x + 1].style);
}

void grid_fill(Grid *g, int x, int y, int w, int h, uint16_t style)
{
    int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    long x1 = (long)x + w, y1 = (long)y + h;
    if (x1 > g->cols)
        x1 = g->cols;
    if (y1 > g->rows)
        y1 = g->rows;
    for (int yy = y0; yy < y1; yy++) {
        Cell *row = grid_row(g, yy);
        for (int xx = x0; xx < x1; xx++) {
            cell_claim(g, row, xx);
            row[xx] = blank_cell(style);
        }
    }
}

void grid_box(Grid *g, int x, int y, int w, int h, uint16_t style)
{
    int x1 = x + w - 1, y1 = y + h - 1;
    grid_fill(g, x, y, w, h, style);
    for (int cx = x + 1; cx < x1; cx++) { /* U+2500 and U+2502: light lines */
        grid_put(g, cx, y, x1, 0x2500, style);
        grid_put(g, cx, y1, x1, 0x2500, style);
    }
    for (int cy = y + 1; cy < y1; cy++) {
        grid_put(g, x, cy, x + 1, 0x2502, style);
        grid_put(g, x1, cy, x1 + 1, 0x2502, style);
    }
    grid_put(g, x, y, x + 1, 0x250C, style); /* the corners */
    grid_put(g, x1, y, x1 + 1, 0x2510, style);
    grid_put(g, x, y1, x + 1, 0x2514, style);
    grid_put(g, x1, y1, x1 + 1, 0x2518, style);
}

/* Attaches a combining mark to the character in the cell left of x (the left half when that
 * cell is the right half of a wide character). At most two marks are kept; what is not a
 * mark by grid_is_mark (ZWJ, VS15/VS16, skin tones) is dropped. */
static void attach_mark(Grid *g, int x, int y, uint32_t cp)
{
    if (y < 0 || y >= g->rows || x <= 0 || x > g->cols || !grid_is_mark(cp))
        return;
    Cell *row = grid_row(g, y);
    int px = x - 1;
    if (row[px].width == 0 && px > 0)
        px--;
    Cell *c = &row[px];
    if (c->comb[0] == 0)
        c->comb[0] = cp;
    else if (c->comb[1] == 0)
        c->comb[1] = cp;
}

static int put_escape(Grid *g, int x, int y, int lim, uint32_t cp, uint16_t style);

int grid_put(Grid *g, int x, int y, int max_x, uint32_t cp, uint16_t style)
{
    int w = utf8_width(cp);
    if (w < 0) /* not printable: never stored raw (the contract says callers don't do this) */
        return put_escape(g, x, y, max_x, cp, style);
    if (w == 0) {
        attach_mark(g, x, y, cp);
        return 0;
    }
    int lim = max_x < g->cols ? max_x : g->cols;
    if (y < 0 || y >= g->rows || x < 0 || x >= lim)
        return 0;
    Cell *row = grid_row(g, y);
    cell_claim(g, row, x);
    if (w == 2 && x + 1 >= lim) {
        row[x] = blank_cell(style); /* a wide character never straddles the edge */
        return 1;
    }
    row[x] = (Cell){.cp = cp, .comb = {0, 0}, .style = style, .width = (uint8_t)w, .pad = 0};
    if (w == 2) {
        cell_claim(g, row, x + 1);
        row[x + 1] = (Cell){.cp = 0, .comb = {0, 0}, .style = style, .width = 0, .pad = 0};
    }
    return w;
}

/* Draws the escaped form of cp, clipped at max_x; returns the columns it advanced. */
static int put_escape(Grid *g, int x, int y, int max_x, uint32_t cp, uint16_t style)
{
    char esc[UTF8_ESCAPE_MAX];
    int n = (int)utf8_escape(cp, esc);
    int drawn = 0;
    for (int i = 0; i < n; i++) {
        if (x + i >= max_x || x + i >= g->cols)
            break;
        grid_put(g, x + i, y, max_x, (unsigned char)esc[i], style);
        drawn++;
    }
    return drawn;
}

int grid_put_text(Grid *g, int x, int y, int max_x, const char *s, size_t len, uint16_t style,
                  uint16_t ctrl_style, int tab_origin, int tab_width)
{
    int lim = max_x < g->cols ? max_x : g->cols;
    if (y < 0 || y >= g->rows || x >= lim)
        return x; /* nothing drawn */
    bool drew = false; /* a combining mark needs a base drawn by this call */
    int kept = 0;      /* marks kept on that base */
    size_t i = 0;
    while (i < len && x < lim) {
        uint32_t cp;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) { /* ASCII fast path */
            cp = c;
            i++;
        } else {
            i += utf8_decode(s + i, len - i, &cp);
        }
        if (cp == '\t' && tab_width > 0) {
            int n = tab_columns(x - tab_origin, tab_width);
            for (int k = 0; k < n && x < lim; k++, x++)
                grid_put(g, x, y, lim, ' ', style);
            drew = true;
            kept = 0;
            continue;
        }
        int w = cp < 0x7F && cp >= 0x20 ? 1 : utf8_width(cp);
        if (w < 0) {
            x += put_escape(g, x, y, lim, cp, ctrl_style);
            drew = true;
            kept = 0;
        } else if (w == 0) {
            if (drew && kept < 2 && grid_is_mark(cp)) {
                attach_mark(g, x, y, cp);
                kept++;
            } else if (!drew || kept >= 2) {
                i = skip_marks(s, i, len); /* nothing more of the run can show */
            }
        } else {
            int used = grid_put(g, x, y, lim, cp, style);
            if (used == 0) { /* clipped: x < 0 or off the grid vertically */
                if (x < 0 && x + w > 0)
                    grid_put(g, 0, y, lim, ' ', style); /* the visible right half of a wide char */
                used = w;
            }
            x += used;
            drew = true;
            kept = 0;
        }
    }
    return x > lim ? lim : x; /* only a wide character cut by a negative x overshoots */
}

int grid_text_width(const char *s, size_t len, int start_col, int tab_width)
{
    int col = start_col;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) {
            col++;
            i++;
            continue;
        }
        i += utf8_decode(s + i, len - i, &cp);
        int w = grid_cp_cols(cp, col, tab_width);
        if (w == 0)
            i = skip_marks(s, i, len); /* as grid_put_text does: the same code points */
        col += w;
    }
    return col - start_col;
}
