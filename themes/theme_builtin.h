/* Built-in themes: compiled into flint, so they need no file and are always there to choose
 * from (the settings' "theme", --theme, and the theme list while running, Alt-T).
 *
 *   dark             the default on a dark background: #rrggbb colours (nearest fallbacks on
 *                    256/16/8-colour terminals), text on the terminal's own fg/bg
 *   light            the default on a light background (themes/light.theme as data)
 *   solarized-dark   Solarized accents over base0 text (for a base03 terminal background)
 *   solarized-light  Solarized accents over base00 text (for a base3 terminal background)
 *   high-contrast    white, black and saturated colours, bold where it helps (dark background)
 *   terminal         only the 16 ANSI colours and the default fg/bg: the user's own palette
 *                    shows through (theme_default(), themes/default.theme)
 *
 * A built-in theme is parsed over theme_default(), so a slot added later that a built-in does
 * not name keeps the terminal theme's style. Errors: none (a test parses every one). */
#ifndef FLINT_THEMES_THEME_BUILTIN_H
#define FLINT_THEMES_THEME_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>

#include "themes/theme.h"

#define THEME_AUTO_DARK "dark"
#define THEME_AUTO_LIGHT "light"

size_t theme_builtin_count(void);
/* The i-th built-in's name (list order); NULL past the end. */
const char *theme_builtin_name(size_t i);
/* Fills *out with the built-in theme of that name; false (and *out untouched) when there is
 * none. "default" is not one: the app takes it for dark-or-light by the background
 * (app/theme_app.h); it used to name the terminal theme, which theme_default() still is. */
bool theme_builtin(const char *name, Theme *out);

#endif
