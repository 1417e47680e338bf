/* Key bindings and names: keys_command in the editor and the prompt, for every bound key and
 * a few that are bound to nothing; the same from raw bytes through the decoder; keys_describe
 * as the help text writes keys ("Ctrl-K", "Alt-PgUp"), truncated safely. */
#include <stdint.h>

#include "harness.h"
#include "keys_support.h"
#include "ui/keys.h"

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

static Command cmd(KeyMode m, KeyCode code, uint32_t cp, unsigned mods)
{
    KeyEvent k = {.code = code, .cp = cp, .mods = mods};
    return keys_command(m, &k);
}

static void test_bindings_edit(void)
{
    const KeyMode E = KEYMODE_EDIT;
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'a', 0), CMD_INSERT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'A', MOD_SHIFT), CMD_INSERT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 0x4E2D, 0), CMD_INSERT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'x', MOD_ALT), CMD_NONE);
    CHECK_INT_EQ(cmd(E, KC_PASTE, 0, 0), CMD_PASTE);
    CHECK_INT_EQ(cmd(E, KC_ENTER, 0, 0), CMD_NEWLINE);
    CHECK_INT_EQ(cmd(E, KC_TAB, 0, 0), CMD_TAB);
    CHECK_INT_EQ(cmd(E, KC_BACKSPACE, 0, 0), CMD_BACKSPACE);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'h', MOD_CTRL), CMD_BACKSPACE);
    CHECK_INT_EQ(cmd(E, KC_DELETE, 0, 0), CMD_DELETE);
    CHECK_INT_EQ(cmd(E, KC_UP, 0, 0), CMD_UP);
    CHECK_INT_EQ(cmd(E, KC_DOWN, 0, 0), CMD_DOWN);
    CHECK_INT_EQ(cmd(E, KC_LEFT, 0, 0), CMD_LEFT);
    CHECK_INT_EQ(cmd(E, KC_RIGHT, 0, 0), CMD_RIGHT);
    CHECK_INT_EQ(cmd(E, KC_LEFT, 0, MOD_CTRL), CMD_WORD_LEFT);
    CHECK_INT_EQ(cmd(E, KC_RIGHT, 0, MOD_CTRL), CMD_WORD_RIGHT);
    CHECK_INT_EQ(cmd(E, KC_HOME, 0, 0), CMD_HOME);
    CHECK_INT_EQ(cmd(E, KC_END, 0, 0), CMD_END);
    CHECK_INT_EQ(cmd(E, KC_PAGE_UP, 0, 0), CMD_PAGE_UP);
    CHECK_INT_EQ(cmd(E, KC_PAGE_DOWN, 0, 0), CMD_PAGE_DOWN);
    CHECK_INT_EQ(cmd(E, KC_HOME, 0, MOD_CTRL), CMD_TOP);
    CHECK_INT_EQ(cmd(E, KC_END, 0, MOD_CTRL), CMD_BOTTOM);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 's', MOD_CTRL), CMD_SAVE);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'q', MOD_CTRL), CMD_QUIT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'z', MOD_CTRL), CMD_UNDO);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'y', MOD_CTRL), CMD_REDO);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'k', MOD_CTRL), CMD_ASK);
    CHECK_INT_EQ(cmd(E, KC_ESC, 0, 0), CMD_INTERRUPT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'g', MOD_CTRL), CMD_INTERRUPT);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'c', MOD_CTRL), CMD_INTERRUPT);
    CHECK_INT_EQ(cmd(E, KC_UP, 0, MOD_ALT), CMD_MODEL_SCROLL_UP);
    CHECK_INT_EQ(cmd(E, KC_PAGE_UP, 0, MOD_ALT), CMD_MODEL_SCROLL_UP);
    CHECK_INT_EQ(cmd(E, KC_DOWN, 0, MOD_ALT), CMD_MODEL_SCROLL_DOWN);
    CHECK_INT_EQ(cmd(E, KC_PAGE_DOWN, 0, MOD_ALT), CMD_MODEL_SCROLL_DOWN);
    CHECK_INT_EQ(cmd(E, KC_END, 0, MOD_ALT), CMD_MODEL_FOLLOW);
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'l', MOD_CTRL), CMD_REDRAW);
    CHECK_INT_EQ(cmd(E, KC_F1, 0, 0), CMD_HELP);
    CHECK_INT_EQ(cmd(E, KC_F5, 0, 0), CMD_RETRY); /* F5 */
    CHECK_INT_EQ(cmd(E, KC_CHAR, 'a', MOD_CTRL), CMD_NONE);
    CHECK_INT_EQ(cmd(E, KC_FOCUS_IN, 0, 0), CMD_NONE);
    CHECK_INT_EQ(cmd(E, KC_NONE, 0, 0), CMD_NONE);

    /* end to end from bytes: Alt-Up via ESC ESC [ A, Ctrl-Right, Ctrl-K */
    Evs e;
    run_whole("\033\033[A\033[1;5C\x0b", 11, false, &e);
    CHECK_INT_EQ(e.n, 3);
    KeyEvent k0 = {.code = e.ev[0].code, .mods = e.ev[0].mods};
    KeyEvent k1 = {.code = e.ev[1].code, .mods = e.ev[1].mods};
    KeyEvent k2 = {.code = e.ev[2].code, .cp = e.ev[2].cp, .mods = e.ev[2].mods};
    CHECK_INT_EQ(keys_command(E, &k0), CMD_MODEL_SCROLL_UP);
    CHECK_INT_EQ(keys_command(E, &k1), CMD_WORD_RIGHT);
    CHECK_INT_EQ(keys_command(E, &k2), CMD_ASK);
}

static void test_bindings_prompt(void)
{
    const KeyMode P = KEYMODE_PROMPT;
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'a', 0), CMD_INSERT);
    CHECK_INT_EQ(cmd(P, KC_PASTE, 0, 0), CMD_PASTE);
    CHECK_INT_EQ(cmd(P, KC_ENTER, 0, 0), CMD_SUBMIT);
    CHECK_INT_EQ(cmd(P, KC_ESC, 0, 0), CMD_CANCEL);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'g', MOD_CTRL), CMD_INTERRUPT);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'c', MOD_CTRL), CMD_INTERRUPT);
    CHECK_INT_EQ(cmd(P, KC_BACKSPACE, 0, 0), CMD_BACKSPACE);
    CHECK_INT_EQ(cmd(P, KC_DELETE, 0, 0), CMD_DELETE);
    CHECK_INT_EQ(cmd(P, KC_LEFT, 0, 0), CMD_LEFT);
    CHECK_INT_EQ(cmd(P, KC_RIGHT, 0, 0), CMD_RIGHT);
    CHECK_INT_EQ(cmd(P, KC_HOME, 0, 0), CMD_HOME);
    CHECK_INT_EQ(cmd(P, KC_END, 0, 0), CMD_END);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'a', MOD_CTRL), CMD_HOME);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'e', MOD_CTRL), CMD_END);
    CHECK_INT_EQ(cmd(P, KC_UP, 0, 0), CMD_HISTORY_PREV);
    CHECK_INT_EQ(cmd(P, KC_DOWN, 0, 0), CMD_HISTORY_NEXT);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'q', MOD_CTRL), CMD_QUIT);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'l', MOD_CTRL), CMD_REDRAW);
    /* Ctrl-S: the Save As a read-only file offers writes it anyway (the ask prompt ignores it). */
    CHECK_INT_EQ(cmd(P, KC_CHAR, 's', MOD_CTRL), CMD_SAVE);
    CHECK_INT_EQ(cmd(P, KC_CHAR, 'x', MOD_ALT), CMD_NONE);
    CHECK_INT_EQ(cmd(P, KC_F1, 0, 0), CMD_NONE);
    CHECK_INT_EQ(cmd(P, KC_F5, 0, 0), CMD_NONE);
}

int main(void)
{
    RUN(test_describe);
    RUN(test_bindings_edit);
    RUN(test_bindings_prompt);
    return harness_done();
}
