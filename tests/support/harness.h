/* A tiny test harness: TEST functions registered in main via RUN(), CHECK* macros that report
 * file:line and keep going, and a closing "N passed, N failed" line (read by CI).
 *
 *   static void test_foo(void) { CHECK(1 + 1 == 2); CHECK_STR_EQ(s, "x"); }
 *   int main(void) { RUN(test_foo); return harness_done(); }
 *
 * The counters live once in tests/support/harness.c (flint_test_support), so a CHECK inside a
 * support function counts for the program that called it. */
#ifndef FLINT_TESTS_SUPPORT_HARNESS_H
#define FLINT_TESTS_SUPPORT_HARNESS_H

#include <locale.h>
#include <stdio.h>
#include <string.h>

extern int harness_failed_checks;
extern int harness_tests_passed;
extern int harness_tests_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            harness_failed_checks++;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                            \
    do {                                                                              \
        long long ha_ = (long long)(a), hb_ = (long long)(b);                         \
        if (ha_ != hb_) {                                                             \
            fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n", __FILE__, __LINE__, #a, \
                    #b, ha_, hb_);                                                    \
            harness_failed_checks++;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                            \
    do {                                                                              \
        const char *ha_ = (a), *hb_ = (b);                                            \
        if (!ha_ || !hb_ || strcmp(ha_, hb_) != 0) {                                  \
            fprintf(stderr, "%s:%d: %s == %s:\n  got:  \"%s\"\n  want: \"%s\"\n",      \
                    __FILE__, __LINE__, #a, #b, ha_ ? ha_ : "(null)",                 \
                    hb_ ? hb_ : "(null)");                                            \
            harness_failed_checks++;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_MEM_EQ(a, alen, b, blen)                                                \
    do {                                                                              \
        size_t hal_ = (alen), hbl_ = (blen);                                          \
        if (hal_ != hbl_ || memcmp((a), (b), hal_) != 0) {                            \
            fprintf(stderr, "%s:%d: %s (%zu bytes) != %s (%zu bytes)\n", __FILE__,     \
                    __LINE__, #a, hal_, #b, hbl_);                                    \
            harness_failed_checks++;                                                  \
        }                                                                             \
    } while (0)

#define RUN(fn)                                                                       \
    do {                                                                              \
        int before_ = harness_failed_checks;                                          \
        setlocale(LC_ALL, "C.UTF-8");                                                 \
        fn();                                                                         \
        if (harness_failed_checks == before_) {                                       \
            harness_tests_passed++;                                                   \
        } else {                                                                      \
            harness_tests_failed++;                                                   \
            fprintf(stderr, "FAIL %s\n", #fn);                                        \
        }                                                                             \
    } while (0)

int harness_done(void);  /* prints the closing line; the exit status */

#endif
