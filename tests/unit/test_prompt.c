/* ui/prompt: the multi-line ask prompt beside the one-line prompts (issue 8 item 6): line
 * breaks typed and pasted (kept only where the prompt is multi-line), Up/Down by rows and the
 * history only from the first / last row, Home/End per line, wrapping (long lines, wide
 * characters never split, tabs), the box's rows (prompt_rows) and its scrolling, the layout
 * giving the box its rows. Drawn into a Grid and read back as text. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/views_support.h"
#include "ui/grid.h"
#include "ui/layout.h"
#include "ui/prompt.h"

static void type_str(Prompt *p, const char *s)
{
    for (; *s; s++)
        prompt_type(p, (unsigned char)*s);
}

static void test_newlines_and_paste(void)
{
    Prompt p;
    prompt_init(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    type_str(&p, "ab");
    prompt_edit(&p, PROMPT_NEWLINE);
    type_str(&p, "cd");
    CHECK_STR_EQ(prompt_text(&p), "ab\ncd");
    static const char paste[] = "x\r\ny\tz\rw";
    prompt_insert(&p, paste, sizeof paste - 1);
    CHECK_STR_EQ(prompt_text(&p), "ab\ncdx\ny\tz\nw"); /* newlines and tabs kept */
    prompt_type(&p, '\n'); /* a typed control character is still swallowed */
    CHECK_STR_EQ(prompt_text(&p), "ab\ncdx\ny\tz\nw");
    /* Home/End stay in the line; Backspace joins lines. */
    prompt_edit(&p, PROMPT_HOME);
    CHECK_INT_EQ(p.cursor, strlen("ab\ncdx\ny\tz\n"));
    prompt_edit(&p, PROMPT_BACKSPACE);
    CHECK_STR_EQ(prompt_text(&p), "ab\ncdx\ny\tzw");
    prompt_edit(&p, PROMPT_END);
    CHECK_INT_EQ(p.cursor, p.text.len);
    prompt_edit(&p, PROMPT_DELETE_WORD_LEFT); /* a tab or a newline ends a word too */
    CHECK_STR_EQ(prompt_text(&p), "ab\ncdx\ny\t");
    prompt_close(&p);
    /* The same keys and paste in a one-line prompt (search, open, Save As). */
    prompt_open(&p, "Search: ");
    type_str(&p, "ab");
    prompt_edit(&p, PROMPT_NEWLINE);
    prompt_insert(&p, paste, sizeof paste - 1);
    CHECK_STR_EQ(prompt_text(&p), "abx y z w");
    CHECK_INT_EQ(prompt_rows(&p, 80, 8), 1);
    prompt_free(&p);
}

/* Grapheme clusters in the prompt (issue 10 item 10): a flag pair, a family emoji and an
 * accented letter move and delete as one. */
static void test_graphemes(void)
{
    static const char fam[] = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
                              "\xf0\x9f\x91\xa7";
    static const char flags[] = "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9"
                                "\xf0\x9f\x87\xaa";
    Prompt p;
    prompt_init(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    prompt_insert(&p, "a", 1);
    prompt_insert(&p, fam, sizeof fam - 1);
    prompt_insert(&p, flags, sizeof flags - 1);
    prompt_insert(&p, "e\xcc\x81", 3);
    prompt_edit(&p, PROMPT_LEFT);
    CHECK_INT_EQ(p.cursor, 1 + 18 + 16);
    prompt_edit(&p, PROMPT_LEFT);
    CHECK_INT_EQ(p.cursor, 1 + 18 + 8); /* one flag */
    prompt_edit(&p, PROMPT_LEFT);
    prompt_edit(&p, PROMPT_LEFT);
    CHECK_INT_EQ(p.cursor, 1);
    prompt_edit(&p, PROMPT_DELETE);
    CHECK_INT_EQ(p.text.len, 1 + 16 + 3); /* the family went whole */
    prompt_edit(&p, PROMPT_END);
    prompt_edit(&p, PROMPT_BACKSPACE);
    CHECK_INT_EQ(p.text.len, 1 + 16);
    prompt_edit(&p, PROMPT_BACKSPACE);
    CHECK_INT_EQ(p.text.len, 1 + 8);
    prompt_free(&p);
}

static void test_up_down_and_history(void)
{
    Prompt p;
    prompt_init(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    type_str(&p, "first");
    prompt_commit(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    type_str(&p, "one");
    prompt_edit(&p, PROMPT_NEWLINE);
    type_str(&p, "two");
    prompt_edit(&p, PROMPT_NEWLINE);
    type_str(&p, "three!");
    /* Up moves between lines, keeping the column (clamped to a short line, then back). */
    prompt_edit(&p, PROMPT_UP);
    CHECK_INT_EQ(p.cursor, strlen("one\ntwo"));
    prompt_edit(&p, PROMPT_UP);
    CHECK_INT_EQ(p.cursor, strlen("one"));
    prompt_edit(&p, PROMPT_DOWN);
    prompt_edit(&p, PROMPT_DOWN);
    CHECK_INT_EQ(p.cursor, strlen("one\ntwo\nthree!")); /* the goal column came back */
    prompt_edit(&p, PROMPT_UP);
    prompt_edit(&p, PROMPT_UP);
    prompt_edit(&p, PROMPT_LEFT);
    CHECK_INT_EQ(p.cursor, 2);
    /* On the first row: the history. */
    prompt_edit(&p, PROMPT_UP);
    CHECK_STR_EQ(prompt_text(&p), "first");
    prompt_edit(&p, PROMPT_UP); /* nothing older */
    CHECK_STR_EQ(prompt_text(&p), "first");
    /* On the last row: forward, to the draft. */
    prompt_edit(&p, PROMPT_DOWN);
    CHECK_STR_EQ(prompt_text(&p), "one\ntwo\nthree!");
    CHECK_INT_EQ(p.cursor, p.text.len);
    /* Down on the last row of the draft: nothing newer. */
    prompt_edit(&p, PROMPT_DOWN);
    CHECK_STR_EQ(prompt_text(&p), "one\ntwo\nthree!");
    /* A multi-line entry comes back whole; blank ones are not kept. */
    prompt_commit(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    prompt_edit(&p, PROMPT_NEWLINE);
    prompt_commit(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    prompt_edit(&p, PROMPT_UP);
    CHECK_STR_EQ(prompt_text(&p), "one\ntwo\nthree!");
    prompt_edit(&p, PROMPT_UP); /* the cursor is on its last row: moves up inside it */
    CHECK_STR_EQ(prompt_text(&p), "one\ntwo\nthree!");
    CHECK_INT_EQ(p.cursor, strlen("one\ntwo"));
    /* A one-line prompt: Up is the history at once. */
    prompt_close(&p);
    prompt_open(&p, "Save as: ");
    prompt_edit(&p, PROMPT_UP);
    CHECK_STR_EQ(prompt_text(&p), "one\ntwo\nthree!");
    prompt_free(&p);
}

static void test_wrap_and_draw(void)
{
    Grid *g = grid_new(15, 6);
    Prompt p;
    prompt_init(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    /* 15 columns, a 5-column label: 10 for the text. */
    type_str(&p, "abcdefghijKLMNOPQRSTuvw");
    CHECK_INT_EQ(prompt_rows(&p, 15, 8), 3);
    CHECK_INT_EQ(prompt_rows(&p, 15, 2), 2);
    grid_clear(g, 0);
    prompt_draw(&p, g, (Rect){0, 3, 15, 3}, true);
    CHECK_STR_EQ(row_text(g, 3), "Ask: abcdefghij");
    CHECK_STR_EQ(trimmed(row_text(g, 4)), "     KLMNOPQRST");
    CHECK_STR_EQ(trimmed(row_text(g, 5)), "     uvw");
    CHECK_INT_EQ(g->cursor_x, 8);
    CHECK_INT_EQ(g->cursor_y, 5);
    /* Up/Down go by the rows drawn. */
    prompt_edit(&p, PROMPT_UP);
    CHECK_INT_EQ(p.cursor, 13);
    /* An exactly full last row: the cursor after it gets a row of its own. */
    prompt_set_text(&p, "abcdefghij", 10);
    CHECK_INT_EQ(prompt_rows(&p, 15, 8), 2);
    /* Wide characters never split: 6 of them (12 columns) in rows of 10. */
    prompt_set_text(&p, "日本語日本語x", strlen("日本語日本語x"));
    grid_clear(g, 0);
    prompt_draw(&p, g, (Rect){0, 3, 15, 3}, true);
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "Ask: 日本語日本");
    CHECK_STR_EQ(trimmed(row_text(g, 4)), "     語x");
    CHECK_INT_EQ(g->cursor_x, 5 + 3);
    /* On 8 columns (the label keeps half of it: 4): a wide character moves whole. */
    prompt_set_text(&p, "a日本", strlen("a日本"));
    CHECK_INT_EQ(prompt_rows(&p, 8, 8), 2);
    /* Words move whole to the next row when the row has a space to break at. */
    prompt_set_text(&p, "hello world againandagainandagain", 33);
    prompt_edit(&p, PROMPT_HOME);
    CHECK_INT_EQ(prompt_rows(&p, 15, 8), 5);
    grid_clear(g, 0);
    prompt_draw(&p, g, (Rect){0, 2, 15, 4}, true);
    CHECK_STR_EQ(trimmed(row_text(g, 2)), "Ask: hello");
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "     world");
    CHECK_STR_EQ(trimmed(row_text(g, 4)), "     againandag"); /* no space: cut */
    CHECK_STR_EQ(trimmed(row_text(g, 5)), "\xe2\x86\x93    ainandagai"); /* more below */
    /* Tabs expand to multiples of PROMPT_TAB_WIDTH. */
    prompt_set_text(&p, "a\tb", 3);
    grid_clear(g, 0);
    prompt_draw(&p, g, (Rect){0, 3, 15, 1}, true);
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "Ask: a   b");
    CHECK_INT_EQ(g->cursor_x, 5 + 5);
    prompt_free(&p);
    grid_free(g);
}

static void test_scroll(void)
{
    Grid *g = grid_new(20, 6);
    Prompt p;
    prompt_init(&p);
    prompt_open_opts(&p, "Ask: ", PROMPT_MULTILINE);
    for (int i = 0; i < 10; i++) {
        if (i)
            prompt_edit(&p, PROMPT_NEWLINE);
        prompt_type(&p, (uint32_t)('0' + i));
    }
    CHECK_INT_EQ(prompt_rows(&p, 20, 3), 3);
    prompt_draw(&p, g, (Rect){0, 3, 20, 3}, true);
    /* The cursor's row (the last) is shown; an arrow says more lies above. */
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "Ask: 7");
    CHECK_STR_EQ(trimmed(row_text(g, 4)), "\xe2\x86\x91    8");
    CHECK_STR_EQ(trimmed(row_text(g, 5)), "     9");
    CHECK_INT_EQ(g->cursor_y, 5);
    for (int i = 0; i < 9; i++)
        prompt_edit(&p, PROMPT_UP);
    grid_clear(g, 0);
    prompt_draw(&p, g, (Rect){0, 3, 20, 3}, true);
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "Ask: 0");
    CHECK(strstr(row_text(g, 5), "\xe2\x86\x93") != NULL); /* more below */
    CHECK_INT_EQ(g->cursor_y, 3);
    prompt_free(&p);
    grid_free(g);
}

static void test_layout_rows(void)
{
    CHECK_INT_EQ(layout_prompt_max_rows(24), 8);
    CHECK_INT_EQ(layout_prompt_max_rows(12), 4);
    CHECK_INT_EQ(layout_prompt_max_rows(2), 1);
    CHECK_INT_EQ(layout_prompt_max_rows(60), LAYOUT_PROMPT_MAX_ROWS);
    Layout l = layout_compute_bottom(120, 24, 5);
    CHECK_INT_EQ(l.bottom.y, 19);
    CHECK_INT_EQ(l.bottom.h, 5);
    CHECK_INT_EQ(l.editor.h, 19);
    l = layout_compute_bottom(80, 6, 8); /* at most half of the screen */
    CHECK_INT_EQ(l.bottom.h, 3);
    l = layout_compute_bottom(80, 1, 8);
    CHECK_INT_EQ(l.bottom.h, 1);
    CHECK_INT_EQ(l.editor.h, 0);
    Layout a = layout_compute(80, 24), b = layout_compute_bottom(80, 24, 1);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
}

int main(void)
{
    RUN(test_newlines_and_paste);
    RUN(test_graphemes);
    RUN(test_up_down_and_history);
    RUN(test_wrap_and_draw);
    RUN(test_scroll);
    RUN(test_layout_rows);
    return harness_done();
}
