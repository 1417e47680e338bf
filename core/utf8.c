#include "core/utf8.h"

#include <wchar.h>

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = UTF8_RAW(c);
        return 1;
    }
    if (len < need) {
        *cp = UTF8_RAW(c);
        return 1;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = UTF8_RAW(c);
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = UTF8_RAW(c);
        return 1;
    }
    *cp = v;
    return need;
}

size_t utf8_prev(const char *s, size_t pos)
{
    if (pos == 0)
        return 0;
    /* Walk back over at most 3 continuation bytes, then check that the sequence decodes to
     * exactly the bytes up to pos; otherwise the last byte stands alone (a raw byte). */
    size_t start = pos - 1;
    size_t limit = pos >= 4 ? pos - 4 : 0;
    while (start > limit && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    uint32_t cp;
    if (utf8_decode(s + start, pos - start, &cp) == pos - start)
        return start;
    return pos - 1;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

bool utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (UTF8_IS_RAW(cp))
            return false;
    }
    return true;
}

/* Invisible format characters (Unicode category Cf: bidi embeddings and overrides, zero-width
 * spaces, BOM, interlinear annotation). Model text could use them to hide or reorder what
 * the user reads, so they are shown escaped instead of passed through. ZWJ is kept. */
static bool is_format_char(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F && cp != 0x200D) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
           cp == 0x00AD || cp == 0x061C || (cp >= 0xE0000 && cp <= 0xE007F);
}

bool utf8_is_combining(uint32_t cp)
{
    if (UTF8_IS_RAW(cp) || cp < 0x300 || is_format_char(cp))
        return false;
    if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF))
        return true; /* ZWJ, variation selectors, skin-tone modifiers */
    return wcwidth((wchar_t)cp) == 0;
}

int utf8_width(uint32_t cp)
{
    if (UTF8_IS_RAW(cp) || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return -1;
    if (cp < 0x7F)
        return 1;
    if (is_format_char(cp))
        return -1;
    if (utf8_is_combining(cp))
        return 0;
    int w = wcwidth((wchar_t)cp);
    if (w < 0) {
        /* Unassigned or format characters (bidi controls, etc.): treat as controls so
         * they are shown escaped and can never reorder the terminal's output. */
        return -1;
    }
    return w > 2 ? 2 : w;
}

static const char utf8_hex[] = "0123456789abcdef";

size_t utf8_escape(uint32_t cp, char out[UTF8_ESCAPE_MAX])
{
    if (UTF8_IS_RAW(cp)) {
        uint8_t byte = (uint8_t)cp;
        out[0] = '<';
        out[1] = utf8_hex[byte >> 4];
        out[2] = utf8_hex[byte & 15];
        out[3] = '>';
        out[4] = '\0';
        return 4;
    }
    if (cp < 0x20 || cp == 0x7F) {
        out[0] = '^';
        out[1] = (char)(cp ^ 0x40); /* caret notation: ESC 0x1B -> '[', DEL 0x7F -> '?' */
        out[2] = '\0';
        return 2;
    }
    if (utf8_width(cp) >= 0)
        return 0;
    size_t digits = cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;
    size_t n = 0;
    out[n++] = '<';
    out[n++] = 'U';
    out[n++] = '+';
    for (size_t i = digits; i-- > 0;) {
        char c = utf8_hex[(cp >> (4 * i)) & 15];
        out[n++] = c >= 'a' ? (char)(c - 'a' + 'A') : c;
    }
    out[n++] = '>';
    out[n] = '\0';
    return n;
}

int utf8_display_width(uint32_t cp)
{
    if (cp >= 0x20 && cp < 0x7F)
        return 1; /* printable ASCII: the common case, no table lookups */
    char esc[UTF8_ESCAPE_MAX];
    size_t n = utf8_escape(cp, esc);
    return n ? (int)n : utf8_width(cp);
}

/* --- grapheme clusters ---------------------------------------------------------------------- */

static bool utf8_is_ri(uint32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

/* Extends the cluster before it: combining marks, ZWJ, VS, skin tones (utf8_is_combining),
 * and the tag characters of subdivision flags. */
static bool utf8_is_extend(uint32_t cp)
{
    return !UTF8_IS_RAW(cp) && (utf8_is_combining(cp) || (cp >= 0xE0020 && cp <= 0xE007F));
}

size_t utf8_grapheme_next(const char *s, size_t len, size_t pos)
{
    if (pos >= len)
        return len;
    uint32_t cp;
    pos += utf8_decode(s + pos, len - pos, &cp);
    if (UTF8_IS_RAW(cp) || cp < 0x20 || cp == 0x7F)
        return pos; /* a raw byte or a control stands alone */
    if (utf8_is_ri(cp) && pos < len) {
        uint32_t c2;
        size_t n = utf8_decode(s + pos, len - pos, &c2);
        if (utf8_is_ri(c2))
            pos += n; /* the pair is one flag */
        return pos;
    }
    while (pos < len) {
        uint32_t c;
        size_t n = utf8_decode(s + pos, len - pos, &c);
        if (!utf8_is_extend(c))
            break;
        pos += n;
        if (c == 0x200D && pos < len) { /* ZWJ: the next character joins */
            uint32_t j;
            size_t m = utf8_decode(s + pos, len - pos, &j);
            if (!UTF8_IS_RAW(j) && j >= 0x20 && j != 0x7F && !utf8_is_extend(j))
                pos += m;
        }
    }
    return pos;
}

size_t utf8_grapheme_prev(const char *s, size_t len, size_t pos)
{
    if (pos == 0)
        return 0;
    if (pos > len)
        pos = len;
    /* Back to a position that is surely a boundary: a character that is no extender, not
     * joined by a ZWJ before it, and not inside a run of regional indicators (a run pairs
     * from its start). Then forward, cluster by cluster, to the last start before pos. */
    size_t j = pos;
    for (;;) {
        j = utf8_prev(s, j);
        if (j == 0)
            break;
        uint32_t cp, pc;
        utf8_decode(s + j, len - j, &cp);
        size_t pj = utf8_prev(s, j);
        utf8_decode(s + pj, len - pj, &pc);
        if (utf8_is_extend(cp) && !UTF8_IS_RAW(pc) && pc >= 0x20 && pc != 0x7F)
            continue;
        if (pc == 0x200D)
            continue;
        if (utf8_is_ri(cp) && utf8_is_ri(pc))
            continue;
        break;
    }
    size_t start = j;
    for (;;) {
        size_t next = utf8_grapheme_next(s, len, start);
        if (next >= pos || next == start)
            return start;
        start = next;
    }
}

int utf8_grapheme_width(const char *s, size_t len)
{
    uint32_t cp;
    size_t n = utf8_decode(s, len, &cp);
    if (n == 0)
        return 0;
    int w = utf8_display_width(cp);
    if (n == len || w < 0)
        return w;
    if (utf8_is_ri(cp))
        return 2; /* a flag */
    for (size_t i = n; i < len;) {
        uint32_t c;
        i += utf8_decode(s + i, len - i, &c);
        if (c == 0x200D || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF))
            return 2; /* joined, emoji presentation, skin tone */
    }
    return w;
}
