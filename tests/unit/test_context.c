/* session/context: the user message for a question - name, path, cursor, the file text or a
 * window of it around the cursor, and a fence that nothing inside can close. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/buffer.h"
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

int main(void)
{
    RUN(test_whole_file);
    RUN(test_window_around_cursor);
    RUN(test_long_line_slice);
    RUN(test_unnamed_and_odd_names);
    return harness_done();
}
