/* Key bindings: what a KeyEvent means in each mode (keys_command), and its name for the help
 * text and tests (keys_describe).
 *
 * The bindings are pure switch tables, one set per KeyMode: the editor (KEYMODE_EDIT) and the
 * ask prompt / confirmations (KEYMODE_PROMPT). Ctrl + a letter arrives from the decoder as the
 * lower-case letter with MOD_CTRL, so the Ctrl tables switch on 'a'..'z'; a character with Alt
 * is bound to nothing (and never typed as text). Names follow menus and help texts: "Ctrl-K",
 * "Alt-x", "PgDn", "Ctrl-Shift-Right"; a character that cannot be shown is named U+XXXX. */
#include "ui/keybind.h"


static Command edit_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 's': return CMD_SAVE;
    case 'q': return CMD_QUIT;
    case 'z': return CMD_UNDO;
    case 'y': return CMD_REDO;
    case 'k': return CMD_ASK;
    case 'g': return CMD_INTERRUPT;
    case 'c': return CMD_INTERRUPT; /* what Codex and shells taught; never quits (Ctrl-Q does) */
    case 'l': return CMD_REDRAW;
    case 'h': return CMD_BACKSPACE; /* Ctrl-H from a kitty-protocol terminal */
    default: return CMD_NONE;
    }
}

static Command prompt_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 'g': return CMD_INTERRUPT;
    case 'c': return CMD_INTERRUPT;
    case 'a': return CMD_HOME;
    case 'e': return CMD_END;
    case 'q': return CMD_QUIT;
    case 'l': return CMD_REDRAW;
    case 'h': return CMD_BACKSPACE;
    case 's': return CMD_SAVE; /* in the Save As a read-only file opens: save it anyway */
    default: return CMD_NONE;
    }
}

static Command edit_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return edit_ctrl_char(k->cp);
        return (ctrl || alt) ? CMD_NONE : CMD_INSERT;
    case KC_PASTE: return CMD_PASTE;
    case KC_ENTER: return CMD_NEWLINE;
    case KC_TAB: return (k->mods & MOD_SHIFT) ? CMD_NONE : CMD_TAB;
    case KC_BACKSPACE: return CMD_BACKSPACE;
    case KC_DELETE: return CMD_DELETE;
    case KC_UP: return alt ? CMD_MODEL_SCROLL_UP : CMD_UP;
    case KC_DOWN: return alt ? CMD_MODEL_SCROLL_DOWN : CMD_DOWN;
    case KC_LEFT: return ctrl ? CMD_WORD_LEFT : CMD_LEFT;
    case KC_RIGHT: return ctrl ? CMD_WORD_RIGHT : CMD_RIGHT;
    case KC_HOME: return ctrl ? CMD_TOP : CMD_HOME;
    case KC_END: return alt ? CMD_MODEL_FOLLOW : ctrl ? CMD_BOTTOM : CMD_END;
    case KC_PAGE_UP: return alt ? CMD_MODEL_SCROLL_UP : CMD_PAGE_UP;
    case KC_PAGE_DOWN: return alt ? CMD_MODEL_SCROLL_DOWN : CMD_PAGE_DOWN;
    case KC_ESC: return CMD_INTERRUPT;
    case KC_F1: return CMD_HELP;
    case KC_F5: return CMD_RETRY; /* F5, "reload" everywhere; Ctrl-R is kept for hunks */
    default: return CMD_NONE;
    }
}

static Command prompt_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return prompt_ctrl_char(k->cp);
        return (ctrl || alt) ? CMD_NONE : CMD_INSERT;
    case KC_PASTE: return CMD_PASTE;
    case KC_ENTER: return CMD_SUBMIT;
    case KC_ESC: return CMD_CANCEL;
    case KC_BACKSPACE: return CMD_BACKSPACE;
    case KC_DELETE: return CMD_DELETE;
    case KC_LEFT: return CMD_LEFT;
    case KC_RIGHT: return CMD_RIGHT;
    case KC_HOME: return CMD_HOME;
    case KC_END: return CMD_END;
    case KC_UP: return CMD_HISTORY_PREV;
    case KC_DOWN: return CMD_HISTORY_NEXT;
    default: return CMD_NONE;
    }
}

Command keys_command(KeyMode mode, const KeyEvent *k)
{
    return mode == KEYMODE_PROMPT ? prompt_command(k) : edit_command(k);
}
