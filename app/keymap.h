/* Keymap: the key bindings, one table per KeyMode (editor, prompt, quit question, replace
 * question), as data:
 * {"Ctrl-K", "ask"}, {"Esc", "interrupt"}, ... The defaults are in app/keymap.c; the settings
 * file's `keys` add to them and replace them (settings_load, session/settings.h), and the F1
 * help is written from them, so a rebinding shows there.
 *
 * Why in app/ and not ui/: a binding names a command, and the commands (app/commands.h) are
 * the app's; ui/ owns only what a key is and what it is called (ui/key.h, ui/key_name.h).
 *
 * Lookup: the key as pressed; else without Shift; then, for a key that is not a character,
 * with Ctrl alone, with Alt alone, and bare (Ctrl-Up moves like Up unless Ctrl-Up is bound).
 * A character with Ctrl or Alt never falls back to the character itself (Alt-x is not x).
 *
 * Errors: keymap_apply is tier 3 in the settings' way: every binding it cannot use becomes a
 * "PATH:LINE: ..." warning and is skipped; the rest apply. */
#ifndef FLINT_APP_KEYMAP_H
#define FLINT_APP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "app/commands.h"
#include "app/mode.h"
#include "core/strbuf.h"
#include "session/settings.h"
#include "ui/key.h"

typedef struct KeyBinding {
    KeyEvent key;           /* code, cp, mods */
    const Command *command;
    bool hidden;            /* an alias that help does not list (Ctrl-Alt-End) */
    int line;               /* the settings file's line; 0 for a default */
} KeyBinding;

typedef struct Keymap Keymap;

Keymap *keymap_new(void);        /* the default tables */
void keymap_free(Keymap *km);    /* accepts NULL */

/* The command bound to k in mode (see the header's lookup rule), or NULL. */
const Command *keymap_lookup(const Keymap *km, KeyMode mode, const KeyEvent *k);
/* Binds key to command in mode; an earlier binding of the same key there is replaced. */
void keymap_bind(Keymap *km, KeyMode mode, const KeyEvent *key, const Command *command,
                 bool hidden, int line);
/* Applies the settings file's bindings. Warnings ("PATH:LINE: unknown command 'x'", "unknown
 * key 'y'", "unknown key mode 'z'", "'cmd' does nothing in the prompt", "Ctrl-K is bound
 * twice in the editor (line 3); the later wins") go to warnings, one per line. Returns how
 * many warnings it wrote. */
size_t keymap_apply(Keymap *km, const Settings *s, StrBuf *warnings);

/* "edit", "prompt", "confirm", "replace" (the names the settings file uses). */
const char *keymap_mode_name(KeyMode m);
bool keymap_mode_from_name(const char *name, KeyMode *out);

/* The bindings of a mode, for help and tests. */
size_t keymap_count(const Keymap *km, KeyMode mode);
const KeyBinding *keymap_binding(const Keymap *km, KeyMode mode, size_t i);
/* The first key listed for the command in mode ("Ctrl-K"); false when none is bound. */
bool keymap_key_for(const Keymap *km, KeyMode mode, const char *command, char *out, size_t size);
/* The F1 overlay's text: the editor's commands (not the CMD_BASIC ones) with their keys. */
void keymap_help(const Keymap *km, StrBuf *out);

#endif
