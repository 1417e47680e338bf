/* Modes: what the keyboard is talking to. An AppMode is the app's state (the editor, the ask
 * prompt, the Save As prompt, the "save changes?" question); each has one key table
 * (KeyMode): the two prompts share one, since they edit the same line. Commands say in which
 * AppModes they work (a bit set, MODE_BIT). Vocabulary only, so that the state, the command
 * table and the key tables can all name modes without including each other. */
#ifndef FLINT_APP_MODE_H
#define FLINT_APP_MODE_H

typedef enum AppMode { MODE_EDIT, MODE_ASK, MODE_SAVE_AS, MODE_CONFIRM_QUIT, MODE_COUNT } AppMode;

#define MODE_BIT(m) (1u << (m))
#define MODES_PROMPT (MODE_BIT(MODE_ASK) | MODE_BIT(MODE_SAVE_AS))

typedef enum KeyMode { KEYS_EDIT, KEYS_PROMPT, KEYS_CONFIRM, KEYS_COUNT } KeyMode;

static inline KeyMode mode_key_table(AppMode m)
{
    return m == MODE_EDIT ? KEYS_EDIT : m == MODE_CONFIRM_QUIT ? KEYS_CONFIRM : KEYS_PROMPT;
}

#endif
