/* Key decoder: mouse reports (SGR 1006 "CSI < b;x;y M/m" and the legacy "CSI M bxy"), as
 * ui/keys.h promises them: press, release, drag, wheel, modifiers, 0-based cells; malformed
 * or out-of-range reports dropped whole, nothing typed. (The keys: test_keys.c.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ui/keys.h"

/* What a mouse report decodes to, with its cell (0-based). */
static void check_mouse(const char *bytes, MouseKind kind, int button, int x, int y, unsigned mods)
{
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, bytes, strlen(bytes));
    KeyEvent k;
    CHECK(keys_next(&d, &k));
    CHECK_INT_EQ(k.code, KC_MOUSE);
    CHECK_INT_EQ(k.mouse.kind, kind);
    CHECK_INT_EQ(k.mouse.button, button);
    CHECK_INT_EQ(k.mouse.x, x);
    CHECK_INT_EQ(k.mouse.y, y);
    CHECK_INT_EQ(k.mods, mods);
    CHECK(!keys_next(&d, &k));
    keys_free(&d);
}

static void test_mouse_reports(void)
{
    check_mouse("\033[<0;10;5M", MOUSE_PRESS, 0, 9, 4, 0);
    check_mouse("\033[<0;10;5m", MOUSE_RELEASE, 0, 9, 4, 0);
    check_mouse("\033[<2;1;1M", MOUSE_PRESS, 2, 0, 0, 0);
    check_mouse("\033[<32;200;50M", MOUSE_DRAG, 0, 199, 49, 0);
    check_mouse("\033[<64;7;8M", MOUSE_WHEEL_UP, 0, 6, 7, 0);
    check_mouse("\033[<65;7;8M", MOUSE_WHEEL_DOWN, 0, 6, 7, 0);
    check_mouse("\033[<24;3;4M", MOUSE_PRESS, 0, 2, 3, MOD_ALT | MOD_CTRL);
    check_mouse("\033[M !!", MOUSE_PRESS, 0, 0, 0, 0);
    check_mouse("\033[M#!!", MOUSE_RELEASE, 0, 0, 0, 0);
    /* Malformed or out of range: dropped whole, nothing typed. */
    static const char *junk[] = {"\033[<0;0;5M", "\033[<0;5M", "\033[<0;1;1;1M", "\033[<66;1;1M",
                                 "\033[<1;2:3;1M"};
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        KeyDecoder d;
        keys_init(&d);
        keys_feed(&d, junk[i], strlen(junk[i]));
        keys_feed(&d, "z", 1);
        KeyEvent k;
        CHECK(keys_next(&d, &k));
        CHECK(k.code == KC_CHAR && k.cp == 'z');
        keys_free(&d);
    }
}

int main(void)
{
    RUN(test_mouse_reports);
    return harness_done();
}
