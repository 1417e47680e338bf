/* Key decoder: every sequence ui/keys.h promises, fed whole, byte by byte and split at every
 * point; Esc and cut sequences resolved by the timeout; bracketed paste (ESC inside, split
 * across feeds, size cap, lost terminator); unknown sequences dropped; random bytes (fixed
 * seed) never crash and never yield a control character. The bindings: test_keybind.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "support/keys_support.h"
#include "ui/key_name.h"
#include "ui/keys.h"

static void describe_ev(const Ev *e, char *out, size_t size)
{
    KeyEvent k = {.code = e->code, .cp = e->cp, .mods = e->mods};
    keys_describe(&k, out, size);
}

/* --- one key per sequence ------------------------------------------------------------------ */

typedef struct Seq {
    const char *bytes;
    size_t len; /* 0: strlen */
    KeyCode code;
    uint32_t cp;
    unsigned mods;
} Seq;

#define C MOD_CTRL
#define A MOD_ALT
#define S MOD_SHIFT

static const Seq seqs[] = {
    /* text */
    {"a", 0, KC_CHAR, 'a', 0},
    {"Z", 0, KC_CHAR, 'Z', 0},
    {" ", 0, KC_CHAR, ' ', 0},
    {"~", 0, KC_CHAR, '~', 0},
    {"\xc3\xa9", 0, KC_CHAR, 0xE9, 0},
    {"\xe4\xb8\xad", 0, KC_CHAR, 0x4E2D, 0},
    {"\xf0\x9f\x98\x80", 0, KC_CHAR, 0x1F600, 0},
    /* C0 */
    {"\r", 0, KC_ENTER, 0, 0},
    {"\t", 0, KC_TAB, 0, 0},
    {"\x7f", 0, KC_BACKSPACE, 0, 0},
    {"\x08", 0, KC_BACKSPACE, 0, C}, /* Ctrl-Backspace where Backspace sends DEL */
    {"\x00", 1, KC_CHAR, ' ', C},
    {"\x01", 0, KC_CHAR, 'a', C},
    {"\x07", 0, KC_CHAR, 'g', C},
    {"\x0a", 0, KC_CHAR, 'j', C},
    {"\x0b", 0, KC_CHAR, 'k', C},
    {"\x11", 0, KC_CHAR, 'q', C},
    {"\x13", 0, KC_CHAR, 's', C},
    {"\x1a", 0, KC_CHAR, 'z', C},
    {"\x1c", 0, KC_CHAR, '\\', C},
    {"\x1d", 0, KC_CHAR, ']', C},
    {"\x1e", 0, KC_CHAR, '^', C},
    {"\x1f", 0, KC_CHAR, '_', C},
    /* CSI cursor keys, with xterm modifiers */
    {"\033[A", 0, KC_UP, 0, 0},
    {"\033[B", 0, KC_DOWN, 0, 0},
    {"\033[C", 0, KC_RIGHT, 0, 0},
    {"\033[D", 0, KC_LEFT, 0, 0},
    {"\033[1;2A", 0, KC_UP, 0, S},
    {"\033[1;3A", 0, KC_UP, 0, A},
    {"\033[1;4B", 0, KC_DOWN, 0, S | A},
    {"\033[1;5C", 0, KC_RIGHT, 0, C},
    {"\033[1;5D", 0, KC_LEFT, 0, C},
    {"\033[1;6C", 0, KC_RIGHT, 0, C | S},
    {"\033[1;7D", 0, KC_LEFT, 0, C | A},
    {"\033[1;8A", 0, KC_UP, 0, C | A | S},
    {"\033[1;9A", 0, KC_UP, 0, A}, /* Meta */
    {"\033[H", 0, KC_HOME, 0, 0},
    {"\033[F", 0, KC_END, 0, 0},
    {"\033[1;5H", 0, KC_HOME, 0, C},
    {"\033[1;5F", 0, KC_END, 0, C},
    {"\033[1;3F", 0, KC_END, 0, A},
    /* CSI n ~ */
    {"\033[1~", 0, KC_HOME, 0, 0},
    {"\033[7~", 0, KC_HOME, 0, 0},
    {"\033[2~", 0, KC_INSERT, 0, 0},
    {"\033[3~", 0, KC_DELETE, 0, 0},
    {"\033[4~", 0, KC_END, 0, 0},
    {"\033[8~", 0, KC_END, 0, 0},
    {"\033[5~", 0, KC_PAGE_UP, 0, 0},
    {"\033[6~", 0, KC_PAGE_DOWN, 0, 0},
    {"\033[5;3~", 0, KC_PAGE_UP, 0, A},
    {"\033[6;3~", 0, KC_PAGE_DOWN, 0, A},
    {"\033[3;5~", 0, KC_DELETE, 0, C},
    {"\033[11~", 0, KC_F1, 0, 0},
    {"\033[12~", 0, KC_F1 + 1, 0, 0},
    {"\033[13~", 0, KC_F1 + 2, 0, 0},
    {"\033[14~", 0, KC_F1 + 3, 0, 0},
    {"\033[15~", 0, KC_F1 + 4, 0, 0},
    {"\033[17~", 0, KC_F1 + 5, 0, 0},
    {"\033[18~", 0, KC_F1 + 6, 0, 0},
    {"\033[19~", 0, KC_F1 + 7, 0, 0},
    {"\033[20~", 0, KC_F1 + 8, 0, 0},
    {"\033[21~", 0, KC_F1 + 9, 0, 0},
    {"\033[23~", 0, KC_F1 + 10, 0, 0},
    {"\033[24~", 0, KC_F12, 0, 0},
    {"\033[15;2~", 0, KC_F1 + 4, 0, S},
    {"\033[1;2P", 0, KC_F1, 0, S},
    {"\033[Z", 0, KC_TAB, 0, S},
    /* the selection and editing chords of issue 7 */
    {"\033[1;2H", 0, KC_HOME, 0, S},
    {"\033[1;2F", 0, KC_END, 0, S},
    {"\033[5;2~", 0, KC_PAGE_UP, 0, S},
    {"\033[6;2~", 0, KC_PAGE_DOWN, 0, S},
    {"\033[1;6D", 0, KC_LEFT, 0, C | S},
    {"\033[1;6C", 0, KC_RIGHT, 0, C | S},
    {"\033[1;6A", 0, KC_UP, 0, C | S},
    {"\033[1;6H", 0, KC_HOME, 0, C | S},
    {"\033[3;5~", 0, KC_DELETE, 0, C},
    {"\033[127;5u", 0, KC_BACKSPACE, 0, C},
    {"\033[47;5u", 0, KC_CHAR, '/', C},
    /* mouse: SGR (1006) and the old encoding */
    {"\033[<0;10;5M", 0, KC_MOUSE, 0, 0},
    {"\033[<0;10;5m", 0, KC_MOUSE, 0, 0},
    {"\033[<32;11;5M", 0, KC_MOUSE, 0, 0},
    {"\033[<64;1;1M", 0, KC_MOUSE, 0, 0},
    {"\033[<20;3;4M", 0, KC_MOUSE, 0, S | C},
    {"\033[M !!", 0, KC_MOUSE, 0, 0},
    {"\033[I", 0, KC_FOCUS_IN, 0, 0},
    {"\033[O", 0, KC_FOCUS_OUT, 0, 0},
    /* SS3 */
    {"\033OA", 0, KC_UP, 0, 0},
    {"\033OB", 0, KC_DOWN, 0, 0},
    {"\033OC", 0, KC_RIGHT, 0, 0},
    {"\033OD", 0, KC_LEFT, 0, 0},
    {"\033OH", 0, KC_HOME, 0, 0},
    {"\033OF", 0, KC_END, 0, 0},
    {"\033OP", 0, KC_F1, 0, 0},
    {"\033OQ", 0, KC_F1 + 1, 0, 0},
    {"\033OR", 0, KC_F1 + 2, 0, 0},
    {"\033OS", 0, KC_F1 + 3, 0, 0},
    {"\033OM", 0, KC_ENTER, 0, 0},
    {"\033O5P", 0, KC_F1, 0, C},
    /* Alt = ESC prefix */
    {"\033x", 0, KC_CHAR, 'x', A},
    {"\033\x7f", 0, KC_BACKSPACE, 0, A},
    {"\033\r", 0, KC_ENTER, 0, A},
    {"\033\x01", 0, KC_CHAR, 'a', A | C},
    {"\033\xc3\xa9", 0, KC_CHAR, 0xE9, A},
    {"\033\033[A", 0, KC_UP, 0, A},
    {"\033\033[B", 0, KC_DOWN, 0, A},
    {"\033\033[5~", 0, KC_PAGE_UP, 0, A},
    {"\033\033[6~", 0, KC_PAGE_DOWN, 0, A},
    {"\033\033[F", 0, KC_END, 0, A},
    {"\033\033OA", 0, KC_UP, 0, A},
    /* kitty CSI u and xterm modifyOtherKeys */
    {"\033[97;5u", 0, KC_CHAR, 'a', C},
    {"\033[107;5u", 0, KC_CHAR, 'k', C},
    {"\033[97u", 0, KC_CHAR, 'a', 0},
    {"\033[13u", 0, KC_ENTER, 0, 0},
    {"\033[13;2u", 0, KC_ENTER, 0, S},
    {"\033[27u", 0, KC_ESC, 0, 0},
    {"\033[9;5u", 0, KC_TAB, 0, C},
    {"\033[127u", 0, KC_BACKSPACE, 0, 0},
    {"\033[1089;3u", 0, KC_CHAR, 0x441, A},
    {"\033[97:65;6u", 0, KC_CHAR, 'a', C | S},
    {"\033[27;2;13~", 0, KC_ENTER, 0, S},
    {"\033[27;5;106~", 0, KC_CHAR, 'j', C},
    /* Linux console and rxvt */
    {"\033[[A", 0, KC_F1, 0, 0},
    {"\033[[E", 0, KC_F1 + 4, 0, 0},
    {"\033Oa", 0, KC_UP, 0, C},
    {"\033Od", 0, KC_LEFT, 0, C},
    {"\033[a", 0, KC_UP, 0, S},
    {"\033[5^", 0, KC_PAGE_UP, 0, C},
};

static size_t seq_len(const Seq *s) { return s->len ? s->len : strlen(s->bytes); }

static void test_each_sequence(void)
{
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        const Seq *s = &seqs[i];
        size_t n = seq_len(s);
        Evs whole, bytes;
        run_whole(s->bytes, n, false, &whole);
        run_bytewise(s->bytes, n, false, &bytes);
        char got[64] = "(none)";
        if (whole.n > 0)
            describe_ev(&whole.ev[0], got, sizeof got);
        bool ok = whole.n == 1 && whole.ev[0].code == s->code && whole.ev[0].mods == s->mods &&
                  (s->code != KC_CHAR || whole.ev[0].cp == s->cp);
        if (!ok)
            fprintf(stderr, "sequence #%zu (%zu bytes): %d events, first %s\n", i, n, whole.n,
                    got);
        CHECK(ok);
        CHECK(evs_equal(&whole, &bytes));
        /* complete: nothing stays pending */
        KeyDecoder d;
        keys_init(&d);
        keys_feed(&d, s->bytes, n);
        Evs tmp = {0};
        drain(&d, &tmp);
        CHECK(!keys_pending(&d));
        keys_free(&d);
    }
}

/* All sequences back to back, as typing delivers them (reads of up to 100 bytes: a larger
 * read is an unbracketed paste, see test_unbracketed_burst): fed in such reads, byte by byte
 * and split at random points, they give the same events. */
static void test_stream_splits(void)
{
    char stream[4096];
    size_t n = 0;
    int expect = 0;
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        size_t l = seq_len(&seqs[i]);
        memcpy(stream + n, seqs[i].bytes, l);
        n += l;
        expect++;
    }
    size_t cuts[256];
    int nc = 0;
    for (size_t at = 100; at < n; at += 100)
        cuts[nc++] = at;
    Evs reads, bytes, split;
    run_split(stream, n, cuts, nc, false, &reads);
    run_bytewise(stream, n, false, &bytes);
    CHECK_INT_EQ(reads.n, expect);
    CHECK(evs_equal(&reads, &bytes));
    srand(7);
    for (int round = 0; round < 200; round++) {
        nc = 0;
        for (size_t at = 1 + (size_t)rand() % 100; at < n; at += 1 + (size_t)rand() % 100)
            cuts[nc++] = at;
        run_split(stream, n, cuts, nc, false, &split);
        CHECK(evs_equal(&reads, &split));
    }
}

/* --- Esc, timeouts, cut sequences ---------------------------------------------------------- */

static void test_lone_esc(void)
{
    KeyDecoder d;
    keys_init(&d);
    KeyEvent k;
    keys_feed(&d, "\033", 1);
    CHECK(!keys_next(&d, &k));
    CHECK(keys_pending(&d));
    keys_timeout(&d);
    CHECK(keys_next(&d, &k));
    CHECK_INT_EQ(k.code, KC_ESC);
    CHECK_INT_EQ(k.mods, 0);
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));

    /* text, then a lone ESC: the text comes at once, the ESC waits */
    keys_feed(&d, "ab\033", 3);
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'a');
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'b');
    CHECK(!keys_next(&d, &k));
    CHECK(keys_pending(&d));
    /* more bytes resolve it without the timeout */
    keys_feed(&d, "[A", 2);
    CHECK(keys_next(&d, &k) && k.code == KC_UP && k.mods == 0);
    CHECK(!keys_pending(&d));
    keys_feed(&d, "\033", 1);
    keys_feed(&d, "x", 1);
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'x' && k.mods == MOD_ALT);
    /* the timeout with nothing pending does nothing */
    keys_timeout(&d);
    CHECK(!keys_next(&d, &k));
    keys_free(&d);
}

static void test_timeout_resolutions(void)
{
    static const struct {
        const char *bytes;
        int n;
        KeyCode code[2];
        uint32_t cp[2];
        unsigned mods[2];
    } cases[] = {
        {"\033[", 1, {KC_CHAR}, {'['}, {MOD_ALT}},
        {"\033O", 1, {KC_CHAR}, {'O'}, {MOD_ALT}},
        /* string introducers and nF intermediates wait: they begin terminal replies */
        {"\033]", 1, {KC_CHAR}, {']'}, {MOD_ALT}},
        {"\033P", 1, {KC_CHAR}, {'P'}, {MOD_ALT}},
        {"\033X", 1, {KC_CHAR}, {'X'}, {MOD_ALT}},
        {"\033_", 1, {KC_CHAR}, {'_'}, {MOD_ALT}},
        {"\033^", 1, {KC_CHAR}, {'^'}, {MOD_ALT}},
        {"\033 ", 1, {KC_CHAR}, {' '}, {MOD_ALT}},
        {"\033(", 1, {KC_CHAR}, {'('}, {MOD_ALT}},
        {"\033]\033", 2, {KC_CHAR, KC_ESC}, {']', 0}, {MOD_ALT, 0}},
        {"\033\033]", 2, {KC_ESC, KC_CHAR}, {0, ']'}, {0, MOD_ALT}},
        {"\033( ", 0, {0}, {0}, {0}},         /* cut nF */
        {"\xc2\x9d", 0, {0}, {0}, {0}},        /* cut C1 OSC */
        {"\xc2\x9b" "1", 0, {0}, {0}, {0}},       /* cut C1 CSI */
        {"\033\033", 2, {KC_ESC, KC_ESC}, {0, 0}, {0, 0}},
        {"\033\033[", 2, {KC_ESC, KC_CHAR}, {0, '['}, {0, MOD_ALT}},
        {"\033[1;", 0, {0}, {0}, {0}},         /* cut CSI: dropped */
        {"\033[[", 0, {0}, {0}, {0}},          /* cut console F-key */
        {"\033O5", 0, {0}, {0}, {0}},          /* cut SS3 */
        {"\xe4\xb8", 0, {0}, {0}, {0}},        /* cut UTF-8: dropped */
        {"\033\xe4\xb8", 1, {KC_ESC}, {0}, {0}}, /* ESC + cut UTF-8: Esc */
        {"x\033", 2, {KC_CHAR, KC_ESC}, {'x', 0}, {0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].bytes);
        Evs before, after, bytes;
        /* pending before the timeout */
        KeyDecoder d;
        keys_init(&d);
        keys_feed(&d, cases[i].bytes, n);
        memset(&before, 0, sizeof before);
        drain(&d, &before);
        CHECK(keys_pending(&d));
        keys_free(&d);
        run_whole(cases[i].bytes, n, true, &after);
        run_bytewise(cases[i].bytes, n, true, &bytes);
        if (after.n != cases[i].n)
            fprintf(stderr, "timeout case %zu: %d events\n", i, after.n);
        CHECK_INT_EQ(after.n, cases[i].n);
        for (int e = 0; e < after.n && e < cases[i].n; e++) {
            CHECK_INT_EQ(after.ev[e].code, cases[i].code[e]);
            CHECK_INT_EQ(after.ev[e].mods, cases[i].mods[e]);
            if (cases[i].code[e] == KC_CHAR)
                CHECK_INT_EQ(after.ev[e].cp, cases[i].cp[e]);
        }
        CHECK(evs_equal(&after, &bytes));
    }
    /* after a timeout the decoder starts clean */
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, "\033[1;", 4);
    keys_timeout(&d);
    KeyEvent k;
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));
    keys_feed(&d, "\033[B", 3);
    CHECK(keys_next(&d, &k) && k.code == KC_DOWN);
    keys_free(&d);
}

/* --- unknown and invalid input -------------------------------------------------------------- */

static void test_unknown_dropped(void)
{
    static const char *const junk[] = {
        "\033[?1;2c",        /* device attributes report */
        "\033[99~",          /* unknown ~ key */
        "\033[201~",         /* stray paste end */
        "\033[200;1~",
        "\033[1;5X",         /* unknown final */
        "\033[12;3$x",       /* intermediate byte */
        "\033[E",            /* keypad 5 */
        "\033O~",            /* unknown SS3 */
        "\033[57376u",       /* kitty functional key (private use): F13 */
        "\033[57427u",       /* kitty KP_BEGIN */
        "\033[0u",           /* CSI u with a control code point */
        "\033[1114112u",     /* beyond U+10FFFF */
        "\033[1;2;3;4;5A",   /* too many parameters */
        "\xff",              /* bytes that never occur in UTF-8 */
        "\xc0\xaf",          /* overlong '/' */
        "\x80",              /* stray continuation */
        "\xed\xa0\x80",      /* surrogate */
        "\xc2\x85",          /* C1 NEL */
        "\xc2\x9b?1;2c",     /* C1 CSI: a device attributes report */
        "\xc2\x90$r0m\xc2\x9c",  /* C1 DCS with C1 ST */
        "\033P1$r0m\033\\",  /* DCS reply (DECRQSS) */
        "\033]11;rgb:0000/0000/0000\a", /* OSC 11 reply, BEL */
        "\033]0;\xc3\xa9\xc2\xa9\033\\", /* OSC with UTF-8 payload, ST */
        "\033_Gi=1;OK\033\\",  /* kitty graphics reply (APC) */
        "\033^pm\033\\",
        "\033Xsos\033\\",
        "\033]52;c;\x18",       /* cancelled by CAN */
        "\033 F",               /* nF: S7C1T */
        "\033(B",               /* nF: designate G0 */
        "\033#8",
        ("\xc2\x8f" "A"),          /* C1 SS3 (then a key) */
        "\xf4\x90\x80\x80",  /* > U+10FFFF */
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        char buf[64];
        size_t n = strlen(junk[i]);
        memcpy(buf, junk[i], n);
        buf[n] = 'q'; /* a key after the junk still arrives, alone */
        Evs whole, bytes;
        run_whole(buf, n + 1, true, &whole);
        run_bytewise(buf, n + 1, true, &bytes);
        bool ok = whole.n == 1 && whole.ev[0].code == KC_CHAR && whole.ev[0].cp == 'q' &&
                  whole.ev[0].mods == 0;
        if (!ok)
            fprintf(stderr, "junk #%zu: %d events\n", i, whole.n);
        CHECK(ok);
        CHECK(evs_equal(&whole, &bytes));
    }
    /* A sequence broken off by another ESC: the first is dropped, the second decoded. */
    Evs e;
    run_whole("\033[1;5\033[B", 8, false, &e);
    CHECK(e.n == 1 && e.ev[0].code == KC_DOWN);
    /* An invalid lead byte followed by ASCII: the byte is dropped, the ASCII kept. */
    run_whole("\xc3x", 2, false, &e);
    CHECK(e.n == 1 && e.ev[0].code == KC_CHAR && e.ev[0].cp == 'x');
}

static void test_overlong_sequence(void)
{
    /* ESC [ + 100,000 parameter bytes + final: dropped whole, in constant memory; the key
     * after it arrives. Fed at once and in pieces. */
    size_t n = 100000;
    char *s = malloc(n + 4);
    s[0] = '\033';
    s[1] = '[';
    for (size_t i = 0; i < n; i++)
        s[2 + i] = (char)(i % 7 == 6 ? ';' : '1' + (int)(i % 9));
    s[n + 2] = 'm';
    s[n + 3] = 'z';
    Evs whole, pieces;
    run_whole(s, n + 4, false, &whole);
    size_t cuts[5] = {1, 2, 1000, 50001, n + 3};
    run_split(s, n + 4, cuts, 5, false, &pieces);
    CHECK(whole.n == 1 && whole.ev[0].code == KC_CHAR && whole.ev[0].cp == 'z');
    CHECK(evs_equal(&whole, &pieces));
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, s, n + 2); /* cut: pending, and buf never grew past its size */
    CHECK(keys_pending(&d));
    CHECK(d.len <= sizeof d.buf);
    keys_free(&d);
    free(s);
}

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

/* --- terminal replies ----------------------------------------------------------------------- */

/* What terminals answer to queries (OSC 11 background colour, DECRQSS, XTGETTCAP, kitty
 * graphics), in every terminator and in the UTF-8 C1 forms: never a key, not even when the
 * reply arrives byte by byte or split anywhere. Its BEL is not Ctrl-G (the interrupt). */
static void test_terminal_replies(void)
{
    static const char *const replies[] = {
        "\033]11;rgb:1e1e/1e1e/2e2e\a",
        "\033]11;rgb:1e1e/1e1e/2e2e\033\\",
        "\033]10;rgb:ffff/ffff/ffff\xc2\x9c",
        "\033P1$r0;1m\033\\",
        "\033P1+r636f6c6f7273=323536\033\\",
        "\033_Gi=31;OK\033\\",
        "\xc2\x9d" "11;rgb:0000/0000/0000\a",
        "\xc2\x9d" "11;rgb:0000/0000/0000\xc2\x9c",
        "\xc2\x9d" "11;rgb:0000/0000/0000\033\\",
        "\xc2\x90" "1$r0m\xc2\x9c",
        "\xc2\x9b" "?62;22c",
        "\033]8;;http://x/\xc3\xa9\a", /* a payload with UTF-8 */
    };
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        size_t n = strlen(replies[i]);
        Evs whole, bytes, timed;
        run_whole(replies[i], n, false, &whole);
        run_bytewise(replies[i], n, false, &bytes);
        run_bytewise(replies[i], n, true, &timed);
        if (whole.n || bytes.n || timed.n)
            fprintf(stderr, "reply #%zu: %d/%d/%d events\n", i, whole.n, bytes.n, timed.n);
        CHECK_INT_EQ(whole.n, 0);
        CHECK_INT_EQ(bytes.n, 0);
        CHECK_INT_EQ(timed.n, 0);
        for (size_t cut = 1; cut < n; cut++) {
            Evs split;
            run_split(replies[i], n, &cut, 1, false, &split);
            CHECK_INT_EQ(split.n, 0);
        }
        /* between keys, the keys stay */
        char buf[128];
        buf[0] = 'a';
        memcpy(buf + 1, replies[i], n);
        buf[n + 1] = 'b';
        run_bytewise(buf, n + 2, true, &bytes);
        CHECK(bytes.n == 2 && bytes.ev[0].cp == 'a' && bytes.ev[1].cp == 'b' &&
              bytes.ev[0].mods == 0 && bytes.ev[1].mods == 0);
        /* complete: nothing pending */
        KeyDecoder d;
        keys_init(&d);
        keys_feed(&d, replies[i], n);
        drain(&d, &whole);
        CHECK(!keys_pending(&d));
        keys_free(&d);
    }
    /* A string cancelled at once by another sequence was the Alt key: Alt-], then Up. */
    Evs e;
    run_whole("\033]\033[A", 5, false, &e);
    CHECK(e.n == 2 && e.ev[0].code == KC_CHAR && e.ev[0].cp == ']' && e.ev[0].mods == MOD_ALT &&
          e.ev[1].code == KC_UP);
    /* A string cancelled later (a lost terminator): dropped; the ESC that cancelled it counts. */
    run_whole("\033]11;rgb\033[B", 11, false, &e);
    CHECK(e.n == 1 && e.ev[0].code == KC_DOWN);
    run_whole("\033]11;rgb\x1az", 10, false, &e); /* SUB cancels, and is consumed */
    CHECK(e.n == 1 && e.ev[0].code == KC_CHAR && e.ev[0].cp == 'z' && e.ev[0].mods == 0);
}

/* A control string of any length costs no memory: 1 MB of payload, at once and in pieces. */
static void test_long_string(void)
{
    size_t n = 1 << 20;
    char *s = malloc(n + 16);
    memcpy(s, "\033P", 2);
    for (size_t i = 2; i < n; i++)
        s[i] = (char)(i % 3 == 0 ? '\xc3' : i % 3 == 1 ? '\xa9' : '0' + (int)(i % 10));
    memcpy(s + n, "\033\\z", 3);
    Evs whole, pieces;
    run_whole(s, n + 3, false, &whole);
    size_t cuts[6] = {1, 2, 3, 4097, n, n + 1};
    run_split(s, n + 3, cuts, 6, false, &pieces);
    CHECK(whole.n == 1 && whole.ev[0].code == KC_CHAR && whole.ev[0].cp == 'z');
    CHECK(evs_equal(&whole, &pieces));
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, s, n);
    CHECK(keys_pending(&d));
    CHECK(d.len <= 48);
    keys_feed(&d, "\033", 1);
    CHECK(d.len <= 48);
    keys_feed(&d, "\\", 1);
    KeyEvent k;
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));
    keys_free(&d);
    free(s);
}

/* A reply cut by a slow link waits across Esc timeouts (its rest is not typed, its BEL is not
 * Ctrl-G); a lost terminator gives up after a second and typing works again. */
static void feed_str(KeyDecoder *d, const char *s) { keys_feed(d, s, strlen(s)); }

static void test_cut_reply_waits(void)
{
    clock_set_source(fake_clock);
    fake_now = 500 * NS_PER_SEC;
    KeyDecoder d;
    keys_init(&d);
    KeyEvent k;
    feed_str(&d, "\033]11;rgb:00");
    CHECK(!keys_next(&d, &k));
    for (int i = 0; i < 20; i++) { /* 0.5 s of Esc timeouts */
        CHECK(keys_pending(&d));
        fake_now += 25 * NS_PER_MS;
        keys_timeout(&d);
        CHECK(!keys_next(&d, &k));
    }
    feed_str(&d, "00/0000/0000\a");
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));
    feed_str(&d, "q");
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'q' && k.mods == 0);

    /* lost: dropped a second after the first timeout */
    feed_str(&d, "\xc2\x9d" "11;rgb:00");
    fake_now += 25 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(keys_pending(&d));
    fake_now += 900 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(keys_pending(&d));
    fake_now += 200 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));
    feed_str(&d, "\x11");
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'q' && k.mods == MOD_CTRL);

    /* a second reply after a completed one waits its own full second */
    feed_str(&d, "\033]11;x");
    fake_now += 25 * NS_PER_MS;
    keys_timeout(&d);
    feed_str(&d, "\a\033]11;y");
    CHECK(!keys_next(&d, &k));
    fake_now += 25 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(keys_pending(&d));
    fake_now += 500 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(keys_pending(&d));
    keys_free(&d);
    clock_set_source(NULL);
}

/* --- bracketed paste ------------------------------------------------------------------------ */

static void test_paste_basic(void)
{
    static const char in[] = "x\033[200~a\r\nb\033[Ac\033\x01\033[201~y";
    Evs whole, bytes;
    run_whole(in, sizeof in - 1, false, &whole);
    run_bytewise(in, sizeof in - 1, false, &bytes);
    CHECK_INT_EQ(whole.n, 3);
    CHECK(whole.ev[0].code == KC_CHAR && whole.ev[0].cp == 'x');
    CHECK_INT_EQ(whole.ev[1].code, KC_PASTE);
    static const char want[] = "a\r\nb\033[Ac\033\x01";
    CHECK_MEM_EQ(whole.ev[1].text, whole.ev[1].text_len, want, sizeof want - 1);
    CHECK(whole.ev[2].code == KC_CHAR && whole.ev[2].cp == 'y');
    CHECK(evs_equal(&whole, &bytes));

    /* split at every point */
    for (size_t cut = 1; cut < sizeof in - 1; cut++) {
        Evs split;
        run_split(in, sizeof in - 1, &cut, 1, false, &split);
        if (!evs_equal(&whole, &split))
            fprintf(stderr, "paste split at %zu differs\n", cut);
        CHECK(evs_equal(&whole, &split));
    }

    /* an empty paste is no event; a paste holding what looks like a paste start is text */
    run_whole("\033[200~\033[201~k", 13, false, &whole);
    CHECK(whole.n == 1 && whole.ev[0].code == KC_CHAR && whole.ev[0].cp == 'k');
    static const char nested[] = "\033[200~p\033[200~q\033[201~";
    run_whole(nested, sizeof nested - 1, false, &whole);
    CHECK(whole.n == 1 && whole.ev[0].code == KC_PASTE);
    CHECK_MEM_EQ(whole.ev[0].text, whole.ev[0].text_len, "p\033[200~q", 8);
}

static void test_paste_pending_across_feeds(void)
{
    KeyDecoder d;
    keys_init(&d);
    KeyEvent k;
    keys_feed(&d, "\033[200~hello ", 12);
    CHECK(!keys_next(&d, &k));
    CHECK(d.in_paste);
    keys_feed(&d, "world\n\033[20", 10);
    CHECK(!keys_next(&d, &k));
    keys_feed(&d, "1", 1);
    CHECK(!keys_next(&d, &k));
    keys_feed(&d, "~\033[C", 4);
    CHECK(keys_next(&d, &k));
    CHECK_INT_EQ(k.code, KC_PASTE);
    CHECK_MEM_EQ(k.text, k.text_len, "hello world\n", 12);
    CHECK(keys_next(&d, &k) && k.code == KC_RIGHT);
    CHECK(!keys_next(&d, &k));
    CHECK(!keys_pending(&d));
    CHECK(!d.in_paste);

    /* keys typed after a paste that is still open wait behind it */
    keys_feed(&d, "\033[200~abc", 9);
    keys_feed(&d, "\033[201~z", 7);
    CHECK(keys_next(&d, &k) && k.code == KC_PASTE && k.text_len == 3);
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'z');
    keys_free(&d);
}

static void test_paste_lost_terminator(void)
{
    clock_set_source(fake_clock);
    fake_now = 1000 * NS_PER_SEC;
    KeyDecoder d;
    keys_init(&d);
    KeyEvent k;
    keys_feed(&d, "\033[200~abc", 9);
    CHECK(keys_pending(&d)); /* the app keeps its timer running */
    fake_now += 25 * NS_PER_MS;
    keys_timeout(&d); /* 25 ms of silence inside a paste is a slow link, not the end */
    CHECK(!keys_next(&d, &k));
    CHECK(d.in_paste);
    keys_feed(&d, "def", 3);
    fake_now += 1900 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(!keys_next(&d, &k)); /* 1.9 s since the last byte */
    fake_now += 200 * NS_PER_MS;
    keys_timeout(&d);
    CHECK(keys_next(&d, &k));
    CHECK_INT_EQ(k.code, KC_PASTE);
    CHECK_MEM_EQ(k.text, k.text_len, "abcdef", 6);
    CHECK(!d.in_paste);
    CHECK(!keys_pending(&d));
    /* typing works again */
    keys_feed(&d, "\x11", 1);
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'q' && k.mods == MOD_CTRL);
    keys_free(&d);
    clock_set_source(NULL);
}

static void test_paste_cap(void)
{
    const size_t cap = (size_t)16 << 20;
    const size_t chunk = 1 << 16;
    char *block = malloc(chunk);
    for (size_t i = 0; i < chunk; i++)
        block[i] = (char)('a' + i % 26);
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, "\033[200~", 6);
    for (size_t sent = 0; sent < cap + 5 * chunk; sent += chunk)
        keys_feed(&d, block, chunk);
    keys_feed(&d, "\033[201~z", 7);
    KeyEvent k;
    CHECK(keys_next(&d, &k));
    CHECK_INT_EQ(k.code, KC_PASTE);
    CHECK_INT_EQ(k.text_len, cap);
    CHECK(k.text_len >= chunk && memcmp(k.text, block, chunk) == 0);
    CHECK(keys_next(&d, &k) && k.code == KC_CHAR && k.cp == 'z');
    keys_free(&d);
    free(block);
}

/* An unbracketed paste: more bytes in one read than typing can produce. It arrives as one
 * KC_PASTE, so its newlines cannot submit a prompt. */
static void test_unbracketed_burst(void)
{
    char in[1200];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = i % 40 == 39 ? '\r' : (char)('a' + i % 26);
    Evs e;
    run_whole(in, sizeof in, false, &e);
    CHECK_INT_EQ(e.n, 1);
    CHECK_INT_EQ(e.ev[0].code, KC_PASTE);
    CHECK_INT_EQ(e.ev[0].text_len, sizeof in);
    CHECK(memcmp(e.ev[0].text, in, sizeof e.ev[0].text) == 0);
    /* a small read stays keys */
    run_whole(in, 30, false, &e);
    CHECK_INT_EQ(e.n, 30);

    /* The paste ends where an escape sequence begins; what follows is keys. */
    char mixed[300];
    memset(mixed, 'a', 240);
    memcpy(mixed + 240, "\033[A", 3);
    mixed[243] = 'z';
    run_whole(mixed, 244, false, &e);
    CHECK_INT_EQ(e.n, 3);
    CHECK_INT_EQ(e.ev[0].code, KC_PASTE);
    CHECK_INT_EQ(e.ev[0].text_len, 240);
    CHECK(memchr(e.ev[0].text, 0x1b, sizeof e.ev[0].text) == NULL);
    CHECK_INT_EQ(e.ev[1].code, KC_UP);
    CHECK(e.ev[2].code == KC_CHAR && e.ev[2].cp == 'z');
    /* a reply after the text: dropped, never pasted */
    static const char reply[] = "\033]11;rgb:0000/0000/0000\a";
    memcpy(mixed + 240, reply, sizeof reply - 1);
    run_whole(mixed, 240 + sizeof reply - 1, false, &e);
    CHECK(e.n == 1 && e.ev[0].code == KC_PASTE && e.ev[0].text_len == 240);
    memcpy(mixed + 240, "\xc2\x9d" "0;t\a", 6); /* the C1 form too */
    run_whole(mixed, 246, false, &e);
    CHECK(e.n == 1 && e.ev[0].code == KC_PASTE && e.ev[0].text_len == 240);
    /* text after the sequence is keys too, even when there is a lot of it: what does not
     * fit is dropped from the end, so the keys right after the paste keep their order */
    char big[800];
    memset(big, 'a', 240);
    memcpy(big + 240, "\033[A", 3);
    memset(big + 243, 'b', sizeof big - 243);
    run_whole(big, sizeof big, false, &e);
    CHECK(e.n >= 2 && e.ev[0].code == KC_PASTE && e.ev[0].text_len == 240);
    CHECK(e.n >= 2 && e.ev[1].code == KC_UP);
    bool keys = true;
    for (int i = 2; i < e.n; i++)
        keys = keys && e.ev[i].code == KC_CHAR && e.ev[i].cp == 'b';
    CHECK(keys);
    /* a bracketed paste right behind the burst still joins it */
    memcpy(mixed + 240, "\033[200~\033x\033[201~q", 15);
    run_whole(mixed, 255, false, &e);
    CHECK(e.n == 2 && e.ev[0].code == KC_PASTE && e.ev[0].text_len == 242);
    CHECK(e.n == 2 && e.ev[1].code == KC_CHAR && e.ev[1].cp == 'q');
}

/* Keys that piled up while the app was busy (a held arrow key): a burst of escape sequences
 * is never made text; when it does not fit, the oldest keys are dropped. */
static void test_key_burst(void)
{
    char in[3 * 300];
    for (int i = 0; i < 300; i++)
        memcpy(in + 3 * i, "\033[B", 3);
    Evs e;
    run_whole(in, sizeof in, false, &e);
    CHECK(e.n >= 60 && e.n <= 300);
    bool all_down = true;
    for (int i = 0; i < e.n; i++)
        all_down = all_down && e.ev[i].code == KC_DOWN && e.ev[i].mods == 0;
    CHECK(all_down);
    /* a paste waiting to be taken keeps its place when keys pile up behind it */
    KeyDecoder d;
    keys_init(&d);
    keys_feed(&d, "\033[200~pasted\033[201~", 18);
    keys_feed(&d, in, sizeof in);
    KeyEvent k;
    CHECK(keys_next(&d, &k) && k.code == KC_PASTE);
    CHECK_MEM_EQ(k.text, k.text_len, "pasted", 6);
    int downs = 0;
    while (keys_next(&d, &k))
        downs += k.code == KC_DOWN;
    CHECK(downs >= 60);
    keys_free(&d);
}

/* --- random input ---------------------------------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static bool event_sane(const KeyEvent *k)
{
    if (k->code > KC_MOUSE)
        return false;
    if (k->mods & ~(unsigned)(MOD_SHIFT | MOD_ALT | MOD_CTRL))
        return false;
    if (k->code == KC_CHAR) {
        uint32_t cp = k->cp;
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    if (k->code == KC_PASTE && (!k->text || k->text_len == 0 || k->text_len > (16u << 20)))
        return false;
    return true;
}

static void fuzz(const char *alphabet, uint64_t seed)
{
    bool biased = alphabet != NULL;
    size_t alen = biased ? strlen(alphabet) : 1;
    const size_t total = 1 << 20;
    rng_state = seed;
    KeyDecoder d;
    keys_init(&d);
    unsigned char chunk[512];
    size_t fed = 0;
    long events = 0, bad = 0;
    while (fed < total) {
        size_t n = 1 + rng() % (rng() % 8 == 0 ? sizeof chunk : 16);
        for (size_t i = 0; i < n; i++)
            chunk[i] = biased ? (unsigned char)alphabet[rng() % alen] : (unsigned char)rng();
        keys_feed(&d, (const char *)chunk, n);
        fed += n;
        if (d.len > sizeof d.buf)
            bad++;
        KeyEvent k;
        while (keys_next(&d, &k)) {
            events++;
            if (!event_sane(&k))
                bad++;
        }
        if (rng() % 16 == 0) {
            (void)keys_pending(&d);
            keys_timeout(&d);
            while (keys_next(&d, &k)) {
                events++;
                if (!event_sane(&k))
                    bad++;
            }
        }
    }
    CHECK_INT_EQ(bad, 0);
    CHECK(events > 0);
    keys_free(&d);
}

static void test_fuzz_uniform(void) { fuzz(NULL, 0x9E3779B97F4A7C15ull); }
static void test_fuzz_biased(void)
{
    fuzz("\033\033\033[[O~;u12005~\x01\r\x7f\xc3\xa9\xe4\x80" "a?<", 0xD1B54A32D192ED03ull);
}
/* weighted towards control strings, C1 forms and nF escapes */
static void test_fuzz_strings(void)
{
    fuzz("\033\033\033]]P_X\\\x07\x18 (\xc2\xc2\x9d\x9c\x9b\x90[1;~200a", 0x2545F4914F6CDD1Dull);
}

int main(void)
{
    RUN(test_each_sequence);
    RUN(test_stream_splits);
    RUN(test_lone_esc);
    RUN(test_timeout_resolutions);
    RUN(test_unknown_dropped);
    RUN(test_overlong_sequence);
    RUN(test_terminal_replies);
    RUN(test_long_string);
    RUN(test_cut_reply_waits);
    RUN(test_paste_basic);
    RUN(test_paste_pending_across_feeds);
    RUN(test_paste_lost_terminator);
    RUN(test_paste_cap);
    RUN(test_unbracketed_burst);
    RUN(test_key_burst);
    RUN(test_fuzz_uniform);
    RUN(test_fuzz_biased);
    RUN(test_fuzz_strings);
    return harness_done();
}
