/* Key decoding: the pure grammar behind the key decoder (ui/keys.c). key_decode() turns the
 * bytes at the front of a buffer into one event, or says they are cut off (DEC_MORE), mean
 * nothing (DEC_SKIP) or are the paste marker (DEC_MARK). It keeps no state: ui/keys.c owns the
 * buffer, the paste and the timeouts. Internal to ui/keys.c and ui/key_decode.c;
 * other code uses ui/keys.h. */
#ifndef FLINT_UI_KEY_DECODE_H
#define FLINT_UI_KEY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/key.h"

#define ESC 0x1b
#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a

typedef enum DecResult {
    DEC_MORE,  /* cut off: wait for more bytes (or keys_timeout) */
    DEC_KEY,   /* *ev holds a key */
    DEC_SKIP,  /* consumed bytes that mean nothing (unknown sequence, invalid UTF-8) */
    DEC_MARK,  /* the paste marker */
    DEC_REPLY_KITTY, /* the kitty keyboard flags (CSI ? flags u): ev->cp holds the flags */
    DEC_REPLY_DA1,   /* a primary device attributes answer (CSI ? ... c) */
    DEC_REPLY_BG,    /* OSC 11's answer (the background colour): ev->cp holds 0xRRGGBB */
} DecResult;

/* Decodes the event at the front of b[0..n), n > 0. Pure: used by keys_next to consume and
 * by keys_pending / keys_timeout to look. *used is set for every result but DEC_MORE. */
DecResult key_decode(const unsigned char *b, size_t n, KeyEvent *ev, size_t *used);
/* The payload of OSC 11's answer, p[0..n) between ESC ] and BEL/ST: "11;rgb:R/G/B" with 1-4
 * hex digits a component (X11's form, scaled to 8 bits), or "11;rgba:R/G/B/A". True with
 * *rgb = 0xRRGGBB; false for anything else. Pure (tests, fuzz). */
bool key_parse_osc11(const unsigned char *p, size_t n, uint32_t *rgb);

/* The second byte of an ESC-form control string introducer (ECMA-48 5.6): ESC ] (OSC),
 * ESC P (DCS), ESC _ (APC), ESC ^ (PM), ESC X (SOS). */
static inline bool is_string_intro(unsigned char c)
{
    return c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X';
}

/* The same five as C1 controls, which a UTF-8 terminal sends as C2 9D, C2 90, C2 9F, C2 9E,
 * C2 98. */
static inline bool is_c1_string_intro(unsigned char c)
{
    return c == 0x9D || c == 0x90 || c == 0x9F || c == 0x9E || c == 0x98;
}

#endif
