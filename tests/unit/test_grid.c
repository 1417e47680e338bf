/* Grid: escapes of hostile bytes, wide characters at the edge, combining marks, the cell
 * invariant under overlapping writes, and grid_text_width == what grid_put_text draws. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "harness.h"
#include "session/buffer.h"
#include "themes/theme.h"
#include "ui/grid.h"

/* A row as UTF-8: right halves of wide characters skipped, combining marks appended. */
static const char *row_text(const Grid *g, int y)
{
    static char out[4096];
    size_t n = 0;
    const Cell *row = grid_row_const(g, y);
    for (int x = 0; x < g->cols; x++) {
        if (row[x].width == 0)
            continue;
        n += utf8_encode(row[x].cp, out + n);
        for (int k = 0; k < 2; k++)
            if (row[x].comb[k])
                n += utf8_encode(row[x].comb[k], out + n);
    }
    out[n] = '\0';
    return out;
}

/* One letter per column: T text, C control style, others '?'. */
static const char *row_styles(const Grid *g, int y)
{
    static char out[1024];
    const Cell *row = grid_row_const(g, y);
    for (int x = 0; x < g->cols; x++)
        out[x] = row[x].style == STYLE_TEXT ? 'T' : row[x].style == STYLE_CONTROL ? 'C' : '?';
    out[g->cols] = '\0';
    return out;
}

/* Every cell printable (or a right half right after a wide left half). */
static bool grid_valid(const Grid *g)
{
    for (int y = 0; y < g->rows; y++) {
        const Cell *row = grid_row_const(g, y);
        for (int x = 0; x < g->cols; x++) {
            const Cell *c = &row[x];
            if (c->pad != 0)
                return false;
            if (c->width == 0) {
                if (c->cp != 0 || x == 0 || row[x - 1].width != 2)
                    return false;
            } else if (c->width == 2) {
                if (x + 1 >= g->cols || row[x + 1].width != 0 || utf8_width(c->cp) != 2)
                    return false;
            } else if (c->width != 1 || utf8_width(c->cp) != 1) {
                return false;
            }
            for (int k = 0; k < 2; k++)
                if (c->comb[k] && utf8_width(c->comb[k]) != 0)
                    return false;
        }
    }
    return true;
}

static int put(Grid *g, int x, int y, int max_x, const char *s)
{
    return grid_put_text(g, x, y, max_x, s, strlen(s), STYLE_TEXT, STYLE_CONTROL, 0, 4);
}

static void test_escape_sequences_shown_as_text(void)
{
    Grid *g = grid_new(40, 2);
    const char *evil = "\x1b[2J\x1b]0;pwn\x07";
    int x = put(g, 0, 0, 40, evil);
    CHECK_STR_EQ(row_text(g, 0), "^[[2J^[]0;pwn^G                         ");
    CHECK_STR_EQ(row_styles(g, 0), "CCTTTCCTTTTTTCCTTTTTTTTTTTTTTTTTTTTTTTTT");
    CHECK_INT_EQ(x, 15);
    CHECK_INT_EQ(grid_text_width(evil, strlen(evil), 0, 4), 15);
    /* C0 range ends: NUL, US; DEL; C1 (U+009B is CSI) as a code point. */
    grid_clear(g, STYLE_TEXT);
    put(g, 0, 1, 40, "a\x01" "\x1f\x7f" "\xc2\x9b" "b");
    CHECK_STR_EQ(row_text(g, 1), "a^A^_^?<U+009B>b                        ");
    CHECK(grid_valid(g));
    grid_free(g);
}

static void test_nul_and_raw_bytes(void)
{
    Grid *g = grid_new(20, 1);
    const char s[] = {'x', '\0', (char)0xff, (char)0xc3, 'y'}; /* NUL, bad byte, cut sequence */
    int x = grid_put_text(g, 0, 0, 20, s, sizeof s, STYLE_TEXT, STYLE_CONTROL, 0, 4);
    CHECK_STR_EQ(row_text(g, 0), "x^@<ff><c3>y        ");
    CHECK_INT_EQ(x, 12);
    CHECK_INT_EQ(grid_text_width(s, sizeof s, 0, 4), 12);
    grid_free(g);
}

static void test_bidi_and_format_chars_escaped(void)
{
    Grid *g = grid_new(30, 1);
    /* RLO would reverse what follows; ZWSP and BOM hide; all shown escaped. */
    int x = put(g, 0, 0, 30, "a\xe2\x80\xae" "b\xe2\x80\x8b\xef\xbb\xbf");
    CHECK_STR_EQ(row_text(g, 0), "a<U+202E>b<U+200B><U+FEFF>    ");
    CHECK_STR_EQ(row_styles(g, 0), "TCCCCCCCCTCCCCCCCCCCCCCCCCTTTT");
    CHECK_INT_EQ(x, 26);
    CHECK_INT_EQ(grid_cp_cols(0x202E, 0, 4), 8);
    CHECK_INT_EQ(grid_cp_cols(0x1B, 0, 4), 2);
    CHECK_INT_EQ(grid_cp_cols(UTF8_RAW(0xff), 0, 4), 4);
    CHECK_INT_EQ(grid_cp_cols(0xE0001, 0, 4), 9); /* <U+E0001> */
    grid_free(g);
}

static void test_escape_clipped_at_edge(void)
{
    Grid *g = grid_new(6, 1);
    int x = put(g, 0, 0, 6, "ab\xe2\x80\xae");
    CHECK_STR_EQ(row_text(g, 0), "ab<U+2");
    CHECK_INT_EQ(x, 6);
    CHECK(grid_valid(g));
    grid_free(g);
}

static void test_cjk_at_right_edge(void)
{
    Grid *g = grid_new(5, 2);
    int x = put(g, 0, 0, 5, "ab\xe6\xbc\xa2\xe5\xad\x97"); /* ab漢字 */
    CHECK_STR_EQ(row_text(g, 0), "ab\xe6\xbc\xa2 ");
    CHECK_INT_EQ(x, 5);
    CHECK_INT_EQ(grid_row(g, 0)[2].width, 2);
    CHECK_INT_EQ(grid_row(g, 0)[3].width, 0);
    CHECK_INT_EQ(grid_row(g, 0)[4].cp, ' ');
    /* max_x inside the grid clips the same way. */
    x = put(g, 0, 1, 3, "a\xe6\xbc\xa2\xe5\xad\x97");
    CHECK_INT_EQ(x, 3);
    CHECK_STR_EQ(row_text(g, 1), "a\xe6\xbc\xa2  ");
    x = put(g, 0, 1, 2, "a\xe6\xbc\xa2");
    CHECK_INT_EQ(x, 2);
    CHECK_INT_EQ(grid_row(g, 1)[1].cp, ' ');
    CHECK(grid_valid(g));
    grid_free(g);
}

static void test_combining_marks(void)
{
    Grid *g = grid_new(10, 2);
    /* e + acute + circumflex + tilde: two kept, the third dropped. */
    int x = put(g, 0, 0, 10, "e\xcc\x81\xcc\x82\xcc\x83z");
    CHECK_INT_EQ(x, 2);
    const Cell *c = &grid_row(g, 0)[0];
    CHECK_INT_EQ(c->cp, 'e');
    CHECK_INT_EQ(c->comb[0], 0x301);
    CHECK_INT_EQ(c->comb[1], 0x302);
    CHECK_INT_EQ(grid_row(g, 0)[1].cp, 'z');
    CHECK_INT_EQ(grid_text_width("e\xcc\x81\xcc\x82\xcc\x83z", 8, 0, 4), 2);
    /* On a wide character, the mark goes to its left half. */
    x = put(g, 0, 1, 10, "\xe6\xbc\xa2\xcc\x81x");
    CHECK_INT_EQ(x, 3);
    CHECK_INT_EQ(grid_row(g, 1)[0].comb[0], 0x301);
    CHECK_INT_EQ(grid_row(g, 1)[1].comb[0], 0);
    /* A mark with nothing before it in this call does not attach to someone else's cell. */
    put(g, 3, 1, 10, "q");
    x = put(g, 4, 1, 10, "\xcc\x81");
    CHECK_INT_EQ(x, 4);
    CHECK_INT_EQ(grid_row(g, 1)[3].comb[0], 0);
    CHECK(grid_valid(g));
    grid_free(g);
}

/* ZWJ, variation selectors and skin tones are zero-width but never kept as marks: a grapheme-
 * clustering terminal would draw the joined / re-presented emoji at another width. */
static void test_marks_not_kept(void)
{
    Grid *g = grid_new(12, 1);
    /* thumbs up + skin tone, heart + VS16, a ZWJ family, e + acute */
    int x = put(g, 0, 0, 12, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbb" "\xe2\x9d\xa4\xef\xb8\x8f"
                             "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9" "e\xcc\x81");
    const Cell *row = grid_row(g, 0);
    CHECK_INT_EQ(row[0].cp, 0x1F44D);
    CHECK_INT_EQ(row[0].comb[0], 0);
    CHECK_INT_EQ(row[2].cp, 0x2764);
    CHECK_INT_EQ(row[2].comb[0], 0);
    int heart = grid_cp_cols(0x2764, 0, 4); /* its own width: the grid does not widen it */
    int man = 2 + heart;
    CHECK_INT_EQ(row[man].cp, 0x1F468);
    CHECK_INT_EQ(row[man].comb[0], 0);
    CHECK_INT_EQ(row[man + 2].cp, 0x1F469);
    CHECK_INT_EQ(row[man + 4].cp, 'e');
    CHECK_INT_EQ(row[man + 4].comb[0], 0x301);
    CHECK_INT_EQ(x, man + 5);
    CHECK_INT_EQ(grid_text_width("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbb", 8, 0, 4), 2);
    CHECK(grid_is_mark(0x301));
    CHECK(grid_is_mark(0x20D0));
    CHECK(!grid_is_mark(0x200D));
    CHECK(!grid_is_mark(0xFE0E));
    CHECK(!grid_is_mark(0xFE0F));
    CHECK(!grid_is_mark(0x1F3FB));
    CHECK(!grid_is_mark(0x202E)); /* bidi controls are escaped, never marks */
    CHECK(!grid_is_mark('a'));
    /* Dropped ones do not use up a cell's two marks. */
    grid_clear(g, STYLE_TEXT);
    put(g, 0, 0, 12, "a\xe2\x80\x8d\xcc\x81\xef\xb8\x8f\xcc\x82");
    CHECK_INT_EQ(grid_row(g, 0)[0].comb[0], 0x301);
    CHECK_INT_EQ(grid_row(g, 0)[0].comb[1], 0x302);
    CHECK(grid_valid(g));
    grid_free(g);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "x" and a megabyte of combining marks, then "y": two marks kept, the rest skipped; widths
 * agree; the time is printed (a figure, not an assertion). */
static void test_mark_run(void)
{
    size_t n = 1 << 19; /* marks, 2 bytes each */
    char *s = malloc(2 * n + 8);
    s[0] = 'x';
    for (size_t i = 0; i < n; i++) {
        s[1 + 2 * i] = '\xcc';
        s[2 + 2 * i] = (char)(0x80 + i % 0x40);
    }
    memcpy(s + 1 + 2 * n, "\xe2\x83\x90y", 4); /* one 3-byte mark, then y */
    size_t len = 2 * n + 5;
    Grid *g = grid_new(10, 1);
    double t0 = now_ms();
    int x = grid_put_text(g, 0, 0, 10, s, len, STYLE_TEXT, STYLE_CONTROL, 0, 4);
    double t_put = now_ms() - t0;
    t0 = now_ms();
    int w = grid_text_width(s, len, 0, 4);
    double t_width = now_ms() - t0;
    CHECK_INT_EQ(x, 2);
    CHECK_INT_EQ(w, 2);
    const Cell *row = grid_row(g, 0);
    CHECK_INT_EQ(row[0].cp, 'x');
    CHECK_INT_EQ(row[0].comb[0], 0x300);
    CHECK_INT_EQ(row[0].comb[1], 0x301);
    CHECK_INT_EQ(row[1].cp, 'y');
    CHECK_INT_EQ(row[1].comb[0], 0);
    /* the run with no base in this call: nothing attaches, nothing is drawn */
    x = grid_put_text(g, 5, 0, 10, s + 1, len - 2, STYLE_TEXT, STYLE_CONTROL, 0, 4);
    CHECK_INT_EQ(x, 5);
    CHECK_INT_EQ(grid_row(g, 0)[4].comb[0], 0);
    printf("grid: 'x' + %zu combining marks: grid_put_text %.2f ms, grid_text_width %.2f ms\n",
           n + 1, t_put, t_width);
    grid_free(g);
    free(s);
}

static void test_tabs(void)
{
    Grid *g = grid_new(20, 1);
    int x = put(g, 0, 0, 20, "a\tb\t\tc");
    CHECK_STR_EQ(row_text(g, 0), "a   b       c       ");
    CHECK_INT_EQ(x, 13);
    CHECK_INT_EQ(grid_text_width("a\tb\t\tc", 6, 0, 4), 13);
    /* Tab stops count from tab_origin, not from x. */
    grid_clear(g, STYLE_TEXT);
    x = grid_put_text(g, 2, 0, 20, "\tx", 2, STYLE_TEXT, STYLE_CONTROL, 1, 4);
    CHECK_INT_EQ(x, 6);
    CHECK_INT_EQ(grid_text_width("\tx", 2, 1, 4), 4);
    /* tab_width 0: a tab is a control like the others. */
    grid_clear(g, STYLE_TEXT);
    x = grid_put_text(g, 0, 0, 20, "\t", 1, STYLE_TEXT, STYLE_CONTROL, 0, 0);
    CHECK_INT_EQ(x, 2);
    CHECK_STR_EQ(row_text(g, 0), "^I                  ");
    grid_free(g);
}

static void test_overwrite_halves(void)
{
    Grid *g = grid_new(6, 1);
    put(g, 0, 0, 6, "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"); /* 3 wide chars */
    put(g, 1, 0, 6, "x");   /* over the right half of the first */
    CHECK_STR_EQ(row_text(g, 0), " x\xe5\xad\x97\xe6\xbc\xa2");
    put(g, 2, 0, 6, "y");   /* over the left half of the second */
    CHECK_STR_EQ(row_text(g, 0), " xy \xe6\xbc\xa2");
    grid_fill(g, 5, 0, 1, 1, STYLE_TEXT); /* the right half of the third */
    CHECK_STR_EQ(row_text(g, 0), " xy   ");
    CHECK(grid_valid(g));
    grid_free(g);
}

static void test_clipping(void)
{
    Grid *g = grid_new(4, 2);
    CHECK_INT_EQ(put(g, 0, 5, 4, "abc"), 0); /* row off the grid: nothing drawn */
    CHECK_INT_EQ(put(g, 2, 0, 100, "abcdef"), 4);
    CHECK_STR_EQ(row_text(g, 0), "  ab");
    grid_fill(g, -3, -3, 100, 100, STYLE_TEXT);
    CHECK_STR_EQ(row_text(g, 1), "    ");
    CHECK_INT_EQ(grid_put(g, 4, 0, 10, 'x', STYLE_TEXT), 0);
    CHECK_INT_EQ(grid_put(g, -1, 0, 10, 'x', STYLE_TEXT), 0);
    /* grid_put given a control (against its contract) still stores nothing raw. */
    CHECK_INT_EQ(grid_put(g, 0, 1, 4, 0x1b, STYLE_CONTROL), 2);
    CHECK_STR_EQ(row_text(g, 1), "^[  ");
    CHECK(grid_valid(g));
    Grid *h = grid_new(4, 2);
    CHECK(!grid_row_equal(g, h, 1));
    grid_clear(g, STYLE_TEXT);
    CHECK(grid_row_equal(g, h, 0) && grid_row_equal(g, h, 1));
    grid_resize(h, 0, 0);
    grid_resize(h, 3, 1);
    CHECK_STR_EQ(row_text(h, 0), "   ");
    grid_free(h);
    grid_free(g);
    grid_free(NULL);
}

/* Random strings from pieces that matter: ASCII, controls, ESC sequences, CJK, emoji,
 * combining marks, bidi, raw bytes, tabs, truncated sequences. */
static size_t random_text(char *buf, size_t cap, unsigned *seed)
{
    static const char *const pieces[] = {
        "a", "Z", " ", "\t", "\x1b", "\x1b[31m", "\x07", "\x7f", "\xc2\x85", "\xe6\xbc\xa2",
        "\xf0\x9f\x98\x80", "\xcc\x81", "\xe2\x80\xae", "\xe2\x80\x8b", "\xff", "\xc3", "\xe6\xbc",
        "\xed\xa0\x80", "\xef\xbf\xbd", "\xe2\x80\x8d", "\xef\xb8\x8f", "\xd7\x90", "\x00",
        "\xf4\x90\x80\x80", "\xc0\xaf", "\xe0\xb8\x81\xe0\xb8\xb1",
        "\xcc\x81\xcc\x82\xcc\x83\xcd\xaf\xcc\x80", "\xcd\xb0", "\xcc", "\xcd\xaf",
        "\xf0\x9f\x8f\xbb", "\xef\xb8\x8e", "\xe2\x83\x90",
    };
    size_t n = 0, count = (size_t)(rand_r(seed) % 40);
    for (size_t i = 0; i < count; i++) {
        const char *p = pieces[rand_r(seed) % (sizeof pieces / sizeof *pieces)];
        size_t len = p[0] ? strlen(p) : 1;
        if (n + len > cap)
            break;
        memcpy(buf + n, p, len);
        n += len;
    }
    return n;
}

static void test_width_agreement_random(void)
{
    unsigned seed = 12345;
    Grid *big = grid_new(1200, 1);
    Grid *small = grid_new(17, 3);
    char buf[400];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = random_text(buf, sizeof buf, &seed);
        int x = rand_r(&seed) % 50;
        int origin = x - rand_r(&seed) % 8;
        int tw = rand_r(&seed) % 9; /* 0 = tabs as ^I */
        int w = grid_text_width(buf, len, x - origin, tw);
        int end = grid_put_text(big, x, 0, 1200, buf, len, STYLE_TEXT, STYLE_CONTROL, origin, tw);
        if (end != x + w) {
            CHECK_INT_EQ(end, x + w);
            break;
        }
        /* Clipped draws stay inside and keep the invariant. */
        int sx = rand_r(&seed) % 20 - 3, sy = rand_r(&seed) % 3;
        int mx = rand_r(&seed) % 20;
        int e2 = grid_put_text(small, sx, sy, mx, buf, len, STYLE_TEXT, STYLE_CONTROL, sx, tw);
        int lim = mx < 17 ? mx : 17;
        if (e2 > (sx > lim ? sx : lim)) {
            CHECK_INT_EQ(e2, lim);
            break;
        }
    }
    CHECK(grid_valid(big));
    CHECK(grid_valid(small));
    grid_free(big);
    grid_free(small);
}

static void test_cp_width_agrees_with_buffer(void)
{
    /* The editor's caret (session/buffer.c) and the grid must count columns the same way:
     * for every code point and raw byte, what grid_put_text draws, what grid_text_width and
     * grid_cp_cols say, and where buffer_display_next_col puts the caret agree. */
    int bad = 0;
    Grid *g = grid_new(16, 1);
    for (uint32_t i = 0; i <= 0x10FFFF + 0x80 && bad < 5; i++) {
        uint32_t cp = i <= 0x10FFFF ? i : UTF8_RAW(i - 0x10FFFF - 1 + 0x80);
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char s[4];
        size_t len = UTF8_IS_RAW(cp) ? (s[0] = (char)(cp & 0xFF), 1) : utf8_encode(cp, s);
        int caret = (int)buffer_display_next_col(2, cp, 4) - 2;
        int text = grid_text_width(s, len, 2, 4);
        int cpw = grid_cp_cols(cp, 2, 4);
        /* Drawn after a base character so that a combining mark has something to attach to. */
        int drawn = grid_put_text(g, 1, 0, 16, s, len, STYLE_TEXT, STYLE_CONTROL, -1, 4) - 1;
        if (caret != text || caret != cpw || caret != drawn) {
            fprintf(stderr, "U+%04X: caret %d text %d cp %d drawn %d\n", (unsigned)cp, caret,
                    text, cpw, drawn);
            bad++;
        }
    }
    grid_free(g);
    CHECK_INT_EQ(bad, 0);
}

int main(void)
{
    RUN(test_escape_sequences_shown_as_text);
    RUN(test_nul_and_raw_bytes);
    RUN(test_bidi_and_format_chars_escaped);
    RUN(test_escape_clipped_at_edge);
    RUN(test_cjk_at_right_edge);
    RUN(test_combining_marks);
    RUN(test_marks_not_kept);
    RUN(test_mark_run);
    RUN(test_tabs);
    RUN(test_overwrite_halves);
    RUN(test_clipping);
    RUN(test_width_agreement_random);
    RUN(test_cp_width_agrees_with_buffer);
    return harness_done();
}
