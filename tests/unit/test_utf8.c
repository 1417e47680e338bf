/* core/utf8: decoding (valid, overlong, surrogate, truncated, out of range), encoding round
 * trips, utf8_prev over mixed valid/invalid bytes, and the display widths the editor relies on. */
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "harness.h"

static uint32_t decode1(const char *s, size_t len, size_t *used)
{
    uint32_t cp = 0;
    *used = utf8_decode(s, len, &cp);
    return cp;
}

static void test_decode_valid(void)
{
    size_t n;
    CHECK_INT_EQ(decode1("a", 1, &n), 'a');
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(decode1("\xC3\xA9", 2, &n), 0xE9);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(decode1("\xE4\xB8\xAD", 3, &n), 0x4E2D);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(decode1("\xF0\x9F\x98\x80", 4, &n), 0x1F600);
    CHECK_INT_EQ(n, 4);
    CHECK_INT_EQ(decode1("\xF4\x8F\xBF\xBF", 4, &n), 0x10FFFF);
    CHECK_INT_EQ(n, 4);
    CHECK_INT_EQ(decode1("\0", 1, &n), 0);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(decode1("", 0, &n), 0);
    CHECK_INT_EQ(n, 0);
}

static void test_decode_invalid(void)
{
    size_t n;
    /* Overlong encodings of '/', NUL and U+07FF / U+FFFF. */
    static const char *overlongs[] = {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF",
                                      "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF", "\xC0\x80"};
    for (size_t i = 0; i < sizeof overlongs / sizeof *overlongs; i++) {
        uint32_t cp = decode1(overlongs[i], strlen(overlongs[i]), &n);
        CHECK(UTF8_IS_RAW(cp));
        CHECK_INT_EQ(cp, UTF8_RAW(overlongs[i][0]));
        CHECK_INT_EQ(n, 1);
    }
    /* Surrogates U+D800 and U+DFFF. */
    CHECK_INT_EQ(decode1("\xED\xA0\x80", 3, &n), UTF8_RAW(0xED));
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(decode1("\xED\xBF\xBF", 3, &n), UTF8_RAW(0xED));
    /* Beyond U+10FFFF, and lead bytes that can never start a sequence. */
    CHECK_INT_EQ(decode1("\xF4\x90\x80\x80", 4, &n), UTF8_RAW(0xF4));
    CHECK_INT_EQ(decode1("\xF5\x80\x80\x80", 4, &n), UTF8_RAW(0xF5));
    CHECK_INT_EQ(decode1("\xFF", 1, &n), UTF8_RAW(0xFF));
    CHECK_INT_EQ(decode1("\xFE", 1, &n), UTF8_RAW(0xFE));
    /* Stray continuation byte. */
    CHECK_INT_EQ(decode1("\x80" "a", 2, &n), UTF8_RAW(0x80));
    CHECK_INT_EQ(n, 1);
    /* Truncated: the length ends mid-sequence, or a non-continuation byte interrupts it. */
    CHECK_INT_EQ(decode1("\xE4\xB8", 2, &n), UTF8_RAW(0xE4));
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(decode1("\xE4\xB8\xAD", 2, &n), UTF8_RAW(0xE4));
    CHECK_INT_EQ(decode1("\xF0\x9F\x98" "a", 4, &n), UTF8_RAW(0xF0));
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(decode1("\xC3" "a", 2, &n), UTF8_RAW(0xC3));
    CHECK(!utf8_valid("a\xC3", 2));
    CHECK(utf8_valid("a\xC3\xA9\xE4\xB8\xAD", 6));
    CHECK(utf8_valid("", 0));
}

static void test_encode_round_trip(void)
{
    static const uint32_t cps[] = {0,      0x7F,    0x80,    0x7FF,   0x800,   0xD7FF,
                                   0xE000, 0xFFFD,  0xFFFF,  0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char buf[4];
        size_t n = utf8_encode(cps[i], buf);
        CHECK(n >= 1 && n <= 4);
        size_t used;
        CHECK_INT_EQ(decode1(buf, n, &used), cps[i]);
        CHECK_INT_EQ(used, n);
    }
    /* Every code point, sampled densely, encodes and decodes back to itself. */
    size_t bad = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x20000 ? 1 : 61)) {
        char buf[4];
        size_t n = utf8_encode(cp, buf);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            bad += n != 0;
            continue;
        }
        size_t used;
        uint32_t back = decode1(buf, n, &used);
        bad += back != cp || used != n;
    }
    CHECK_INT_EQ(bad, 0);
    char buf[4];
    CHECK_INT_EQ(utf8_encode(0x110000, buf), 0);
    CHECK_INT_EQ(utf8_encode(0xD800, buf), 0);
}

static void test_prev_mixed(void)
{
    /* a | é | 0xFF | 中 | stray 0x80 | truncated E4 B8 | 😀 | b */
    const char s[] = "a\xC3\xA9\xFF\xE4\xB8\xAD\x80\xE4\xB8\xF0\x9F\x98\x80" "b";
    size_t len = sizeof s - 1;
    static const size_t starts[] = {0, 1, 3, 4, 7, 8, 9, 10, 14};
    size_t nstarts = sizeof starts / sizeof *starts;
    /* Forward decode visits exactly these starts. */
    size_t i = 0, k = 0;
    while (i < len) {
        CHECK(k < nstarts);
        if (k < nstarts)
            CHECK_INT_EQ(i, starts[k]);
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        k++;
    }
    CHECK_INT_EQ(k, nstarts);
    /* Backward from the end visits them in reverse. */
    size_t pos = len;
    for (size_t j = nstarts; j-- > 0;) {
        pos = utf8_prev(s, pos);
        CHECK_INT_EQ(pos, starts[j]);
    }
    CHECK_INT_EQ(utf8_prev(s, 0), 0);
    /* A lone continuation run longer than 3 bytes steps one byte at a time. */
    const char cont[] = "\x80\x80\x80\x80\x80";
    CHECK_INT_EQ(utf8_prev(cont, 5), 4);
    CHECK_INT_EQ(utf8_prev(cont, 1), 0);
}

static void test_widths(void)
{
    CHECK_INT_EQ(utf8_width('a'), 1);
    CHECK_INT_EQ(utf8_width(' '), 1);
    CHECK_INT_EQ(utf8_width(0xE9), 1);
    CHECK_INT_EQ(utf8_width(0x4E2D), 2);
    CHECK_INT_EQ(utf8_width(0x1F600), 2);
    CHECK_INT_EQ(utf8_width(0x0301), 0);
    CHECK(utf8_is_combining(0x0301));
    CHECK(!utf8_is_combining('a'));
    CHECK_INT_EQ(utf8_width(0x1B), -1);
    CHECK_INT_EQ(utf8_width(0), -1);
    CHECK_INT_EQ(utf8_width(0x7F), -1);
    CHECK_INT_EQ(utf8_width(0x85), -1);
    CHECK_INT_EQ(utf8_width(0x202E), -1);
    CHECK_INT_EQ(utf8_width(0xFEFF), -1);
    CHECK_INT_EQ(utf8_width(UTF8_RAW(0xFF)), -1);
    CHECK_INT_EQ(utf8_width(UTF8_RAW(0x41)), -1);
}

/* The one display rule for what may not reach the terminal as itself. */
static void test_escape_rule(void)
{
    char esc[UTF8_ESCAPE_MAX];
    static const struct {
        uint32_t cp;
        const char *want;
    } cases[] = {
        {0x00, "^@"}, {0x01, "^A"}, {0x09, "^I"}, {0x0A, "^J"}, {0x1B, "^["}, {0x1F, "^_"},
        {0x7F, "^?"}, {UTF8_RAW(0x00), "<00>"}, {UTF8_RAW(0xAB), "<ab>"},
        {UTF8_RAW(0xFF), "<ff>"}, {0x80, "<U+0080>"}, {0x85, "<U+0085>"}, {0x9F, "<U+009F>"},
        {0x00AD, "<U+00AD>"}, {0x200B, "<U+200B>"}, {0x202E, "<U+202E>"},
        {0xFEFF, "<U+FEFF>"}, {0xE0001, "<U+E0001>"}, {0x10FFFF, "<U+10FFFF>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(esc, 'x', sizeof esc);
        size_t n = utf8_escape(cases[i].cp, esc);
        CHECK_INT_EQ(n, strlen(cases[i].want));
        CHECK_STR_EQ(esc, cases[i].want);
        CHECK_INT_EQ(utf8_display_width(cases[i].cp), (int)n);
    }
    /* Printable characters are drawn as themselves; out stays untouched. */
    static const uint32_t plain[] = {' ', 'a', '~', 0xA0, 0xE9, 0x4E2D, 0x1F600, 0x0301, 0x200D};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        memset(esc, 'x', sizeof esc);
        CHECK_INT_EQ(utf8_escape(plain[i], esc), 0);
        CHECK(esc[0] == 'x');
        CHECK_INT_EQ(utf8_display_width(plain[i]), utf8_width(plain[i]));
    }
    CHECK_INT_EQ(utf8_display_width(0x4E2D), 2);
    CHECK_INT_EQ(utf8_display_width(0x0301), 0);

    /* Escaped exactly when not printable; never negative; always fits, ASCII only. */
    int bad = 0;
    for (uint32_t cp = 0; cp <= 0x110000 + 0x100; cp++) {
        uint32_t c = cp <= 0x10FFFF ? cp : UTF8_RAW(cp - 0x110000);
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        size_t n = utf8_escape(c, esc);
        bool escaped = n > 0;
        bad += escaped != (utf8_width(c) < 0);
        bad += utf8_display_width(c) < 0;
        bad += n >= UTF8_ESCAPE_MAX;
        if (escaped) {
            bad += strlen(esc) != n;
            for (size_t k = 0; k < n; k++)
                bad += esc[k] < 0x20 || esc[k] >= 0x7F;
        }
    }
    CHECK_INT_EQ(bad, 0);
}

/* Grapheme clusters: boundaries found forwards and backwards agree at every byte of a mixed
 * text, and the widths a clustering terminal draws. */
static void test_graphemes(void)
{
    static const char t[] = "a"
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" /* family */
        "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"                                       /* thumb, tone */
        "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa"     /* FR DE */
        "\xf0\x9f\x87\xaf"                                                       /* a lone RI */
        "e\xcc\x81\xcc\xa3"                                                      /* e + 2 marks */
        "\xe2\x9d\xa4\xef\xb8\x8f"                                               /* heart VS16 */
        "\xff\xcc\x81" "\t\n" "\xe4\xb8\xad" "z";
    size_t len = sizeof t - 1;
    static const size_t want[] = {0, 1, 19, 27, 35, 43, 47, 52, 58, 59, 61, 62, 63, 66, 67};
    size_t nb = 0, at = 0;
    while (at < len) {
        CHECK(nb < sizeof want / sizeof *want);
        if (nb < sizeof want / sizeof *want)
            CHECK_INT_EQ(at, want[nb]);
        nb++;
        at = utf8_grapheme_next(t, len, at);
    }
    CHECK_INT_EQ(at, len);
    CHECK_INT_EQ(nb + 1, sizeof want / sizeof *want);
    /* prev from every code point boundary: the start of the cluster before it */
    for (size_t pos = 0; pos < len;) {
        uint32_t cp;
        pos += utf8_decode(t + pos, len - pos, &cp);
        size_t k = 0;
        while (k + 1 < sizeof want / sizeof *want && want[k + 1] < pos)
            k++;
        if (utf8_grapheme_prev(t, len, pos) != want[k]) {
            fprintf(stderr, "  prev(%zu) = %zu, want %zu\n", pos, utf8_grapheme_prev(t, len, pos),
                    want[k]);
            CHECK(false);
        }
    }
    CHECK_INT_EQ(utf8_grapheme_prev(t, len, 0), 0);
    CHECK_INT_EQ(utf8_grapheme_next(t, len, len), len);
    CHECK_INT_EQ(utf8_grapheme_width(t + 1, 18), 2); /* the family: one emoji */
    CHECK_INT_EQ(utf8_grapheme_width(t + 19, 8), 2);
    CHECK_INT_EQ(utf8_grapheme_width(t + 27, 8), 2); /* a flag */
    CHECK_INT_EQ(utf8_grapheme_width(t + 47, 5), 1); /* e and its marks */
    CHECK_INT_EQ(utf8_grapheme_width(t + 52, 6), 2); /* VS16: emoji presentation */
    CHECK_INT_EQ(utf8_grapheme_width("a", 1), 1);
    CHECK_INT_EQ(utf8_grapheme_width("\xe4\xb8\xad", 3), 2);
    /* Random bytes: boundaries always advance and prev never passes the position. */
    unsigned seed = 12345;
    char r[64];
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof r; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char pool[] = "a\xcc\x81\xe2\x80\x8d\xf0\x9f\x87\xab\xef\xb8\x8f\xff\n";
            r[i] = pool[(seed >> 16) % (sizeof pool - 1)];
        }
        bool start[sizeof r + 1] = {false}; /* the cluster starts, found forwards from 0 */
        for (size_t q = 0; q < sizeof r; q = utf8_grapheme_next(r, sizeof r, q))
            start[q] = true;
        for (size_t pos = 0; pos < sizeof r;) { /* at each code point boundary */
            size_t n = utf8_grapheme_next(r, sizeof r, pos);
            CHECK(n > pos && n <= sizeof r);
            uint32_t cp;
            size_t after = pos + utf8_decode(r + pos, sizeof r - pos, &cp);
            size_t pv = utf8_grapheme_prev(r, sizeof r, after);
            CHECK(pv <= pos);
            CHECK(utf8_grapheme_next(r, sizeof r, pv) >= after); /* pv's cluster covers it */
            CHECK(start[pv]); /* and backwards agrees with forwards */
            pos = after;
        }
    }
}

int main(void)
{
    RUN(test_decode_valid);
    RUN(test_graphemes);
    RUN(test_decode_invalid);
    RUN(test_encode_round_trip);
    RUN(test_prev_mixed);
    RUN(test_widths);
    RUN(test_escape_rule);
    return harness_done();
}
