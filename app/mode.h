/* Modes: what the keyboard is talking to. An AppMode is the app's state (the editor, the ask
 * prompt, the Save As prompt, the "save changes?" question, and the search flows of
 * app/search_ui.h: the search, replace and go-to-line prompts and the per-match "Replace?"
 * question); each has one key table (KeyMode): every prompt shares one, since they edit the
 * same line. Commands say in which
 * AppModes they work (a bit set, MODE_BIT). Vocabulary only, so that the state, the command
 * table and the key tables can all name modes without including each other. */
#ifndef FLINT_APP_MODE_H
#define FLINT_APP_MODE_H

typedef enum AppMode {
    MODE_EDIT,
    MODE_ASK,
    MODE_SAVE_AS,
    MODE_CONFIRM_QUIT,
    /* search (app/search_ui.h) */
    MODE_SEARCH,          /* Ctrl-F: the incremental search prompt */
    MODE_REPLACE_FIND,    /* Ctrl-\: the pattern to replace */
    MODE_REPLACE_WITH,    /* ... then the replacement */
    MODE_REPLACE_CONFIRM, /* ... then "Replace? (y)es (n)o (a)ll (Esc) stop" per match */
    MODE_GOTO,            /* Alt-G: the line (and column) to go to */
    MODE_COUNT
} AppMode;

#define MODE_BIT(m) (1u << (m))
#define MODES_SEARCH_PROMPT                                                                 \
    (MODE_BIT(MODE_SEARCH) | MODE_BIT(MODE_REPLACE_FIND) | MODE_BIT(MODE_REPLACE_WITH) |   \
     MODE_BIT(MODE_GOTO))
#define MODES_PROMPT (MODE_BIT(MODE_ASK) | MODE_BIT(MODE_SAVE_AS) | MODES_SEARCH_PROMPT)

typedef enum KeyMode { KEYS_EDIT, KEYS_PROMPT, KEYS_CONFIRM, KEYS_REPLACE, KEYS_COUNT } KeyMode;

static inline KeyMode mode_key_table(AppMode m)
{
    return m == MODE_EDIT              ? KEYS_EDIT
           : m == MODE_CONFIRM_QUIT    ? KEYS_CONFIRM
           : m == MODE_REPLACE_CONFIRM ? KEYS_REPLACE
                                       : KEYS_PROMPT;
}

#endif
