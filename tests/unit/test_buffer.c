/* session/buffer: editing at the cursor, cursor motion (sticky display column, smart Home,
 * words), undo/redo and the modified flag, atomic save, recovery files. Files live in a
 * fresh mkdtemp directory under /tmp. The tests run as root, where permission bits do not
 * stop writes, so failures are forced with paths that cannot exist. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "harness.h"

static char tmpdir[64];

/* --- helpers -------------------------------------------------------------------------------- */

static char *path_in(const char *name)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%s/%s", tmpdir, name);
    return sb_steal(&sb, NULL);
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, data, len) == (ssize_t)len);
    close(fd);
}

/* The file's bytes; NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    StrBuf sb = {0};
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        sb_append(&sb, buf, (size_t)n);
    close(fd);
    return sb_steal(&sb, len);
}

#define CHECK_FILE(path, lit)                                                                 \
    do {                                                                                      \
        size_t fl_;                                                                           \
        char *fd_ = read_file(path, &fl_);                                                    \
        CHECK(fd_ != NULL);                                                                   \
        if (fd_)                                                                              \
            CHECK_MEM_EQ(fd_, fl_, lit, sizeof lit - 1);                                      \
        free(fd_);                                                                            \
    } while (0)

/* The whole buffer as it would be saved. */
static char *contents(const Buffer *b)
{
    StrBuf sb = {0};
    text_serialize(buffer_text(b), &sb);
    return sb_steal(&sb, NULL);
}

#define CHECK_TEXT(b, lit)                                                                    \
    do {                                                                                      \
        char *ct_ = contents(b);                                                              \
        CHECK_STR_EQ(ct_, lit);                                                               \
        free(ct_);                                                                            \
    } while (0)

#define CHECK_CURSOR(b, l, c)                                                                 \
    do {                                                                                      \
        TextPos cc_ = buffer_cursor(b);                                                       \
        CHECK_INT_EQ(cc_.line, l);                                                            \
        CHECK_INT_EQ(cc_.col, c);                                                             \
    } while (0)

static void type(Buffer *b, const char *s)
{
    /* One UTF-8 character at a time, as keys arrive. */
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = 1;
        while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n++;
        if (s[i] == '\n')
            buffer_newline(b);
        else
            buffer_insert(b, s + i, n);
        i += n;
    }
}

/* A buffer holding data (as if loaded, unmodified), cursor at the start. */
static Buffer *buffer_with(const char *data)
{
    char *p = path_in("scratch.txt");
    write_file(p, data, strlen(data));
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    free(p);
    return b;
}

/* Entries in tmpdir whose name starts with prefix. */
static int count_entries(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

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
    buffer_backspace(b); /* the accent alone */
    CHECK_TEXT(b, "a\xe4\xb8\xad\xf0\x9f\x98\x80" "e\n");
    buffer_backspace(b);
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

/* --- files ------------------------------------------------------------------------------------ */

static void test_open_cases(void)
{
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    char *p = path_in("does-not-exist-yet.txt");
    CHECK(buffer_open(b, p, &err));
    CHECK_STR_EQ(buffer_name(b), "does-not-exist-yet.txt");
    CHECK_STR_EQ(buffer_path(b), p);
    CHECK_TEXT(b, "");
    CHECK(!buffer_modified(b));
    type(b, "new");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "new\n");
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == (0644 & ~022));
    free(p);

    error_clear(&err);
    CHECK(!buffer_open(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    CHECK(buffer_path(b) != NULL && strstr(buffer_path(b), "does-not-exist-yet") != NULL);

    Buffer *u = buffer_new();
    error_clear(&err);
    CHECK(!buffer_save(u, &err)); /* unnamed */
    CHECK(err.msg[0] != '\0');
    buffer_free(u);
    buffer_free(b);
}

static void test_save_atomic_and_mode(void)
{
    char *p = path_in("atomic.txt");
    write_file(p, "old contents\n", 13);
    CHECK(chmod(p, 0751) == 0);
    struct stat before, after;
    CHECK(stat(p, &before) == 0);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    buffer_move(b, BUFFER_END, 0);
    type(b, " + new");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "old contents + new\n");
    CHECK(stat(p, &after) == 0);
    CHECK_INT_EQ(after.st_mode & 07777, 0751);
    CHECK(after.st_ino != before.st_ino); /* replaced by rename, never rewritten in place */
    CHECK_INT_EQ(count_entries(".atomic.txt."), 0);

    /* save_as renames the buffer; the old file stays as it was. */
    char *q = path_in("renamed.txt");
    CHECK(buffer_save_as(b, q, &err));
    CHECK_STR_EQ(buffer_name(b), "renamed.txt");
    CHECK_FILE(q, "old contents + new\n");
    buffer_free(b);
    free(p);
    free(q);
}

static void test_save_symlink(void)
{
    char *target = path_in("real.txt");
    char *link = path_in("link.txt");
    write_file(target, "real\n", 5);
    CHECK(symlink("real.txt", link) == 0); /* relative: resolved from the link's directory */
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, link, &err));
    type(b, ">");
    CHECK(buffer_save(b, &err));
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_FILE(target, ">real\n");
    buffer_free(b);
    free(target);
    free(link);
}

static void test_bytes_survive(void)
{
    static const char data[] = "\xff\xfe bom-ish\n\x80\xc3 lone\r mid\nnul\0byte\n\xed\xa0\x80\n"
                               "last line without newline \xe4\xb8";
    char *p = path_in("binary.txt");
    write_file(p, data, sizeof data - 1);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    CHECK(!text_crlf(buffer_text(b)));
    buffer_set_cursor(b, (TextPos){3, 0}); /* edit the surrogate line only */
    type(b, "ok ");
    CHECK(buffer_save(b, &err));
    static const char want[] = "\xff\xfe bom-ish\n\x80\xc3 lone\r mid\nnul\0byte\nok \xed\xa0\x80\n"
                               "last line without newline \xe4\xb8";
    size_t len;
    char *got = read_file(p, &len);
    CHECK(got != NULL);
    if (got)
        CHECK_MEM_EQ(got, len, want, sizeof want - 1);
    free(got);
    buffer_free(b);

    /* A CRLF file stays CRLF, pasted "\r\n" included. */
    write_file(p, "a\r\nb\r\n", 6);
    b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    CHECK(text_crlf(buffer_text(b)));
    buffer_move(b, BUFFER_BOTTOM, 0);
    buffer_insert(b, "x\r\ny", 4);
    buffer_newline(b);
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "a\r\nbx\r\ny\r\n\r\n");
    buffer_free(b);
    free(p);
}

static void test_save_failures(void)
{
    ErrorBuf err = {{0}};
    /* A path component that is a regular file: the directory can never exist. */
    char *plain = path_in("plainfile");
    write_file(plain, "keep\n", 5);
    char *bad = path_in("plainfile/inside.txt");
    Buffer *b = buffer_with("text\n");
    const char *orig = buffer_path(b);
    char *orig_copy = strdup(orig);
    type(b, "more ");
    CHECK(!buffer_save_as(b, bad, &err));
    CHECK(strstr(err.msg, "Not a directory") != NULL);
    CHECK_STR_EQ(buffer_path(b), orig_copy); /* still named as before */
    CHECK(buffer_modified(b));
    CHECK_FILE(plain, "keep\n");

    /* A directory that does not exist. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, "/nonexistent-flint-dir/sub/file.txt", &err));
    CHECK(strstr(err.msg, "No such file or directory") != NULL);

    /* The disk fills up mid-write (simulated with RLIMIT_FSIZE: writes past it fail with
     * EFBIG as ENOSPC would): the original stays as it was and no temp file is left. */
    char *victim = path_in("victim.txt");
    write_file(victim, "original\n", 9);
    Buffer *big = buffer_new();
    CHECK(buffer_open(big, victim, &err));
    StrBuf sb = {0};
    for (int i = 0; i < 4000; i++)
        sb_puts(&sb, "0123456789abcdef0123456789abcdef\n");
    buffer_insert(big, sb.data, sb.len);
    sb_free(&sb);
    struct rlimit old, small;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 8192;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    error_clear(&err);
    bool saved = buffer_save(big, &err);
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, prev);
    CHECK(!saved);
    CHECK(strstr(err.msg, "victim.txt") != NULL);
    CHECK(strstr(err.msg, "File too large") != NULL);
    CHECK_FILE(victim, "original\n");
    CHECK_INT_EQ(count_entries(".victim.txt."), 0);
    CHECK(buffer_modified(big));
    /* Once there is room again the same buffer saves fine. */
    CHECK(buffer_save(big, &err));
    CHECK(!buffer_modified(big));
    buffer_free(big);
    free(victim);
    free(orig_copy);
    free(plain);
    free(bad);
    buffer_free(b);
}

/* Sets path's mtime to sec (nanoseconds 0): tests never depend on the clock's granularity. */
static void set_mtime(const char *path, time_t sec)
{
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

static void test_recovery(void)
{
    ErrorBuf err = {{0}};
    char out[4096], found[4096];
    /* Next to the file when its directory is writable. */
    char *p = path_in("precious.txt");
    write_file(p, "saved\n", 6);
    Buffer *b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_find_recovery(b, found, sizeof found)); /* none yet */
    type(b, "unsaved ");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    char *want = path_in(".precious.txt.flint-recovery");
    CHECK_STR_EQ(out, want);
    CHECK_FILE(want, "unsaved saved\n");
    CHECK_FILE(p, "saved\n"); /* never over the real file */
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want);

    /* A second crash (or a second instance) never overwrites the first one's text. */
    type(b, "more ");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    char *want1 = path_in(".precious.txt.flint-recovery.1");
    CHECK_STR_EQ(out, want1);
    CHECK_FILE(want, "unsaved saved\n");
    CHECK_FILE(want1, "unsaved more saved\n");
    type(b, "x");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    char *want2 = path_in(".precious.txt.flint-recovery.2");
    CHECK_STR_EQ(out, want2);
    CHECK_FILE(want2, "unsaved more xsaved\n");
    CHECK_FILE(want1, "unsaved more saved\n");

    /* find: the base name first; without it the newest numbered one. */
    set_mtime(want, 1000);
    set_mtime(want1, 3000);
    set_mtime(want2, 2000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want);
    CHECK(unlink(want) == 0);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want1);
    CHECK(unlink(want1) == 0);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want2);

    /* The freed base name is used again; a symlink planted there is not followed. */
    char *decoy = path_in("decoy.txt");
    write_file(decoy, "decoy\n", 6);
    CHECK(symlink("decoy.txt", want) == 0);
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    CHECK_STR_EQ(out, want1);
    CHECK_FILE(decoy, "decoy\n");
    CHECK(unlink(want) == 0);
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    CHECK_STR_EQ(out, want);
    CHECK_FILE(want2, "unsaved more xsaved\n");
    free(decoy);
    free(want);
    free(want1);
    free(want2);
    free(p);
    buffer_free(b);

    /* Its directory does not exist: $XDG_STATE_HOME/flint/recovery/NAME.PID (created). */
    char *state = path_in("state");
    CHECK(setenv("XDG_STATE_HOME", state, 1) == 0);
    b = buffer_new();
    CHECK(buffer_open(b, "/nonexistent-flint-dir/deep/notes.md", &err));
    type(b, "lost?");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    StrBuf sb = {0};
    sb_printf(&sb, "%s/flint/recovery/notes.md.%ld", state, (long)getpid());
    CHECK_STR_EQ(out, sb.data);
    CHECK_FILE(sb.data, "lost?\n");
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, sb.data);

    /* There too an existing file (same PID: an earlier crash of this process, or a PID
     * reused after a reboot) is never truncated: the next free ".N" is used. */
    type(b, " again");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    StrBuf sb1 = {0};
    sb_printf(&sb1, "%s.1", sb.data);
    CHECK_STR_EQ(out, sb1.data);
    CHECK_FILE(sb.data, "lost?\n");
    CHECK_FILE(sb1.data, "lost? again\n");
    /* find reports the newest NAME.* there, and only this NAME's. */
    set_mtime(sb.data, 5000);
    set_mtime(sb1.data, 4000);
    StrBuf other = {0};
    sb_printf(&other, "%s/flint/recovery/notes.md.bak.1", state);
    write_file(other.data, "not ours\n", 9);
    set_mtime(other.data, 9000);
    sb_reset(&other);
    sb_printf(&other, "%s/flint/recovery/notes.mdx.7", state);
    write_file(other.data, "not ours\n", 9);
    set_mtime(other.data, 9000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, sb.data);
    set_mtime(sb1.data, 6000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, sb1.data);
    /* A small out buffer gets a truncated, terminated path. */
    char tiny[8];
    CHECK(buffer_find_recovery(b, tiny, sizeof tiny));
    CHECK_INT_EQ(strlen(tiny), sizeof tiny - 1);
    buffer_free(b);
    sb_free(&sb1);
    sb_free(&other);

    /* An unnamed buffer goes there too. */
    b = buffer_new();
    type(b, "scratch");
    CHECK(buffer_write_recovery(b, out, sizeof out, &err));
    CHECK(strstr(out, "/flint/recovery/unnamed.") != NULL);
    CHECK_FILE(out, "scratch\n");
    CHECK(!buffer_find_recovery(b, found, sizeof found)); /* no file to tie it to */
    buffer_free(b);

    /* Nowhere to write: an error, with the reason. */
    CHECK(setenv("XDG_STATE_HOME", "/proc/flint-cannot-exist", 1) == 0);
    b = buffer_new();
    CHECK(buffer_open(b, "/nonexistent-flint-dir/x.txt", &err));
    error_clear(&err);
    CHECK(!buffer_write_recovery(b, out, sizeof out, &err));
    CHECK(strstr(err.msg, "recovery") != NULL);
    CHECK(!buffer_find_recovery(b, found, sizeof found));
    buffer_free(b);
    unsetenv("XDG_STATE_HOME");
    sb_free(&sb);
    free(state);
}

/* --- changed on disk ------------------------------------------------------------------------ */

static void test_changed_on_disk(void)
{
    ErrorBuf err = {{0}};
    char *p = path_in("shared.txt");
    write_file(p, "theirs\n", 7);
    set_mtime(p, 1000);
    Buffer *b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "mine ");

    /* Someone else rewrites it (another size): the first save refuses and says why. */
    write_file(p, "theirs, edited\n", 15);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg,
                 "shared.txt changed on disk since it was opened; save again to overwrite");
    CHECK_FILE(p, "theirs, edited\n");
    CHECK(buffer_modified(b));
    /* The second save is the confirmation. */
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine theirs\n");
    CHECK(!buffer_modified(b));
    CHECK(!buffer_changed_on_disk(b));
    /* Our own saves are not "changes on disk": save, edit, save, save. */
    type(b, "a");
    CHECK(buffer_save(b, &err));
    type(b, "b");
    CHECK(buffer_save(b, &err));
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Same size and inode, only the mtime differs (an in-place rewrite). */
    struct stat st;
    CHECK(stat(p, &st) == 0);
    write_file(p, "MINE ABTHEIRS\n", 14);
    set_mtime(p, st.st_mtim.tv_sec + 10);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg,
                 "shared.txt changed on disk since it was last saved; save again to overwrite");
    CHECK_FILE(p, "MINE ABTHEIRS\n");
    /* It changes yet again before the second save: that is news, so it is refused again. */
    write_file(p, "third version\n", 14);
    set_mtime(p, st.st_mtim.tv_sec + 20);
    CHECK(!buffer_save(b, &err));
    CHECK_FILE(p, "third version\n");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Replaced by another file (new inode) with the same size and mtime: still noticed. */
    CHECK(stat(p, &st) == 0);
    char *q = path_in("shared.new");
    write_file(q, "MINE ABTHEIRS\n", 14);
    struct timespec ts[2] = {st.st_mtim, st.st_mtim};
    CHECK(utimensat(AT_FDCWD, q, ts, 0) == 0);
    CHECK(rename(q, p) == 0);
    CHECK(buffer_changed_on_disk(b));
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save(b, &err));

    /* Deleted (or moved away): refused once, then written again. */
    CHECK(unlink(p) == 0);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg, "shared.txt was deleted or moved on disk since it was last saved; "
                          "save again to write it");
    CHECK(access(p, F_OK) != 0);
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Opening it again makes the version on disk the reference. */
    write_file(p, "x\n", 2);
    CHECK(buffer_changed_on_disk(b));
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "y");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "yx\n");
    buffer_free(b);

    /* A new file that someone else creates before our first save. */
    char *n = path_in("not-yet.txt");
    b = buffer_new();
    CHECK(buffer_open(b, n, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "ours");
    write_file(n, "theirs\n", 7);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK(strstr(err.msg, "not-yet.txt changed on disk") != NULL);
    CHECK_FILE(n, "theirs\n");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(n, "ours\n");
    buffer_free(b);

    /* Nothing to compare for an unnamed buffer. */
    b = buffer_new();
    CHECK(!buffer_changed_on_disk(b));
    buffer_free(b);
    free(n);
    free(q);
    free(p);
}

static void test_save_as_existing(void)
{
    ErrorBuf err = {{0}};
    char *mine = path_in("mine.txt");
    char *other = path_in("other.txt");
    char *third = path_in("third.txt");
    write_file(mine, "mine\n", 5);
    write_file(other, "other\n", 6);
    write_file(third, "third\n", 6);
    Buffer *b = buffer_new();
    CHECK(buffer_open(b, mine, &err));
    type(b, "edited ");

    /* Onto another existing file: refused once, nothing changes. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, other, &err));
    CHECK_STR_EQ(err.msg, "other.txt exists; save again to overwrite");
    CHECK_FILE(other, "other\n");
    CHECK_STR_EQ(buffer_path(b), mine);
    CHECK(buffer_modified(b));
    /* The confirmation belongs to that path: another target, or our own save in between,
     * does not carry it over. */
    CHECK(!buffer_save_as(b, third, &err));
    CHECK(!buffer_save_as(b, other, &err));
    CHECK_FILE(other, "other\n");
    CHECK(buffer_save(b, &err)); /* our own file is unchanged: saves at once */
    CHECK_FILE(mine, "edited mine\n");
    CHECK(!buffer_save_as(b, other, &err));
    /* Again to the same path: overwrites, and the buffer is now that file. */
    CHECK(buffer_save_as(b, other, &err));
    CHECK_FILE(other, "edited mine\n");
    CHECK_STR_EQ(buffer_path(b), other);
    CHECK(!buffer_changed_on_disk(b));
    CHECK_FILE(third, "third\n");

    /* A new name: no question. Our own file under another spelling: no question either. */
    char *fresh = path_in("fresh.txt");
    CHECK(buffer_save_as(b, fresh, &err));
    CHECK_FILE(fresh, "edited mine\n");
    StrBuf alias = {0};
    sb_printf(&alias, "%s/./fresh.txt", tmpdir);
    type(b, "x");
    CHECK(buffer_save_as(b, alias.data, &err));
    CHECK_FILE(fresh, "edited xmine\n");
    /* ... unless it changed on disk: then the changed-on-disk rule applies. */
    write_file(fresh, "changed under us\n", 17);
    error_clear(&err);
    CHECK(!buffer_save_as(b, fresh, &err));
    CHECK(strstr(err.msg, "fresh.txt changed on disk") != NULL);
    CHECK(buffer_save_as(b, fresh, &err));
    CHECK_FILE(fresh, "edited xmine\n");

    /* A directory is not "a file to overwrite": the save fails with the real reason. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    CHECK(!buffer_save_as(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    sb_free(&alias);
    buffer_free(b);
    free(fresh);
    free(mine);
    free(other);
    free(third);
}

int main(void)
{
    umask(022);
    strcpy(tmpdir, "/tmp/flint-test-buffer-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_typing);
    RUN(test_newline_indent);
    RUN(test_backspace_characters);
    RUN(test_delete_and_join);
    RUN(test_sticky_column);
    RUN(test_page_moves);
    RUN(test_home_left_right);
    RUN(test_word_moves);
    RUN(test_display_width_rule);
    RUN(test_undo_coalescing);
    RUN(test_undo_groups);
    RUN(test_modified_savepoint);
    RUN(test_undo_random);
    RUN(test_open_cases);
    RUN(test_save_atomic_and_mode);
    RUN(test_save_symlink);
    RUN(test_bytes_survive);
    RUN(test_save_failures);
    RUN(test_recovery);
    RUN(test_changed_on_disk);
    RUN(test_save_as_existing);
    /* Leave nothing behind. */
    StrBuf cmd = {0};
    sb_printf(&cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd.data) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    sb_free(&cmd);
    return harness_done();
}
