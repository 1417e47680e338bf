/* Prompt: text in a StrBuf, a byte cursor kept on character boundaries (utf8_decode /
 * utf8_prev), history as an array of owned strings. A one-line prompt draws with
 * grid_text_width for the cursor column and view_put_hscrolled for the visible part, so both
 * agree. A multi-line prompt is wrapped into rows (wrap(): byte ranges, a '\n' ends a row and
 * belongs to none; a word that does not fit starts the next row after the row's last space,
 * a row with no space breaks before the character that does not fit), recomputed when
 * needed: the text is what one person types or pastes, so O(text) per frame is nothing next
 * to the panes. The cursor's row is the last row starting at or before it, so a cursor on a
 * wrap boundary shows at the start of the next row, and after an exactly full last row an
 * empty row is added for it. */
#include "ui/prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"
#include "themes/theme.h"
#include "ui/editor_view.h"

void prompt_init(Prompt *p) { *p = (Prompt){0}; }

void prompt_free(Prompt *p)
{
    sb_free(&p->text);
    sb_free(&p->draft);
    for (size_t i = 0; i < p->nhist; i++)
        free(p->hist[i]);
    free(p->hist);
    *p = (Prompt){0};
}

static void set_text(Prompt *p, const char *s, size_t len)
{
    sb_reset(&p->text);
    sb_append(&p->text, s, len);
    p->cursor = len;
}

void prompt_open(Prompt *p, const char *label) { prompt_open_opts(p, label, PROMPT_ONE_LINE); }

void prompt_open_opts(Prompt *p, const char *label, unsigned opts)
{
    p->active = true;
    p->multiline = (opts & PROMPT_MULTILINE) != 0;
    p->top_row = 0;
    p->goal_col = -1;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    set_text(p, "", 0);
    p->scroll = 0;
    p->hist_pos = p->nhist;
    sb_reset(&p->draft);
    p->note[0] = '\0';
}

void prompt_close(Prompt *p) { p->active = false; }

void prompt_set_text(Prompt *p, const char *s, size_t len)
{
    set_text(p, s ? s : "", s ? len : 0);
    p->goal_col = -1;
}

void prompt_set_label(Prompt *p, const char *label)
{
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
}

void prompt_set_note(Prompt *p, const char *note, bool is_error)
{
    snprintf(p->note, sizeof p->note, "%s", note ? note : "");
    p->note_error = is_error;
}

const char *prompt_text(const Prompt *p) { return sb_cstr(&p->text); }

/* Inserts bytes at the cursor. One line: line breaks and tabs become spaces, "\r\n" one
 * space. Multi-line: "\r\n" and a lone "\r" become "\n", tabs stay. */
void prompt_insert(Prompt *p, const char *s, size_t len)
{
    StrBuf clean = {0};
    p->goal_col = -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        if (p->multiline && c == '\r')
            c = '\n';
        else if (!p->multiline && (c == '\n' || c == '\r' || c == '\t'))
            c = ' ';
        sb_putc(&clean, c);
    }
    StrBuf *t = &p->text;
    size_t n = clean.len;
    sb_reserve(t, n);
    memmove(t->data + p->cursor + n, t->data + p->cursor, t->len - p->cursor + 1);
    if (n)
        memcpy(t->data + p->cursor, clean.data, n);
    t->len += n;
    p->cursor += n;
    sb_free(&clean);
}

static void erase(Prompt *p, size_t from, size_t to)
{
    StrBuf *t = &p->text;
    memmove(t->data + from, t->data + to, t->len - to + 1);
    t->len -= to - from;
    p->cursor = from;
}

/* Grapheme clusters (core/utf8.h): a flag, a family emoji, a letter and its accents move
 * and are deleted as one. */
static size_t next_char(const Prompt *p, size_t i)
{
    return utf8_grapheme_next(sb_cstr(&p->text), p->text.len, i);
}

static size_t prev_char(const Prompt *p, size_t i)
{
    return utf8_grapheme_prev(sb_cstr(&p->text), p->text.len, i);
}

static bool is_space_at(const Prompt *p, size_t i)
{
    char c = p->text.data[i];
    return c == ' ' || c == '\n' || c == '\t';
}

/* ---- wrapping (multi-line) ---------------------------------------------------------------- */

typedef struct PromptRow {
    size_t start, end;  /* bytes [start, end): the row's text, without its '\n' */
    int width;          /* its columns */
} PromptRow;

typedef struct Rows {
    PromptRow *r;
    size_t n, cap;
} Rows;

static void rows_push(Rows *rs, PromptRow row)
{
    rs->r = xgrow(rs->r, &rs->cap, rs->n + 1, sizeof *rs->r);
    rs->r[rs->n++] = row;
}

/* The text in rows of at most tw columns (tw < 1 counts as 1); at least one row. */
static void wrap(const Prompt *p, int tw, Rows *rs)
{
    const char *s = sb_cstr(&p->text);
    size_t len = p->text.len;
    if (tw < 1)
        tw = 1;
    rs->n = 0;
    PromptRow cur = {0, 0, 0};
    size_t brk = 0; /* after the row's last space (0: none yet): where a word wrap breaks */
    size_t i = 0;
    while (i < len) {
        if (s[i] == '\n') {
            cur.end = i;
            rows_push(rs, cur);
            cur = (PromptRow){i + 1, i + 1, 0};
            brk = 0;
            i++;
            continue;
        }
        size_t j = next_char(p, i);
        if (j <= i)
            j = i + 1;
        int w = grid_text_width(s + i, j - i, cur.width, PROMPT_TAB_WIDTH);
        if (cur.width + w > tw && cur.width > 0) {
            /* Break after the row's last space when there is one (a word moves whole),
             * else before this character. */
            size_t at = brk > cur.start && s[i] != ' ' ? brk : i;
            cur.end = at;
            rows_push(rs, cur);
            cur = (PromptRow){at, at, grid_text_width(s + at, i - at, 0, PROMPT_TAB_WIDTH)};
            brk = 0;
            w = grid_text_width(s + i, j - i, cur.width, PROMPT_TAB_WIDTH);
        }
        cur.width += w;
        if (s[i] == ' ' || s[i] == '\t')
            brk = j;
        i = j;
    }
    cur.end = len;
    rows_push(rs, cur);
    if (cur.width >= tw) /* an exactly full last row: the cursor after it needs a row */
        rows_push(rs, (PromptRow){len, len, 0});
}

static size_t row_of(const Rows *rs, size_t cursor)
{
    size_t k = 0;
    while (k + 1 < rs->n && rs->r[k + 1].start <= cursor)
        k++;
    return k;
}

static int col_in_row(const Prompt *p, const PromptRow *row, size_t cursor)
{
    return grid_text_width(sb_cstr(&p->text) + row->start, cursor - row->start, 0,
                           PROMPT_TAB_WIDTH);
}

/* The byte in row at display column col or the last character before it. */
static size_t pos_at_col(const Prompt *p, const PromptRow *row, int col)
{
    const char *s = sb_cstr(&p->text);
    size_t i = row->start;
    int c = 0;
    while (i < row->end) {
        size_t j = next_char(p, i);
        int w = grid_text_width(s + i, j - i, c, PROMPT_TAB_WIDTH);
        if (c + w > col)
            break;
        c += w;
        i = j;
    }
    return i;
}

/* The label's columns on a screen cols wide (at most half of it) and the text's. */
static int label_cols(const Prompt *p, int cols)
{
    int lw = grid_text_width(p->label, strlen(p->label), 0, 0);
    return lw > cols / 2 ? cols / 2 : lw;
}

int prompt_rows(const Prompt *p, int cols, int max_rows)
{
    if (!p->multiline || max_rows <= 1)
        return 1;
    Rows rs = {0};
    wrap(p, cols - label_cols(p, cols), &rs);
    int n = (int)rs.n;
    free(rs.r);
    return n < 1 ? 1 : n > max_rows ? max_rows : n;
}

/* Up (dir -1) or Down (+1) one row; false on the first / last row (the history's turn). */
static bool move_row(Prompt *p, int dir)
{
    Rows rs = {0};
    wrap(p, p->wrap_w > 0 ? p->wrap_w : INT32_MAX, &rs);
    size_t k = row_of(&rs, p->cursor);
    bool moved = false;
    if ((dir < 0 && k > 0) || (dir > 0 && k + 1 < rs.n)) {
        int goal = p->goal_col >= 0 ? p->goal_col : col_in_row(p, &rs.r[k], p->cursor);
        p->cursor = pos_at_col(p, &rs.r[dir < 0 ? k - 1 : k + 1], goal);
        p->goal_col = goal;
        moved = true;
    }
    free(rs.r);
    return moved;
}

static size_t line_start(const Prompt *p, size_t i)
{
    while (i > 0 && p->text.data[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const Prompt *p, size_t i)
{
    while (i < p->text.len && p->text.data[i] != '\n')
        i++;
    return i;
}

static void history_load(Prompt *p, size_t pos)
{
    if (p->hist_pos == p->nhist) { /* leaving the draft: keep it */
        sb_reset(&p->draft);
        sb_append(&p->draft, sb_cstr(&p->text), p->text.len);
    }
    p->hist_pos = pos;
    if (pos == p->nhist)
        set_text(p, sb_cstr(&p->draft), p->draft.len);
    else
        set_text(p, p->hist[pos], strlen(p->hist[pos]));
}

void prompt_type(Prompt *p, uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || cp > 0x10FFFF)
        return; /* nothing printable to insert: swallow it */
    char buf[4];
    size_t n = utf8_encode(cp, buf);
    prompt_insert(p, buf, n);
}

void prompt_edit(Prompt *p, PromptEdit op)
{
    int goal = p->goal_col;
    p->goal_col = -1;
    switch (op) {
    case PROMPT_UP:
        p->goal_col = goal;
        if (!p->multiline || !move_row(p, -1))
            prompt_edit(p, PROMPT_HISTORY_PREV);
        break;
    case PROMPT_DOWN:
        p->goal_col = goal;
        if (!p->multiline || !move_row(p, 1))
            prompt_edit(p, PROMPT_HISTORY_NEXT);
        break;
    case PROMPT_DELETE_WORD_LEFT: {
        size_t end = p->cursor;
        prompt_edit(p, PROMPT_WORD_LEFT);
        erase(p, p->cursor, end);
        break;
    }
    case PROMPT_NEWLINE:
        if (p->multiline)
            prompt_insert(p, "\n", 1);
        break;
    case PROMPT_BACKSPACE:
        if (p->cursor > 0)
            erase(p, prev_char(p, p->cursor), p->cursor);
        break;
    case PROMPT_DELETE:
        if (p->cursor < p->text.len)
            erase(p, p->cursor, next_char(p, p->cursor));
        break;
    case PROMPT_LEFT: p->cursor = prev_char(p, p->cursor); break;
    case PROMPT_RIGHT: p->cursor = next_char(p, p->cursor); break;
    case PROMPT_WORD_LEFT:
        while (p->cursor > 0 && is_space_at(p, p->cursor - 1))
            p->cursor--;
        while (p->cursor > 0 && !is_space_at(p, p->cursor - 1))
            p->cursor = prev_char(p, p->cursor);
        break;
    case PROMPT_WORD_RIGHT:
        while (p->cursor < p->text.len && !is_space_at(p, p->cursor))
            p->cursor = next_char(p, p->cursor);
        while (p->cursor < p->text.len && is_space_at(p, p->cursor))
            p->cursor++;
        break;
    case PROMPT_HOME: p->cursor = line_start(p, p->cursor); break;
    case PROMPT_END: p->cursor = line_end(p, p->cursor); break;
    case PROMPT_HISTORY_PREV:
        if (p->hist_pos > 0)
            history_load(p, p->hist_pos - 1);
        break;
    case PROMPT_HISTORY_NEXT:
        if (p->hist_pos < p->nhist)
            history_load(p, p->hist_pos + 1);
        break;
    }
}

void prompt_commit(Prompt *p)
{
    const char *s = sb_cstr(&p->text);
    bool blank = true;
    for (size_t i = 0; i < p->text.len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
            blank = false;
    if (!blank && !(p->nhist && strcmp(p->hist[p->nhist - 1], s) == 0)) {
        if (p->nhist == PROMPT_HISTORY_MAX) {
            free(p->hist[0]);
            memmove(p->hist, p->hist + 1, (p->nhist - 1) * sizeof *p->hist);
            p->nhist--;
        }
        p->hist = xgrow(p->hist, &p->hist_cap, p->nhist + 1, sizeof *p->hist);
        p->hist[p->nhist++] = xstrndup(s, p->text.len);
    }
    set_text(p, "", 0);
    sb_reset(&p->draft);
    p->hist_pos = p->nhist;
    p->scroll = 0;
    p->top_row = 0;
    p->active = false;
}

/* Multi-line: the label on the first row, the wrapped text beside it (later rows indented
 * under the text), an arrow in the label's column when rows are hidden above or below. */
static void draw_multi(Prompt *p, Grid *g, Rect r, bool place_cursor)
{
    grid_fill(g, r.x, r.y, r.w, r.h, STYLE_PROMPT);
    int end = r.x + r.w;
    size_t llen = strlen(p->label);
    int lw = label_cols(p, r.w);
    grid_put_text(g, r.x, r.y, r.x + lw, p->label, llen, STYLE_PROMPT_LABEL, STYLE_CONTROL, r.x, 0);
    int tx = r.x + lw, tw = end - tx;
    if (tw <= 0)
        return;
    p->wrap_w = tw;
    Rows rs = {0};
    wrap(p, tw, &rs);
    int n = (int)rs.n, cr = (int)row_of(&rs, p->cursor);
    if (p->top_row > n - r.h)
        p->top_row = n - r.h;
    if (p->top_row < 0)
        p->top_row = 0;
    if (cr < p->top_row)
        p->top_row = cr;
    if (cr >= p->top_row + r.h)
        p->top_row = cr - r.h + 1;
    const char *s = sb_cstr(&p->text);
    for (int k = 0; k < r.h && p->top_row + k < n; k++) {
        const PromptRow *row = &rs.r[p->top_row + k];
        grid_put_text(g, tx, r.y + k, end, s + row->start, row->end - row->start, STYLE_PROMPT,
                      STYLE_CONTROL, tx, PROMPT_TAB_WIDTH);
    }
    if (lw >= 2 && r.h >= 2) {
        if (p->top_row > 0)
            grid_put(g, r.x, r.y + 1, tx, 0x2191 /* ↑ */, STYLE_PROMPT_LABEL);
        if (p->top_row + r.h < n)
            grid_put(g, r.x, r.y + r.h - 1, tx, 0x2193 /* ↓ */, STYLE_PROMPT_LABEL);
    }
    if (place_cursor) {
        int cc = col_in_row(p, &rs.r[cr], p->cursor);
        g->cursor_x = tx + (cc < tw ? cc : tw - 1);
        g->cursor_y = r.y + cr - p->top_row;
        g->cursor_visible = true;
    }
    free(rs.r);
}

void prompt_draw(Prompt *p, Grid *g, Rect r, bool place_cursor)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (p->multiline) {
        draw_multi(p, g, r, place_cursor);
        return;
    }
    grid_fill(g, r.x, r.y, r.w, 1, STYLE_PROMPT);
    int end = r.x + r.w;
    /* The label keeps at most half of a narrow line. */
    size_t llen = strlen(p->label);
    int lw = grid_text_width(p->label, llen, 0, 0);
    if (lw > r.w / 2)
        lw = r.w / 2;
    grid_put_text(g, r.x, r.y, r.x + lw, p->label, llen, STYLE_PROMPT_LABEL, STYLE_CONTROL, r.x, 0);
    int tx = r.x + lw, tw = end - tx;
    if (tw <= 0)
        return;
    /* The note takes the right end while the text keeps at least 10 columns. */
    size_t nlen = strlen(p->note);
    int nw = nlen ? grid_text_width(p->note, nlen, 0, 0) : 0;
    if (nw > 0 && tw - nw - 2 >= 10) {
        grid_put_text(g, end - nw, r.y, end, p->note, nlen,
                      p->note_error ? STYLE_STATUS_WARN : STYLE_PROMPT_LABEL, STYLE_CONTROL,
                      end - nw, 0);
        tw -= nw + 2;
    }
    const char *s = sb_cstr(&p->text);
    int ccol = grid_text_width(s, p->cursor, 0, 0);
    int total = grid_text_width(s, p->text.len, 0, 0);
    /* Scroll minimally; the column after the text is where the cursor sits at the end. */
    if (ccol < p->scroll)
        p->scroll = ccol;
    if (ccol + 1 > p->scroll + tw)
        p->scroll = ccol + 1 - tw;
    if (p->scroll > 0 && total + 1 - p->scroll < tw) /* room again: show more on the left */
        p->scroll = total + 1 - tw > 0 ? total + 1 - tw : 0;
    if (p->scroll > ccol)
        p->scroll = ccol;
    view_put_hscrolled(g, tx, r.y, tw, s, p->text.len, p->scroll, STYLE_PROMPT, STYLE_CONTROL, 0);
    if (place_cursor) {
        g->cursor_x = tx + ccol - p->scroll;
        g->cursor_y = r.y;
        g->cursor_visible = true;
    }
}
