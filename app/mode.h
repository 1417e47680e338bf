/* Modes: what the keyboard is talking to. An AppMode is the app's state (the editor, the ask
 * prompt, the Save As prompt, the "save changes?" question, the search flows of
 * app/search_ui.h: the search, replace and go-to-line prompts and the per-match "Replace?"
 * question, and those of several files: the open prompt, the close and swap questions, the
 * buffer list; flint --resume's list of earlier conversations; and those of using the answer:
 * the focused answer pane, its search prompt, the export prompt); each has one key table
 * (KeyMode): every prompt shares one, since they edit the same line. Commands say in which
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
    /* several files (app/buffers.c, app/swap_app.c) */
    MODE_OPEN,            /* the Ctrl-O prompt */
    MODE_CONFIRM_CLOSE,   /* "save changes before closing?" */
    MODE_BUFFER_LIST,     /* the Alt-B list */
    MODE_SWAP,            /* "swap file found: recover, diff, delete?" */
    MODE_RESUME_LIST,     /* flint --resume: the earlier conversations (app/journal_app.c) */
    MODE_MODEL_LIST,      /* F8: models and providers (app/model_pick.c) */
    MODE_THEME_LIST,      /* Alt-T: the themes (app/theme_app.c) */
    /* using the answer (app/answer_ui.h) */
    MODE_ANSWER,          /* the answer pane has the focus (its caret, copy, insert) */
    MODE_ANSWER_SEARCH,   /* Ctrl-F there: the incremental search prompt over the answer */
    MODE_EXPORT,          /* the export prompt: the Markdown file's name */
    /* the model's proposed edits (app/hunks_app.h) */
    MODE_REVIEW,          /* Ctrl-R: y/n/a/r per hunk */
    MODE_COUNT
} AppMode;

#define MODE_BIT(m) (1u << (m))
#define MODES_SEARCH_PROMPT                                                                 \
    (MODE_BIT(MODE_SEARCH) | MODE_BIT(MODE_REPLACE_FIND) | MODE_BIT(MODE_REPLACE_WITH) |   \
     MODE_BIT(MODE_GOTO))
#define MODES_PROMPT                                                                        \
    (MODE_BIT(MODE_ASK) | MODE_BIT(MODE_SAVE_AS) | MODE_BIT(MODE_OPEN) | MODES_SEARCH_PROMPT |  \
     MODE_BIT(MODE_ANSWER_SEARCH) | MODE_BIT(MODE_EXPORT))

typedef enum KeyMode {
    KEYS_EDIT,
    KEYS_PROMPT,
    KEYS_CONFIRM,
    KEYS_REPLACE,
    KEYS_LIST,
    KEYS_ANSWER, /* the focused answer pane */
    KEYS_REVIEW,
    KEYS_COUNT
} KeyMode;

/* The questions (quit, close, swap) share the confirm table; any key they do not bind
 * cancels them. */
static inline KeyMode mode_key_table(AppMode m)
{
    switch (m) {
    case MODE_EDIT: return KEYS_EDIT;
    case MODE_CONFIRM_QUIT:
    case MODE_CONFIRM_CLOSE:
    case MODE_SWAP: return KEYS_CONFIRM;
    case MODE_REPLACE_CONFIRM: return KEYS_REPLACE;
    case MODE_BUFFER_LIST:
    case MODE_RESUME_LIST:
    case MODE_MODEL_LIST: return KEYS_LIST;
    case MODE_THEME_LIST: return KEYS_LIST;
    case MODE_ANSWER: return KEYS_ANSWER;
    case MODE_REVIEW: return KEYS_REVIEW;
    default: return KEYS_PROMPT;
    }
}

#endif
