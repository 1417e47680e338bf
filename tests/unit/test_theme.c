/* Themes: the parser (every slot, comments, errors with file:line, commit only on success),
 * colour words, nearest 256/16-colour fallbacks, and the shipped theme files
 * (themes/default.theme must be the compiled-in theme_default()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "themes/theme.h"

#define THEMES_DIR FLINT_TEST_DATA "/../../themes"

static bool color_eq(Color a, Color b)
{
    return a.kind == b.kind && a.index == b.index && a.r == b.r && a.g == b.g && a.b == b.b;
}

static bool style_eq(Style a, Style b)
{
    return color_eq(a.fg, b.fg) && color_eq(a.bg, b.bg) && a.attrs == b.attrs;
}

static bool theme_eq(const Theme *a, const Theme *b)
{
    if (strcmp(a->name, b->name) != 0)
        return false;
    for (int s = 0; s < STYLE__COUNT; s++)
        if (!style_eq(a->slot[s], b->slot[s]))
            return false;
    return true;
}

static Color rgb(uint8_t r, uint8_t g, uint8_t b)
{
    return (Color){.kind = COLOR_RGB, .r = r, .g = g, .b = b};
}
static Color idx(uint8_t i) { return (Color){.kind = COLOR_INDEX256, .index = i}; }
static Color ansi(uint8_t i) { return (Color){.kind = COLOR_ANSI16, .index = i}; }
static const Color DEF = {.kind = COLOR_DEFAULT};

/* A theme whose every slot is something no theme file here uses. */
static void junk_theme(Theme *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "junk");
    for (int s = 0; s < STYLE__COUNT; s++)
        t->slot[s] = (Style){.fg = rgb(1, 2, 3), .bg = rgb(4, 5, 6), .attrs = ATTR_DIM};
}

static bool parse(Theme *t, const char *text, ErrorBuf *err)
{
    return theme_parse(t, text, strlen(text), "x.theme", err);
}

static void test_slot_names(void)
{
    for (int s = 0; s < STYLE__COUNT; s++) {
        const char *n = theme_slot_name((StyleSlot)s);
        CHECK(n && *n && strcmp(n, "?") != 0);
        for (int o = 0; o < s; o++)
            CHECK(strcmp(n, theme_slot_name((StyleSlot)o)) != 0);
    }
    CHECK_STR_EQ(theme_slot_name(STYLE_GUTTER_CURRENT), "gutter-current");
    CHECK_STR_EQ(theme_slot_name(STYLE__COUNT), "?");
}

static void test_parse_all_slots(void)
{
    /* Every slot gets a distinct style: 256-index fg i, bg #0000ii, attrs cycling. */
    static const char *const attrs[] = {"bold", "dim", "italic", "underline", "reverse"};
    static const uint8_t bits[] = {ATTR_BOLD, ATTR_DIM, ATTR_ITALIC, ATTR_UNDERLINE, ATTR_REVERSE};
    char text[4096];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "# all slots\nname = every slot\n\n");
    for (int s = 0; s < STYLE__COUNT; s++)
        n += (size_t)snprintf(text + n, sizeof text - n, "  %s\t=  fg:%d bg:#0000%02x %s\n",
                              theme_slot_name((StyleSlot)s), 100 + s, s, attrs[s % 5]);
    Theme t;
    junk_theme(&t);
    ErrorBuf err = {{0}};
    CHECK(theme_parse(&t, text, n, "all.theme", &err));
    CHECK_STR_EQ(err.msg, "");
    CHECK_STR_EQ(t.name, "every slot");
    for (int s = 0; s < STYLE__COUNT; s++) {
        Style want = {.fg = idx((uint8_t)(100 + s)), .bg = rgb(0, 0, (uint8_t)s),
                      .attrs = bits[s % 5]};
        if (!style_eq(t.slot[s], want))
            fprintf(stderr, "slot %s differs\n", theme_slot_name((StyleSlot)s));
        CHECK(style_eq(t.slot[s], want));
    }
}

static void test_parse_details(void)
{
    Theme t;
    theme_default(&t);
    Theme before = t;
    ErrorBuf err = {{0}};
    /* comments after blanks, '#' colours, CRLF, several attributes, names of colours */
    CHECK(parse(&t,
                "# a comment\r\n"
                "status = fg:#D0d0d0 bg:236 bold underline # why: readable\r\n"
                "divider = fg:bright-black\n"
                "\t\n"
                "model-code=fg:green bg:default\n"
                "control = fg:magenta    bold\n"
                "prompt =\n",
                &err));
    CHECK(style_eq(t.slot[STYLE_STATUS], (Style){.fg = rgb(0xd0, 0xd0, 0xd0), .bg = idx(236),
                                                 .attrs = ATTR_BOLD | ATTR_UNDERLINE}));
    CHECK(style_eq(t.slot[STYLE_DIVIDER], (Style){.fg = ansi(8), .bg = DEF}));
    CHECK(style_eq(t.slot[STYLE_MODEL_CODE], (Style){.fg = ansi(2), .bg = DEF}));
    CHECK(style_eq(t.slot[STYLE_CONTROL], (Style){.fg = ansi(5), .attrs = ATTR_BOLD}));
    CHECK(style_eq(t.slot[STYLE_PROMPT], (Style){.fg = DEF, .bg = DEF}));
    /* unspecified slots keep their values, and so does the name */
    CHECK(style_eq(t.slot[STYLE_GUTTER], before.slot[STYLE_GUTTER]));
    CHECK(style_eq(t.slot[STYLE_MODEL_USER], before.slot[STYLE_MODEL_USER]));
    CHECK_STR_EQ(t.name, before.name);
    /* a slot line sets the whole style: "fg:red" clears the old bg and attributes */
    t.slot[STYLE_TEXT] = (Style){.fg = ansi(1), .bg = ansi(4), .attrs = ATTR_BOLD};
    CHECK(parse(&t, "text = fg:red", &err));
    CHECK(style_eq(t.slot[STYLE_TEXT], (Style){.fg = ansi(1), .bg = DEF}));
    /* the last line for a slot wins; empty text changes nothing */
    CHECK(parse(&t, "gutter = fg:1\ngutter = fg:2\n", &err));
    CHECK(color_eq(t.slot[STYLE_GUTTER].fg, idx(2)));
    Theme same = t;
    CHECK(theme_parse(&t, "", 0, "empty", &err));
    CHECK(theme_eq(&t, &same));
    /* text is taken by length: what lies past len is not read */
    CHECK(theme_parse(&t, "gutter = fg:3XXXX", 13, "x", &err));
    CHECK(color_eq(t.slot[STYLE_GUTTER].fg, idx(3)));
}

static void check_error(const char *text, const char *want_prefix, const char *want_part)
{
    Theme t;
    theme_default(&t);
    Theme before = t;
    ErrorBuf err = {{0}};
    bool ok = parse(&t, text, &err);
    CHECK(!ok);
    if (strncmp(err.msg, want_prefix, strlen(want_prefix)) != 0 || !strstr(err.msg, want_part))
        fprintf(stderr, "  text %s\n  error \"%s\"\n  want \"%s...%s\"\n", text, err.msg,
                want_prefix, want_part);
    CHECK(strncmp(err.msg, want_prefix, strlen(want_prefix)) == 0);
    CHECK(strstr(err.msg, want_part) != NULL);
    CHECK(theme_eq(&t, &before)); /* nothing committed */
}

static void test_parse_errors(void)
{
    check_error("status = bold\nbogus = fg:red\n", "x.theme:2: ", "unknown slot 'bogus'");
    check_error("# c\n\nstatus = fg:#12345\n", "x.theme:3: ", "bad colour 'fg:#12345'");
    check_error("status = fg:256\n", "x.theme:1: ", "bad colour");
    check_error("status = bg:bright-purple\n", "x.theme:1: ", "bad colour");
    check_error("status = bg:\n", "x.theme:1: ", "bad colour");
    check_error("status = fg:#gg0000\n", "x.theme:1: ", "bad colour");
    check_error("a = b\n", "x.theme:1: ", "unknown slot");
    check_error("text = bold\nstatus = blink\n", "x.theme:2: ", "unknown attribute 'blink'");
    check_error("status = fg: red\n", "x.theme:1: ", "bad colour");
    check_error("status\n", "x.theme:1: ", "expected");
    check_error("name =\n", "x.theme:1: ", "name");
    check_error("name = a\x01z\n", "x.theme:1: ", "control");
    check_error("Text = bold\ntext = bold\nstatus = fg:red\n\n\n\n\ndivider = fg:red bg:blue "
                "italic sparkly\n",
                "x.theme:8: ", "sparkly");
    /* a NUL inside the text is not a way to end it early */
    Theme t;
    theme_default(&t);
    ErrorBuf err = {{0}};
    CHECK(!theme_parse(&t, "status = bold\0junk\n", 19, "nul.theme", &err));
    CHECK(strncmp(err.msg, "nul.theme:1: ", 13) == 0);
    /* a NULL filename still gives a location */
    CHECK(!theme_parse(&t, "nope = bold", 11, NULL, &err));
    CHECK(strstr(err.msg, ":1: ") != NULL);
}

/* Valid lines before a bad one: nothing of them is applied. */
static void test_commit_on_success(void)
{
    Theme t;
    theme_default(&t);
    Theme before = t;
    ErrorBuf err = {{0}};
    CHECK(!parse(&t, "name = half\nstatus = fg:red\ntext = fg:blue\ngutter = fg:nope\n", &err));
    CHECK(theme_eq(&t, &before));
    CHECK(parse(&t, "name = half\nstatus = fg:red\n", &err));
    CHECK_STR_EQ(t.name, "half");
    CHECK(color_eq(t.slot[STYLE_STATUS].fg, ansi(1)));
}

static void test_color_parse(void)
{
    static const char *const names[] = {"black", "red",     "green", "yellow",
                                        "blue",  "magenta", "cyan",  "white"};
    Color c;
    for (uint8_t i = 0; i < 8; i++) {
        CHECK(color_parse(names[i], strlen(names[i]), &c) && color_eq(c, ansi(i)));
        char b[32];
        snprintf(b, sizeof b, "bright-%s", names[i]);
        CHECK(color_parse(b, strlen(b), &c) && color_eq(c, ansi((uint8_t)(i + 8))));
    }
    CHECK(color_parse("default", 7, &c) && color_eq(c, DEF));
    CHECK(color_parse("0", 1, &c) && color_eq(c, idx(0)));
    CHECK(color_parse("255", 3, &c) && color_eq(c, idx(255)));
    CHECK(color_parse("007", 3, &c) && color_eq(c, idx(7)));
    CHECK(color_parse("#00ff7F", 7, &c) && color_eq(c, rgb(0, 255, 0x7f)));
    CHECK(color_parse("redX", 3, &c) && color_eq(c, ansi(1))); /* by length */
    static const char *const bad[] = {"",        "256",      "-1",     "1234", "0x10",
                                      "#12345",  "#1234567", "#12345g", "bright-",
                                      "bright-default", "brightred", "purple", "#", "re d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Color keep = rgb(9, 9, 9), out = keep;
        bool ok = color_parse(bad[i], strlen(bad[i]), &out);
        if (ok)
            fprintf(stderr, "accepted bad colour '%s'\n", bad[i]);
        CHECK(!ok);
        CHECK(color_eq(out, keep)); /* untouched on failure */
    }
}

/* xterm's default palette, as direct-colour terminals get it. */
static void check_rgb(Color c, int r, int g, int b)
{
    uint8_t v[3] = {1, 2, 3};
    color_rgb(c, v);
    CHECK_INT_EQ(v[0], r);
    CHECK_INT_EQ(v[1], g);
    CHECK_INT_EQ(v[2], b);
}

static void test_color_rgb(void)
{
    check_rgb(ansi(0), 0, 0, 0);
    check_rgb(ansi(1), 205, 0, 0);
    check_rgb(ansi(12), 92, 92, 255);
    check_rgb(ansi(15), 255, 255, 255);
    check_rgb(idx(4), 0, 0, 238);
    check_rgb(idx(16), 0, 0, 0);
    check_rgb(idx(67), 0x5f, 0x87, 0xaf);
    check_rgb(idx(231), 255, 255, 255);
    check_rgb(idx(232), 8, 8, 8);
    check_rgb(idx(255), 238, 238, 238);
    check_rgb(rgb(0x12, 0x34, 0x56), 0x12, 0x34, 0x56);
    check_rgb((Color){.kind = COLOR_DEFAULT}, 0, 0, 0);
    /* the round trip: every palette entry's RGB maps back to it (the cube and greys) */
    for (int i = 16; i < 256; i++) {
        uint8_t v[3];
        color_rgb(idx((uint8_t)i), v);
        CHECK_INT_EQ(color_to_256(rgb(v[0], v[1], v[2])), i);
    }
}

static void test_color_to_256(void)
{
    for (uint8_t i = 0; i < 16; i++)
        CHECK_INT_EQ(color_to_256(ansi(i)), i);
    for (int i = 0; i < 256; i++)
        CHECK_INT_EQ(color_to_256(idx((uint8_t)i)), i);
    CHECK_INT_EQ(color_to_256(rgb(0, 0, 0)), 16);
    CHECK_INT_EQ(color_to_256(rgb(255, 255, 255)), 231);
    CHECK_INT_EQ(color_to_256(rgb(255, 0, 0)), 196);
    CHECK_INT_EQ(color_to_256(rgb(0x5f, 0x87, 0xaf)), 67);  /* exact cube entry */
    CHECK_INT_EQ(color_to_256(rgb(0x60, 0x88, 0xb0)), 67);  /* near it */
    CHECK_INT_EQ(color_to_256(rgb(0x80, 0x80, 0x80)), 244); /* grey ramp beats the cube */
    CHECK_INT_EQ(color_to_256(rgb(0xd0, 0xd0, 0xd0)), 252);
    CHECK_INT_EQ(color_to_256(rgb(0x30, 0x30, 0x30)), 236);
    CHECK_INT_EQ(color_to_256(rgb(0x04, 0x04, 0x04)), 16);  /* black beats grey 8 */
    CHECK_INT_EQ(color_to_256(rgb(0xaf, 0x00, 0x00)), 124);
    CHECK_INT_EQ(color_to_256(rgb(0x00, 0x5f, 0x87)), 24);
    /* every cube colour maps to itself */
    static const uint8_t lv[6] = {0, 95, 135, 175, 215, 255};
    for (int r = 0; r < 6; r++)
        for (int g = 0; g < 6; g++)
            for (int b = 0; b < 6; b++)
                CHECK_INT_EQ(color_to_256(rgb(lv[r], lv[g], lv[b])), 16 + 36 * r + 6 * g + b);
}

static void test_color_to_16(void)
{
    for (uint8_t i = 0; i < 16; i++) {
        CHECK_INT_EQ(color_to_16(ansi(i)), i);
        CHECK_INT_EQ(color_to_16(idx(i)), i);
    }
    CHECK_INT_EQ(color_to_16(rgb(0, 0, 0)), 0);
    CHECK_INT_EQ(color_to_16(rgb(255, 255, 255)), 15);
    CHECK_INT_EQ(color_to_16(rgb(255, 0, 0)), 9);
    CHECK_INT_EQ(color_to_16(rgb(0xcd, 0, 0)), 1);
    CHECK_INT_EQ(color_to_16(rgb(0xb0, 0x10, 0x10)), 1);
    CHECK_INT_EQ(color_to_16(rgb(0x10, 0xc0, 0x10)), 2);
    CHECK_INT_EQ(color_to_16(rgb(0xe0, 0xe0, 0xe0)), 7);
    CHECK_INT_EQ(color_to_16(rgb(0x80, 0x80, 0x80)), 8);
    CHECK_INT_EQ(color_to_16(rgb(0x20, 0x20, 0x20)), 0);
    CHECK_INT_EQ(color_to_16(idx(196)), 9);  /* #ff0000 */
    CHECK_INT_EQ(color_to_16(idx(21)), 4);   /* #0000ff: blue, not bright blue */
    CHECK_INT_EQ(color_to_16(idx(46)), 10);  /* #00ff00 */
    CHECK_INT_EQ(color_to_16(idx(231)), 15);
    CHECK_INT_EQ(color_to_16(idx(244)), 8);  /* grey 128 */
    CHECK_INT_EQ(color_to_16(idx(252)), 7);  /* grey 208 */
    CHECK_INT_EQ(color_to_16(idx(16)), 0);
    for (int i = 0; i < 256; i++)
        CHECK(color_to_16(idx((uint8_t)i)) < 16);
}

static void test_default_theme_file(void)
{
    Theme want, got;
    theme_default(&want);
    CHECK_STR_EQ(want.name, "default");
    /* the main text stays on the terminal's own colours */
    CHECK(style_eq(want.slot[STYLE_TEXT], (Style){.fg = DEF, .bg = DEF}));
    CHECK(style_eq(want.slot[STYLE_MODEL_TEXT], (Style){.fg = DEF, .bg = DEF}));
    CHECK(style_eq(want.slot[STYLE_PROMPT], (Style){.fg = DEF, .bg = DEF}));
    /* and nothing hard-codes RGB or a 256-palette colour */
    for (int s = 0; s < STYLE__COUNT; s++) {
        CHECK(want.slot[s].fg.kind == COLOR_DEFAULT || want.slot[s].fg.kind == COLOR_ANSI16);
        CHECK(want.slot[s].bg.kind == COLOR_DEFAULT || want.slot[s].bg.kind == COLOR_ANSI16);
    }
    junk_theme(&got); /* the file must set every slot */
    ErrorBuf err = {{0}};
    bool ok = theme_load_file(&got, THEMES_DIR "/default.theme", &err);
    if (!ok)
        fprintf(stderr, "%s\n", err.msg);
    CHECK(ok);
    for (int s = 0; s < STYLE__COUNT; s++) {
        if (!style_eq(got.slot[s], want.slot[s]))
            fprintf(stderr, "default.theme: slot %s differs from theme_default()\n",
                    theme_slot_name((StyleSlot)s));
    }
    CHECK(theme_eq(&got, &want));
}

static void test_light_theme_file(void)
{
    Theme t;
    junk_theme(&t);
    ErrorBuf err = {{0}};
    bool ok = theme_load_file(&t, THEMES_DIR "/light.theme", &err);
    if (!ok)
        fprintf(stderr, "%s\n", err.msg);
    CHECK(ok);
    CHECK_STR_EQ(t.name, "light");
    Style junk = {.fg = rgb(1, 2, 3), .bg = rgb(4, 5, 6), .attrs = ATTR_DIM};
    for (int s = 0; s < STYLE__COUNT; s++)
        CHECK(!style_eq(t.slot[s], junk));
    CHECK(style_eq(t.slot[STYLE_TEXT], (Style){.fg = DEF, .bg = DEF}));
}

static void test_load_errors(void)
{
    Theme t;
    theme_default(&t);
    Theme before = t;
    ErrorBuf err = {{0}};
    CHECK(!theme_load_file(&t, "/nonexistent/dir/none.theme", &err));
    CHECK(strstr(err.msg, "/nonexistent/dir/none.theme") != NULL);
    CHECK(theme_eq(&t, &before));
    /* a bad line in a file names the file and the line */
    char path[] = "/tmp/flint-test-theme-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        static const char body[] = "name = broken\n\nstatus = fg:red\nstatus = fg:nonsense\n";
        CHECK(write(fd, body, sizeof body - 1) == (ssize_t)(sizeof body - 1));
        close(fd);
        CHECK(!theme_load_file(&t, path, &err));
        char want[128];
        snprintf(want, sizeof want, "%s:4: ", path);
        CHECK(strncmp(err.msg, want, strlen(want)) == 0);
        CHECK(theme_eq(&t, &before));
        unlink(path);
    }
}

int main(void)
{
    RUN(test_slot_names);
    RUN(test_parse_all_slots);
    RUN(test_parse_details);
    RUN(test_parse_errors);
    RUN(test_commit_on_success);
    RUN(test_color_parse);
    RUN(test_color_rgb);
    RUN(test_color_to_256);
    RUN(test_color_to_16);
    RUN(test_default_theme_file);
    RUN(test_light_theme_file);
    RUN(test_load_errors);
    return harness_done();
}
