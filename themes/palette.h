/* Palette: how a terminal's colour depth turns a theme's Style into what curses is given.
 *
 * ColourMode is what the terminal can show: direct colour (24-bit, #rrggbb as is), the 256
 * palette, 16 or 8 ANSI colours, or monochrome (attributes only: NO_COLOR, a terminal without
 * colours). palette_map() maps one Style in a mode to a foreground and background colour
 * number (-1: the terminal's own default, as use_default_colors gives it) and the attributes
 * to draw with; it never fails and every number it returns is valid in that mode:
 *   direct  palette indexes below `palette` (the user's own colours), else 0xRRGGBB
 *   256     0-255       16  0-15       8  0-7 (a bright foreground becomes bold)
 *   mono    no colours (coloured = false); a style with a background colour (a bar, a
 *           match) becomes reverse video, so it still stands out.
 * colour_mode_pick() decides the mode from terminfo's numbers and the environment; pure, so
 * tests give it any terminal. Errors: none. */
#ifndef FLINT_THEMES_PALETTE_H
#define FLINT_THEMES_PALETTE_H

#include <stdbool.h>
#include <stdint.h>

#include "themes/theme.h"

typedef enum ColourMode {
    COLOUR_MONO,
    COLOUR_8,
    COLOUR_16,
    COLOUR_256,
    COLOUR_DIRECT,
} ColourMode;

typedef struct PaletteEntry {
    bool coloured;  /* false: draw with attrs only (no pair) */
    int fg, bg;     /* colour numbers in the mode; -1: the terminal's default */
    uint8_t attrs;  /* ATTR_* to draw with (the style's, plus bold/reverse the mode adds) */
} PaletteEntry;

/* colors: terminfo's `colors` (-1 or 0: none); direct: terminfo says direct colour (the RGB
 * or Tc flag, or colors >= 2^24); no_color: NO_COLOR is set and not empty (no-color.org). */
ColourMode colour_mode_pick(int colors, bool direct, bool no_color);
const char *colour_mode_name(ColourMode mode); /* "truecolor", "256", "16", "8", "mono" */
/* True when $COLORTERM asks for 24-bit colour ("truecolor" or "24bit"). */
bool colour_env_truecolor(const char *colorterm);

/* palette: in COLOUR_DIRECT, how many low numbers the terminal takes as palette indexes
 * (xterm-direct: 8; see ui/term.c); ignored in other modes. */
PaletteEntry palette_map(const Style *s, ColourMode mode, int palette);

/* Perceived lightness of an RGB colour, 0-1000 (relative luminance, sRGB weights), and
 * whether a background of that colour is light (a light theme reads better on it). */
int colour_lightness(const uint8_t rgb[3]);
bool colour_is_light(const uint8_t rgb[3]);

#endif
