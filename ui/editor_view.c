/* EditorView: draws a Buffer. State: top (first line shown) and left (first display column).
 * Both move minimally: only when the caret would leave the text area. Only the visible lines
 * are read, and each only up to the right edge (plus the bytes left of `left`). */
#include "ui/editor_view.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/utf8.h"
#include "themes/theme.h"

#define MIN_GUTTER_DIGITS 3

void editor_view_init(EditorView *v) { *v = (EditorView){0, 0}; }

/* A pane of one row shows a text line, not the title. */
size_t editor_view_text_rows(Rect r) { return r.h > 1 ? (size_t)(r.h - 1) : r.h == 1 ? 1 : 0; }

void view_put_hscrolled(Grid *g, int x, int y, int w, const char *s, size_t len, int left,
                        uint16_t style, uint16_t ctrl_style, int tab_width)
{
    if (w <= 0)
        return;
    int col = 0;
    size_t i = 0;
    /* Skip what lies left of the edge. */
    while (i < len && col < left) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = grid_cp_cols(cp, col, tab_width);
        if (col + cw > left) {
            /* Cut by the edge: draw it off to the side, keep the visible cells. */
            Cell cells[16];
            Grid tmp = {.cols = 16, .rows = 1, .cells = cells};
            grid_clear(&tmp, style);
            if (cp == '\t' || cw > 16) {
                /* a tab is spaces; nothing else is wider than an escape */
            } else {
                grid_put_text(&tmp, 0, 0, 16, s + i, n, style, ctrl_style, 0, 0);
            }
            int vis = col + cw - left;
            for (int k = 0; k < vis && k < w; k++) {
                const Cell *c = &cells[cw - vis + k];
                if (c->width == 0 || c->width == 2) /* a wide character's half: blank */
                    grid_fill(g, x + k, y, 1, 1, style);
                else
                    grid_put(g, x + k, y, x + w, c->cp, c->style);
            }
            i += n;
            col += cw;
            break;
        }
        i += n;
        col += cw;
    }
    /* Combining marks of a character hidden by the edge have no base on screen: skip them. */
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (utf8_width(cp) != 0)
            break;
        i += n;
    }
    int vx = x + (col - left);
    if (vx < x + w)
        grid_put_text(g, vx, y, x + w, s + i, len - i, style, ctrl_style, x - left, tab_width);
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

    int nd = digits(nlines);
    if (nd < MIN_GUTTER_DIGITS)
        nd = MIN_GUTTER_DIGITS;
    int gw = nd + 1;
    if (r.w < gw + 8) /* a very narrow pane keeps its columns for text */
        gw = 0;
    int tx = r.x + gw, tw = r.w - gw;
    int ty = r.y + (r.h > 1 ? 1 : 0);

    /* Vertical: scroll minimally to keep the caret's line in view. */
    if (v->top > cur.line)
        v->top = cur.line;
    if (cur.line >= v->top + (size_t)rows)
        v->top = cur.line - (size_t)rows + 1;

    /* Horizontal: the caret's display column and the width of what it sits on. */
    size_t clen;
    const char *cline = text_line(t, cur.line, &clen);
    int ccol = grid_text_width(cline, cur.col, 0, tabw);
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

    for (int i = 0; i < rows; i++) {
        size_t ln = v->top + (size_t)i;
        int y = ty + i;
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
            view_put_hscrolled(g, tx, y, tw, s, len, v->left, STYLE_TEXT, STYLE_CONTROL, tabw);
        }
    }
    if (place_cursor && tw > 0) {
        g->cursor_x = tx + ccol - v->left;
        g->cursor_y = ty + (int)(cur.line - v->top);
        g->cursor_visible = true;
    }
}
