/* Theme: the compiled-in default, the theme-file parser and colour fallbacks.
 *
 * The default theme uses only the terminal's own colours: default fg/bg for all text, and the
 * 16 ANSI colours (which the user's palette defines) plus attributes for everything else, so
 * it reads on light and dark terminals alike and inherits a Solarized or high-contrast
 * palette. themes/default.theme is the same theme as data (a test keeps them equal).
 *
 * Parsing works line by line on a copy of the Theme and commits only when the whole text is
 * valid. A slot line sets the slot's whole style: colours not named are the terminal default
 * and attributes not named are off. '#' starts a comment at the start of a line or after
 * blank space (a colour's '#' always follows "fg:" or "bg:").
 *
 * Fallbacks use xterm's default palette: 16 system colours (terminals differ there, but a
 * nearest match only needs the rough hue), the 6x6x6 cube with levels 0, 95, 135 ... 255 and
 * the 24-step grey ramp 8, 18 ... 238. RGB -> 256 searches only the cube and the ramp, whose
 * values are fixed, never the user-defined 16. Distances are squared Euclidean in RGB. */
#include "themes/theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

static const char *const slot_names[STYLE__COUNT] = {
    [STYLE_TEXT] = "text",
    [STYLE_GUTTER] = "gutter",
    [STYLE_GUTTER_CURRENT] = "gutter-current",
    [STYLE_CONTROL] = "control",
    [STYLE_DIVIDER] = "divider",
    [STYLE_PANE_TITLE] = "pane-title",
    [STYLE_MODEL_TEXT] = "model-text",
    [STYLE_MODEL_USER] = "model-user",
    [STYLE_MODEL_NOTE] = "model-note",
    [STYLE_MODEL_ERROR] = "model-error",
    [STYLE_MODEL_CODE] = "model-code",
    [STYLE_MODEL_THINKING] = "model-thinking",
    [STYLE_STATUS] = "status",
    [STYLE_STATUS_ACCENT] = "status-accent",
    [STYLE_STATUS_WARN] = "status-warn",
    [STYLE_PROMPT] = "prompt",
    [STYLE_PROMPT_LABEL] = "prompt-label",
    /* search */
    [STYLE_MATCH] = "match",
    [STYLE_MATCH_CURRENT] = "match-current",
    [STYLE_SYN_KEYWORD] = "syntax-keyword",
    [STYLE_SYN_TYPE] = "syntax-type",
    [STYLE_SYN_STRING] = "syntax-string",
    [STYLE_SYN_COMMENT] = "syntax-comment",
    [STYLE_SYN_NUMBER] = "syntax-number",
    [STYLE_SYN_PREPROC] = "syntax-preproc",
    [STYLE_SYN_FUNCTION] = "syntax-function",
    [STYLE_SYN_OPERATOR] = "syntax-operator",
    [STYLE_SYN_CONSTANT] = "syntax-constant",
    [STYLE_SYN_ESCAPE] = "syntax-escape",
    [STYLE_SYN_VARIABLE] = "syntax-variable",
    [STYLE_SYN_KEY] = "syntax-key",
    [STYLE_SYN_HEADING] = "syntax-heading",
    [STYLE_SYN_EMPHASIS] = "syntax-emphasis",
    [STYLE_SYN_LINK] = "syntax-link",
    [STYLE_SYN_ADDED] = "syntax-added",
    [STYLE_SYN_REMOVED] = "syntax-removed",
    [STYLE_SYN_HUNK] = "syntax-hunk",
    [STYLE_SELECTION] = "selection",
    [STYLE_DIFF_ADD] = "diff-add",
    [STYLE_DIFF_REMOVE] = "diff-remove",
    [STYLE_HUNK_STALE] = "hunk-stale",
    [STYLE_MD_HEADING] = "md-heading",
    [STYLE_MD_STRONG] = "md-strong",
    [STYLE_MD_EMPH] = "md-emphasis",
    [STYLE_MD_CODE] = "md-code",
    [STYLE_MD_QUOTE] = "md-quote",
    [STYLE_MD_LINK] = "md-link",
    [STYLE_MD_URL] = "md-url",
    [STYLE_MD_TABLE] = "md-table",
    [STYLE_MD_MARK] = "md-mark",
};

static const char *const ansi_names[8] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    uint8_t bit;
} attr_names[] = {
    {"bold", ATTR_BOLD},           {"dim", ATTR_DIM},         {"italic", ATTR_ITALIC},
    {"underline", ATTR_UNDERLINE}, {"reverse", ATTR_REVERSE},
};

/* xterm's default values for the 16 system colours. */
static const uint8_t ansi_rgb[16][3] = {
    {0, 0, 0},       {205, 0, 0},     {0, 205, 0},     {205, 205, 0},
    {0, 0, 238},     {205, 0, 205},   {0, 205, 205},   {229, 229, 229},
    {127, 127, 127}, {255, 0, 0},     {0, 255, 0},     {255, 255, 0},
    {92, 92, 255},   {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static const uint8_t cube_level[6] = {0, 95, 135, 175, 215, 255};

/* --- colours ---------------------------------------------------------------------------- */

static Color ansi(uint8_t i) { return (Color){.kind = COLOR_ANSI16, .index = i}; }

static bool word_is(const char *w, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool color_parse(const char *w, size_t len, Color *out)
{
    if (word_is(w, len, "default")) {
        *out = (Color){.kind = COLOR_DEFAULT};
        return true;
    }
    bool bright = len > 7 && strncasecmp(w, "bright-", 7) == 0;
    const char *name = bright ? w + 7 : w;
    size_t nlen = bright ? len - 7 : len;
    for (uint8_t i = 0; i < 8; i++) {
        if (word_is(name, nlen, ansi_names[i])) {
            *out = ansi(bright ? i + 8 : i);
            return true;
        }
    }
    if (bright)
        return false;
    if (len >= 1 && len <= 3) {
        unsigned v = 0;
        size_t i = 0;
        while (i < len && w[i] >= '0' && w[i] <= '9')
            v = v * 10 + (unsigned)(w[i++] - '0');
        if (i == len && v <= 255) {
            *out = (Color){.kind = COLOR_INDEX256, .index = (uint8_t)v};
            return true;
        }
        return false;
    }
    if (len == 7 && w[0] == '#') {
        int h[6];
        for (int i = 0; i < 6; i++)
            if ((h[i] = hex_digit(w[1 + i])) < 0)
                return false;
        *out = (Color){.kind = COLOR_RGB,
                       .r = (uint8_t)(h[0] * 16 + h[1]),
                       .g = (uint8_t)(h[2] * 16 + h[3]),
                       .b = (uint8_t)(h[4] * 16 + h[5])};
        return true;
    }
    return false;
}

/* The RGB value of a 256-palette index in xterm's default palette. */
static void index_rgb(uint8_t i, int rgb[3])
{
    if (i < 16) {
        for (int k = 0; k < 3; k++)
            rgb[k] = ansi_rgb[i][k];
    } else if (i < 232) {
        int c = i - 16;
        rgb[0] = cube_level[c / 36];
        rgb[1] = cube_level[(c / 6) % 6];
        rgb[2] = cube_level[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (i - 232);
    }
}

static int dist2(const int a[3], const int b[3])
{
    int d = 0;
    for (int k = 0; k < 3; k++)
        d += (a[k] - b[k]) * (a[k] - b[k]);
    return d;
}

static int nearest_level(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++)
        if (abs(cube_level[i] - v) < abs(cube_level[best] - v))
            best = i;
    return best;
}

static uint8_t rgb_to_256(int r, int g, int b)
{
    const int want[3] = {r, g, b};
    int qr = nearest_level(r), qg = nearest_level(g), qb = nearest_level(b);
    uint8_t best = (uint8_t)(16 + 36 * qr + 6 * qg + qb);
    int cube[3], best_d;
    index_rgb(best, cube);
    best_d = dist2(want, cube);
    for (int i = 232; i < 256; i++) {
        int grey[3];
        index_rgb((uint8_t)i, grey);
        int d = dist2(want, grey);
        if (d < best_d)
            best_d = d, best = (uint8_t)i;
    }
    return best;
}

static uint8_t rgb_to_16(const int want[3])
{
    uint8_t best = 0;
    int best_d = -1;
    for (uint8_t i = 0; i < 16; i++) {
        int c[3];
        index_rgb(i, c);
        int d = dist2(want, c);
        if (best_d < 0 || d < best_d)
            best_d = d, best = i;
    }
    return best;
}

uint8_t color_to_256(Color c)
{
    switch (c.kind) {
    case COLOR_ANSI16: return c.index & 15;
    case COLOR_INDEX256: return c.index;
    case COLOR_RGB: return rgb_to_256(c.r, c.g, c.b);
    default: return 0; /* COLOR_DEFAULT has no index: callers map it themselves */
    }
}

void color_rgb(Color c, uint8_t rgb[3])
{
    int v[3] = {0, 0, 0};
    switch (c.kind) {
    case COLOR_ANSI16: index_rgb(c.index & 15, v); break;
    case COLOR_INDEX256: index_rgb(c.index, v); break;
    case COLOR_RGB: v[0] = c.r, v[1] = c.g, v[2] = c.b; break;
    default: break;
    }
    for (int k = 0; k < 3; k++)
        rgb[k] = (uint8_t)v[k];
}

uint8_t color_to_16(Color c)
{
    int rgb[3];
    switch (c.kind) {
    case COLOR_ANSI16: return c.index & 15;
    case COLOR_INDEX256:
        if (c.index < 16)
            return c.index;
        index_rgb(c.index, rgb);
        return rgb_to_16(rgb);
    case COLOR_RGB:
        rgb[0] = c.r, rgb[1] = c.g, rgb[2] = c.b;
        return rgb_to_16(rgb);
    default: return 0; /* COLOR_DEFAULT: see color_to_256 */
    }
}

/* --- themes ----------------------------------------------------------------------------- */

const char *theme_slot_name(StyleSlot slot)
{
    return (unsigned)slot < STYLE__COUNT ? slot_names[slot] : "?";
}

static Style fg(Color c, uint8_t attrs) { return (Style){.fg = c, .attrs = attrs}; }

void theme_default(Theme *out)
{
    /* Keep in step with themes/default.theme (test_theme checks). */
    const Color def = {.kind = COLOR_DEFAULT};
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "default");
    out->slot[STYLE_TEXT] = fg(def, 0);
    out->slot[STYLE_GUTTER] = fg(ansi(8), 0);
    out->slot[STYLE_GUTTER_CURRENT] = fg(def, ATTR_BOLD);
    out->slot[STYLE_CONTROL] = fg(ansi(5), ATTR_BOLD);
    out->slot[STYLE_DIVIDER] = fg(ansi(8), 0);
    out->slot[STYLE_PANE_TITLE] = fg(def, ATTR_BOLD | ATTR_UNDERLINE);
    out->slot[STYLE_MODEL_TEXT] = fg(def, 0);
    out->slot[STYLE_MODEL_USER] = fg(ansi(6), ATTR_BOLD);
    out->slot[STYLE_MODEL_NOTE] = fg(ansi(8), ATTR_ITALIC);
    out->slot[STYLE_MODEL_ERROR] = fg(ansi(1), ATTR_BOLD);
    out->slot[STYLE_MODEL_CODE] = fg(def, 0);
    out->slot[STYLE_MODEL_THINKING] = fg(ansi(8), ATTR_DIM | ATTR_ITALIC);
    out->slot[STYLE_STATUS] = fg(def, ATTR_REVERSE);
    out->slot[STYLE_STATUS_ACCENT] = fg(ansi(2), ATTR_REVERSE | ATTR_BOLD);
    out->slot[STYLE_STATUS_WARN] = fg(ansi(1), ATTR_REVERSE | ATTR_BOLD);
    out->slot[STYLE_PROMPT] = fg(def, 0);
    out->slot[STYLE_PROMPT_LABEL] = fg(ansi(6), ATTR_BOLD);
    /* search */
    out->slot[STYLE_MATCH] = (Style){.fg = ansi(0), .bg = ansi(3)};
    out->slot[STYLE_MATCH_CURRENT] = (Style){.fg = ansi(0), .bg = ansi(10), .attrs = ATTR_BOLD};
    /* Syntax: the 8 basic hues only (bright ones vanish on some light palettes) plus
     * attributes, so every class reads on dark and light terminals and in 16 colours. */
    out->slot[STYLE_SYN_KEYWORD] = fg(ansi(4), ATTR_BOLD);
    out->slot[STYLE_SYN_TYPE] = fg(ansi(6), 0);
    out->slot[STYLE_SYN_STRING] = fg(ansi(2), 0);
    out->slot[STYLE_SYN_COMMENT] = fg(ansi(8), ATTR_ITALIC);
    out->slot[STYLE_SYN_NUMBER] = fg(ansi(5), 0);
    out->slot[STYLE_SYN_PREPROC] = fg(ansi(5), ATTR_BOLD);
    out->slot[STYLE_SYN_FUNCTION] = fg(ansi(3), 0);
    out->slot[STYLE_SYN_OPERATOR] = fg(def, 0);
    out->slot[STYLE_SYN_CONSTANT] = fg(ansi(5), 0);
    out->slot[STYLE_SYN_ESCAPE] = fg(ansi(1), 0);
    out->slot[STYLE_SYN_VARIABLE] = fg(ansi(6), ATTR_BOLD);
    out->slot[STYLE_SYN_KEY] = fg(ansi(4), 0);
    out->slot[STYLE_SYN_HEADING] = fg(ansi(4), ATTR_BOLD | ATTR_UNDERLINE);
    out->slot[STYLE_SYN_EMPHASIS] = fg(def, ATTR_BOLD);
    out->slot[STYLE_SYN_LINK] = fg(ansi(6), ATTR_UNDERLINE);
    out->slot[STYLE_SYN_ADDED] = fg(ansi(2), 0);
    out->slot[STYLE_SYN_REMOVED] = fg(ansi(1), 0);
    out->slot[STYLE_SYN_HUNK] = fg(ansi(6), ATTR_BOLD);
    /* reverse video: readable on any palette, dark or light, and with NO_COLOR */
    out->slot[STYLE_SELECTION] = fg(def, ATTR_REVERSE);
    /* proposed edits: the basic hues again, so 16-colour terminals tell them apart */
    out->slot[STYLE_DIFF_ADD] = fg(ansi(2), ATTR_BOLD);
    out->slot[STYLE_DIFF_REMOVE] = fg(ansi(1), ATTR_DIM);
    out->slot[STYLE_HUNK_STALE] = fg(ansi(3), ATTR_ITALIC);
    /* Markdown: attributes first, so it reads with NO_COLOR too */
    out->slot[STYLE_MD_HEADING] = fg(ansi(4), ATTR_BOLD);
    out->slot[STYLE_MD_STRONG] = fg(def, ATTR_BOLD);
    out->slot[STYLE_MD_EMPH] = fg(def, ATTR_ITALIC);
    out->slot[STYLE_MD_CODE] = fg(ansi(2), 0);
    out->slot[STYLE_MD_QUOTE] = fg(ansi(8), ATTR_ITALIC);
    out->slot[STYLE_MD_LINK] = fg(ansi(6), ATTR_UNDERLINE);
    out->slot[STYLE_MD_URL] = fg(ansi(8), ATTR_DIM);
    out->slot[STYLE_MD_TABLE] = fg(ansi(8), 0);
    out->slot[STYLE_MD_MARK] = fg(ansi(3), 0);
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* At most 40 bytes of a user's word, for messages. */
#define SHOWN(len) ((int)((len) > 40 ? 40 : (len)))

static bool parse_style(const char *s, size_t len, Style *out, const char *file, int line,
                        ErrorBuf *err)
{
    Style st = {0};
    size_t i = 0;
    while (i < len) {
        while (i < len && is_blank(s[i]))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && !is_blank(s[i]))
            i++;
        const char *w = s + start;
        size_t wl = i - start;
        if (wl >= 3 && (strncmp(w, "fg:", 3) == 0 || strncmp(w, "bg:", 3) == 0)) {
            Color c;
            if (!color_parse(w + 3, wl - 3, &c))
                return error_set(err, "%s:%d: bad colour '%.*s' (default, a name, 0-255 or #rrggbb)",
                                 file, line, SHOWN(wl), w);
            if (w[0] == 'f')
                st.fg = c;
            else
                st.bg = c;
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < sizeof attr_names / sizeof attr_names[0]; k++) {
            if (word_is(w, wl, attr_names[k].name)) {
                st.attrs |= attr_names[k].bit;
                found = true;
            }
        }
        if (!found)
            return error_set(err,
                             "%s:%d: unknown attribute '%.*s' (bold dim italic underline reverse, "
                             "fg:COLOUR, bg:COLOUR)",
                             file, line, SHOWN(wl), w);
    }
    *out = st;
    return true;
}

bool theme_parse(Theme *theme, const char *text, size_t len, const char *filename, ErrorBuf *err)
{
    const char *file = filename ? filename : "<theme>";
    Theme t = *theme;
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        const char *s = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        for (size_t i = 0; i < n; i++) { /* a comment: '#' at the start or after a blank */
            if (s[i] == '#' && (i == 0 || is_blank(s[i - 1]))) {
                n = i;
                break;
            }
        }
        while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
            n--;
        while (n > 0 && is_blank(*s))
            s++, n--;
        if (n == 0)
            continue;
        const char *eq = memchr(s, '=', n);
        if (!eq)
            return error_set(err, "%s:%d: expected 'slot = style'", file, line);
        size_t kl = (size_t)(eq - s);
        while (kl > 0 && is_blank(s[kl - 1]))
            kl--;
        const char *v = eq + 1;
        size_t vl = n - (size_t)(v - s);
        while (vl > 0 && is_blank(*v))
            v++, vl--;
        if (word_is(s, kl, "name")) {
            if (vl == 0 || vl >= sizeof t.name)
                return error_set(err, "%s:%d: a theme name has 1-%zu characters", file, line,
                                 sizeof t.name - 1);
            for (size_t i = 0; i < vl; i++)
                if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
                    return error_set(err, "%s:%d: control character in the theme name", file,
                                     line);
            memcpy(t.name, v, vl);
            t.name[vl] = '\0';
            continue;
        }
        int slot = -1;
        for (int k = 0; k < STYLE__COUNT; k++)
            if (word_is(s, kl, slot_names[k]))
                slot = k;
        if (slot < 0)
            return error_set(err, "%s:%d: unknown slot '%.*s'", file, line, SHOWN(kl), s);
        if (!parse_style(v, vl, &t.slot[slot], file, line, err))
            return false;
    }
    *theme = t;
    return true;
}

#define THEME_FILE_MAX (1 << 20)

bool theme_load_file(Theme *theme, const char *path, ErrorBuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_errno(err, "%s", path);
    char *buf = xmalloc(THEME_FILE_MAX + 1);
    size_t n = fread(buf, 1, THEME_FILE_MAX + 1, f);
    bool bad = ferror(f);
    int saved = errno;
    fclose(f);
    bool ok;
    if (bad) {
        errno = saved;
        ok = error_errno(err, "%s", path);
    } else if (n > THEME_FILE_MAX) {
        ok = error_set(err, "%s: larger than %d bytes: not a theme", path, THEME_FILE_MAX);
    } else {
        ok = theme_parse(theme, buf, n, path, err);
    }
    free(buf);
    return ok;
}
