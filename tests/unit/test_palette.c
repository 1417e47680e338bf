/* Palette: the colour mode a terminal gets (colors, direct, NO_COLOR), and every built-in
 * theme's every slot mapped in every mode to colour numbers that mode can show (direct: a
 * palette index or 0xRRGGBB; 256: 0-255; 16: 0-15; 8: 0-7; mono: none, attributes only, a
 * background becomes reverse); the terminal theme uses only colours 0-15 and the default. */
#include <string.h>

#include "harness.h"
#include "themes/palette.h"
#include "themes/theme_builtin.h"

static void test_mode_pick(void)
{
    CHECK_INT_EQ(colour_mode_pick(256, false, false), COLOUR_256);
    CHECK_INT_EQ(colour_mode_pick(0x1000000, false, false), COLOUR_DIRECT);
    CHECK_INT_EQ(colour_mode_pick(256, true, false), COLOUR_DIRECT);
    CHECK_INT_EQ(colour_mode_pick(88, false, false), COLOUR_16);
    CHECK_INT_EQ(colour_mode_pick(16, false, false), COLOUR_16);
    CHECK_INT_EQ(colour_mode_pick(8, false, false), COLOUR_8);
    CHECK_INT_EQ(colour_mode_pick(2, false, false), COLOUR_MONO);
    CHECK_INT_EQ(colour_mode_pick(-1, false, false), COLOUR_MONO); /* vt100 */
    CHECK_INT_EQ(colour_mode_pick(0x1000000, true, true), COLOUR_MONO); /* NO_COLOR wins */
    CHECK_INT_EQ(colour_mode_pick(256, false, true), COLOUR_MONO);
    CHECK(colour_env_truecolor("truecolor"));
    CHECK(colour_env_truecolor("24bit"));
    CHECK(!colour_env_truecolor("256"));
    CHECK(!colour_env_truecolor(""));
    CHECK(!colour_env_truecolor(NULL));
    CHECK_STR_EQ(colour_mode_name(COLOUR_DIRECT), "truecolor");
    CHECK_STR_EQ(colour_mode_name(COLOUR_MONO), "mono");
}

static bool valid(int c, ColourMode mode, int palette)
{
    if (c == -1)
        return true;
    switch (mode) {
    case COLOUR_DIRECT: return (c >= 0 && c < palette) || (c >= palette && c <= 0xffffff);
    case COLOUR_256: return c >= 0 && c <= 255;
    case COLOUR_16: return c >= 0 && c <= 15;
    case COLOUR_8: return c >= 0 && c <= 7;
    case COLOUR_MONO: return false;
    }
    return false;
}

static void test_every_theme_every_mode(void)
{
    static const int palettes[] = {8, 16, 256};
    for (size_t i = 0; i < theme_builtin_count(); i++) {
        Theme t;
        CHECK(theme_builtin(theme_builtin_name(i), &t));
        for (int mode = COLOUR_MONO; mode <= COLOUR_DIRECT; mode++) {
            for (size_t p = 0; p < sizeof palettes / sizeof *palettes; p++) {
                for (int s = 0; s < STYLE__COUNT; s++) {
                    const Style *st = &t.slot[s];
                    PaletteEntry e = palette_map(st, (ColourMode)mode, palettes[p]);
                    /* attributes are kept, only ever added to */
                    CHECK((e.attrs & st->attrs) == st->attrs);
                    CHECK((e.attrs & ~(ATTR_BOLD | ATTR_DIM | ATTR_ITALIC | ATTR_UNDERLINE |
                                       ATTR_REVERSE)) == 0);
                    if (mode == COLOUR_MONO) {
                        CHECK(!e.coloured);
                        if (st->bg.kind != COLOR_DEFAULT)
                            CHECK(e.attrs & ATTR_REVERSE);
                        continue;
                    }
                    CHECK(e.coloured);
                    if (!valid(e.fg, (ColourMode)mode, palettes[p]) ||
                        !valid(e.bg, (ColourMode)mode, palettes[p])) {
                        fprintf(stderr, "%s %s mode %d: fg %d bg %d\n", t.name,
                                theme_slot_name((StyleSlot)s), mode, e.fg, e.bg);
                        CHECK(0);
                    }
                    CHECK((e.fg == -1) == (st->fg.kind == COLOR_DEFAULT));
                    CHECK((e.bg == -1) == (st->bg.kind == COLOR_DEFAULT));
                }
            }
        }
    }
}

/* The terminal theme: the user's palette shows through in every mode that has colours. */
static void test_terminal_theme_ansi_only(void)
{
    Theme t;
    CHECK(theme_builtin("terminal", &t));
    CHECK_STR_EQ(t.name, "terminal");
    for (int s = 0; s < STYLE__COUNT; s++) {
        const Style *st = &t.slot[s];
        CHECK(st->fg.kind == COLOR_DEFAULT || st->fg.kind == COLOR_ANSI16);
        CHECK(st->bg.kind == COLOR_DEFAULT || st->bg.kind == COLOR_ANSI16);
        for (int mode = COLOUR_16; mode <= COLOUR_DIRECT; mode++) {
            PaletteEntry e = palette_map(st, (ColourMode)mode, 16);
            CHECK(e.fg >= -1 && e.fg <= 15);
            CHECK(e.bg >= -1 && e.bg <= 15);
        }
        /* xterm-direct (8 palette entries): 0-7 as indexes; 8-15 as their RGB values */
        PaletteEntry e = palette_map(st, COLOUR_DIRECT, 8);
        if (st->fg.kind == COLOR_ANSI16 && st->fg.index < 8)
            CHECK_INT_EQ(e.fg, st->fg.index);
    }
}

static void test_mapping_details(void)
{
    Style s = {.fg = {.kind = COLOR_ANSI16, .index = 9}, .bg = {.kind = COLOR_RGB, .r = 0xfd, .g = 0xf6, .b = 0xe3}};
    PaletteEntry e = palette_map(&s, COLOUR_8, 0);
    CHECK_INT_EQ(e.fg, 1); /* bright red on 8 colours: red, bold */
    CHECK(e.attrs & ATTR_BOLD);
    CHECK(e.bg >= 0 && e.bg <= 7);
    e = palette_map(&s, COLOUR_DIRECT, 16);
    CHECK_INT_EQ(e.fg, 9);          /* the user's own palette entry */
    CHECK_INT_EQ(e.bg, 0xfdf6e3);   /* RGB as is */
    Style low = {.fg = {.kind = COLOR_RGB, .r = 0, .g = 0, .b = 5}};
    e = palette_map(&low, COLOUR_DIRECT, 8);
    CHECK_INT_EQ(e.fg, 0x010005);   /* would read as palette index 5: nudged */
    e = palette_map(&s, COLOUR_MONO, 0);
    CHECK(!e.coloured && (e.attrs & ATTR_REVERSE));
}

static void test_lightness(void)
{
    static const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0},
                         sol_light[3] = {0xfd, 0xf6, 0xe3}, sol_dark[3] = {0x00, 0x2b, 0x36},
                         grey_dark[3] = {0x30, 0x30, 0x30}, grey_light[3] = {0xd0, 0xd0, 0xd0};
    CHECK(colour_is_light(white) && colour_is_light(sol_light) && colour_is_light(grey_light));
    CHECK(!colour_is_light(black) && !colour_is_light(sol_dark) && !colour_is_light(grey_dark));
    CHECK_INT_EQ(colour_lightness(white), 1000);
    CHECK_INT_EQ(colour_lightness(black), 0);
}

int main(void)
{
    RUN(test_mode_pick);
    RUN(test_every_theme_every_mode);
    RUN(test_terminal_theme_ansi_only);
    RUN(test_mapping_details);
    RUN(test_lightness);
    return harness_done();
}
