/* app/plain: what reaches the terminal of the model's text in plain mode (plain_sanitize):
 * text, UTF-8, newlines and tabs as they are; every other control (ESC sequences, BEL, CR,
 * DEL, C1 controls written as UTF-8) dropped, so an answer can never drive the terminal.
 * The swap-file question's answer read as a line (plain_swap_choice): the full screen's keys
 * as letters or words, an empty line for Esc, anything else asked again (never a guess). */
#include <string.h>

#include "app/plain.h"
#include "core/strbuf.h"
#include "harness.h"

static const char *clean(StrBuf *b, const char *s, size_t n)
{
    sb_reset(b);
    plain_sanitize(b, s, n);
    return sb_cstr(b);
}

static void test_sanitize(void)
{
    StrBuf b = {0};
    CHECK_STR_EQ(clean(&b, "int x;\n\tre\xc3\xa9l \xe4\xb8\xad\n", 19), "int x;\n\tre\xc3\xa9l \xe4\xb8\xad\n");
    CHECK_STR_EQ(clean(&b, "a\033[2Jb\033]52;c;eA==\007c", 20), "a[2Jb]52;c;eA==c");
    CHECK_STR_EQ(clean(&b, "x\r\x7f\x01y", 5), "xy");
    CHECK_STR_EQ(clean(&b, "p\xc2\x9b" "31mq\xc2\x9dr", 10), "p31mqr"); /* C1 CSI, OSC */
    CHECK_STR_EQ(clean(&b, "\xc2\xa0ok", 4), "\xc2\xa0ok");              /* NBSP stays */
    CHECK_STR_EQ(clean(&b, "z\0w", 3), "zw");
    /* An answer's tail that ends inside a character waits for the rest (a C1 control split
     * over two deltas must not pass as two harmless-looking bytes). */
    CHECK_INT_EQ(plain_complete("ab\xc2", 3), 2);
    CHECK_INT_EQ(plain_complete("ab\xe4\xb8", 4), 2);
    CHECK_INT_EQ(plain_complete("ab\xe4\xb8\xad", 5), 5);
    CHECK_INT_EQ(plain_complete("ab\xf0\x9f\x98", 5), 2);
    CHECK_INT_EQ(plain_complete("ab", 2), 2);
    CHECK_INT_EQ(plain_complete("\x80\x80\x80\x80", 4), 4); /* stray bytes: no wait */
    sb_free(&b);
}

static int choice(const char *s) { return plain_swap_choice(s, strlen(s)); }

static void test_swap_choice(void)
{
    CHECK_INT_EQ(choice("r"), 'r');
    CHECK_INT_EQ(choice("  Recover \r"), 'r');
    CHECK_INT_EQ(choice("d"), 'd');
    CHECK_INT_EQ(choice("DIFF"), 'd');
    CHECK_INT_EQ(choice("x"), 'x');
    CHECK_INT_EQ(choice("delete"), 'x');
    CHECK_INT_EQ(choice(""), 0);      /* Enter alone: Esc's ignore, the swap stays */
    CHECK_INT_EQ(choice(" \t "), 0);
    CHECK_INT_EQ(choice("ignore"), 0);
    CHECK_INT_EQ(choice("i"), 0);
    /* Not an answer: asked again, never taken for the nearest choice. */
    CHECK_INT_EQ(choice("rx"), -1);
    CHECK_INT_EQ(choice("re"), -1);
    CHECK_INT_EQ(choice("yes"), -1);
    CHECK_INT_EQ(choice("what is this file?"), -1);
    CHECK_INT_EQ(plain_swap_choice("x", 0), 0); /* the length counts, not the NUL */
}

int main(void)
{
    RUN(test_sanitize);
    RUN(test_swap_choice);
    return harness_done();
}
