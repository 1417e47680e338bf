/* ModelWrap: the wrapping rules of the model pane's rows (see model_wrap.h).
 *
 * Prose (wrap_row) is greedy and depends only on the row's start and the width: break at the
 * last space when the next word fits on a row of its own, else hard-wrap; a wide character or
 * an escape (<U+202E>) is never split; combining marks never start a row of their own (except
 * in a run of more than ZW_MAX, below). A link's ']' breaks like a space (it is drawn as the
 * space between its text and url); markup hidden by the Markdown layout takes no column.
 * Code (wrap_code_row) breaks between tokens (md_code_row, ui/markdown_layout.h).
 *
 * Hostile text. A row is O(width) bytes to wrap and to draw, whatever the model sends: after
 * ZW_MAX zero-width code points without a column of progress the row breaks (so "x" and a
 * megabyte of U+0301 is a row with x and its marks, then rows of ZW_MAX marks each, drawn as
 * blank: a mark with no base on its row is not drawn), the breaking spaces skipped after a
 * row are at most one row's width (a megabyte of spaces is blank rows), and the check whether
 * an overflowing word fits a row of its own stops at the same limits.
 *
 * touched: a row that looked at the range's last byte (it ended there, or its break depended
 * on what follows) may change when the line grows; ModelRows keeps only the rows before the
 * first touched one of a streaming line. */
#include "ui/model_wrap.h"

#include "core/utf8.h"
#include "core/xalloc.h"
#include "ui/grid.h"
#include "ui/markdown_layout.h"

#define ZW_MAX 32 /* zero-width code points a row takes without column progress */

static size_t decode(const char *s, size_t i, size_t b, uint32_t *cp)
{
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x80) {
        *cp = ch;
        return 1;
    }
    return utf8_decode(s + i, b - i, cp);
}

/* One row starting at p (a <= p < b, or p == a == b for an empty segment). */
/* A breaking space: ' ', or a link's ']' (drawn as the space between its text and url). */
static bool brk_at(const char *s, size_t i, const uint8_t *attr, size_t a0)
{
    return s[i] == ' ' || (attr && s[i] == ']' && (attr[i - a0] & MD_A_URL));
}

static ModelRowSpan wrap_row(const char *s, size_t p, size_t b, int width, const uint8_t *attr,
                             size_t a0)
{
    ModelRowSpan r = {p, b, b, false};
    int col = 0, zw = 0; /* zw: zero-width code points since the last column of progress */
    size_t i = p;
    bool have_space = false, prev_space = false;
    size_t sp_start = 0, word_start = 0;
    while (i < b) {
        uint32_t cp;
        size_t n = decode(s, i, b, &cp);
        if (attr && (attr[i - a0] & MD_A_HIDE)) { /* markup: takes no column */
            i += n;
            continue;
        }
        int w = grid_cp_cols(cp, col, MODEL_WRAP_TAB_WIDTH);
        if (col + w > width && col > 0) {
            if (brk_at(s, i, attr, a0)) { /* break at this space run (at most a row's width) */
                size_t j = i, lim = i + (size_t)width;
                while (j < b && j < lim && brk_at(s, j, attr, a0))
                    j++;
                r.end = prev_space ? sp_start : i;
                r.next = j;
                r.touched = j == b;
                return r;
            }
            if (have_space) {
                /* Does the word that overflows fit on a row of its own? */
                int ww = 0, zw2 = 0;
                size_t j = word_start;
                while (j < b && !brk_at(s, j, attr, a0) && ww <= width) {
                    uint32_t c2;
                    size_t n2 = decode(s, j, b, &c2);
                    int w2 = attr && (attr[j - a0] & MD_A_HIDE)
                                 ? 0
                                 : grid_cp_cols(c2, ww, MODEL_WRAP_TAB_WIDTH);
                    if (w2 > 0)
                        zw2 = 0;
                    else if (++zw2 > ZW_MAX)
                        ww = width + 1; /* it would be broken within itself: it does not fit */
                    ww += w2;
                    j += n2;
                }
                if (ww <= width) {
                    r.end = sp_start;
                    r.next = word_start;
                    r.touched = j == b;
                    return r;
                }
            }
            r.end = r.next = i; /* hard wrap */
            return r;
        }
        if (w > 0) {
            zw = 0;
        } else if (++zw > ZW_MAX && i > p) {
            r.end = r.next = i; /* a run of marks: the row ends here, whatever follows */
            return r;
        }
        if (brk_at(s, i, attr, a0)) {
            if (!prev_space) {
                sp_start = i;
                have_space = sp_start > p; /* a space after some content */
            }
            word_start = i + 1;
            prev_space = true;
        } else if (w > 0) {
            prev_space = false;
        }
        col += w;
        i += n;
    }
    r.touched = true;
    return r;
}

static void rowvec_push(ModelRowVec *rv, ModelRowSpan r)
{
    rv->v = xgrow(rv->v, &rv->cap, rv->n + 1, sizeof *rv->v);
    rv->v[rv->n++] = r;
}

static ModelRowSpan wrap_code_row(const char *s, size_t p, size_t b, int width)
{
    ModelRowSpan r = {p, b, b, false};
    md_code_row(s, p, b, width, &r.end, &r.next, &r.touched);
    return r;
}

/* Appends the rows of base[p, b) to rv (a: the segment's start: its first row). */
void model_wrap_rows(ModelRowVec *rv, const char *base, size_t a, size_t p, size_t b,
                     const ModelWrapMode *m)
{
    if (p >= b || m->how == MODEL_WRAP_NONE) {
        if (rv->n == 0)
            rowvec_push(rv, (ModelRowSpan){p, b > p ? b : p, b > p ? b : p, true});
        return;
    }
    while (p < b) {
        int w = p == a ? m->w_first : m->w_cont;
        if (w < 1)
            w = 1;
        ModelRowSpan r = m->how == MODEL_WRAP_CODE ? wrap_code_row(base, p, b, w)
                                              : wrap_row(base, p, b, w, m->attr, m->a0);
        rowvec_push(rv, r);
        p = r.next;
    }
}
