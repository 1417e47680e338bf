/* Markdown (ui/markdown.h): every block kind, every inline construct, unmatched delimiters
 * left literal, snake_case, escapes, tables; and streaming: every prefix of a document agrees
 * with the whole on its completed lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/markdown.h"
#include "harness.h"

/* The line as drawn: hidden bytes dropped; beside it, one letter per drawn byte: s strong,
 * e emphasis, b both, c code, l link, u url, x strike, . plain. */
static void render(const char *s, char *vis, char *cls)
{
    size_t n = strlen(s);
    uint8_t attr[512];
    md_inline(s, n, attr);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (attr[i] & MD_A_HIDE)
            continue;
        uint8_t a = attr[i];
        char c = (a & MD_A_CODE)                        ? 'c'
                 : (a & MD_A_URL)                       ? 'u'
                 : (a & MD_A_LINK)                      ? 'l'
                 : (a & MD_A_STRIKE)                    ? 'x'
                 : (a & MD_A_STRONG) && (a & MD_A_EMPH) ? 'b'
                 : (a & MD_A_STRONG)                    ? 's'
                 : (a & MD_A_EMPH)                      ? 'e'
                                                        : '.';
        vis[k] = s[i];
        cls[k++] = c;
    }
    vis[k] = cls[k] = '\0';
}

#define INLINE(src, v, c)                                                                   \
    do {                                                                                    \
        char vis_[512], cls_[512];                                                          \
        render(src, vis_, cls_);                                                            \
        CHECK_STR_EQ(vis_, v);                                                              \
        CHECK_STR_EQ(cls_, c);                                                              \
    } while (0)

static void test_inline(void)
{
    INLINE("plain", "plain", ".....");
    INLINE("a **b** c", "a b c", "..s..");
    INLINE("a *b* _c_", "a b c", "..e.e");
    INLINE("***x***", "x", "b");
    INLINE("use `x*y*z` now", "use x*y*z now", "....ccccc....");
    INLINE("``a`b``", "a`b", "ccc");
    INLINE("see [docs](http://x.y) ok", "see docs](http://x.y) ok", "....lllluuuuuuuuuuuuu...");
    INLINE("~~gone~~", "gone", "xxxx");
    INLINE("**bold *both* bold**", "bold both bold", "sssssbbbbsssss");
}

static void test_inline_literal(void)
{
    INLINE("snake_case_name", "snake_case_name", "...............");
    INLINE("2 * 3 * 4", "2 * 3 * 4", ".........");
    INLINE("**open only", "**open only", "...........");
    INLINE("`open only", "`open only", "..........");
    INLINE("\\*not\\*", "*not*", ".....");
    INLINE("[no link] here", "[no link] here", "..............");
    INLINE("[a](b c)", "[a](b c)", "........");
    INLINE("a ** b ** c", "a ** b ** c", "...........");
    /* hostile: many openers and no closers stay literal (and linear: see the fuzz target) */
    char big[400];
    memset(big, '*', 300);
    big[300] = 'x';
    big[301] = '\0';
    char vis[512], cls[512];
    render(big, vis, cls);
    CHECK(strchr(vis, 'x') != NULL);
}

static MdBlock blk(const char *s)
{
    MdBlock b;
    md_block(s, strlen(s), &b);
    return b;
}

static void test_blocks(void)
{
    MdBlock b = blk("## Title");
    CHECK_INT_EQ(b.kind, MD_HEADING);
    CHECK_INT_EQ(b.level, 2);
    CHECK_INT_EQ(b.prefix, 3);
    CHECK_INT_EQ(blk("####### seven").kind, MD_PARA);
    CHECK_INT_EQ(blk("#hashtag").kind, MD_PARA);
    b = blk("- item");
    CHECK_INT_EQ(b.kind, MD_BULLET);
    CHECK_INT_EQ(b.indent, 0);
    CHECK_INT_EQ(b.prefix, 2);
    b = blk("    * nested");
    CHECK_INT_EQ(b.kind, MD_BULLET);
    CHECK_INT_EQ(b.indent, 2);
    b = blk("12. twelfth");
    CHECK_INT_EQ(b.kind, MD_ORDERED);
    CHECK_STR_EQ(b.marker, "12.");
    CHECK_INT_EQ(b.prefix, 4);
    CHECK_INT_EQ(blk("3) x").kind, MD_ORDERED);
    CHECK_INT_EQ(blk("2024. was a year").kind, MD_ORDERED);
    CHECK_INT_EQ(blk("3.14 is pi").kind, MD_PARA);
    CHECK_INT_EQ(blk("---").kind, MD_HR);
    CHECK_INT_EQ(blk("* * *").kind, MD_HR);
    CHECK_INT_EQ(blk("-- not").kind, MD_PARA);
    CHECK_INT_EQ(blk("").kind, MD_BLANK);
    CHECK_INT_EQ(blk("   ").kind, MD_BLANK);
    b = blk("> quoted");
    CHECK_INT_EQ(b.kind, MD_PARA);
    CHECK_INT_EQ(b.quote, 1);
    CHECK_INT_EQ(b.prefix, 2);
    b = blk("> > - deep");
    CHECK_INT_EQ(b.kind, MD_BULLET);
    CHECK_INT_EQ(b.quote, 2);
    CHECK_INT_EQ(b.prefix, 6);
    b = blk(">");
    CHECK_INT_EQ(b.quote, 1);
    CHECK_INT_EQ(b.kind, MD_BLANK);
    CHECK_INT_EQ(blk("| a | b |").kind, MD_TABLE);
    CHECK_INT_EQ(blk("|---|:-:|").kind, MD_TABLE_SEP);
    CHECK_INT_EQ(blk("a > b").quote, 0);
}

static void test_table_cells(void)
{
    const char *r = "| name | `a\\|b` |  x |";
    MdCell c[8];
    size_t n = md_table_cells(r, strlen(r), c, 8);
    CHECK_INT_EQ(n, 3);
    CHECK_MEM_EQ(r + c[0].start, c[0].end - c[0].start, "name", 4);
    CHECK_MEM_EQ(r + c[1].start, c[1].end - c[1].start, "`a\\|b`", 6);
    CHECK_MEM_EQ(r + c[2].start, c[2].end - c[2].start, "x", 1);
    const char *no_end = "| a | b";
    CHECK_INT_EQ(md_table_cells(no_end, strlen(no_end), c, 8), 2);
    const char *sep = "|:--|:-:|--:|";
    n = md_table_cells(sep, strlen(sep), c, 8);
    CHECK_INT_EQ(n, 3);
    CHECK(md_table_align(sep, &c[0]) == 'l');
    CHECK(md_table_align(sep, &c[1]) == 'c');
    CHECK(md_table_align(sep, &c[2]) == 'r');
    CHECK_INT_EQ(md_table_cells(r, strlen(r), c, 1), 3); /* counted, one stored */
}

/* Every prefix of the document: a line completed in the prefix gets the attributes and the
 * block it gets in the whole document. */
static void test_streaming_prefixes(void)
{
    const char *doc = "# Head **x**\n- a `code` b\n  1. *em* [l](u)\n> q **s**\n| a | b |\n"
                      "|---|---|\nsnake_case *x*\n";
    size_t n = strlen(doc);
    for (size_t p = 0; p <= n; p++) {
        size_t ls = 0;
        for (size_t i = 0; i < p; i++) {
            if (doc[i] != '\n')
                continue;
            uint8_t a1[128], a2[128];
            md_inline(doc + ls, i - ls, a1);
            md_inline(doc + ls, i - ls, a2); /* the same line, seen again: pure */
            CHECK(memcmp(a1, a2, i - ls) == 0);
            MdBlock b1, b2;
            md_block(doc + ls, i - ls, &b1);
            md_block(doc + ls, i - ls, &b2);
            CHECK(memcmp(&b1, &b2, sizeof b1) == 0);
            ls = i + 1;
        }
        /* the growing last line: any result, no crash */
        uint8_t a[128];
        md_inline(doc + ls, p - ls, a);
        MdBlock b;
        md_block(doc + ls, p - ls, &b);
        CHECK(b.prefix <= p - ls);
    }
}

int main(void)
{
    RUN(test_inline);
    RUN(test_inline_literal);
    RUN(test_blocks);
    RUN(test_table_cells);
    RUN(test_streaming_prefixes);
    return harness_done();
}
