/* Prompt: text in a StrBuf, a byte cursor kept on character boundaries (utf8_decode /
 * utf8_prev), history as an array of owned strings. Drawing uses grid_text_width for the
 * cursor column and view_put_hscrolled for the visible part, so both agree. */
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

void prompt_open(Prompt *p, const char *label)
{
    p->active = true;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    set_text(p, "", 0);
    p->scroll = 0;
    p->hist_pos = p->nhist;
    sb_reset(&p->draft);
    p->note[0] = '\0';
}

void prompt_close(Prompt *p) { p->active = false; }

void prompt_set_text(Prompt *p, const char *s, size_t len) { set_text(p, s ? s : "", s ? len : 0); }

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

/* Inserts bytes at the cursor: line breaks and tabs become spaces, "\r\n" one space. */
void prompt_insert(Prompt *p, const char *s, size_t len)
{
    StrBuf clean = {0};
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        if (c == '\n' || c == '\r' || c == '\t')
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

static size_t next_char(const Prompt *p, size_t i)
{
    uint32_t cp;
    const char *s = sb_cstr(&p->text);
    size_t len = p->text.len;
    if (i >= len)
        return len;
    i += utf8_decode(s + i, len - i, &cp);
    /* Keep combining marks with their base character. */
    while (i < len) {
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (utf8_width(cp) != 0)
            break;
        i += n;
    }
    return i;
}

static size_t prev_char(const Prompt *p, size_t i)
{
    const char *s = sb_cstr(&p->text);
    while (i > 0) {
        i = utf8_prev(s, i);
        uint32_t cp;
        utf8_decode(s + i, p->text.len - i, &cp);
        if (utf8_width(cp) != 0)
            break;
    }
    return i;
}

static bool is_space_at(const Prompt *p, size_t i) { return p->text.data[i] == ' '; }

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
    switch (op) {
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
    case PROMPT_HOME: p->cursor = 0; break;
    case PROMPT_END: p->cursor = p->text.len; break;
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
        if (s[i] != ' ')
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
    p->active = false;
}

void prompt_draw(Prompt *p, Grid *g, Rect r, bool place_cursor)
{
    if (r.w <= 0 || r.h <= 0)
        return;
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
