/* MdLine: a line's layout for the answer pane (see markdown_layout.h).
 *
 * Tables. A table row looks at its neighbours (up to MD_TABLE_SCAN lines each way, each at
 * most MD_LINE_MAX bytes) to find the column widths; the table is aligned only when it has a
 * delimiter row, at most MD_TABLE_COLS columns, and fits the width with its borders. While a
 * table streams in, a new wider row re-aligns the rows above it (they are re-laid out every
 * frame, at O(table) each, bounded by the limits above). */
#define _GNU_SOURCE /* memrchr */
#include "ui/markdown_layout.h"

#include <string.h>

#include "core/utf8.h"
#include "themes/theme.h"
#include "ui/grid.h"

#define TAB_W 4
#define CODE_ZW_MAX 32 /* zero-width code points a code row takes without column progress */

static size_t decode(const char *s, size_t i, size_t b, uint32_t *cp)
{
    if ((unsigned char)s[i] < 0x80) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    return utf8_decode(s + i, b - i, cp);
}

static int char_class(uint32_t cp)
{
    if (cp == ' ' || cp == '\t')
        return 0;
    if (cp >= 0x80 || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
        (cp >= 'A' && cp <= 'Z') || cp == '_' || cp == '$')
        return 1;
    return 2;
}

void md_code_row(const char *s, size_t p, size_t b, int width, size_t *end, size_t *next,
                 bool *touched)
{
    int col = 0, zw = 0, prev_cls = -1;
    size_t i = p, brk = p;
    *touched = false;
    while (i < b) {
        uint32_t cp;
        size_t n = decode(s, i, b, &cp);
        int w = grid_cp_cols(cp, col, TAB_W);
        int cls = w == 0 && prev_cls >= 0 ? prev_cls : char_class(cp);
        if (i > p && cls != prev_cls && w > 0)
            brk = i;
        if (col + w > width && col > 0) {
            size_t e = brk > p ? brk : i, j = e, lim = e + (size_t)width;
            while (j < b && j < lim && (s[j] == ' ' || s[j] == '\t'))
                j++; /* spaces at a break end the row (not drawn), not start the next */
            *end = e;
            *next = j;
            *touched = j == b;
            return;
        }
        if (w > 0) {
            zw = 0;
        } else if (++zw > CODE_ZW_MAX && i > p) {
            *end = *next = i;
            return;
        }
        prev_cls = cls;
        col += w;
        i += n;
    }
    *end = *next = b;
    *touched = true;
}

int md_text_width(const char *s, size_t a, size_t b, const uint8_t *attr)
{
    int col = 0;
    size_t i = a;
    while (i < b) {
        uint32_t cp;
        size_t n = decode(s, i, b, &cp);
        if (!attr || !(attr[i] & MD_A_HIDE))
            col += grid_cp_cols(cp, col, TAB_W);
        i += n;
    }
    return col;
}

static void deco_put(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n < MD_DECO_MAX) {
        memcpy(buf + *len, s, n);
        *len += n;
        buf[*len] = '\0';
    }
}

static bool lang_is(const MdLineIn *in, const char *name)
{
    size_t n = strlen(name);
    return in->lang_len == n && in->lang && strncmp(in->lang, name, n) == 0;
}

/* The line before / after [a, b) in text, if any. Only MD_LINE_MAX + 1 bytes are looked at:
 * a longer line comes back as a range longer than MD_LINE_MAX (never a table row), so a
 * table next to a megabyte line costs O(table), not O(megabyte). */
static bool line_before(const char *t, size_t a, size_t *pa, size_t *pb)
{
    if (a == 0)
        return false;
    size_t e = a - 1, look = e < MD_LINE_MAX + 1 ? e : MD_LINE_MAX + 1;
    const char *nl = look ? memrchr(t + e - look, '\n', look) : NULL;
    *pa = nl ? (size_t)(nl - t) + 1 : e - look;
    if (!nl && e - look > 0)
        *pa = e - look - 1; /* longer than MD_LINE_MAX + 1: not a table row */
    *pb = e;
    return true;
}

static bool line_after(const char *t, size_t len, size_t b, size_t *na, size_t *nb)
{
    if (b >= len || b + 1 >= len)
        return false;
    size_t s = b + 1, look = len - s < MD_LINE_MAX + 1 ? len - s : MD_LINE_MAX + 1;
    const char *nl = memchr(t + s, '\n', look);
    *na = s;
    *nb = nl ? (size_t)(nl - t) : s + look == len ? len : s + look + 1;
    return true;
}

static MdKind table_kind(const char *t, size_t a, size_t b)
{
    if (b - a > MD_LINE_MAX)
        return MD_PARA;
    MdBlock bl;
    md_block(t + a, b - a, &bl);
    return bl.quote ? MD_PARA : bl.kind;
}

/* Folds row [a, b) into the column widths; false if it has too many columns. */
static bool table_measure(const char *t, size_t a, size_t b, int *colw, int *ncols)
{
    MdCell cells[MD_TABLE_COLS];
    size_t n = md_table_cells(t + a, b - a, cells, MD_TABLE_COLS);
    if (n > MD_TABLE_COLS)
        return false;
    uint8_t attr[MD_LINE_MAX];
    md_inline(t + a, b - a, attr);
    for (size_t k = 0; k < n; k++) {
        int w = md_text_width(t + a, cells[k].start, cells[k].end, attr);
        if (w > colw[k])
            colw[k] = w;
    }
    if ((int)n > *ncols)
        *ncols = (int)n;
    return true;
}

static bool table_layout(const MdLineIn *in, MdLine *out)
{
    const char *t = in->text;
    size_t top = in->start, a, b;
    int up = 0;
    while (up < MD_TABLE_SCAN && line_before(t, top, &a, &b)) {
        MdKind k = table_kind(t, a, b);
        if (k != MD_TABLE && k != MD_TABLE_SEP)
            break;
        top = a;
        up++;
    }
    if (up == MD_TABLE_SCAN && line_before(t, top, &a, &b)) {
        MdKind k = table_kind(t, a, b);
        if (k == MD_TABLE || k == MD_TABLE_SEP)
            return false; /* too long to align */
    }
    int colw[MD_TABLE_COLS] = {0}, ncols = 0;
    bool have_sep = false;
    size_t la = top, lb;
    const char *nl = memchr(t + la, '\n', in->text_len - la);
    lb = nl ? (size_t)(nl - t) : in->text_len;
    for (int i = 0; i <= 2 * MD_TABLE_SCAN + 1; i++) {
        if (i == 2 * MD_TABLE_SCAN + 1)
            return false;
        MdKind k = table_kind(t, la, lb);
        if (k == MD_TABLE_SEP) {
            if (!have_sep) {
                MdCell cells[MD_TABLE_COLS];
                size_t n = md_table_cells(t + la, lb - la, cells, MD_TABLE_COLS);
                for (size_t c = 0; c < n && c < MD_TABLE_COLS; c++)
                    out->align[c] = md_table_align(t + la, &cells[c]);
                if (la > in->start && line_before(t, la, &a, &b) && a == in->start)
                    out->header = true;
            }
            have_sep = true;
        } else if (k == MD_TABLE) {
            if (!table_measure(t, la, lb, colw, &ncols))
                return false;
        } else {
            break;
        }
        if (!line_after(t, in->text_len, lb, &la, &lb))
            break;
    }
    if (!have_sep || ncols == 0)
        return false;
    int total = 1;
    for (int c = 0; c < ncols; c++)
        total += colw[c] + 3;
    if (total > in->width)
        return false;
    out->ncols = ncols;
    memcpy(out->colw, colw, sizeof colw);
    for (int c = 0; c < ncols; c++)
        if (!out->align[c])
            out->align[c] = 'l';
    return true;
}

void md_line_layout(const MdLineIn *in, uint8_t *attr, MdLine *out)
{
    memset(out, 0, sizeof *out);
    out->style = STYLE_MODEL_TEXT;
    out->deco_style = STYLE_MD_MARK;
    size_t n = in->end - in->start;
    const char *s = in->text + in->start;
    if (in->fence) {
        out->kind = MDL_FENCE;
        out->style = STYLE_MODEL_CODE;
        return;
    }
    if (in->code || in->patch) {
        out->kind = MDL_CODE;
        out->style = STYLE_MODEL_CODE;
        out->diff = in->patch || lang_is(in, "diff") || lang_is(in, "patch") ||
                    lang_is(in, "udiff");
        return;
    }
    if (n > MD_LINE_MAX) {
        out->kind = MDL_RAW;
        return;
    }
    md_block(s, n, &out->block);
    const MdBlock *bl = &out->block;
    out->kind = MDL_PROSE;
    memset(attr, MD_A_HIDE, bl->prefix);
    md_inline(s + bl->prefix, n - bl->prefix, attr + bl->prefix);
    out->attr = attr;
    for (int q = 0; q < bl->quote && q < 8; q++) {
        deco_put(out->deco, &out->deco_len, "\xe2\x94\x82 "); /* │ */
        deco_put(out->cont, &out->cont_len, "\xe2\x94\x82 ");
    }
    if (bl->quote) {
        out->style = STYLE_MD_QUOTE;
        out->deco_style = STYLE_MD_QUOTE;
    }
    switch (bl->kind) {
    case MD_HEADING:
        out->style = STYLE_MD_HEADING;
        break;
    case MD_BULLET:
    case MD_ORDERED: {
        static const char *const bullets[3] = {"\xe2\x80\xa2 ", "\xe2\x97\xa6 ", "\xe2\x96\xaa "};
        int ind = bl->indent < 8 ? bl->indent : 8;
        for (int i = 0; i < ind; i++) {
            deco_put(out->deco, &out->deco_len, "  ");
            deco_put(out->cont, &out->cont_len, "  ");
        }
        if (bl->kind == MD_BULLET) {
            deco_put(out->deco, &out->deco_len, bullets[ind % 3]);
            deco_put(out->cont, &out->cont_len, "  ");
        } else {
            deco_put(out->deco, &out->deco_len, bl->marker);
            deco_put(out->deco, &out->deco_len, " ");
            for (size_t i = 0; i <= strlen(bl->marker); i++)
                deco_put(out->cont, &out->cont_len, " ");
        }
        break;
    }
    case MD_HR:
        out->kind = MDL_HR;
        break;
    case MD_TABLE:
    case MD_TABLE_SEP:
        if (!bl->quote && table_layout(in, out))
            out->kind = MDL_TABLE;
        break;
    default:
        break;
    }
    out->deco_w = md_text_width(out->deco, 0, out->deco_len, NULL);
    out->cont_w = md_text_width(out->cont, 0, out->cont_len, NULL);
    if (out->deco_w >= in->width || out->cont_w >= in->width) { /* a very narrow pane */
        out->deco_len = out->cont_len = 0;
        out->deco_w = out->cont_w = 0;
    }
}
