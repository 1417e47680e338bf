/* session/hunk_parse and session/hunk_locate: the corpus of answer shapes (apply_patch,
 * unified diffs with and without counts, SEARCH/REPLACE, CRLF, no final newline, hostile
 * input), split invariance at every byte position, hunks handed out before the answer ends,
 * and placement (exact, whitespace, offsets, fuzz, context twice, anchors). */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "harness.h"
#include "session/hunk_locate.h"
#include "session/hunk_parse.h"

/* A hunk as one comparable string: "KIND path=P anchor=A hint=N eof|op text|op text|". */
static void describe(const ParsedHunk *h, StrBuf *out)
{
    static const char *kinds[] = {"update", "add", "delete", "bad"};
    sb_printf(out, "%s path=%s", kinds[h->kind], h->path ? h->path : "-");
    if (h->anchor)
        sb_printf(out, " anchor=%s", h->anchor);
    if (h->hint_line)
        sb_printf(out, " hint=%zu", h->hint_line);
    if (h->move_to)
        sb_printf(out, " move=%s", h->move_to);
    if (h->at_eof)
        sb_puts(out, " eof");
    if (h->error)
        sb_printf(out, " error=%s", h->error);
    sb_putc(out, '|');
    for (size_t i = 0; i < h->n_lines; i++) {
        sb_putc(out, h->lines[i].op);
        sb_append(out, h->lines[i].s, h->lines[i].len);
        sb_putc(out, '|');
    }
    sb_putc(out, '\n');
}

static void drain(HunkParser *p, StrBuf *out)
{
    ParsedHunk *h;
    while ((h = hunk_parser_take(p))) {
        describe(h, out);
        parsed_hunk_free(h);
    }
}

/* Parses text fed in pieces of `step` bytes (0: whole). */
static char *parse(const char *text, size_t step)
{
    HunkParser *p = hunk_parser_new();
    StrBuf out = {0};
    size_t len = strlen(text);
    if (!step)
        step = len ? len : 1;
    for (size_t i = 0; i < len; i += step)
        hunk_parser_feed(p, text + i, len - i < step ? len - i : step);
    hunk_parser_finish(p);
    drain(p, &out);
    hunk_parser_free(p);
    sb_putc(&out, '\0');
    return sb_steal(&out, NULL);
}

/* The same hunks whole, byte by byte, and split in two at every position. */
static void check_parse(const char *text, const char *want)
{
    char *whole = parse(text, 0);
    CHECK_STR_EQ(whole, want);
    char *bytes = parse(text, 1);
    CHECK_STR_EQ(bytes, want);
    size_t len = strlen(text);
    for (size_t cut = 1; cut < len; cut++) {
        HunkParser *p = hunk_parser_new();
        StrBuf out = {0};
        hunk_parser_feed(p, text, cut);
        hunk_parser_feed(p, text + cut, len - cut);
        hunk_parser_finish(p);
        drain(p, &out);
        if (strcmp(sb_cstr(&out), want) != 0) {
            fprintf(stderr, "split at %zu differs\n", cut);
            CHECK_STR_EQ(sb_cstr(&out), want);
            cut = len;
        }
        sb_free(&out);
        hunk_parser_free(p);
    }
    free(whole);
    free(bytes);
}

static void test_apply_patch(void)
{
    check_parse("Here is the change:\n\n"
                "*** Begin Patch\n"
                "*** Update File: src/a.c\n"
                "@@ int main(void)\n"
                " {\n"
                "-    return 0;\n"
                "+    return 1;\n"
                " }\n"
                "@@\n"
                " x\n"
                "+y\n"
                "\n"
                "*** Add File: docs/new.md\n"
                "+# New\n"
                "+\n"
                "+text\n"
                "*** Delete File: old.txt\n"
                "*** Update File: b.c\n"
                "*** Move to: c.c\n"
                "@@\n"
                "-last\n"
                "+final\n"
                "*** End of File\n"
                "*** End Patch\n"
                "Done.\n",
                "update path=src/a.c anchor=int main(void)| {|-    return 0;|+    return 1;| }|\n"
                "update path=src/a.c| x|+y|\n"
                "add path=docs/new.md|+# New|+|+text|\n"
                "delete path=old.txt|\n"
                "update path=b.c move=c.c eof|-last|+final|\n");
    /* no "*** End Patch" and no final newline: the hunk ends with the answer */
    check_parse("*** Begin Patch\n*** Update File: a.c\n@@\n-a\n+b", "update path=a.c|-a|+b|\n");
    /* an empty line inside a hunk is an empty context line; CRLF answers */
    check_parse("*** Begin Patch\r\n*** Update File: a.c\r\n@@\r\n a\r\n\r\n-b\r\n+c\r\n"
                "*** End Patch\r\n",
                "update path=a.c| a| |-b|+c|\n");
    /* in a fence, and prose right after the patch ends it */
    check_parse("```\n*** Begin Patch\n*** Update File: a.c\n@@\n-a\n+b\n```\nThat is all.\n",
                "update path=a.c|-a|+b|\n");
}

static void test_unified(void)
{
    check_parse("```diff\n"
                "--- a/src/x.c\n"
                "+++ b/src/x.c\n"
                "@@ -10,3 +10,3 @@ static int f(void)\n"
                " a\n"
                "-b\n"
                "+B\n"
                " c\n"
                "@@ -20 +20,2 @@\n"
                " d\n"
                "+e\n"
                "```\n",
                "update path=src/x.c hint=10| a|-b|+B| c|\n"
                "update path=src/x.c hint=20| d|+e|\n");
    /* bare, without counts, an empty line as context; a new file; \ No newline */
    check_parse("--- x.c\n+++ x.c\n@@ @@\n a\n\n-b\n+c\n\\ No newline at end of file\n"
                "--- /dev/null\n+++ b/new.c\n@@ -0,0 +1,2 @@\n+one\n+two\n",
                "update path=x.c| a| |-b|+c|\n"
                "add path=new.c hint=1|+one|+two|\n");
    /* a bare hunk header with no file: the current file */
    check_parse("@@ -3,2 +3,2 @@\n-x\n+y\n z\n", "update path=- hint=3|-x|+y| z|\n");
    /* counts that do not match the lines: reported, not guessed */
    check_parse("--- a\n+++ a\n@@ -1,3 +1,3 @@\n-x\n+y\nprose\n",
                "bad path=a hint=1 error=the hunk has fewer lines than its @@ header says|\n");
    check_parse("--- a\n+++ a\n@@ -1,2 +1,2 @@\n-x\n", "bad path=a hint=1 error=the answer "
                                                      "ended inside the hunk|\n");
}

static void test_search_replace(void)
{
    check_parse("src/x.c\n```c\n<<<<<<< SEARCH\nint a;\nint b;\n=======\nint a;\nlong b;\n"
                ">>>>>>> REPLACE\n```\n",
                "update path=src/x.c| int a;|-int b;|+long b;|\n");
    check_parse("In `lib/y.py`:\n<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n"
                "<<<<<<< SEARCH\n=======\nadded\n>>>>>>> REPLACE\n",
                "update path=lib/y.py|-old|+new|\n"
                "update path=lib/y.py|+added|\n");
    check_parse("a.c\n<<<<<<< SEARCH\nold\n=======\nnew\n",
                "bad path=a.c error=the answer ended inside a SEARCH/REPLACE block|\n");
}

static void test_hostile(void)
{
    check_parse("", "");
    check_parse("*** Begin Patch\n*** Update File:\n@@\n-\n+\n", "update path=-|-|+|\n");
    check_parse("@@ -99999999999999999999,1 +1 @@\n-a\n+b\n", "update path=- hint=100000000|-a|+b|\n");
    check_parse("--- \n+++ \n@@ -a,b +c,d @@\n-x\n+y\n", "update path=-|-x|+y|\n");
    check_parse("<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n", "");
    check_parse("*** Begin Patch\n*** Update File: a\n@@\n@@\n@@\n*** End Patch\n", "");
    /* a huge hunk is capped and reported, the next one still read */
    StrBuf big = {0};
    sb_puts(&big, "*** Begin Patch\n*** Update File: a.c\n@@\n");
    for (int i = 0; i < HUNK_MAX_LINES + 10; i++)
        sb_puts(&big, "+x\n");
    sb_puts(&big, "@@\n-a\n+b\n*** End Patch\n");
    char *got = parse(big.data, 4096);
    CHECK_STR_EQ(got, "bad path=a.c error=hunk too large: more than 20000 lines|\n"
                      "update path=a.c|-a|+b|\n");
    free(got);
    /* an over-long line */
    sb_reset(&big);
    sb_puts(&big, "*** Begin Patch\n*** Update File: a.c\n@@\n+");
    for (size_t i = 0; i < HUNK_MAX_LINE + 100; i++)
        sb_putc(&big, 'y');
    sb_puts(&big, "\n*** End Patch\n");
    got = parse(big.data, 333);
    CHECK_STR_EQ(got, "bad path=a.c error=a line of the hunk is longer than 64 KiB|\n");
    free(got);
    sb_free(&big);
    /* random bytes never crash */
    unsigned seed = 7;
    for (int round = 0; round < 200; round++) {
        char buf[257];
        for (size_t i = 0; i < 256; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char alphabet[] = "*+- @\n\r<=>`abc/.:\\\t0123456789,";
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        buf[256] = '\0';
        char *a = parse(buf, 0), *b = parse(buf, 1);
        CHECK_STR_EQ(a, b);
        free(a);
        free(b);
    }
}

/* Each hunk is out as soon as the line that ends it is in: not at the end of the answer. */
static void test_streaming(void)
{
    HunkParser *p = hunk_parser_new();
    const char *a = "*** Begin Patch\n*** Update File: a.c\n@@\n-a\n+b\n";
    hunk_parser_feed(p, a, strlen(a));
    CHECK(hunk_parser_take(p) == NULL); /* the next line may still belong to it */
    hunk_parser_feed(p, "@", 1);
    CHECK(hunk_parser_take(p) == NULL);
    hunk_parser_feed(p, "@\n", 2);
    ParsedHunk *h = hunk_parser_take(p);
    CHECK(h != NULL);
    parsed_hunk_free(h);
    /* counted unified: out on its last line */
    const char *u = "--- a.c\n+++ a.c\n@@ -1 +1 @@\n-x\n+y\n";
    hunk_parser_feed(p, "*** End Patch\n", 14);
    hunk_parser_feed(p, u, strlen(u));
    h = hunk_parser_take(p);
    CHECK(h != NULL && h->n_lines == 2);
    parsed_hunk_free(h);
    const char *sr = "a.c\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n";
    hunk_parser_feed(p, sr, strlen(sr));
    h = hunk_parser_take(p);
    CHECK(h != NULL && h->kind == HUNK_UPDATE);
    parsed_hunk_free(h);
    hunk_parser_free(p);
}

/* --- the locator ------------------------------------------------------------------------ */

static ParsedHunk *one(const char *text)
{
    HunkParser *p = hunk_parser_new();
    hunk_parser_feed(p, text, strlen(text));
    hunk_parser_finish(p);
    ParsedHunk *h = hunk_parser_take(p);
    hunk_parser_free(p);
    return h;
}

static Text *text_of(const char *s)
{
    Text *t = text_new();
    text_set(t, s, strlen(s));
    return t;
}

/* Where the hunk goes (-1: not found), with its fuzz and looseness. */
static long where(const char *file, const char *patch, size_t floor, size_t *fuzz, bool *loose)
{
    Text *t = text_of(file);
    ParsedHunk *h = one(patch);
    HunkPlace at;
    long r = -1;
    if (h && hunk_locate(t, h->lines, h->n_lines, h->anchor,
                         h->hint_line ? h->hint_line - 1 : HUNK_NO_HINT, floor, &at)) {
        r = (long)at.line;
        if (fuzz)
            *fuzz = at.skip_head > at.skip_tail ? at.skip_head : at.skip_tail;
        if (loose)
            *loose = at.loose;
    }
    parsed_hunk_free(h);
    text_free(t);
    return r;
}

static void test_locate(void)
{
    const char *file = "a\nb\nc\nd\ne\nf\ng\n";
    size_t fuzz = 9;
    bool loose = true;
    CHECK_INT_EQ(where(file, "@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n", 0, &fuzz, &loose), 2);
    CHECK_INT_EQ(fuzz, 0);
    CHECK(!loose);
    /* offset: the header says line 1, the lines are at 3 */
    CHECK_INT_EQ(where(file, "@@ -1,3 +1,3 @@\n c\n-d\n+D\n e\n", 0, NULL, NULL), 2);
    /* fuzz: the outer context line differs */
    CHECK_INT_EQ(where(file, "@@ -2,5 +2,5 @@\n X\n c\n-d\n+D\n e\n Y\n", 0, &fuzz, NULL), 2);
    CHECK_INT_EQ(fuzz, 1);
    /* not there at all */
    CHECK_INT_EQ(where(file, "@@ -2,2 +2,2 @@\n-zz\n+D\n", 0, NULL, NULL), -1);
    /* tabs vs spaces */
    CHECK_INT_EQ(where("int f()\n{\n\treturn 0;\n}\n",
                       "*** Begin Patch\n*** Update File: f.c\n@@\n {\n-    return 0;\n+    return 1;\n",
                       0, NULL, &loose), 1);
    CHECK(loose);
    /* context twice: the hint chooses; then the floor (previous hunk) chooses */
    const char *twice = "x\nret\ny\nx\nret\ny\n";
    CHECK_INT_EQ(where(twice, "@@ -4,3 +4,3 @@\n x\n-ret\n+RET\n y\n", 0, NULL, NULL), 3);
    CHECK_INT_EQ(where(twice, "@@ -1,3 +1,3 @@\n x\n-ret\n+RET\n y\n", 0, NULL, NULL), 0);
    CHECK_INT_EQ(where(twice, "*** Begin Patch\n*** Update File: a\n@@\n x\n-ret\n+R\n", 3, NULL,
                       NULL), 3);
    CHECK_INT_EQ(where(twice, "*** Begin Patch\n*** Update File: a\n@@\n x\n-ret\n+R\n", 0, NULL,
                       NULL), 0);
    /* an apply_patch anchor chooses */
    CHECK_INT_EQ(where("void f()\n{\n  return;\n}\nvoid g()\n{\n  return;\n}\n",
                       "*** Begin Patch\n*** Update File: a\n@@ void g()\n {\n-  return;\n+  return 1;\n",
                       0, NULL, NULL), 5);
    /* CRLF file: lines are matched without their "\r" */
    CHECK_INT_EQ(where("a\r\nb\r\nc\r\n", "*** Begin Patch\n*** Update File: a\n@@\n a\n-b\n+B\n",
                       0, NULL, &loose), 0);
    CHECK(!loose);
    /* no final newline */
    CHECK_INT_EQ(where("a\nb", "@@ -2 +2 @@\n-b\n+c\n", 0, NULL, NULL), 1);
    CHECK(hunk_line_loose_eq("\tint  x;", 8, "int x;  ", 8));
    CHECK(!hunk_line_loose_eq("int x;", 6, "int y;", 6));
}

/* Figures (printed, never asserted): parsing a 4 MB answer of small hunks fed in 40-byte
 * deltas, and placing a hunk near the end of a 200,000-line file (the worst case: the scan
 * runs to the match; its context also appears once more, so every level is searched). */
static void test_speed(void)
{
    StrBuf ans = {0};
    sb_puts(&ans, "*** Begin Patch\n*** Update File: big.c\n");
    while (ans.len < (4u << 20))
        sb_puts(&ans, "@@ int f(void)\n {\n-    return 0;\n+    return 1;\n }\n");
    sb_puts(&ans, "*** End Patch\n");
    HunkParser *p = hunk_parser_new();
    uint64_t t0 = clock_now_ns();
    size_t hunks = 0;
    for (size_t i = 0; i < ans.len; i += 40) {
        hunk_parser_feed(p, ans.data + i, ans.len - i < 40 ? ans.len - i : 40);
        ParsedHunk *h;
        while ((h = hunk_parser_take(p))) {
            hunks++;
            parsed_hunk_free(h);
        }
    }
    hunk_parser_finish(p);
    uint64_t t1 = clock_now_ns();
    hunk_parser_free(p);
    printf("figure: hunk parser %.0f MB/s (%zu hunks from %zu bytes in 40-byte deltas)\n",
           (double)ans.len / 1e6 / ((double)(t1 - t0) / 1e9), hunks, ans.len);

    StrBuf file = {0};
    for (int i = 0; i < 200000; i++)
        sb_printf(&file, "    line %d;\n", i);
    Text *t = text_new();
    text_set(t, file.data, file.len);
    ParsedHunk *h = one("@@ -199990,3 +199990,3 @@\n     line 199989;\n-    line 199990;\n"
                        "+    LINE;\n     line 199991;\n");
    HunkPlace at;
    t0 = clock_now_ns();
    bool found = hunk_locate(t, h->lines, h->n_lines, NULL, h->hint_line - 1, 0, &at);
    t1 = clock_now_ns();
    CHECK(found && at.line == 199989);
    ParsedHunk *miss = one("@@ -5,3 +5,3 @@\n     nowhere;\n-    line 4;\n+    x;\n     never;\n");
    uint64_t t2 = clock_now_ns();
    (void)hunk_locate(t, miss->lines, miss->n_lines, NULL, 4, 0, &at); /* found by fuzz 1 */
    uint64_t t3 = clock_now_ns();
    printf("figure: locate in 200,000 lines: %.2f ms exact, %.2f ms through fuzz\n",
           (double)(t1 - t0) / 1e6, (double)(t3 - t2) / 1e6);
    parsed_hunk_free(h);
    parsed_hunk_free(miss);
    text_free(t);
    sb_free(&file);
    sb_free(&ans);
}

int main(void)
{
    RUN(test_apply_patch);
    RUN(test_unified);
    RUN(test_search_replace);
    RUN(test_hostile);
    RUN(test_streaming);
    RUN(test_locate);
    RUN(test_speed);
    return harness_done();
}
