/* Key decoder: OSC 11's answer (the background colour) taken out of the keys wherever it
 * falls: whole, split at every pair of points, ended by BEL or ST (ESC \ or C1), in the C1
 * form, interleaved with typing (nothing typed is lost, nothing else arrives), in both Esc
 * modes; and key_parse_osc11's forms (1-4 hex digits a component, rgba:, junk refused). */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "support/keys_support.h"
#include "ui/key_decode.h"
#include "ui/keys.h"

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

static bool parse(const char *s, uint32_t *rgb)
{
    return key_parse_osc11((const unsigned char *)s, strlen(s), rgb);
}

static void test_parse_forms(void)
{
    uint32_t v = 0;
    CHECK(parse("11;rgb:ffff/ffff/ffff", &v) && v == 0xffffff);
    CHECK(parse("11;rgb:0000/0000/0000", &v) && v == 0x000000);
    CHECK(parse("11;rgb:2c2c/3131/3a3a", &v) && v == 0x2c313a);
    CHECK(parse("11;rgb:fd/f6/e3", &v) && v == 0xfdf6e3);      /* 2 digits */
    CHECK(parse("11;rgb:f/0/8", &v) && v == 0xff0088);         /* 1 digit: 8/15 -> 0x88 */
    CHECK(parse("11;rgb:800/000/fff", &v) && v == 0x8000ff);   /* 3 digits */
    CHECK(parse("11;rgba:0000/2b2b/3636/ffff", &v) && v == 0x002b36);
    CHECK(parse("11;rgb:FFFF/8080/0000", &v) && v == 0xff8000);
    static const char *const bad[] = {
        "11;?", "10;rgb:ffff/ffff/ffff", "11;rgb:ffff/ffff", "11;rgb:ffff/ffff/ffff/ffff",
        "11;rgb:fffff/0/0", "11;rgb:/0/0", "11;rgb:g/0/0", "11;rgb:0/0/0x", "11;#ffffff",
        "11;rgb0/0/0", "11;rgba:0/0/0", "", "1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 0x123456;
        CHECK(!parse(bad[i], &v));
        CHECK(v == 0x123456);
    }
}

static void check_bg(const KeyDecoder *d, uint8_t r, uint8_t g, uint8_t b)
{
    CHECK(d->replies.bg);
    CHECK_INT_EQ(d->replies.bg_rgb[0], r);
    CHECK_INT_EQ(d->replies.bg_rgb[1], g);
    CHECK_INT_EQ(d->replies.bg_rgb[2], b);
}

static void test_whole_forms(void)
{
    static const char *const forms[] = {
        "\033]11;rgb:fdfd/f6f6/e3e3\007",      /* BEL (xterm) */
        "\033]11;rgb:fdfd/f6f6/e3e3\033\\",    /* ST */
        "\302\23511;rgb:fdfd/f6f6/e3e3\302\234", /* C1 OSC and ST in UTF-8 */
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        KeyDecoder d;
        keys_init(&d);
        Evs e = {0};
        keys_feed(&d, forms[i], strlen(forms[i]));
        drain(&d, &e);
        CHECK_INT_EQ(e.n, 0);
        check_bg(&d, 0xfd, 0xf6, 0xe3);
        keys_free(&d);
    }
    /* Another OSC (a title, OSC 10's foreground) is dropped, never recorded as the bg. */
    KeyDecoder d;
    keys_init(&d);
    Evs e = {0};
    static const char other[] = "\033]10;rgb:ffff/ffff/ffff\007\033]2;x\007";
    keys_feed(&d, other, sizeof other - 1);
    drain(&d, &e);
    CHECK_INT_EQ(e.n, 0);
    CHECK(!d.replies.bg);
    keys_free(&d);
}

/* Typed "ab", the OSC 11 answer, "cd", the DA1 answer, "ef": split at every pair of points, in
 * both Esc modes, ended by ST and by BEL. The letters arrive in order, the colour is recorded;
 * at once, a cut right after an ESC may add an Esc key (its rest is swallowed but still
 * recorded), nothing else. */
static void test_split_interleaved(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    static const char *const inputs[] = {
        "ab\033]11;rgb:1c1c/1c1c/1c1c\033\\cd\033[?62;22cef",
        "ab\033]11;rgb:1c1c/1c1c/1c1c\007cd\033[?62;22cef",
    };
    for (size_t in = 0; in < sizeof inputs / sizeof *inputs; in++) {
        const char *s = inputs[in];
        size_t n = strlen(s);
        for (int mode = 0; mode < 2; mode++) {
            for (size_t c1 = 0; c1 <= n; c1++) {
                for (size_t c2 = c1; c2 <= n; c2++) {
                    KeyDecoder d;
                    keys_init(&d);
                    keys_set_esc_at_once(&d, mode == 1);
                    char typed[16];
                    bool only = feed_in_three(&d, s, n, c1, c2, &fake_now, mode == 1, typed,
                                              sizeof typed);
                    CHECK_STR_EQ(typed, "abcdef");
                    CHECK(only);
                    check_bg(&d, 0x1c, 0x1c, 0x1c);
                    CHECK_INT_EQ(d.replies.da1, 1);
                    keys_free(&d);
                }
            }
        }
    }
    clock_set_source(NULL);
}

/* Fed one byte at a time with the Esc timer firing between bytes once its payload has begun
 * (a slow link; a cut right after ESC ] is Alt-], as test_keys.c says): the answer still
 * arrives whole and no byte of it is typed. */
static void test_bytewise_with_timeouts(void)
{
    static const char s[] = "x\033]11;rgb:ffff/ffff/ffff\033\\y";
    Evs e = {0};
    KeyDecoder d;
    keys_init(&d);
    for (size_t i = 0; i < sizeof s - 1; i++) {
        keys_feed(&d, s + i, 1);
        drain(&d, &e);
        if (i >= 4 && keys_pending(&d)) {
            keys_timeout(&d);
            drain(&d, &e);
        }
    }
    CHECK_INT_EQ(e.n, 2);
    CHECK(e.ev[0].code == KC_CHAR && e.ev[0].cp == 'x');
    CHECK(e.ev[1].code == KC_CHAR && e.ev[1].cp == 'y');
    check_bg(&d, 0xff, 0xff, 0xff);
    keys_free(&d);
}

int main(void)
{
    RUN(test_parse_forms);
    RUN(test_whole_forms);
    RUN(test_split_interleaved);
    RUN(test_bytewise_with_timeouts);
    return harness_done();
}
