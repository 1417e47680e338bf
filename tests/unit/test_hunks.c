/* session/hunks: placing parsed hunks in a Buffer, accepting (one undo step each, exact undo),
 * accept all, reject, stale hunks never applied (the user edited the region; not found;
 * overlap; file closed), marks following the user's edits elsewhere, the report for the next
 * request, and the display queries. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "harness.h"
#include "session/buffer.h"
#include "session/hunk_parse.h"
#include "session/hunks.h"

static Buffer *buf_of(const char *s)
{
    Buffer *b = buffer_new();
    buffer_load_text(b, s, strlen(s));
    return b;
}

static char *contents(const Buffer *b)
{
    StrBuf sb = {0};
    text_serialize(buffer_text(b), &sb);
    sb_putc(&sb, '\0');
    return sb_steal(&sb, NULL);
}

#define CHECK_BUF(b, want)                                                                    \
    do {                                                                                      \
        char *got_ = contents(b);                                                             \
        CHECK_STR_EQ(got_, want);                                                             \
        free(got_);                                                                           \
    } while (0)

/* Adds every hunk of answer to hs for b; returns how many. */
static size_t add_all(HunkSet *hs, Buffer *b, const char *answer)
{
    HunkParser *p = hunk_parser_new();
    hunk_parser_feed(p, answer, strlen(answer));
    hunk_parser_finish(p);
    hunks_begin_answer(hs);
    size_t n = 0;
    ParsedHunk *h;
    while ((h = hunk_parser_take(p))) {
        hunks_add(hs, h, b, NULL);
        n++;
    }
    hunk_parser_free(p);
    return n;
}

static const char *FILE1 = "int main(void)\n{\n    int a = 1;\n    int b = 2;\n    return a + b;\n}\n";

static const char *PATCH2 = "*** Begin Patch\n*** Update File: m.c\n"
                            "@@\n {\n-    int a = 1;\n+    int a = 10;\n     int b = 2;\n"
                            "@@\n     return a + b;\n+    /* done */\n }\n"
                            "*** End Patch\n";

static void test_accept_one_undo_step(void)
{
    Buffer *b = buf_of(FILE1);
    HunkSet *hs = hunks_new();
    CHECK_INT_EQ(add_all(hs, b, PATCH2), 2);
    CHECK_INT_EQ(hunks_pending(hs), 2);
    HunkInfo i0 = hunks_info(hs, 0);
    CHECK_INT_EQ(i0.id, 1);
    CHECK_STR_EQ(i0.path, "m.c");
    CHECK_INT_EQ(i0.line, 1);
    CHECK_INT_EQ(i0.removed, 1);
    CHECK_INT_EQ(i0.added, 1);
    /* display: line 2 removed, line 1 kept, the added line above line 3 */
    CHECK_INT_EQ(hunks_show_line(hs, b, 2, NULL), HUNK_SHOW_REMOVED);
    CHECK_INT_EQ(hunks_show_line(hs, b, 1, NULL), HUNK_SHOW_KEPT);
    CHECK_INT_EQ(hunks_show_line(hs, b, 0, NULL), HUNK_SHOW_NONE);
    const HunkLine *adds[4];
    CHECK_INT_EQ(hunks_added_above(hs, b, 3, adds, 4, NULL), 1);
    CHECK_STR_EQ(adds[0]->s, "    int a = 10;");
    CHECK_INT_EQ(hunks_added_above(hs, b, 5, adds, 4, NULL), 1);
    CHECK_STR_EQ(adds[0]->s, "    /* done */");

    CHECK(hunks_accept(hs, 1));
    CHECK_BUF(b, "int main(void)\n{\n    int a = 1;\n    int b = 2;\n    return a + b;\n"
                 "    /* done */\n}\n");
    CHECK(hunks_accept(hs, 0)); /* the first one still holds after the second moved nothing */
    CHECK_BUF(b, "int main(void)\n{\n    int a = 10;\n    int b = 2;\n    return a + b;\n"
                 "    /* done */\n}\n");
    CHECK_INT_EQ(hunks_pending(hs), 0);
    /* each accept is one undo step, and undo restores exactly */
    CHECK(buffer_undo(b));
    CHECK_BUF(b, "int main(void)\n{\n    int a = 1;\n    int b = 2;\n    return a + b;\n"
                 "    /* done */\n}\n");
    /* the report tells the undone one apart (a redo would too: marks do not come back) */
    StrBuf rep = {0};
    CHECK(hunks_take_report(hs, &rep));
    CHECK_STR_EQ(rep.data, "hunk 1 in m.c: accepted, then undone or changed by the user\n"
                           "hunk 2 in m.c: accepted\n");
    CHECK(buffer_undo(b));
    CHECK_BUF(b, FILE1);
    CHECK(!buffer_modified(b));
    CHECK_INT_EQ(hunks_count(hs), 0);
    sb_reset(&rep);
    CHECK(!hunks_take_report(hs, &rep));
    sb_free(&rep);
    hunks_free(hs);
    buffer_free(b);
}

static void test_reject_and_report(void)
{
    Buffer *b = buf_of(FILE1);
    HunkSet *hs = hunks_new();
    add_all(hs, b, PATCH2);
    hunks_reject(hs, 0);
    CHECK_INT_EQ(hunks_info(hs, 0).state, HUNK_REJECTED);
    CHECK_INT_EQ(hunks_show_line(hs, b, 2, NULL), HUNK_SHOW_NONE);
    CHECK(!hunks_accept(hs, 0));
    CHECK_BUF(b, FILE1);
    StrBuf rep = {0};
    CHECK(hunks_take_report(hs, &rep));
    CHECK_STR_EQ(rep.data, "hunk 1 in m.c: rejected\n");
    CHECK_INT_EQ(hunks_count(hs), 1); /* the pending one stays */
    CHECK_INT_EQ(hunks_info(hs, 0).id, 2);
    sb_free(&rep);
    hunks_free(hs);
    buffer_free(b);
}

/* The user edits the hunk's region before accepting: stale, never applied. Edits elsewhere
 * move it. */
static void test_stale_region(void)
{
    Buffer *b = buf_of(FILE1);
    HunkSet *hs = hunks_new();
    add_all(hs, b, PATCH2);
    /* a line typed at the top moves both hunks down */
    buffer_set_cursor(b, (TextPos){0, 0});
    buffer_insert(b, "// x\n", 5);
    hunks_refresh(hs);
    CHECK_INT_EQ(hunks_pending(hs), 2);
    CHECK_INT_EQ(hunks_info(hs, 0).line, 2);
    /* now the first hunk's removed line is edited */
    buffer_set_cursor(b, (TextPos){3, 4});
    buffer_insert(b, "X", 1);
    hunks_refresh(hs);
    HunkInfo i0 = hunks_info(hs, 0);
    CHECK_INT_EQ(i0.state, HUNK_STALE);
    CHECK_STR_EQ(i0.reason, "m.c changed at line 3 after it was proposed");
    CHECK_INT_EQ(hunks_show_line(hs, b, 3, NULL), HUNK_SHOW_STALE);
    CHECK(!hunks_accept(hs, 0));
    CHECK(hunks_accept(hs, 1));
    CHECK_BUF(b, "// x\nint main(void)\n{\n    Xint a = 1;\n    int b = 2;\n    return a + b;\n"
                 "    /* done */\n}\n");
    /* accept without a refresh in between still checks */
    Buffer *c = buf_of(FILE1);
    HunkSet *hc = hunks_new();
    add_all(hc, c, PATCH2);
    buffer_set_cursor(c, (TextPos){4, 5});
    buffer_insert(c, "Z", 1);
    CHECK(!hunks_accept(hc, 1));
    CHECK_INT_EQ(hunks_info(hc, 1).state, HUNK_STALE);
    StrBuf rep = {0};
    hunks_reject(hc, 0);
    CHECK(hunks_take_report(hc, &rep));
    CHECK_STR_EQ(rep.data, "hunk 1 in m.c: rejected\n"
                           "hunk 2 in m.c: stale: m.c changed at line 5 after it was proposed\n");
    sb_free(&rep);
    hunks_free(hc);
    buffer_free(c);
    hunks_free(hs);
    buffer_free(b);
}

static void test_not_found_overlap_closed(void)
{
    Buffer *b = buf_of(FILE1);
    HunkSet *hs = hunks_new();
    add_all(hs, b, "*** Begin Patch\n*** Update File: m.c\n@@\n-nothing like this\n+x\n"
                   "*** Delete File: m.c\n*** End Patch\n");
    CHECK_INT_EQ(hunks_info(hs, 0).state, HUNK_STALE);
    CHECK_STR_EQ(hunks_info(hs, 0).reason, "its lines were not found in m.c");
    CHECK_INT_EQ(hunks_info(hs, 1).state, HUNK_STALE);
    add_all(hs, b, "a.c\n<<<<<<< SEARCH\n    int b = 2;\n=======\n    int b = 3;\n>>>>>>> REPLACE\n"
                   "a.c\n<<<<<<< SEARCH\n    int b = 2;\n    return a + b;\n=======\n"
                   "    return 0;\n>>>>>>> REPLACE\n");
    CHECK_INT_EQ(hunks_info(hs, 2).state, HUNK_PENDING);
    CHECK_INT_EQ(hunks_info(hs, 3).state, HUNK_STALE);
    CHECK_STR_EQ(hunks_info(hs, 3).reason, "it overlaps hunk 3");
    ParsedHunk *ph = xcalloc(1, sizeof *ph);
    ph->path = xstrdup("x.c");
    hunks_add(hs, ph, NULL, "could not open x.c: denied");
    hunks_forget_buffer(hs, b);
    CHECK_INT_EQ(hunks_info(hs, 2).state, HUNK_STALE);
    CHECK_STR_EQ(hunks_info(hs, 2).reason, "a.c was closed before the hunk was reviewed");
    CHECK_STR_EQ(hunks_info(hs, 4).reason, "could not open x.c: denied");
    CHECK_INT_EQ(hunks_pending(hs), 0);
    hunks_free(hs);
    buffer_free(b);
}

/* Accept all in order; a pure deletion; an added file in an empty buffer; CRLF and no final
 * newline kept; context that differs in whitespace keeps the buffer's own lines. */
/* Asking again before reviewing: the later answer's hunk replaces the earlier one. */
static void test_replaced_by_later_answer(void)
{
    Buffer *b = buf_of(FILE1);
    HunkSet *hs = hunks_new();
    add_all(hs, b, PATCH2);
    add_all(hs, b, "@@ -4 +4 @@\n-    int b = 2;\n+    int b = 20;\n");
    CHECK_INT_EQ(hunks_info(hs, 0).state, HUNK_STALE);
    CHECK_STR_EQ(hunks_info(hs, 0).reason, "replaced by hunk 3 of a later answer");
    CHECK_INT_EQ(hunks_info(hs, 1).state, HUNK_PENDING);
    CHECK_INT_EQ(hunks_info(hs, 2).state, HUNK_PENDING);
    CHECK(hunks_accept(hs, 2));
    CHECK_BUF(b, "int main(void)\n{\n    int a = 1;\n    int b = 20;\n    return a + b;\n}\n");
    /* an edit elsewhere keeps it "accepted"; one inside what it wrote does not */
    buffer_set_cursor(b, (TextPos){0, 0});
    buffer_insert(b, "//\n", 3);
    hunks_reject(hs, 1);
    StrBuf rep = {0};
    CHECK(hunks_take_report(hs, &rep));
    CHECK(strstr(rep.data, "hunk 3 in the current file: accepted\n") != NULL);
    add_all(hs, b, "@@ -5 +5 @@\n-    int b = 20;\n+    int b = 21;\n");
    CHECK(hunks_accept(hs, 0));
    buffer_set_cursor(b, (TextPos){4, 8});
    buffer_insert(b, "x", 1);
    sb_reset(&rep);
    CHECK(hunks_take_report(hs, &rep));
    CHECK_STR_EQ(rep.data, "hunk 4 in the current file: accepted, then undone or changed by "
                           "the user\n");
    sb_free(&rep);
    hunks_free(hs);
    buffer_free(b);
}

static void test_shapes(void)
{
    Buffer *b = buf_of("a\r\nb\r\nc\r\nd\r\n");
    HunkSet *hs = hunks_new();
    add_all(hs, b, "--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n a\n-b\n@@ -3,2 +2,3 @@\n c\n+c2\n d\n");
    for (size_t i = 0; i < hunks_count(hs); i++)
        CHECK(hunks_accept(hs, i));
    CHECK_BUF(b, "a\r\nc\r\nc2\r\nd\r\n");
    hunks_free(hs);
    buffer_free(b);

    b = buf_of("x\ny");
    hs = hunks_new();
    add_all(hs, b, "@@ -2 +2 @@\n-y\n+z\n");
    CHECK(hunks_accept(hs, 0));
    CHECK_BUF(b, "x\nz");
    hunks_free(hs);
    buffer_free(b);

    b = buffer_new();
    hs = hunks_new();
    add_all(hs, b, "*** Begin Patch\n*** Add File: n.txt\n+one\n+\n+three\n*** End Patch\n");
    CHECK(hunks_accept(hs, 0));
    CHECK_BUF(b, "one\n\nthree\n");
    CHECK(buffer_undo(b));
    CHECK_BUF(b, "");
    hunks_free(hs);
    buffer_free(b);

    b = buf_of("f()\n{\n\tx();\n\ty();\n}\n");
    hs = hunks_new();
    add_all(hs, b, "*** Begin Patch\n*** Update File: f.c\n@@\n     x();\n-    y();\n+    z();\n }\n");
    CHECK(hunks_accept(hs, 0));
    CHECK_BUF(b, "f()\n{\n\tx();\n    z();\n}\n");
    hunks_free(hs);
    buffer_free(b);

    /* delete the last lines */
    b = buf_of("a\nb\nc\n");
    hs = hunks_new();
    add_all(hs, b, "@@ -2,2 +2,0 @@\n-b\n-c\n");
    CHECK(hunks_accept(hs, 0));
    CHECK_BUF(b, "a\n");
    hunks_free(hs);
    buffer_free(b);
}

int main(void)
{
    RUN(test_accept_one_undo_step);
    RUN(test_reject_and_report);
    RUN(test_stale_region);
    RUN(test_not_found_overlap_closed);
    RUN(test_replaced_by_later_answer);
    RUN(test_shapes);
    return harness_done();
}
