/* Screen snapshots of the views at 80x24 (and other sizes): the editor (scrolling, tabs, CJK,
 * gutter), the layout on small screens, the status line, the prompt and the help overlay; and
 * the render time of a huge file (printed). The model pane has its own program,
 * test_model_view.c; the shared helpers are in views_support.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "harness.h"
#include "session/session.h"
#include "themes/theme.h"
#include "ui/editor_view.h"
#include "ui/grid.h"
#include "ui/layout.h"
#include "ui/prompt.h"
#include "ui/status_view.h"
#include "ui/key.h"
#include "ui/ui.h"
#include "support/views_support.h"

/* ---- editor --------------------------------------------------------------------------- */

static void test_snapshot_80x24(void)
{
    Session *s = new_session();
    set_file(s, "int main(void)\n{\n\treturn 0;\n}\n");
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
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
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
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
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
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

/* A tab wider than the cut-off buffer (16 cells), cut by the left edge: its visible part is
 * blank, and nothing is read past that buffer (ASan checks the old out-of-bounds read). */
static void test_hscroll_wide_tab(void)
{
    Grid *g = grid_new(12, 1);
    view_put_hscrolled(g, 0, 0, 12, "\tXY", 3, 10, STYLE_TEXT, STYLE_CONTROL, 40);
    CHECK_STR_EQ(row_text(g, 0), "            ");
    grid_clear(g, STYLE_TEXT);
    view_put_hscrolled(g, 0, 0, 12, "\tXY", 3, 35, STYLE_TEXT, STYLE_CONTROL, 40);
    CHECK_STR_EQ(row_text(g, 0), "     XY     ");
    CHECK_STR_EQ(row_styles(g, 0, 0, 12), "TTTTTTTTTTTT");
    grid_clear(g, STYLE_TEXT);
    view_put_hscrolled(g, 0, 0, 12, "a\tXY", 4, 38, STYLE_TEXT, STYLE_CONTROL, 40);
    CHECK_STR_EQ(row_text(g, 0), "  XY        ");
    grid_free(g);
}

/* The editor's caches (the caret's column, each line's offset for the scroll column) against
 * the plain computation, over a random walk of moves, edits and undos on long lines of tabs,
 * CJK, escapes and combining marks: every frame's text rows equal view_put_hscrolled from the
 * line's start, and the status line's column equals buffer_cursor_display_col. */
static void test_editor_caches_match_reference(void)
{
    static const char *const pieces[] = {"a", "bc ", "\t", "\xe6\xbc\xa2", "e\xcc\x81",
                                         "\x1b[0m", "\xe2\x80\xae", "\xff", "word ", "  "};
    unsigned seed = 2024;
    Session *s = new_session();
    StrBuf f = {0};
    for (int l = 0; l < 30; l++) {
        int n = rand_r(&seed) % 400;
        for (int k = 0; k < n; k++)
            sb_puts(&f, pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)]);
        sb_putc(&f, '\n');
    }
    set_file(s, f.data);
    sb_free(&f);
    Buffer *b = session_buffer(s);
    const int cols = 70, rows = 14;
    Ui *ui = ui_new(NULL, cols, rows);
    const Grid *g = ui_grid(ui);
    Rect er = layout_compute(cols, rows).editor;
    Grid *ref = grid_new(cols, 1);
    int bad = 0;
    for (int step = 0; step < 3000 && !bad; step++) {
        int what = rand_r(&seed) % 100;
        if (what < 30) {
            int k = 1 + rand_r(&seed) % 40;
            for (int i = 0; i < k; i++)
                buffer_move(b, BUFFER_RIGHT, 1);
        } else if (what < 55) {
            int k = 1 + rand_r(&seed) % 40;
            for (int i = 0; i < k; i++)
                buffer_move(b, BUFFER_LEFT, 1);
        } else if (what < 62) {
            buffer_move(b, (rand_r(&seed) & 1) ? BUFFER_WORD_RIGHT : BUFFER_WORD_LEFT, 1);
        } else if (what < 70) {
            buffer_move(b, (rand_r(&seed) & 1) ? BUFFER_END : BUFFER_HOME, 1);
        } else if (what < 80) {
            buffer_move(b, (rand_r(&seed) & 1) ? BUFFER_DOWN : BUFFER_UP, 1);
        } else if (what < 88) {
            const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
            buffer_insert(b, p, strlen(p));
        } else if (what < 94) {
            buffer_backspace(b);
        } else {
            buffer_undo(b);
        }
        ui_render(ui, s, NULL);
        /* the status line's line:col */
        TextPos cur = buffer_cursor(b);
        size_t ccol = buffer_cursor_display_col(b);
        char pos[64];
        snprintf(pos, sizeof pos, "  %zu:%zu  ", cur.line + 1, ccol + 1);
        if (!strstr(row_text(g, rows - 1), pos)) {
            fprintf(stderr, "step %d: status |%s| lacks |%s|\n", step, row_text(g, rows - 1), pos);
            bad = 1;
        }
        /* the text rows, from where the caret shows: left and top */
        size_t nlines = text_line_count(buffer_text(b));
        int nd = 1;
        for (size_t n = nlines; n >= 10; n /= 10)
            nd++;
        int gw = (nd < 3 ? 3 : nd) + 1;
        int tx = er.x + gw, tw = er.w - gw, ty = er.y + 1;
        int left = (int)ccol - (g->cursor_x - tx);
        size_t top = cur.line - (size_t)(g->cursor_y - ty);
        CHECK(left >= 0 && g->cursor_x >= tx && g->cursor_x < tx + tw);
        for (int i = 0; i < er.h - 1 && !bad; i++) {
            size_t ln = top + (size_t)i;
            if (ln >= nlines)
                break;
            size_t len;
            const char *line = text_line(buffer_text(b), ln, &len);
            grid_clear(ref, STYLE_TEXT);
            view_put_hscrolled(ref, tx, 0, tw, line, len, left, STYLE_TEXT, STYLE_CONTROL,
                               buffer_tab_width(b));
            if (memcmp(grid_row_const(g, ty + i) + tx, grid_row_const(ref, 0) + tx,
                       (size_t)tw * sizeof(Cell)) != 0) {
                fprintf(stderr, "step %d line %zu left %d:\n got  |%s|\n want |%s|\n", step, ln,
                        left, cells_text(g, ty + i, tx, tx + tw), cells_text(ref, 0, tx, tx + tw));
                bad = 1;
            }
        }
    }
    CHECK_INT_EQ(bad, 0);
    grid_free(ref);
    ui_free(ui);
    session_free(s);
}

/* A 20 MB line with the caret at its end: frames cost O(screen), not O(line). Asserts what
 * is shown; the times (idle frames, frames while the caret walks left and right, a keystroke
 * that edits the line) are printed, not asserted. */
static void test_render_time_long_line(void)
{
    const size_t n = 20u << 20;
    char *line = malloc(n + 2);
    for (size_t i = 0; i < n; i++)
        line[i] = (char)(i % 64 == 63 ? '\t' : 'a' + (int)(i % 26));
    memcpy(line + n, "\n", 2);
    Session *s = new_session();
    set_file(s, line);
    free(line);
    Buffer *b = session_buffer(s);
    buffer_set_cursor(b, (TextPos){0, n});
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    double t0 = now_ms();
    ui_render(ui, s, NULL);
    double first = now_ms() - t0;
    const Grid *g = ui_grid(ui);
    size_t ccol = buffer_cursor_display_col(b);
    char pos[64];
    snprintf(pos, sizeof pos, "  1:%zu  ", ccol + 1);
    CHECK(strstr(row_text(g, 23), pos) != NULL);
    t0 = now_ms();
    for (int i = 0; i < 100; i++)
        ui_render(ui, s, NULL);
    double idle = (now_ms() - t0) / 100;
    t0 = now_ms();
    for (int i = 0; i < 100; i++) {
        buffer_move(b, i < 50 ? BUFFER_LEFT : BUFFER_RIGHT, 1);
        ui_render(ui, s, NULL);
    }
    double moving = (now_ms() - t0) / 100;
    CHECK(strstr(row_text(g, 23), pos) != NULL); /* back at the end */
    CHECK_INT_EQ(g->cursor_y, 1);
    t0 = now_ms();
    buffer_insert(b, "z", 1);
    ui_render(ui, s, NULL);
    double edit = now_ms() - t0;
    snprintf(pos, sizeof pos, "  1:%zu  ", ccol + 2);
    CHECK(strstr(row_text(g, 23), pos) != NULL);
    CHECK(strstr(row_text(g, 1), "z ") != NULL);
    printf("render: caret at the end of a 20 MB line: first frame %.1f ms, then %.3f ms/frame "
           "idle, %.3f ms/frame moving, a keystroke's frame %.1f ms\n", first, idle, moving, edit);
    ui_free(ui);
    session_free(s);
}

/* ---- layout --------------------------------------------------------------------------- */

static void test_small_screens(void)
{
    Session *s = new_session();
    set_file(s, "alpha\nbeta\n");
    view_ask(s, "q");
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

/* ---- performance ---------------------------------------------------------------------- */

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
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
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
    /* Context use and the cached share (issue 8): after the token count; dropped after it
     * and TTFT when the line is narrow. */
    sl.show_ctx = sl.show_cache = true;
    sl.ctx_percent = 23;
    sl.cache_percent = 91;
    grid_resize(g, 120, 1);
    status_view_draw(g, (Rect){0, 0, 120, 1}, &sl);
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  12:5  saved            gpt-5.3-codex-spark  "
                                 "connected  ttft 182ms  1043 tok/s  5234 tok  ctx 23% cache 91% ");
    grid_resize(g, 100, 1);
    status_view_draw(g, (Rect){0, 0, 100, 1}, &sl);
    /* 100 columns: it yields to a message that would not fit whole beside it */
    CHECK_STR_EQ(row_text(g, 0), " main.c [+]  12:5  saved           gpt-5.3-codex-spark  "
                                 "connected  ttft 182ms  1043 tok/s  5234 tok ");
    sl.message = NULL;
    status_view_draw(g, (Rect){0, 0, 100, 1}, &sl);
    CHECK(strstr(row_text(g, 0), "5234 tok") == NULL); /* no message: the count goes first */
    CHECK(strstr(row_text(g, 0), "1043 tok/s  ctx 23% cache 91% ") != NULL);
    grid_resize(g, 80, 1);
    status_view_draw(g, (Rect){0, 0, 80, 1}, &sl);
    CHECK(strstr(row_text(g, 0), "ctx 23%") == NULL); /* then TTFT, then this */
    grid_resize(g, 100, 1);
    sl.show_cache = false;
    sl.tokens = 0;
    sl.ttft_ns = 0;
    status_view_draw(g, (Rect){0, 0, 100, 1}, &sl);
    CHECK(strstr(row_text(g, 0), "1043 tok/s  ctx 23% ") != NULL);
    sl.show_ctx = false;
    sl.tokens = 5234;
    sl.ttft_ns = 182 * 1000000ull;
    sl.message = "saved";
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
        char blanks[32];
        memset(blanks, ' ', (size_t)(31 - w));
        blanks[31 - w] = '\0';
        CHECK_STR_EQ(cells_text(g, 0, w, 31), blanks);
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
        ui_prompt_type(ui, k.cp);
    }
    k.cp = 0x6F22; /* 漢 */
    ui_prompt_type(ui, k.cp);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "Ask: hello\xe6\xbc\xa2");
    CHECK_STR_EQ(row_styles(g, 9, 0, 7), "lllllpp");
    CHECK_INT_EQ(g->cursor_y, 9);
    CHECK_INT_EQ(g->cursor_x, 12);
    ui_prompt_edit(ui, PROMPT_BACKSPACE);
    ui_prompt_edit(ui, PROMPT_LEFT);
    ui_prompt_edit(ui, PROMPT_LEFT);
    ui_prompt_edit(ui, PROMPT_DELETE);
    CHECK_STR_EQ(ui_prompt_text(ui), "helo");
    ui_prompt_edit(ui, PROMPT_HOME);
    KeyEvent paste = {.code = KC_PASTE, .text = "a\nb\r\nc ", .text_len = 7};
    ui_prompt_paste(ui, paste.text, paste.text_len);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_type(ui, 0x1b); /* a control character is never typed */
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_commit(ui);
    CHECK(!ui_prompt_active(ui));
    ui_prompt_open(ui, "Ask: ");
    k.cp = 'z';
    ui_prompt_type(ui, k.cp);
    ui_prompt_edit(ui, PROMPT_HISTORY_PREV);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_edit(ui, PROMPT_HISTORY_PREV);
    CHECK_STR_EQ(ui_prompt_text(ui), "a b c helo");
    ui_prompt_edit(ui, PROMPT_HISTORY_NEXT);
    CHECK_STR_EQ(ui_prompt_text(ui), "z"); /* the draft comes back */
    /* Long text scrolls; the cursor stays on screen. */
    for (int i = 0; i < 100; i++) {
        k.cp = (uint32_t)('a' + i % 26);
        ui_prompt_type(ui, k.cp);
    }
    ui_render(ui, s, NULL);
    CHECK_INT_EQ(g->cursor_x, 39);
    CHECK(strncmp(row_text(g, 9), "Ask: ", 5) == 0);
    CHECK(strstr(row_text(g, 9), "uv ") != NULL);
    ui_prompt_edit(ui, PROMPT_HOME);
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
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    Session *s = new_session();
    ui_toggle_help(ui);
    ui_render(ui, s, NULL);
    CHECK(strstr(row_text(ui_grid(ui), 11), "flint keys") != NULL); /* before any text is set */
    /* The app writes the text from its key tables (app/keymap.c). */
    ui_set_help(ui, "flint keys\n\nCtrl-K          ask the model\nEsc / Ctrl-G    stop\n"
                    "Ctrl-S          save\nCtrl-Q          quit\nCtrl-Z / Ctrl-Y undo / redo\n"
                    "Alt-Up/Down     scroll\nAlt-End         follow\nCtrl-L          redraw\n"
                    "F1              this help");
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

/* Decoration layers: spans restyle exactly the cells their bytes are drawn in (tabs, wide
 * characters, escapes, horizontal scrolling), later layers win, keep_control layers leave
 * escapes alone, and an EOL span covers one cell past the text. */
typedef struct DecorSpec {
    size_t line, start, end;
    uint16_t style;
} DecorSpec;

static void decor_fill(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                       EditorSpans *out)
{
    (void)b, (void)s, (void)len;
    for (const DecorSpec *d = ud; d->style; d++)
        if (d->line == line)
            editor_spans_add(out, d->start, d->end, d->style);
}

static void test_editor_decorations(void)
{
    Session *s = new_session();
    set_file(s, "ab\tcd\n\xe6\xbc\xa2x\x1b[y\n\n");
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    static const DecorSpec syntax[] = {
        {0, 0, 2, STYLE_MODEL_CODE},  /* "ab" */
        {0, 2, 5, STYLE_MODEL_USER},  /* "\tcd": the tab is 2 cells */
        {1, 0, 5, STYLE_MODEL_NOTE},  /* "漢x" + ESC: the escape keeps its style */
        {0},
    };
    static const DecorSpec select[] = {
        {0, 1, EDITOR_SPAN_EOL, STYLE_PROMPT}, /* from "b" through the line break */
        {2, 0, EDITOR_SPAN_EOL, STYLE_PROMPT}, /* an empty line: one cell */
        {0},
    };
    editor_view_add_decor(&v, decor_fill, (void *)syntax, true);
    editor_view_add_decor(&v, decor_fill, (void *)select, false);
    editor_view_draw(&v, g, (Rect){0, 0, 30, 6}, b, false);
    /* gutter is 4 columns ("  1 "); text from x = 4 */
    CHECK_STR_EQ(row_styles(g, 1, 4, 12), "cppppppT"); /* a; b, tab (2), c, d + break */
    CHECK_STR_EQ(row_styles(g, 2, 4, 12), "nnnCCTTT"); /* 漢(2) x ^[ (kept); "[y" not */
    CHECK_STR_EQ(row_styles(g, 3, 4, 8), "pTTT");
    /* Scrolled right by 2 (the caret stays in view, so left stays): the spans move with the
     * text, and "b" under the edge is not drawn. */
    v.left = 2;
    buffer_set_cursor(b, (TextPos){0, 5});
    editor_view_draw(&v, g, (Rect){0, 0, 30, 6}, b, false);
    CHECK_INT_EQ(v.left, 2);
    CHECK_STR_EQ(row_styles(g, 1, 4, 10), "pppppT");
    grid_free(g);
    editor_view_free(&v);
    session_free(s);
}

/* A help text longer than the screen: the overlay shows what fits, says there is more, and
 * scrolls to the last line (clamped), never past it. */
static void test_help_scrolls(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 12);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    StrBuf h = {0};
    for (int i = 1; i <= 30; i++)
        sb_printf(&h, "line %02d\n", i);
    ui_set_help(ui, sb_cstr(&h));
    ui_toggle_help(ui);
    CHECK(ui_help_open(ui));
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK(strstr(row_text(g, 1), "line 01") != NULL);
    CHECK(strstr(row_text(g, 10), "line 10") != NULL);
    CHECK(strstr(row_text(g, 11), "Down/PgDn: more") != NULL);
    ui_help_scroll(ui, 1000);
    ui_render(ui, s, NULL);
    CHECK(strstr(row_text(g, 10), "line 30") != NULL);
    CHECK(strstr(row_text(g, 1), "line 21") != NULL);
    CHECK(strstr(row_text(g, 11), "Up/PgUp: back") != NULL);
    ui_help_scroll(ui, -1);
    ui_render(ui, s, NULL);
    CHECK(strstr(row_text(g, 10), "line 29") != NULL);
    ui_toggle_help(ui); /* closing and opening again starts at the top */
    ui_toggle_help(ui);
    ui_render(ui, s, NULL);
    CHECK(strstr(row_text(g, 1), "line 01") != NULL);
    sb_free(&h);
    ui_free(ui);
    session_free(s);
}

/* At 40x12 (issue 10 item 10) a help line wider than the box wraps onto hanging rows: every
 * word of it is on screen, whole, once scrolled to; an empty line stays empty. */
static void test_help_wraps_at_40x12(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 40, 12);
    ui_set_help(ui, "flint keys\n\nEsc / Ctrl-G           stop the streaming answer at once, "
                    "whatever the queue holds\nF1                     this help");
    ui_toggle_help(ui);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    StrBuf all = {0};
    for (int y = 0; y < 12; y++)
        sb_printf(&all, "%s\n", row_text(g, y));
    const char *t = sb_cstr(&all);
    CHECK(strstr(t, "│                                      │") != NULL); /* the empty line */
    static const char *const words[] = {"streaming", "answer", "whatever", "queue", "holds",
                                        "this help"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strstr(t, words[i])) {
            fprintf(stderr, "  '%s' is not on the 40x12 help:\n%s", words[i], t);
            CHECK(false);
        }
    CHECK(strstr(t, "\n│     ") != NULL); /* a hanging continuation row */
    sb_free(&all);
    ui_free(ui);
    session_free(s);
}

/* Issue 10 item 10: at every width from 40 to 200 a question or an error shows whole before
 * any figure does (figures only beside the whole message), and the file name shrinks first;
 * a notice too (the tmux notice at 80 columns used to be cut for the figures). */
static void test_status_message_priority(void)
{
    static const char *const msgs[] = {
        "Save changes to main.c?  y: save and quit   n: quit without saving   Esc: cancel",
        "Esc lags 500 ms: tmux set -sg escape-time 10, or Ctrl-G",
        "stopped: the API key was rejected by api.openai.com (HTTP 401)",
    };
    static const char *const figures[] = {"tok/s", "ttft", "5234 tok", "ctx 23%",
                                           "gpt-5.3-codex-spark"};
    for (size_t m = 0; m < sizeof msgs / sizeof *msgs; m++) {
        bool error = m != 1; /* the tmux notice is not an error: it has priority too */
        int mw = (int)strlen(msgs[m]);
        for (int w = 40; w <= 200; w++) {
            Grid *g = grid_new(w, 1);
            StatusLine sl = {.file = "src/some/deep/directory/main.c", .modified = true,
                             .line = 12, .col = 5, .model = "gpt-5.3-codex-spark",
                             .link = "connected", .link_ok = true, .ttft_ns = 182000000ull,
                             .tok_per_sec = 1043.4, .tokens = 5234, .show_ctx = true,
                             .ctx_percent = 23, .message = msgs[m], .message_is_error = error};
            status_view_draw(g, (Rect){0, 0, w, 1}, &sl);
            const char *row = row_text(g, 0);
            bool whole = strstr(row, msgs[m]) != NULL;
            for (size_t f = 0; f < sizeof figures / sizeof *figures; f++)
                if (strstr(row, figures[f]) && !whole) {
                    fprintf(stderr, "width %d: '%s' beside a cut message: %s\n", w, figures[f], row);
                    CHECK(false);
                }
            /* room for " main.c… [+]  " and the message: it is whole */
            int room = 1 + 12 + 4 + 2 + mw + 1 + (error ? 0 : 2 + 4 + 2 + 9);
            if (w >= room && !whole) {
                fprintf(stderr, "width %d: the message is cut: %s\n", w, row);
                CHECK(false);
            }
            if (!whole)
                CHECK(strstr(row, "\xe2\x80\xa6") != NULL); /* cut with an ellipsis */
            if (error) /* the link state yields to a question or an error too */
                CHECK(strstr(row, "connected") == NULL || whole);
            else if (w >= 1 + 12 + 4 + 2 + 4 + 2 + 32 + 2 + 9 + 1) /* a notice leaves it */
                CHECK(strstr(row, "connected") != NULL);
            grid_free(g);
        }
    }
}

/* The first screen at 80 columns: the greeting and then the tmux notice, each whole beside a
 * short file name and the link state; the position (1:1 at start) makes way for them. */
static void test_status_start_messages_at_80(void)
{
    static const char *const msgs[] = {
        "Ctrl-K ask  Esc stop  Ctrl-S save  Ctrl-Q quit  F1 help",
        "Esc lags 500 ms: tmux set -sg escape-time 10, or Ctrl-G",
    };
    static const char *const files[] = {"[new]", "main.c", "server.c"};
    for (size_t m = 0; m < sizeof msgs / sizeof *msgs; m++)
        for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
            Grid *g = grid_new(80, 1);
            StatusLine sl = {.file = files[f], .line = 1, .col = 1, .model = "gpt-5.3-codex-spark",
                             .link = "connected", .link_ok = true, .message = msgs[m]};
            status_view_draw(g, (Rect){0, 0, 80, 1}, &sl);
            const char *row = row_text(g, 0);
            if (!strstr(row, msgs[m]) || !strstr(row, "connected") || !strstr(row, files[f])) {
                fprintf(stderr, "  not whole at 80 columns: %s\n", row);
                CHECK(false);
            }
            grid_free(g);
            /* with room for it, the position stays */
            g = grid_new(160, 1);
            status_view_draw(g, (Rect){0, 0, 160, 1}, &sl);
            CHECK(strstr(row_text(g, 0), "1:1") != NULL);
            CHECK(strstr(row_text(g, 0), msgs[m]) != NULL);
            grid_free(g);
        }
}

int main(void)
{
    RUN(test_snapshot_80x24);
    RUN(test_editor_long_file_scrolls_to_cursor);
    RUN(test_editor_tabs_cjk_and_horizontal_scroll);
    RUN(test_view_put_hscrolled);
    RUN(test_hscroll_wide_tab);
    RUN(test_editor_caches_match_reference);
    RUN(test_editor_decorations);
    RUN(test_help_scrolls);
    RUN(test_render_time_long_line);
    RUN(test_small_screens);
    RUN(test_render_time_huge_file);
    RUN(test_status_line);
    RUN(test_status_message_priority);
    RUN(test_status_start_messages_at_80);
    RUN(test_help_wraps_at_40x12);
    RUN(test_prompt);
    RUN(test_help_overlay);
    (void)dump;
    return harness_done();
}
