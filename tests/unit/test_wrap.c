/* Soft wrap in the editor pane (ui/editor_wrap.c): screen snapshots of wrapped lines at 80x24
 * (gutter blank on continuation rows), tabs, CJK and escapes at the break, decorations cut at
 * the break (syntax, selection, the line-break cell), the caret on continuation rows, scrolling
 * by rows at the end of a long file, clicks on continuation rows, a caret walked over a line of
 * several hundred rows (the row index), wrap off drawing exactly what it drew before, and the
 * frame times of a wrapped 20 MB line (printed). */
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
#include "ui/ui.h"
#include "support/views_support.h"

/* In a 30x6 pane of a short file: a 4-column gutter ("  1 "), 26 text columns, rows 1..5. */
#define PANE ((Rect){0, 0, 30, 6})

static char *letters(int n)
{
    char *s = malloc((size_t)n + 1);
    for (int i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    return s;
}

static void test_wrap_80x24_gutter(void)
{
    Session *s = new_session();
    char *l = letters(100);
    StrBuf f = {0};
    sb_printf(&f, "short\n%s\nend\n", l);
    set_file(s, f.data);
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    Ui *plain = ui_new(NULL, 80, 24);
    ui_set_layout(plain, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    editor_view_set_wrap(ui_editor_view(ui), true);
    UiStatus st = {.link = "connected", .link_ok = true};
    ui_render(ui, s, &st);
    const Grid *g = ui_grid(ui);
    /* The editor pane is 43 columns: gutter 4, text 39. 100 = 39 + 39 + 22. */
    CHECK_STR_EQ(cells_text(g, 1, 0, 43), "  1 short                                  ");
    CHECK_STR_EQ(cells_text(g, 2, 0, 43), "  2 abcdefghijklmnopqrstuvwxyzabcdefghijklm");
    CHECK_STR_EQ(cells_text(g, 3, 0, 43), "    nopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
    CHECK_STR_EQ(cells_text(g, 4, 0, 43), "    abcdefghijklmnopqrstuv                 ");
    CHECK_STR_EQ(cells_text(g, 5, 0, 43), "  3 end                                    ");
    CHECK_STR_EQ(row_styles(g, 3, 0, 6), "ggggTT"); /* the gutter, blank, in its style */
    CHECK_STR_EQ(row_styles(g, 1, 0, 6), "GGGGTT");
    CHECK(strstr(row_text(g, 23), "  wrap  ") != NULL);
    /* Off again: exactly what a view that never wrapped draws. */
    editor_view_set_wrap(ui_editor_view(ui), false);
    ui_render(ui, s, &st);
    ui_render(plain, s, &st);
    const Grid *p = ui_grid(plain);
    for (int y = 0; y < 24; y++) {
        CHECK_STR_EQ(row_text(g, y), row_text(p, y));
        CHECK_STR_EQ(row_styles(g, y, 0, 80), row_styles(p, y, 0, 80));
    }
    CHECK_INT_EQ(g->cursor_x, p->cursor_x);
    CHECK_INT_EQ(g->cursor_y, p->cursor_y);
    CHECK(strstr(row_text(g, 23), "wrap") == NULL);
    ui_free(plain);
    ui_free(ui);
    sb_free(&f);
    free(l);
    session_free(s);
}

static void draw_wrapped(EditorView *v, Grid *g, Session *s)
{
    editor_view_draw(v, g, PANE, session_buffer(s), true);
}

static void test_wrap_tabs_cjk_escape_at_break(void)
{
    Session *s = new_session();
    /* 25 x + a CJK character (2 columns: does not fit in the 26th); 24 y + a tab (4 columns
     * from column 24: does not fit); 25 z + ESC (^[, 2 columns). */
    set_file(s, "xxxxxxxxxxxxxxxxxxxxxxxxx\xe6\xbc\xa2" "A\n"
                "yyyyyyyyyyyyyyyyyyyyyyyy\tB\n"
                "zzzzzzzzzzzzzzzzzzzzzzzzz\x1b" "C\n");
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    editor_view_set_wrap(&v, true);
    draw_wrapped(&v, g, s);
    CHECK_STR_EQ(row_text(g, 1), "  1 xxxxxxxxxxxxxxxxxxxxxxxxx ");
    CHECK_STR_EQ(row_text(g, 2), "    \xe6\xbc\xa2" "A                       ");
    CHECK_STR_EQ(row_text(g, 3), "  2 yyyyyyyyyyyyyyyyyyyyyyyy  ");
    CHECK_STR_EQ(row_text(g, 4), "        B                     "); /* the tab from column 0 */
    CHECK_STR_EQ(row_text(g, 5), "  3 zzzzzzzzzzzzzzzzzzzzzzzzz ");
    /* The escape's row, one row further (the caret on line 3 scrolls it in). */
    buffer_set_cursor(session_buffer(s), (TextPos){2, 26});
    draw_wrapped(&v, g, s);
    CHECK_STR_EQ(row_text(g, 5), "    ^[C                       ");
    CHECK_STR_EQ(row_styles(g, 5, 4, 8), "CCTT");
    CHECK_INT_EQ(g->cursor_x, 6);
    CHECK_INT_EQ(g->cursor_y, 5);
    grid_free(g);
    editor_view_free(&v);
    session_free(s);
}

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

static void test_wrap_decorations_across_break(void)
{
    Session *s = new_session();
    char *l30 = letters(30), *l26 = letters(26);
    StrBuf f = {0};
    sb_printf(&f, "%s\n%s\nz\n", l30, l26);
    set_file(s, f.data);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    static const DecorSpec syntax[] = {{0, 20, 30, STYLE_MODEL_CODE}, {0}};
    static const DecorSpec select[] = {
        {0, 24, EDITOR_SPAN_EOL, STYLE_PROMPT}, /* across the break, through the line break */
        {1, 25, EDITOR_SPAN_EOL, STYLE_PROMPT}, /* a full row: the break's cell on the next */
        {0},
    };
    editor_view_add_decor(&v, decor_fill, (void *)syntax, true);
    editor_view_add_decor(&v, decor_fill, (void *)select, false);
    editor_view_set_wrap(&v, true);
    draw_wrapped(&v, g, s);
    CHECK_STR_EQ(row_styles(g, 1, 4, 30), "TTTTTTTTTTTTTTTTTTTTccccpp");
    CHECK_STR_EQ(row_styles(g, 2, 4, 12), "pppppTTT"); /* bytes 26..30 and the break */
    CHECK_STR_EQ(row_styles(g, 3, 28, 30), "Tp");
    CHECK_STR_EQ(row_text(g, 4), "                              "); /* the empty row */
    CHECK_STR_EQ(row_styles(g, 4, 0, 6), "ggggpT");
    CHECK_STR_EQ(row_text(g, 5), "  3 z                         ");
    grid_free(g);
    editor_view_free(&v);
    sb_free(&f);
    free(l30);
    free(l26);
    session_free(s);
}

static void test_wrap_caret_on_continuation_rows(void)
{
    Session *s = new_session();
    char *l60 = letters(60), *l26 = letters(26);
    StrBuf f = {0};
    sb_printf(&f, "%s\n%s\n", l60, l26);
    set_file(s, f.data);
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    editor_view_set_wrap(&v, true);
    buffer_set_cursor(b, (TextPos){0, 30}); /* row 1, column 4 */
    draw_wrapped(&v, g, s);
    CHECK_INT_EQ(g->cursor_x, 8);
    CHECK_INT_EQ(g->cursor_y, 2);
    buffer_set_cursor(b, (TextPos){0, 60}); /* the end: row 2, column 8 */
    draw_wrapped(&v, g, s);
    CHECK_INT_EQ(g->cursor_x, 12);
    CHECK_INT_EQ(g->cursor_y, 3);
    buffer_set_cursor(b, (TextPos){1, 26}); /* the end of a full row: the next row */
    draw_wrapped(&v, g, s);
    CHECK_INT_EQ(g->cursor_x, 4);
    CHECK_INT_EQ(g->cursor_y, 5);
    CHECK_INT_EQ(v.left, 0);
    CHECK_INT_EQ(editor_view_caret_col(&v, b), 26); /* the status line's column: logical */
    grid_free(g);
    editor_view_free(&v);
    sb_free(&f);
    free(l60);
    free(l26);
    session_free(s);
}

static void test_wrap_scrolls_to_caret_at_end_of_long_file(void)
{
    Session *s = new_session();
    StrBuf f = {0};
    for (int i = 1; i <= 200; i++) /* 38 columns each: two rows */
        sb_printf(&f, "line %03d .............................\n", i);
    set_file(s, f.data);
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    editor_view_set_wrap(&v, true);
    buffer_set_cursor(b, (TextPos){199, 35});
    draw_wrapped(&v, g, s);
    /* The caret's row is the last one; the rows above come from the lines before. */
    CHECK_STR_EQ(row_text(g, 1), "    ............              ");
    CHECK_STR_EQ(row_text(g, 2), "199 line 199 .................");
    CHECK_STR_EQ(row_text(g, 4), "200 line 200 .................");
    CHECK_STR_EQ(row_text(g, 5), "    ............              ");
    CHECK_INT_EQ((int)v.top, 197);
    CHECK_INT_EQ((int)v.wrapst.top_row, 1);
    CHECK_INT_EQ(g->cursor_y, 5);
    CHECK_INT_EQ(g->cursor_x, 4 + 35 - 26);
    /* Down to the empty last line: one row further. */
    buffer_set_cursor(b, (TextPos){200, 0});
    draw_wrapped(&v, g, s);
    CHECK_STR_EQ(row_text(g, 5), "201                           ");
    CHECK_STR_EQ(row_text(g, 1), "199 line 199 .................");
    CHECK_INT_EQ(g->cursor_y, 5);
    /* Up by lines: the view follows by rows, minimally. */
    buffer_set_cursor(b, (TextPos){198, 30});
    draw_wrapped(&v, g, s);
    CHECK_INT_EQ(g->cursor_y, 2);
    buffer_set_cursor(b, (TextPos){197, 30});
    draw_wrapped(&v, g, s);
    CHECK_INT_EQ((int)v.top, 197);
    CHECK_INT_EQ((int)v.wrapst.top_row, 1);
    CHECK_INT_EQ(g->cursor_y, 1);
    buffer_set_cursor(b, (TextPos){0, 0});
    draw_wrapped(&v, g, s);
    CHECK_STR_EQ(row_text(g, 1), "  1 line 001 .................");
    CHECK_INT_EQ(g->cursor_y, 1);
    grid_free(g);
    editor_view_free(&v);
    sb_free(&f);
    session_free(s);
}

static void test_wrap_pos_at(void)
{
    Session *s = new_session();
    char *l60 = letters(60);
    StrBuf f = {0};
    sb_printf(&f, "%s\nxxxxxxxxxxxxxxxxxxxxxxxxx\xe6\xbc\xa2y\n", l60);
    set_file(s, f.data);
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    editor_view_set_wrap(&v, true);
    draw_wrapped(&v, g, s);
    TextPos p;
    CHECK(editor_view_pos_at(&v, b, PANE, 9, 2, &p)); /* row 1, column 5 */
    CHECK_INT_EQ((int)p.line, 0);
    CHECK_INT_EQ((int)p.col, 31);
    CHECK(editor_view_pos_at(&v, b, PANE, 1, 2, &p)); /* the gutter: the row's start */
    CHECK_INT_EQ((int)p.col, 26);
    CHECK(editor_view_pos_at(&v, b, PANE, 29, 3, &p)); /* past the last row: the end */
    CHECK_INT_EQ((int)p.col, 60);
    CHECK(editor_view_pos_at(&v, b, PANE, 29, 4, &p)); /* the gap a wide char left */
    CHECK_INT_EQ((int)p.line, 1);
    CHECK_INT_EQ((int)p.col, 24);
    CHECK(editor_view_pos_at(&v, b, PANE, 5, 5, &p)); /* the CJK's right half */
    CHECK_INT_EQ((int)p.col, 25);
    CHECK(editor_view_pos_at(&v, b, PANE, 6, 5, &p));
    CHECK_INT_EQ((int)p.col, 28);
    grid_free(g);
    editor_view_free(&v);
    sb_free(&f);
    free(l60);
    session_free(s);
}

/* A line of several hundred rows (past the index's stride), mixed widths: wherever the caret
 * goes, in any order, the cell under the grid cursor shows the caret's character. */
static void test_wrap_caret_walk_long_line(void)
{
    Session *s = new_session();
    StrBuf f = {0};
    for (int i = 0; i < 3000; i++)
        sb_printf(&f, "%s", i % 7 == 3 ? "\xe6\xbc\xa2" : i % 11 == 5 ? "\t" : "q");
    sb_printf(&f, "\n");
    set_file(s, f.data);
    Buffer *b = session_buffer(s);
    size_t len;
    const char *line = text_line(buffer_text(b), 0, &len);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    editor_view_set_wrap(&v, true);
    uint32_t seed = 7;
    for (int k = 0; k < 400; k++) {
        seed = seed * 1103515245u + 12345u;
        size_t pos = k < 100 ? len - (size_t)k * 13 % len : (seed >> 8) % len;
        while (pos < len && ((unsigned char)line[pos] & 0xC0) == 0x80)
            pos++;
        if (pos >= len)
            continue;
        buffer_set_cursor(b, (TextPos){0, pos});
        draw_wrapped(&v, g, s);
        CHECK(g->cursor_visible);
        const char *want = line[pos] == '\t' ? " " : line[pos] == 'q' ? "q" : "\xe6\xbc\xa2";
        CHECK_STR_EQ(cells_text(g, g->cursor_y, g->cursor_x, g->cursor_x + 1), want);
    }
    grid_free(g);
    editor_view_free(&v);
    sb_free(&f);
    session_free(s);
}

/* A 20 MB line, wrapped, the caret at its end: the first frame walks the line once; idle
 * frames and caret moves (across row starts, left and back) then cost a stride of rows at
 * most; an edit walks it once again. Times are printed, not asserted (a loaded machine). */
static void test_wrap_render_time_long_line(void)
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
    editor_view_set_wrap(ui_editor_view(ui), true);
    double t0 = now_ms();
    ui_render(ui, s, NULL);
    double first = now_ms() - t0;
    const Grid *g = ui_grid(ui);
    int cy = g->cursor_y, cx = g->cursor_x;
    CHECK_INT_EQ(cy, 22); /* the last text row */
    t0 = now_ms();
    for (int i = 0; i < 100; i++)
        ui_render(ui, s, NULL);
    double idle = (now_ms() - t0) / 100;
    t0 = now_ms();
    for (int i = 0; i < 200; i++) {
        buffer_move(b, i < 100 ? BUFFER_LEFT : BUFFER_RIGHT, 1);
        ui_render(ui, s, NULL);
    }
    double moving = (now_ms() - t0) / 200;
    CHECK_INT_EQ(g->cursor_y, cy); /* back at the end */
    CHECK_INT_EQ(g->cursor_x, cx);
    t0 = now_ms();
    buffer_insert(b, "z", 1);
    ui_render(ui, s, NULL);
    double edit = now_ms() - t0;
    CHECK_INT_EQ(ui_editor_view(ui)->left, 0);
    printf("wrap: caret at the end of a 20 MB line: first frame %.1f ms, then %.3f ms/frame "
           "idle, %.3f ms/frame moving, a keystroke's frame %.1f ms\n", first, idle, moving, edit);
    ui_free(ui);
    session_free(s);
}

int main(void)
{
    RUN(test_wrap_80x24_gutter);
    RUN(test_wrap_tabs_cjk_escape_at_break);
    RUN(test_wrap_decorations_across_break);
    RUN(test_wrap_caret_on_continuation_rows);
    RUN(test_wrap_scrolls_to_caret_at_end_of_long_file);
    RUN(test_wrap_pos_at);
    RUN(test_wrap_caret_walk_long_line);
    RUN(test_wrap_render_time_long_line);
    return harness_done();
}
