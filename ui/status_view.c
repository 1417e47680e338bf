/* StatusView: composes the bottom line from parts with priorities, drops the least important
 * ones until the rest fits, then draws left part, message and right part. A message comes
 * before the figures: they are dropped until it fits whole (see status_view.h). */
#include "ui/status_view.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "themes/theme.h"

#define GAP 2
#define ELLIPSIS "\xe2\x80\xa6"
#define NAME_KEEP 12 /* columns the file name keeps beside a message that does not fit */
#define MSG_MIN 32   /* columns a notice gets before the position and link state yield */

enum { P_NAME, P_POS, P_MODEL, P_LINK, P_TTFT, P_RATE, P_TOKENS, P_CTX, P__COUNT };

typedef struct Part {
    char text[160];
    size_t len;
    int w;
    uint16_t style;
    bool on;
} Part;

/* Bytes of s[0, len) that fit in max_cols columns as grid_put_text draws them (tabs as ^I),
 * never cutting a character or separating it from its combining marks. */
static size_t status_fit_bytes(const char *s, size_t len, int max_cols)
{
    int col = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int w = utf8_display_width(cp);
        if (col + w > max_cols)
            break;
        col += w;
        i += n;
    }
    return i;
}

static void part_set(Part *p, uint16_t style, const char *text, size_t len)
{
    size_t n = 0; /* whole characters that fit the part's buffer */
    while (n < len) {
        uint32_t cp;
        size_t k = utf8_decode(text + n, len - n, &cp);
        if (n + k >= sizeof p->text)
            break;
        n += k;
    }
    memcpy(p->text, text, n);
    p->text[n] = '\0';
    p->len = n;
    p->w = grid_text_width(p->text, n, 0, 0);
    p->style = style;
    p->on = n > 0;
}

/* Draws text truncated to max columns, with "…" when cut. Returns the x after it. */
static int put_fit(Grid *g, int x, int y, int max_cols, const char *s, size_t len, uint16_t style)
{
    if (max_cols <= 0)
        return x;
    int w = grid_text_width(s, len, 0, 0);
    if (w <= max_cols)
        return grid_put_text(g, x, y, x + max_cols, s, len, style, STYLE_CONTROL, x, 0);
    size_t n = status_fit_bytes(s, len, max_cols - 1);
    x = grid_put_text(g, x, y, x + max_cols, s, n, style, STYLE_CONTROL, x, 0);
    return grid_put_text(g, x, y, x + 1, ELLIPSIS, 3, style, style, x, 0);
}

void status_view_draw(Grid *g, Rect r, const StatusLine *sl)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    grid_fill(g, r.x, r.y, r.w, 1, STYLE_STATUS);
    Part p[P__COUNT];
    memset(p, 0, sizeof p);
    char buf[160];
    int n;

    const char *file = sl->file ? sl->file : "";
    size_t flen = strlen(file);
    char count[48] = "";
    if (sl->buffer_count > 1)
        snprintf(count, sizeof count, "  %zu/%zu", sl->buffer_index, sl->buffer_count);
    n = snprintf(buf, sizeof buf, "%s%s%s%s%s%s", sl->modified ? " [+]" : "", count,
                 sl->crlf ? "  CRLF" : "", sl->no_final_newline ? "  no final newline" : "",
                 sl->binary ? "  binary, not sent" : "", sl->wrap ? "  wrap" : "");
    /* The name itself is drawn separately (it may be long); P_NAME holds only " [+]" and the
     * buffer's facts. */
    part_set(&p[P_NAME], STYLE_STATUS, buf, (size_t)n);
    p[P_NAME].on = true;
    if (sl->line) {
        n = snprintf(buf, sizeof buf, "%zu:%zu", sl->line, sl->col);
        part_set(&p[P_POS], STYLE_STATUS, buf, (size_t)n);
    }
    if (sl->model && *sl->model)
        part_set(&p[P_MODEL], STYLE_STATUS_ACCENT, sl->model, strlen(sl->model));
    if (sl->link && *sl->link)
        part_set(&p[P_LINK], sl->link_ok ? STYLE_STATUS_ACCENT : STYLE_STATUS_WARN, sl->link,
                 strlen(sl->link));
    if (sl->ttft_ns) {
        /* Local servers answer in well under a millisecond: keep a decimal below 10 ms. */
        if (sl->ttft_ns < 10000000u)
            n = snprintf(buf, sizeof buf, "ttft %.1fms", (double)sl->ttft_ns / 1e6);
        else
            n = snprintf(buf, sizeof buf, "ttft %llums", (unsigned long long)(sl->ttft_ns / 1000000u));
        part_set(&p[P_TTFT], STYLE_STATUS, buf, (size_t)n);
    }
    if (sl->tok_per_sec > 0) {
        n = snprintf(buf, sizeof buf, "%.0f tok/s", sl->tok_per_sec);
        part_set(&p[P_RATE], STYLE_STATUS, buf, (size_t)n);
    }
    if (sl->tokens) {
        n = snprintf(buf, sizeof buf, "%zu tok", sl->tokens);
        part_set(&p[P_TOKENS], STYLE_STATUS, buf, (size_t)n);
    }
    if (sl->show_ctx || sl->show_cache) {
        n = 0;
        if (sl->show_ctx)
            n = snprintf(buf, sizeof buf, "ctx %d%%", sl->ctx_percent);
        if (sl->show_cache)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%scache %d%%", n ? " " : "",
                          sl->cache_percent);
        part_set(&p[P_CTX], STYLE_STATUS, buf, (size_t)n);
    }
    const char *msg = sl->message ? sl->message : "";
    size_t mlen = strlen(msg);
    int mw = grid_text_width(msg, mlen, 0, 0);
    int name_w = grid_text_width(file, flen, 0, 0);

    static const int right_order[] = {P_MODEL, P_LINK, P_TTFT, P_RATE, P_TOKENS, P_CTX};
    static const int drop_order[] = {P_TOKENS, P_TTFT, P_CTX, P_MODEL, P_RATE, P_POS, P_LINK};
    /* Context use yields to a message: it goes first when the whole message would not fit
     * beside it (a notice is read once; the figure is back with the next line). */
    if (mw && p[P_CTX].on) {
        int need = 1 + name_w + p[P_NAME].w + (p[P_POS].on ? GAP + p[P_POS].w : 0);
        int right = 0;
        for (size_t k = 0; k < sizeof right_order / sizeof *right_order; k++)
            if (p[right_order[k]].on)
                right += (right ? GAP : 0) + p[right_order[k]].w;
        need += (right ? GAP + right + 1 : 0) + GAP + mw;
        if (need > r.w)
            p[P_CTX].on = false;
    }
    /* A message comes first: the figures (token count, TTFT, context use, model, tok/s) make
     * way for the whole of it, and the file name shrinks to NAME_KEEP columns before it is
     * cut. A question or an error (message_is_error) also takes the place of the position
     * and the link state; a notice takes the position's before it is cut (the greeting and
     * the tmux notice whole at 80 columns: the position is 1:1 at start, and back with the
     * next key), the link state's only while it would get fewer than MSG_MIN columns.
     * Without a message, a long name pushes the figures out instead. */
    bool urgent = mw && sl->message_is_error;
    int name_need = mw ? (name_w < NAME_KEEP ? name_w : NAME_KEEP) : name_w;
    size_t whole_until = 6; /* drop_order: the figures and P_POS go for a whole message */
    for (size_t d = 0;; d++) {
        int need = 1 + name_need + p[P_NAME].w;
        if (p[P_POS].on)
            need += GAP + p[P_POS].w;
        int right = 0;
        for (size_t k = 0; k < sizeof right_order / sizeof *right_order; k++)
            if (p[right_order[k]].on)
                right += (right ? GAP : 0) + p[right_order[k]].w;
        if (right)
            need += GAP + right + 1;
        if (mw)
            need += GAP + (urgent || d < whole_until ? mw : mw < MSG_MIN ? mw : MSG_MIN);
        if (need <= r.w || d >= sizeof drop_order / sizeof *drop_order)
            break;
        p[drop_order[d]].on = false;
    }

    int end = r.x + r.w;
    int right_w = 0;
    for (size_t k = 0; k < sizeof right_order / sizeof *right_order; k++)
        if (p[right_order[k]].on)
            right_w += (right_w ? GAP : 0) + p[right_order[k]].w;
    int right_x = right_w ? end - 1 - right_w : end;
    if (right_x < r.x) { /* even the most important right part does not fit: hide it */
        right_w = 0;
        right_x = end;
    }

    /* Left: the name gets what the right part and the message leave, but at least
     * NAME_KEEP columns (all of them without a message). */
    int x = r.x + 1;
    int left_room = right_x - (right_w ? GAP : 0) - x - p[P_NAME].w -
                    (p[P_POS].on ? GAP + p[P_POS].w : 0);
    int name_room = left_room;
    if (mw && name_room - GAP - mw < name_w) {
        name_room -= GAP + mw;
        int keep = name_w < NAME_KEEP ? name_w : NAME_KEEP;
        if (name_room < keep)
            name_room = keep < left_room ? keep : left_room;
    }
    x = put_fit(g, x, r.y, name_room, file, flen, STYLE_STATUS);
    x = grid_put_text(g, x, r.y, right_x, p[P_NAME].text, p[P_NAME].len, STYLE_STATUS,
                      STYLE_STATUS, x, 0);
    if (p[P_POS].on)
        x = grid_put_text(g, x + GAP, r.y, right_x, p[P_POS].text, p[P_POS].len, STYLE_STATUS,
                          STYLE_STATUS, x + GAP, 0);
    if (mw) {
        int mx = x + GAP;
        int room = right_x - (right_w ? GAP : 0) - mx;
        put_fit(g, mx, r.y, room, msg, mlen,
                sl->message_is_error ? STYLE_STATUS_WARN : STYLE_STATUS);
    }
    if (right_w) {
        int rx = right_x;
        for (size_t k = 0; k < sizeof right_order / sizeof *right_order; k++) {
            Part *q = &p[right_order[k]];
            if (!q->on)
                continue;
            if (rx != right_x)
                rx += GAP;
            rx = grid_put_text(g, rx, r.y, end, q->text, q->len, q->style, STYLE_CONTROL, rx, 0);
        }
    }
}
