/* Fuzz target: Search over any text with any pattern.
 *
 * Input: a flags byte (bit 0 regex, bit 1 caseless, bit 2 smart case; the high bits pick the
 * slice budget), a pattern length byte, the pattern, a replacement length byte, the
 * replacement, then the text (at most 4 KiB). Checks:
 *   1. the pattern compiles, or fails with a message;
 *   2. a sliced find (forward and backward, from a position the input picks) gives what the
 *      one-shot find gives, and a sliced count what a one-shot count and the sum of the lines'
 *      matches give; walks terminate (libFuzzer's timeout catches a loop);
 *   3. literal, case-sensitive patterns: the count equals a naive non-overlapping count;
 *   4. replace-all is one undo step and undo restores the text byte for byte.
 * A disagreement aborts, which libFuzzer reports with the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "session/buffer.h"
#include "session/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static size_t naive_count(const char *line, size_t len, const char *p, size_t plen)
{
    if (len && line[len - 1] == '\r')
        len--;
    size_t n = 0;
    if (plen == 0)
        return 0; /* an empty pattern matches nothing */
    for (size_t i = 0; i + plen <= len;) {
        if (memcmp(line + i, p, plen) == 0) {
            n++;
            i += plen;
        } else {
            i++;
        }
    }
    return n;
}

static bool same(SearchStatus a, const SearchResult *ra, SearchStatus b, const SearchResult *rb)
{
    if (a != b)
        return false;
    return a != SEARCH_FOUND || (text_pos_cmp(ra->start, rb->start) == 0 &&
                                 text_pos_cmp(ra->end, rb->end) == 0 && ra->wrapped == rb->wrapped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    unsigned flags = data[0] & 7;
    size_t budget = (size_t)(data[0] >> 3) * 3;
    size_t i = 1, plen = data[i++];
    if (plen > size - i)
        plen = size - i;
    const char *pat = (const char *)data + i;
    i += plen;
    size_t rlen = i < size ? data[i++] : 0;
    if (rlen > size - i)
        rlen = size - i;
    const char *repl = (const char *)data + i;
    i += rlen;
    size_t tlen = size - i > 4096 ? 4096 : size - i;
    const char *txt = (const char *)data + i;

    Search *s = search_new(), *s2 = search_new();
    ErrorBuf err = {{0}};
    bool ok = search_set_pattern(s, pat, plen, flags, &err);
    FUZZ_CHECK(ok || err.msg[0]);
    FUZZ_CHECK(ok == search_set_pattern(s2, pat, plen, flags, NULL));
    if (!ok)
        goto out;

    Text *t = text_new();
    text_set(t, txt, tlen);
    size_t nl = text_line_count(t);
    TextPos from = {plen % nl, 0};
    from.col = rlen % (text_line_len(t, from.line) + 1);
    for (int dir = 0; dir < 2; dir++) {
        SearchResult a, b;
        SearchStatus sa = search_find(s, t, from, (SearchDir)dir, &a);
        search_begin(s2, from, (SearchDir)dir);
        SearchStatus sb;
        size_t steps = 0;
        while ((sb = search_step(s2, t, budget, &b)) == SEARCH_MORE)
            FUZZ_CHECK(++steps <= 2 * nl + 2);
        FUZZ_CHECK(same(sa, &a, sb, &b));
        if (sa == SEARCH_FOUND) { /* Next from there terminates too */
            search_begin_next(s2, &a, (SearchDir)dir);
            while (search_step(s2, t, budget, &b) == SEARCH_MORE) {
            }
        }
    }
    size_t sum = 0, naive = 0;
    SearchSpan sp[4097];
    for (size_t ln = 0; ln < nl; ln++) {
        size_t len;
        const char *line = text_line(t, ln, &len);
        size_t n = search_line_matches(s, line, len, sp, 4097);
        for (size_t k = 0; k < n; k++) {
            FUZZ_CHECK(sp[k].start <= sp[k].end && sp[k].end <= len);
            FUZZ_CHECK(k == 0 || sp[k].start >= sp[k - 1].end);
        }
        sum += n;
        naive += naive_count(line, len, pat, plen);
    }
    FUZZ_CHECK(search_count_step(s, t, 1, SIZE_MAX));
    while (!search_count_step(s2, t, 1, budget)) {
    }
    FUZZ_CHECK(search_count_get(s, t, 1, from).total == sum);
    FUZZ_CHECK(search_count_get(s2, t, 1, from).total == sum);
    if (!(flags & (SEARCH_REGEX | SEARCH_ICASE | SEARCH_SMART_CASE)) && !search_had_limit_error(s))
        FUZZ_CHECK(sum == naive);

    /* replace-all + one undo restores the bytes */
    Buffer *b = buffer_new();
    buffer_insert(b, txt, tlen);
    buffer_break_undo(b);
    StrBuf before = {0}, after = {0};
    text_serialize(buffer_text(b), &before);
    size_t n;
    uint64_t v0 = buffer_version(b);
    /* Replacing empty matches with nothing changes nothing, and records no step. */
    if (search_replace_all(s, b, repl, rlen, &n, NULL) && buffer_version(b) != v0) {
        FUZZ_CHECK(n > 0);
        FUZZ_CHECK(buffer_undo(b));
        text_serialize(buffer_text(b), &after);
        FUZZ_CHECK(after.len == before.len && memcmp(after.data, before.data, after.len) == 0);
        /* then the insertion before it (if any): the replace was one step */
        FUZZ_CHECK(buffer_undo(b) == (tlen > 0));
        FUZZ_CHECK(!buffer_undo(b));
    }
    sb_free(&before);
    sb_free(&after);
    buffer_free(b);
    text_free(t);
out:
    search_free(s);
    search_free(s2);
    return 0;
}
