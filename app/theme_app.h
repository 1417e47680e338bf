/* Theme app: which theme is used, and changing it while running.
 *
 *   - At start (theme_app_init): the settings' or --theme's theme, a built-in by name
 *     (themes/theme_builtin.h) or a .theme file (app/config.c finds it). With no theme set
 *     ("default", "auto" or none) flint starts with "dark" and asks the terminal for its
 *     background colour (OSC 11, sent with the kitty/DA1 queries by app/terminal_app.c after
 *     the first frame); if the answer is a light colour it switches to "light"
 *     (theme_app_background). A terminal that does not answer keeps "dark": nothing waits.
 *     On a terminal of 16 colours or fewer it takes "terminal" instead (theme_app_term_started).
 *   - Alt-T (command "theme") lists the built-in themes; moving the selection previews each
 *     one on the whole screen; Enter keeps it (and app/look_app.h remembers it for the next
 *     start, where the settings' or --theme's theme still wins), Esc puts the theme from
 *     before back. A choice made by hand is never overridden by a late OSC 11 answer.
 * Errors: none (a built-in theme always parses; a file's errors are app_build's). */
#ifndef FLINT_APP_THEME_APP_H
#define FLINT_APP_THEME_APP_H

#include <stdbool.h>

#include "core/error.h"
#include "core/strbuf.h"

struct App;

/* What the settings and the command line chose (AppConfig's theme_* fields). */
typedef struct ThemeChoice {
    const char *name;  /* a built-in theme, or NULL */
    const char *path;  /* a .theme file, or NULL */
    bool soft;         /* path came from the settings file: a failure is a note, not fatal */
    bool automatic;    /* none chosen: dark, or light on a light background */
} ThemeChoice;

/* Fills a->theme. False with a message when --theme names a file that cannot be loaded (a
 * settings-file theme that cannot: a note in notes, and the default). Nothing chosen at all
 * (automatic false, no name or path): the terminal theme (theme_default). */
bool theme_app_init(struct App *a, const ThemeChoice *choice, StrBuf *notes, ErrorBuf *err);
/* Once the terminal is started: with no theme set and 16 colours or fewer (where #rrggbb
 * colours collapse onto a few ANSI ones: dark's status bar would be white on black), the
 * terminal theme, which is made of those 16 and reads on dark and light alike; OSC 11's
 * answer then changes nothing. */
void theme_app_term_started(struct App *a);
/* After keys: acts once on OSC 11's answer (a->keys.replies.bg). */
void theme_app_background(struct App *a);
/* Alt-T: the list of themes (MODE_THEME_LIST), the current one selected. */
void theme_app_list_open(struct App *a);
/* Up / Down in a list: in the theme list, the theme under the selection is shown. */
void theme_app_list_moved(struct App *a);
/* Enter / Esc in the list: false when the theme list is not what is open. */
bool theme_app_list_choose(struct App *a);
bool theme_app_list_cancel(struct App *a);
/* Applies the built-in theme `name` now (the terminal re-sets its colours). False if there is
 * no such theme. */
bool theme_app_apply(struct App *a, const char *name);

#endif
