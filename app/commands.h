/* Commands: everything a key can do, as one table (in the spirit of dte's cmds[] and tmux's
 * cmd_entry). An entry is {name, the modes it works in, flags, handler, one line of help};
 * key tables (app/keymap.h) and the settings file name commands by `name`, the help overlay
 * and the README show `help`. A new command is one entry and one handler here.
 *
 * Typed text and pastes are not commands: they are the default action of the text modes
 * (commands_default), so the tables only hold keys that do something else. In the "save
 * changes?" question the default action is "cancel".
 *
 * Handlers take the key that ran them (NULL when run by name) and act on the App through
 * app/questions.h, app/saving.h, app/screen.h and the Ui; none of them calls net/ directly. */
#ifndef FLINT_APP_COMMANDS_H
#define FLINT_APP_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/mode.h"
#include "ui/key.h"

typedef struct App App;

enum {
    CMD_KEEP_MESSAGE = 1u << 0, /* running it leaves the status line's message alone */
    CMD_BASIC = 1u << 1,        /* plain editing (moves, deletes): not listed by F1 */
};

typedef struct Command {
    const char *name;      /* "save", "model-scroll-up": lower case, words joined by '-' */
    unsigned modes;        /* MODE_BIT(AppMode) set: where it works */
    unsigned flags;        /* CMD_* */
    void (*run)(App *a, const KeyEvent *k);
    const char *help;      /* one line, lower case, no full stop */
} Command;

/* The table, in the order help lists it. */
const Command *commands_all(size_t *n);
/* NULL for an unknown name. */
const Command *command_find(const char *name);
bool command_works_in(const Command *c, AppMode m);
/* The mode's default action for a key no usable command is bound to: type it or paste it
 * (editor, prompts; only a character without Ctrl or Alt is typed), or cancel (the quit
 * question). True when it typed or pasted something. */
bool commands_default(App *a, const KeyEvent *k);

#endif
