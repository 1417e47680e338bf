/* Key decoder test helpers (keys_support.h); no state of their own. */
#include "support/keys_support.h"

#include <string.h>

#include "core/clock.h"

void drain(KeyDecoder *d, Evs *out)
{
    KeyEvent k;
    while (keys_next(d, &k)) {
        if (out->n == MAX_EV)
            continue;
        Ev *e = &out->ev[out->n++];
        memset(e, 0, sizeof *e);
        e->code = k.code;
        e->cp = k.cp;
        e->mods = k.mods;
        e->text_len = k.text_len;
        if (k.code == KC_PASTE)
            memcpy(e->text, k.text, k.text_len < sizeof e->text ? k.text_len : sizeof e->text);
    }
}

void run_split(const char *s, size_t n, const size_t *cuts, int ncuts,
                             bool timeout, Evs *out)
{
    KeyDecoder d;
    keys_init(&d);
    memset(out, 0, sizeof *out);
    size_t at = 0;
    for (int i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        keys_feed(&d, s + at, end - at);
        drain(&d, out);
        at = end;
    }
    if (timeout) {
        keys_timeout(&d);
        drain(&d, out);
    }
    keys_free(&d);
}

void run_whole(const char *s, size_t n, bool timeout, Evs *out)
{
    run_split(s, n, NULL, 0, timeout, out);
}

void run_bytewise(const char *s, size_t n, bool timeout, Evs *out)
{
    KeyDecoder d;
    keys_init(&d);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        keys_feed(&d, s + i, 1);
        drain(&d, out);
    }
    if (timeout) {
        keys_timeout(&d);
        drain(&d, out);
    }
    keys_free(&d);
}

bool evs_equal(const Evs *a, const Evs *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++) {
        const Ev *x = &a->ev[i], *y = &b->ev[i];
        if (x->code != y->code || x->cp != y->cp || x->mods != y->mods ||
            x->text_len != y->text_len || memcmp(x->text, y->text, sizeof x->text) != 0)
            return false;
    }
    return true;
}

bool feed_in_three(KeyDecoder *d, const char *s, size_t n, size_t c1, size_t c2,
                   uint64_t *now, bool esc_ok, char *typed, size_t size)
{
    static Evs e;
    e.n = 0;
    keys_feed(d, s, c1);
    drain(d, &e);
    *now += NS_PER_MS;
    keys_feed(d, s + c1, c2 - c1);
    drain(d, &e);
    *now += NS_PER_MS;
    keys_feed(d, s + c2, n - c2);
    drain(d, &e);
    size_t nt = 0;
    bool only_typed = true;
    for (int i = 0; i < e.n; i++) {
        if (e.ev[i].code == KC_CHAR && e.ev[i].mods == 0 && nt + 1 < size)
            typed[nt++] = (char)e.ev[i].cp;
        else if (!(esc_ok && e.ev[i].code == KC_ESC))
            only_typed = false;
    }
    typed[nt] = '\0';
    return only_typed;
}
