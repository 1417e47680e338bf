/* Markdown in the answer pane's rows (ui/model_rows.c, ui/markdown_layout.c,
 * ui/markdown_paint.c): prose wraps at words with its markup hidden and hanging indents, code
 * never breaks inside a token and marks its continuation rows, or scrolls sideways as one
 * row; tables align when they fit and stay raw when not; inline styles and syntax colours
 * land on the right cells; diff blocks use the diff slots; search highlights map onto the
 * rendered text; code is shaded to the text's end unless bce. Letters of row_styles: T text,
 * m model text, c code, # heading, B strong, I emphasis, ` code span, > quote, L link, U url,
 * | table, * mark, A diff-add, R diff-remove, k keyword, M match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/search.h"
#include "session/transcript.h"
#include "themes/syntax.h"
#include "ui/grid.h"
#include "ui/model_rows.h"
#include "ui/model_view.h"
#include "ui/syntax_view.h"
#include "harness.h"
#include "support/views_support.h"

typedef struct Pane {
    Transcript *t;
    ModelView *v;
    Grid *g;
    int w, h;
} Pane;

static Pane pane_new(const char *answer, int w, int h)
{
    Pane p = {transcript_new(), model_view_new(), grid_new(w, h), w, h};
    transcript_add(p.t, ENTRY_ANSWER, ENTRY_DONE, answer, strlen(answer));
    return p;
}

static void pane_draw(Pane *p) { model_view_draw_body(p->v, p->g, (Rect){0, 0, p->w, p->h}, p->t); }

static void pane_free(Pane *p)
{
    model_view_free(p->v);
    grid_free(p->g);
    transcript_free(p->t);
}

static const char *row(const Pane *p, int y) { return trimmed(cells_text(p->g, y, 0, p->w)); }

static void test_prose(void)
{
    Pane p = pane_new("# Title **x**\nSome **bold** and *it* with `c_o` here and more words.\n"
                      "- item one that wraps here\n  - sub\n3. third\n> quoted\n---\n",
                      20, 12);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 0), "Title x");
    CHECK_STR_EQ(row_styles(p.g, 0, 0, 7), "#######");
    CHECK_STR_EQ(row(&p, 1), "Some bold and it");
    CHECK_STR_EQ(row_styles(p.g, 1, 0, 16), "mmmmmBBBBmmmmmII");
    CHECK_STR_EQ(row(&p, 2), "with c_o here and"); /* wrapped at a word, markup hidden */
    CHECK_STR_EQ(row_styles(p.g, 2, 5, 8), "```");
    CHECK_STR_EQ(row(&p, 3), "more words.");
    CHECK_STR_EQ(row(&p, 4), "\xe2\x80\xa2 item one that");
    CHECK_STR_EQ(row_styles(p.g, 4, 0, 1), "*");
    CHECK_STR_EQ(row(&p, 5), "  wraps here"); /* hanging indent */
    CHECK_STR_EQ(row(&p, 6), "  \xe2\x97\xa6 sub");
    CHECK_STR_EQ(row(&p, 7), "3. third");
    CHECK_STR_EQ(row(&p, 8), "\xe2\x94\x82 quoted");
    CHECK_STR_EQ(row_styles(p.g, 8, 2, 8), ">>>>>>");
    CHECK_STR_EQ(row(&p, 9), "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                             "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                             "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
                             "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80");
    pane_free(&p);
}

static void test_link(void)
{
    Pane p = pane_new("go [here](http://a.b) now\n", 40, 3);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 0), "go here (http://a.b) now");
    CHECK_STR_EQ(row_styles(p.g, 0, 0, 24), "mmmLLLLUUUUUUUUUUUUUmmmm");
    pane_free(&p);
    Pane q = pane_new("go [here](http://a.b) now\n", 14, 4); /* a link breaks before its url */
    pane_draw(&q);
    CHECK_STR_EQ(row(&q, 0), "go here");
    CHECK_STR_EQ(row(&q, 1), "(http://a.b)");
    CHECK_STR_EQ(row(&q, 2), "now");
    pane_free(&q);
}

static void test_code_wrap_tokens(void)
{
    const char *ans = "```\nfoo(alpha_beta, gamma_delta);\n```\n";
    Pane p = pane_new(ans, 16, 6);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 0), "```");
    CHECK_STR_EQ(row(&p, 1), "foo(alpha_beta,");
    CHECK_STR_EQ(row(&p, 2), "\xe2\x86\xaagamma_delta);");
    CHECK_STR_EQ(row_styles(p.g, 2, 0, 1), "*");
    CHECK_STR_EQ(row(&p, 3), "```");
    /* shaded to the text's end only: no bce */
    CHECK_STR_EQ(row_styles(p.g, 2, 13, 15), "cm");
    model_view_set_code_bce(p.v, true);
    pane_draw(&p);
    CHECK_STR_EQ(row_styles(p.g, 2, 13, 15), "cc");
    /* a token wider than the row is cut (nothing else fits), the rest still between tokens */
    Pane q = pane_new("```\nx = aaaaaaaaaaaaaaaaaaaaaaaa + b\n```\n", 12, 6);
    pane_draw(&q);
    CHECK_STR_EQ(row(&q, 1), "x =");
    CHECK_STR_EQ(row(&q, 2), "\xe2\x86\xaa" "aaaaaaaaaaa");
    pane_free(&q);
    pane_free(&p);
}

static void test_code_scroll(void)
{
    Pane p = pane_new("```\nfoo(alpha_beta, gamma_delta);\n```\nafter\n", 16, 6);
    model_view_set_code_scroll(p.v, true);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "foo(alpha_beta,\xe2\x80\xba"); /* one row, more to the right */
    CHECK_STR_EQ(row(&p, 2), "```");
    CHECK_STR_EQ(row(&p, 3), "after");
    model_view_hscroll(p.v, 8);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "\xe2\x80\xb9" "_beta, gamma_d\xe2\x80\xba");
    model_view_hscroll(p.v, -100);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "foo(alpha_beta,\xe2\x80\xba");
    model_view_set_code_scroll(p.v, false); /* back to wrapping: hscroll is dropped */
    model_view_hscroll(p.v, 8);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "foo(alpha_beta,");
    pane_free(&p);
}

static void test_table(void)
{
    const char *ans = "| a | bb |\n|---|---:|\n| ccc | d |\n";
    Pane p = pane_new(ans, 30, 4);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 0), "\xe2\x94\x82 a   \xe2\x94\x82 bb \xe2\x94\x82");
    CHECK_STR_EQ(row_styles(p.g, 0, 2, 3), "B"); /* the header row */
    CHECK_STR_EQ(row(&p, 1), "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2"
                             "\x94\x80\xe2\x94\xbc\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94"
                             "\x80\xe2\x94\xa4");
    CHECK_STR_EQ(row(&p, 2), "\xe2\x94\x82 ccc \xe2\x94\x82  d \xe2\x94\x82"); /* right-aligned */
    pane_free(&p);
    /* below a 5000-byte line (drawn raw): still aligned, the long line is not a row of it */
    char big[5100];
    memset(big, 'x', 5000);
    strcpy(big + 5000, "\n| a | bb |\n|---|---:|\n");
    Pane b = pane_new(big, 30, 4);
    pane_draw(&b);
    CHECK_STR_EQ(row(&b, 2), "\xe2\x94\x82 a \xe2\x94\x82 bb \xe2\x94\x82");
    pane_free(&b);
    /* too wide for the pane: raw, wrapped like prose */
    Pane q = pane_new(ans, 8, 6);
    pane_draw(&q);
    CHECK_STR_EQ(row(&q, 0), "| a | bb");
    CHECK_STR_EQ(row(&q, 1), "|");
    pane_free(&q);
}

static void test_diff_block(void)
{
    Pane p = pane_new("```diff\n-old\n+new\n ctx\n```\n", 20, 5);
    pane_draw(&p);
    CHECK_STR_EQ(row_styles(p.g, 1, 0, 4), "RRRR");
    CHECK_STR_EQ(row_styles(p.g, 2, 0, 4), "AAAA");
    CHECK_STR_EQ(row_styles(p.g, 3, 1, 4), "ccc");
    pane_free(&p);
}

/* apply_patch text outside any fence: its lines are code in diff colours, also while the
 * envelope is still open (streaming); Markdown resumes after "*** End Patch". */
static void test_apply_patch(void)
{
    const char *ans = "Intro\n*** Begin Patch\n*** Update File: a.c\n@@\n-old\n+new\n"
                      "*** End Patch\n- bullet after\n";
    Pane p = pane_new(ans, 30, 9);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "*** Begin Patch");
    CHECK_STR_EQ(row_styles(p.g, 1, 0, 3), "ccc");
    CHECK_STR_EQ(row(&p, 4), "-old");
    CHECK_STR_EQ(row_styles(p.g, 4, 0, 4), "RRRR");
    CHECK_STR_EQ(row_styles(p.g, 5, 0, 4), "AAAA");
    CHECK_STR_EQ(row(&p, 6), "*** End Patch");
    CHECK_STR_EQ(row(&p, 7), "\xe2\x80\xa2 bullet after");
    pane_free(&p);
    Pane q = pane_new("*** Begin Patch\n-old", 30, 3); /* the envelope still open */
    pane_draw(&q);
    CHECK_STR_EQ(row(&q, 1), "-old");
    CHECK_STR_EQ(row_styles(q.g, 1, 0, 4), "RRRR");
    pane_free(&q);
}

static void test_syntax_in_code(void)
{
    SyntaxSet *set = syntax_set_new();
    ErrorBuf err = {{0}};
    const char *c_rules = "name c\nfiles *.c\ntoken keyword \\b(int|return)\\b\n";
    bool ok = syntax_set_add(set, c_rules, strlen(c_rules), "c.syntax", &err);
    if (!ok)
        fprintf(stderr, "%s\n", err.msg);
    CHECK(ok);
    SyntaxView *sv = syntax_view_new();
    syntax_view_set_languages(sv, set);
    Pane p = pane_new("```c\nint x = 1;\n```\n", 20, 4);
    model_view_set_syntax(p.v, sv);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 1), "int x = 1;");
    CHECK_STR_EQ(row_styles(p.g, 1, 0, 4), "kkkc");
    pane_free(&p);
    syntax_view_free(sv);
}

static void test_search_on_rendered_rows(void)
{
    Pane p = pane_new("a **bold** word\n", 30, 3);
    Search *s = search_new();
    ErrorBuf err = {{0}};
    CHECK(search_set_pattern(s, "word", 4, 0, &err));
    model_view_set_search(p.v, s, false, 0, 0, 0);
    pane_draw(&p);
    CHECK_STR_EQ(row(&p, 0), "a bold word");
    CHECK_STR_EQ(row_styles(p.g, 0, 7, 11), "MMMM"); /* "word" where it is drawn */
    CHECK_STR_EQ(row_styles(p.g, 0, 2, 6), "BBBB");
    model_view_set_search(p.v, NULL, false, 0, 0, 0);
    search_free(s);
    pane_free(&p);
}

/* The answer grows one byte at a time: every completed line renders the same at every step
 * as in the final frame (rows above the growing line never change). */
static void test_streaming_stable(void)
{
    const char *ans = "# Head\n- one **b**\n> q\nText *e* `c`\n```c\nint x;\n```\ndone\n";
    Transcript *t = transcript_new();
    size_t e = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "", 0);
    ModelView *v = model_view_new();
    Grid *g = grid_new(24, 12), *fin = grid_new(24, 12);
    Transcript *tf = transcript_new();
    transcript_add(tf, ENTRY_ANSWER, ENTRY_DONE, ans, strlen(ans));
    ModelView *vf = model_view_new();
    model_view_draw_body(vf, fin, (Rect){0, 0, 24, 12}, tf);
    size_t n = strlen(ans), lines = 0;
    for (size_t i = 0; i < n; i++) {
        transcript_append(t, e, ans + i, 1);
        if (ans[i] == '\n')
            lines++;
        model_view_draw_body(v, g, (Rect){0, 0, 24, 12}, t);
        for (size_t y = 0; y < lines; y++) /* one row per line in this answer */
            if (!grid_row_equal(g, fin, (int)y)) {
                fprintf(stderr, "step %zu row %zu: '%s' vs '%s'\n", i, y,
                        cells_text(g, (int)y, 0, 24), cells_text(fin, (int)y, 0, 24));
                CHECK(false);
                i = n;
                break;
            }
    }
    model_view_free(v);
    model_view_free(vf);
    grid_free(g);
    grid_free(fin);
    transcript_free(t);
    transcript_free(tf);
}

int main(void)
{
    RUN(test_prose);
    RUN(test_link);
    RUN(test_code_wrap_tokens);
    RUN(test_code_scroll);
    RUN(test_table);
    RUN(test_diff_block);
    RUN(test_apply_patch);
    RUN(test_syntax_in_code);
    RUN(test_search_on_rendered_rows);
    RUN(test_streaming_stable);
    return harness_done();
}
