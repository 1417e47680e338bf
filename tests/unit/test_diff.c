/* session/diff: exact hunks for small cases (an insert at the top, a delete at the end, no
 * final newline, two separate edits -> two hunks, close edits -> one), and randomised texts
 * (fixed seed) whose diff, applied by a naive patcher here, gives the new text back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/diff.h"

static void check_diff(const char *a, const char *b, const char *want)
{
    StrBuf out = {0};
    bool changed = diff_unified(a, strlen(a), b, strlen(b), &out);
    CHECK(changed == (want != NULL));
    if (want)
        CHECK_STR_EQ(sb_cstr(&out), want);
    sb_free(&out);
}

static void test_exact(void)
{
    check_diff("a\nb\n", "a\nb\n", NULL);
    check_diff("", "x\n", "@@ -0,0 +1,1 @@\n+x\n");
    check_diff("a\nb\nc\n", "z\na\nb\nc\n", "@@ -1,3 +1,4 @@\n+z\n a\n b\n c\n");
    check_diff("a\nb\nc\nd\ne\n", "a\nb\nc\nd\n", "@@ -2,4 +2,3 @@\n b\n c\n d\n-e\n");
    check_diff("a\nb", "a\nc", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
                               "\\ No newline at end of file\n");
    /* Two edits 10 lines apart: two hunks; 5 apart: one. */
    StrBuf a = {0}, b = {0}, c = {0};
    for (int i = 1; i <= 20; i++) {
        sb_printf(&a, "%d\n", i);
        sb_printf(&b, "%s\n", i == 3 ? "three" : i == 14 ? "fourteen" : "");
        if (i != 3 && i != 14)
            sb_truncate(&b, b.len - 1), sb_printf(&b, "%d\n", i);
        sb_printf(&c, "%s\n", i == 3 ? "three" : i == 8 ? "eight" : "");
        if (i != 3 && i != 8)
            sb_truncate(&c, c.len - 1), sb_printf(&c, "%d\n", i);
    }
    check_diff(a.data, b.data, "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n"
                               "@@ -11,7 +11,7 @@\n 11\n 12\n 13\n-14\n+fourteen\n 15\n 16\n 17\n");
    check_diff(a.data, c.data, "@@ -1,11 +1,11 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n 7\n-8\n"
                               "+eight\n 9\n 10\n 11\n");
    sb_free(&a);
    sb_free(&b);
    sb_free(&c);
}

/* Lines of s as (start, len) with their newline. */
static size_t lines_of(const char *s, const char ***v)
{
    size_t n = 0, cap = 16;
    *v = malloc(cap * sizeof **v);
    for (const char *p = s; *p;) {
        if (n + 1 >= cap)
            *v = realloc(*v, (cap *= 2) * sizeof **v);
        (*v)[n++] = p;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    (*v)[n] = s + strlen(s);
    return n;
}

/* Applies d (hunks from diff_unified, texts with final newlines) to a. */
static void apply(const char *a, const char *d, StrBuf *out)
{
    const char **la;
    size_t na = lines_of(a, &la), at = 0;
    for (const char *p = d; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = (size_t)(nl - p) + 1;
        if (p[0] == '@') {
            unsigned long as, ac;
            CHECK(sscanf(p, "@@ -%lu,%lu", &as, &ac) == 2);
            size_t start = ac ? as - 1 : as;
            for (; at < start && at < na; at++)
                sb_append(out, la[at], (size_t)(la[at + 1] - la[at]));
        } else if (p[0] == ' ') {
            CHECK(at < na && strncmp(la[at], p + 1, len - 1) == 0);
            sb_append(out, p + 1, len - 1);
            at++;
        } else if (p[0] == '-') {
            CHECK(at < na && strncmp(la[at], p + 1, len - 1) == 0);
            at++;
        } else if (p[0] == '+') {
            sb_append(out, p + 1, len - 1);
        } else {
            CHECK(0);
        }
        p = nl + 1;
    }
    for (; at < na; at++)
        sb_append(out, la[at], (size_t)(la[at + 1] - la[at]));
    free(la);
}

static void test_random_round_trip(void)
{
    srand(8);
    for (int round = 0; round < 300; round++) {
        StrBuf a = {0}, b = {0};
        int n = rand() % 60;
        for (int i = 0; i < n; i++)
            sb_printf(&a, "%c\n", 'a' + rand() % 4); /* few symbols: many equal lines */
        /* b: a with random deletes, inserts and changes */
        const char **la;
        size_t na = lines_of(a.data ? a.data : "", &la);
        for (size_t i = 0; i <= na; i++) {
            int r = rand() % 10;
            if (r == 0)
                sb_printf(&b, "%c\n", 'a' + rand() % 5);
            if (i < na && r != 1)
                sb_append(&b, la[i], (size_t)(la[i + 1] - la[i]));
        }
        free(la);
        StrBuf d = {0}, got = {0};
        const char *sa = a.data ? a.data : "", *sbb = b.data ? b.data : "";
        bool changed = diff_unified(sa, a.len, sbb, b.len, &d);
        CHECK(changed == (strcmp(sa, sbb) != 0));
        apply(sa, d.data ? d.data : "", &got);
        CHECK_STR_EQ(got.data ? got.data : "", sbb);
        sb_free(&a);
        sb_free(&b);
        sb_free(&d);
        sb_free(&got);
    }
}

/* Past DIFF_MAX_EDITS the middle is one replaced block: still a correct diff. */
static void test_many_edits(void)
{
    StrBuf a = {0}, b = {0}, d = {0}, got = {0};
    for (int i = 0; i < 3000; i++) {
        sb_printf(&a, "a%d\n", i);
        sb_printf(&b, "b%d\n", i);
    }
    CHECK(diff_unified(a.data, a.len, b.data, b.len, &d));
    apply(a.data, d.data, &got);
    CHECK_STR_EQ(got.data, b.data);
    sb_free(&a);
    sb_free(&b);
    sb_free(&d);
    sb_free(&got);
}

int main(void)
{
    RUN(test_exact);
    RUN(test_random_round_trip);
    RUN(test_many_edits);
    return harness_done();
}
