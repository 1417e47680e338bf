/* session/context: the user message for a question - name, path, cursor, the file text or a
 * window of it around the cursor, and a fence that nothing inside can close. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/buffer.h"
#include "core/text.h"
#include "session/context.h"

static char tmp_dir[64];
static char tmp_path[128];

/* A buffer loaded from a temporary file NAME holding data. */
static Buffer *load(const char *name, const char *data, size_t len)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/flint-test-context-XXXXXX");
    if (!mkdtemp(tmp_dir))
        abort();
    snprintf(tmp_path, sizeof tmp_path, "%s/%s", tmp_dir, name);
    FILE *f = fopen(tmp_path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    Buffer *b = buffer_new();
    ErrorBuf err;
    CHECK(buffer_open(b, tmp_path, &err));
    return b;
}

static void unload(Buffer *b)
{
    buffer_free(b);
    unlink(tmp_path);
    rmdir(tmp_dir);
}

static void check_has(const char *hay, const char *needle, bool want)
{
    if ((strstr(hay, needle) != NULL) != want) {
        fprintf(stderr, "  expected %s\"%s\" in:\n%s\n", want ? "" : "no ", needle, hay);
        CHECK(0);
    }
}

static void test_whole_file(void)
{
    static const char text[] = "#include <stdio.h>\n\nint main(void)\n{\n"
                               "    printf(\"héllo 日本\\n\");\n    return 0;\n}\n";
    Buffer *b = load("hello.c", text, sizeof text - 1);
    buffer_set_cursor(b, (TextPos){.line = 4, .col = 18}); /* after "héllo" (é is 2 bytes) */
    StrBuf out = {0};
    context_build(b, "Why garbage?", 0, &out);
    StrBuf want = {0};
    sb_printf(&want, "Why garbage?\n\n---\nContext from the editor (flint).\n"
                     "File: hello.c (%s)\nCursor: line 5, column 18\n"
                     "The whole file (7 lines):\n\n```c\n%s```\n", tmp_path, text);
    CHECK_STR_EQ(out.data, want.data);
    sb_free(&want);
    sb_free(&out);
    unload(b);
}

static void test_window_around_cursor(void)
{
    /* 200 lines of 12 bytes (+ newline); a 300-byte budget holds the cursor line and 22
     * more: 11 below and 11 above, whole lines only. */
    StrBuf file = {0};
    for (int i = 1; i <= 200; i++)
        sb_printf(&file, "line %03d ```\n", i);
    Buffer *b = load("notes.md", file.data, file.len);
    sb_free(&file);
    buffer_set_cursor(b, (TextPos){.line = 99, .col = 5});
    StrBuf out = {0};
    context_build(b, "What is here?", 300, &out);
    const char *t = out.data;
    check_has(t, "Cursor: line 100, column 6", true);
    check_has(t, "Showing lines 89-111 of 200 (a window around the cursor).", true);
    check_has(t, "\n````md\nline 089 ```\n", true); /* the fence outgrows the ``` inside */
    check_has(t, "line 111 ```\n````\n", true);
    check_has(t, "line 088", false);
    check_has(t, "line 112", false);
    sb_free(&out);

    /* Near the top the window cannot grow up, so it grows down only. */
    buffer_set_cursor(b, (TextPos){.line = 0, .col = 0});
    context_build(b, "Top?", 300, &out);
    check_has(out.data, "Showing lines 1-23 of 200", true);
    sb_free(&out);
    unload(b);
}

static void test_long_line_slice(void)
{
    /* One 800-byte line, longer than the budget: a slice around the cursor that starts and
     * ends on character boundaries. */
    StrBuf line = {0};
    for (int i = 0; i < 400; i++)
        sb_puts(&line, i == 200 ? "X" : "é");
    Buffer *b = load("blob.txt", line.data, line.len);
    buffer_set_cursor(b, (TextPos){.line = 0, .col = 400});
    StrBuf out = {0};
    context_build(b, "And this?", 100, &out);
    check_has(out.data, "Cursor: line 1, column 201", true);
    check_has(out.data, "Showing part of line 1 (bytes 351-449 of 799) of 1 lines", true);
    const char *body = strstr(out.data, "```txt\n");
    CHECK(body != NULL);
    if (body) {
        body += 7;
        const char *end = strstr(body, "\n```");
        CHECK(end && end - body == 99); /* 25 é, X, 24 é: byte 450 is inside an é */
        CHECK(end && memchr(body, 'X', (size_t)(end - body)) != NULL);
        CHECK(((unsigned char)body[0] & 0xC0) != 0x80);
    }
    sb_free(&out);
    sb_free(&line);
    unload(b);
}

static void test_unnamed_and_odd_names(void)
{
    Buffer *b = buffer_new();
    StrBuf out = {0};
    context_build(b, "Hi", 0, &out);
    CHECK_STR_EQ(out.data, "Hi\n\n---\nContext from the editor (flint).\nFile: [new] (not saved "
                           "yet)\nCursor: line 1, column 1\nThe whole file (1 line):\n\n```\n\n```\n");
    buffer_free(b);
    sb_free(&out);

    /* No extension, or an extension that is not a word: no info string. */
    b = load("Makefile", "all:\n", 5);
    context_build(b, "?", 0, &out);
    check_has(out.data, "\n```\nall:\n```\n", true);
    sb_free(&out);
    unload(b);
    b = load("x.a b", "y", 1);
    context_build(b, "?", 0, &out);
    check_has(out.data, "\n```\ny\n```\n", true);
    sb_free(&out);
    unload(b);
}

/* ---- issue 8 item 4: selection, @path, seen files, notes, pins -------------------------- */

static void put_file(const char *dir, const char *name, const char *data, size_t len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    unlink(p);
}

static void test_selection_marked(void)
{
    static const char text[] = "one\ntwo three\nfour\n";
    Buffer *b = load("s.txt", text, sizeof text - 1);
    buffer_set_cursor(b, (TextPos){.line = 1, .col = 4});
    buffer_select_to(b, (TextPos){.line = 2, .col = 2});
    StrBuf out = {0};
    context_build(b, "Explain", 0, &out);
    check_has(out.data, "Cursor: line 3, column 3\n", true);
    check_has(out.data, "Selection: line 2, column 5 to line 3, column 3 (the selected text):\n"
                        "\n```txt\nthree\nfo\n```\n", true);
    check_has(out.data, "The whole file (3 lines):\n\n```txt\none\ntwo three\nfour\n```\n", true);
    sb_free(&out);
    unload(b);
}

static void test_at_paths(void)
{
    static const char text[] = "int x;\n";
    Buffer *b = load("main.c", text, sizeof text - 1);
    put_file(tmp_dir, "util.h", "int util(void);\n", 16);
    put_file(tmp_dir, "blob.bin", "\x7f" "ELF\0\0\0\x01", 8);
    StrBuf big = {0};
    for (int i = 0; i < 4000; i++)
        sb_printf(&big, "line %04d of a large file\n", i); /* 104 KB */
    put_file(tmp_dir, "big.txt", big.data, big.len);
    StrBuf out = {0};
    /* From the buffer's directory (the cwd is elsewhere); a trailing comma is not the name. */
    ContextOptions o = {.cwd = "/nonexistent"};
    context_compose(b, "See @util.h, @blob.bin and @big.txt; not @nothere.c or @decorator or a@b",
                    &o, &out, NULL);
    char want[512];
    snprintf(want, sizeof want, "\nAttached file: util.h (%s/util.h)\nThe whole file (1 line):\n"
                                "\n```h\nint util(void);\n```\n", tmp_dir);
    check_has(out.data, want, true);
    check_has(out.data, "\nAttached file: blob.bin (", true);
    check_has(out.data, ")\n[binary file, 8 bytes, not sent]\n", true);
    check_has(out.data, "Showing its first 65520 bytes of 104000 (the file is larger than "
                        "the limit):\n", true);
    check_has(out.data, "line 2519 of a large file\n```", true); /* whole lines only */
    check_has(out.data, "line 2520", false);
    check_has(out.data, "\nAttached file: nothere.c\n[not found]\n", true);
    check_has(out.data, "decorator\n", false);  /* not a path: left alone */
    check_has(out.data, "Attached file: b\n", false);
    sb_reset(&out);
    /* From the cwd first; a directory is named, not read; the current file is not attached
     * twice; ~ expands. */
    o.cwd = tmp_dir;
    context_compose(b, "@main.c @. twice @util.h @util.h", &o, &out, NULL);
    check_has(out.data, "Attached file: main.c", false);
    check_has(out.data, "\nAttached file: . (", true);
    check_has(out.data, "[a directory, not sent]\n", true);
    const char *first = strstr(out.data, "Attached file: util.h");
    CHECK(first && !strstr(first + 1, "Attached file: util.h"));
    sb_free(&out);
    sb_free(&big);
    remove_file(tmp_dir, "util.h");
    remove_file(tmp_dir, "blob.bin");
    remove_file(tmp_dir, "big.txt");
    unload(b);
}

/* The model saw the file in an earlier message: a diff, one line when unchanged, the whole
 * file when the diff is larger or when the message that carried it left the request. */
static void test_seen_file_diff(void)
{
    StrBuf file = {0};
    for (int i = 1; i <= 40; i++)
        sb_printf(&file, "line %d\n", i);
    Buffer *b = load("f.txt", file.data, file.len);
    StrBuf key = {0};
    context_buffer_key(b, &key);
    CHECK(key.data[0] == '/');
    ContextSeen seen = {0}, up = {0};
    StrBuf out = {0};
    ContextOptions o = {.seen = &seen};
    context_compose(b, "q1", &o, &out, &up);
    check_has(out.data, "The whole file (40 lines):", true);
    CHECK_INT_EQ(up.n, 1);
    CHECK_STR_EQ(up.v[0].key, key.data);
    CHECK_INT_EQ(up.v[0].root, CONTEXT_ROOT_THIS);
    context_seen_commit(&seen, &up, 0);
    CHECK_INT_EQ(up.n, 0);
    CHECK_INT_EQ(seen.v[0].root, 0);

    sb_reset(&out);
    context_compose(b, "q2", &o, &out, &up);
    check_has(out.data, "Unchanged since you last saw it (40 lines).\n", true);
    check_has(out.data, "line 1\n", false);
    CHECK_INT_EQ(up.n, 0);

    buffer_set_cursor(b, (TextPos){.line = 19, .col = 0});
    buffer_insert(b, "new ", 4);
    sb_reset(&out);
    context_compose(b, "q3", &o, &out, &up);
    check_has(out.data, "Changed since you last saw it (40 lines now); the changes as a unified "
                        "diff against that version:\n\n```diff\n@@ -17,7 +17,7 @@\n line 17\n"
                        " line 18\n line 19\n-line 20\n+new line 20\n line 21\n line 22\n"
                        " line 23\n```\n", true);
    CHECK_INT_EQ(up.n, 1);
    CHECK_INT_EQ(up.v[0].root, 0); /* still rooted in the message that carried it whole */
    context_seen_commit(&seen, &up, 2);
    CHECK_INT_EQ(seen.n, 1);
    CHECK_INT_EQ(seen.v[0].root, 0);

    /* The root message dropped from the request: whole again. */
    o.valid_from = 1;
    sb_reset(&out);
    context_compose(b, "q4", &o, &out, &up);
    check_has(out.data, "The whole file (40 lines):", true);
    CHECK_INT_EQ(up.v[0].root, CONTEXT_ROOT_THIS);
    context_seen_clear(&up);

    /* A diff larger than the file: the file. */
    o.valid_from = 0;
    buffer_select_all(b);
    buffer_replace(b, (TextPos){0, 0}, text_clamp(buffer_text(b), (TextPos){99, 0}), "x\n", 2);
    sb_reset(&out);
    context_compose(b, "q5", &o, &out, &up);
    check_has(out.data, "The whole file (2 lines):", true);
    check_has(out.data, "```diff", false);
    context_seen_clear(&up);
    context_seen_clear(&seen);
    sb_free(&out);
    sb_free(&key);
    sb_free(&file);
    unload(b);
}

static void test_notes_and_pins(void)
{
    Buffer *b = load("a.c", "a\n", 2);
    put_file(tmp_dir, "pinned.c", "p\n", 2);
    char pin[256];
    snprintf(pin, sizeof pin, "%s/pinned.c", tmp_dir);
    char *real = realpath(pin, NULL);
    const char *notes[] = {"hunk 1 of a.c: accepted", "hunk 2 of a.c: rejected"};
    const char *pins[] = {real};
    ContextOptions o = {.notes = notes, .n_notes = 2, .pinned = pins, .n_pinned = 1};
    StrBuf out = {0};
    context_compose(b, "Next?", &o, &out, NULL);
    static const char head[] = "Notes from flint on your previous answer:\n- hunk 1 of a.c: "
                               "accepted\n- hunk 2 of a.c: rejected\n\nNext?\n\n---\n";
    CHECK(strncmp(out.data, head, sizeof head - 1) == 0);
    char want[512];
    snprintf(want, sizeof want, "\nAttached file: %s\nThe whole file (1 line):\n\n```c\np\n```\n",
             real);
    check_has(out.data, want, true);
    /* Named with @ too: once. */
    sb_reset(&out);
    o.cwd = tmp_dir;
    context_compose(b, "@pinned.c", &o, &out, NULL);
    const char *first = strstr(out.data, "Attached file:");
    CHECK(first && !strstr(first + 1, "Attached file:"));
    sb_free(&out);
    free(real);
    remove_file(tmp_dir, "pinned.c");
    unload(b);
}

int main(void)
{
    RUN(test_whole_file);
    RUN(test_window_around_cursor);
    RUN(test_long_line_slice);
    RUN(test_unnamed_and_odd_names);
    RUN(test_selection_marked);
    RUN(test_at_paths);
    RUN(test_seen_file_diff);
    RUN(test_notes_and_pins);
    return harness_done();
}
