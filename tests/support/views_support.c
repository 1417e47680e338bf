/* Screen-snapshot test helpers (views_support.h). State: sends (rec_send's count) and the
 * rotating result buffers of the text helpers. */
#include "support/views_support.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *cells_text(const Grid *g, int y, int x0, int x1)
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

const char *row_text(const Grid *g, int y) { return cells_text(g, y, 0, g->cols); }

const char *trimmed(const char *s)
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

const char *row_styles(const Grid *g, int y, int x0, int x1)
{
    static const char letters[STYLE__COUNT + 1] = "TgGCDHmunEcisawpl" "MK" "ktscnpfoCevyhml+-@" "V"
                                                     "ARZ" "#BI`>LU|*";
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

void dump(const Grid *g)
{
    for (int y = 0; y < g->rows; y++)
        fprintf(stderr, "%2d|%s|\n", y, row_text(g, y));
}

int sends;

bool rec_send(void *ud, const char *json, size_t len)
{
    (void)ud;
    (void)json;
    (void)len;
    sends++;
    return true;
}

Session *new_session(void)
{
    SessionConfig cfg = {.model = "gpt-test"};
    SessionHooks hooks = {rec_send};
    Session *s = session_new(&cfg, &hooks, NULL);
    session_on_link_up(s);
    return s;
}

void msg(Session *s, const char *json) { session_on_message(s, json, strlen(json)); }

void view_ask(Session *s, const char *q)
{
    ErrorBuf err;
    CHECK(session_ask(s, q, &err));
    msg(s, "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
}

void delta(Session *s, const char *text, size_t len)
{
    StrBuf j = {0};
    sb_puts(&j, "{\"type\":\"response.output_text.delta\",\"delta\":");
    wire_json_string(&j, text, len);
    sb_puts(&j, "}");
    session_on_message(s, j.data, j.len);
    sb_free(&j);
}

void deltas(Session *s, const char *text) { delta(s, text, strlen(text)); }

void complete(Session *s)
{
    msg(s, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":"
           "{\"input_tokens\":10,\"output_tokens\":42}}}");
}

void set_file(Session *s, const char *text)
{
    Buffer *b = session_buffer(s);
    buffer_insert(b, text, strlen(text));
    buffer_set_cursor(b, (TextPos){0, 0});
}

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
