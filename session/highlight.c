/* Highlighter: line start states with incremental re-validation (see highlight.h).
 *
 * Data. st[0, n) are the cached start states of lines [0, n); st[0] is always 0, so n >= 1.
 * dirty[0, ndirty) are suspect points, sorted by `from`, all in [1, n): a point {from, force}
 * says st[from] may be wrong and so may the states after it, until a recomputed state matches
 * the cached one at a line >= force (lines in [from, force) were inserted by an edit: their
 * cached values are placeholders that must never be trusted, even when they happen to match).
 *
 * Invariant: st[i] (i < n) is the true start state of line i unless some dirty point has
 * from <= i. Re-validating the first point recomputes st[from] from st[from - 1] and line
 * from - 1 (both right, by the invariant): a match at from >= force resolves the point,
 * anything else stores the new state and moves the point one line on (merging into the next
 * point when it reaches it, dropping it at n: past n nothing is cached).
 *
 * Too many suspect points (a replace-all far from the view) fold into one: everything from
 * the first is dropped (n = its from), which is always correct, only less incremental. */
#include "session/highlight.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define HL_MAX_DIRTY 16

typedef struct HlDirty {
    size_t from, force;
} HlDirty;

struct Highlighter {
    HlStepFn step;
    const void *lang;
    const Text *text;    /* the Text synced last (identity only) */
    uint64_t seen;       /* its edit count then */
    uint16_t *st;
    size_t n, cap;
    HlDirty dirty[HL_MAX_DIRTY];
    size_t ndirty;
};

Highlighter *highlighter_new(HlStepFn step, const void *lang)
{
    Highlighter *h = xcalloc(1, sizeof *h);
    h->step = step;
    h->lang = lang;
    highlighter_reset(h);
    return h;
}

void highlighter_free(Highlighter *h)
{
    if (!h)
        return;
    free(h->st);
    free(h);
}

void highlighter_reset(Highlighter *h)
{
    h->st = xgrow(h->st, &h->cap, 1, sizeof *h->st);
    h->st[0] = 0;
    h->n = 1;
    h->ndirty = 0;
}

size_t highlighter_cached(const Highlighter *h) { return h->n; }

size_t highlighter_settled(const Highlighter *h)
{
    return h->ndirty ? h->dirty[0].from : h->n;
}

/* Adds a suspect point, keeping the list sorted and merged. */
static void add_dirty(Highlighter *h, size_t from, size_t force)
{
    if (from >= h->n)
        return; /* nothing cached there */
    size_t i = 0;
    while (i < h->ndirty && h->dirty[i].from < from)
        i++;
    if (i < h->ndirty && h->dirty[i].from == from) {
        if (force > h->dirty[i].force)
            h->dirty[i].force = force;
        return;
    }
    if (h->ndirty == HL_MAX_DIRTY) { /* fold: drop the cache from the first point on */
        size_t first = from < h->dirty[0].from ? from : h->dirty[0].from;
        h->n = first;
        h->ndirty = 0;
        return;
    }
    memmove(&h->dirty[i + 1], &h->dirty[i], (h->ndirty - i) * sizeof *h->dirty);
    h->dirty[i] = (HlDirty){from, force};
    h->ndirty++;
}

/* One journal entry: an edit at line L adding (delta > 0) or removing lines after L. */
static void apply_edit(Highlighter *h, size_t L, long delta)
{
    if (L + 1 >= h->n)
        return; /* the cache ends at or before the edited line's successor: nothing to fix */
    size_t at = L + 1;
    if (delta > 0) {
        size_t k = (size_t)delta;
        h->st = xgrow(h->st, &h->cap, h->n + k, sizeof *h->st);
        memmove(&h->st[at + k], &h->st[at], (h->n - at) * sizeof *h->st);
        memset(&h->st[at], 0, k * sizeof *h->st);
        h->n += k;
        for (size_t i = 0; i < h->ndirty; i++) {
            if (h->dirty[i].from >= at) /* after the edited line: moved down */
                h->dirty[i].from += k;
            if (h->dirty[i].force > at)
                h->dirty[i].force += k;
        }
        add_dirty(h, at, at + k);
    } else if (delta < 0) {
        size_t k = (size_t)-delta;
        size_t gone_end = at + k < h->n ? at + k : h->n; /* removed lines [at, at + k) */
        memmove(&h->st[at], &h->st[gone_end], (h->n - gone_end) * sizeof *h->st);
        h->n -= gone_end - at;
        size_t w = 0;
        for (size_t i = 0; i < h->ndirty; i++) {
            HlDirty d = h->dirty[i];
            d.from = d.from < at ? d.from : d.from >= at + k ? d.from - k : at;
            d.force = d.force < at ? d.force : d.force >= at + k ? d.force - k : at;
            if (d.from >= h->n)
                continue;
            if (w && h->dirty[w - 1].from == d.from) {
                if (d.force > h->dirty[w - 1].force)
                    h->dirty[w - 1].force = d.force;
                continue;
            }
            h->dirty[w++] = d;
        }
        h->ndirty = w;
        add_dirty(h, at, at);
    } else {
        add_dirty(h, at, at);
    }
}

void highlighter_sync(Highlighter *h, const Text *t)
{
    uint64_t count = text_edit_count(t);
    if (h->text != t) {
        h->text = t;
        h->seen = count;
        highlighter_reset(h);
        return;
    }
    for (uint64_t e = h->seen + 1; e <= count; e++) {
        TextEdit ed;
        if (!text_edit_at(t, e, &ed) || ed.reset) {
            highlighter_reset(h);
            continue;
        }
        apply_edit(h, ed.line, ed.delta);
    }
    h->seen = count;
    size_t lines = text_line_count(t);
    if (h->n > lines) /* cannot happen if the journal is right; stay safe anyway */
        h->n = lines;
    while (h->ndirty && h->dirty[h->ndirty - 1].from >= h->n)
        h->ndirty--;
}

/* The end state of line i - 1, i.e. line i's start state, from st[i - 1]. */
static unsigned step_into(Highlighter *h, const Text *t, size_t i, size_t *budget)
{
    size_t len;
    const char *s = text_line(t, i - 1, &len);
    size_t cost = len + HL_LINE_COST;
    *budget = *budget > cost ? *budget - cost : 0;
    unsigned st = h->step(h->lang, h->st[i - 1], s, len);
    return st > UINT16_MAX ? 0 : st;
}

bool highlighter_state(Highlighter *h, const Text *t, size_t line, size_t *budget,
                       unsigned *state)
{
    /* Re-validate the suspect points at or before `line`, in order. */
    while (h->ndirty && h->dirty[0].from <= line) {
        if (*budget == 0)
            return false;
        HlDirty *d = &h->dirty[0];
        unsigned st = step_into(h, t, d->from, budget);
        bool same = st == h->st[d->from] && d->from >= d->force;
        h->st[d->from] = (uint16_t)st;
        if (same || d->from + 1 >= h->n ||
            (h->ndirty > 1 && h->dirty[1].from == d->from + 1)) {
            if (!same && h->ndirty > 1 && h->dirty[1].from == d->from + 1 &&
                d->force > h->dirty[1].force)
                h->dirty[1].force = d->force;
            memmove(&h->dirty[0], &h->dirty[1], (h->ndirty - 1) * sizeof *h->dirty);
            h->ndirty--; /* resolved, merged into the next point, or walked off the cache */
        } else {
            d->from++;
        }
    }
    /* Extend the cache up to the line. */
    if (line >= h->n)
        h->st = xgrow(h->st, &h->cap, line + 1, sizeof *h->st);
    while (h->n <= line) {
        if (*budget == 0)
            return false;
        h->st[h->n] = (uint16_t)step_into(h, t, h->n, budget);
        h->n++;
    }
    *state = h->st[line];
    return true;
}
