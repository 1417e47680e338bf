/* Key decoding: the grammar of what a terminal sends, as pure functions of the bytes.
 *
 * key_decode() looks at the front of a byte buffer and decodes one event. The grammar is
 * xterm's (ECMA-48 5.4 for CSI: ESC [ parameter bytes 0x30-0x3F, intermediate bytes
 * 0x20-0x2F, one final byte 0x40-0x7E), plus SS3 (ESC O x), ESC-prefixed Alt keys, the Linux
 * console's ESC [ [ A..E, rxvt's ESC [ a..d / ESC O a..d / ESC [ n ^, xterm modifyOtherKeys
 * (ESC [ 27 ; m ; cp ~) and the kitty keyboard protocol's basic form (ESC [ cp ; m u; with
 * its disambiguate flag, chords read as their legacy bytes would, and the keypad's private-use
 * numbers as the keys they are). Three answers to flint's queries are told apart for the
 * caller: CSI ? flags u (kitty keyboard), CSI ? ... c (DA1) and OSC 11 ; rgb:... (the
 * background colour, key_parse_osc11). What a
 * terminal sends that is not a key is recognised so that it can be dropped whole: control
 * strings (ECMA-48 8.3: OSC ESC ], DCS ESC P, APC ESC _, PM ESC ^, SOS ESC X) up to BEL or ST,
 * nF escapes (ECMA-35: ESC, intermediates 0x20-0x2F, a final byte) and C1 controls sent as
 * UTF-8 (C2 80..C2 9F; the string introducers and CSI among them take their payload with
 * them).
 *
 * Nothing here keeps state or allocates. A sequence cut off at the end of the bytes is
 * DEC_MORE: the caller (ui/keys.c, which owns the buffer, the paste, bursts and timeouts)
 * waits for more bytes or rewrites the tail on a timeout. A byte that cannot continue a
 * sequence ends it (the sequence is dropped, or was an Alt key if it was ESC + one byte) and
 * is not consumed, so the next call decodes it afresh. */
#include "ui/key_decode.h"

#include <string.h>

#define SS3_MAX_PARAMS 4

/* --- decoding (pure functions of the bytes) -------------------------------------------- */

static DecResult key(KeyEvent *ev, KeyCode code, unsigned mods)
{
    ev->code = code;
    ev->mods = mods;
    return DEC_KEY;
}

static DecResult key_char(KeyEvent *ev, uint32_t cp, unsigned mods)
{
    ev->code = KC_CHAR;
    ev->cp = cp;
    ev->mods = mods;
    return DEC_KEY;
}


/* One byte below 0x80 other than ESC: text or a C0 control key. */
static DecResult decode_ascii(unsigned char c, KeyEvent *ev)
{
    switch (c) {
    case 0x00: return key_char(ev, ' ', MOD_CTRL);
    case 0x08: /* xterm, VTE, kitty, Alacritty, tmux: Backspace sends DEL, Ctrl-Backspace BS */
        return key(ev, KC_BACKSPACE, MOD_CTRL);
    case 0x7f: return key(ev, KC_BACKSPACE, 0);
    case 0x09: return key(ev, KC_TAB, 0);
    case 0x0d: return key(ev, KC_ENTER, 0);
    case 0x1c: return key_char(ev, '\\', MOD_CTRL);
    case 0x1d: return key_char(ev, ']', MOD_CTRL);
    case 0x1e: return key_char(ev, '^', MOD_CTRL);
    case 0x1f: return key_char(ev, '_', MOD_CTRL);
    default: break;
    }
    if (c < 0x20)
        return key_char(ev, 'a' + (c - 1), MOD_CTRL);
    return key_char(ev, c, 0);
}

/* UTF-8 (RFC 3629) with the cut-off case told apart from the invalid one. */
static DecResult decode_utf8(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    unsigned c = b[0];
    size_t need;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4, cp = c & 0x07;
    else {
        *used = 1; /* a stray continuation byte or a byte that never starts UTF-8 */
        return DEC_SKIP;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n)
            return DEC_MORE;
        unsigned lo = 0x80, hi = 0xBF;
        if (i == 1) { /* the second byte excludes overlongs, surrogates and > U+10FFFF */
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        }
        if (b[i] < lo || b[i] > hi) {
            *used = i;
            return DEC_SKIP;
        }
        cp = (cp << 6) | (b[i] & 0x3F);
    }
    *used = need;
    if (cp_is_control(cp))
        return DEC_SKIP; /* C1 controls */
    return key_char(ev, cp, 0);
}

/* Text or a control key, not starting with ESC. */
static DecResult decode_plain(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    if (b[0] < 0x80) {
        *used = 1;
        return decode_ascii(b[0], ev);
    }
    return decode_utf8(b, n, ev, used);
}

/* xterm's modifier parameter: 1 + (Shift 1 | Alt 2 | Ctrl 4 | Meta 8); kitty adds more bits
 * (Super, Hyper, Caps Lock, Num Lock) that we ignore. Meta counts as Alt. */
static unsigned xterm_mods(unsigned m)
{
    if (m < 2)
        return 0;
    m -= 1;
    unsigned r = 0;
    if (m & 1) r |= MOD_SHIFT;
    if (m & 2) r |= MOD_ALT;
    if (m & 4) r |= MOD_CTRL;
    if (m & 8) r |= MOD_ALT;
    return r;
}

/* kitty's functional keys that its disambiguate flag (CSI > 1 u) reports as CSI number u:
 * the keypad's non-text keys (57399..57427 in the protocol's table), which legacy terminals
 * send as digits, operators and cursor keys. Other private-use numbers (F13.., media keys,
 * lone modifiers) mean nothing here. */
static DecResult kitty_functional(uint32_t cp, unsigned mods, KeyEvent *ev)
{
    static const char text[] = "0123456789./*-+"; /* KP_0..KP_9, DECIMAL, DIVIDE, ... ADD */
    if (cp >= 57399 && cp <= 57413)
        return key_char(ev, (unsigned char)text[cp - 57399], mods);
    switch (cp) {
    case 57414: return key(ev, KC_ENTER, mods);      /* KP_ENTER */
    case 57415: return key_char(ev, '=', mods);      /* KP_EQUAL */
    case 57416: return key_char(ev, ',', mods);      /* KP_SEPARATOR */
    case 57417: return key(ev, KC_LEFT, mods);
    case 57418: return key(ev, KC_RIGHT, mods);
    case 57419: return key(ev, KC_UP, mods);
    case 57420: return key(ev, KC_DOWN, mods);
    case 57421: return key(ev, KC_PAGE_UP, mods);
    case 57422: return key(ev, KC_PAGE_DOWN, mods);
    case 57423: return key(ev, KC_HOME, mods);
    case 57424: return key(ev, KC_END, mods);
    case 57425: return key(ev, KC_INSERT, mods);
    case 57426: return key(ev, KC_DELETE, mods);
    default: return DEC_SKIP;                        /* KP_BEGIN, F13.., media, modifiers */
    }
}

/* A code point reported by CSI u or modifyOtherKeys. kitty's disambiguate flag sends Ctrl,
 * Alt and Shift+Alt chords this way; they are made to read as the legacy bytes would:
 * Ctrl-[ / Ctrl-I / Ctrl-M are Esc / Tab / Enter (0x1b, 0x09, 0x0d in legacy), and Shift on a
 * letter without Ctrl is the capital (Alt-Shift-a = ESC A = Alt-A). */
static DecResult decode_codepoint(uint32_t cp, unsigned mods, KeyEvent *ev)
{
    switch (cp) {
    case 13: return key(ev, KC_ENTER, mods);
    case 9: return key(ev, KC_TAB, mods);
    case 8:
    case 127: return key(ev, KC_BACKSPACE, mods);
    case 27: return key(ev, KC_ESC, mods);
    default: break;
    }
    if ((mods & MOD_CTRL) && !(mods & MOD_SHIFT)) {
        unsigned rest = mods & ~(unsigned)MOD_CTRL;
        if (cp == '[')
            return key(ev, KC_ESC, rest);
        if (cp == 'i')
            return key(ev, KC_TAB, rest);
        if (cp == 'm')
            return key(ev, KC_ENTER, rest);
    }
    if ((mods & MOD_SHIFT) && !(mods & MOD_CTRL) && cp >= 'a' && cp <= 'z')
        return key_char(ev, cp - 'a' + 'A', mods & ~(unsigned)MOD_SHIFT);
    if (cp >= 57344 && cp <= 63743)
        return kitty_functional(cp, mods, ev);
    if (cp_is_control(cp) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        (cp >= 0xE000 && cp <= 0xF8FF)) /* kitty's functional keys live in the private area */
        return DEC_SKIP;
    return key_char(ev, cp, mods);
}

/* The number keys of ESC [ n ~ (and rxvt's ESC [ n ^ / ESC [ n @). */
static DecResult tilde_key(unsigned n, unsigned mods, KeyEvent *ev)
{
    switch (n) {
    case 1:
    case 7: return key(ev, KC_HOME, mods);
    case 2: return key(ev, KC_INSERT, mods);
    case 3: return key(ev, KC_DELETE, mods);
    case 4:
    case 8: return key(ev, KC_END, mods);
    case 5: return key(ev, KC_PAGE_UP, mods);
    case 6: return key(ev, KC_PAGE_DOWN, mods);
    case 11: case 12: case 13: case 14: case 15:
        return key(ev, (KeyCode)(KC_F1 + (n - 11)), mods);
    case 17: case 18: case 19: case 20: case 21:
        return key(ev, (KeyCode)(KC_F1 + 5 + (n - 17)), mods);
    case 23:
    case 24: return key(ev, (KeyCode)(KC_F1 + 10 + (n - 23)), mods);
    default: return DEC_SKIP;
    }
}

/* Letter finals shared by CSI and SS3 (cursor keys, Home/End, F1-F4). */
static DecResult letter_key(unsigned char f, unsigned mods, KeyEvent *ev)
{
    switch (f) {
    case 'A': return key(ev, KC_UP, mods);
    case 'B': return key(ev, KC_DOWN, mods);
    case 'C': return key(ev, KC_RIGHT, mods);
    case 'D': return key(ev, KC_LEFT, mods);
    case 'H': return key(ev, KC_HOME, mods);
    case 'F': return key(ev, KC_END, mods);
    case 'P': return key(ev, KC_F1, mods);
    case 'Q': return key(ev, (KeyCode)(KC_F1 + 1), mods);
    case 'R': return key(ev, (KeyCode)(KC_F1 + 2), mods);
    case 'S': return key(ev, (KeyCode)(KC_F1 + 3), mods);
    default: return DEC_SKIP;
    }
}

#define MAX_FIELDS 4

/* The button byte of a mouse report (xterm ctlseqs, "Mouse Tracking"): the low two bits are
 * the button (3: none, a release in the old encoding), +4 Shift, +8 Meta, +16 Ctrl, +32
 * motion, +64 the wheel (64 up, 65 down; 66/67 sideways, dropped). */
static DecResult mouse_key(unsigned cb, unsigned x, unsigned y, bool release, KeyEvent *ev)
{
    if (x < 1 || y < 1 || x > 10000 || y > 10000)
        return DEC_SKIP;
    unsigned mods = 0;
    if (cb & 4) mods |= MOD_SHIFT;
    if (cb & 8) mods |= MOD_ALT;
    if (cb & 16) mods |= MOD_CTRL;
    unsigned btn = cb & 3;
    MouseKind kind;
    if (cb & 64) {
        if (btn > 1 || release)
            return DEC_SKIP;
        kind = btn == 0 ? MOUSE_WHEEL_UP : MOUSE_WHEEL_DOWN;
        btn = 0;
    } else if (cb & 32) {
        kind = btn == 3 ? MOUSE_MOVE : MOUSE_DRAG;
    } else if (release || btn == 3) {
        kind = MOUSE_RELEASE;
    } else {
        kind = MOUSE_PRESS;
    }
    ev->code = KC_MOUSE;
    ev->mods = mods;
    ev->mouse = (MouseEvent){kind, btn == 3 ? 0 : (int)btn, (int)x - 1, (int)y - 1};
    return DEC_KEY;
}

/* SGR mouse (mode 1006): CSI < b ; x ; y M (press, motion) or m (release), 1-based cells. */
static DecResult sgr_mouse(const unsigned char *p, size_t n, unsigned char f, KeyEvent *ev)
{
    unsigned v[3] = {0, 0, 0};
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (v[k] < 100000u)
                v[k] = v[k] * 10 + (p[i] - '0');
        } else if (p[i] == ';' && k < 2) {
            k++;
        } else {
            return DEC_SKIP;
        }
    }
    if (k != 2 || (f != 'M' && f != 'm'))
        return DEC_SKIP;
    return mouse_key(v[0], v[1], v[2], f == 'm', ev);
}

/* Splits "1;5" / "97:65;6" into numbers (the first sub-parameter of each field; an empty
 * field is 0). False for anything else: private markers, intermediates, too many fields. */
static bool parse_fields(const unsigned char *p, size_t n, unsigned *field, int *nfield)
{
    int nf = 0;
    bool sub = false;
    field[0] = 0;
    if (n == 0) {
        *nfield = 0;
        return true;
    }
    nf = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= '0' && c <= '9') {
            if (!sub && field[nf - 1] < 100000000u)
                field[nf - 1] = field[nf - 1] * 10 + (c - '0');
        } else if (c == ':') {
            sub = true;
        } else if (c == ';') {
            if (nf == MAX_FIELDS)
                return false;
            field[nf++] = 0;
            sub = false;
        } else {
            return false;
        }
    }
    *nfield = nf;
    return true;
}

/* A complete CSI: params[0..plen) then the final byte. */
static DecResult csi_key(const unsigned char *params, size_t plen, unsigned char f, KeyEvent *ev)
{
    unsigned field[MAX_FIELDS] = {0};
    int nf = 0;
    if (plen > 0 && params[0] == '<')
        return sgr_mouse(params + 1, plen - 1, f, ev);
    if (plen > 0 && params[0] == '?') {
        /* Answers to our queries (ui/keys.h): CSI ? flags u (kitty keyboard), CSI ? ... c
         * (primary device attributes). Any other report is dropped. */
        if (f == 'u' && parse_fields(params + 1, plen - 1, field, &nf) && nf == 1) {
            ev->cp = field[0];
            return DEC_REPLY_KITTY;
        }
        if (f == 'c')
            return DEC_REPLY_DA1;
        return DEC_SKIP;
    }
    if (!parse_fields(params, plen, field, &nf))
        return DEC_SKIP; /* private (<=>?), intermediates, malformed: mouse, reports, ... */
    unsigned mods = nf >= 2 ? xterm_mods(field[1]) : 0;
    switch (f) {
    case 'A': case 'B': case 'C': case 'D': case 'H': case 'F':
    case 'P': case 'Q': case 'R': case 'S':
        return letter_key(f, mods, ev);
    case 'Z': return key(ev, KC_TAB, mods | MOD_SHIFT);
    case 'I': return nf == 0 ? key(ev, KC_FOCUS_IN, 0) : DEC_SKIP;
    case 'O': return nf == 0 ? key(ev, KC_FOCUS_OUT, 0) : DEC_SKIP;
    case 'a': return nf == 0 ? key(ev, KC_UP, MOD_SHIFT) : DEC_SKIP; /* rxvt */
    case 'b': return nf == 0 ? key(ev, KC_DOWN, MOD_SHIFT) : DEC_SKIP;
    case 'c': return nf == 0 ? key(ev, KC_RIGHT, MOD_SHIFT) : DEC_SKIP;
    case 'd': return nf == 0 ? key(ev, KC_LEFT, MOD_SHIFT) : DEC_SKIP;
    case 'u': /* kitty: CSI cp ; mods u */
        if (nf == 0 || nf > 3)
            return DEC_SKIP;
        return decode_codepoint(field[0], mods, ev);
    case '~':
        if (nf == 1 && field[0] == 200)
            return DEC_MARK;
        if (nf == 3 && field[0] == 27) /* xterm modifyOtherKeys: CSI 27 ; mods ; cp ~ */
            return decode_codepoint(field[2], mods, ev);
        if (nf == 0 || nf > 2)
            return DEC_SKIP;
        return tilde_key(field[0], mods, ev);
    case '^': /* rxvt: Ctrl, Ctrl-Shift */
        return nf == 1 ? tilde_key(field[0], MOD_CTRL, ev) : DEC_SKIP;
    case '@':
        return nf == 1 ? tilde_key(field[0], MOD_CTRL | MOD_SHIFT, ev) : DEC_SKIP;
    default: return DEC_SKIP;
    }
}

/* b[0] = ESC, b[1] = '[' (or the C1 CSI C2 9B: see decode_c1, which drops what this finds). */
static DecResult decode_csi(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    if (n == 2)
        return DEC_MORE;
    if (b[2] == '[') { /* Linux console: ESC [ [ A..E = F1..F5 */
        if (n == 3)
            return DEC_MORE;
        *used = 4;
        if (b[3] >= 'A' && b[3] <= 'E')
            return key(ev, (KeyCode)(KC_F1 + (b[3] - 'A')), 0);
        if (b[3] >= 0x40 && b[3] <= 0x7e)
            return DEC_SKIP;
        *used = 3;
        return DEC_SKIP;
    }
    if (b[2] == 'M' && b[0] == ESC) {
        /* The old mouse report (no 1006): ESC [ M, then button, x and y as bytes + 32. */
        if (n < 6)
            return DEC_MORE;
        *used = 6;
        if (b[3] < 32 || b[4] < 33 || b[5] < 33)
            return DEC_SKIP;
        return mouse_key(b[3] - 32u, b[4] - 32u, b[5] - 32u, false, ev);
    }
    size_t i = 2;
    while (i < n && b[i] >= 0x20 && b[i] <= 0x3f)
        i++;
    if (i == n)
        return DEC_MORE;
    unsigned char f = b[i];
    if (f < 0x40 || f > 0x7e) {
        /* Not a sequence after all: ESC [ alone is Alt-[; anything longer is junk. The byte
         * that broke it (ESC, a control, UTF-8) is decoded afresh. */
        if (i == 2) {
            *used = 2;
            return key_char(ev, '[', MOD_ALT);
        }
        *used = i;
        return DEC_SKIP;
    }
    *used = i + 1;
    return csi_key(b + 2, i - 2, f, ev);
}

/* b[0] = ESC, b[1] = 'O'. SS3 carries one final byte; some terminals put a modifier digit in
 * between (ESC O 5 P), which we accept. */
static DecResult decode_ss3(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    size_t i = 2;
    while (i < n && i < 2 + SS3_MAX_PARAMS && ((b[i] >= '0' && b[i] <= '9') || b[i] == ';'))
        i++;
    if (i == n)
        return DEC_MORE;
    unsigned char f = b[i];
    if (f < 0x40 || f > 0x7e) {
        if (i == 2) { /* ESC O then something else: Alt-O */
            *used = 2;
            return key_char(ev, 'O', MOD_ALT);
        }
        *used = i;
        return DEC_SKIP;
    }
    *used = i + 1;
    unsigned m = 0;
    for (size_t k = 2; k < i; k++) { /* the last number is the modifier */
        if (b[k] == ';')
            m = 0;
        else
            m = m * 10 + (b[k] - '0');
    }
    unsigned mods = xterm_mods(m);
    if (f >= 'p' && f <= 'y') /* application keypad digits */
        return key_char(ev, '0' + (f - 'p'), mods);
    switch (f) {
    case 'M': return key(ev, KC_ENTER, mods);
    case 'X': return key_char(ev, '=', mods);
    case 'j': return key_char(ev, '*', mods);
    case 'k': return key_char(ev, '+', mods);
    case 'l': return key_char(ev, ',', mods);
    case 'm': return key_char(ev, '-', mods);
    case 'n': return key_char(ev, '.', mods);
    case 'o': return key_char(ev, '/', mods);
    case 'a': return key(ev, KC_UP, MOD_CTRL); /* rxvt */
    case 'b': return key(ev, KC_DOWN, MOD_CTRL);
    case 'c': return key(ev, KC_RIGHT, MOD_CTRL);
    case 'd': return key(ev, KC_LEFT, MOD_CTRL);
    default: return letter_key(f, mods, ev);
    }
}

/* A control string with a 2-byte introducer at b[0..2) (ESC ] or C2 9D ...): a terminal's
 * reply (OSC 11 colour, DECRQSS, XTGETTCAP, ...), never keys. It ends at ST (ESC \ or the C1
 * ST, C2 9C) or at BEL (xterm's OSC terminator, accepted for all five); CAN and SUB cancel it
 * (consumed, as VT parsers do), and so does any other ESC or UTF-8 C1 control, which is then
 * decoded afresh. Whatever way it ends, the whole string is dropped. An ESC form cancelled at
 * once (ESC ] ESC [ A) was the Alt key after all (Alt-], then Up). */
static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One component of X11's rgb: form: 1-4 hex digits, scaled to 8 bits (XParseColor: the value
 * over 16^digits - 1). Advances *p past the digits. */
static bool rgb_component(const unsigned char **p, const unsigned char *end, unsigned *out)
{
    unsigned v = 0, digits = 0;
    while (*p < end && hexval(**p) >= 0) {
        if (++digits > 4)
            return false;
        v = v * 16 + (unsigned)hexval(**p);
        (*p)++;
    }
    if (digits == 0)
        return false;
    unsigned max = (1u << (4 * digits)) - 1;
    *out = (v * 255 + max / 2) / max;
    return true;
}

bool key_parse_osc11(const unsigned char *p, size_t n, uint32_t *rgb)
{
    const unsigned char *end = p + n;
    static const char head[] = "11;rgb";
    if (n < sizeof head - 1 || memcmp(p, head, sizeof head - 1) != 0)
        return false;
    p += sizeof head - 1;
    int parts = 3;
    if (p < end && *p == 'a') { /* rgba:R/G/B/A (some terminals) */
        parts = 4;
        p++;
    }
    if (p >= end || *p++ != ':')
        return false;
    unsigned c[4] = {0};
    for (int k = 0; k < parts; k++) {
        if (k > 0 && (p >= end || *p++ != '/'))
            return false;
        if (!rgb_component(&p, end, &c[k]))
            return false;
    }
    if (p != end)
        return false;
    *rgb = (uint32_t)(c[0] << 16 | c[1] << 8 | c[2]);
    return true;
}

/* The payload b[2..end) of a control string that ended: OSC 11's answer is a reply to tell
 * apart (DEC_REPLY_BG, ev->cp = 0xRRGGBB); anything else is dropped. */
static DecResult string_end(const unsigned char *b, size_t end, KeyEvent *ev)
{
    bool osc = (b[0] == ESC && b[1] == ']') || (b[0] == 0xC2 && b[1] == 0x9D);
    uint32_t rgb;
    if (osc && key_parse_osc11(b + 2, end - 2, &rgb)) {
        ev->code = KC_NONE;
        ev->cp = rgb;
        return DEC_REPLY_BG;
    }
    return DEC_SKIP;
}

static DecResult decode_string(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    for (size_t i = 2; i < n; i++) {
        unsigned char c = b[i];
        if (c == BEL) {
            *used = i + 1;
            return string_end(b, i, ev);
        }
        if (c == CAN || c == SUB) {
            *used = i + 1;
            return DEC_SKIP;
        }
        if (c != ESC && c != 0xC2)
            continue;
        if (i + 1 == n)
            return DEC_MORE; /* ESC / C2 may begin ST */
        unsigned char c2 = b[i + 1];
        if ((c == ESC && c2 == '\\') || (c == 0xC2 && c2 == 0x9C)) {
            *used = i + 2;
            return string_end(b, i, ev);
        }
        if (c == 0xC2 && !(c2 >= 0x80 && c2 <= 0x9F))
            continue; /* U+00A0..U+00BF: text in the payload */
        if (i == 2 && b[0] == ESC) {
            *used = 2;
            return key_char(ev, b[1], MOD_ALT);
        }
        *used = i; /* cancelled: the ESC / C1 starts the next sequence */
        return DEC_SKIP;
    }
    return DEC_MORE;
}

/* b[0] = ESC, b[1] in 0x20-0x2F: an nF escape (ECMA-35 13.2: ESC, intermediates 0x20-0x2F,
 * a final 0x30-0x7E, e.g. ESC SP F, ESC ( B): a control function, never keys, dropped. One
 * broken off right after its first intermediate is Alt + that key (Alt-Space). */
static DecResult decode_nf(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    size_t i = 2;
    while (i < n && b[i] >= 0x20 && b[i] <= 0x2f)
        i++;
    if (i == n)
        return DEC_MORE;
    if (b[i] >= 0x30 && b[i] <= 0x7e) {
        *used = i + 1;
        return DEC_SKIP;
    }
    if (i == 2) {
        *used = 2;
        return key_char(ev, b[1], MOD_ALT);
    }
    *used = i;
    return DEC_SKIP;
}

/* b[0] = 0xC2, b[1] in 0x80-0x9F: a C1 control sent as UTF-8. Never a key: the string
 * introducers take their string, CSI (C2 9B) its parameters and final byte, SS2/SS3 (C2 8E,
 * C2 8F) their one character, all dropped whole; any other C1 is dropped alone. */
static DecResult decode_c1(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    unsigned char c = b[1];
    DecResult r;
    if (is_c1_string_intro(c)) {
        r = decode_string(b, n, ev, used);
    } else if (c == 0x9B) {
        r = decode_csi(b, n, ev, used);
    } else if (c == 0x8E || c == 0x8F) {
        if (n == 2)
            return DEC_MORE;
        *used = b[2] >= 0x20 && b[2] <= 0x7e ? 3 : 2;
        r = DEC_SKIP;
    } else {
        *used = 2;
        r = DEC_SKIP;
    }
    if (r == DEC_MORE || r == DEC_REPLY_BG)
        return r; /* OSC 11's answer in the C1 form (C2 9D ... C2 9C) is an answer too */
    *ev = (KeyEvent){0};
    return DEC_SKIP;
}

/* See ui/key_decode.h. */
DecResult key_decode(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    *ev = (KeyEvent){0};
    if (b[0] == 0xC2 && n >= 2 && b[1] >= 0x80 && b[1] <= 0x9f)
        return decode_c1(b, n, ev, used);
    if (b[0] != ESC)
        return decode_plain(b, n, ev, used);
    if (n == 1)
        return DEC_MORE;
    if (b[1] == '[')
        return decode_csi(b, n, ev, used);
    if (b[1] == 'O')
        return decode_ss3(b, n, ev, used);
    if (is_string_intro(b[1]))
        return decode_string(b, n, ev, used);
    if (b[1] >= 0x20 && b[1] <= 0x2f)
        return decode_nf(b, n, ev, used);
    if (b[1] == ESC) {
        if (n == 2)
            return DEC_MORE;
        if (b[2] == '[' || b[2] == 'O') { /* ESC + a sequence: the key with Alt */
            size_t u = 0;
            DecResult r = key_decode(b + 1, n - 1, ev, &u);
            if (r == DEC_MORE)
                return DEC_MORE;
            if (r == DEC_MARK) { /* Esc, then a paste */
                *used = 1;
                *ev = (KeyEvent){0};
                return key(ev, KC_ESC, 0);
            }
            *used = 1 + u;
            if (r == DEC_KEY)
                ev->mods |= MOD_ALT;
            return r;
        }
        *used = 1; /* ESC ESC x: Esc, then Alt-x */
        return key(ev, KC_ESC, 0);
    }
    size_t u = 0;
    DecResult r = decode_plain(b + 1, n - 1, ev, &u);
    if (r == DEC_MORE)
        return DEC_MORE;
    if (r == DEC_SKIP) { /* ESC + invalid UTF-8: Esc, and the junk is dropped next */
        *used = 1;
        *ev = (KeyEvent){0};
        return key(ev, KC_ESC, 0);
    }
    *used = 1 + u;
    ev->mods |= MOD_ALT;
    return DEC_KEY;
}
