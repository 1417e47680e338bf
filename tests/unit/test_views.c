/* Screen snapshots of the views at 80x24 (and other sizes): the editor (scrolling, tabs, CJK,
 * gutter), the layout on small screens, the status line, the prompt and the help overlay; and
 * the render time of a huge file (printed). The model pane has its own program,
 * test_model_view.c; the shared helpers are in views_support.h. */
#include <stdint.h>
#include <stdio.h>
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
#include "ui/ui.h"
#include "views_support.h"

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

/* ---- layout --------------------------------------------------------------------------- */

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
    RUN(test_small_screens);
    RUN(test_render_time_huge_file);
    RUN(test_status_line);
    RUN(test_prompt);
    RUN(test_help_overlay);
    (void)dump;
    return harness_done();
}
