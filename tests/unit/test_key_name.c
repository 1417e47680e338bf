/* Key names: keys_describe as the help text writes keys ("Ctrl-K", "Alt-PgUp"), truncated
 * safely; keys_parse as config files write them (lenient spellings, bad names refused); and
 * the round trip parse(describe(k)) == k over every nameable key. The bindings are
 * test_commands.c's. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "ui/key_name.h"

static void check_describe(KeyCode code, uint32_t cp, unsigned mods, const char *want)
{
    KeyEvent k = {.code = code, .cp = cp, .mods = mods};
    char out[32];
    keys_describe(&k, out, sizeof out);
    CHECK_STR_EQ(out, want);
}

static void test_describe(void)
{
    check_describe(KC_CHAR, 'k', MOD_CTRL, "Ctrl-K");
    check_describe(KC_CHAR, 'x', MOD_ALT, "Alt-x");
    check_describe(KC_PAGE_DOWN, 0, 0, "PgDn");
    check_describe(KC_PAGE_UP, 0, MOD_ALT, "Alt-PgUp");
    check_describe(KC_F1, 0, 0, "F1");
    check_describe(KC_F12, 0, 0, "F12");
    check_describe(KC_TAB, 0, MOD_SHIFT, "Shift-Tab");
    check_describe(KC_RIGHT, 0, MOD_CTRL | MOD_SHIFT, "Ctrl-Shift-Right");
    check_describe(KC_CHAR, ' ', MOD_CTRL, "Ctrl-Space");
    check_describe(KC_CHAR, 0xE9, 0, "\xc3\xa9");
    check_describe(KC_ESC, 0, 0, "Esc");
    check_describe(KC_ENTER, 0, 0, "Enter");
    check_describe(KC_PASTE, 0, 0, "Paste");
    char tiny[4];
    KeyEvent k = {.code = KC_BACKSPACE};
    keys_describe(&k, tiny, sizeof tiny);
    CHECK_STR_EQ(tiny, "Bac");
}

static void check_parse(const char *name, KeyCode code, uint32_t cp, unsigned mods)
{
    KeyEvent k = {.code = KC_NONE, .cp = 0xDEAD, .mods = 0xFF};
    CHECK(keys_parse(name, &k));
    CHECK_INT_EQ(k.code, code);
    CHECK_INT_EQ(k.cp, cp);
    CHECK_INT_EQ(k.mods, mods);
}

static void test_parse(void)
{
    check_parse("Ctrl-K", KC_CHAR, 'k', MOD_CTRL);
    check_parse("ctrl-k", KC_CHAR, 'k', MOD_CTRL);
    check_parse("Alt-x", KC_CHAR, 'x', MOD_ALT);
    check_parse("Alt-X", KC_CHAR, 'X', MOD_ALT);
    check_parse("F2", KC_F1 + 1, 0, 0);
    check_parse("f12", KC_F12, 0, 0);
    check_parse("Ctrl-Shift-Left", KC_LEFT, 0, MOD_CTRL | MOD_SHIFT);
    check_parse("shift-ctrl-left", KC_LEFT, 0, MOD_CTRL | MOD_SHIFT);
    check_parse("Escape", KC_ESC, 0, 0);
    check_parse("PageDown", KC_PAGE_DOWN, 0, 0);
    check_parse("Alt-PgUp", KC_PAGE_UP, 0, MOD_ALT);
    check_parse("Space", KC_CHAR, ' ', 0);
    check_parse("Ctrl-Space", KC_CHAR, ' ', MOD_CTRL);
    check_parse("Ctrl--", KC_CHAR, '-', MOD_CTRL);
    check_parse("-", KC_CHAR, '-', 0);
    check_parse("y", KC_CHAR, 'y', 0);
    check_parse("\xc3\xa9", KC_CHAR, 0xE9, 0);
    check_parse("U+0001", KC_CHAR, 1, 0);
    check_parse("Shift-Tab", KC_TAB, 0, MOD_SHIFT);
    KeyEvent k;
    static const char *const bad[] = {"", "Ctrl-", "Alt-", "Ctrl-Ctrl-K", "F13", "F0", "Hyper-K",
                                      "Ctrl-Foo", "kk", "U+", "U+D800", "U+110000", "\x01",
                                      "\xff", "Key99"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (keys_parse(bad[i], &k))
            fprintf(stderr, "accepted '%s'\n", bad[i]);
        CHECK(!keys_parse(bad[i], &k));
    }
    CHECK(!keys_parse(NULL, &k));
}

/* keys_parse(keys_describe(k)) == k for every key keys_describe can name: every code with
 * every modifier set, and characters (ASCII, controls, Latin-1, CJK, astral) likewise. Ctrl +
 * an upper-case letter is not a key of its own (the decoder sends Ctrl-K as 'k'). */
static void round_trip(KeyEvent k)
{
    char name[64];
    keys_describe(&k, name, sizeof name);
    KeyEvent back = {.code = KC_NONE};
    bool ok = keys_parse(name, &back);
    if (!ok || back.code != k.code || back.cp != k.cp || back.mods != k.mods)
        fprintf(stderr, "round trip of '%s' (code %d cp %u mods %u) failed\n", name,
                (int)k.code, (unsigned)k.cp, k.mods);
    CHECK(ok && back.code == k.code && back.cp == k.cp && back.mods == k.mods);
}

static void test_round_trip(void)
{
    static const uint32_t extra[] = {0xE9, 0x7F, 0x85, 0x9F, 0xA0, 0x4E2D, 0xFFFD, 0x1F600,
                                     0x10FFFF};
    for (unsigned mods = 0; mods <= MOD_ALL; mods++) {
        for (int code = KC_ENTER; code < KC_COUNT_; code++)
            round_trip((KeyEvent){.code = (KeyCode)code, .mods = mods});
        for (uint32_t cp = 0; cp < 0x80; cp++) {
            if ((mods & MOD_CTRL) && cp >= 'A' && cp <= 'Z')
                continue;
            round_trip((KeyEvent){.code = KC_CHAR, .cp = cp, .mods = mods});
        }
        for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
            round_trip((KeyEvent){.code = KC_CHAR, .cp = extra[i], .mods = mods});
    }
}

int main(void)
{
    RUN(test_describe);
    RUN(test_parse);
    RUN(test_round_trip);
    return harness_done();
}
