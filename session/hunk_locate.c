/* Hunk locator: a scan of every start line per (fuzz, looseness) level, O(lines x old lines)
 * at worst, stopping at the first level that finds any match; the choice among that level's
 * matches follows the hint rules in the header. */
#include "session/hunk_locate.h"

#include <string.h>

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool hunk_line_loose_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < alen && blank(a[i]))
            i++;
        while (j < blen && blank(b[j]))
            j++;
        if (i == alen || j == blen)
            return i == alen && j == blen;
        if (a[i] != b[j])
            return false;
        i++;
        j++;
    }
}

static bool line_eq(const Text *t, size_t ln, const HunkLine *l, bool loose)
{
    size_t len;
    const char *s = text_line(t, ln, &len);
    if (loose)
        return hunk_line_loose_eq(s, len, l->s, l->len);
    return len == l->len && memcmp(s, l->s, len) == 0;
}

bool hunk_matches_at(const Text *t, size_t line, const HunkLine *lines, size_t n, bool loose)
{
    size_t nlines = text_line_count(t);
    for (size_t i = 0; i < n; i++) {
        if (lines[i].op == '+')
            continue;
        if (line >= nlines || !line_eq(t, line, &lines[i], loose))
            return false;
        line++;
    }
    return true;
}

static size_t old_count(const HunkLine *lines, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += lines[i].op != '+';
    return k;
}

static size_t dist(size_t a, size_t b) { return a > b ? a - b : b - a; }

/* The better of two matches under the hint rules: at/after floor first, then nearest to the
 * hint (or to floor), then the earlier. */
static bool better(size_t cand, size_t best, size_t hint, size_t floor)
{
    bool ca = cand >= floor, ba = best >= floor;
    if (ca != ba)
        return ca;
    size_t target = hint != HUNK_NO_HINT ? hint : floor;
    size_t dc = dist(cand, target), db = dist(best, target);
    if (dc != db)
        return dc < db;
    return cand < best;
}

/* The anchor line ("@@ static int main(void)") at or after floor, else anywhere: the hunk
 * comes after it. */
static size_t find_anchor(const Text *t, const char *anchor, size_t floor)
{
    size_t nlines = text_line_count(t), alen = strlen(anchor);
    HunkLine a = {' ', (char *)anchor, alen};
    for (int loose = 0; loose < 2; loose++) {
        for (size_t ln = floor; ln < nlines; ln++)
            if (line_eq(t, ln, &a, loose))
                return ln;
        for (size_t ln = 0; ln < floor && ln < nlines; ln++)
            if (line_eq(t, ln, &a, loose))
                return ln;
    }
    return HUNK_NO_HINT;
}

bool hunk_locate(const Text *t, const HunkLine *lines, size_t n, const char *anchor,
                 size_t hint, size_t floor, HunkPlace *out)
{
    if (!old_count(lines, n))
        return false;
    if (anchor && anchor[0]) {
        size_t a = find_anchor(t, anchor, floor);
        if (a != HUNK_NO_HINT) {
            floor = a + 1;
            if (hint == HUNK_NO_HINT)
                hint = a + 1;
        }
    }
    size_t head_ctx = 0, tail_ctx = 0;
    while (head_ctx < n && lines[head_ctx].op == ' ')
        head_ctx++;
    while (tail_ctx < n - head_ctx && lines[n - 1 - tail_ctx].op == ' ')
        tail_ctx++;
    size_t nlines = text_line_count(t);
    for (size_t fuzz = 0; fuzz <= HUNK_MAX_FUZZ; fuzz++) {
        size_t sh = fuzz < head_ctx ? fuzz : head_ctx;
        size_t st = fuzz < tail_ctx ? fuzz : tail_ctx;
        if (fuzz && sh < fuzz && st < fuzz)
            break; /* nothing more to drop */
        const HunkLine *l = lines + sh;
        size_t m = n - sh - st;
        size_t k = old_count(l, m);
        if (!k || k > nlines)
            continue;
        for (int loose = 0; loose < 2; loose++) {
            size_t best = HUNK_NO_HINT;
            for (size_t ln = 0; ln + k <= nlines; ln++) {
                if (!hunk_matches_at(t, ln, l, m, loose))
                    continue;
                if (best == HUNK_NO_HINT || better(ln, best, hint, floor))
                    best = ln;
            }
            if (best != HUNK_NO_HINT) {
                *out = (HunkPlace){best, sh, st, loose != 0};
                return true;
            }
        }
    }
    return false;
}
