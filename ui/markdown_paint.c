/* MdPaint: one rendered row of an answer (see markdown_paint.h). */
#include "ui/markdown_paint.h"

#include <string.h>

#include "core/utf8.h"
#include "themes/theme.h"

#define TAB_W 4
#define CONT_MARK "\xe2\x86\xaa" /* ↪ */

static bool first_row(const MdPaint *p) { return p->row_start == p->line_start; }

static uint16_t attr_style(const MdLine *ml, uint8_t a)
{
    if (a & MD_A_CODE)
        return STYLE_MD_CODE;
    if (a & MD_A_URL)
        return STYLE_MD_URL;
    if (a & MD_A_LINK)
        return STYLE_MD_LINK;
    if (ml->style == STYLE_MD_HEADING)
        return STYLE_MD_HEADING;
    if (a & MD_A_STRONG)
        return STYLE_MD_STRONG;
    if (a & MD_A_EMPH)
        return STYLE_MD_EMPH;
    if (a & MD_A_STRIKE)
        return STYLE_MD_URL;
    return ml->style;
}

static int put_str(const MdPaint *p, int x, const char *s, size_t n, uint16_t style)
{
    return grid_put_text(p->g, x, p->y, p->max_x, s, n, style, STYLE_CONTROL, x, 0);
}

/* Bytes [a, b) of the line with their attributes (hidden ones skipped) from x. */
static int put_styled(const MdPaint *p, int x, size_t a, size_t b, int tab_origin,
                      uint16_t force)
{
    const MdLine *ml = p->ml;
    const uint8_t *attr = ml->attr; /* indexed from the line's start */
    size_t ls = p->line_start, i = a;
    while (i < b && x < p->max_x) {
        uint8_t at = attr ? attr[i - ls] : 0;
        size_t j = i + 1;
        while (j < b && (attr ? attr[j - ls] : 0) == at)
            j++;
        while (j < b && ((unsigned char)p->text[j] & 0xC0) == 0x80)
            j++;
        if ((at & MD_A_URL) && p->text[i] == ']') { /* "text](url)" shows "text (url)" */
            x = put_str(p, x, " ", 1, STYLE_MD_URL);
            i++;
            continue;
        }
        if (!(at & MD_A_HIDE))
            x = grid_put_text(p->g, x, p->y, p->max_x, p->text + i, j - i,
                              force ? force : attr_style(ml, at), STYLE_CONTROL, tab_origin,
                              TAB_W);
        i = j;
    }
    return x;
}

static void paint_table(const MdPaint *p)
{
    const MdLine *ml = p->ml;
    const char *s = p->text + p->line_start;
    size_t n = p->line_end - p->line_start;
    int x = p->x;
    if (ml->block.kind == MD_TABLE_SEP) {
        x = put_str(p, x, "\xe2\x94\x9c", 3, STYLE_MD_TABLE); /* ├ */
        for (int c = 0; c < ml->ncols; c++) {
            for (int k = 0; k < ml->colw[c] + 2; k++)
                x = put_str(p, x, "\xe2\x94\x80", 3, STYLE_MD_TABLE); /* ─ */
            x = put_str(p, x, c + 1 < ml->ncols ? "\xe2\x94\xbc" : "\xe2\x94\xa4", 3,
                        STYLE_MD_TABLE); /* ┼ ┤ */
        }
        return;
    }
    MdCell cells[MD_TABLE_COLS];
    size_t nc = md_table_cells(s, n, cells, MD_TABLE_COLS);
    x = put_str(p, x, "\xe2\x94\x82", 3, STYLE_MD_TABLE); /* │ */
    for (int c = 0; c < ml->ncols; c++) {
        int w = 0;
        size_t a = 0, b = 0;
        if ((size_t)c < nc) {
            a = p->line_start + cells[c].start;
            b = p->line_start + cells[c].end;
            w = md_text_width(s, cells[c].start, cells[c].end, ml->attr);
        }
        int pad = ml->colw[c] - w, left = ml->align[c] == 'r'   ? pad
                                          : ml->align[c] == 'c' ? pad / 2
                                                                : 0;
        x += 1 + left;
        if (b > a)
            x = put_styled(p, x, a, b, x, ml->header ? STYLE_MD_STRONG : 0);
        x += pad - left + 1;
        x = put_str(p, x, "\xe2\x94\x82", 3, STYLE_MD_TABLE);
    }
}

/* The byte of [a, b) where column col (from a) is reached: sideways scrolling. */
static size_t skip_cols(const char *s, size_t a, size_t b, int cols, int *got)
{
    int col = 0;
    size_t i = a;
    while (i < b && col < cols) {
        uint32_t cp;
        size_t n = (unsigned char)s[i] < 0x80 ? (cp = (unsigned char)s[i], 1)
                                              : utf8_decode(s + i, b - i, &cp);
        col += grid_cp_cols(cp, col, TAB_W);
        i += n;
    }
    while (i < b && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    *got = col;
    return i;
}

static int paint_code_bytes(const MdPaint *p, int x, int tx, size_t from, size_t to)
{
    const char *text = p->text;
    uint16_t base = STYLE_MODEL_CODE;
    if (p->ml->diff) {
        char c0 = p->line_end > p->line_start ? text[p->line_start] : ' ';
        base = c0 == '+' ? STYLE_DIFF_ADD : c0 == '-' ? STYLE_DIFF_REMOVE
               : c0 == '@' ? STYLE_SYN_HUNK : STYLE_MODEL_CODE;
        return grid_put_text(p->g, x, p->y, p->max_x, text + from, to - from, base,
                             STYLE_CONTROL, tx, TAB_W);
    }
    const SyntaxTokens *tk =
        p->syntax ? syntax_view_code_line(p->syntax, p->key, p->entry, text, p->text_len,
                                          p->fence_start, p->line_start, p->line_end)
                  : NULL;
    size_t pos = from;
    for (size_t i = 0; tk && i < tk->n && pos < to && x < p->max_x; i++) {
        size_t ts = p->line_start + tk->v[i].start, te = p->line_start + tk->v[i].end;
        if (te <= pos)
            continue;
        if (ts >= to)
            break;
        if (ts > pos) {
            x = grid_put_text(p->g, x, p->y, p->max_x, text + pos, ts - pos, base,
                              STYLE_CONTROL, tx, TAB_W);
            pos = ts;
        }
        size_t e = te < to ? te : to; /* tokens end on a character boundary */
        while (e < to && ((unsigned char)text[e] & 0xC0) == 0x80)
            e++;
        x = grid_put_text(p->g, x, p->y, p->max_x, text + pos, e - pos,
                          syntax_view_style((SyntaxClass)tk->v[i].cls), STYLE_CONTROL, tx,
                          TAB_W);
        pos = e;
    }
    if (pos < to && x < p->max_x)
        x = grid_put_text(p->g, x, p->y, p->max_x, text + pos, to - pos, base, STYLE_CONTROL,
                          tx, TAB_W);
    return x;
}

static void paint_code(const MdPaint *p)
{
    int x = p->x;
    if (p->bce)
        grid_fill(p->g, p->x, p->y, p->max_x - p->x, 1, STYLE_MODEL_CODE);
    if (p->ml->kind == MDL_FENCE) {
        x = grid_put_text(p->g, x, p->y, p->max_x, p->text + p->row_start,
                          p->row_end - p->row_start, STYLE_MODEL_CODE, STYLE_CONTROL, x, TAB_W);
        return;
    }
    if (!p->code_scroll) {
        if (!first_row(p))
            x = put_str(p, x, CONT_MARK, 3, STYLE_MD_MARK);
        paint_code_bytes(p, x, x, p->row_start, p->row_end);
        return;
    }
    int got = 0;
    size_t from = skip_cols(p->text, p->row_start, p->row_end, p->hscroll, &got);
    int tx = x - got; /* tabs keep their columns */
    int end = paint_code_bytes(p, x, tx, from, p->row_end);
    if (from > p->row_start && p->max_x > p->x)
        put_str(p, p->x, "\xe2\x80\xb9", 3, STYLE_MD_MARK); /* ‹ */
    if (end >= p->max_x && p->max_x > p->x) { /* more to the right? (O(width), not O(line)) */
        int avail = p->max_x - x, w = 0;
        size_t past = skip_cols(p->text, from, p->row_end, avail, &w);
        if (w > avail || past < p->row_end)
            put_str(p, p->max_x - 1, "\xe2\x80\xba", 3, STYLE_MD_MARK); /* › */
    }
}

void md_paint_row(const MdPaint *p)
{
    const MdLine *ml = p->ml;
    int x = p->x;
    switch (ml->kind) {
    case MDL_CODE:
    case MDL_FENCE:
        paint_code(p);
        return;
    case MDL_TABLE:
        paint_table(p);
        return;
    case MDL_HR:
        x = put_str(p, x, ml->deco, ml->deco_len, ml->deco_style);
        while (x < p->max_x)
            x = put_str(p, x, "\xe2\x94\x80", 3, STYLE_MD_MARK);
        return;
    case MDL_RAW:
        grid_put_text(p->g, x, p->y, p->max_x, p->text + p->row_start,
                      p->row_end - p->row_start, ml->style, STYLE_CONTROL, x, TAB_W);
        return;
    case MDL_PROSE:
        break;
    }
    if (first_row(p))
        x = put_str(p, x, ml->deco, ml->deco_len, ml->deco_style);
    else
        x = put_str(p, x, ml->cont, ml->cont_len, ml->deco_style);
    put_styled(p, x, p->row_start, p->row_end, x, 0);
}

int md_paint_x(const MdPaint *p, size_t off)
{
    const MdLine *ml = p->ml;
    const char *s = p->text;
    if (off > p->row_end)
        off = p->row_end;
    if (off < p->row_start)
        off = p->row_start;
    switch (ml->kind) {
    case MDL_PROSE: {
        int x = p->x + (first_row(p) ? ml->deco_w : ml->cont_w);
        return x + md_text_width(s + p->line_start, p->row_start - p->line_start,
                                 off - p->line_start, ml->attr);
    }
    case MDL_CODE:
        if (p->code_scroll)
            return p->x + grid_text_width(s + p->row_start, off - p->row_start, 0, TAB_W) -
                   p->hscroll;
        return p->x + (first_row(p) ? 0 : 1) +
               grid_text_width(s + p->row_start, off - p->row_start, 0, TAB_W);
    case MDL_TABLE: {
        /* the cell holding off, then the columns into it */
        MdCell cells[MD_TABLE_COLS];
        size_t nc = md_table_cells(s + p->line_start, p->line_end - p->line_start, cells,
                                   MD_TABLE_COLS);
        int x = p->x + 1;
        for (int c = 0; c < ml->ncols && (size_t)c < nc; c++) {
            size_t a = p->line_start + cells[c].start, b = p->line_start + cells[c].end;
            int w = md_text_width(s + p->line_start, cells[c].start, cells[c].end, ml->attr);
            int pad = ml->colw[c] - w, left = ml->align[c] == 'r'   ? pad
                                              : ml->align[c] == 'c' ? pad / 2
                                                                    : 0;
            if (off < b || c + 1 == ml->ncols) {
                size_t o = off < a ? a : off > b ? b : off;
                return x + 1 + left +
                       md_text_width(s + p->line_start, cells[c].start, o - p->line_start,
                                     ml->attr);
            }
            x += ml->colw[c] + 3;
        }
        return x;
    }
    default:
        return p->x + grid_text_width(s + p->row_start, off - p->row_start, 0, TAB_W);
    }
}
