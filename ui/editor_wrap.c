/* Soft wrap: the rows of a line and the wrapped scrolling state (see editor_wrap.h); the
 * drawing is editor_view.c's.
 *
 * A row is [start, end) of a line's bytes, both character boundaries; editor_wrap_row_end()
 * is the only rule that splits a line, and drawing, the caret, decorations and clicks all go
 * through it, so they agree. Invariants (while top_known, for the buffer state and tw):
 * top_off is the start of row top_row of line top. wi, when valid, holds row starts of line
 * wi.line in order, start[k] of row k * EDITOR_WRAP_STRIDE. Both are dropped together
 * (editor_wrap_forget, from editor_view.c's cache_check) and when the width changes. */
#include "ui/editor_wrap.h"

#include <stdlib.h>

#include "core/utf8.h"
#include "core/xalloc.h"
#include "ui/grid.h"

/* Decodes the character at s[i]: its byte length, and its columns at row column c. */
static size_t char_at(const char *s, size_t len, size_t i, int c, int tabw, int *cw)
{
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch < 0x7f) { /* printable ASCII: one column */
        *cw = 1;
        return 1;
    }
    uint32_t cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    *cw = grid_cp_cols(cp, c, tabw);
    return n;
}

/* The row that starts at `start`: returns its end; *last when no row follows. Zero-width
 * characters after a full row stay on it (a mark never starts a row). */
size_t editor_wrap_row_end(const char *s, size_t len, size_t start, int tw, int tabw, bool *last)
{
    size_t i = start;
    int c = 0;
    while (i < len) {
        int cw;
        size_t n = char_at(s, len, i, c, tabw, &cw);
        if (c + cw > tw && i > start)
            break;
        i += n;
        c += cw;
    }
    *last = i == len && c < tw;
    return i;
}

/* Row-relative columns of s[from, to) starting at column col. */
int editor_wrap_cols(const char *s, size_t len, size_t from, size_t to, int col, int tabw)
{
    while (from < to) {
        int cw;
        from += char_at(s, len, from, col, tabw, &cw);
        col += cw;
    }
    return col;
}

/* Walks from row *row starting at *st up to row `want` or the last row. */
static void walk_to_row(const char *s, size_t len, size_t want, int tw, int tabw, size_t *row,
                        size_t *st)
{
    while (*row < want) {
        bool last;
        size_t e = editor_wrap_row_end(s, len, *st, tw, tabw, &last);
        if (last)
            return;
        *st = e;
        ++*row;
    }
}

static void index_reset(EditorWrapIndex *w, size_t ln)
{
    w->valid = true;
    w->line = ln;
    w->start = xgrow(w->start, &w->cap, 1, sizeof *w->start);
    w->start[0] = 0;
    w->n = 1;
    w->complete = false;
}

/* The row of line ln holding byte pos (the last row that starts at or before it): its index
 * and start, through the index, which grows as rows are walked. */
static void locate(EditorWrap *v, size_t ln, const char *s, size_t len, size_t pos, int tw,
                   int tabw, size_t *row, size_t *rstart)
{
    EditorWrapIndex *w = &v->wi;
    if (!w->valid || w->line != ln)
        index_reset(w, ln);
    size_t lo = 0, hi = w->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->start[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    size_t r = lo * EDITOR_WRAP_STRIDE, st = w->start[lo];
    for (;;) {
        bool last;
        size_t e = editor_wrap_row_end(s, len, st, tw, tabw, &last);
        if (last) {
            w->complete = true;
            break;
        }
        if (e > pos)
            break;
        st = e;
        r++;
        if (r % EDITOR_WRAP_STRIDE == 0 && r / EDITOR_WRAP_STRIDE == w->n) {
            w->start = xgrow(w->start, &w->cap, w->n + 1, sizeof *w->start);
            w->start[w->n++] = st;
        }
    }
    *row = r;
    *rstart = st;
}

/* The start of row `want` of line ln (or of its last row, *row says which). */
static size_t row_start(EditorWrap *v, size_t ln, const char *s, size_t len, size_t want,
                        int tw, int tabw, size_t *row)
{
    size_t r = 0, st = 0;
    if (v->wi.valid && v->wi.line == ln && v->wi.n > 1) {
        size_t k = want / EDITOR_WRAP_STRIDE;
        if (k >= v->wi.n)
            k = v->wi.n - 1;
        r = k * EDITOR_WRAP_STRIDE;
        st = v->wi.start[k];
    }
    walk_to_row(s, len, want, tw, tabw, &r, &st);
    *row = r;
    return st;
}

static size_t rows_of(const char *s, size_t len, int tw, int tabw)
{
    size_t r = 0, st = 0;
    walk_to_row(s, len, (size_t)-1, tw, tabw, &r, &st);
    return r + 1;
}

/* Is the caret's row (cline, cstart) among the first `rows` rows from the top? O(rows). */
static bool caret_in_view(const EditorWrap *v, const Text *t, size_t cline, size_t cstart,
                          int rows, int tw, int tabw)
{
    size_t ln = v->top, st = v->top_off;
    for (int i = 0; i < rows; i++) {
        if (ln == cline && st == cstart)
            return true;
        if (ln > cline || ln >= text_line_count(t))
            return false;
        size_t len;
        const char *s = text_line(t, ln, &len);
        bool last;
        size_t e = editor_wrap_row_end(s, len, st, tw, tabw, &last);
        if (last) {
            ln++;
            st = 0;
        } else {
            st = e;
        }
    }
    return false;
}

/* Scrolls so that the caret's row (crow of cline) is the last row shown: the rows above it
 * come from the lines before, each walked whole (only when the view scrolls down). */
static void scroll_to_bottom(EditorWrap *v, const Text *t, size_t cline, size_t crow,
                             int rows, int tw, int tabw)
{
    size_t need = (size_t)rows - 1, len, got;
    const char *s;
    if (crow >= need) {
        s = text_line(t, cline, &len);
        v->top = cline;
        v->top_row = crow - need;
        v->top_off = row_start(v, cline, s, len, v->top_row, tw, tabw, &got);
        return;
    }
    need -= crow;
    for (size_t ln = cline; ln-- > 0;) {
        s = text_line(t, ln, &len);
        size_t nr = rows_of(s, len, tw, tabw);
        if (nr >= need) {
            v->top = ln;
            v->top_row = nr - need;
            v->top_off = row_start(v, ln, s, len, v->top_row, tw, tabw, &got);
            return;
        }
        need -= nr;
    }
    v->top = 0;
    v->top_row = 0;
    v->top_off = 0;
}

void editor_wrap_free(EditorWrap *v)
{
    free(v->wi.start);
    *v = (EditorWrap){0};
}

void editor_wrap_forget(EditorWrap *v)
{
    v->top_known = false;
    v->wi.valid = false;
}

size_t editor_wrap_scroll(EditorWrap *v, const Text *t, TextPos cur, int rows, int tw, int tabw)
{
    size_t nlines = text_line_count(t);
    if (v->tw != tw) {
        v->tw = tw;
        editor_wrap_forget(v);
    }
    size_t clen, crow, cstart;
    const char *cs = text_line(t, cur.line, &clen);
    locate(v, cur.line, cs, clen, cur.col, tw, tabw, &crow, &cstart);
    if (v->top >= nlines) {
        v->top = nlines - 1;
        v->top_known = false;
    }
    if (!v->top_known) { /* after an edit or a resize: the top row's start, once */
        size_t len;
        const char *s = text_line(t, v->top, &len);
        v->top_off = row_start(v, v->top, s, len, v->top_row, tw, tabw, &v->top_row);
        v->top_known = true;
    }
    if (cur.line < v->top || (cur.line == v->top && crow < v->top_row)) {
        v->top = cur.line;
        v->top_row = crow;
        v->top_off = cstart;
    } else if (!caret_in_view(v, t, cur.line, cstart, rows, tw, tabw)) {
        scroll_to_bottom(v, t, cur.line, crow, rows, tw, tabw);
    }
    return cstart;
}

size_t editor_wrap_top_start(const EditorWrap *v, const Text *t, int tw, int tabw)
{
    size_t len;
    const char *s = text_line(t, v->top, &len);
    if (v->top_known && v->tw == tw && v->top_off <= len)
        return v->top_off;
    size_t r = 0, st = 0; /* the text changed since the draw */
    walk_to_row(s, len, v->top_row, tw, tabw, &r, &st);
    return st;
}
