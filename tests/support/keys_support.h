/* Shared by test_keys.c (the decoder) and test_keybind.c (the bindings): feeding bytes to a
 * KeyDecoder whole, byte by byte or cut at given points, and collecting the events it gives
 * (Ev copies a paste's first bytes, so events can be compared after the decoder is gone).
 * Part of flint_test_support (tests/support/keys_support.c). */
#ifndef FLINT_TESTS_SUPPORT_KEYS_SUPPORT_H
#define FLINT_TESTS_SUPPORT_KEYS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ui/keys.h"

typedef struct Ev {
    KeyCode code;
    uint32_t cp;
    unsigned mods;
    char text[256]; /* KC_PASTE: the first bytes */
    size_t text_len;
} Ev;

#define MAX_EV 256

typedef struct Evs {
    Ev ev[MAX_EV];
    int n;
} Evs;

void drain(KeyDecoder *d, Evs *out);

/* Feeds s[0..n) in pieces cut at the given offsets (sorted, within 0..n), draining after each
 * piece; then, if asked, the timeout. */
void run_split(const char *s, size_t n, const size_t *cuts, int ncuts,
                             bool timeout, Evs *out);

void run_whole(const char *s, size_t n, bool timeout, Evs *out);

void run_bytewise(const char *s, size_t n, bool timeout, Evs *out);

bool evs_equal(const Evs *a, const Evs *b);

#endif
