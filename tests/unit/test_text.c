/* core/text: randomised edits against a naive reference (one flat byte array), load/serialize
 * round trips of every line-ending shape, marks, and the speed of big files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "harness.h"

/* --- the reference: the text as one flat array, lines joined with '\n' ------------------- */

typedef struct Ref {
    StrBuf s;
    bool crlf, final_newline, blank_no_eol;
    size_t marks[4];
} Ref;

static size_t ref_offset(const Ref *r, TextPos p)
{
    size_t off = 0;
    for (size_t line = 0; line < p.line; line++) {
        const char *nl = memchr(r->s.data + off, '\n', r->s.len - off);
        off = (size_t)(nl - r->s.data) + 1;
    }
    return off + p.col;
}

static TextPos ref_pos(const Ref *r, size_t off)
{
    TextPos p = {0, 0};
    for (size_t i = 0; i < off; i++) {
        if (r->s.data[i] == '\n')
            p = (TextPos){p.line + 1, 0};
        else
            p.col++;
    }
    return p;
}

static void ref_serialize(const Ref *r, StrBuf *out)
{
    sb_reset(out);
    sb_reserve(out, 0);
    if (r->s.len == 0 && r->blank_no_eol)
        return;
    for (size_t i = 0; i < r->s.len; i++) {
        if (r->s.data[i] == '\n' && r->crlf)
            sb_putc(out, '\r');
        sb_putc(out, r->s.data[i]);
    }
    if (r->final_newline)
        sb_puts(out, r->crlf ? "\r\n" : "\n");
}

static size_t ref_lines(const Ref *r)
{
    size_t n = 1;
    for (size_t i = 0; i < r->s.len; i++)
        n += r->s.data[i] == '\n';
    return n;
}

/* --- a fixed-seed generator (xorshift64) -------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t rng_below(size_t n) { return n ? (size_t)(rng() % n) : 0; }

static TextPos random_pos(const Text *t)
{
    size_t line = rng_below(text_line_count(t));
    return (TextPos){line, rng_below(text_line_len(t, line) + 1)};
}

static size_t random_bytes(char *buf, size_t max)
{
    static const char alphabet[] = "abc xyz\n\n\r\t\0\xff\xc3\xa9\xe4\xb8\xad";
    size_t n = rng_below(max + 1);
    for (size_t i = 0; i < n; i++)
        buf[i] = alphabet[rng_below(sizeof alphabet - 1)];
    return n;
}

/* Compares everything observable about t with the reference; returns false on a mismatch. */
static bool check_against(const Text *t, const Ref *r, TextPos *const marks[4], StrBuf *a,
                          StrBuf *b)
{
    sb_reset(a);
    text_serialize(t, a);
    ref_serialize(r, b);
    bool ok = a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
    ok = ok && text_byte_count(t) == a->len;
    ok = ok && text_line_count(t) == ref_lines(r);
    for (int i = 0; i < 4; i++) {
        TextPos want = ref_pos(r, r->marks[i]);
        ok = ok && text_pos_cmp(*marks[i], want) == 0;
    }
    return ok;
}

static void run_random(const char *initial, size_t initial_len, int ops)
{
    Text *t = text_new();
    Ref r = {0};
    if (initial) {
        text_set(t, initial, initial_len);
        r.blank_no_eol = initial_len == 0;
    } else {
        r.blank_no_eol = true;
    }
    r.crlf = text_crlf(t);
    r.final_newline = text_final_newline(t);
    /* Seed the reference from the loaded lines (joined with '\n'). */
    sb_reserve(&r.s, 0);
    for (size_t i = 0; i < text_line_count(t); i++) {
        size_t len;
        const char *s = text_line(t, i, &len);
        if (i)
            sb_putc(&r.s, '\n');
        sb_append(&r.s, s, len);
    }
    TextPos m[4];
    TextPos *marks[4] = {&m[0], &m[1], &m[2], &m[3]};
    for (int i = 0; i < 4; i++) {
        m[i] = random_pos(t);
        text_mark_add(t, &m[i]);
        r.marks[i] = ref_offset(&r, m[i]);
    }
    StrBuf a = {0}, b = {0}, c1 = {0}, c2 = {0};
    char buf[512];
    int failures = 0;
    for (int op = 0; op < ops && failures < 3; op++) {
        unsigned kind = (unsigned)rng_below(100);
        if (kind < 52) {
            TextPos p = random_pos(t);
            size_t n = random_bytes(buf, rng_below(20) == 0 ? sizeof buf : 12);
            size_t off = ref_offset(&r, p);
            TextPos after = text_insert(t, p, buf, n);
            /* splice into the reference */
            sb_reserve(&r.s, n);
            memmove(r.s.data + off + n, r.s.data + off, r.s.len - off + 1);
            memcpy(r.s.data + off, buf, n);
            r.s.len += n;
            for (int i = 0; i < 4; i++)
                if (r.marks[i] >= off)
                    r.marks[i] += n;
            if (text_pos_cmp(after, ref_pos(&r, off + n)) != 0) {
                fprintf(stderr, "op %d: insert returned a wrong position\n", op);
                failures++;
            }
        } else if (kind < 94) {
            TextPos from = random_pos(t);
            size_t a_off = ref_offset(&r, from);
            size_t span = rng_below(rng_below(10) == 0 ? 400 : 25);
            size_t b_off = a_off + span > r.s.len ? r.s.len : a_off + span;
            TextPos to = ref_pos(&r, b_off);
            text_delete(t, from, to);
            memmove(r.s.data + a_off, r.s.data + b_off, r.s.len - b_off + 1);
            r.s.len -= b_off - a_off;
            for (int i = 0; i < 4; i++) {
                if (r.marks[i] > b_off)
                    r.marks[i] -= b_off - a_off;
                else if (r.marks[i] > a_off)
                    r.marks[i] = a_off;
            }
        } else if (kind < 98) {
            /* text_copy of a random range equals the reference's bytes. */
            TextPos from = random_pos(t);
            size_t a_off = ref_offset(&r, from);
            size_t b_off = a_off + rng_below(60);
            if (b_off > r.s.len)
                b_off = r.s.len;
            sb_reset(&c1);
            text_copy(t, from, ref_pos(&r, b_off), &c1);
            if (c1.len != b_off - a_off || memcmp(c1.data, r.s.data + a_off, c1.len) != 0) {
                fprintf(stderr, "op %d: text_copy differs\n", op);
                failures++;
            }
        } else {
            /* Round trip: what we would save loads back to the same bytes. */
            sb_reset(&c1);
            text_serialize(t, &c1);
            Text *t2 = text_new();
            text_set(t2, c1.data, c1.len);
            sb_reset(&c2);
            text_serialize(t2, &c2);
            if (c1.len != c2.len || memcmp(c1.data, c2.data, c1.len) != 0) {
                fprintf(stderr, "op %d: reload is not byte identical\n", op);
                failures++;
            }
            text_free(t2);
        }
        if (!check_against(t, &r, marks, &a, &b)) {
            fprintf(stderr, "op %d (kind %u): text and reference differ (%zu vs %zu bytes)\n",
                    op, kind, a.len, b.len);
            failures++;
        }
    }
    CHECK_INT_EQ(failures, 0);
    for (int i = 0; i < 4; i++)
        text_mark_remove(t, &m[i]);
    text_free(t);
    sb_free(&r.s);
    sb_free(&a);
    sb_free(&b);
    sb_free(&c1);
    sb_free(&c2);
}

static void test_random_lf(void) { run_random(NULL, 0, 20000); }

static void test_random_crlf(void)
{
    /* Loaded lines longer than a small allocation exercise copying them out of the slab. */
    const char init[] = "first\r\nsecond line, long enough to need its own copy when edited\r\n"
                        "\r\nlast line of the file, also longer than thirty-two bytes\r\n";
    run_random(init, sizeof init - 1, 8000);
}

static void test_random_no_final_newline(void)
{
    const char init[] = "alpha with a line long enough to matter for the slab\nbeta\n"
                        "gamma is the last line and it has no terminator at all";
    run_random(init, sizeof init - 1, 8000);
}

/* --- load / serialize ------------------------------------------------------------------- */

static void round_trip(const char *data, size_t len, bool crlf, bool final_newline,
                       size_t lines)
{
    Text *t = text_new();
    text_set(t, data, len);
    StrBuf out = {0};
    text_serialize(t, &out);
    CHECK_MEM_EQ(out.data, out.len, data, len);
    CHECK_INT_EQ(text_byte_count(t), len);
    CHECK_INT_EQ(text_crlf(t), crlf);
    CHECK_INT_EQ(text_final_newline(t), final_newline);
    CHECK_INT_EQ(text_line_count(t), lines);
    sb_free(&out);
    text_free(t);
}

#define RT(lit, crlf, fin, lines) round_trip(lit, sizeof lit - 1, crlf, fin, lines)

static void test_round_trips(void)
{
    RT("a\nb\n", false, true, 2);
    RT("a\r\nb\r\n", true, true, 2);
    RT("a\r\nb\nc\r\n", false, true, 3);    /* mixed: '\r's stay in the lines */
    RT("a\nb\r\n", false, true, 2);
    RT("a\nb", false, false, 2);
    RT("a\r\nb", true, false, 2);           /* no final newline in a CRLF file */
    RT("a\r\nb\r", true, false, 2);         /* a trailing lone '\r' on the last line */
    RT("", false, true, 1);
    RT("\n", false, true, 1);
    RT("\r\n", true, true, 1);
    RT("\n\n\n", false, true, 3);
    RT("\r", false, false, 1);
    RT("a\rb\rc\n", false, true, 1);        /* lone '\r' is a byte, not a line break */
    RT("\xff\xfe\x00x\n\x00\n\xc3", false, false, 3);
    RT("\xe4\xb8\n\xad\xed\xa0\x80\r\n", false, true, 2);
    RT("\x00\r\n\x00\r\n", true, true, 2);
    RT("ends with a NUL\n\x00", false, false, 2);
    RT("\x00", false, false, 1);

    Text *t = text_new();
    const char crlf[] = "one\r\ntwo\r\n";
    text_set(t, crlf, sizeof crlf - 1);
    size_t len;
    const char *s = text_line(t, 0, &len);
    CHECK_MEM_EQ(s, len, "one", 3); /* the '\r' is stripped in CRLF mode... */
    text_insert(t, (TextPos){1, 3}, "\nthree", 6);
    StrBuf out = {0};
    text_serialize(t, &out);
    CHECK_STR_EQ(out.data, "one\r\ntwo\r\nthree\r\n"); /* ...and restored on every line */
    CHECK_INT_EQ(text_byte_count(t), out.len);
    const char mixed[] = "one\r\ntwo\n";
    text_set(t, mixed, sizeof mixed - 1);
    s = text_line(t, 0, &len);
    CHECK_MEM_EQ(s, len, "one\r", 4);
    /* Loading a line of the text itself (data aliasing t) is fine. */
    text_set(t, s, len);
    sb_reset(&out);
    text_serialize(t, &out);
    CHECK_MEM_EQ(out.data, out.len, "one\r", 4);
    sb_free(&out);
    text_free(t);
}

static void test_empty_and_new(void)
{
    Text *t = text_new();
    StrBuf out = {0};
    text_serialize(t, &out);
    CHECK_INT_EQ(out.len, 0);
    CHECK_INT_EQ(text_byte_count(t), 0);
    CHECK(text_final_newline(t));
    text_insert(t, (TextPos){0, 0}, "x", 1);
    sb_reset(&out);
    text_serialize(t, &out);
    CHECK_STR_EQ(out.data, "x\n");
    CHECK_INT_EQ(text_byte_count(t), 2);
    text_delete(t, (TextPos){0, 0}, (TextPos){0, 1});
    CHECK_INT_EQ(text_byte_count(t), 0);
    /* A file of one terminator keeps it even when edited back to that state. */
    text_set(t, "\n", 1);
    text_insert(t, (TextPos){0, 0}, "y", 1);
    text_delete(t, (TextPos){0, 0}, (TextPos){0, 1});
    sb_reset(&out);
    text_serialize(t, &out);
    CHECK_STR_EQ(out.data, "\n");
    CHECK_INT_EQ(text_byte_count(t), 1);
    /* text_line of an empty line is "" (never NULL). */
    size_t len = 99;
    CHECK_STR_EQ(text_line(t, 0, &len), "");
    CHECK_INT_EQ(len, 0);
    sb_free(&out);
    text_free(t);

    /* An empty file (and a NULL pointer with length 0): one empty line that saves as nothing.
     * text_set once did pointer arithmetic on its NULL slab here (clang's UBSan: "applying
     * zero offset to null pointer"). */
    const char *none[] = {"", NULL};
    for (size_t i = 0; i < 2; i++) {
        t = text_new();
        text_set(t, "abc\r\n", 5);
        text_set(t, none[i], 0);
        CHECK_INT_EQ(text_line_count(t), 1);
        CHECK_INT_EQ(text_line_len(t, 0), 0);
        CHECK_INT_EQ(text_byte_count(t), 0);
        CHECK(!text_crlf(t));
        StrBuf e = {0};
        text_serialize(t, &e);
        CHECK_INT_EQ(e.len, 0);
        text_insert(t, (TextPos){0, 0}, "z", 1);
        sb_reset(&e);
        text_serialize(t, &e);
        CHECK_STR_EQ(e.data, "z\n");
        sb_free(&e);
        text_free(t);
    }
}

static void test_edits_and_clamp(void)
{
    Text *t = text_new();
    TextPos end = text_insert(t, (TextPos){0, 0}, "hello\nbig\nworld", 15);
    CHECK_INT_EQ(end.line, 2);
    CHECK_INT_EQ(end.col, 5);
    text_delete(t, (TextPos){0, 2}, (TextPos){2, 1});
    StrBuf out = {0};
    text_serialize(t, &out);
    CHECK_STR_EQ(out.data, "heorld\n");
    sb_reset(&out);
    text_copy(t, (TextPos){0, 1}, (TextPos){0, 4}, &out);
    CHECK_STR_EQ(out.data, "eor");
    TextPos c = text_clamp(t, (TextPos){7, 99});
    CHECK_INT_EQ(c.line, 0);
    CHECK_INT_EQ(c.col, 6);
    CHECK(text_pos_cmp((TextPos){1, 0}, (TextPos){0, 9}) > 0);
    CHECK(text_pos_cmp((TextPos){1, 2}, (TextPos){1, 3}) < 0);
    CHECK(text_pos_cmp((TextPos){1, 2}, (TextPos){1, 2}) == 0);
    sb_free(&out);
    text_free(t);
}

static void test_marks(void)
{
    Text *t = text_new();
    text_insert(t, (TextPos){0, 0}, "abcdef\nghijkl\nmnopqr", 20);
    TextPos before = {0, 2}, at = {1, 3}, after_same = {1, 5}, later = {2, 4};
    text_mark_add(t, &before);
    text_mark_add(t, &at);
    text_mark_add(t, &after_same);
    text_mark_add(t, &later);
    /* Insert "XY\nZ" at (1,3): a mark at the insertion point moves with the byte it was on. */
    text_insert(t, (TextPos){1, 3}, "XY\nZ", 4);
    CHECK(before.line == 0 && before.col == 2);
    CHECK(at.line == 2 && at.col == 1);
    CHECK(after_same.line == 2 && after_same.col == 3);
    CHECK(later.line == 3 && later.col == 4);
    /* Delete from (0,4) to (2,2): "at" is inside and collapses; after_same shifts onto line 0. */
    text_delete(t, (TextPos){0, 4}, (TextPos){2, 2});
    CHECK(before.line == 0 && before.col == 2);
    CHECK(at.line == 0 && at.col == 4);
    CHECK(after_same.line == 0 && after_same.col == 5);
    CHECK(later.line == 1 && later.col == 4);
    StrBuf out = {0};
    text_serialize(t, &out);
    CHECK_STR_EQ(out.data, "abcdkl\nmnopqr\n");
    /* Removed marks no longer move; loading a file resets the rest. */
    text_mark_remove(t, &before);
    text_insert(t, (TextPos){0, 0}, "!", 1);
    CHECK(before.col == 2);
    CHECK(at.col == 5);
    text_set(t, "zz\n", 3);
    CHECK(later.line == 0 && later.col == 0);
    text_mark_remove(t, &at);
    text_mark_remove(t, &after_same);
    text_mark_remove(t, &later);
    sb_free(&out);
    text_free(t);
}

/* Every kind of edit as the first edit of a freshly loaded line (still in the load slab),
 * at the start, middle and end of long lines, checked against a flat splice. */
static void test_first_edit_after_load(void)
{
    static const char data[] =
        "the first line is long enough that a small allocation cannot hold it\n"
        "the second line is just as long, with some more words at its very end\n"
        "short\n"
        "the fourth line: also long, and the file has a final newline after it\n";
    size_t len = sizeof data - 1;
    static const size_t cols[] = {0, 1, 7, 40, 68};
    static const char *const ins[] = {"X", "X\nY", "\n", "A\nB\nC\n"};
    int bad = 0;
    StrBuf got = {0}, want = {0};
    for (size_t line = 0; line < 4; line++) {
        for (size_t ci = 0; ci < sizeof cols / sizeof *cols; ci++) {
            for (size_t op = 0; op < 4 + 4; op++) {
                Text *t = text_new();
                text_set(t, data, len);
                TextPos p = text_clamp(t, (TextPos){line, cols[ci]});
                Ref r = {.final_newline = true};
                sb_append(&r.s, data, len - 1); /* the reference holds no final terminator */
                size_t off = ref_offset(&r, p);
                if (op < 4) {
                    size_t n = strlen(ins[op]);
                    text_insert(t, p, ins[op], n);
                    sb_reset(&want);
                    sb_append(&want, data, off);
                    sb_append(&want, ins[op], n);
                    sb_append(&want, data + off, len - off);
                } else {
                    /* Deletions: within the line, to the next line, across two lines, to the end. */
                    size_t spans[] = {3, 75, 150, len - 1 - off};
                    size_t end = off + spans[op - 4] > len - 1 ? len - 1 : off + spans[op - 4];
                    text_delete(t, p, ref_pos(&r, end));
                    sb_reset(&want);
                    sb_append(&want, data, off);
                    sb_append(&want, data + end, len - end);
                }
                sb_reset(&got);
                text_serialize(t, &got);
                if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0 ||
                    text_byte_count(t) != got.len) {
                    fprintf(stderr, "line %zu col %zu op %zu: got \"%s\"\n", line, cols[ci], op,
                            got.data);
                    bad++;
                }
                sb_free(&r.s);
                text_free(t);
            }
        }
    }
    CHECK_INT_EQ(bad, 0);
    sb_free(&got);
    sb_free(&want);
}

/* --- big files ----------------------------------------------------------------------------- */

static void test_big_file(void)
{
    enum { LINES = 200000 };
    StrBuf file = {0};
    for (int i = 0; i < LINES; i++)
        sb_printf(&file, "%06d the quick brown fox jumps over the lazy dog\n", i);
    Text *t = text_new();
    /* Best of three: the figure is about our code, not about a busy build machine. */
    uint64_t load_ns = UINT64_MAX, first_ns = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = clock_now_ns();
        text_set(t, file.data, file.len);
        uint64_t t1 = clock_now_ns();
        if (i == 0)
            first_ns = t1 - t0; /* into fresh memory: page faults included */
        if (t1 - t0 < load_ns)
            load_ns = t1 - t0;
    }
    CHECK_INT_EQ(text_line_count(t), LINES);
    CHECK_INT_EQ(text_byte_count(t), file.len);
    StrBuf out = {0};
    uint64_t t2 = clock_now_ns();
    text_serialize(t, &out);
    uint64_t t3 = clock_now_ns();
    CHECK_MEM_EQ(out.data, out.len, file.data, file.len);

    /* Line inserts and joins in the middle: each moves ~100k line records. */
#if defined(__SANITIZE_ADDRESS__)
    enum { EDITS = 500 }; /* instrumented memmove is ~25x slower */
#else
    enum { EDITS = 10000 };
#endif
    uint64_t t4 = clock_now_ns();
    for (int i = 0; i < EDITS; i++) {
        TextPos p = {LINES / 2, 3};
        text_insert(t, p, "x\ny", 3);
        text_delete(t, p, (TextPos){LINES / 2 + 1, 1});
    }
    uint64_t t5 = clock_now_ns();
    /* Typing at the end of a line. */
    enum { TYPED = 200000 };
    for (int i = 0; i < TYPED; i++)
        text_insert(t, (TextPos){LINES / 3, text_line_len(t, LINES / 3)}, "z", 1);
    uint64_t t6 = clock_now_ns();
    CHECK_INT_EQ(text_byte_count(t), file.len + TYPED);

    double load_ms = (double)load_ns / 1e6;
    printf("200k lines (%zu bytes): load %.1f ms (first, cold) / %.1f ms (best of 3), "
           "serialize %.1f ms\n",
           file.len, (double)first_ns / 1e6, load_ms, (double)(t3 - t2) / 1e6);
    printf("mid-file line split+join: %.0f pairs/s; typing: %.0f chars/s\n",
           EDITS / ((double)(t5 - t4) / 1e9), TYPED / ((double)(t6 - t5) / 1e9));
    (void)load_ms; /* a figure, not an assertion: timing belongs to benchmarks (noisy CI) */
    sb_free(&out);
    sb_free(&file);
    text_free(t);
}

int main(void)
{
    RUN(test_round_trips);
    RUN(test_empty_and_new);
    RUN(test_edits_and_clamp);
    RUN(test_marks);
    RUN(test_first_edit_after_load);
    RUN(test_random_lf);
    RUN(test_random_crlf);
    RUN(test_random_no_final_newline);
    RUN(test_big_file);
    return harness_done();
}
