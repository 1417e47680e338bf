/* Diff: lines of both texts are (start, length) views; the edit script is an array of ops
 * (equal, delete, insert), each naming a line of a and/or b, in order. Myers' forward greedy
 * search keeps the furthest-reaching x of every diagonal k after each step d (a trace of
 * (d+1)^2 ints in all), and the backtrack walks the trace from (N, M) to (0, 0). */
#include "session/diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

typedef struct Lines {
    const char **v;  /* v[i] = start of line i; v[n] = end of text */
    uint64_t *hash;
    size_t n;
} Lines;

size_t diff_split_lines(const char *s, size_t len, const char ***starts)
{
    size_t n = 0, cap = 0;
    const char **v = NULL;
    for (size_t i = 0; i < len;) {
        v = xgrow(v, &cap, n + 2, sizeof *v);
        v[n++] = s + i;
        const char *nl = memchr(s + i, '\n', len - i);
        i = nl ? (size_t)(nl - s) + 1 : len;
    }
    v = xgrow(v, &cap, n + 1, sizeof *v);
    v[n] = s + len;
    *starts = v;
    return n;
}

static void split(const char *s, size_t len, Lines *l)
{
    const char **v;
    size_t n = diff_split_lines(s, len, &v);
    l->v = v;
    l->n = n;
    l->hash = xmalloc((n ? n : 1) * sizeof *l->hash);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (const char *p = v[i]; p < v[i + 1]; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        l->hash[i] = h;
    }
}

static bool same(const Lines *a, size_t i, const Lines *b, size_t j)
{
    size_t la = (size_t)(a->v[i + 1] - a->v[i]), lb = (size_t)(b->v[j + 1] - b->v[j]);
    return a->hash[i] == b->hash[j] && la == lb && memcmp(a->v[i], b->v[j], la) == 0;
}

typedef struct Op {
    char kind;  /* ' ', '-', '+' */
    size_t ai, bi;
} Op;

typedef struct Ops {
    Op *v;
    size_t n, cap;
} Ops;

static void push(Ops *o, char kind, size_t ai, size_t bi)
{
    o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof *o->v);
    o->v[o->n++] = (Op){kind, ai, bi};
}

/* The middle a[lo, lo+N) vs b[lo, lo+M) (lo: the common prefix), appended to o in order.
 * False when it needs more than DIFF_MAX_EDITS edits (nothing appended). */
static bool myers(const Lines *a, const Lines *b, size_t lo, size_t N, size_t M, Ops *o)
{
    size_t max = N + M;
    if (max > DIFF_MAX_EDITS)
        max = DIFF_MAX_EDITS;
    long *trace = NULL;
    size_t tcap = 0;
    long found = -1;
    for (long d = 0; d <= (long)max && found < 0; d++) {
        trace = xgrow(trace, &tcap, (size_t)((d + 1) * (d + 1)), sizeof *trace);
        long *cur = trace + d * d + d;           /* cur[k], k in [-d, d] */
        long *prev = d ? trace + (d - 1) * (d - 1) + (d - 1) : NULL;
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (d == 0)
                x = 0;
            else if (k == -d || (k != d && prev[k - 1] < prev[k + 1]))
                x = prev[k + 1];
            else
                x = prev[k - 1] + 1;
            long y = x - k;
            while (x < (long)N && y < (long)M && same(a, lo + (size_t)x, b, lo + (size_t)y))
                x++, y++;
            cur[k] = x;
            if (x >= (long)N && y >= (long)M)
                found = d;
        }
        for (long k = -d + 1; k <= d; k += 2) /* the other parity: unused, keep defined */
            cur[k] = 0;
    }
    if (found < 0) {
        free(trace);
        return false;
    }
    Ops rev = {0};
    long x = (long)N, y = (long)M;
    for (long d = found; d >= 0; d--) {
        long k = x - y, px, py;
        if (d == 0) {
            px = py = 0;
        } else {
            long *prev = trace + (d - 1) * (d - 1) + (d - 1);
            long pk = (k == -d || (k != d && prev[k - 1] < prev[k + 1])) ? k + 1 : k - 1;
            px = prev[pk];
            py = px - pk;
        }
        while (x > px && y > py) {
            x--, y--;
            push(&rev, ' ', lo + (size_t)x, lo + (size_t)y);
        }
        if (d > 0) {
            if (x == px)
                push(&rev, '+', lo + (size_t)x, lo + (size_t)(y - 1));
            else
                push(&rev, '-', lo + (size_t)(x - 1), lo + (size_t)y);
            x = px;
            y = py;
        }
    }
    for (size_t i = rev.n; i-- > 0;)
        push(o, rev.v[i].kind, rev.v[i].ai, rev.v[i].bi);
    free(rev.v);
    free(trace);
    return true;
}

static void put_line(StrBuf *out, char mark, const Lines *l, size_t i)
{
    sb_putc(out, mark);
    size_t len = (size_t)(l->v[i + 1] - l->v[i]);
    sb_append(out, l->v[i], len);
    if (!len || l->v[i][len - 1] != '\n')
        sb_puts(out, "\n\\ No newline at end of file\n");
}

#define CONTEXT_LINES 3

static void put_hunk(StrBuf *out, const Ops *o, size_t from, size_t to, const Lines *a,
                     const Lines *b)
{
    size_t as = o->v[from].ai, bs = o->v[from].bi, ac = 0, bc = 0;
    for (size_t i = from; i < to; i++) {
        ac += o->v[i].kind != '+';
        bc += o->v[i].kind != '-';
    }
    /* diff -u: an empty side names the line before it (0 at the top). */
    sb_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? as + 1 : as, ac, bc ? bs + 1 : bs, bc);
    for (size_t i = from; i < to; i++) {
        const Op *op = &o->v[i];
        put_line(out, op->kind, op->kind == '+' ? b : a, op->kind == '+' ? op->bi : op->ai);
    }
}

bool diff_unified(const char *a, size_t alen, const char *b, size_t blen, StrBuf *out)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return false;
    Lines la, lb;
    split(a, alen, &la);
    split(b, blen, &lb);
    size_t pre = 0;
    while (pre < la.n && pre < lb.n && same(&la, pre, &lb, pre))
        pre++;
    size_t suf = 0;
    while (suf < la.n - pre && suf < lb.n - pre &&
           same(&la, la.n - 1 - suf, &lb, lb.n - 1 - suf))
        suf++;
    Ops o = {0};
    for (size_t i = pre > CONTEXT_LINES ? pre - CONTEXT_LINES : 0; i < pre; i++)
        push(&o, ' ', i, i);
    size_t N = la.n - pre - suf, M = lb.n - pre - suf;
    if (!myers(&la, &lb, pre, N, M, &o)) {
        for (size_t i = 0; i < N; i++)
            push(&o, '-', pre + i, pre);
        for (size_t j = 0; j < M; j++)
            push(&o, '+', pre + N, pre + j);
    }
    for (size_t i = 0; i < suf && i < CONTEXT_LINES; i++)
        push(&o, ' ', la.n - suf + i, lb.n - suf + i);
    /* Hunks: each change with up to three equal lines around it; equal runs of up to six
     * lines between two changes stay inside one hunk. */
    size_t i = 0;
    while (i < o.n) {
        while (i < o.n && o.v[i].kind == ' ')
            i++;
        if (i == o.n)
            break;
        size_t from = i;
        for (size_t c = 0; c < CONTEXT_LINES && from > 0 && o.v[from - 1].kind == ' '; c++)
            from--;
        size_t end = i; /* one past the last change so far */
        for (size_t j = i; j < o.n;) {
            if (o.v[j].kind != ' ') {
                end = ++j;
                continue;
            }
            size_t run = 0;
            while (j + run < o.n && o.v[j + run].kind == ' ')
                run++;
            if (j + run == o.n || run > 2 * CONTEXT_LINES)
                break;
            j += run;
        }
        size_t to = end;
        for (size_t c = 0; c < CONTEXT_LINES && to < o.n && o.v[to].kind == ' '; c++)
            to++;
        put_hunk(out, &o, from, to, &la, &lb);
        i = to;
    }
    free(o.v);
    free(la.v);
    free(la.hash);
    free(lb.v);
    free(lb.hash);
    return true;
}
