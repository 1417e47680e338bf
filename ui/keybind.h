/* Key bindings: what a key does in each mode (keys_command), and its name (keys_describe).
 * ui/keys.h includes this header, so users of the decoder see the bindings too; this one
 * needs only the name of KeyEvent (defined in ui/keys.h). */
#ifndef FLINT_UI_KEYBIND_H
#define FLINT_UI_KEYBIND_H

#include <stddef.h>

#include "ui/key.h"
#include "ui/key_name.h"

/* What a key does. Bindings depend on the mode the app is in. */
typedef enum Command {
    CMD_NONE,
    CMD_INSERT,          /* the key's character */
    CMD_PASTE,
    CMD_NEWLINE,
    CMD_TAB,
    CMD_BACKSPACE,
    CMD_DELETE,
    CMD_LEFT, CMD_RIGHT, CMD_UP, CMD_DOWN,
    CMD_WORD_LEFT, CMD_WORD_RIGHT,
    CMD_HOME, CMD_END, CMD_PAGE_UP, CMD_PAGE_DOWN, CMD_TOP, CMD_BOTTOM,
    CMD_SAVE,            /* Ctrl-S */
    CMD_QUIT,            /* Ctrl-Q */
    CMD_UNDO,            /* Ctrl-Z */
    CMD_REDO,            /* Ctrl-Y */
    CMD_ASK,             /* Ctrl-K: open the ask prompt */
    CMD_INTERRUPT,       /* Esc, Ctrl-G or Ctrl-C */
    CMD_CANCEL,          /* Esc in the prompt / a confirmation */
    CMD_SUBMIT,          /* Enter in the prompt */
    CMD_HISTORY_PREV, CMD_HISTORY_NEXT,
    CMD_MODEL_SCROLL_UP,   /* Alt-Up / Alt-PgUp: scroll the model pane back */
    CMD_MODEL_SCROLL_DOWN,
    CMD_MODEL_FOLLOW,      /* Alt-End: follow the tail again */
    CMD_REDRAW,          /* Ctrl-L */
    CMD_HELP,            /* F1 */
    CMD_RETRY,           /* F5: ask the last question again (after a stall, an interrupt...) */
} Command;

typedef enum KeyMode { KEYMODE_EDIT, KEYMODE_PROMPT } KeyMode;

Command keys_command(KeyMode mode, const KeyEvent *k);

#endif
