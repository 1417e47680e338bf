/* AnswerBlocks: fenced code blocks of an answer (session/answer_blocks.h): tags, tildes,
 * longer and nested fences, indented fences in list items, inline ```x```, unterminated
 * blocks while streaming (every prefix of an answer agrees with the whole), bodies with the
 * indentation removed. */
#include <stdlib.h>
#include <string.h>

#include "session/answer_blocks.h"
#include "harness.h"

static char *body_of(const char *text, const AnswerBlock *b)
{
    StrBuf sb = {0};
    answer_block_body(text, b, &sb);
    size_t n;
    return sb_steal(&sb, &n);
}

static void test_simple(void)
{
    const char *t = "Intro\n```c\nint x;\nint y;\n```\nafter\n";
    AnswerBlock b;
    size_t pos = 0;
    CHECK(answer_block_next(t, strlen(t), &pos, &b));
    CHECK(b.closed);
    CHECK_INT_EQ(b.start, 6);
    CHECK_INT_EQ(b.info_end - b.info_start, 1);
    CHECK(t[b.info_start] == 'c');
    char *body = body_of(t, &b);
    CHECK_STR_EQ(body, "int x;\nint y;\n");
    free(body);
    CHECK(!answer_block_next(t, strlen(t), &pos, &b));
    CHECK_INT_EQ(answer_block_count(t, strlen(t)), 1);
    /* at: the fences and the body belong to the block, the prose does not */
    CHECK(!answer_block_at(t, strlen(t), 2, &b));
    CHECK(answer_block_at(t, strlen(t), 6, &b));
    CHECK(answer_block_at(t, strlen(t), 12, &b));
    CHECK(answer_block_at(t, strlen(t), (size_t)(strstr(t, "```\nafter") - t), &b));
    CHECK(!answer_block_at(t, strlen(t), (size_t)(strstr(t, "after") - t), &b));
}

static void test_two_and_last(void)
{
    const char *t = "```\na\n```\ntext\n~~~ python\nb\n~~~\n";
    AnswerBlock b;
    CHECK_INT_EQ(answer_block_count(t, strlen(t)), 2);
    CHECK(answer_block_last(t, strlen(t), &b));
    char *body = body_of(t, &b);
    CHECK_STR_EQ(body, "b\n");
    free(body);
    CHECK(memcmp(t + b.info_start, "python", 6) == 0 && b.info_end - b.info_start == 6);
}

static void test_nested_longer_fence(void)
{
    /* A ```` block shows Markdown with a ``` block inside: one block, the inner fences are
     * content; a ~~~ line does not close a ``` block, nor ``` a ~~~ one. */
    const char *t = "````markdown\nSee:\n```c\nx\n```\n````\nafter\n```\n~~~\n```\n";
    AnswerBlock b;
    size_t pos = 0;
    CHECK(answer_block_next(t, strlen(t), &pos, &b));
    char *body = body_of(t, &b);
    CHECK_STR_EQ(body, "See:\n```c\nx\n```\n");
    free(body);
    CHECK(answer_block_next(t, strlen(t), &pos, &b));
    body = body_of(t, &b);
    CHECK_STR_EQ(body, "~~~\n");
    free(body);
    CHECK(b.closed);
    /* a longer closing fence closes; a shorter one does not */
    const char *u = "```\na\n``\n`````\nz\n";
    pos = 0;
    CHECK(answer_block_next(u, strlen(u), &pos, &b));
    body = body_of(u, &b);
    CHECK_STR_EQ(body, "a\n``\n");
    free(body);
    /* text after a closing run: not a closing fence */
    const char *w = "```\na\n``` b\n```\n";
    pos = 0;
    CHECK(answer_block_next(w, strlen(w), &pos, &b));
    body = body_of(w, &b);
    CHECK_STR_EQ(body, "a\n``` b\n");
    free(body);
}

static void test_inline_and_indented(void)
{
    const char *t = "Use ```x``` inline.\n```x```\n";
    CHECK_INT_EQ(answer_block_count(t, strlen(t)), 0);
    /* a fence inside a list item: the item's indentation is removed from the body */
    const char *u = "1. Do:\n\n   ```sh\n   make\n     indented\n   ```\n";
    AnswerBlock b;
    CHECK(answer_block_last(u, strlen(u), &b));
    CHECK(b.closed);
    char *body = body_of(u, &b);
    CHECK_STR_EQ(body, "make\n  indented\n");
    free(body);
    /* CRLF fences */
    const char *v = "```c\r\nx\r\n```\r\n";
    CHECK(answer_block_last(v, strlen(v), &b));
    CHECK(b.closed);
}

static void test_unterminated(void)
{
    const char *t = "Text\n```c\nint a;\nint b;";
    AnswerBlock b;
    CHECK(answer_block_last(t, strlen(t), &b));
    CHECK(!b.closed);
    CHECK_INT_EQ(b.end, strlen(t));
    CHECK(answer_block_at(t, strlen(t), strlen(t), &b)); /* the streaming tail is in it */
    char *body = body_of(t, &b);
    CHECK_STR_EQ(body, "int a;\nint b;\n");
    free(body);
    /* an opening fence with nothing after it yet */
    const char *u = "```py";
    CHECK(answer_block_last(u, strlen(u), &b));
    CHECK(!b.closed);
    body = body_of(u, &b);
    CHECK_STR_EQ(body, "");
    free(body);
}

/* Every prefix of a streamed answer: blocks closed in the prefix are the whole text's, and
 * the one still open there starts where the whole text's does. */
static void test_prefixes(void)
{
    const char *t = "a\n```c\nx\n```\nb\n````md\n```\ny\n```\n````\n~~~\nz\n";
    size_t n = strlen(t);
    AnswerBlock all[8];
    size_t na = 0, pos = 0;
    while (na < 8 && answer_block_next(t, n, &pos, &all[na]))
        na++;
    CHECK_INT_EQ(na, 3);
    for (size_t len = 0; len <= n; len++) {
        size_t p = 0, i = 0;
        AnswerBlock b;
        while (answer_block_next(t, len, &p, &b)) {
            CHECK(i < na);
            if (i >= na)
                break;
            CHECK_INT_EQ(b.start, all[i].start);
            if (b.closed) /* its '\n' may not have arrived yet */
                CHECK(b.end == all[i].end || (b.end == len && len == all[i].end - 1));
            else
                CHECK_INT_EQ(b.end, len);
            i++;
        }
    }
}

int main(void)
{
    RUN(test_simple);
    RUN(test_two_and_last);
    RUN(test_nested_longer_fence);
    RUN(test_inline_and_indented);
    RUN(test_unterminated);
    RUN(test_prefixes);
    return harness_done();
}
