/* UTF-8 decoding, encoding and display width (RFC 3629).
 *
 * Bytes that are not valid UTF-8 (stray continuation bytes, overlongs, surrogates, truncated
 * sequences, > U+10FFFF) decode one byte at a time as UTF8_RAW(byte), so text that is not
 * UTF-8 can be shown (as <xx>) and edited byte-wise, and survives a save untouched.
 * Widths come from the C library's wcwidth() so that they agree with what ncursesw draws;
 * the process must have an UTF-8 LC_CTYPE (app/ and the tests set one). */
#ifndef FLINT_CORE_UTF8_H
#define FLINT_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_RAW_FLAG 0x80000000u
#define UTF8_RAW(byte) (UTF8_RAW_FLAG | (uint32_t)(uint8_t)(byte))
#define UTF8_IS_RAW(cp) (((cp) & UTF8_RAW_FLAG) != 0)

/* Decodes one code point at s[0..len). Returns bytes consumed (1..4; 0 only when len == 0). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Start of the character that ends at s[pos] (pos > 0): the index of the previous character. */
size_t utf8_prev(const char *s, size_t pos);
/* Writes 1..4 bytes; returns the count (0 for an invalid code point). */
size_t utf8_encode(uint32_t cp, char out[4]);
bool utf8_valid(const char *s, size_t len);
/* Terminal columns: 0 for combining marks / zero-width, 1 or 2 for printable characters,
 * -1 for control characters and raw bytes (callers show those in an escaped form). */
int utf8_width(uint32_t cp);
/* Zero-width characters that attach to the previous cell (combining marks, ZWJ, VS16). */
bool utf8_is_combining(uint32_t cp);

/* Grapheme clusters: what a user sees as one character and expects to move over and delete
 * as one. A practical subset of UAX #29: a base and every extender after it (combining
 * marks, ZWJ, variation selectors, emoji skin-tone modifiers, tag characters), a ZWJ joining
 * the next character into the cluster (family and profession emoji), and regional
 * indicators paired from the start of their run (flags). Raw bytes, controls and '\n' are
 * clusters of their own. */
/* The end of the cluster that starts at pos (pos < len; len when pos >= len). */
size_t utf8_grapheme_next(const char *s, size_t len, size_t pos);
/* The start of the cluster that ends at pos (0 when pos == 0); pos on a code point
 * boundary: a cluster boundary, or inside a cluster (then that cluster's start). */
size_t utf8_grapheme_prev(const char *s, size_t len, size_t pos);
/* Columns the cluster s[0..len) takes on a terminal that draws clusters (kitty, WezTerm,
 * foot, iTerm2): 2 for a flag, an emoji ZWJ sequence, an emoji with VS16 or a skin tone;
 * else the base's utf8_display_width. */
int utf8_grapheme_width(const char *s, size_t len);

/* The one display rule for what may not reach the terminal as itself (the grid draws it, the
 * editor's caret counts it). Every code point with utf8_width(cp) < 0 is drawn as an ASCII
 * escape, one column per byte:
 *   C0 controls and DEL      "^X" caret notation: NUL "^@", ESC "^[", '\t' "^I", DEL "^?"
 *   raw bytes (bad UTF-8)    "<ff>" (two lower-case hex digits)
 *   everything else          C1 controls, bidi/format characters, unassigned code points:
 *                            "<U+202E>" (4 to 6 upper-case hex digits)
 * (A '\t' is normally expanded by the caller to the next tab stop before this rule applies.) */
#define UTF8_ESCAPE_MAX 12 /* "<U+10FFFF>" and its NUL, with room to spare */
/* Writes the escaped form of cp, NUL-terminated, to out and returns its length (= columns);
 * returns 0 and leaves out untouched when cp is drawn as itself (utf8_width(cp) >= 0). */
size_t utf8_escape(uint32_t cp, char out[UTF8_ESCAPE_MAX]);
/* Columns cp takes as drawn: utf8_width for printable characters (0 for combining marks,
 * which attach to the previous cell), else the length of utf8_escape. Never negative. */
int utf8_display_width(uint32_t cp);

#endif
