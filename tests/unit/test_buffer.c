/* session/buffer: editing at the cursor, cursor motion (sticky display column, smart Home,
 * words), undo/redo and the modified flag. Saving, changes on disk and recovery files are
 * tested in test_buffer_file.c; the helpers both use are in buffer_support.h. Files live in a
 * fresh mkdtemp directory under /tmp. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "harness.h"
#include "support/buffer_support.h"

/* --- helpers -------------------------------------------------------------------------------- */

#define CHECK_CURSOR(b, l, c)                                                                 \
    do {                                                                                      \
        TextPos cc_ = buffer_cursor(b);                                                       \
        CHECK_INT_EQ(cc_.line, l);                                                            \
        CHECK_INT_EQ(cc_.col, c);                                                             \
    } while (0)

/* --- editing ---------------------------------------------------------------------------------- */

static void test_typing(void)
{
    Buffer *b = buffer_new();
    CHECK(!buffer_modified(b));
    CHECK_STR_EQ(buffer_name(b), "[new]");
    CHECK(buffer_path(b) == NULL);
    type(b, "héllo 中");
    CHECK_TEXT(b, "héllo 中\n");
    CHECK_CURSOR(b, 0, 10);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 8);
    CHECK(buffer_modified(b));
    buffer_tab(b);
    type(b, "x");
    CHECK_INT_EQ(buffer_cursor_display_col(b), 13); /* tab from 8 to 12, then x */
    buffer_move(b, BUFFER_HOME, 0);
    buffer_insert(b, "pasted\ntext ", 12);
    CHECK_TEXT(b, "pasted\ntext héllo 中\tx\n");
    CHECK_CURSOR(b, 1, 5);
    buffer_free(b);
}

static void test_newline_indent(void)
{
    Buffer *b = buffer_new();
    type(b, "    if (x) {");
    buffer_newline(b);
    CHECK_CURSOR(b, 1, 4);
    type(b, "\ty();");
    buffer_newline(b);
    CHECK_TEXT(b, "    if (x) {\n    \ty();\n    \t\n");
    CHECK_CURSOR(b, 2, 5);
    /* With the cursor inside the indentation only the part before it is repeated. */
    buffer_set_cursor(b, (TextPos){0, 2});
    buffer_newline(b);
    CHECK_TEXT(b, "  \n    if (x) {\n    \ty();\n    \t\n");
    CHECK_CURSOR(b, 1, 2);
    /* A newline splitting text carries the rest to the new, indented line. */
    buffer_set_cursor(b, (TextPos){1, 9});
    buffer_newline(b);
    CHECK_TEXT(b, "  \n    if (x\n    ) {\n    \ty();\n    \t\n");
    buffer_free(b);
}

static void test_backspace_characters(void)
{
    /* a, CJK, emoji, e + combining acute, a raw byte */
    Buffer *b = buffer_with("a\xe4\xb8\xad\xf0\x9f\x98\x80" "e\xcc\x81\xff\n");
    buffer_move(b, BUFFER_END, 0);
    CHECK_CURSOR(b, 0, 12);
    buffer_backspace(b); /* the raw byte */
    CHECK_TEXT(b, "a\xe4\xb8\xad\xf0\x9f\x98\x80" "e\xcc\x81\n");
    buffer_backspace(b); /* the letter with its accent: one cluster (issue 10) */
    CHECK_TEXT(b, "a\xe4\xb8\xad\xf0\x9f\x98\x80\n");
    buffer_backspace(b); /* the emoji, 4 bytes */
    CHECK_TEXT(b, "a\xe4\xb8\xad\n");
    CHECK_CURSOR(b, 0, 4);
    buffer_backspace(b); /* the CJK character, 3 bytes */
    CHECK_TEXT(b, "a\n");
    buffer_backspace(b);
    buffer_backspace(b); /* nothing left: no-op */
    CHECK_TEXT(b, "\n");
    CHECK_CURSOR(b, 0, 0);
    /* A truncated sequence is raw bytes, removed one at a time. */
    buffer_insert(b, "\xe4\xb8", 2);
    buffer_backspace(b);
    CHECK_TEXT(b, "\xe4\n");
    buffer_free(b);
}

/* Grapheme clusters (issue 10 item 10): a family emoji (ZWJ sequence), a skin-toned thumb,
 * two flags in a row and a letter with two accents each move and delete as one. */
#define FAMILY "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"
#define THUMB "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"
#define FR "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"
#define DE "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa"
#define E2 "e\xcc\x81\xcc\xa3"
static void test_grapheme_clusters(void)
{
    Buffer *b = buffer_with("a" FAMILY THUMB FR DE E2 "z\n");
    size_t at[] = {0, 1, 1 + 18, 1 + 18 + 8, 1 + 18 + 8 + 8, 1 + 18 + 8 + 16,
                   1 + 18 + 8 + 16 + 5, 1 + 18 + 8 + 16 + 6};
    for (size_t i = 1; i < sizeof at / sizeof *at; i++) {
        buffer_move(b, BUFFER_RIGHT, 0);
        CHECK_CURSOR(b, 0, at[i]);
    }
    for (size_t i = sizeof at / sizeof *at - 1; i-- > 0;) {
        buffer_move(b, BUFFER_LEFT, 0);
        CHECK_CURSOR(b, 0, at[i]);
    }
    buffer_move(b, BUFFER_END, 0);
    buffer_backspace(b); /* z */
    buffer_backspace(b);
    CHECK_TEXT(b, "a" FAMILY THUMB FR DE "\n");
    buffer_backspace(b);
    CHECK_TEXT(b, "a" FAMILY THUMB FR "\n"); /* one flag, not half of two */
    buffer_backspace(b);
    CHECK_TEXT(b, "a" FAMILY THUMB "\n");
    buffer_move(b, BUFFER_HOME, 0);
    buffer_move(b, BUFFER_RIGHT, 0);
    buffer_delete(b);
    CHECK_TEXT(b, "a" THUMB "\n"); /* the whole family */
    buffer_delete(b);
    CHECK_TEXT(b, "a\n");
    buffer_undo(b); /* the two deletes were one typing run */
    CHECK_TEXT(b, "a" FAMILY THUMB "\n");
    buffer_free(b);
}

static void test_delete_and_join(void)
{
    Buffer *b = buffer_with("ab\ncd\n");
    buffer_set_cursor(b, (TextPos){1, 0});
    buffer_backspace(b);
    CHECK_TEXT(b, "abcd\n");
    CHECK_CURSOR(b, 0, 2);
    buffer_newline(b);
    buffer_move(b, BUFFER_UP, 0);
    buffer_move(b, BUFFER_END, 0);
    buffer_delete(b); /* at the line end: joins the next line */
    CHECK_TEXT(b, "abcd\n");
    CHECK_CURSOR(b, 0, 2);
    buffer_move(b, BUFFER_END, 0);
    buffer_delete(b); /* at the very end: nothing */
    CHECK_TEXT(b, "abcd\n");
    buffer_free(b);

    /* Delete takes a character with its combining marks; a raw byte is one character. */
    b = buffer_with("e\xcc\x81x\xff\xfey\n");
    buffer_delete(b);
    CHECK_TEXT(b, "x\xff\xfey\n");
    buffer_move(b, BUFFER_RIGHT, 0);
    buffer_delete(b);
    CHECK_TEXT(b, "x\xfey\n");
    buffer_free(b);
}

/* --- motion ----------------------------------------------------------------------------------- */

static void test_sticky_column(void)
{
    /* line 0: tab to col 4, then abc at 4..6; line 1: three wide chars (0..5) then xyz;
     * line 2: short; line 3: digits; line 4: raw byte <ff> (4 cols) and ESC ^[ (2 cols). */
    Buffer *b = buffer_with("\tabc\n\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97xyz\nab\n0123456789\n"
                            "\xff\x1b" "ab\n");
    buffer_set_cursor(b, (TextPos){3, 6});
    CHECK_INT_EQ(buffer_cursor_display_col(b), 6);
    buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 2, 2); /* short line: its end */
    buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 1, 9); /* the x after three 2-column characters */
    CHECK_INT_EQ(buffer_cursor_display_col(b), 6);
    buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 0, 3); /* tab (4 cols) + "ab" */
    CHECK_INT_EQ(buffer_cursor_display_col(b), 6);
    buffer_move(b, BUFFER_DOWN, 0);
    buffer_move(b, BUFFER_DOWN, 0);
    buffer_move(b, BUFFER_DOWN, 0);
    CHECK_CURSOR(b, 3, 6); /* back at the remembered column */
    buffer_move(b, BUFFER_DOWN, 0);
    CHECK_CURSOR(b, 4, 2); /* <ff> ^[ = 6 columns: 'a' */
    CHECK_INT_EQ(buffer_cursor_display_col(b), 6);
    /* A column inside a wide character lands on its start. */
    buffer_set_cursor(b, (TextPos){3, 5});
    buffer_move(b, BUFFER_UP, 0);
    buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 1, 6);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 4);
    /* A column inside a tab lands on the tab. */
    buffer_set_cursor(b, (TextPos){3, 2});
    for (int i = 0; i < 3; i++)
        buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 0, 0);
    /* A horizontal move resets the column; Up on the first line goes to its start. */
    buffer_move(b, BUFFER_END, 0);
    buffer_move(b, BUFFER_UP, 0);
    CHECK_CURSOR(b, 0, 0);
    buffer_move(b, BUFFER_DOWN, 0);
    CHECK_CURSOR(b, 1, 10); /* the column of "\tabc"'s end, 7: the y */
    CHECK_INT_EQ(buffer_cursor_display_col(b), 7);
    buffer_move(b, BUFFER_BOTTOM, 0);
    buffer_move(b, BUFFER_DOWN, 0);
    CHECK_CURSOR(b, 4, 4);
    buffer_free(b);
}

static void test_page_moves(void)
{
    StrBuf sb = {0};
    for (int i = 0; i < 100; i++)
        sb_printf(&sb, "line %d\n", i);
    Buffer *b = buffer_with(sb.data);
    sb_free(&sb);
    buffer_set_cursor(b, (TextPos){0, 6});
    buffer_move(b, BUFFER_PAGE_DOWN, 30);
    CHECK_CURSOR(b, 30, 6);
    buffer_move(b, BUFFER_PAGE_DOWN, 30);
    buffer_move(b, BUFFER_PAGE_DOWN, 30);
    CHECK_CURSOR(b, 90, 6);
    buffer_move(b, BUFFER_PAGE_DOWN, 30);
    CHECK_CURSOR(b, 99, 6);
    buffer_move(b, BUFFER_PAGE_UP, 50);
    CHECK_CURSOR(b, 49, 6);
    buffer_move(b, BUFFER_PAGE_UP, 50);
    CHECK_CURSOR(b, 0, 6);
    buffer_move(b, BUFFER_PAGE_DOWN, 0); /* a zero-row page still moves one line */
    CHECK_CURSOR(b, 1, 6);
    buffer_move(b, BUFFER_BOTTOM, 0);
    CHECK_CURSOR(b, 99, 7);
    buffer_move(b, BUFFER_TOP, 0);
    CHECK_CURSOR(b, 0, 0);
    buffer_free(b);
}

static void test_home_left_right(void)
{
    Buffer *b = buffer_with("    foo\nbar\n");
    buffer_move(b, BUFFER_END, 0);
    buffer_move(b, BUFFER_HOME, 0);
    CHECK_CURSOR(b, 0, 4);
    buffer_move(b, BUFFER_HOME, 0);
    CHECK_CURSOR(b, 0, 0);
    buffer_move(b, BUFFER_HOME, 0);
    CHECK_CURSOR(b, 0, 4);
    buffer_set_cursor(b, (TextPos){0, 2});
    buffer_move(b, BUFFER_HOME, 0);
    CHECK_CURSOR(b, 0, 4);
    buffer_move(b, BUFFER_END, 0);
    buffer_move(b, BUFFER_RIGHT, 0);
    CHECK_CURSOR(b, 1, 0);
    buffer_move(b, BUFFER_LEFT, 0);
    CHECK_CURSOR(b, 0, 7);
    buffer_move(b, BUFFER_HOME, 0);
    buffer_move(b, BUFFER_HOME, 0);
    buffer_move(b, BUFFER_LEFT, 0); /* at the very start: stays */
    CHECK_CURSOR(b, 0, 0);
    buffer_free(b);

    /* Left/Right step over whole characters and never stop inside a cluster. */
    b = buffer_with("\xe4\xb8\xad" "e\xcc\x81\xff" "z\n");
    buffer_move(b, BUFFER_RIGHT, 0);
    CHECK_CURSOR(b, 0, 3);
    buffer_move(b, BUFFER_RIGHT, 0);
    CHECK_CURSOR(b, 0, 6);
    buffer_move(b, BUFFER_RIGHT, 0);
    CHECK_CURSOR(b, 0, 7);
    buffer_move(b, BUFFER_LEFT, 0);
    CHECK_CURSOR(b, 0, 6);
    buffer_move(b, BUFFER_LEFT, 0);
    CHECK_CURSOR(b, 0, 3);
    buffer_free(b);
}

static void test_word_moves(void)
{
    Buffer *b = buffer_with("foo bar_baz, qux\n  next(line)\n");
    static const size_t right[] = {4, 11, 13, 16};
    for (size_t i = 0; i < 4; i++) {
        buffer_move(b, BUFFER_WORD_RIGHT, 0);
        CHECK_CURSOR(b, 0, right[i]);
    }
    buffer_move(b, BUFFER_WORD_RIGHT, 0);
    CHECK_CURSOR(b, 1, 2); /* next line, past its indentation */
    buffer_move(b, BUFFER_WORD_RIGHT, 0);
    CHECK_CURSOR(b, 1, 6);
    buffer_move(b, BUFFER_WORD_LEFT, 0);
    CHECK_CURSOR(b, 1, 2);
    buffer_move(b, BUFFER_WORD_LEFT, 0);
    CHECK_CURSOR(b, 1, 0);
    buffer_move(b, BUFFER_WORD_LEFT, 0);
    CHECK_CURSOR(b, 0, 16);
    static const size_t left[] = {13, 11, 4, 0};
    for (size_t i = 0; i < 4; i++) {
        buffer_move(b, BUFFER_WORD_LEFT, 0);
        CHECK_CURSOR(b, 0, left[i]);
    }
    buffer_free(b);
    /* Non-ASCII letters are word characters. */
    b = buffer_with("día 中文 x\n");
    buffer_move(b, BUFFER_WORD_RIGHT, 0);
    CHECK_CURSOR(b, 0, 5);
    buffer_move(b, BUFFER_WORD_RIGHT, 0);
    CHECK_CURSOR(b, 0, 12);
    buffer_free(b);
}

static void test_display_width_rule(void)
{
    /* The caret counts columns with core/utf8's display rule (utf8_display_width, tested in
     * test_utf8; test_grid checks the grid draws the same); tabs are the buffer's own. */
    CHECK_INT_EQ(buffer_display_next_col(0, 'a', 4), 1);
    CHECK_INT_EQ(buffer_display_next_col(0, 0x4E2D, 4), 2);
    CHECK_INT_EQ(buffer_display_next_col(0, 0x1F600, 4), 2);
    CHECK_INT_EQ(buffer_display_next_col(3, 0x0301, 4), 3);
    CHECK_INT_EQ(buffer_display_next_col(0, 0x1B, 4), 2);     /* ^[ */
    CHECK_INT_EQ(buffer_display_next_col(0, 0x7F, 4), 2);     /* ^? */
    CHECK_INT_EQ(buffer_display_next_col(0, 0x202E, 4), 8);   /* <U+202E> */
    CHECK_INT_EQ(buffer_display_next_col(0, 0xE0001, 4), 9);  /* <U+E0001> */
    CHECK_INT_EQ(buffer_display_next_col(0, 0x85, 4), 8);     /* <U+0085> */
    CHECK_INT_EQ(buffer_display_next_col(0, 0x80000000u | 0xFF, 4), 4); /* <ff> */
    CHECK_INT_EQ(buffer_display_next_col(0, '\t', 4), 4);
    CHECK_INT_EQ(buffer_display_next_col(3, '\t', 4), 4);
    CHECK_INT_EQ(buffer_display_next_col(4, '\t', 4), 8);
    CHECK_INT_EQ(buffer_display_next_col(5, 0x4E2D, 4), 7);

    /* The caret lands after the escape as drawn: "a" ESC "b" | is column 4. */
    Buffer *b = buffer_with("a\x1b" "b\xe2\x80\xae\xff" "c\n");
    buffer_move(b, BUFFER_END, 0);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 1 + 2 + 1 + 8 + 4 + 1);
    buffer_free(b);
}

/* --- undo ----------------------------------------------------------------------------------- */

static void test_undo_coalescing(void)
{
    Buffer *b = buffer_new();
    type(b, "abc");
    CHECK(buffer_undo(b)); /* typed characters are one step */
    CHECK_TEXT(b, "");
    CHECK_CURSOR(b, 0, 0);
    CHECK(!buffer_undo(b));
    CHECK(buffer_redo(b));
    CHECK_TEXT(b, "abc\n");
    CHECK_CURSOR(b, 0, 3);
    CHECK(!buffer_redo(b));

    /* A cursor move breaks the step. */
    buffer_move(b, BUFFER_LEFT, 0);
    type(b, "X");
    type(b, "Y");
    CHECK_TEXT(b, "abXYc\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "abc\n");
    CHECK_CURSOR(b, 0, 2);
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "");
    CHECK(buffer_redo(b));
    CHECK(buffer_redo(b));
    CHECK_TEXT(b, "abXYc\n");
    CHECK_CURSOR(b, 0, 4);

    /* Backspaces coalesce, across a line join too, and undo puts the cursor back. */
    buffer_move(b, BUFFER_END, 0);
    type(b, "\nde");
    buffer_break_undo(b);
    for (int i = 0; i < 4; i++)
        buffer_backspace(b);
    CHECK_TEXT(b, "abXY\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "abXYc\nde\n");
    CHECK_CURSOR(b, 1, 2);
    /* Typing, a newline and more typing are three steps. */
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "abXYc\n\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "abXYc\n");
    CHECK_CURSOR(b, 0, 5);

    /* Forward deletes coalesce. */
    buffer_move(b, BUFFER_HOME, 0);
    buffer_delete(b);
    buffer_delete(b);
    CHECK_TEXT(b, "XYc\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "abXYc\n");
    CHECK_CURSOR(b, 0, 0);

    /* Typing after undo drops the redo steps. */
    type(b, "Q");
    CHECK(!buffer_redo(b));
    buffer_free(b);
}

static void test_undo_groups(void)
{
    Buffer *b = buffer_with("one\n");
    buffer_move(b, BUFFER_END, 0);
    buffer_group_begin(b);
    buffer_insert(b, " two", 4);
    buffer_newline(b);
    buffer_group_begin(b); /* nested */
    type(b, "three");
    buffer_group_end(b);
    buffer_backspace(b);
    buffer_group_end(b);
    CHECK_TEXT(b, "one two\nthre\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "one\n");
    CHECK_CURSOR(b, 0, 3);
    CHECK(!buffer_modified(b));
    CHECK(buffer_redo(b));
    CHECK_TEXT(b, "one two\nthre\n");
    CHECK_CURSOR(b, 1, 4);
    buffer_free(b);
}

static void test_replace_range(void)
{
    Buffer *b = buffer_with("alpha beta\ngamma\n");
    buffer_move(b, BUFFER_END, 0);
    buffer_replace(b, (TextPos){0, 6}, (TextPos){0, 10}, "BETA\nX", 6);
    CHECK_TEXT(b, "alpha BETA\nX\ngamma\n");
    CHECK_CURSOR(b, 1, 1);
    buffer_replace(b, (TextPos){2, 0}, (TextPos){2, 0}, "> ", 2); /* pure insertion */
    CHECK_TEXT(b, "alpha BETA\nX\n> gamma\n");
    buffer_replace(b, (TextPos){0, 0}, (TextPos){1, 1}, "", 0);   /* pure deletion */
    CHECK_TEXT(b, "\n> gamma\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "alpha BETA\nX\n> gamma\n");
    CHECK(buffer_undo(b));
    CHECK(buffer_undo(b)); /* delete + insert were one step */
    CHECK_TEXT(b, "alpha beta\ngamma\n");
    CHECK_CURSOR(b, 0, 10);
    /* several inside a group: one step */
    buffer_group_begin(b);
    buffer_replace(b, (TextPos){0, 0}, (TextPos){0, 5}, "A", 1);
    buffer_replace(b, (TextPos){1, 0}, (TextPos){1, 5}, "G", 1);
    buffer_group_end(b);
    CHECK_TEXT(b, "A beta\nG\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "alpha beta\ngamma\n");
    CHECK(!buffer_modified(b));
    buffer_free(b);
}

static void test_modified_savepoint(void)
{
    char *p = path_in("modified.txt");
    write_file(p, "x\n", 2);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_modified(b));
    type(b, "ab");
    CHECK(buffer_modified(b));
    CHECK(buffer_undo(b));
    CHECK(!buffer_modified(b));
    CHECK(buffer_redo(b));
    CHECK(buffer_modified(b));
    CHECK(buffer_save(b, &err));
    CHECK(!buffer_modified(b));
    CHECK_FILE(p, "abx\n");
    type(b, "c"); /* typing right after a save is a new step, not part of the saved one */
    CHECK(buffer_modified(b));
    CHECK(buffer_undo(b));
    CHECK(!buffer_modified(b));
    CHECK(buffer_undo(b));
    CHECK(buffer_modified(b)); /* before the save */
    CHECK_TEXT(b, "x\n");
    CHECK(buffer_redo(b));
    CHECK(!buffer_modified(b));
    /* Diverging from before the save makes the saved state unreachable. */
    CHECK(buffer_undo(b));
    type(b, "z");
    CHECK(buffer_modified(b));
    CHECK(buffer_undo(b));
    CHECK(buffer_modified(b));
    /* Reloading starts a fresh history. */
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_modified(b));
    CHECK(!buffer_undo(b));
    buffer_free(b);
    free(p);
}

/* Random edits, then undo everything and redo everything: both ends must match exactly. */
static void test_undo_random(void)
{
    static const char *const pieces[] = {"a", "Z", " ", "\xc3\xa9", "\xe4\xb8\xad",
                                         "\xf0\x9f\x98\x80", "\xcc\x81", "\xff", "\t",
                                         "paste\nof two", "\n\n"};
    Buffer *b = buffer_with("start\n  indented\nend");
    char *initial = contents(b);
    uint64_t seed = 12345;
    int bad_cursor = 0;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        switch (r % 10) {
        case 0: case 1: case 2: {
            const char *p = pieces[(r / 10) % (sizeof pieces / sizeof *pieces)];
            buffer_insert(b, p, strlen(p));
            break;
        }
        case 3: buffer_newline(b); break;
        case 4: buffer_backspace(b); break;
        case 5: buffer_delete(b); break;
        case 6: buffer_move(b, (BufferMove)((r / 10) % (BUFFER_BOTTOM + 1)), 3); break;
        case 7: buffer_tab(b); break;
        case 8:
            if ((r / 10) % 4 == 0)
                buffer_break_undo(b);
            else
                buffer_backspace(b);
            break;
        default: buffer_insert(b, "x", 1); break;
        }
        TextPos c = buffer_cursor(b);
        const Text *t = buffer_text(b);
        bad_cursor += c.line >= text_line_count(t) || c.col > text_line_len(t, c.line);
    }
    char *final = contents(b);
    int undos = 0;
    while (buffer_undo(b))
        undos++;
    CHECK(undos > 100);
    char *back = contents(b);
    CHECK_STR_EQ(back, initial);
    CHECK(!buffer_modified(b));
    int redos = 0;
    while (buffer_redo(b))
        redos++;
    CHECK_INT_EQ(redos, undos);
    char *again = contents(b);
    CHECK_STR_EQ(again, final);
    CHECK_INT_EQ(bad_cursor, 0);
    free(initial);
    free(final);
    free(back);
    free(again);
    buffer_free(b);
}

/* editor.tab_width / editor.expand_tabs: Tab inserts the spaces up to the next tab stop, by
 * display column (wide characters count 2, a real tab before counts to its stop), one undo
 * step with the typing around it; without expand_tabs it stays a '\t'. */
static void test_expand_tabs(void)
{
    Buffer *b = buffer_new();
    CHECK_INT_EQ(buffer_tab_width(b), 4);
    buffer_set_expand_tabs(b, true);
    buffer_tab(b);
    CHECK_TEXT(b, "    \n");
    type(b, "ab");
    buffer_tab(b);
    CHECK_TEXT(b, "    ab  \n");
    CHECK_INT_EQ(buffer_cursor_display_col(b), 8);
    type(b, "\xe4\xb8\xad"); /* 中: columns 8-9 */
    buffer_tab(b);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 12);
    buffer_set_tab_width(b, 8);
    CHECK_INT_EQ(buffer_tab_width(b), 8);
    buffer_tab(b);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 16);
    CHECK_TEXT(b, "    ab  \xe4\xb8\xad  \x20\x20\x20\x20\n");
    buffer_undo(b); /* typing and tabs since the start: one step */
    CHECK_TEXT(b, "");
    /* After a real tab, to the next stop of the display column. */
    buffer_set_expand_tabs(b, false);
    buffer_tab(b);
    CHECK_TEXT(b, "\t\n");
    buffer_set_expand_tabs(b, true);
    type(b, "x");
    buffer_tab(b);
    CHECK_INT_EQ(buffer_cursor_display_col(b), 16);
    CHECK_TEXT(b, "\tx       \n");
    /* Widths are clamped to what settings allow. */
    buffer_set_tab_width(b, 0);
    CHECK_INT_EQ(buffer_tab_width(b), 1);
    buffer_set_tab_width(b, 99);
    CHECK_INT_EQ(buffer_tab_width(b), 16);
    buffer_free(b);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-test-buffer-XXXXXX"))
        return 1;
    RUN(test_typing);
    RUN(test_expand_tabs);
    RUN(test_newline_indent);
    RUN(test_backspace_characters);
    RUN(test_grapheme_clusters);
    RUN(test_delete_and_join);
    RUN(test_sticky_column);
    RUN(test_page_moves);
    RUN(test_home_left_right);
    RUN(test_word_moves);
    RUN(test_display_width_rule);
    RUN(test_undo_coalescing);
    RUN(test_undo_groups);
    RUN(test_replace_range);
    RUN(test_modified_savepoint);
    RUN(test_undo_random);
    tmpdir_remove();
    return harness_done();
}
