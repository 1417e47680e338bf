/* AnswerSearch: see answer_search.h. A line's matches come from search_line_matches in
 * chunks of CHUNK; a line with more matches than that is continued from the end of the last
 * one (a lookbehind or ^ at that point sees the chunk's start: only on such crowded lines). */
#define _GNU_SOURCE /* memrchr */
#include "session/answer_search.h"

#include <string.h>

#define CHUNK 64

/* Calls fn on every non-empty match of text[ls, le) in order; stops when fn returns false. */
typedef bool (*MatchFn)(void *ud, size_t start, size_t end);

static void each_match(Search *s, const char *text, size_t ls, size_t le, MatchFn fn, void *ud)
{
    size_t pos = ls;
    for (;;) {
        SearchSpan m[CHUNK];
        size_t n = search_line_matches(s, text + pos, le - pos, m, CHUNK);
        for (size_t i = 0; i < n; i++)
            if (m[i].end > m[i].start && !fn(ud, pos + m[i].start, pos + m[i].end))
                return;
        if (n < CHUNK || m[n - 1].end == 0)
            return;
        pos += m[n - 1].end;
    }
}

typedef struct Probe {
    size_t from;      /* forward: first start >= from; backward: last start < from */
    bool forward, found;
    size_t start, end;
} Probe;

static bool probe_fn(void *ud, size_t start, size_t end)
{
    Probe *p = ud;
    if (p->forward) {
        if (start < p->from)
            return true;
        p->found = true;
        p->start = start;
        p->end = end;
        return false;
    }
    if (start >= p->from)
        return false;
    p->found = true;
    p->start = start;
    p->end = end;
    return true;
}

static bool line_probe(Search *s, const char *text, size_t ls, size_t le, size_t from,
                       bool forward, size_t e, AnswerMatch *out)
{
    Probe p = {from, forward, false, 0, 0};
    each_match(s, text, ls, le, probe_fn, &p);
    if (p.found)
        *out = (AnswerMatch){e, p.start, p.end};
    return p.found;
}

static size_t line_start_of(const char *d, size_t off)
{
    const char *nl = off ? memrchr(d, '\n', off) : NULL;
    return nl ? (size_t)(nl - d) + 1 : 0;
}

static size_t line_end_of(const char *d, size_t len, size_t off)
{
    const char *nl = memchr(d + off, '\n', len - off);
    return nl ? (size_t)(nl - d) : len;
}

static bool pass_forward(Search *s, const Transcript *t, size_t entry, size_t off,
                         AnswerMatch *out)
{
    size_t n = transcript_count(t);
    for (size_t e = entry; e < n; e++) {
        const TranscriptEntry *en = transcript_entry(t, e);
        const char *d = en->text.data;
        size_t len = en->text.len, from = e == entry ? off : 0;
        if (!d || from > len)
            continue;
        for (size_t ls = line_start_of(d, from);;) {
            size_t le = line_end_of(d, len, ls);
            if (line_probe(s, d, ls, le, from, true, e, out))
                return true;
            if (le >= len)
                break;
            ls = le + 1;
        }
    }
    return false;
}

static bool pass_backward(Search *s, const Transcript *t, size_t entry, size_t off,
                          AnswerMatch *out)
{
    for (size_t e = entry + 1; e-- > 0;) {
        const TranscriptEntry *en = transcript_entry(t, e);
        const char *d = en->text.data;
        size_t len = en->text.len, from = e == entry ? off : len;
        if (!d)
            continue;
        if (from > len)
            from = len;
        for (size_t ls = line_start_of(d, from);;) {
            size_t le = line_end_of(d, len, ls);
            if (line_probe(s, d, ls, le, from, false, e, out))
                return true;
            if (ls == 0)
                break;
            from = ls - 1;
            ls = line_start_of(d, ls - 1);
        }
    }
    return false;
}

bool answer_search_find(Search *s, const Transcript *t, size_t entry, size_t off,
                        SearchDir dir, AnswerMatch *out, bool *wrapped)
{
    *wrapped = false;
    size_t n = transcript_count(t);
    if (!search_has_pattern(s) || n == 0)
        return false;
    if (entry >= n) {
        entry = n - 1;
        off = transcript_entry(t, entry)->text.len;
    }
    if (dir == SEARCH_FORWARD) {
        if (pass_forward(s, t, entry, off, out))
            return true;
        *wrapped = true;
        return pass_forward(s, t, 0, 0, out);
    }
    if (pass_backward(s, t, entry, off, out))
        return true;
    *wrapped = true;
    size_t last = n - 1;
    return pass_backward(s, t, last, transcript_entry(t, last)->text.len + 1, out);
}

typedef struct Counter {
    size_t n, index;
    size_t e;
    const AnswerMatch *at;
} Counter;

static bool count_fn(void *ud, size_t start, size_t end)
{
    (void)end;
    Counter *c = ud;
    c->n++;
    if (c->at && c->at->entry == c->e && c->at->start == start)
        c->index = c->n;
    return true;
}

size_t answer_search_count(Search *s, const Transcript *t, const AnswerMatch *at,
                           size_t *index)
{
    Counter c = {0, 0, 0, at};
    if (search_has_pattern(s)) {
        size_t n = transcript_count(t);
        for (size_t e = 0; e < n; e++) {
            const TranscriptEntry *en = transcript_entry(t, e);
            const char *d = en->text.data;
            size_t len = en->text.len;
            c.e = e;
            for (size_t ls = 0; d && ls < len;) {
                size_t le = line_end_of(d, len, ls);
                each_match(s, d, ls, le, count_fn, &c);
                ls = le + 1;
            }
        }
    }
    if (index)
        *index = c.index;
    return c.n;
}
