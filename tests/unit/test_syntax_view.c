/* Syntax colours on screen (ui/syntax_view.c): the editor's decoration layer, the frame budget
 * (a jump to the end of a big file draws plain first and asks for more frames, never blocking
 * one), edits, and answer-pane code blocks coloured by their fence tag. Style letters: see
 * views_support.h (k keyword, t type, c comment, s string ..., c also model-code: 'c' after
 * the UI letters is STYLE_MODEL_CODE in the first part of the table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/session.h"
#include "themes/syntax.h"
#include "themes/theme.h"
#include "ui/grid.h"
#include "ui/ui.h"
#include "support/views_support.h"

/* The column where `word` starts on row y, or -1. */
static int find_col(const Grid *g, int y, const char *word)
{
    const char *row = row_text(g, y);
    const char *p = strstr(row, word);
    if (!p)
        return -1;
    int col = 0; /* columns = code points before it (the rows here have no wide characters) */
    for (const char *q = row; q < p; q++)
        col += ((unsigned char)*q & 0xC0) != 0x80;
    return col;
}

static int find_row(const Grid *g, const char *word)
{
    for (int y = 0; y < g->rows; y++)
        if (find_col(g, y, word) >= 0)
            return y;
    return -1;
}

static uint16_t style_at(const Grid *g, const char *word, int offset)
{
    int y = find_row(g, word);
    if (y < 0)
        return 0xffff;
    return grid_row_const(g, y)[find_col(g, y, word) + offset].style;
}

static Session *session_with_file(const char *path)
{
    Session *s = new_session();
    ErrorBuf err;
    CHECK(buffer_open(session_buffer(s), path, &err));
    return s;
}

static void test_editor_colours(void)
{
    Session *s = session_with_file(FLINT_TEST_DATA "/syntax/sample.c");
    Ui *ui = ui_new(NULL, 100, 24);
    ui_set_languages(ui, syntax_set_load_default());
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(ui_language(ui), "c");
    CHECK(!ui_wants_frame(ui));
    const Grid *g = ui_grid(ui);
    CHECK_INT_EQ(style_at(g, "static int add", 0), STYLE_SYN_KEYWORD);
    CHECK_INT_EQ(style_at(g, "static int add", 7), STYLE_SYN_TYPE);
    CHECK_INT_EQ(style_at(g, "static int add", 11), STYLE_SYN_FUNCTION);
    CHECK_INT_EQ(style_at(g, "/* a block", 3), STYLE_SYN_COMMENT);
    CHECK_INT_EQ(style_at(g, "   comment */", 3), STYLE_SYN_COMMENT); /* a region's 2nd line */
    CHECK_INT_EQ(style_at(g, "#include", 0), STYLE_SYN_PREPROC);
    /* An edit: open a string on line 0; the block comment's lines change class. */
    Buffer *b = session_buffer(s);
    buffer_set_cursor(b, (TextPos){2, 0});
    buffer_insert(b, "\"", 1);
    ui_render(ui, s, NULL);
    CHECK_INT_EQ(style_at(g, "   comment */", 3), STYLE_SYN_STRING);
    buffer_undo(b);
    ui_render(ui, s, NULL);
    CHECK_INT_EQ(style_at(g, "   comment */", 3), STYLE_SYN_COMMENT);
    ui_free(ui);
    session_free(s);
}

static void test_no_languages_is_plain(void)
{
    Session *s = session_with_file(FLINT_TEST_DATA "/syntax/sample.c");
    Ui *ui = ui_new(NULL, 100, 24);
    ui_render(ui, s, NULL);
    CHECK(ui_language(ui) == NULL);
    CHECK_INT_EQ(style_at(ui_grid(ui), "static int add", 0), STYLE_TEXT);
    ui_free(ui);
    session_free(s);
}

static void test_jump_to_end_is_sliced(void)
{
    Session *s = new_session();
    Buffer *b = session_buffer(s);
    StrBuf sb = {0};
    sb_puts(&sb, "/* vim: set ft=c: */\n");
    for (int i = 0; i < 400000; i++)
        sb_puts(&sb, "static int counter = 12345; /* a comment of some length */\n");
    sb_puts(&sb, "int last;");
    buffer_insert(b, sb.data, sb.len);
    sb_free(&sb);
    Ui *ui = ui_new(NULL, 100, 24);
    ui_set_languages(ui, syntax_set_load_default());
    ui_render(ui, s, NULL); /* the caret is at the end after the insert */
    CHECK_STR_EQ(ui_language(ui), "c"); /* by the modeline */
    const Grid *g = ui_grid(ui);
    CHECK(ui_wants_frame(ui));
    CHECK_INT_EQ(style_at(g, "int last", 0), STYLE_SYN_TYPE); /* a guess until states are known */
    int frames = 1;
    while (ui_wants_frame(ui) && frames < 1000) {
        ui_render(ui, s, NULL);
        frames++;
    }
    CHECK(frames > 2 && frames < 1000);
    CHECK_INT_EQ(style_at(g, "int last", 0), STYLE_SYN_TYPE);
    ui_free(ui);
    session_free(s);
}

/* The guess is a guess: inside a comment longer than the guess window it is wrong at first,
 * and right once the exact states arrive. */
static void test_guess_replaced_by_exact_states(void)
{
    Session *s = new_session();
    Buffer *b = session_buffer(s);
    StrBuf sb = {0};
    sb_puts(&sb, "// vim: ft=c\n/*\n");
    for (int i = 0; i < 300000; i++)
        sb_puts(&sb, "still a comment, with some words in it to make it longer\n");
    sb_puts(&sb, "int inside; */ int after;");
    buffer_insert(b, sb.data, sb.len);
    sb_free(&sb);
    Ui *ui = ui_new(NULL, 100, 24);
    ui_set_languages(ui, syntax_set_load_default());
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK(ui_wants_frame(ui));
    CHECK_INT_EQ(style_at(g, "int inside", 0), STYLE_SYN_TYPE); /* guessed: outside */
    int frames = 1;
    while (ui_wants_frame(ui) && frames < 5000) {
        ui_render(ui, s, NULL);
        frames++;
    }
    CHECK(frames < 5000);
    CHECK_INT_EQ(style_at(g, "int inside", 0), STYLE_SYN_COMMENT);
    CHECK_INT_EQ(style_at(g, "int after", 0), STYLE_SYN_TYPE);
    ui_free(ui);
    session_free(s);
}

static void test_answer_code_blocks(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 100, 30);
    ui_set_languages(ui, syntax_set_load_default());
    view_ask(s, "q");
    deltas(s, "Here:\n```c\nint zz; /* open\nstill */ return 7;\n```\n```\nint plain;\n```\n"
              "```python\ndef f(): pass\n```\n");
    complete(s);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_INT_EQ(style_at(g, "int zz", 0), STYLE_SYN_TYPE);
    CHECK_INT_EQ(style_at(g, "int zz", 3), STYLE_MODEL_CODE);
    CHECK_INT_EQ(style_at(g, "/* open", 0), STYLE_SYN_COMMENT);
    CHECK_INT_EQ(style_at(g, "still */", 0), STYLE_SYN_COMMENT); /* state carried across lines */
    CHECK_INT_EQ(style_at(g, "return 7", 0), STYLE_SYN_KEYWORD);
    CHECK_INT_EQ(style_at(g, "return 7", 7), STYLE_SYN_NUMBER);
    CHECK_INT_EQ(style_at(g, "int plain", 0), STYLE_MODEL_CODE); /* no tag: one code style */
    CHECK_INT_EQ(style_at(g, "def f", 0), STYLE_SYN_KEYWORD);
    CHECK_INT_EQ(style_at(g, "Here:", 0), STYLE_MODEL_TEXT);
    ui_free(ui);
    session_free(s);
}

int main(void)
{
    RUN(test_editor_colours);
    RUN(test_no_languages_is_plain);
    RUN(test_jump_to_end_is_sliced);
    RUN(test_guess_replaced_by_exact_states);
    RUN(test_answer_code_blocks);
    return harness_done();
}
