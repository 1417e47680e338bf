/* app/clipboard.c and session/comment.c: the OSC 52 bytes for each route (plain, tmux
 * passthrough with the ESC doubled, none), the route from tmux's option answers, the size
 * cap; comment prefixes by file name and extension. */
#include <string.h>

#include "app/clipboard.h"
#include "harness.h"
#include "session/comment.h"

static void test_osc52_bytes(void)
{
    StrBuf sb = {0};
    CHECK(clipboard_osc52(CLIP_DIRECT, "hello", 5, &sb));
    CHECK_STR_EQ(sb_cstr(&sb), "\033]52;c;aGVsbG8=\a");
    sb_reset(&sb);
    CHECK(clipboard_osc52(CLIP_TMUX_PLAIN, "ab\n", 3, &sb));
    CHECK_STR_EQ(sb_cstr(&sb), "\033]52;c;YWIK\a");
    sb_reset(&sb);
    CHECK(clipboard_osc52(CLIP_TMUX_PASSTHROUGH, "a", 1, &sb));
    CHECK_STR_EQ(sb_cstr(&sb), "\033Ptmux;\033\033]52;c;YQ==\a\033\\");
    sb_reset(&sb);
    CHECK(!clipboard_osc52(CLIP_TMUX_NONE, "a", 1, &sb));
    CHECK(!clipboard_osc52(CLIP_OFF, "a", 1, &sb));
    static char big[CLIPBOARD_OSC52_MAX + 1];
    CHECK(!clipboard_osc52(CLIP_DIRECT, big, sizeof big, &sb));
    CHECK_INT_EQ(sb.len, 0);
    sb_free(&sb);
}

static void test_routes(void)
{
    CHECK_INT_EQ(clipboard_route(false, true, "on", "on"), CLIP_OFF);
    CHECK_INT_EQ(clipboard_route(true, false, "", ""), CLIP_DIRECT);
    CHECK_INT_EQ(clipboard_route(true, true, "on", "off"), CLIP_TMUX_PLAIN);
    CHECK_INT_EQ(clipboard_route(true, true, "external", "on"), CLIP_TMUX_PASSTHROUGH);
    CHECK_INT_EQ(clipboard_route(true, true, "external", "all"), CLIP_TMUX_PASSTHROUGH);
    CHECK_INT_EQ(clipboard_route(true, true, "external", "off"), CLIP_TMUX_NONE);
    CHECK_INT_EQ(clipboard_route(true, true, "", ""), CLIP_TMUX_NONE); /* tmux did not answer */
}

static void test_comment_prefixes(void)
{
    CHECK_STR_EQ(comment_prefix_for_path("src/a.c"), "//");
    CHECK_STR_EQ(comment_prefix_for_path("X.RS"), "//");
    CHECK_STR_EQ(comment_prefix_for_path("/x/Makefile"), "#");
    CHECK_STR_EQ(comment_prefix_for_path("run.sh"), "#");
    CHECK_STR_EQ(comment_prefix_for_path("q.sql"), "--");
    CHECK_STR_EQ(comment_prefix_for_path("init.lua"), "--");
    CHECK_STR_EQ(comment_prefix_for_path("init.el"), ";");
    CHECK_STR_EQ(comment_prefix_for_path(".bashrc"), "#");
    CHECK_STR_EQ(comment_prefix_for_path(NULL), "#");
}

int main(void)
{
    RUN(test_osc52_bytes);
    RUN(test_routes);
    RUN(test_comment_prefixes);
    return harness_done();
}
