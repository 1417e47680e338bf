/* Config: the settings file -> what flint starts with (session/settings.h parses it; this
 * file finds it, reports on it and applies it).
 *
 *   file      --config FILE, else $XDG_CONFIG_HOME/flint/config.json, else
 *             ~/.config/flint/config.json (settings_default_path); a missing default file is
 *             no error, a missing named one is (exit 2)
 *   theme     a name (themes/NAME.theme: installed share/flint/themes, then the source tree's
 *             themes/) or a path; --theme wins over the file
 *   keys      bindings per key mode (app/keymap.h), checked against the command table
 *   editor    tab_width and expand_tabs, set on the buffer
 *   providers, provider   resolved by app/providers.h (main.c: --provider, --list-providers)
 *
 * Problems never stop flint: a broken file ("PATH:LINE: message") leaves the defaults, an
 * unknown setting, key or command is skipped; each is printed on stderr and collected in a
 * notes text (one per line) whose first line the status line shows at start. */
#ifndef FLINT_APP_CONFIG_H
#define FLINT_APP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "session/settings.h"

typedef struct App App;

/* Loads named (or, when NULL, the default file) into *s (initialised). False only for a
 * named file that cannot be opened (told on stderr); every other problem goes to stderr and
 * notes. */
bool config_load(const char *named, Settings *s, StrBuf *notes);
/* A theme name or path -> a readable file's path. False when a name is found nowhere. */
bool config_theme_path(const char *theme, char *out, size_t size);
/* Builds a->keymap: the defaults plus the settings' keys (warnings to stderr and notes). */
void config_apply_keys(App *a, const Settings *s, StrBuf *notes);
/* The message at start: the first line of notes (configuration problems, "and N more"),
 * else the keys to begin with, as the key table has them. */
void app_greet(App *a, const char *notes);

#endif
