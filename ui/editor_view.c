/* EditorView: draws a Buffer. State: top (first line shown) and left (first display column).
 * Both move minimally: only when the caret would leave the text area. Only the visible lines
 * are read, each only up to the right edge; what lies left of `left` is skipped through the
 * per-line cache (hs), and the caret's column comes from a cache too (see editor_view.h).
 *
 * Cache invariants: every entry is valid only for (key_buf, key_version, key_tabw); any
 * change of those clears them all. hs[ln % N], when its line is ln, holds a character
 * boundary `off` of line ln and the display column `col` there; an all-zero entry (0, 0) is
 * a valid start for any line. caret/caret_col, when caret_known, is a caret position and its
 * display column. Walking forward from such a point gives the same columns as walking from
 * the line's start (the width rule only depends on the column for tabs, and we carry it).
 *
 * With wrap on, the rows come from ui/editor_wrap.c (layout, the top row, the row index) and
 * are drawn here, gutter and decorations included; `left` stays 0 and hs is unused.
 *
 * Virtual rows (a provider's lines between buffer lines, editor_view_set_virtual) are drawn
 * above the line they belong to, the top line's included; `vskip` is how many of the top
 * line's were left out so that the caret's line fits, and clicks walk the rows the same way.
 * Their text is the model's: drawn through the same escaping as buffer text. */
#include "ui/editor_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "themes/theme.h"

#define MIN_GUTTER_DIGITS 3
#define CUT_CELLS 16 /* wide enough for any character but a tab: an escape is at most 10 */

void editor_view_init(EditorView *v) { memset(v, 0, sizeof *v); }

void editor_view_free(EditorView *v)
{
    free(v->spans.v);
    v->spans = (EditorSpans){0};
    editor_wrap_free(&v->wrapst);
    free(v->rows_scratch);
    v->rows_scratch = NULL;
    v->rows_cap = 0;
    free(v->virt_rows);
    v->virt_rows = NULL;
    v->virt_cap = 0;
}

void editor_view_set_virtual(EditorView *v, EditorVirtFn fn, void *ud)
{
    v->virt = fn;
    v->virt_ud = ud;
}

void editor_view_show_line(EditorView *v, size_t line, size_t rows_above)
{
    v->top = line > rows_above ? line - rows_above : 0;
    v->wrapst.top_known = false;
}

/* How many virtual rows go above line ln (0 without a provider). */
static size_t virt_count(const EditorView *v, const Buffer *b, size_t ln)
{
    return v->virt ? v->virt(v->virt_ud, b, ln, NULL, 0) : 0;
}

/* Fetches up to cap of them into v->virt_rows; returns how many there are in all. */
static size_t virt_fetch(EditorView *v, const Buffer *b, size_t ln, size_t cap)
{
    if (!v->virt)
        return 0;
    v->virt_rows = xgrow(v->virt_rows, &v->virt_cap, cap + 1, sizeof *v->virt_rows);
    return v->virt(v->virt_ud, b, ln, v->virt_rows, cap);
}

/* One virtual row at y: the gutter (blank, with the sign), the text in its style. */
static void draw_virt_row(Grid *g, int x, int gw, int tx, int tw, int y,
                          const EditorVirtLine *vl, int left, int tabw)
{
    if (gw) {
        grid_fill(g, x, y, gw, 1, STYLE_GUTTER);
        if (vl->sign && gw >= 2)
            grid_put_text(g, x + gw - 2, y, x + gw - 1, &vl->sign, 1, vl->style, vl->style, x, 0);
    }
    if (tw <= 0)
        return;
    grid_fill(g, tx, y, tw, 1, vl->style);
    view_put_hscrolled(g, tx, y, tw, vl->s, vl->len, left, vl->style, vl->style, tabw);
}

void editor_view_set_wrap(EditorView *v, bool on)
{
    if (v->wrap == on)
        return;
    v->wrap = on;
    v->left = 0;
    v->wrapst.top_row = 0;
    v->wrapst.top_off = 0;
    v->wrapst.top_known = false;
}

void editor_view_add_decor(EditorView *v, EditorDecorFn fn, void *ud, bool keep_control)
{
    BUG_ON(v->n_decor >= EDITOR_VIEW_MAX_DECOR);
    v->decor[v->n_decor++] = (EditorDecor){fn, ud, keep_control};
}

void editor_spans_add(EditorSpans *sp, size_t start, size_t end, uint16_t style)
{
    if (start >= end)
        return;
    sp->v = xgrow(sp->v, &sp->cap, sp->n + 1, sizeof *sp->v);
    sp->v[sp->n++] = (EditorSpan){start, end, style};
}

/* A pane of one row shows a text line, not the title. */
size_t editor_view_text_rows(Rect r) { return r.h > 1 ? (size_t)(r.h - 1) : r.h == 1 ? 1 : 0; }

/* From (*off, *col) (a boundary, *col <= left) to the first character that ends past left,
 * or the end. */
static void hscroll_seek(const char *s, size_t len, int left, int tab_width, size_t *off,
                         int *col)
{
    size_t i = *off;
    int c = *col;
    while (i < len && c < left) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f) { /* printable ASCII: one column */
            i++;
            c++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = grid_cp_cols(cp, c, tab_width);
        if (c + cw > left)
            break;
        i += n;
        c += cw;
    }
    *off = i;
    *col = c;
}

/* view_put_hscrolled from a known point: s[off] is a character boundary at display column
 * col, and col <= left is the column where hscroll_seek stopped for this left. */
static void put_from(Grid *g, int x, int y, int w, const char *s, size_t len, size_t i,
                     int col, int left, uint16_t style, uint16_t ctrl_style, int tab_width)
{
    if (w <= 0)
        return;
    if (i < len && col < left) {
        /* A character cut by the edge: draw it off to the side, keep the visible cells. */
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = grid_cp_cols(cp, col, tab_width);
        int vis = col + cw - left;
        if (cp == '\t' || cw > CUT_CELLS) {
            /* a tab is spaces (it can be wider than CUT_CELLS); nothing else is that wide */
            grid_fill(g, x, y, vis < w ? vis : w, 1, style);
        } else {
            Cell cells[CUT_CELLS];
            Grid tmp = {.cols = CUT_CELLS, .rows = 1, .cells = cells};
            grid_clear(&tmp, style);
            grid_put_text(&tmp, 0, 0, CUT_CELLS, s + i, n, style, ctrl_style, 0, 0);
            for (int k = 0; k < vis && k < w; k++) {
                const Cell *c = &cells[cw - vis + k];
                if (c->width == 0 || c->width == 2) /* a wide character's half: blank */
                    grid_fill(g, x + k, y, 1, 1, style);
                else
                    grid_put(g, x + k, y, x + w, c->cp, c->style);
            }
        }
        i += n;
        col += cw;
    }
    /* Combining marks of a character hidden by the edge have no base drawn by this call:
     * grid_put_text skips them. */
    int vx = x + (col - left);
    if (vx < x + w)
        grid_put_text(g, vx, y, x + w, s + i, len - i, style, ctrl_style, x - left, tab_width);
}

void view_put_hscrolled(Grid *g, int x, int y, int w, const char *s, size_t len, int left,
                        uint16_t style, uint16_t ctrl_style, int tab_width)
{
    size_t off = 0;
    int col = 0;
    hscroll_seek(s, len, left, tab_width, &off, &col);
    put_from(g, x, y, w, s, len, off, col, left, style, ctrl_style, tab_width);
}

/* Drops every cached position unless they are for this buffer state. */
static void cache_check(EditorView *v, const Buffer *b)
{
    uint64_t ver = buffer_version(b);
    int tabw = buffer_tab_width(b);
    if (v->key_buf == b && v->key_version == ver && v->key_tabw == tabw)
        return;
    v->key_buf = b;
    v->key_version = ver;
    v->key_tabw = tabw;
    v->caret_known = false;
    memset(v->hs, 0, sizeof v->hs);
    editor_wrap_forget(&v->wrapst);
}

/* True when line position pos starts a character: no continuation byte follows a character
 * boundary except as part of that character, so any other byte is one (cursor moves keep the
 * caret on boundaries; a caret set by hand may not be, and is then never walked from). */
static bool at_boundary(const char *s, size_t len, size_t pos)
{
    return pos >= len || ((unsigned char)s[pos] & 0xC0) != 0x80;
}

/* Display columns of s[from, to) starting at column col, decoding as buffer_cursor_display_col
 * does (from and to are boundaries). */
static int walk_cols(const char *s, size_t len, size_t from, size_t to, int col, int tab_width)
{
    size_t i = from;
    while (i < to) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f) { /* printable ASCII: one column */
            i++;
            col++;
            continue;
        }
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        col += grid_cp_cols(cp, col, tab_width);
    }
    return col;
}

int editor_view_caret_col(EditorView *v, const Buffer *b)
{
    cache_check(v, b);
    const Text *t = buffer_text(b);
    TextPos cur = text_clamp(t, buffer_cursor(b));
    if (v->caret_known && v->caret.line == cur.line && v->caret.col == cur.col)
        return v->caret_col;
    size_t len;
    const char *s = text_line(t, cur.line, &len);
    bool boundary = at_boundary(s, len, cur.col);
    if (v->caret_known && v->caret.line == cur.line && boundary) {
        if (cur.col > v->caret.col) { /* moved right: walk only what it passed */
            v->caret_col = walk_cols(s, len, v->caret.col, cur.col, v->caret_col, v->key_tabw);
            v->caret = cur;
            return v->caret_col;
        }
        if (!memchr(s + cur.col, '\t', v->caret.col - cur.col)) {
            /* moved left over no tab: the columns it passed do not depend on where they are */
            v->caret_col -= walk_cols(s, len, cur.col, v->caret.col, 0, v->key_tabw);
            v->caret = cur;
            return v->caret_col;
        }
    }
    v->caret = cur;
    v->caret_col = (int)buffer_cursor_display_col(b);
    v->caret_known = boundary;
    return v->caret_col;
}

/* Restyles the cells of row y that show the spans of each layer. (off, col) is where the
 * row's drawing started (a boundary at or before the `left` edge), so a span right of it is
 * measured from there; one left of it (rare: a span under the left edge) from column 0. */
static void decorate(EditorView *v, Grid *g, int x, int y, int w, const Buffer *b, size_t ln,
                     const char *s, size_t len, size_t off, int col, int tabw)
{
    Cell *row = grid_row(g, y);
    for (size_t k = 0; k < v->n_decor; k++) {
        const EditorDecor *d = &v->decor[k];
        v->spans.n = 0;
        d->fn(d->ud, b, ln, s, len, &v->spans);
        for (size_t i = 0; i < v->spans.n; i++) {
            const EditorSpan *sp = &v->spans.v[i];
            size_t start = sp->start < len ? sp->start : len;
            size_t end = sp->end < len ? sp->end : len;
            int c0 = start >= off ? walk_cols(s, len, off, start, col, tabw)
                                  : walk_cols(s, len, 0, start, 0, tabw);
            int c1 = walk_cols(s, len, start, end, c0, tabw);
            if (sp->end > len)
                c1++; /* the line break: one cell past the text */
            int x0 = x + c0 - v->left, x1 = x + c1 - v->left;
            if (x0 < x)
                x0 = x;
            if (x1 > x + w)
                x1 = x + w;
            for (int cx = x0; cx < x1; cx++)
                if (!d->keep_control || row[cx].style != STYLE_CONTROL)
                    row[cx].style = sp->style;
        }
    }
}

static int digits(size_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static void draw_title(Grid *g, Rect r, const Buffer *b)
{
    grid_fill(g, r.x, r.y, r.w, 1, STYLE_PANE_TITLE);
    const char *name = buffer_name(b);
    int end = r.x + r.w;
    int x = grid_put_text(g, r.x + 1, r.y, end, name, strlen(name), STYLE_PANE_TITLE, STYLE_CONTROL,
                          r.x + 1, 0);
    if (buffer_modified(b))
        grid_put_text(g, x, r.y, end, " [+]", 4, STYLE_PANE_TITLE, STYLE_CONTROL, x, 0);
}

/* The gutter's width for a text of nlines lines in r (0 in a very narrow pane, which keeps
 * its columns for text) and its digits. */
static int gutter_width(Rect r, size_t nlines, int *ndigits)
{
    int nd = digits(nlines);
    if (nd < MIN_GUTTER_DIGITS)
        nd = MIN_GUTTER_DIGITS;
    if (ndigits)
        *ndigits = nd;
    return r.w < nd + 1 + 8 ? 0 : nd + 1;
}

/* ---- soft wrap: drawing, decorations and clicks over editor_wrap.c's rows ---------------- */

/* The pane's text area as editor_view_draw laid it out. */
typedef struct WrapGeom {
    int x;        /* the pane's first column (the gutter's) */
    int gw, nd;   /* gutter width (0: none) and its digits */
    int tx, tw;   /* the text's first column and width (tw >= 1) */
    int ty, rows; /* the first text row and the number of text rows */
} WrapGeom;

/* One visible row of a frame. */
typedef struct WrapRow {
    int y;
    size_t start, end;
    bool last;  /* the line's last row */
} WrapRow;

static void wrap_gutter(Grid *g, const WrapGeom *geo, int y, size_t ln, bool first,
                   uint16_t gs)
{
    if (!geo->gw)
        return;
    grid_fill(g, geo->x, y, geo->gw, 1, gs);
    if (!first) /* a continuation row: the number is on the line's first row only */
        return;
    char num[32];
    int n = snprintf(num, sizeof num, "%*zu ", geo->nd, ln + 1);
    grid_put_text(g, geo->x, y, geo->x + geo->gw, num, (size_t)n, gs, gs, geo->x, 0);
}

/* The decoration layers over the visible rows of one line: each layer's spans are asked for
 * once per line and cut at the row boundaries. */
static void decorate_rows(EditorView *v, Grid *g, const WrapGeom *geo, const Buffer *b,
                          size_t ln, const char *s, size_t len, const WrapRow *rw, size_t n,
                          int tabw)
{
    for (size_t k = 0; k < v->n_decor; k++) {
        const EditorDecor *d = &v->decor[k];
        v->spans.n = 0;
        d->fn(d->ud, b, ln, s, len, &v->spans);
        for (size_t i = 0; i < v->spans.n; i++) {
            const EditorSpan *sp = &v->spans.v[i];
            size_t start = sp->start < len ? sp->start : len;
            size_t end = sp->end < len ? sp->end : len;
            for (size_t j = 0; j < n; j++) {
                const WrapRow *w = &rw[j];
                size_t lo = start > w->start ? start : w->start;
                size_t hi = end < w->end ? end : w->end;
                int c0 = -1, c1 = -1;
                if (lo < hi) {
                    c0 = editor_wrap_cols(s, len, w->start, lo, 0, tabw);
                    c1 = editor_wrap_cols(s, len, lo, hi, c0, tabw);
                }
                if (w->last && sp->end > len && start <= len) { /* the line break's cell */
                    int ce = editor_wrap_cols(s, len, w->start, len, 0, tabw);
                    if (c0 < 0)
                        c0 = ce;
                    c1 = ce + 1;
                }
                if (c0 < 0)
                    continue;
                if (c1 > geo->tw)
                    c1 = geo->tw;
                Cell *row = grid_row(g, w->y);
                for (int cx = geo->tx + c0; cx < geo->tx + c1; cx++)
                    if (!d->keep_control || row[cx].style != STYLE_CONTROL)
                        row[cx].style = sp->style;
            }
        }
    }
}

static void draw_wrapped(EditorView *v, Grid *g, const WrapGeom *geo, const Buffer *b,
                      bool place_cursor)
{
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    TextPos cur = text_clamp(t, buffer_cursor(b));
    int tabw = buffer_tab_width(b), tw = geo->tw, rows = geo->rows;
    (void)editor_view_caret_col(v, b); /* drops the caches when the buffer changed */
    v->left = 0;
    if (v->wrapst.top != v->top) { /* set from outside (another buffer's saved scroll) */
        v->wrapst.top = v->top;
        v->wrapst.top_row = 0;
        v->wrapst.top_known = false;
    }
    size_t cstart = editor_wrap_scroll(&v->wrapst, t, cur, rows, tw, tabw);
    v->top = v->wrapst.top;
    v->rows_scratch = xgrow(v->rows_scratch, &v->rows_cap, (size_t)rows + 1, sizeof(WrapRow));
    WrapRow *rw = v->rows_scratch;
    size_t ln = v->top, r = v->wrapst.top_row, st = v->wrapst.top_off;
    int i = 0;
    while (i < rows && ln <= nlines) {
        if (v->virt && r == 0) { /* not counted by the wrap arithmetic (see the header) */
            size_t room = (size_t)(rows - i);
            size_t nv = virt_fetch(v, b, ln, room);
            for (size_t k = 0; k < nv && k < room; k++, i++)
                draw_virt_row(g, geo->x, geo->gw, geo->tx, tw, geo->ty + i, &v->virt_rows[k], 0,
                              tabw);
        }
        if (i >= rows || ln == nlines)
            break;
        size_t len, n = 0;
        const char *s = text_line(t, ln, &len);
        uint16_t gs = ln == cur.line ? STYLE_GUTTER_CURRENT : STYLE_GUTTER;
        for (bool last = false; i < rows && !last; i++, r++) {
            int y = geo->ty + i;
            size_t e = editor_wrap_row_end(s, len, st, tw, tabw, &last);
            grid_fill(g, geo->x, y, geo->gw + tw, 1, STYLE_TEXT);
            wrap_gutter(g, geo, y, ln, r == 0, gs);
            grid_put_text(g, geo->tx, y, geo->tx + tw, s + st, e - st, STYLE_TEXT, STYLE_CONTROL,
                          geo->tx, tabw);
            rw[n++] = (WrapRow){y, st, e, last};
            if (place_cursor && ln == cur.line && st == cstart) {
                int cx = editor_wrap_cols(s, len, st, cur.col, 0, tabw);
                g->cursor_x = geo->tx + (cx < tw ? cx : tw - 1);
                g->cursor_y = y;
                g->cursor_visible = true;
            }
            st = e;
        }
        if (v->n_decor)
            decorate_rows(v, g, geo, b, ln, s, len, rw, n, tabw);
        ln++;
        r = 0;
        st = 0;
    }
    for (; i < rows; i++) {
        grid_fill(g, geo->x, geo->ty + i, geo->gw + tw, 1, STYLE_TEXT);
        if (geo->gw)
            grid_fill(g, geo->x, geo->ty + i, geo->gw, 1, STYLE_GUTTER);
    }
}

static TextPos pos_at_wrapped(const EditorView *v, const Buffer *b, const WrapGeom *geo,
                           int x, int y)
{
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    int tabw = buffer_tab_width(b), tw = geo->tw;
    TextPos end = {nlines - 1, text_line_len(t, nlines - 1)};
    size_t ln = v->top, len;
    if (ln >= nlines)
        return end;
    const char *s = text_line(t, ln, &len);
    size_t st = v->wrapst.top == v->top ? editor_wrap_top_start(&v->wrapst, t, tw, tabw) : 0;
    bool last;
    size_t e = editor_wrap_row_end(s, len, st, tw, tabw, &last);
    for (int i = y < geo->ty ? 0 : y - geo->ty; i > 0; i--) {
        if (last) {
            if (++ln >= nlines)
                return end;
            s = text_line(t, ln, &len);
            st = 0;
        } else {
            st = e;
        }
        e = editor_wrap_row_end(s, len, st, tw, tabw, &last);
    }
    /* The character covering the column; a click past a row's text lands on its last
     * character unless the row ends the line (then at the line's end). */
    int target = x < geo->tx ? 0 : x - geo->tx, col = 0;
    size_t i = st;
    while (i < e) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = grid_cp_cols(cp, col, tabw);
        if (col + cw > target)
            break;
        col += cw;
        i += n;
    }
    if (i == e && !last && e > st)
        i = utf8_prev(s, e);
    while (i > st && i < len) { /* never between a base and its combining marks */
        uint32_t cp;
        utf8_decode(s + i, len - i, &cp);
        if (!utf8_is_combining(cp))
            break;
        i = utf8_prev(s, i);
    }
    return (TextPos){ln, i};
}

bool editor_view_pos_at(const EditorView *v, const Buffer *b, Rect r, int x, int y,
                        TextPos *out)
{
    if (r.w <= 0 || r.h <= 0 || x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + r.h)
        return false;
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    int gw = gutter_width(r, nlines, NULL);
    int ty = r.y + (r.h > 1 ? 1 : 0);
    if (v->wrap && r.w - gw > 0) {
        int nd;
        gutter_width(r, nlines, &nd);
        WrapGeom geo = {r.x, gw, nd, r.x + gw, r.w - gw, ty, (int)editor_view_text_rows(r)};
        *out = pos_at_wrapped(v, b, &geo, x, y);
        return true;
    }
    int row = y < ty ? 0 : y - ty; /* the title row: the first text row */
    size_t line = v->top + (size_t)row;
    if (v->virt) { /* walk the rows as drawn: a virtual row is the start of the line below */
        size_t skip = v->vskip, at = 0;
        for (line = v->top; line < nlines; line++) {
            size_t n = virt_count(v, b, line);
            n = n > skip ? n - skip : 0;
            skip = 0;
            if ((size_t)row < at + n) {
                *out = (TextPos){line, 0};
                return true;
            }
            at += n;
            if ((size_t)row == at)
                break;
            at++;
        }
    }
    if (line >= nlines) {
        *out = (TextPos){nlines - 1, text_line_len(t, nlines - 1)};
        return true;
    }
    int target = (x < r.x + gw ? 0 : x - r.x - gw) + v->left;
    size_t len;
    const char *s = text_line(t, line, &len);
    int tabw = buffer_tab_width(b);
    /* The character covering the column: a click on a wide character's right half or
     * inside a tab lands in front of it, as in other editors. */
    size_t i = 0;
    int col = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int next = col + grid_cp_cols(cp, col, tabw);
        if (next > target)
            break;
        col = next;
        i += n;
    }
    /* never between a base and its combining marks */
    while (i > 0 && i < len) {
        uint32_t cp;
        utf8_decode(s + i, len - i, &cp);
        if (!utf8_is_combining(cp))
            break;
        i = utf8_prev(s, i);
    }
    *out = (TextPos){line, i};
    return true;
}

void editor_view_draw(EditorView *v, Grid *g, Rect r, const Buffer *b, bool place_cursor)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    int rows = (int)editor_view_text_rows(r);
    if (r.h > 1)
        draw_title(g, r, b);
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    TextPos cur = text_clamp(t, buffer_cursor(b));
    int tabw = buffer_tab_width(b);

    int nd;
    int gw = gutter_width(r, nlines, &nd);
    int tx = r.x + gw, tw = r.w - gw;
    int ty = r.y + (r.h > 1 ? 1 : 0);
    if (v->wrap && tw > 0) {
        WrapGeom geo = {r.x, gw, nd, tx, tw, ty, rows};
        draw_wrapped(v, g, &geo, b, place_cursor);
        return;
    }

    /* Vertical: scroll minimally to keep the caret's line in view. */
    if (v->top > cur.line)
        v->top = cur.line;
    if (cur.line >= v->top + (size_t)rows)
        v->top = cur.line - (size_t)rows + 1;
    /* Virtual rows take screen rows too: scroll down until the caret's line fits; when the
     * rows above the caret's own line alone do not fit, skip the first of them. */
    v->vskip = 0;
    if (v->virt) {
        size_t used = 0;
        for (size_t l = v->top; l <= cur.line; l++)
            used += virt_count(v, b, l) + 1;
        while (used > (size_t)rows && v->top < cur.line)
            used -= virt_count(v, b, v->top++) + 1;
        if (used > (size_t)rows)
            v->vskip = used - (size_t)rows;
    }

    /* Horizontal: the caret's display column and the width of what it sits on. */
    int ccol = editor_view_caret_col(v, b);
    size_t clen;
    const char *cline = text_line(t, cur.line, &clen);
    int cw = 1;
    if (cur.col < clen) {
        uint32_t cp;
        utf8_decode(cline + cur.col, clen - cur.col, &cp);
        if (cp != '\t')
            cw = utf8_display_width(cp);
        if (cw < 1)
            cw = 1;
    }
    if (cw > tw)
        cw = tw > 0 ? tw : 1;
    if (ccol < v->left)
        v->left = ccol;
    if (tw > 0 && ccol + cw > v->left + tw)
        v->left = ccol + cw - tw;
    if (v->left < 0)
        v->left = 0;

    int caret_y = -1;
    size_t ln = v->top, skip = v->vskip;
    for (int i = 0; i < rows; i++, ln++) {
        if (v->virt && ln <= nlines) {
            size_t room = (size_t)(rows - i) + skip;
            size_t n = virt_fetch(v, b, ln, room);
            for (size_t k = skip; k < n && k < room && i < rows; k++, i++)
                draw_virt_row(g, r.x, gw, tx, tw, ty + i, &v->virt_rows[k], v->left, tabw);
            skip = 0;
            if (i >= rows)
                break;
        }
        int y = ty + i;
        if (ln == cur.line)
            caret_y = y;
        grid_fill(g, r.x, y, r.w, 1, STYLE_TEXT);
        if (ln >= nlines) {
            if (gw)
                grid_fill(g, r.x, y, gw, 1, STYLE_GUTTER);
            continue;
        }
        if (gw) {
            char num[32];
            uint16_t gs = ln == cur.line ? STYLE_GUTTER_CURRENT : STYLE_GUTTER;
            int n = snprintf(num, sizeof num, "%*zu ", nd, ln + 1);
            grid_fill(g, r.x, y, gw, 1, gs);
            grid_put_text(g, r.x, y, r.x + gw, num, (size_t)n, gs, gs, r.x, 0);
        }
        if (tw > 0) {
            size_t len;
            const char *s = text_line(t, ln, &len);
            size_t off = 0;
            int col = 0;
            if (v->left > 0) {
                EditorHScroll *h = &v->hs[ln % EDITOR_VIEW_HSLOTS];
                if (h->line == ln && h->col <= v->left) { /* resume: O(columns scrolled) */
                    off = h->off;
                    col = h->col;
                }
                hscroll_seek(s, len, v->left, tabw, &off, &col);
                *h = (EditorHScroll){ln, off, col};
            }
            put_from(g, tx, y, tw, s, len, off, col, v->left, STYLE_TEXT, STYLE_CONTROL, tabw);
            if (v->n_decor)
                decorate(v, g, tx, y, tw, b, ln, s, len, off, col, tabw);
        }
    }
    if (place_cursor && tw > 0 && caret_y >= 0) {
        g->cursor_x = tx + ccol - v->left;
        g->cursor_y = caret_y;
        g->cursor_visible = true;
    }
}
