/* Key decoder: Esc without the timer (keys_set_esc_at_once), the rest of a split sequence
 * swallowed within KEYS_ESC_WINDOW_MS and typed after it, the timer kept when the setting
 * (terminal.esc_timeout_ms) asks for it; the terminal's answers to the kitty keyboard and DA1
 * queries taken out of the keys wherever they fall (split, interleaved with typing: no typed
 * key lost); the keys kitty's disambiguate flag (CSI > 1 u) sends. (test_keys.c: the rest.) */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "support/keys_support.h"
#include "ui/keys.h"

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

static void feed_str(KeyDecoder *d, const char *s) { keys_feed(d, s, strlen(s)); }

/* Feeds s as one read, then drains into out (appending). */
static void feed_drain(KeyDecoder *d, const char *s, Evs *out)
{
    feed_str(d, s);
    drain(d, out);
}

static bool ev_is(const Ev *e, KeyCode code, uint32_t cp, unsigned mods)
{
    return e->code == code && (code != KC_CHAR || e->cp == cp) && e->mods == mods;
}

static KeyDecoder *at_once(KeyDecoder *d)
{
    keys_init(d);
    keys_set_esc_at_once(d, true);
    return d;
}

/* --- Esc at once -------------------------------------------------------------------------- */

static void test_lone_esc_at_once(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    KeyDecoder d;
    Evs e = {0};
    feed_drain(at_once(&d), "\033", &e);
    CHECK_INT_EQ(e.n, 1);
    CHECK(ev_is(&e.ev[0], KC_ESC, 0, 0));
    CHECK(!keys_pending(&d)); /* no timer to start */
    /* typed text after it, a moment later: typed */
    fake_now += 100 * NS_PER_MS;
    feed_drain(&d, "x", &e);
    CHECK_INT_EQ(e.n, 2);
    CHECK(ev_is(&e.ev[1], KC_CHAR, 'x', 0));
    /* text then Esc in one read; Esc Esc */
    fake_now += 100 * NS_PER_MS;
    feed_drain(&d, "a\033", &e);
    fake_now += 100 * NS_PER_MS;
    feed_drain(&d, "\033\033", &e);
    CHECK_INT_EQ(e.n, 6);
    CHECK(ev_is(&e.ev[2], KC_CHAR, 'a', 0) && ev_is(&e.ev[3], KC_ESC, 0, 0));
    CHECK(ev_is(&e.ev[4], KC_ESC, 0, 0) && ev_is(&e.ev[5], KC_ESC, 0, 0));
    CHECK(!keys_pending(&d));
    keys_free(&d);
}

static void test_alt_in_one_read(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    KeyDecoder d;
    Evs e = {0};
    feed_drain(at_once(&d), "\033x", &e);
    feed_drain(&d, "\033[A", &e);
    feed_drain(&d, "\033\033[B", &e); /* Alt-Down */
    feed_drain(&d, "\033OP", &e);
    CHECK_INT_EQ(e.n, 4);
    CHECK(ev_is(&e.ev[0], KC_CHAR, 'x', MOD_ALT));
    CHECK(ev_is(&e.ev[1], KC_UP, 0, 0));
    CHECK(ev_is(&e.ev[2], KC_DOWN, 0, MOD_ALT));
    CHECK(ev_is(&e.ev[3], KC_F1, 0, 0));
    /* a cut CSI (not a lone ESC) still waits for more, or for the timer */
    feed_drain(&d, "\033[1;", &e);
    CHECK(keys_pending(&d));
    feed_drain(&d, "5C", &e);
    CHECK_INT_EQ(e.n, 5);
    CHECK(ev_is(&e.ev[4], KC_RIGHT, 0, MOD_CTRL));
    keys_free(&d);
}

/* ESC, then "[A" 5 ms later: Esc went at once; the rest is swallowed, never typed. */
static void test_split_rest_swallowed(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    static const char *const rests[] = {"[A", "OA", "[1;5C", "[<0;3;4M", "]11;rgb:0/0/0\a",
                                        "P1$r0m\033\\", "[?1u"};
    for (size_t i = 0; i < sizeof rests / sizeof rests[0]; i++) {
        KeyDecoder d;
        Evs e = {0};
        feed_drain(at_once(&d), "\033", &e);
        fake_now += 5 * NS_PER_MS;
        feed_drain(&d, rests[i], &e);
        CHECK_INT_EQ(e.n, 1);
        CHECK(ev_is(&e.ev[0], KC_ESC, 0, 0));
        CHECK(!keys_pending(&d));
        feed_drain(&d, "z", &e); /* what is typed next is typed */
        CHECK_INT_EQ(e.n, 2);
        CHECK(ev_is(&e.ev[1], KC_CHAR, 'z', 0));
        keys_free(&d);
    }
    /* the rest in two more reads ("[" then "A"), and followed by typing in the same read */
    KeyDecoder d;
    Evs e = {0};
    feed_drain(at_once(&d), "\033", &e);
    fake_now += 2 * NS_PER_MS;
    feed_drain(&d, "[", &e);
    CHECK(keys_pending(&d));
    fake_now += 2 * NS_PER_MS;
    feed_drain(&d, "Aok", &e);
    CHECK_INT_EQ(e.n, 3);
    CHECK(ev_is(&e.ev[0], KC_ESC, 0, 0));
    CHECK(ev_is(&e.ev[1], KC_CHAR, 'o', 0) && ev_is(&e.ev[2], KC_CHAR, 'k', 0));
    /* a cut rest that never completes is dropped by the timer, not made Alt-[ */
    fake_now += 100 * NS_PER_MS;
    feed_drain(&d, "\033", &e);
    fake_now += 3 * NS_PER_MS;
    feed_drain(&d, "[", &e);
    CHECK(keys_pending(&d));
    keys_timeout(&d);
    drain(&d, &e);
    CHECK_INT_EQ(e.n, 4);
    CHECK(ev_is(&e.ev[3], KC_ESC, 0, 0));
    CHECK(!keys_pending(&d));
    keys_free(&d);
}

/* After the window, or when what comes is text, nothing is swallowed. */
static void test_after_window_typed(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    KeyDecoder d;
    Evs e = {0};
    feed_drain(at_once(&d), "\033", &e);
    fake_now += (KEYS_ESC_WINDOW_MS + 1) * NS_PER_MS;
    feed_drain(&d, "[A", &e);
    CHECK_INT_EQ(e.n, 3);
    CHECK(ev_is(&e.ev[0], KC_ESC, 0, 0));
    CHECK(ev_is(&e.ev[1], KC_CHAR, '[', 0) && ev_is(&e.ev[2], KC_CHAR, 'A', 0));
    /* text within the window: typed (Esc, then x) */
    feed_drain(&d, "\033", &e);
    fake_now += 1 * NS_PER_MS;
    feed_drain(&d, "x", &e);
    CHECK_INT_EQ(e.n, 5);
    CHECK(ev_is(&e.ev[3], KC_ESC, 0, 0) && ev_is(&e.ev[4], KC_CHAR, 'x', 0));
    /* only the very next read counts: Esc, "q", then "[A" still within 25 ms: typed */
    feed_drain(&d, "\033", &e);
    fake_now += 1 * NS_PER_MS;
    feed_drain(&d, "q", &e);
    fake_now += 1 * NS_PER_MS;
    feed_drain(&d, "[A", &e);
    CHECK_INT_EQ(e.n, 9);
    CHECK(ev_is(&e.ev[6], KC_CHAR, 'q', 0) && ev_is(&e.ev[7], KC_CHAR, '[', 0));
    keys_free(&d);
}

/* A paste that opens right after Esc keeps its text. */
static void test_paste_after_esc(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    KeyDecoder d;
    Evs e = {0};
    feed_drain(at_once(&d), "\033", &e);
    fake_now += 1 * NS_PER_MS;
    feed_drain(&d, "[200~hello\033[201~", &e);
    CHECK_INT_EQ(e.n, 2);
    CHECK(ev_is(&e.ev[0], KC_ESC, 0, 0));
    CHECK(e.ev[1].code == KC_PASTE && e.ev[1].text_len == 5 && memcmp(e.ev[1].text, "hello", 5) == 0);
    keys_free(&d);
}

/* The setting that restores the timer: keys_set_esc_at_once(false), keys_init's default. */
static void test_timer_restored(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    KeyDecoder d;
    keys_init(&d);
    keys_set_esc_at_once(&d, true);
    keys_set_esc_at_once(&d, false);
    Evs e = {0};
    feed_drain(&d, "\033", &e);
    CHECK_INT_EQ(e.n, 0);
    CHECK(keys_pending(&d));
    fake_now += 5 * NS_PER_MS;
    feed_drain(&d, "[A", &e); /* the split sequence is whole again */
    CHECK_INT_EQ(e.n, 1);
    CHECK(ev_is(&e.ev[0], KC_UP, 0, 0));
    feed_drain(&d, "\033", &e);
    keys_timeout(&d);
    drain(&d, &e);
    CHECK_INT_EQ(e.n, 2);
    CHECK(ev_is(&e.ev[1], KC_ESC, 0, 0));
    keys_free(&d);
}

/* --- the terminal's answers ---------------------------------------------------------------- */

/* Typed "ab", the kitty answer, "cd", the DA1 answer, "ef": split at every pair of points,
 * in both Esc modes. The six letters always arrive in order; the answers are recorded; in the
 * timer mode nothing else arrives; at once, a cut right after an ESC may add an Esc (its rest
 * is then swallowed, but still recorded). */
static void test_replies_split(void)
{
    clock_set_source(fake_clock);
    fake_now = 100 * NS_PER_SEC;
    static const char s[] = "ab\033[?1ucd\033[?62;22cef";
    size_t n = sizeof s - 1;
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
                CHECK(d.replies.kitty && d.replies.kitty_flags == 1);
                CHECK_INT_EQ(d.replies.da1, 1);
                keys_free(&d);
            }
        }
    }
}

static void test_reply_forms(void)
{
    KeyDecoder d;
    keys_init(&d);
    Evs e = {0};
    feed_drain(&d, "\033[?0u", &e); /* kitty, no flags set yet */
    CHECK(d.replies.kitty && d.replies.kitty_flags == 0);
    feed_drain(&d, "\033[?1;2c\033[?6c", &e); /* xterm, VT102 */
    CHECK_INT_EQ(d.replies.da1, 2);
    feed_drain(&d, "\033[?1;2u", &e); /* not an answer form: dropped, not recorded */
    CHECK(d.replies.kitty_flags == 0);
    CHECK_INT_EQ(e.n, 0);
    keys_free(&d);
    /* without the query answered, nothing is recorded */
    keys_init(&d);
    feed_drain(&d, "abc", &e);
    CHECK(!d.replies.kitty && d.replies.da1 == 0);
    keys_free(&d);
}

/* --- kitty's disambiguate flag ----------------------------------------------------------- */

typedef struct KSeq {
    const char *bytes;
    KeyCode code;
    uint32_t cp;
    unsigned mods;
} KSeq;

static void test_kitty_disambiguate(void)
{
    static const KSeq ks[] = {
        {"\033[27u", KC_ESC, 0, 0},
        {"\033[27;3u", KC_ESC, 0, MOD_ALT},
        {"\033[27;2u", KC_ESC, 0, MOD_SHIFT},
        {"\033[97;5u", KC_CHAR, 'a', MOD_CTRL},        /* Ctrl-A (legacy 0x01) */
        {"\033[103;5u", KC_CHAR, 'g', MOD_CTRL},       /* Ctrl-G */
        {"\033[99;5u", KC_CHAR, 'c', MOD_CTRL},        /* Ctrl-C: no SIGINT in this mode */
        {"\033[122;5u", KC_CHAR, 'z', MOD_CTRL},
        {"\033[97;3u", KC_CHAR, 'a', MOD_ALT},         /* Alt-a (legacy ESC a) */
        {"\033[97;4u", KC_CHAR, 'A', MOD_ALT},         /* Shift+Alt-a (legacy ESC A) */
        {"\033[103;4u", KC_CHAR, 'G', MOD_ALT},
        {"\033[97;7u", KC_CHAR, 'a', MOD_CTRL | MOD_ALT},
        {"\033[97;6u", KC_CHAR, 'a', MOD_CTRL | MOD_SHIFT}, /* the keymap drops Shift */
        {"\033[91;5u", KC_ESC, 0, 0},                  /* Ctrl-[ is Esc, as in legacy */
        {"\033[105;5u", KC_TAB, 0, 0},                 /* Ctrl-I is Tab */
        {"\033[109;5u", KC_ENTER, 0, 0},               /* Ctrl-M is Enter */
        {"\033[106;5u", KC_CHAR, 'j', MOD_CTRL},       /* Ctrl-J as legacy 0x0a */
        {"\033[104;5u", KC_CHAR, 'h', MOD_CTRL},       /* Ctrl-H: bound to backspace */
        {"\033[32;5u", KC_CHAR, ' ', MOD_CTRL},        /* Ctrl-Space */
        {"\033[92;5u", KC_CHAR, '\\', MOD_CTRL},
        {"\033[47;5u", KC_CHAR, '/', MOD_CTRL},
        {"\033[13;2u", KC_ENTER, 0, MOD_SHIFT},
        {"\033[13;5u", KC_ENTER, 0, MOD_CTRL},
        {"\033[9;2u", KC_TAB, 0, MOD_SHIFT},
        {"\033[127;3u", KC_BACKSPACE, 0, MOD_ALT},
        {"\033[127;5u", KC_BACKSPACE, 0, MOD_CTRL},
        {"\r", KC_ENTER, 0, 0},                        /* Enter, Tab, Backspace stay legacy */
        {"\t", KC_TAB, 0, 0},
        {"\x7f", KC_BACKSPACE, 0, 0},
        {"\033[1;5A", KC_UP, 0, MOD_CTRL},             /* CSI 1 ; mods letter */
        {"\033[1;3D", KC_LEFT, 0, MOD_ALT},
        {"\033[13~", (KeyCode)(KC_F1 + 2), 0, 0},                     /* kitty's F3 */
        {"\033[57399u", KC_CHAR, '0', 0},              /* keypad (Num Lock off) */
        {"\033[57408u", KC_CHAR, '9', 0},
        {"\033[57413u", KC_CHAR, '+', 0},
        {"\033[57414u", KC_ENTER, 0, 0},
        {"\033[57417u", KC_LEFT, 0, 0},
        {"\033[57420;5u", KC_DOWN, 0, MOD_CTRL},
        {"\033[57423u", KC_HOME, 0, 0},
        {"\033[57426u", KC_DELETE, 0, 0},
        {"\033[1089;3u", KC_CHAR, 0x441, MOD_ALT},     /* Alt + Cyrillic */
        {"\033[97;69u", KC_CHAR, 'a', MOD_CTRL},       /* Ctrl with Caps Lock (64) */
    };
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        for (int mode = 0; mode < 2; mode++) {
            Evs e;
            if (mode == 0)
                run_whole(ks[i].bytes, strlen(ks[i].bytes), false, &e);
            else
                run_bytewise(ks[i].bytes, strlen(ks[i].bytes), false, &e);
            CHECK_INT_EQ(e.n, 1);
            if (e.n != 1)
                continue;
            CHECK_INT_EQ(e.ev[0].code, ks[i].code);
            if (ks[i].code == KC_CHAR)
                CHECK_INT_EQ(e.ev[0].cp, ks[i].cp);
            CHECK_INT_EQ(e.ev[0].mods, ks[i].mods);
        }
    }
}

int main(void)
{
    RUN(test_lone_esc_at_once);
    RUN(test_alt_in_one_read);
    RUN(test_split_rest_swallowed);
    RUN(test_after_window_typed);
    RUN(test_paste_after_esc);
    RUN(test_timer_restored);
    RUN(test_replies_split);
    RUN(test_reply_forms);
    RUN(test_kitty_disambiguate);
    return harness_done();
}
