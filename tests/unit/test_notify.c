/* ui/notify: the notification's bytes (OSC 9, OSC 777), tmux's passthrough wrapping (each ESC
 * doubled), the choice by TERM / VTE_VERSION, and text that can never end the sequence. */
#include <string.h>

#include "harness.h"
#include "ui/notify.h"

static void test_sequences(void)
{
    StrBuf b = {0};
    notify_sequence(&b, NOTIFY_OSC9, "flint", "the answer is done (main.c)", false);
    CHECK_STR_EQ(sb_cstr(&b), "\033]9;flint: the answer is done (main.c)\007");
    sb_reset(&b);
    notify_sequence(&b, NOTIFY_OSC777, "flint", "done", false);
    CHECK_STR_EQ(sb_cstr(&b), "\033]777;notify;flint;done\007");
    sb_reset(&b);
    notify_sequence(&b, NOTIFY_OSC9, "flint", "done", true);
    CHECK_STR_EQ(sb_cstr(&b), "\033Ptmux;\033\033]9;flint: done\007\033\\");
    sb_reset(&b);
    /* hostile text: ESC, BEL, ';', a C1 control and UTF-8 never pass through as themselves */
    notify_sequence(&b, NOTIFY_OSC777, "fl;int", "a\033]b\007c\xc2\x9b" "d\xc3\xa9", false);
    CHECK_STR_EQ(sb_cstr(&b), "\033]777;notify;fl,int;a ]b c?d?\007");
    sb_free(&b);
}

static void test_kind(void)
{
    CHECK_INT_EQ(notify_kind_for("xterm-256color", NULL), NOTIFY_OSC9);
    CHECK_INT_EQ(notify_kind_for("xterm-256color", "7600"), NOTIFY_OSC777);
    CHECK_INT_EQ(notify_kind_for("foot", NULL), NOTIFY_OSC777);
    CHECK_INT_EQ(notify_kind_for("rxvt-unicode-256color", ""), NOTIFY_OSC777);
    CHECK_INT_EQ(notify_kind_for(NULL, NULL), NOTIFY_OSC9);
}

int main(void)
{
    RUN(test_sequences);
    RUN(test_kind);
    return harness_done();
}
