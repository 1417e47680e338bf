/* Palette (see palette.h): colour depth -> colour numbers and attributes. Moved here from
 * ui/term.c so that every mode can be tested without a terminal. */
#include "themes/palette.h"

#include <string.h>
#include <strings.h>

ColourMode colour_mode_pick(int colors, bool direct, bool no_color)
{
    if (no_color || colors < 8)
        return COLOUR_MONO;
    if (direct || colors >= 0x1000000)
        return COLOUR_DIRECT;
    if (colors >= 256)
        return COLOUR_256;
    if (colors >= 16)
        return COLOUR_16;
    return COLOUR_8;
}

const char *colour_mode_name(ColourMode mode)
{
    switch (mode) {
    case COLOUR_DIRECT: return "truecolor";
    case COLOUR_256: return "256";
    case COLOUR_16: return "16";
    case COLOUR_8: return "8";
    case COLOUR_MONO: return "mono";
    }
    return "?";
}

bool colour_env_truecolor(const char *colorterm)
{
    return colorterm && (strcasecmp(colorterm, "truecolor") == 0 ||
                         strcasecmp(colorterm, "24bit") == 0);
}

static int map_colour(Color c, bool is_fg, ColourMode mode, int palette, uint8_t *extra)
{
    if (c.kind == COLOR_DEFAULT)
        return -1;
    switch (mode) {
    case COLOUR_DIRECT: {
        int idx = c.kind == COLOR_ANSI16 ? (c.index & 15) : c.kind == COLOR_INDEX256 ? c.index : -1;
        if (idx >= 0 && idx < palette)
            return idx; /* the user's palette */
        uint8_t rgb[3]; /* beyond it, xterm's default palette as RGB */
        color_rgb(c, rgb);
        int v = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
        if (v < palette)
            v |= 0x010000; /* would read as a palette index: nudge red by 1/255 */
        return v;
    }
    case COLOUR_256: return color_to_256(c);
    case COLOUR_16: return color_to_16(c);
    case COLOUR_8: {
        int i = color_to_16(c);
        if (i >= 8) { /* bright colours are bold on 8-colour terminals */
            i -= 8;
            if (is_fg)
                *extra |= ATTR_BOLD;
        }
        return i;
    }
    case COLOUR_MONO: break;
    }
    return -1;
}

PaletteEntry palette_map(const Style *s, ColourMode mode, int palette)
{
    PaletteEntry e = {.coloured = false, .fg = -1, .bg = -1, .attrs = s->attrs};
    if (mode == COLOUR_MONO) {
        /* Attributes only: a slot drawn on a background colour (a status bar, a match)
         * would vanish, so it becomes reverse video. */
        if (s->bg.kind != COLOR_DEFAULT)
            e.attrs |= ATTR_REVERSE;
        return e;
    }
    uint8_t extra = 0;
    e.coloured = true;
    e.fg = map_colour(s->fg, true, mode, palette, &extra);
    e.bg = map_colour(s->bg, false, mode, palette, &extra);
    e.attrs |= extra;
    return e;
}

int colour_lightness(const uint8_t rgb[3])
{
    /* Rec. 709 weights on the (gamma-encoded) values: close enough to tell dark from light. */
    return (2126 * rgb[0] + 7152 * rgb[1] + 722 * rgb[2]) / 2550;
}

bool colour_is_light(const uint8_t rgb[3]) { return colour_lightness(rgb) > 500; }
