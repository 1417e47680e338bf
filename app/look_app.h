/* Look app: the theme and layout the user chose in the app, remembered across sessions
 * (session/look.h's file, AppConfig.look_path).
 *
 *   - At start (look_app_load, before the theme is chosen): the file is read. Its theme
 *     applies only when nothing chose one (no --theme, no "theme" in the settings, not even
 *     "auto"): an explicit choice always wins. Its layout (side by side / stacked / by width,
 *     the split, swapped) is applied once the Ui exists (look_app_apply_layout); no setting
 *     names a layout, so the remembered one always applies. A missing file is normal; a
 *     damaged or unreadable one, or a theme that is not a built-in, is one note (status line
 *     and stderr, "look.conf:2: ...; the remembered look is ignored") and flint goes on.
 *   - On a change (look_app_save: Enter in the Alt-T list, Alt-< Alt-> and the divider's drag
 *     once released, Alt-L, Alt-S, Alt-=): the whole look is written again. Zoom is momentary
 *     and never written. The theme written is the one chosen with Alt-T (or the remembered
 *     one): a theme picked by OSC 11 or set in the settings is never frozen into the file.
 *     A save that fails (a read-only state directory) is said once a session; flint goes on.
 * Errors: none returned (see above). */
#ifndef FLINT_APP_LOOK_APP_H
#define FLINT_APP_LOOK_APP_H

#include <stdbool.h>

#include "core/strbuf.h"

struct App;

/* Reads the file at path (NULL: none is kept, nothing is written). Returns the remembered
 * theme's name when it applies (not theme_overridden: no theme in the settings nor --theme;
 * the App keeps the name), else NULL. Notes the problems in notes (and on stderr). */
const char *look_app_load(struct App *a, const char *path, bool theme_overridden,
                          StrBuf *notes);
/* The remembered layout into the Ui (after ui_new). */
void look_app_apply_layout(struct App *a);
/* The look now (theme_chosen: the theme Alt-T chose, or NULL to keep the remembered one) to
 * the file. False when it could not be written (told once). */
bool look_app_save(struct App *a, const char *theme_chosen);
/* Would the remembered theme be overridden at the next start (the settings or --theme)? */
bool look_app_theme_overridden(const struct App *a);

#endif
