/* Modes: what the keyboard is talking to. An AppMode is the app's state (the editor, the ask
 * prompt, the Save As prompt, the "save changes?" question); each has one key table
 * (KeyMode): the two prompts share one, since they edit the same line. Commands say in which
 * AppModes they work (a bit set, MODE_BIT). Vocabulary only, so that the state, the command
 * table and the key tables can all name modes without including each other. */
#ifndef FLINT_APP_MODE_H
#define FLINT_APP_MODE_H

typedef enum AppMode {
    MODE_EDIT, MODE_ASK, MODE_SAVE_AS, MODE_CONFIRM_QUIT,
    /* several files (app/buffers.c, app/swap_app.c) */
    MODE_OPEN,          /* the Ctrl-O prompt */
    MODE_CONFIRM_CLOSE, /* "save changes before closing?" */
    MODE_BUFFER_LIST,   /* the Alt-B list */
    MODE_SWAP,          /* "swap file found: recover, diff, delete?" */
    MODE_COUNT
} AppMode;

#define MODE_BIT(m) (1u << (m))
#define MODES_PROMPT (MODE_BIT(MODE_ASK) | MODE_BIT(MODE_SAVE_AS) | MODE_BIT(MODE_OPEN))

typedef enum KeyMode { KEYS_EDIT, KEYS_PROMPT, KEYS_CONFIRM, KEYS_LIST, KEYS_COUNT } KeyMode;

/* The questions (quit, close, swap) share the confirm table; any key they do not bind
 * cancels them. */
static inline KeyMode mode_key_table(AppMode m)
{
    switch (m) {
    case MODE_EDIT: return KEYS_EDIT;
    case MODE_CONFIRM_QUIT:
    case MODE_CONFIRM_CLOSE:
    case MODE_SWAP: return KEYS_CONFIRM;
    case MODE_BUFFER_LIST: return KEYS_LIST;
    default: return KEYS_PROMPT;
    }
}

#endif
