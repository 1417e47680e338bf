/* session/search and session/goto_line: literal and regex finds, case, invalid patterns,
 * CRLF, invalid UTF-8 and NULs, empty matches, wrapping both ways, sliced == one-shot
 * (random texts against a naive literal search, fixed seed), counting, replacement groups,
 * replace-all as one undo step, go to line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "session/buffer.h"
#include "session/goto_line.h"
#include "session/search.h"
#include "harness.h"
#include "support/buffer_support.h"

/* --- helpers -------------------------------------------------------------------------------- */

static Text *text_of(const char *data, size_t len)
{
    Text *t = text_new();
    text_set(t, data, len);
    return t;
}

static Search *search_of(const char *pat, unsigned flags)
{
    Search *s = search_new();
    ErrorBuf err = {{0}};
    bool ok = search_set_pattern(s, pat, strlen(pat), flags, &err);
    if (!ok)
        fprintf(stderr, "pattern %s: %s\n", pat, err.msg);
    CHECK(ok);
    return s;
}

static Buffer *buffer_bytes(const char *data, size_t len)
{
    char *p = path_in("search.txt");
    write_file(p, data, len);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    free(p);
    return b;
}

#define CHECK_MATCH(r, l, c0, c1)                                                             \
    do {                                                                                      \
        CHECK_INT_EQ((r).start.line, l);                                                      \
        CHECK_INT_EQ((r).start.col, c0);                                                      \
        CHECK_INT_EQ((r).end.line, l);                                                        \
        CHECK_INT_EQ((r).end.col, c1);                                                        \
    } while (0)

static SearchStatus find(Search *s, const Text *t, size_t line, size_t col, SearchDir dir,
                         SearchResult *r)
{
    return search_find(s, t, (TextPos){line, col}, dir, r);
}

/* Next/Previous to completion. */
static SearchStatus next(Search *s, const Text *t, SearchResult *r, SearchDir dir)
{
    SearchResult cur = *r;
    search_begin_next(s, &cur, dir);
    SearchStatus st;
    while ((st = search_step(s, t, 1, r)) == SEARCH_MORE) {
    }
    return st;
}

static size_t count_all(Search *s, const Text *t)
{
    while (!search_count_step(s, t, 1, 1)) {
    }
    return search_count_get(s, t, 1, (TextPos){0, 0}).total;
}

/* --- finding -------------------------------------------------------------------------------- */

static void test_literal(void)
{
    const char *d = "a.b a.b\nxa.bx\nnone\n";
    Text *t = text_of(d, strlen(d));
    Search *s = search_of("a.b", 0);
    SearchResult r;
    CHECK(search_has_pattern(s));
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 3);
    CHECK(!r.wrapped);
    CHECK_INT_EQ(find(s, t, 0, 1, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 4, 7);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_FORWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 1, 1, 4);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_FORWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 3);
    CHECK(r.wrapped);
    /* '.' is literal: "axb" does not match */
    CHECK(search_set_pattern(s, "x.b", 3, 0, NULL));
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_NOT_FOUND);
    /* regex characters of every kind are literal */
    const char *d2 = "f(x) = [a-z]+ $1 \\d ^";
    Text *t2 = text_of(d2, strlen(d2));
    CHECK(search_set_pattern(s, "[a-z]+ $1 \\d ^", 14, 0, NULL));
    CHECK_INT_EQ(find(s, t2, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 7, 21);
    /* an empty pattern matches nothing */
    CHECK(search_set_pattern(s, "", 0, SEARCH_REGEX, NULL));
    CHECK(!search_has_pattern(s));
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_NOT_FOUND);
    CHECK_INT_EQ(count_all(s, t), 0);
    search_free(s);
    text_free(t);
    text_free(t2);
}

static void test_regex_and_case(void)
{
    const char *d = "int main(void)\n  Int x = 42;\nreturn 0x2A;\n";
    Text *t = text_of(d, strlen(d));
    Search *s = search_of("\\d+", SEARCH_REGEX);
    SearchResult r;
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 1, 10, 12);
    CHECK_INT_EQ(count_all(s, t), 3); /* 42, then "0" and "2" of 0x2A */
    CHECK(search_set_pattern(s, "int", 3, 0, NULL));
    CHECK_INT_EQ(count_all(s, t), 1);
    CHECK(search_set_pattern(s, "int", 3, SEARCH_ICASE, NULL));
    CHECK(search_caseless(s));
    CHECK_INT_EQ(count_all(s, t), 2);
    CHECK(search_set_pattern(s, "int", 3, SEARCH_SMART_CASE, NULL));
    CHECK(search_caseless(s));
    CHECK_INT_EQ(count_all(s, t), 2);
    CHECK(search_set_pattern(s, "Int", 3, SEARCH_SMART_CASE, NULL));
    CHECK(!search_caseless(s));
    CHECK_INT_EQ(count_all(s, t), 1);
    /* Unicode case folding, literal and regex */
    const char *d2 = "ÉCOLE école";
    Text *t2 = text_of(d2, strlen(d2));
    CHECK(search_set_pattern(s, "école", strlen("école"), SEARCH_ICASE, NULL));
    CHECK_INT_EQ(count_all(s, t2), 2);
    CHECK(search_set_pattern(s, "é.ole", strlen("é.ole"), SEARCH_ICASE | SEARCH_REGEX, NULL));
    CHECK_INT_EQ(count_all(s, t2), 2);
    search_free(s);
    text_free(t);
    text_free(t2);
}

static void test_invalid_patterns(void)
{
    Search *s = search_of("keep", 0);
    ErrorBuf err = {{0}};
    CHECK(!search_set_pattern(s, "(abc", 4, SEARCH_REGEX, &err));
    CHECK_STR_EQ(err.msg, "regex: missing closing parenthesis at offset 4");
    CHECK(!search_set_pattern(s, "a[b", 3, SEARCH_REGEX, &err));
    CHECK_STR_EQ(err.msg, "regex: missing terminating ] for character class at offset 3");
    CHECK(!search_set_pattern(s, "x{2,1}", 6, SEARCH_REGEX, &err));
    CHECK(strstr(err.msg, "regex: ") == err.msg && strstr(err.msg, "at offset 5"));
    /* the same text is fine literally */
    CHECK(search_set_pattern(s, "(abc", 4, 0, &err));
    /* an invalid UTF-8 pattern fails in both modes */
    CHECK(!search_set_pattern(s, "a\xff", 2, 0, &err));
    CHECK(strncmp(err.msg, "search: UTF-8 error", 19) == 0);
    /* a failed pattern keeps the previous one */
    Text *t = text_of("x (abc y", 8);
    SearchResult r;
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 2, 6);
    search_free(s);
    text_free(t);
}

static void test_crlf_and_bytes(void)
{
    /* CRLF file: Text strips the '\r's; `$` works */
    const char *d = "one two\r\ntwo\r\n";
    Text *t = text_of(d, strlen(d));
    CHECK(text_crlf(t));
    Search *s = search_of("two$", SEARCH_REGEX);
    CHECK_INT_EQ(count_all(s, t), 2);
    /* mixed endings: the '\r' a line keeps is not matched, and `$` is before it */
    const char *m = "a two\r\nb two\nc\r\n";
    Text *tm = text_of(m, strlen(m));
    CHECK(!text_crlf(tm));
    CHECK_INT_EQ(count_all(s, tm), 2);
    CHECK(search_set_pattern(s, "\\s$", 3, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(count_all(s, tm), 0);
    CHECK(search_set_pattern(s, "c$", 2, SEARCH_REGEX, NULL));
    SearchResult r;
    CHECK_INT_EQ(find(s, tm, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 2, 0, 1);
    /* invalid UTF-8 and NULs are subject bytes like any other */
    const char b[] = "ok \xff\xfe bad\xc3 x\0y\0z caf\xc3\xa9";
    Text *tb = text_of(b, sizeof b - 1);
    CHECK(search_set_pattern(s, "bad", 3, 0, NULL));
    CHECK_INT_EQ(find(s, tb, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 6, 9);
    CHECK(search_set_pattern(s, "x.y.z", 5, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(find(s, tb, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 11, 16);
    CHECK(search_set_pattern(s, "y\\x00z", 6, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(count_all(s, tb), 1);
    CHECK(search_set_pattern(s, "caf.", 4, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(find(s, tb, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 17, 22); /* '.' takes the whole é */
    CHECK(search_set_pattern(s, "\\w+", 3, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(count_all(s, tb), 6); /* ok bad x y z caf */
    search_free(s);
    text_free(t);
    text_free(tm);
    text_free(tb);
}

static void test_empty_matches(void)
{
    const char *d = "ab\n\naxb\n";
    Text *t = text_of(d, strlen(d));
    Search *s = search_of("x*", SEARCH_REGEX);
    SearchSpan sp[16];
    size_t len;
    const char *l2 = text_line(t, 2, &len);
    size_t n = search_line_matches(s, l2, len, sp, 16);
    CHECK_INT_EQ(n, 4); /* "" at 0, "x", "" at 2, "" at 3: as in Perl */
    CHECK(n == 4 && sp[0].start == 0 && sp[0].end == 0 && sp[1].start == 1 && sp[1].end == 2 &&
          sp[2].start == 2 && sp[2].end == 2 && sp[3].start == 3 && sp[3].end == 3);
    /* Next through empty matches advances and comes back round */
    CHECK(search_set_pattern(s, "^", 1, SEARCH_REGEX, NULL));
    SearchResult r;
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 0);
    size_t lines[5]; /* three lines: "ab", "", "axb" */
    for (int i = 0; i < 5; i++) {
        CHECK_INT_EQ(next(s, t, &r, SEARCH_FORWARD), SEARCH_FOUND);
        CHECK_INT_EQ(r.wrapped, i == 2);
        lines[i] = r.start.line;
    }
    CHECK(lines[0] == 1 && lines[1] == 2 && lines[2] == 0 && lines[3] == 1 && lines[4] == 2);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_BACKWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 1, 0, 0);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_BACKWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 0);
    CHECK(!r.wrapped);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_BACKWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 2, 0, 0);
    CHECK(r.wrapped);
    CHECK_INT_EQ(count_all(s, t), 3);
    /* "a|" style patterns: non-empty where possible, empty elsewhere, never stuck */
    CHECK(search_set_pattern(s, "a|", 2, SEARCH_REGEX, NULL));
    CHECK_INT_EQ(count_all(s, t), 3 + 1 + 4);
    search_free(s);
    text_free(t);
}

static void test_wrap_both_ways(void)
{
    const char *d = "foo one\nbar\nfoo two\nbaz\n";
    Text *t = text_of(d, strlen(d));
    Search *s = search_of("foo", 0);
    SearchResult r;
    CHECK_INT_EQ(find(s, t, 2, 1, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 3);
    CHECK(r.wrapped);
    CHECK_INT_EQ(find(s, t, 1, 0, SEARCH_BACKWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 0, 0, 3);
    CHECK(!r.wrapped);
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_BACKWARD, &r), SEARCH_FOUND);
    CHECK_MATCH(r, 2, 0, 3);
    CHECK(r.wrapped);
    CHECK_INT_EQ(find(s, t, 2, 0, SEARCH_FORWARD, &r), SEARCH_FOUND); /* at from counts */
    CHECK_MATCH(r, 2, 0, 3);
    /* the only match, found again after wrapping */
    CHECK(search_set_pattern(s, "bar", 3, 0, NULL));
    CHECK_INT_EQ(find(s, t, 1, 0, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_FORWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 1, 0, 3);
    CHECK(r.wrapped);
    CHECK_INT_EQ(next(s, t, &r, SEARCH_BACKWARD), SEARCH_FOUND);
    CHECK_MATCH(r, 1, 0, 3);
    CHECK(r.wrapped);
    CHECK(search_set_pattern(s, "nope", 4, 0, NULL));
    CHECK_INT_EQ(find(s, t, 2, 2, SEARCH_FORWARD, &r), SEARCH_NOT_FOUND);
    CHECK_INT_EQ(find(s, t, 2, 2, SEARCH_BACKWARD, &r), SEARCH_NOT_FOUND);
    search_free(s);
    text_free(t);
}

/* --- sliced == one-shot, against a naive reference -------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* First literal match of p at or after (line, col), wrapping; lines split at '\n'. */
static bool naive_find(const char *d, size_t dlen, const char *p, size_t plen, TextPos from,
                       TextPos *at, bool *wrapped)
{
    size_t starts[512], lens[512], n = 0, i = 0;
    while (n < 512) {
        const char *nl = memchr(d + i, '\n', dlen - i);
        size_t e = nl ? (size_t)(nl - d) : dlen;
        starts[n] = i;
        lens[n++] = e - i;
        if (!nl)
            break;
        i = e + 1;
    }
    if (dlen && d[dlen - 1] == '\n')
        n--; /* a final newline ends the text, as Text reads it */
    if (n == 0) {
        starts[0] = lens[0] = 0;
        n = 1;
    }
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t ln = pass ? 0 : from.line; ln < n; ln++) {
            size_t c0 = (!pass && ln == from.line) ? from.col : 0;
            for (size_t c = c0; c + plen <= lens[ln]; c++) {
                if (memcmp(d + starts[ln] + c, p, plen) == 0) {
                    *at = (TextPos){ln, c};
                    *wrapped = pass == 1;
                    return true;
                }
            }
            if (pass && ln == from.line)
                break;
        }
    }
    return false;
}

static void test_sliced_equals_oneshot(void)
{
    static const char alphabet[] = "ab\n";
    char d[600], p[4];
    Search *s = search_new();
    Search *s2 = search_new();
    int mismatches = 0;
    for (int iter = 0; iter < 400; iter++) {
        size_t dlen = 1 + rnd(500);
        for (size_t i = 0; i < dlen; i++)
            d[i] = alphabet[rnd(rnd(8) == 0 ? 3 : 2)];
        size_t plen = 1 + rnd(3);
        for (size_t i = 0; i < plen; i++)
            p[i] = alphabet[rnd(2)];
        Text *t = text_of(d, dlen);
        CHECK(search_set_pattern(s, p, plen, 0, NULL));
        CHECK(search_set_pattern(s2, p, plen, 0, NULL));
        size_t nl = text_line_count(t);
        TextPos from = {rnd((uint32_t)nl), 0};
        from.col = rnd((uint32_t)text_line_len(t, from.line) + 1);
        for (int dir = 0; dir < 2; dir++) {
            SearchResult one, sl;
            SearchStatus st1 = search_find(s, t, from, (SearchDir)dir, &one);
            search_begin(s2, from, (SearchDir)dir);
            SearchStatus st2;
            int steps = 0;
            while ((st2 = search_step(s2, t, rnd(40), &sl)) == SEARCH_MORE)
                steps++;
            if (st1 != st2 || (st1 == SEARCH_FOUND &&
                               (text_pos_cmp(one.start, sl.start) || text_pos_cmp(one.end, sl.end) ||
                                one.wrapped != sl.wrapped)))
                mismatches++;
            CHECK(steps <= (int)nl * 2 + 2);
            if (dir == 0) {
                TextPos at;
                bool wrapped;
                bool found = naive_find(d, dlen, p, plen, from, &at, &wrapped);
                if (found != (st1 == SEARCH_FOUND) ||
                    (found && (text_pos_cmp(at, one.start) || wrapped != one.wrapped))) {
                    fprintf(stderr, "iter %d: naive %d (%zu,%zu) vs %d (%zu,%zu)\n", iter,
                            found, at.line, at.col, st1, one.start.line, one.start.col);
                    mismatches++;
                }
            }
        }
        /* sliced count == one-shot count == the sum of the lines' spans */
        while (!search_count_step(s2, t, 7, rnd(64))) {
        }
        size_t sum = 0;
        SearchSpan sp[600];
        for (size_t ln = 0; ln < nl; ln++) {
            size_t len;
            const char *line = text_line(t, ln, &len);
            sum += search_line_matches(s, line, len, sp, 600);
        }
        CHECK(search_count_step(s, t, 7, SIZE_MAX));
        CHECK_INT_EQ(search_count_get(s2, t, 7, (TextPos){0, 0}).total, sum);
        CHECK_INT_EQ(search_count_get(s, t, 7, (TextPos){0, 0}).total, sum);
        text_free(t);
    }
    CHECK_INT_EQ(mismatches, 0);
    search_free(s);
    search_free(s2);
}

static void test_counting(void)
{
    StrBuf sb = {0};
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "line %d%s\n", i, i % 3 == 0 ? " hit" : "");
    Text *t = text_of(sb.data, sb.len);
    Search *s = search_of("hit", 0);
    SearchCount c = search_count_get(s, t, 5, (TextPos){0, 0});
    CHECK(!c.complete && c.total == 0 && c.index == 0);
    int steps = 0;
    while (!search_count_step(s, t, 5, 100))
        steps++;
    CHECK(steps > 50); /* it really was sliced */
    c = search_count_get(s, t, 5, (TextPos){0, 7});
    CHECK(c.complete);
    CHECK_INT_EQ(c.total, 334);
    CHECK_INT_EQ(c.index, 1);
    c = search_count_get(s, t, 5, (TextPos){999, 8});
    CHECK_INT_EQ(c.index, 334);
    c = search_count_get(s, t, 5, (TextPos){600, 8});
    CHECK_INT_EQ(c.index, 201);
    /* another version starts over */
    c = search_count_get(s, t, 6, (TextPos){0, 0});
    CHECK(!c.complete && c.total == 0);
    CHECK(!search_count_step(s, t, 6, 100));
    c = search_count_get(s, t, 6, (TextPos){0, 7});
    CHECK(!c.complete && c.total > 0 && c.total < 334 && c.index == 1);
    c = search_count_get(s, t, 6, (TextPos){999, 8});
    CHECK_INT_EQ(c.index, 0); /* not counted that far yet */
    /* a new pattern too */
    CHECK(search_set_pattern(s, "line", 4, 0, NULL));
    c = search_count_get(s, t, 6, (TextPos){0, 0});
    CHECK(c.total == 0 && !c.complete);
    CHECK(search_count_step(s, t, 6, SIZE_MAX));
    CHECK_INT_EQ(search_count_get(s, t, 6, (TextPos){0, 0}).total, 1000);
    search_free(s);
    text_free(t);
    sb_free(&sb);
}

/* --- replacing ------------------------------------------------------------------------------ */

static void test_replace_groups(void)
{
    Buffer *b = buffer_with("key=value; k2=v2\nx=1\n");
    Search *s = search_of("(\\w+)=(?<val>\\w+)", SEARCH_REGEX);
    size_t n;
    ErrorBuf err = {{0}};
    const char *rep = "$2:\\1 [$0] ${val}${1}$$\\\\\\n$";
    CHECK(search_replace_all(s, b, rep, strlen(rep), &n, &err));
    CHECK_INT_EQ(n, 3);
    CHECK_TEXT(b, "value:key [key=value] valuekey$\\\n$; v2:k2 [k2=v2] v2k2$\\\n$\n"
                  "1:x [x=1] 1x$\\\n$\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "key=value; k2=v2\nx=1\n");
    /* unknown groups are errors before anything changes */
    CHECK(!search_replace_all(s, b, "$3", 2, &n, &err));
    CHECK_STR_EQ(err.msg, "replacement: no group 3 in the pattern");
    CHECK(!search_check_replacement(s, "${nope}", 7, &err));
    CHECK_STR_EQ(err.msg, "replacement: no group named 'nope' in the pattern");
    CHECK(search_check_replacement(s, "${2}$x \\q $", 11, &err));
    CHECK_TEXT(b, "key=value; k2=v2\nx=1\n");
    /* a group that did not take part is empty */
    CHECK(search_set_pattern(s, "(a)|b", 5, SEARCH_REGEX, NULL));
    Buffer *b2 = buffer_with("ab\n");
    CHECK(search_replace_all(s, b2, "<$1>", 4, &n, &err));
    CHECK_TEXT(b2, "<a><>\n");
    /* literal mode inserts the replacement as is */
    CHECK(search_set_pattern(s, "<>", 2, 0, NULL));
    CHECK(search_replace_all(s, b2, "$0\\1", 4, &n, &err));
    CHECK_TEXT(b2, "<a>$0\\1\n");
    search_free(s);
    buffer_free(b);
    buffer_free(b2);
}

static void test_replace_one_at_a_time(void)
{
    Buffer *b = buffer_with("aa aa aa\n");
    Search *s = search_of("a+", SEARCH_REGEX);
    SearchResult r;
    TextPos after;
    ErrorBuf err = {{0}};
    CHECK_INT_EQ(find(s, buffer_text(b), 0, 3, SEARCH_FORWARD, &r), SEARCH_FOUND);
    CHECK(search_replace(s, b, &r, "<$0$0>", 6, &after, &err));
    CHECK_TEXT(b, "aa <aaaa> aa\n");
    CHECK_INT_EQ(after.col, 9);
    /* the next match is after the replacement, not inside it */
    search_begin(s, after, SEARCH_FORWARD);
    while (search_step(s, buffer_text(b), 1, &r) == SEARCH_MORE) {
    }
    CHECK_MATCH(r, 0, 10, 12);
    CHECK(search_replace(s, b, &r, "b", 1, &after, &err));
    CHECK_TEXT(b, "aa <aaaa> b\n");
    /* a stale match is refused */
    SearchResult stale = {{0, 10}, {0, 12}, false};
    CHECK(!search_replace(s, b, &stale, "c", 1, &after, &err));
    CHECK_STR_EQ(err.msg, "the match is gone; search again");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "aa <aaaa> aa\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "aa aa aa\n");
    search_free(s);
    buffer_free(b);
}

static void test_replace_all_one_undo(void)
{
    /* CRLF, invalid UTF-8, NULs, empty matches, a replacement that adds lines */
    const char d[] = "foo bar foo\r\n\xff foo\0foo\r\n\r\nlast foo";
    Buffer *b = buffer_bytes(d, sizeof d - 1);
    buffer_set_cursor(b, (TextPos){1, 2});
    Search *s = search_of("foo", 0);
    size_t n;
    ErrorBuf err = {{0}};
    CHECK(search_replace_all(s, b, "X\nY", 3, &n, &err));
    CHECK_INT_EQ(n, 5);
    CHECK(search_set_pattern(s, "^", 1, SEARCH_REGEX, NULL));
    CHECK(search_replace_all(s, b, "> ", 2, &n, &err));
    CHECK_INT_EQ(n, 9);
    StrBuf sb = {0};
    text_serialize(buffer_text(b), &sb);
    const char want[] = "> X\r\n> Y bar X\r\n> Y\r\n> \xff X\r\n> Y\0X\r\n> Y\r\n> \r\n> last X\r\n> Y";
    CHECK_MEM_EQ(sb.data, sb.len, want, sizeof want - 1);
    CHECK(buffer_undo(b));
    CHECK(buffer_undo(b));
    sb_reset(&sb);
    text_serialize(buffer_text(b), &sb);
    CHECK_MEM_EQ(sb.data, sb.len, d, sizeof d - 1);
    CHECK(!buffer_modified(b));
    CHECK_INT_EQ(buffer_cursor(b).line, 1);
    CHECK_INT_EQ(buffer_cursor(b).col, 2);
    CHECK(!buffer_undo(b));
    /* nothing to replace: no undo step */
    CHECK(search_set_pattern(s, "zzz", 3, 0, NULL));
    CHECK(search_replace_all(s, b, "q", 1, &n, &err));
    CHECK_INT_EQ(n, 0);
    CHECK(!buffer_undo(b));
    sb_free(&sb);
    search_free(s);
    buffer_free(b);
}

static void test_limits(void)
{
    /* catastrophic backtracking fails that line instead of hanging */
    StrBuf sb = {0};
    for (int i = 0; i < 40; i++)
        sb_putc(&sb, 'a');
    sb_puts(&sb, "\nab\n");
    Text *t = text_of(sb.data, sb.len);
    Search *s = search_of("(a+)+$b|(a|aa)+c", SEARCH_REGEX);
    SearchResult r;
    CHECK_INT_EQ(find(s, t, 0, 0, SEARCH_FORWARD, &r), SEARCH_NOT_FOUND);
    CHECK(search_had_limit_error(s));
    search_free(s);
    text_free(t);
    sb_free(&sb);
}

/* --- go to line ----------------------------------------------------------------------------- */

static void test_goto_line(void)
{
    GotoTarget g;
    ErrorBuf err = {{0}};
    CHECK(goto_parse("120", 3, 5, 500, &g, &err) && g.line == 119 && !g.has_col);
    CHECK(goto_parse(" 120 : 5 ", 9, 5, 500, &g, &err) && g.line == 119 && g.has_col && g.col == 4);
    CHECK(goto_parse("+10", 3, 5, 500, &g, &err) && g.line == 15);
    CHECK(goto_parse("-10", 3, 5, 500, &g, &err) && g.line == 0);
    CHECK(goto_parse("-2:3", 4, 5, 500, &g, &err) && g.line == 3 && g.col == 2);
    CHECK(goto_parse("0", 1, 5, 500, &g, &err) && g.line == 0);
    CHECK(goto_parse("99999999999999999999999", 23, 5, 500, &g, &err) && g.line == 499);
    CHECK(goto_parse("+99999999999999999999999", 24, 5, 500, &g, &err) && g.line == 499);
    CHECK(!goto_parse("abc", 3, 5, 500, &g, &err));
    CHECK_STR_EQ(err.msg, "not a line number: abc");
    CHECK(!goto_parse("", 0, 5, 500, &g, &err));
    CHECK(!goto_parse("12:", 3, 5, 500, &g, &err));
    CHECK(!goto_parse("1 2", 3, 5, 500, &g, &err));
    CHECK(!goto_parse("+", 1, 5, 500, &g, &err));
    Buffer *b = buffer_with("x\n\tab\xe4\xb8\xad" "cd\nshort\n");
    TextPos p;
    CHECK(goto_line(b, "2:5", 3, &p, &err) && p.line == 1 && p.col == 1); /* 'a' after the tab */
    CHECK(goto_line(b, "2:1", 3, &p, &err) && p.col == 0);
    CHECK(goto_line(b, "2:8", 3, &p, &err) && p.col == 3);  /* the wide character's 2nd cell */
    CHECK(goto_line(b, "2:9", 3, &p, &err) && p.col == 6);
    CHECK(goto_line(b, "2:99", 4, &p, &err) && p.col == 8); /* the line's end */
    CHECK(goto_line(b, "+1", 2, &p, &err) && p.line == 1 && p.col == 0);
    CHECK(goto_line(b, "9", 1, &p, &err) && p.line == 2);
    buffer_free(b);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-test-search-XXXXXX"))
        return 1;
    RUN(test_literal);
    RUN(test_regex_and_case);
    RUN(test_invalid_patterns);
    RUN(test_crlf_and_bytes);
    RUN(test_empty_matches);
    RUN(test_wrap_both_ways);
    RUN(test_sliced_equals_oneshot);
    RUN(test_counting);
    RUN(test_replace_groups);
    RUN(test_replace_one_at_a_time);
    RUN(test_replace_all_one_undo);
    RUN(test_limits);
    RUN(test_goto_line);
    tmpdir_remove();
    return harness_done();
}
