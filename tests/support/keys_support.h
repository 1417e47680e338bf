/* Shared by the key tests (test_keys*.c, test_keybind.c): feeding bytes to a
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

/* Feeds s[0..n) to d in three pieces cut at c1 <= c2, draining after each; *now (the test's
 * fake clock) moves 1 ms before each of the last two. The plain characters that came go to
 * typed (NUL-terminated, at most size - 1); false when any other event came (Esc too, unless
 * esc_ok: the Esc-at-once mode may see one). For the terminal's replies split among keys. */
bool feed_in_three(KeyDecoder *d, const char *s, size_t n, size_t c1, size_t c2,
                   uint64_t *now, bool esc_ok, char *typed, size_t size);

#endif
