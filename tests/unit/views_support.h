/* Shared by the screen-snapshot tests (test_views.c, test_model_view.c): reading a Grid back as
 * text and style letters, and a Session fixture fed with scripted server messages.
 *
 * Header-only on purpose: every tests/unit/test_*.c is its own program (CMake globs them) and
 * this header is not one. Functions are static inline so a program using only some of them
 * still builds warning-free; the text helpers return rotating static buffers (8 live results
 * each), enough for a CHECK comparing two of them. */
#ifndef FLINT_TESTS_UNIT_VIEWS_SUPPORT_H
#define FLINT_TESTS_UNIT_VIEWS_SUPPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/utf8.h"
#include "harness.h"
#include "session/buffer.h"
#include "session/wire_json.h"
#include "session/session.h"
#include "themes/theme.h"
#include "ui/grid.h"

/* ---- a Grid as text ------------------------------------------------------------------- */

/* Columns [x0, x1) of row y as UTF-8: right halves skipped, combining marks appended. */
static inline const char *cells_text(const Grid *g, int y, int x0, int x1)
{
    static char out[8][4096];
    static int which;
    char *o = out[which++ & 7];
    size_t n = 0;
    const Cell *row = grid_row_const(g, y);
    for (int x = x0; x < x1 && x < g->cols; x++) {
        if (row[x].width == 0)
            continue;
        n += utf8_encode(row[x].cp, o + n);
        for (int k = 0; k < 2; k++)
            if (row[x].comb[k])
                n += utf8_encode(row[x].comb[k], o + n);
    }
    o[n] = '\0';
    return o;
}

static inline const char *row_text(const Grid *g, int y) { return cells_text(g, y, 0, g->cols); }

/* Same, with trailing spaces removed. */
static inline const char *trimmed(const char *s)
{
    static char out[8][4096];
    static int which;
    char *o = out[which++ & 7];
    snprintf(o, 4096, "%s", s);
    size_t n = strlen(o);
    while (n && o[n - 1] == ' ')
        o[--n] = '\0';
    return o;
}

/* One letter per column for the style (a right half repeats its left half's letter). */
static inline const char *row_styles(const Grid *g, int y, int x0, int x1)
{
    static const char letters[STYLE__COUNT + 1] = "TgGCDHmunEcsawpl" "MK" "ktscnpfoCevyhml+-@" "V";
    static char out[4][1024];
    static int which;
    char *o = out[which++ & 3];
    int n = 0;
    const Cell *row = grid_row_const(g, y);
    for (int x = x0; x < x1 && x < g->cols; x++)
        o[n++] = row[x].style < STYLE__COUNT ? letters[row[x].style] : '?';
    o[n] = '\0';
    return o;
}

static inline void dump(const Grid *g)
{
    for (int y = 0; y < g->rows; y++)
        fprintf(stderr, "%2d|%s|\n", y, row_text(g, y));
}

/* ---- a Session and scripted server messages ------------------------------------------- */

static int sends;
static inline bool rec_send(void *ud, const char *json, size_t len)
{
    (void)ud;
    (void)json;
    (void)len;
    sends++;
    return true;
}

static inline Session *new_session(void)
{
    SessionConfig cfg = {.model = "gpt-test"};
    SessionHooks hooks = {rec_send};
    Session *s = session_new(&cfg, &hooks, NULL);
    session_on_link_up(s);
    return s;
}

static inline void msg(Session *s, const char *json) { session_on_message(s, json, strlen(json)); }

static inline void ask(Session *s, const char *q)
{
    ErrorBuf err;
    CHECK(session_ask(s, q, &err));
    msg(s, "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
}

static inline void delta(Session *s, const char *text, size_t len)
{
    StrBuf j = {0};
    sb_puts(&j, "{\"type\":\"response.output_text.delta\",\"delta\":");
    wire_json_string(&j, text, len);
    sb_puts(&j, "}");
    session_on_message(s, j.data, j.len);
    sb_free(&j);
}

static inline void deltas(Session *s, const char *text) { delta(s, text, strlen(text)); }

static inline void complete(Session *s)
{
    msg(s, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":"
           "{\"input_tokens\":10,\"output_tokens\":42}}}");
}

static inline void set_file(Session *s, const char *text)
{
    Buffer *b = session_buffer(s);
    buffer_insert(b, text, strlen(text));
    buffer_set_cursor(b, (TextPos){0, 0});
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
