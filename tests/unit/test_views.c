/* Screen snapshots of the views at 80x24 (and other sizes): the editor (scrolling, tabs, CJK,
 * gutter), the model pane (wrapping, fences, marks, hostile text, following the tail of huge
 * answers, scrolling back, resize), the status line, the prompt and the help overlay.
 * Also checks the model pane's caches against a fresh view and a naive wrapping reference,
 * and prints render times for huge transcripts and files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/utf8.h"
#include "harness.h"
#include "session/protocol.h"
#include "session/session.h"
#include "session/transcript.h"
#include "themes/theme.h"
#include "ui/editor_view.h"
#include "ui/grid.h"
#include "ui/layout.h"
#include "ui/model_view.h"
#include "ui/prompt.h"
#include "ui/status_view.h"
#include "ui/ui.h"

/* ---- helpers -------------------------------------------------------------------------- */

/* Columns [x0, x1) of row y as UTF-8: right halves skipped, combining marks appended. */
static const char *cells_text(const Grid *g, int y, int x0, int x1)
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

static const char *row_text(const Grid *g, int y) { return cells_text(g, y, 0, g->cols); }

/* Same, with trailing spaces removed. */
static const char *trimmed(const char *s)
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
static const char *row_styles(const Grid *g, int y, int x0, int x1)
{
    static const char letters[STYLE__COUNT + 1] = "TgGCDHmunEcsawpl";
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

static void dump(const Grid *g)
{
    for (int y = 0; y < g->rows; y++)
        fprintf(stderr, "%2d|%s|\n", y, row_text(g, y));
}

static int sends;
static bool rec_send(void *ud, const char *json, size_t len)
{
    (void)ud;
    (void)json;
    (void)len;
    sends++;
    return true;
}

static Session *new_session(void)
{
    SessionConfig cfg = {.model = "gpt-test"};
    SessionHooks hooks = {rec_send};
    Session *s = session_new(&cfg, &hooks, NULL);
    session_on_link_up(s);
    return s;
}

static void msg(Session *s, const char *json) { session_on_message(s, json, strlen(json)); }

static void ask(Session *s, const char *q)
{
    ErrorBuf err;
    CHECK(session_ask(s, q, &err));
    msg(s, "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
}

static void delta(Session *s, const char *text, size_t len)
{
    StrBuf j = {0};
    sb_puts(&j, "{\"type\":\"response.output_text.delta\",\"delta\":");
    proto_append_json_string(&j, text, len);
    sb_puts(&j, "}");
    session_on_message(s, j.data, j.len);
    sb_free(&j);
}

static void deltas(Session *s, const char *text) { delta(s, text, strlen(text)); }

static void complete(Session *s)
{
    msg(s, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":"
           "{\"input_tokens\":10,\"output_tokens\":42}}}");
}

static void set_file(Session *s, const char *text)
{
    Buffer *b = session_buffer(s);
    buffer_insert(b, text, strlen(text));
    buffer_set_cursor(b, (TextPos){0, 0});
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The model pane's content rows at 80x24 (the pane is x 44..79, rows 1..22; the text starts
 * after a one-column margin). */
#define MX 45
#define MW 35
static const char *model_row(const Grid *g, int y) { return trimmed(cells_text(g, y, MX, MX + MW)); }

/* ---- editor --------------------------------------------------------------------------- */

static void test_snapshot_80x24(void)
{
    Session *s = new_session();
    set_file(s, "int main(void)\n{\n\treturn 0;\n}\n");
    Ui *ui = ui_new(NULL, 80, 24);
    UiStatus st = {.link = "connected", .link_ok = true};
    ui_render(ui, s, &st);
    const Grid *g = ui_grid(ui);
    static const char *const want[24] = {
        " [new] [+]                                 │ gpt-test                           ",
        "  1 int main(void)                         │                                    ",
        "  2 {                                      │                                    ",
        "  3     return 0;                          │                                    ",
        "  4 }                                      │                                    ",
        "  5                                        │                                    ",
        "                                           │                                    ",
    };
    for (int y = 0; y < 7; y++)
        CHECK_STR_EQ(row_text(g, y), want[y]);
    for (int y = 7; y < 23; y++)
        CHECK_STR_EQ(trimmed(row_text(g, y)), "                                           │");
    /* The right part ends one column before the edge: 80 - 1 - 19 = column 60. */
    CHECK_STR_EQ(trimmed(row_text(g, 23)), " [new] [+]  1:1"
                 "                                             gpt-test  connected");
    CHECK_STR_EQ(row_styles(g, 0, 0, 80),
                 "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHDHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH");
    CHECK_STR_EQ(row_styles(g, 1, 0, 8), "GGGGTTTT");
    CHECK_STR_EQ(row_styles(g, 2, 0, 8), "ggggTTTT");
    CHECK_STR_EQ(row_styles(g, 23, 58, 80), "ssaaaaaaaassaaaaaaaaas");
    CHECK(g->cursor_visible);
    CHECK_INT_EQ(g->cursor_x, 4);
    CHECK_INT_EQ(g->cursor_y, 1);
    ui_free(ui);
    session_free(s);
}

static void test_editor_long_file_scrolls_to_cursor(void)
{
    Session *s = new_session();
    StrBuf f = {0};
    for (int i = 1; i <= 1000; i++)
        sb_printf(&f, "line %d\n", i);
    set_file(s, f.data);
    sb_free(&f);
    Buffer *b = session_buffer(s);
    Ui *ui = ui_new(NULL, 80, 24);
    CHECK_INT_EQ(ui_editor_rows(ui), 22);
    buffer_set_cursor(b, (TextPos){499, 3});
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    /* Scrolled minimally: the cursor's line is the last row. 1001 lines (the final newline
     * opens an empty last line): 4 digits and a space. */
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 43)), " 479 line 479");
    CHECK_STR_EQ(trimmed(cells_text(g, 22, 0, 43)), " 500 line 500");
    CHECK_STR_EQ(row_styles(g, 22, 0, 6), "GGGGGT");
    CHECK_STR_EQ(row_styles(g, 21, 0, 6), "gggggT");
    CHECK_INT_EQ(g->cursor_y, 22);
    CHECK_INT_EQ(g->cursor_x, 5 + 3);
    /* Moving up inside the view does not scroll. */
    buffer_set_cursor(b, (TextPos){490, 0});
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 43)), " 479 line 479");
    CHECK_INT_EQ(g->cursor_y, 1 + 490 - 478);
    /* Above it: the cursor's line becomes the first row. */
    buffer_set_cursor(b, (TextPos){10, 0});
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 43)), "  11 line 11");
    CHECK_INT_EQ(g->cursor_y, 1);
    ui_free(ui);
    session_free(s);
}

static void test_editor_tabs_cjk_and_horizontal_scroll(void)
{
    Session *s = new_session();
    set_file(s, "\tx\n\xe6\xbc\xa2\xe5\xad\x97" "abc\n"
                "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!\n"
                "a\x1b[31mred\xe2\x80\xae\n");
    Buffer *b = session_buffer(s);
    Ui *ui = ui_new(NULL, 80, 24);
    buffer_set_cursor(b, (TextPos){1, 6}); /* after 漢字 */
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 43)), "  1     x");
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 43)), "  2 \xe6\xbc\xa2\xe5\xad\x97" "abc");
    CHECK_STR_EQ(trimmed(cells_text(g, 4, 0, 43)), "  4 a^[[31mred<U+202E>");
    CHECK_STR_EQ(row_styles(g, 4, 4, 22), "TCCTTTTTTTCCCCCCCC");
    CHECK_INT_EQ(g->cursor_x, 4 + 4);
    CHECK_INT_EQ(g->cursor_y, 2);
    /* The long line: the cursor at its end scrolls the view right by just enough. */
    buffer_set_cursor(b, (TextPos){2, 73});
    ui_render(ui, s, NULL);
    /* text area: 39 columns (43 - gutter 4); caret column 73 must be visible: left = 35 */
    CHECK_STR_EQ(trimmed(cells_text(g, 3, 0, 43)), "  3 z0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!");
    CHECK_INT_EQ(g->cursor_x, 4 + 73 - 35);
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 43)), "  2"); /* shorter lines scroll too */
    /* Back left: the view follows the caret minimally (col 9, on the 'd'). */
    buffer_set_cursor(b, (TextPos){3, 8});
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(trimmed(cells_text(g, 4, 0, 43)), "  4 d<U+202E>");
    CHECK_INT_EQ(g->cursor_x, 4);
    /* A wide char and a tab cut by the left edge show their visible part (left = 3). */
    buffer_set_cursor(b, (TextPos){3, 2});
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 43)), "  1  x");
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 43)), "  2  abc");
    CHECK_STR_EQ(trimmed(cells_text(g, 4, 0, 43)), "  4 [31mred<U+202E>");
    /* An escape cut in the middle (left = 2): its tail, still in the control style. */
    buffer_set_cursor(b, (TextPos){1, 3});
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(trimmed(cells_text(g, 4, 0, 43)), "  4 [[31mred<U+202E>");
    CHECK_STR_EQ(row_styles(g, 4, 4, 7), "CTT");
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 43)), "  2 \xe5\xad\x97" "abc");
    CHECK_INT_EQ(g->cursor_x, 4);
    ui_free(ui);
    session_free(s);
}

static void test_view_put_hscrolled(void)
{
    Grid *g = grid_new(10, 1);
    const char *s = "\xe6\xbc\xa2x\xe2\x80\xae" "yz"; /* 漢 x <U+202E> y z */
    view_put_hscrolled(g, 0, 0, 10, s, strlen(s), 1, STYLE_TEXT, STYLE_CONTROL, 4);
    CHECK_STR_EQ(row_text(g, 0), " x<U+202E>");
    grid_clear(g, STYLE_TEXT);
    view_put_hscrolled(g, 0, 0, 10, s, strlen(s), 6, STYLE_TEXT, STYLE_CONTROL, 4);
    CHECK_STR_EQ(row_text(g, 0), "202E>yz   ");
    CHECK_STR_EQ(row_styles(g, 0, 0, 10), "CCCCCTTTTT");
    grid_clear(g, STYLE_TEXT);
    view_put_hscrolled(g, 0, 0, 10, "a\tb", 3, 2, STYLE_TEXT, STYLE_CONTROL, 4);
    CHECK_STR_EQ(row_text(g, 0), "  b       ");
    grid_free(g);
}

/* ---- model pane ----------------------------------------------------------------------- */

static void test_model_wrap_and_styles(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ask(s, "why is the sky blue when the sun is white and space is black?");
    deltas(s, "Because of Rayleigh scattering: short wavelengths scatter more.\n\n```c\n"
              "int x = 1;\n```\nA supercalifragilisticexpialidociouswordthatislong end.\n"
              "a\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
              "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97"
              "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97x\n");
    complete(s);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    static const char *const want[] = {
        "\xe2\x80\xba why is the sky blue when the sun",
        "  is white and space is black?",
        "Because of Rayleigh scattering:",
        "short wavelengths scatter more.",
        "",
        "```c",
        "int x = 1;",
        "```",
        "A supercalifragilisticexpialidociou", /* too long for a row: hard-wrapped */
        "swordthatislong end.",
        "a\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
        "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97"
        "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2",
        "\xe5\xad\x97x",
        "",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        CHECK_STR_EQ(model_row(g, 1 + (int)i), want[i]);
    CHECK_STR_EQ(row_styles(g, 1, MX, MX + 4), "uuuu");
    CHECK_STR_EQ(row_styles(g, 3, MX, MX + 4), "mmmm");
    CHECK_STR_EQ(row_styles(g, 6, MX, MX + 4), "cccc");
    CHECK_STR_EQ(row_styles(g, 7, MX, MX + 4), "cccc");
    CHECK_STR_EQ(row_styles(g, 8, MX, MX + 4), "cccc");
    CHECK_STR_EQ(row_styles(g, 9, MX, MX + 4), "mmmm");
    /* 'a' and 17 wide characters fill the 35 columns: the 18th goes to the next row whole. */
    CHECK_INT_EQ(grid_row_const(g, 11)[MX + 33].width, 2);
    CHECK_INT_EQ(grid_row_const(g, 11)[MX + 34].width, 0);
    CHECK_STR_EQ(cells_text(g, 0, MX - 1, MX + 20), " gpt-test            ");
    CHECK(strstr(row_text(g, 0), "done") != NULL);
    ui_free(ui);
    session_free(s);
}

static void test_model_marks(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ask(s, "first");
    deltas(s, "partial answer");
    session_interrupt(s);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(model_row(g, 1), "\xe2\x80\xba first");
    CHECK_STR_EQ(model_row(g, 2), "partial answer");
    CHECK_STR_EQ(model_row(g, 3), "[interrupted]");
    CHECK_STR_EQ(row_styles(g, 3, MX, MX + 13), "EEEEEEEEEEEEE");
    CHECK(strstr(row_text(g, 0), "interrupted") != NULL);
    /* A second turn, lost with the network. */
    ask(s, "second");
    deltas(s, "more");
    session_on_link_lost(s, "connection reset");
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(model_row(g, 4), "");
    CHECK_STR_EQ(model_row(g, 5), "\xe2\x80\xba second");
    CHECK_STR_EQ(model_row(g, 6), "more");
    CHECK(strncmp(model_row(g, 7), "[interrupted by network", 23) == 0);
    ui_free(ui);
    session_free(s);

    /* incomplete / failed, straight from a Transcript. */
    Transcript *t = transcript_new();
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "x", 1);
    transcript_finish(t, a, ENTRY_INCOMPLETE, "max_output_tokens");
    a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    transcript_finish(t, a, ENTRY_FAILED, "server_error: boom");
    transcript_add(t, ENTRY_NOTE, ENTRY_DONE, "link up again", 13);
    Grid *gg = grid_new(40, 6);
    ModelView *v = model_view_new();
    model_view_draw_body(v, gg, (Rect){0, 0, 40, 6}, t);
    CHECK_STR_EQ(trimmed(row_text(gg, 0)), "x");
    CHECK_STR_EQ(trimmed(row_text(gg, 1)), "[incomplete: max_output_tokens]");
    CHECK_STR_EQ(trimmed(row_text(gg, 2)), "[failed: server_error: boom]");
    CHECK_STR_EQ(trimmed(row_text(gg, 3)), "link up again");
    CHECK_STR_EQ(row_styles(gg, 3, 0, 4), "nnnn");
    model_view_free(v);
    grid_free(gg);
    transcript_free(t);
}

static void test_model_hostile_text_escaped(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ask(s, "q");
    deltas(s, "ok \x1b[2J\x1b]0;pwn\x07 \xe2\x80\xae" "evil\r\n\x9b" "31m");
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(model_row(g, 2), "ok ^[[2J^[]0;pwn^G <U+202E>evil^M");
    CHECK_STR_EQ(row_styles(g, 2, MX, MX + 9), "mmmCCmmmC");
    /* \x9b is not valid UTF-8 on its own: JSON encoding turned it into U+FFFD. */
    CHECK_STR_EQ(model_row(g, 3), "\xef\xbf\xbd" "31m");
    /* Nothing in the whole grid can drive a terminal. */
    for (int y = 0; y < g->rows; y++)
        for (int x = 0; x < g->cols; x++) {
            const Cell *c = &grid_row_const(g, y)[x];
            CHECK(c->width == 0 || utf8_width(c->cp) >= 1);
        }
    /* Raw bytes straight into a Transcript (no JSON on the way). */
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, "a\xff\x1b" "c\xc2\x85", 6);
    Grid *gg = grid_new(20, 2);
    ModelView *v = model_view_new();
    model_view_draw_body(v, gg, (Rect){0, 0, 20, 2}, t);
    CHECK_STR_EQ(trimmed(row_text(gg, 0)), "a<ff>^[c<U+0085>");
    model_view_free(v);
    grid_free(gg);
    transcript_free(t);
    ui_free(ui);
    session_free(s);
}

static Transcript *big_answer(size_t lines)
{
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "print lots", 10);
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    char buf[64];
    for (size_t i = 1; i <= lines; i++) {
        int n = snprintf(buf, sizeof buf, "line %zu of the answer\n", i);
        transcript_append(t, a, buf, (size_t)n);
    }
    return t;
}

static void test_model_follows_tail_of_10000_lines(void)
{
    Transcript *t = big_answer(10000);
    Grid *g = grid_new(36, 22);
    ModelView *v = model_view_new();
    model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 9979 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "line 10000 of the answer");
    transcript_append(t, 1, "and the end", 11);
    model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    CHECK_STR_EQ(trimmed(row_text(g, 20)), "line 10000 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "and the end");
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

static void test_model_scroll_back_anchors(void)
{
    Transcript *t = big_answer(100);
    Grid *g = grid_new(36, 10);
    Rect r = {0, 0, 36, 10};
    ModelView *v = model_view_new();
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "line 100 of the answer");
    model_view_scroll(v, 5);
    model_view_draw_body(v, g, r, t);
    CHECK(!model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 95 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 87 of the answer");
    CHECK(strncmp(row_text(g, 9), "\xe2\x86\x93 5 more", 10) == 0);
    /* New text while scrolled back: the view stays put, the count grows. */
    transcript_append(t, 1, "line 101 of the answer\nline 102", 31);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 95 of the answer");
    CHECK(strncmp(row_text(g, 9), "\xe2\x86\x93 7 more", 10) == 0);
    CHECK_INT_EQ(model_view_rows_below(v), 7);
    /* A growing last line that wraps adds rows to the count. */
    transcript_append(t, 1, " and a long tail that wraps around", 34);
    model_view_draw_body(v, g, r, t);
    CHECK_INT_EQ(model_view_rows_below(v), 8);
    /* Scroll forward a bit, then to the end: following again. */
    model_view_scroll(v, -3);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 98 of the answer");
    CHECK_INT_EQ(model_view_rows_below(v), 5);
    model_view_scroll(v, -100);
    model_view_draw_body(v, g, r, t);
    CHECK(model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "around");
    /* Scrolling back past the top stops with the first row at the top. */
    model_view_scroll(v, 100000);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "\xe2\x80\xba print lots");
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 8 of the answer");
    /* follow resumes at once. */
    model_view_follow(v);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "around");
    /* A short transcript cannot be scrolled: it stays following. */
    Transcript *t2 = big_answer(3);
    model_view_scroll(v, 2);
    model_view_draw_body(v, g, r, t2);
    CHECK(model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "\xe2\x80\xba print lots");
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
    transcript_free(t2);
}

static void test_resize_rewraps_identically(void)
{
    Session *s = new_session();
    for (int turn = 0; turn < 6; turn++) {
        ask(s, "explain the thing in some detail please, with a long question line");
        for (int i = 0; i < 40; i++) {
            char buf[128];
            snprintf(buf, sizeof buf, "Sentence %d of turn %d says something wordy enough to wrap. ",
                     i, turn);
            deltas(s, buf);
            if (i % 7 == 6)
                deltas(s, "\n");
        }
        complete(s);
    }
    Ui *ui = ui_new(NULL, 120, 40);
    ui_render(ui, s, NULL);
    Grid *before = grid_new(120, 40);
    memcpy(before->cells, ui_grid(ui)->cells, sizeof(Cell) * 120 * 40);
    ui_resize(ui, 60, 20);
    ui_render(ui, s, NULL);
    /* At 60x20 the screen is what a fresh Ui of that size draws: no duplicates, nothing lost. */
    Ui *fresh = ui_new(NULL, 60, 20);
    ui_render(fresh, s, NULL);
    for (int y = 0; y < 20; y++)
        CHECK_STR_EQ(row_text(ui_grid(ui), y), row_text(ui_grid(fresh), y));
    ui_resize(ui, 120, 40);
    ui_render(ui, s, NULL);
    for (int y = 0; y < 40; y++)
        CHECK(grid_row_equal(before, ui_grid(ui), y));
    /* Resizing while scrolled back keeps the same text at the bottom of the pane. */
    ui_model_scroll(ui, 30);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    Layout l = layout_compute(120, 40);
    char bottom[4096];
    snprintf(bottom, sizeof bottom, "%s",
             trimmed(cells_text(g, l.model.y + l.model.h - 2, l.model.x, l.model.x + l.model.w)));
    ui_resize(ui, 100, 40);
    ui_render(ui, s, NULL);
    l = layout_compute(100, 40);
    const char *now = trimmed(cells_text(g, l.model.y + l.model.h - 2, l.model.x, l.model.x + l.model.w));
    /* The anchor is a byte: the row holding it at the new width holds the old row's first
     * word (the row starts at or before it and words that fit are never split). */
    char first[64];
    sscanf(bottom, "%63s", first);
    CHECK(strlen(first) > 0);
    CHECK(strstr(now, first) != NULL);
    CHECK(strncmp(cells_text(g, l.model.y + l.model.h - 1, l.model.x + 1, l.model.x + 4),
                  "\xe2\x86\x93", 3) == 0);
    grid_free(before);
    ui_free(fresh);
    ui_free(ui);
    session_free(s);
}

static void test_small_screens(void)
{
    Session *s = new_session();
    set_file(s, "alpha\nbeta\n");
    ask(s, "q");
    deltas(s, "one two three four five six seven eight nine ten");
    Ui *ui = ui_new(NULL, 20, 5);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    /* Stacked: editor (title + 1 row), divider, model (1 row: text, no title), status. */
    CHECK_STR_EQ(trimmed(row_text(g, 0)), " [new] [+]");
    CHECK_STR_EQ(trimmed(row_text(g, 1)), "  1 alpha");
    CHECK_STR_EQ(row_text(g, 2), "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                                 "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                                 "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                                 "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                                 "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80");
    CHECK_STR_EQ(trimmed(row_text(g, 3)), " eight nine ten"); /* margin + 19 columns */
    CHECK(strncmp(row_text(g, 4), " [new] [+]", 10) == 0);
    CHECK_INT_EQ(g->cursor_y, 1);
    for (int w = 0; w <= 62; w += 1)
        for (int h = 0; h <= 8; h++) {
            ui_resize(ui, w, h);
            ui_render(ui, s, NULL);
            if (g->cursor_visible)
                CHECK(g->cursor_x >= 0 && g->cursor_x < w && g->cursor_y >= 0 && g->cursor_y < h);
        }
    ui_free(ui);
    session_free(s);
}

/* ---- model pane against references ---------------------------------------------------- */

/* Naive greedy word wrap of ASCII words separated by single spaces. */
static size_t ref_wrap(const char *line, size_t len, int w, char rows[][256], size_t max)
{
    size_t n = 0;
    char row[256] = "";
    size_t i = 0;
    bool any = false;
    while (i < len) {
        size_t j = i;
        while (j < len && line[j] != ' ')
            j++;
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(j - i), line + i);
        char cand[1280];
        snprintf(cand, sizeof cand, "%s%s%s", row, any ? " " : "", word);
        if ((int)strlen(cand) <= w) {
            snprintf(row, sizeof row, "%.*s", 255, cand);
        } else if ((int)strlen(word) <= w) {
            if (n < max)
                snprintf(rows[n++], 256, "%.*s", 255, row);
            snprintf(row, sizeof row, "%.*s", 255, word);
        } else {
            if (any && (int)strlen(row) >= w) { /* the space itself overflows: break there */
                if (n < max)
                    snprintf(rows[n++], 256, "%.*s", 255, row);
                snprintf(cand, sizeof cand, "%.*s", 255, word);
            }
            char *p = cand;
            while ((int)strlen(p) > w) {
                if (n < max)
                    snprintf(rows[n++], 256, "%.*s", w, p);
                p += w;
            }
            snprintf(row, sizeof row, "%.*s", 255, p);
        }
        any = true;
        i = j + 1;
    }
    if (n < max)
        snprintf(rows[n++], 256, "%.*s", 255, row);
    return n;
}

static void test_wrap_matches_reference(void)
{
    unsigned seed = 7;
    static char want[4000][256];
    for (int iter = 0; iter < 300; iter++) {
        int w = 3 + rand_r(&seed) % 40;
        StrBuf text = {0};
        int nlines = 1 + rand_r(&seed) % 6;
        size_t nwant = 0;
        for (int l = 0; l < nlines; l++) {
            size_t start = text.len;
            int nwords = rand_r(&seed) % 12;
            for (int k = 0; k < nwords; k++) {
                if (k)
                    sb_putc(&text, ' ');
                int wl = 1 + (rand_r(&seed) % 4 == 0 ? rand_r(&seed) % 60 : rand_r(&seed) % 8);
                for (int c = 0; c < wl; c++)
                    sb_putc(&text, (char)('a' + rand_r(&seed) % 26));
            }
            nwant += ref_wrap(text.data ? text.data + start : "", text.len - start, w,
                              want + nwant, 4000 - nwant);
            if (l + 1 < nlines)
                sb_putc(&text, '\n');
        }
        Transcript *t = transcript_new();
        transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, text.data, text.len);
        int h = (int)nwant + 1;
        Grid *g = grid_new(w, h);
        ModelView *v = model_view_new();
        model_view_draw_body(v, g, (Rect){0, 0, w, h}, t);
        int bad = 0;
        for (size_t r = 0; r < nwant && !bad; r++) {
            char wr[256];
            snprintf(wr, sizeof wr, "%s", trimmed(want[r])); /* a hard wrap may end in a space */
            if (strcmp(trimmed(row_text(g, (int)r)), wr) != 0) {
                fprintf(stderr, "width %d row %zu: got \"%s\" want \"%s\"\n", w, r,
                        trimmed(row_text(g, (int)r)), want[r]);
                bad = 1;
            }
        }
        CHECK_STR_EQ(trimmed(row_text(g, h - 1)), "");
        CHECK_INT_EQ(bad, 0);
        model_view_free(v);
        grid_free(g);
        transcript_free(t);
        sb_free(&text);
        if (bad)
            break;
    }
}

/* Streams random text (fences, long lines over the cache threshold, CJK, escapes, spaces)
 * into a transcript; after each append a long-lived view (caches warm, sometimes scrolled)
 * must draw exactly what a brand-new view draws. */
static void test_incremental_matches_fresh(void)
{
    static const char *const pieces[] = {
        "word ", "longerword ", " ", "  ", "\n", "\n\n", "```\n", "```py\n", "\xe6\xbc\xa2",
        "\xcc\x81", "\x1b[0m", "\t", "x", "\xe2\x80\xae", "supercalifragilistic",
    };
    unsigned seed = 99;
    int scrolled_compared = 0;
    for (int round = 0; round < 6; round++) {
        Transcript *t = transcript_new();
        int w = 8 + rand_r(&seed) % 40, h = 5 + rand_r(&seed) % 20;
        Rect r = {0, 0, w, h};
        Grid *g1 = grid_new(w, h), *g2 = grid_new(w, h);
        ModelView *live = model_view_new();
        size_t a = SIZE_MAX;
        int bad = 0;
        for (int step = 0; step < 600 && !bad; step++) {
            int what = rand_r(&seed) % 100;
            if (a == SIZE_MAX || what < 2) {
                if (a != SIZE_MAX)
                    transcript_finish(t, a, (rand_r(&seed) & 1) ? ENTRY_DONE : ENTRY_INTERRUPTED,
                                      NULL);
                transcript_add(t, ENTRY_USER, ENTRY_DONE, "question", 8);
                a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
            }
            size_t nbytes = 1 + (size_t)(rand_r(&seed) % 8);
            bool long_run = rand_r(&seed) % 50 == 0; /* a 3000-byte run with no newline */
            for (size_t k = 0; k < (long_run ? 600 : nbytes); k++) {
                const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
                if (long_run && strchr(p, '\n'))
                    p = "abcd ";
                transcript_append(t, a, p, strlen(p));
            }
            model_view_draw_body(live, g1, r, t);
            ModelView *fresh = model_view_new();
            model_view_draw_body(fresh, g2, r, t);
            for (int y = 0; y < h; y++)
                if (!grid_row_equal(g1, g2, y)) {
                    fprintf(stderr, "round %d step %d row %d:\n live  |%s|\n fresh |%s|\n", round,
                            step, y, row_text(g1, y), row_text(g2, y));
                    bad = 1;
                    break;
                }
            model_view_free(fresh);
        }
        CHECK_INT_EQ(bad, 0);
        /* Scrolled back: the live count of rows below matches a recount from scratch. */
        model_view_scroll(live, 17);
        model_view_draw_body(live, g1, r, t);
        for (int step = 0; step < 200 && !bad; step++) {
            const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
            transcript_append(t, a, p, strlen(p));
            model_view_draw_body(live, g1, r, t);
            if (model_view_following(live))
                break;
            /* A fresh view scrolled by the same total lands on the same rows. */
            size_t below = model_view_rows_below(live);
            scrolled_compared++;
            ModelView *fresh = model_view_new();
            model_view_draw_body(fresh, g2, r, t);
            model_view_scroll(fresh, (int)below);
            model_view_draw_body(fresh, g2, r, t);
            for (int y = 0; y < h && !bad; y++)
                if (!grid_row_equal(g1, g2, y)) {
                    fprintf(stderr, "scrolled round %d step %d row %d (below %zu):\n live  |%s|\n"
                            " fresh |%s|\n", round, step, y, below, row_text(g1, y),
                            row_text(g2, y));
                    bad = 1;
                }
            model_view_free(fresh);
        }
        CHECK_INT_EQ(bad, 0);
        model_view_free(live);
        grid_free(g1);
        grid_free(g2);
        transcript_free(t);
    }
    CHECK(scrolled_compared > 300);
}

/* ---- performance ---------------------------------------------------------------------- */

static void test_render_time_huge_transcript(void)
{
    /* 200,000 deltas (about 1.1 MB) into one streaming answer, through the Session. */
    Session *s = new_session();
    ask(s, "write a lot");
    static const char *const toks[] = {"The ", "quick ", "brown ", "fox ", "jumps ", "over ",
                                       "the ", "lazy ", "dog", ".\n", "```c\n", "x = 1;\n",
                                       "```\n", "\xe6\xbc\xa2\xe5\xad\x97 "};
    unsigned seed = 3;
    double t0 = now_ms();
    for (int i = 0; i < 200000; i++) {
        const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
        delta(s, p, strlen(p));
    }
    double t_feed = now_ms() - t0;
    Ui *ui = ui_new(NULL, 80, 24);
    ui_render(ui, s, NULL);
    t0 = now_ms();
    for (int i = 0; i < 1000; i++)
        ui_render(ui, s, NULL);
    double per_frame = (now_ms() - t0) / 1000;
    /* Streaming: 200 more deltas between frames (100k tok/s at 60 fps is ~1700). */
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++) {
            const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
            delta(s, p, strlen(p));
        }
        ui_render(ui, s, NULL);
    }
    double per_stream = (now_ms() - t0) / 1000;
    /* Scrolled back 10,000 rows while it streams. */
    ui_model_scroll(ui, 10000);
    ui_render(ui, s, NULL);
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++) {
            const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
            delta(s, p, strlen(p));
        }
        ui_render(ui, s, NULL);
    }
    double per_scrolled = (now_ms() - t0) / 1000;
    /* One-off costs: jumping far back, then a resize while scrolled far back (the rows below
     * the anchor are recounted once from the text). */
    t0 = now_ms();
    ui_model_scroll(ui, 1000000);
    ui_render(ui, s, NULL);
    double jump = now_ms() - t0;
    t0 = now_ms();
    ui_resize(ui, 100, 30);
    ui_render(ui, s, NULL);
    double resize = now_ms() - t0;
    t0 = now_ms();
    for (int i = 0; i < 100; i++)
        ui_render(ui, s, NULL);
    double after = (now_ms() - t0) / 100;
    size_t bytes = transcript_entry(session_transcript(s), 1)->text.len;
    printf("render: scroll to the top of it %.1f ms once; resize there %.1f ms once, then "
           "%.3f ms/frame\n", jump, resize, after);
    printf("render: %zu-byte answer (200k deltas, fed in %.0f ms): %.3f ms/frame idle, "
           "%.3f ms/frame streaming (+200 deltas/frame, parse included), %.3f ms/frame scrolled "
           "back\n", bytes, t_feed, per_frame, per_stream, per_scrolled);
    (void)per_frame; /* printed above: a figure for the benchmarks, not an assertion */
    ui_free(ui);
    session_free(s);

    /* A hostile shape: 1 MB in a single line with no newline, streamed. */
    Transcript *t = transcript_new();
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    Grid *g = grid_new(36, 22);
    ModelView *v = model_view_new();
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++)
            transcript_append(t, a, "token ", 6);
        model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    }
    double per_line = (now_ms() - t0) / 1000;
    printf("render: one %zu-byte line without a newline, streamed: %.3f ms/frame\n",
           transcript_entry(t, a)->text.len, per_line);
    (void)per_line; /* printed above: a figure for the benchmarks, not an assertion */
    /* The same line finished by a newline, then short lines streaming below it. */
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        transcript_append(t, a, "\nshort", 6);
        if (i == 0)
            continue;
        model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    }
    double per_after = (now_ms() - t0) / 1000;
    printf("render: short lines streaming below that 1.2 MB line: %.3f ms/frame\n", per_after);
    (void)per_after; /* printed above: a figure for the benchmarks, not an assertion */
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

static void test_render_time_huge_file(void)
{
    Session *s = new_session();
    StrBuf f = {0};
    for (int i = 0; i < 200000; i++)
        sb_printf(&f, "%d\tstatic int value_%d = %d; /* a line of a large file */\n", i, i, i * 7);
    set_file(s, f.data);
    sb_free(&f);
    Buffer *b = session_buffer(s);
    Ui *ui = ui_new(NULL, 80, 24);
    buffer_set_cursor(b, (TextPos){150000, 5});
    ui_render(ui, s, NULL);
    double t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        buffer_set_cursor(b, (TextPos){(size_t)(100000 + i * 37), 0});
        ui_render(ui, s, NULL);
    }
    double per = (now_ms() - t0) / 1000;
    printf("render: 200,000-line file, cursor jumping: %.3f ms/frame\n", per);
    const Grid *g = ui_grid(ui);
    CHECK(strstr(row_text(g, g->cursor_y), "value_136963") != NULL);
    (void)per; /* printed above: a figure for the benchmarks, not an assertion */
    ui_free(ui);
    session_free(s);
}

/* ---- status, prompt, help ------------------------------------------------------------- */

static void test_status_line(void)
{
    Grid *g = grid_new(100, 1);
    StatusLine sl = {.file = "main.c", .modified = true, .line = 12, .col = 5,
                     .model = "gpt-5.3-codex-spark", .link = "connected", .link_ok = true,
                     .ttft_ns = 182 * 1000000ull, .tok_per_sec = 1043.4, .tokens = 5234,
                     .message = "saved", .message_is_error = false};
    status_view_draw(g, (Rect){0, 0, 100, 1}, &sl);
    /* 64 columns of right part end one before the edge: it starts at column 35. */
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  12:5  saved           gpt-5.3-codex-spark  connected  "
                                 "ttft 182ms  1043 tok/s  5234 tok ");
    CHECK_INT_EQ(grid_row(g, 0)[35].style, STYLE_STATUS_ACCENT);
    CHECK_INT_EQ(grid_row(g, 0)[56].style, STYLE_STATUS_ACCENT);
    CHECK_INT_EQ(grid_row(g, 0)[68].style, STYLE_STATUS);
    grid_resize(g, 60, 1);
    status_view_draw(g, (Rect){0, 0, 60, 1}, &sl);
    /* Narrower: token count, TTFT and the model go first. */
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  12:5  saved              connected  1043 tok/s ");
    CHECK_INT_EQ(grid_row(g, 0)[38].style, STYLE_STATUS_ACCENT);
    grid_resize(g, 30, 1);
    sl.link = "offline: refused";
    sl.link_ok = false;
    sl.message = "could not save: permission denied";
    sl.message_is_error = true;
    status_view_draw(g, (Rect){0, 0, 30, 1}, &sl);
    /* Then line:col and the link; the message is cut with an ellipsis. */
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  could not save: \xe2\x80\xa6");
    CHECK_INT_EQ(grid_row(g, 0)[14].style, STYLE_STATUS_WARN);
    sl.message = NULL;
    status_view_draw(g, (Rect){0, 0, 30, 1}, &sl);
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  offline: refused ");
    CHECK_INT_EQ(grid_row(g, 0)[14].style, STYLE_STATUS_WARN);
    for (int w = 0; w <= 30; w++) { /* any width: inside the rect, nothing raw */
        grid_resize(g, 31, 1);
        sl.file = "\x1b]0;evil\x07name.c";
        status_view_draw(g, (Rect){0, 0, w, 1}, &sl);
        CHECK_STR_EQ(cells_text(g, 0, w, 31), "                               " + w);
    }
    grid_free(g);
}

static void test_prompt(void)
{
    Ui *ui = ui_new(NULL, 40, 10);
    Session *s = new_session();
    ui_prompt_open(ui, "Ask: ");
    CHECK(ui_prompt_active(ui));
    KeyEvent k = {.code = KC_CHAR};
    for (const char *p = "hello"; *p; p++) {
        k.cp = (uint32_t)*p;
        CHECK(ui_prompt_key(ui, CMD_INSERT, &k));
    }
    k.cp = 0x6F22; /* 漢 */
    ui_prompt_key(ui, CMD_INSERT, &k);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "Ask: hello\xe6\xbc\xa2");
    CHECK_STR_EQ(row_styles(g, 9, 0, 7), "lllllpp");
    CHECK_INT_EQ(g->cursor_y, 9);
    CHECK_INT_EQ(g->cursor_x, 12);
    ui_prompt_key(ui, CMD_BACKSPACE, NULL);
    ui_prompt_key(ui, CMD_LEFT, NULL);
    ui_prompt_key(ui, CMD_LEFT, NULL);
    ui_prompt_key(ui, CMD_DELETE, NULL);
    CHECK_STR_EQ(ui_prompt_text(ui), "helo");
    ui_prompt_key(ui, CMD_HOME, NULL);
    KeyEvent paste = {.code = KC_PASTE, .text = "a\nb\r\nc ", .text_len = 7};
    ui_prompt_key(ui, CMD_PASTE, &paste);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    CHECK(!ui_prompt_key(ui, CMD_SUBMIT, NULL));
    ui_prompt_commit(ui);
    CHECK(!ui_prompt_active(ui));
    ui_prompt_open(ui, "Ask: ");
    k.cp = 'z';
    ui_prompt_key(ui, CMD_INSERT, &k);
    ui_prompt_key(ui, CMD_HISTORY_PREV, NULL);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_key(ui, CMD_HISTORY_PREV, NULL);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_key(ui, CMD_HISTORY_NEXT, NULL);
    CHECK_STR_EQ(ui_prompt_text(ui), "z"); /* the draft comes back */
    /* Long text scrolls; the cursor stays on screen. */
    for (int i = 0; i < 100; i++) {
        k.cp = (uint32_t)('a' + i % 26);
        ui_prompt_key(ui, CMD_INSERT, &k);
    }
    ui_render(ui, s, NULL);
    CHECK_INT_EQ(g->cursor_x, 39);
    CHECK(strncmp(row_text(g, 9), "Ask: ", 5) == 0);
    CHECK(strstr(row_text(g, 9), "uv ") != NULL);
    ui_prompt_key(ui, CMD_HOME, NULL);
    ui_render(ui, s, NULL);
    CHECK_INT_EQ(g->cursor_x, 5);
    CHECK(strncmp(row_text(g, 9), "Ask: zabcdef", 12) == 0);
    ui_prompt_close(ui);
    ui_render(ui, s, NULL);
    CHECK(strncmp(row_text(g, 9), " [new]", 6) == 0);
    ui_free(ui);
    session_free(s);
}

static void test_help_overlay(void)
{
    Ui *ui = ui_new(NULL, 80, 24);
    Session *s = new_session();
    ui_toggle_help(ui);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    StrBuf all = {0};
    for (int y = 0; y < 24; y++) {
        sb_puts(&all, row_text(g, y));
        sb_putc(&all, '\n');
    }
    static const char *const keys[] = {"Ctrl-K", "Esc / Ctrl-G", "Ctrl-S", "Ctrl-Q",
                                       "Ctrl-Z / Ctrl-Y", "Alt-Up/Down", "Alt-End", "Ctrl-L", "F1"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        CHECK(strstr(all.data, keys[i]) != NULL);
    CHECK(strstr(all.data, "\xe2\x94\x8c") != NULL); /* ┌ */
    ui_toggle_help(ui);
    ui_render(ui, s, NULL);
    CHECK(strstr(row_text(g, 10), "Ctrl-K") == NULL);
    /* Tiny screens: nothing breaks. */
    for (int w = 0; w < 12; w++)
        for (int h = 0; h < 6; h++) {
            ui_resize(ui, w, h);
            ui_toggle_help(ui);
            ui_render(ui, s, NULL);
        }
    sb_free(&all);
    ui_free(ui);
    session_free(s);
}

int main(void)
{
    RUN(test_snapshot_80x24);
    RUN(test_editor_long_file_scrolls_to_cursor);
    RUN(test_editor_tabs_cjk_and_horizontal_scroll);
    RUN(test_view_put_hscrolled);
    RUN(test_model_wrap_and_styles);
    RUN(test_model_marks);
    RUN(test_model_hostile_text_escaped);
    RUN(test_model_follows_tail_of_10000_lines);
    RUN(test_model_scroll_back_anchors);
    RUN(test_resize_rewraps_identically);
    RUN(test_small_screens);
    RUN(test_wrap_matches_reference);
    RUN(test_incremental_matches_fresh);
    RUN(test_render_time_huge_transcript);
    RUN(test_render_time_huge_file);
    RUN(test_status_line);
    RUN(test_prompt);
    RUN(test_help_overlay);
    (void)dump;
    return harness_done();
}
