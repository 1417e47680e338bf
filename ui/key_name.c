/* Key names: one table of the named keys (KeyCode <-> name, plus other accepted spellings)
 * serves both directions, so describe and parse cannot drift apart. A character key is its
 * own UTF-8 text; Space and U+XXXX are the two names a character gets when its text would be
 * invisible or a control. Ctrl + an ASCII letter is stored lower case (what the decoder
 * delivers) and named upper case; keys_parse folds the letter back. */
#include "ui/key_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

typedef struct KeyNameEntry {
    KeyCode code;
    const char *name;   /* canonical (keys_describe) */
    const char *alias;  /* also accepted by keys_parse, or NULL */
} KeyNameEntry;

static const KeyNameEntry key_names[] = {
    {KC_NONE, "None", NULL},
    {KC_ENTER, "Enter", "Return"},
    {KC_TAB, "Tab", NULL},
    {KC_BACKSPACE, "Backspace", "BS"},
    {KC_DELETE, "Delete", "Del"},
    {KC_INSERT, "Insert", "Ins"},
    {KC_ESC, "Esc", "Escape"},
    {KC_UP, "Up", NULL},
    {KC_DOWN, "Down", NULL},
    {KC_LEFT, "Left", NULL},
    {KC_RIGHT, "Right", NULL},
    {KC_HOME, "Home", NULL},
    {KC_END, "End", NULL},
    {KC_PAGE_UP, "PgUp", "PageUp"},
    {KC_PAGE_DOWN, "PgDn", "PageDown"},
    {KC_PASTE, "Paste", NULL},
    {KC_FOCUS_IN, "FocusIn", NULL},
    {KC_FOCUS_OUT, "FocusOut", NULL},
    {KC_MOUSE, "Mouse", NULL},
};

static const char *key_name(KeyCode code)
{
    for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++)
        if (key_names[i].code == code)
            return key_names[i].name;
    return NULL;
}

void keys_describe(const KeyEvent *k, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    char name[16];
    const char *nm = key_name(k->code);
    if (k->code >= KC_F1 && k->code <= KC_F12) {
        snprintf(name, sizeof name, "F%d", (int)(k->code - KC_F1) + 1);
        nm = name;
    } else if (k->code == KC_CHAR) {
        uint32_t cp = k->cp;
        if (cp == ' ') {
            nm = "Space";
        } else if (cp_is_control(cp) || cp > 0x10FFFF) {
            snprintf(name, sizeof name, "U+%04X", (unsigned)cp);
            nm = name;
        } else {
            if ((k->mods & MOD_CTRL) && cp >= 'a' && cp <= 'z')
                cp -= 'a' - 'A'; /* Ctrl-K, as menus and help texts write it */
            size_t len = utf8_encode(cp, name);
            if (len == 0)
                snprintf(name, sizeof name, "U+%04X", (unsigned)cp);
            else
                name[len] = '\0';
            nm = name;
        }
    } else if (!nm) {
        snprintf(name, sizeof name, "Key%d", (int)k->code);
        nm = name;
    }
    snprintf(out, size, "%s%s%s%s", (k->mods & MOD_CTRL) ? "Ctrl-" : "",
             (k->mods & MOD_ALT) ? "Alt-" : "", (k->mods & MOD_SHIFT) ? "Shift-" : "", nm);
}

/* Strips one "Ctrl-" / "Alt-" / "Shift-" (any case) from the front of *s into *mods. A
 * modifier name alone ("Ctrl-" with nothing after it) is not stripped: "-" after it is the
 * key, as in "Ctrl--". */
static bool take_modifier(const char **s, unsigned *mods)
{
    static const struct { const char *name; unsigned bit; } mod[] = {
        {"Ctrl-", MOD_CTRL}, {"Alt-", MOD_ALT}, {"Shift-", MOD_SHIFT},
    };
    for (size_t i = 0; i < sizeof mod / sizeof *mod; i++) {
        size_t n = strlen(mod[i].name);
        if (strncasecmp(*s, mod[i].name, n) == 0 && (*s)[n] != '\0') {
            if (*mods & mod[i].bit)
                return false; /* "Ctrl-Ctrl-K": a typo, not a key */
            *mods |= mod[i].bit;
            *s += n;
            return true;
        }
    }
    return false;
}

static bool parse_key(const char *s, KeyEvent *k)
{
    size_t len = strlen(s);
    uint32_t cp;
    if (len > 0 && utf8_decode(s, len, &cp) == len && !UTF8_IS_RAW(cp) && !cp_is_control(cp)) {
        k->code = KC_CHAR; /* one character: itself */
        k->cp = cp;
        return true;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++) {
        const KeyNameEntry *e = &key_names[i];
        if (e->code != KC_NONE && (strcasecmp(s, e->name) == 0 ||
                                   (e->alias && strcasecmp(s, e->alias) == 0))) {
            k->code = e->code;
            return true;
        }
    }
    if (strcasecmp(s, "Space") == 0) {
        k->code = KC_CHAR;
        k->cp = ' ';
        return true;
    }
    char *end;
    if ((s[0] == 'F' || s[0] == 'f') && s[1] >= '1' && s[1] <= '9') {
        long n = strtol(s + 1, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 12) {
            k->code = (KeyCode)(KC_F1 + n - 1);
            return true;
        }
    }
    if ((s[0] == 'U' || s[0] == 'u') && s[1] == '+' && s[2] != '\0' && s[2] != '-' &&
        s[2] != '+') {
        unsigned long v = strtoul(s + 2, &end, 16);
        if (*end == '\0' && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
            k->code = KC_CHAR;
            k->cp = (uint32_t)v;
            return true;
        }
    }
    return false;
}

bool keys_parse(const char *name, KeyEvent *out)
{
    if (!name)
        return false;
    KeyEvent k = {.code = KC_NONE};
    const char *s = name;
    while (take_modifier(&s, &k.mods))
        ;
    if (!parse_key(s, &k))
        return false;
    if (k.code == KC_CHAR && (k.mods & MOD_CTRL) && k.cp >= 'A' && k.cp <= 'Z')
        k.cp += 'a' - 'A'; /* the decoder's form of Ctrl-K */
    *out = k;
    return true;
}
