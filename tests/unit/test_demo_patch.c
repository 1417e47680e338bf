/* The demo's patches (tests/backend/demo_patch.h, compiled in here: the backend's own sources
 * are not a library): for the demo file each question's words pick a patch that parses into
 * hunks which all apply to hello.c as it is, named with the context's path; after one is
 * accepted the next question still gets one that applies; another file gets none. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "session/buffer.h"
#include "session/hunk_parse.h"
#include "session/hunks.h"
#include "support/buffer_support.h"
#include "tests/backend/demo_patch.c"

static char *demo_text(void)
{
    char path[4096];
    const char *file = __FILE__; /* .../tests/unit/test_demo_patch.c */
    const char *cut = strstr(file, "/unit/test_demo_patch.c");
    snprintf(path, sizeof path, "%.*s/data/demo/hello.c", cut ? (int)(cut - file) : 0, file);
    size_t len;
    char *s = read_file(path, &len);
    CHECK(s != NULL);
    return s;
}

/* Asks q about b's text; places and accepts every hunk; returns the patch's name (NULL: no
 * patch) and how many hunks were not accepted. */
static const char *ask_and_accept(Buffer *b, const char *q, size_t *failed)
{
    StrBuf ctx = {0};
    sb_puts(&ctx, "Context from the editor (flint).\nFile: hello.c (demo/hello.c)\n"
                  "Cursor: line 1, column 1\nThe whole file (37 lines):\n\n```c\n");
    text_serialize(buffer_text(b), &ctx);
    sb_puts(&ctx, "```\n");
    const char *name, *text;
    size_t len;
    *failed = 0;
    if (!demo_patch_pick(q, strlen(q), ctx.data, ctx.len, &name, &text, &len)) {
        sb_free(&ctx);
        return NULL;
    }
    CHECK(strstr(text, "*** Update File: demo/hello.c\n") != NULL);
    HunkParser *p = hunk_parser_new();
    hunk_parser_feed(p, text, len);
    hunk_parser_finish(p);
    HunkSet *hs = hunks_new();
    hunks_begin_answer(hs);
    ParsedHunk *h;
    while ((h = hunk_parser_take(p)))
        hunks_add(hs, h, b, NULL);
    CHECK(hunks_count(hs) >= 1);
    for (size_t i = 0; i < hunks_count(hs); i++)
        if (!hunks_accept(hs, i)) {
            fprintf(stderr, "  %s: hunk %zu: %s\n", name, i + 1, hunks_info(hs, i).reason);
            (*failed)++;
        }
    hunks_free(hs);
    hunk_parser_free(p);
    sb_free(&ctx);
    return name;
}

static void test_each_patch_applies(void)
{
    char *orig = demo_text();
    if (!orig)
        return;
    static const struct {
        const char *q, *want;
    } cases[] = {
        {"please finish the TODO", "demo-todo"},
        {"add a comment to each function", "demo-comment"},
        {"add error handling", "demo-error"},
        {"rename print_list", "demo-rename"},
        {"what does this do?", "demo-todo"}, /* anything: the first that applies */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Buffer *b = buffer_new();
        buffer_load_text(b, orig, strlen(orig));
        size_t failed;
        const char *name = ask_and_accept(b, cases[i].q, &failed);
        CHECK_STR_EQ(name, cases[i].want);
        CHECK_INT_EQ(failed, 0);
        buffer_free(b);
    }
    /* one after the other: each later question still gets a patch that applies */
    Buffer *b = buffer_new();
    buffer_load_text(b, orig, strlen(orig));
    const char *qs[] = {"rename it", "error handling", "comment", "todo"};
    for (size_t i = 0; i < 4; i++) {
        size_t failed;
        const char *name = ask_and_accept(b, qs[i], &failed);
        CHECK(name != NULL);
        CHECK_INT_EQ(failed, 0);
    }
    size_t failed;
    CHECK(ask_and_accept(b, "again", &failed) == NULL || failed == 0);
    buffer_free(b);
    /* not the demo file: no patch */
    const char *name, *text;
    size_t len;
    const char other[] = "File: x.c\n```c\nint main(void) { return 0; }\n```\n";
    CHECK(!demo_patch_pick("todo", 4, other, sizeof other - 1, &name, &text, &len));
    CHECK(!demo_patch_pick("todo", 4, NULL, 0, &name, &text, &len));
    free(orig);
}

int main(void)
{
    RUN(test_each_patch_applies);
    return harness_done();
}
