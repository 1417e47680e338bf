/* Keys: raw tty bytes -> KeyEvent, without ever blocking, and the key bindings.
 *
 * Data structure. d->buf[0..len) holds bytes not decoded yet; keys_next() decodes from its
 * front, one event per call, and a sequence cut off at the end of buf simply waits for more
 * bytes (keys_pending) or for keys_timeout(). The grammar is xterm's (ECMA-48 5.4 for CSI:
 * ESC [ parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E),
 * plus SS3 (ESC O x), ESC-prefixed Alt keys, the Linux console's ESC [ [ A..E, rxvt's
 * ESC [ a..d / ESC O a..d / ESC [ n ^, xterm modifyOtherKeys (ESC [ 27 ; m ; cp ~) and the
 * kitty keyboard protocol's basic form (ESC [ cp ; m u). What a terminal sends that is not a
 * key is recognised so that it can be dropped whole: control strings (ECMA-48 8.3: OSC ESC ],
 * DCS ESC P, APC ESC _, PM ESC ^, SOS ESC X) up to BEL or ST, nF escapes (ECMA-35: ESC,
 * intermediates 0x20-0x2F, a final byte) and C1 controls sent as UTF-8 (C2 80..C2 9F; the
 * string introducers and CSI among them take their payload with them).
 *
 * Invariants of buf:
 *  - Every ESC in buf starts a sequence or prefixes one (ESC ESC [ A = Alt-Up): a byte that
 *    cannot continue a sequence ends it (the sequence is dropped) and is decoded afresh.
 *  - Ordinary bytes fill buf only up to BUF_DATA_MAX. The rest of buf is head-room for the
 *    paste marker (6 bytes) and for keys_timeout()'s rewriting (at most +9 bytes).
 *  - The 6 bytes ESC [ 2 0 0 ~ in buf are a paste marker: keys_feed() turns a bracketed
 *    paste's opening sequence into a marker and diverts everything up to ESC [ 2 0 1 ~ into
 *    d->paste (any byte, ESC included, is paste text there). While in_paste, the marker is the
 *    last thing in buf; once paste_ready, keys_next() delivers KC_PASTE when it reaches the
 *    marker, so keys typed before and after a paste keep their order.
 *  - A CSI sequence longer than CSI_MAX bytes is collapsed in place to ESC [ ? (a private
 *    sequence we never map), so an endless run of parameter bytes costs no memory and is
 *    still dropped whole when its final byte arrives. Likewise an open control string keeps
 *    at most STR_MAX bytes of payload (compact_string: introducer, '.', its last byte) and an
 *    nF escape at most two intermediates.
 *
 * Timeouts. keys_timeout() rewrites the cut tail into complete sequences that mean what the
 * bytes meant on their own: a lone ESC becomes ESC [ 2 7 u (kitty's encoding of Esc),
 * ESC [ becomes Alt-[ (ESC [ 9 1 ; 3 u), ESC O Alt-O, a bare string introducer or nF
 * intermediate Alt + that key (ESC ] Alt-]); cut CSI/SS3 parameters, cut UTF-8 and cut C1
 * sequences are dropped. A control string cut after some payload is a terminal reply split by
 * a slow link: it stays pending until STRING_TIMEOUT_NS after the first timeout that found it
 * (then it is dropped), so the rest of it is never typed and its BEL is never Ctrl-G.
 * An open bracketed paste also counts as pending, but keys_timeout() closes it
 * only after PASTE_TIMEOUT_NS without a byte (a lost ESC [ 2 0 1 ~ must not swallow input
 * forever; a paste trickling in over a slow SSH link must not be split by the 25 ms Esc
 * timer, which the app re-arms for as long as keys_pending() says so).
 *
 * Bursts. A single keys_feed() of text that would overflow buf outside a bracketed paste is an
 * unbracketed paste (typing never delivers 200+ bytes in one read): the bytes of that call
 * still undecoded become one KC_PASTE, so pasted newlines cannot submit the prompt. A burst
 * that holds escape sequences is keys that piled up while the app was busy; it is never made
 * text: the oldest keys are dropped to make room (only when the app feeds without draining).
 * An unbracketed paste is text only up to the first ESC or C1 control of the call (other than
 * a bracketed paste's opening): the paste ends there and the rest of the call is keys, so
 * 240 x 'a' then ESC [ A is a paste of the 'a's and then Up (what of the rest does not fit
 * in buf is dropped from its end, so the keys keep their order).
 *
 * Pasted text is capped at PASTE_CAP bytes; the excess is dropped, but the closing sequence
 * is still recognised. KC_PASTE's text lives in d->paste and stays valid until the next
 * keys_next() (or a keys_feed() that opens another paste). */
#include "ui/keys.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/utf8.h"

#define ESC 0x1b
#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a
#define BUF_DATA_MAX (sizeof ((KeyDecoder *)0)->buf - 32)
#define CSI_MAX 32
#define STR_MAX 32
#define STRING_TIMEOUT_NS NS_PER_SEC
#define SS3_MAX_PARAMS 4
#define PASTE_CAP ((size_t)16 << 20)
#define PASTE_TIMEOUT_NS (2 * NS_PER_SEC)

static const char PASTE_START[] = "\033[200~";
static const char PASTE_END[] = "\033[201~";
#define MARK_LEN 6

typedef enum DecResult {
    DEC_MORE,  /* cut off: wait for more bytes (or keys_timeout) */
    DEC_KEY,   /* *ev holds a key */
    DEC_SKIP,  /* consumed bytes that mean nothing (unknown sequence, invalid UTF-8) */
    DEC_MARK,  /* the paste marker */
} DecResult;

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

static bool cp_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* One byte below 0x80 other than ESC: text or a C0 control key. */
static DecResult decode_ascii(unsigned char c, KeyEvent *ev)
{
    switch (c) {
    case 0x00: return key_char(ev, ' ', MOD_CTRL);
    case 0x08:
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

/* A code point reported by CSI u or modifyOtherKeys. */
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

/* The second byte of an ESC-form control string introducer (ECMA-48 5.6): ESC ] (OSC),
 * ESC P (DCS), ESC _ (APC), ESC ^ (PM), ESC X (SOS). */
static bool is_string_intro(unsigned char c)
{
    return c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X';
}

/* The same five as C1 controls, which a UTF-8 terminal sends as C2 9D, C2 90, C2 9F, C2 9E,
 * C2 98. */
static bool is_c1_string_intro(unsigned char c)
{
    return c == 0x9D || c == 0x90 || c == 0x9F || c == 0x9E || c == 0x98;
}

/* A control string with a 2-byte introducer at b[0..2) (ESC ] or C2 9D ...): a terminal's
 * reply (OSC 11 colour, DECRQSS, XTGETTCAP, ...), never keys. It ends at ST (ESC \ or the C1
 * ST, C2 9C) or at BEL (xterm's OSC terminator, accepted for all five); CAN and SUB cancel it
 * (consumed, as VT parsers do), and so does any other ESC or UTF-8 C1 control, which is then
 * decoded afresh. Whatever way it ends, the whole string is dropped. An ESC form cancelled at
 * once (ESC ] ESC [ A) was the Alt key after all (Alt-], then Up). */
static DecResult decode_string(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
{
    for (size_t i = 2; i < n; i++) {
        unsigned char c = b[i];
        if (c == BEL || c == CAN || c == SUB) {
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
            return DEC_SKIP;
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
    if (r == DEC_MORE)
        return r;
    *ev = (KeyEvent){0};
    return DEC_SKIP;
}

/* Decodes the event at the front of b[0..n), n > 0. Pure: used by keys_next to consume and
 * by keys_pending / keys_timeout to look. *used is set for DEC_KEY/SKIP/MARK. */
static DecResult decode(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used)
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
            DecResult r = decode(b + 1, n - 1, ev, &u);
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

/* --- the paste ------------------------------------------------------------------------- */

/* Appends one byte of paste text; past PASTE_CAP only a 6-byte window is kept, so the closing
 * sequence is still seen. True when the byte completed ESC [ 2 0 1 ~ (then removed). */
static bool paste_put(KeyDecoder *d, unsigned char c)
{
    StrBuf *p = &d->paste;
    if (p->len < PASTE_CAP + MARK_LEN) {
        sb_putc(p, (char)c);
    } else {
        memmove(p->data + PASTE_CAP, p->data + PASTE_CAP + 1, MARK_LEN - 1);
        p->data[PASTE_CAP + MARK_LEN - 1] = (char)c;
    }
    if (c == '~' && p->len >= MARK_LEN &&
        memcmp(p->data + p->len - MARK_LEN, PASTE_END, MARK_LEN) == 0) {
        sb_truncate(p, p->len - MARK_LEN);
        return true;
    }
    return false;
}

static void paste_close(KeyDecoder *d)
{
    sb_truncate(&d->paste, PASTE_CAP);
    d->in_paste = false;
    d->paste_ready = true;
}

/* Opens a paste whose marker belongs at buf[len]. A paste that is complete but not yet
 * taken absorbs the new one (its marker already stands earlier in buf). */
static void paste_open(KeyDecoder *d)
{
    d->in_paste = true;
    if (d->paste_ready) {
        d->paste_ready = false;
        return;
    }
    sb_reset(&d->paste);
    memcpy(d->buf + d->len, PASTE_START, MARK_LEN);
    d->len += MARK_LEN;
}

/* --- feeding ---------------------------------------------------------------------------- */

/* After a parameter/intermediate byte: collapse an overlong CSI at the tail to ESC [ ? (or
 * C2 9B ?), and an overlong run of nF intermediates to its first and last byte. */
static void compact_csi(KeyDecoder *d)
{
    size_t j = d->len;
    while (j > 0 && d->buf[j - 1] >= 0x20 && d->buf[j - 1] <= 0x3f)
        j--;
    if (d->len - j <= CSI_MAX || j == 0)
        return;
    if (j >= 2 && ((d->buf[j - 1] == '[' && d->buf[j - 2] == ESC) ||
                   (d->buf[j - 1] == 0x9B && d->buf[j - 2] == 0xC2))) {
        d->buf[j] = '?';
        d->len = j + 1;
        return;
    }
    if (d->buf[j - 1] == ESC) {
        for (size_t i = j; i < d->len; i++)
            if (d->buf[i] > 0x2f)
                return; /* not an open nF escape: it has had its final byte */
        d->buf[j + 1] = d->buf[d->len - 1];
        d->len = j + 2;
    }
}

/* After any byte: an open control string at the tail whose payload passed STR_MAX bytes keeps
 * only its introducer, one neutral byte and its last byte (which may begin ST: ESC or C2), so
 * an endless string costs no memory and is still dropped whole when it ends. The tail's
 * string, if any, starts at the last ESC or C1 in buf (either ends a string), and since this
 * runs after every byte, that is never more than STR_MAX + 4 bytes back. */
static void compact_string(KeyDecoder *d)
{
    size_t len = d->len;
    if (len < STR_MAX + 4)
        return;
    size_t lo = len - (STR_MAX + 4);
    for (size_t p = len - 2;; p--) { /* the last byte cannot start a complete introducer */
        unsigned char a = d->buf[p], b = d->buf[p + 1];
        bool esc = a == ESC, c1 = a == 0xC2 && b >= 0x80 && b <= 0x9f;
        if (esc || c1) {
            if (!(esc ? is_string_intro(b) : is_c1_string_intro(b)))
                return;
            if (len - (p + 2) <= STR_MAX)
                return;
            for (size_t i = p + 2; i < len; i++)
                if (d->buf[i] == BEL || d->buf[i] == CAN || d->buf[i] == SUB)
                    return; /* it has ended */
            d->buf[p + 2] = '.';
            d->buf[p + 3] = d->buf[len - 1];
            d->len = p + 4;
            return;
        }
        if (p == lo)
            return;
    }
}

/* The start of a sequence at b[0..n): ESC, or a C1 control in UTF-8 (C2 80..C2 9F). */
static bool seq_start(const unsigned char *b, size_t n)
{
    return b[0] == ESC || (b[0] == 0xC2 && n >= 2 && b[1] >= 0x80 && b[1] <= 0x9f);
}

/* An ESC or C1 control in buf[from..len) other than a paste marker. */
static bool has_escape(const KeyDecoder *d, size_t from)
{
    for (size_t i = from; i < d->len; i++)
        if (seq_start(d->buf + i, d->len - i) &&
            !(d->len - i >= MARK_LEN && memcmp(d->buf + i, PASTE_START, MARK_LEN) == 0))
            return true;
    return false;
}

/* Removes the first event in buf (the first after a waiting paste's marker, which must stay);
 * returns how many bytes went, from offset *at. */
static size_t drop_oldest(KeyDecoder *d, size_t *at)
{
    KeyEvent ev;
    size_t pos = 0, used = 0;
    DecResult r = decode(d->buf, d->len, &ev, &used);
    if (r == DEC_MARK) {
        pos = used;
        r = pos < d->len ? decode(d->buf + pos, d->len - pos, &ev, &used) : DEC_MORE;
    }
    if (r == DEC_MORE || used == 0)
        used = 1;
    if (pos + used > d->len)
        used = d->len - pos;
    memmove(d->buf + pos, d->buf + pos + used, d->len - pos - used);
    d->len -= used;
    *at = pos;
    return used;
}

void keys_init(KeyDecoder *d)
{
    memset(d, 0, sizeof *d);
}

void keys_free(KeyDecoder *d)
{
    sb_free(&d->paste);
    memset(d, 0, sizeof *d);
}

/* True when s[0..n) begins a sequence that an unbracketed paste must not swallow: any ESC
 * or C1 control except a whole ESC [ 2 0 0 ~ (a bracketed paste right after the burst). */
static bool burst_ends_at(const unsigned char *s, size_t n)
{
    if (!seq_start(s, n))
        return false;
    return !(n >= MARK_LEN && memcmp(s, PASTE_START, MARK_LEN) == 0);
}

void keys_feed(KeyDecoder *d, const char *bytes, size_t n)
{
    const unsigned char *s = (const unsigned char *)bytes;
    bool burst = false;         /* an unbracketed paste opened by this call */
    bool keys_only = false;     /* a burst of this call was cut by a sequence: no more pastes */
    size_t burst_from = d->len; /* where this call's undecoded ordinary bytes begin in buf */
    if (n > 0)
        d->fed_ns = clock_now_ns();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (d->in_paste && burst && burst_ends_at(s + i, n - i)) {
            /* An unbracketed paste is text: it ends where an escape sequence begins, and the
             * rest of this read is decoded as keys (typing behind the paste, a reply). */
            paste_close(d);
            burst = false;
            keys_only = true;
            burst_from = d->len;
        }
        if (d->in_paste) {
            if (paste_put(d, c)) {
                d->in_paste = false;
                d->paste_ready = true;
                burst = false;
                burst_from = d->len;
            } else if (burst && c == '~' && d->paste.len >= MARK_LEN &&
                       memcmp(d->paste.data + d->paste.len - MARK_LEN, PASTE_START, MARK_LEN) ==
                           0) {
                /* A bracketed paste inside a burst: drop its opening, wait for its end. */
                sb_truncate(&d->paste, d->paste.len - MARK_LEN);
                burst = false;
            }
            continue;
        }
        if (d->len < BUF_DATA_MAX) {
            d->buf[d->len++] = c;
            if (c == '~' && d->len >= MARK_LEN &&
                memcmp(d->buf + d->len - MARK_LEN, PASTE_START, MARK_LEN) == 0) {
                d->len -= MARK_LEN;
                paste_open(d);
                burst_from = d->len;
            } else if (c >= 0x20 && c <= 0x3f) {
                compact_csi(d);
            }
            compact_string(d);
            continue;
        }
        /* buf is full. A burst of text is an unbracketed paste: this call's bytes still in
         * buf become the start of the paste text. A burst holding escape sequences is keys
         * piled up while the app was busy (a held arrow key): those are never made text; the
         * oldest key is dropped to make room instead. */
        if (keys_only)
            continue; /* keys behind a cut burst: the ones that do not fit are dropped */
        size_t from = burst_from < d->len ? burst_from : d->len;
        if (has_escape(d, from)) {
            size_t at, gone = drop_oldest(d, &at);
            if (gone > 0) {
                if (at < burst_from)
                    burst_from = burst_from - at < gone ? at : burst_from - gone;
                i--;
                continue;
            }
        }
        bool merge = d->paste_ready;
        if (!merge)
            sb_reset(&d->paste);
        sb_append(&d->paste, (const char *)d->buf + from, d->len - from);
        sb_truncate(&d->paste, PASTE_CAP); /* keeps paste_put's closing-sequence window */
        d->len = from;
        if (merge) {
            d->paste_ready = false;
            d->in_paste = true;
        } else {
            memcpy(d->buf + d->len, PASTE_START, MARK_LEN);
            d->len += MARK_LEN;
            d->in_paste = true;
        }
        burst = true;
        i--; /* this byte is paste text: take it through the branch above */
    }
    if (burst && d->in_paste)
        paste_close(d);
}

/* --- taking events ---------------------------------------------------------------------- */

static void consume(KeyDecoder *d, size_t used)
{
    if (used > d->len)
        used = d->len;
    memmove(d->buf, d->buf + used, d->len - used);
    d->len -= used;
    d->string_since_ns = 0; /* whatever string waited has been taken */
}

bool keys_next(KeyDecoder *d, KeyEvent *out)
{
    if (!d->in_paste && !d->paste_ready)
        sb_reset(&d->paste); /* the last KC_PASTE's text expires now */
    while (d->len > 0) {
        KeyEvent ev;
        size_t used = 0;
        DecResult r = decode(d->buf, d->len, &ev, &used);
        if (r == DEC_MORE)
            return false;
        if (r == DEC_MARK) {
            if (d->in_paste)
                return false; /* the paste is still arriving; later keys wait behind it */
            consume(d, used);
            if (!d->paste_ready)
                continue;
            d->paste_ready = false;
            if (d->paste.len == 0)
                continue; /* an empty paste is nothing */
            *out = (KeyEvent){.code = KC_PASTE, .text = d->paste.data, .text_len = d->paste.len};
            return true;
        }
        consume(d, used);
        if (r == DEC_KEY) {
            *out = ev;
            return true;
        }
    }
    return false;
}

/* Start of the cut-off sequence at the end of buf, or len when there is none. An open
 * paste's marker ends the scan (nothing follows it). */
static size_t pending_start(const KeyDecoder *d)
{
    size_t pos = 0;
    while (pos < d->len) {
        KeyEvent ev;
        size_t used = 0;
        DecResult r = decode(d->buf + pos, d->len - pos, &ev, &used);
        if (r == DEC_MORE)
            return pos;
        if (r == DEC_MARK && d->in_paste)
            return d->len;
        pos += used;
    }
    return d->len;
}

bool keys_pending(const KeyDecoder *d)
{
    return d->in_paste || pending_start(d) < d->len;
}

/* Alt + the ASCII key c, as kitty encodes it: ESC [ c ; 3 u (at most 8 bytes). */
static size_t put_alt(unsigned char c, unsigned char *out)
{
    char tmp[16];
    int k = snprintf(tmp, sizeof tmp, "\033[%u;3u", (unsigned)c);
    memcpy(out, tmp, (size_t)k);
    return (size_t)k;
}

/* What a cut tail means when nothing more comes; writes at most 16 bytes to out. The tail is
 * one cut sequence, or ESC + one (ESC ESC [). */
static size_t resolve_tail(const unsigned char *t, size_t n, unsigned char *out)
{
    static const char esc_key[] = "\033[27u";
    if (n == 0 || t[0] != ESC)
        return 0; /* cut UTF-8 or a cut C1 sequence: dropped */
    if (n == 1) {
        memcpy(out, esc_key, 5);
        return 5;
    }
    if (t[1] == ESC) {
        memcpy(out, esc_key, 5);
        return 5 + resolve_tail(t + 1, n - 1, out + 5);
    }
    if (t[1] == '[' || t[1] == 'O' || is_string_intro(t[1]) || (t[1] >= 0x20 && t[1] <= 0x2f)) {
        /* ESC [, ESC O, ESC ], ESC P, ESC SP ... alone: Alt + that key */
        if (n == 2)
            return put_alt(t[1], out);
        if (is_string_intro(t[1]) && n == 3 && t[2] == ESC) { /* Alt-], then Esc */
            size_t k = put_alt(t[1], out);
            memcpy(out + k, esc_key, 5);
            return k + 5;
        }
        return 0; /* a cut sequence with parameters or payload: dropped */
    }
    memcpy(out, esc_key, 5); /* ESC + cut UTF-8: Esc */
    return 5;
}

/* A control string cut with some payload (not just ESC ] or ESC ] ESC): the rest of a
 * terminal's reply is on its way, perhaps over a slow link. */
static bool string_waits(const unsigned char *t, size_t n)
{
    if (n < 3 || t[2] == ESC)
        return false;
    return (t[0] == ESC && is_string_intro(t[1])) || (t[0] == 0xC2 && is_c1_string_intro(t[1]));
}

void keys_timeout(KeyDecoder *d)
{
    if (d->in_paste) {
        if (clock_now_ns() - d->fed_ns >= PASTE_TIMEOUT_NS)
            paste_close(d); /* the closing ESC [ 2 0 1 ~ was lost */
        return;
    }
    size_t p = pending_start(d);
    if (p >= d->len) {
        d->string_since_ns = 0;
        return;
    }
    if (string_waits(d->buf + p, d->len - p)) {
        /* A reply cut by a slow link stays pending (its rest would otherwise be typed, and
         * its BEL read as Ctrl-G) until STRING_TIMEOUT_NS after the first timeout saw it. */
        uint64_t now = clock_now_ns();
        if (d->string_since_ns == 0) {
            d->string_since_ns = now ? now : 1;
            return;
        }
        if (now - d->string_since_ns < STRING_TIMEOUT_NS)
            return;
    }
    d->string_since_ns = 0;
    unsigned char out[32];
    size_t k = resolve_tail(d->buf + p, d->len - p, out);
    /* The tail is at most 3 bytes when it grows (ESC ESC [, ESC ] ESC), and BUF_DATA_MAX
     * leaves room; stay safe anyway. */
    if (k > sizeof d->buf - p)
        k = 0;
    memcpy(d->buf + p, out, k);
    d->len = p + k;
}

/* --- names and bindings ----------------------------------------------------------------- */

static const char *key_name(KeyCode code)
{
    switch (code) {
    case KC_NONE: return "None";
    case KC_CHAR: return "";
    case KC_ENTER: return "Enter";
    case KC_TAB: return "Tab";
    case KC_BACKSPACE: return "Backspace";
    case KC_DELETE: return "Delete";
    case KC_INSERT: return "Insert";
    case KC_ESC: return "Esc";
    case KC_UP: return "Up";
    case KC_DOWN: return "Down";
    case KC_LEFT: return "Left";
    case KC_RIGHT: return "Right";
    case KC_HOME: return "Home";
    case KC_END: return "End";
    case KC_PAGE_UP: return "PgUp";
    case KC_PAGE_DOWN: return "PgDn";
    case KC_PASTE: return "Paste";
    case KC_FOCUS_IN: return "FocusIn";
    case KC_FOCUS_OUT: return "FocusOut";
    default: return NULL;
    }
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

static Command edit_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 's': return CMD_SAVE;
    case 'q': return CMD_QUIT;
    case 'z': return CMD_UNDO;
    case 'y': return CMD_REDO;
    case 'k': return CMD_ASK;
    case 'g': return CMD_INTERRUPT;
    case 'c': return CMD_INTERRUPT; /* what Codex and shells taught; never quits (Ctrl-Q does) */
    case 'l': return CMD_REDRAW;
    case 'h': return CMD_BACKSPACE; /* Ctrl-H from a kitty-protocol terminal */
    default: return CMD_NONE;
    }
}

static Command prompt_ctrl_char(uint32_t cp)
{
    switch (cp) {
    case 'g': return CMD_INTERRUPT;
    case 'c': return CMD_INTERRUPT;
    case 'a': return CMD_HOME;
    case 'e': return CMD_END;
    case 'q': return CMD_QUIT;
    case 'l': return CMD_REDRAW;
    case 'h': return CMD_BACKSPACE;
    default: return CMD_NONE;
    }
}

static Command edit_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return edit_ctrl_char(k->cp);
        return (ctrl || alt) ? CMD_NONE : CMD_INSERT;
    case KC_PASTE: return CMD_PASTE;
    case KC_ENTER: return CMD_NEWLINE;
    case KC_TAB: return (k->mods & MOD_SHIFT) ? CMD_NONE : CMD_TAB;
    case KC_BACKSPACE: return CMD_BACKSPACE;
    case KC_DELETE: return CMD_DELETE;
    case KC_UP: return alt ? CMD_MODEL_SCROLL_UP : CMD_UP;
    case KC_DOWN: return alt ? CMD_MODEL_SCROLL_DOWN : CMD_DOWN;
    case KC_LEFT: return ctrl ? CMD_WORD_LEFT : CMD_LEFT;
    case KC_RIGHT: return ctrl ? CMD_WORD_RIGHT : CMD_RIGHT;
    case KC_HOME: return ctrl ? CMD_TOP : CMD_HOME;
    case KC_END: return alt ? CMD_MODEL_FOLLOW : ctrl ? CMD_BOTTOM : CMD_END;
    case KC_PAGE_UP: return alt ? CMD_MODEL_SCROLL_UP : CMD_PAGE_UP;
    case KC_PAGE_DOWN: return alt ? CMD_MODEL_SCROLL_DOWN : CMD_PAGE_DOWN;
    case KC_ESC: return CMD_INTERRUPT;
    case KC_F1: return CMD_HELP;
    default: return CMD_NONE;
    }
}

static Command prompt_command(const KeyEvent *k)
{
    bool ctrl = k->mods & MOD_CTRL, alt = k->mods & MOD_ALT;
    switch (k->code) {
    case KC_CHAR:
        if (ctrl && !alt)
            return prompt_ctrl_char(k->cp);
        return (ctrl || alt) ? CMD_NONE : CMD_INSERT;
    case KC_PASTE: return CMD_PASTE;
    case KC_ENTER: return CMD_SUBMIT;
    case KC_ESC: return CMD_CANCEL;
    case KC_BACKSPACE: return CMD_BACKSPACE;
    case KC_DELETE: return CMD_DELETE;
    case KC_LEFT: return CMD_LEFT;
    case KC_RIGHT: return CMD_RIGHT;
    case KC_HOME: return CMD_HOME;
    case KC_END: return CMD_END;
    case KC_UP: return CMD_HISTORY_PREV;
    case KC_DOWN: return CMD_HISTORY_NEXT;
    default: return CMD_NONE;
    }
}

Command keys_command(KeyMode mode, const KeyEvent *k)
{
    return mode == KEYMODE_PROMPT ? prompt_command(k) : edit_command(k);
}
