/* Screen snapshots of the model pane (ui/model_view.c, ui/model_rows.c): wrapping, fences,
 * marks, hostile text, following the tail of huge answers, scrolling back, resize. Also checks
 * the pane's caches against a fresh view and a naive wrapping reference, and prints render
 * times for huge transcripts. Shared helpers: views_support.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/utf8.h"
#include "harness.h"
#include "session/session.h"
#include "session/transcript.h"
#include "themes/theme.h"
#include "ui/grid.h"
#include "ui/layout.h"
#include "ui/model_rows.h"
#include "ui/model_view.h"
#include "ui/ui.h"
#include "support/views_support.h"

/* The model pane's content rows at 80x24 (the pane is x 44..79, rows 1..22; the text starts
 * after a one-column margin). */
#define MX 45
#define MW 35
static const char *model_row(const Grid *g, int y) { return trimmed(cells_text(g, y, MX, MX + MW)); }

/* ---- model pane ----------------------------------------------------------------------- */

static void test_model_wrap_and_styles(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    view_ask(s, "why is the sky blue when the sun is white and space is black?");
    deltas(s, "Because of Rayleigh scattering: short wavelengths scatter more.\n\n```c\n"
              "int x = 1;\n```\nA supercalifragilisticexpialidociouswordthatislong end.\n"
              "a\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
              "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97"
              "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97x\n");
    complete(s);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    static const char *const want[] = {
        "\xe2\x80\xba why is the sky blue when the sun",
        "  is white and space is black?",
        "Because of Rayleigh scattering:",
        "short wavelengths scatter more.",
        "",
        "```c",
        "int x = 1;",
        "```",
        "A supercalifragilisticexpialidociou", /* too long for a row: hard-wrapped */
        "swordthatislong end.",
        "a\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
        "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97"
        "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2",
        "\xe5\xad\x97x",
        "",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        CHECK_STR_EQ(model_row(g, 1 + (int)i), want[i]);
    CHECK_STR_EQ(row_styles(g, 1, MX, MX + 4), "uuuu");
    CHECK_STR_EQ(row_styles(g, 3, MX, MX + 4), "mmmm");
    CHECK_STR_EQ(row_styles(g, 6, MX, MX + 4), "cccc");
    CHECK_STR_EQ(row_styles(g, 7, MX, MX + 4), "cccc");
    /* code is shaded to the text's end only (no bce by default) */
    CHECK_STR_EQ(row_styles(g, 8, MX, MX + 4), "cccm");
    CHECK_STR_EQ(row_styles(g, 9, MX, MX + 4), "mmmm");
    /* 'a' and 17 wide characters fill the 35 columns: the 18th goes to the next row whole. */
    CHECK_INT_EQ(grid_row_const(g, 11)[MX + 33].width, 2);
    CHECK_INT_EQ(grid_row_const(g, 11)[MX + 34].width, 0);
    CHECK_STR_EQ(cells_text(g, 0, MX - 1, MX + 20), " gpt-test            ");
    CHECK(strstr(row_text(g, 0), "done") != NULL);
    ui_free(ui);
    session_free(s);
}

static void test_model_marks(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    view_ask(s, "first");
    deltas(s, "partial answer");
    session_interrupt(s);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(model_row(g, 1), "\xe2\x80\xba first");
    CHECK_STR_EQ(model_row(g, 2), "partial answer");
    CHECK_STR_EQ(model_row(g, 3), "[interrupted]");
    CHECK_STR_EQ(row_styles(g, 3, MX, MX + 13), "EEEEEEEEEEEEE");
    CHECK(strstr(row_text(g, 0), "interrupted") != NULL);
    /* A second turn, lost with the network. */
    view_ask(s, "second");
    deltas(s, "more");
    session_on_link_lost(s, "connection reset");
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(model_row(g, 4), "");
    CHECK_STR_EQ(model_row(g, 5), "\xe2\x80\xba second");
    CHECK_STR_EQ(model_row(g, 6), "more");
    /* "interrupted by network" said once, not twice (issue 5 #8). */
    CHECK_STR_EQ(model_row(g, 7), "[interrupted by network: connection");
    CHECK_STR_EQ(model_row(g, 8), "reset]");
    ui_free(ui);
    session_free(s);

    /* incomplete / failed, straight from a Transcript. */
    Transcript *t = transcript_new();
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "x", 1);
    transcript_finish(t, a, ENTRY_INCOMPLETE, "max_output_tokens");
    a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    transcript_finish(t, a, ENTRY_FAILED, "server_error: boom");
    transcript_add(t, ENTRY_NOTE, ENTRY_DONE, "link up again", 13);
    Grid *gg = grid_new(40, 6);
    ModelView *v = model_view_new();
    model_view_draw_body(v, gg, (Rect){0, 0, 40, 6}, t);
    CHECK_STR_EQ(trimmed(row_text(gg, 0)), "x");
    CHECK_STR_EQ(trimmed(row_text(gg, 1)), "[incomplete: max_output_tokens]");
    CHECK_STR_EQ(trimmed(row_text(gg, 2)), "[failed: server_error: boom]");
    CHECK_STR_EQ(trimmed(row_text(gg, 3)), "link up again");
    CHECK_STR_EQ(row_styles(gg, 3, 0, 4), "nnnn");
    model_view_free(v);
    grid_free(gg);
    transcript_free(t);
}

/* An answer's reasoning: one dimmed row above it ("thinking… N tokens" while it streams,
 * "thought: N tokens" after), expanded by the toggle into the reasoning itself, line breaks
 * as spaces; the answer's own rows are unchanged. */
static void test_model_reasoning_row(void)
{
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "q", 1);
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    transcript_append_reasoning(t, a, "Let me", 6);
    transcript_append_reasoning(t, a, " think\nabout it", 15);
    ModelView *v = model_view_new();
    Grid *g = grid_new(40, 6);
    model_view_draw_body(v, g, (Rect){0, 0, 40, 6}, t);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 40)), "\xe2\x96\xb8 thinking\xe2\x80\xa6 2 tokens");
    CHECK_STR_EQ(row_styles(g, 1, 0, 3), "iii");
    transcript_append(t, a, "The answer.", 11);
    transcript_finish(t, a, ENTRY_DONE, NULL);
    model_view_draw_body(v, g, (Rect){0, 0, 40, 6}, t);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 40)), "\xe2\x96\xb8 thought: 2 tokens");
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 40)), "The answer.");
    CHECK_STR_EQ(row_styles(g, 2, 0, 3), "mmm");
    CHECK(model_view_toggle_reasoning(v));
    model_view_draw_body(v, g, (Rect){0, 0, 40, 6}, t);
    CHECK_STR_EQ(trimmed(cells_text(g, 1, 0, 40)), "\xe2\x96\xbe Let me think about it");
    CHECK_STR_EQ(trimmed(cells_text(g, 2, 0, 40)), "The answer.");
    CHECK(!model_view_toggle_reasoning(v));
    grid_free(g);
    model_view_free(v);
    transcript_free(t);
}

static void test_model_hostile_text_escaped(void)
{
    Session *s = new_session();
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    view_ask(s, "q");
    deltas(s, "ok \x1b[2J\x1b]0;pwn\x07 \xe2\x80\xae" "evil\r\n\x9b" "31m");
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    CHECK_STR_EQ(model_row(g, 2), "ok ^[[2J^[]0;pwn^G <U+202E>evil^M");
    CHECK_STR_EQ(row_styles(g, 2, MX, MX + 9), "mmmCCmmmC");
    /* \x9b is not valid UTF-8 on its own: JSON encoding turned it into U+FFFD. */
    CHECK_STR_EQ(model_row(g, 3), "\xef\xbf\xbd" "31m");
    /* Nothing in the whole grid can drive a terminal. */
    for (int y = 0; y < g->rows; y++)
        for (int x = 0; x < g->cols; x++) {
            const Cell *c = &grid_row_const(g, y)[x];
            CHECK(c->width == 0 || utf8_width(c->cp) >= 1);
        }
    /* A NUL in a delta (JSON \u0000) is shown as ^@ and the rest of the delta follows. */
    delta(s, "\nnul\0after", 10);
    ui_render(ui, s, NULL);
    CHECK_STR_EQ(model_row(g, 4), "nul^@after");
    /* Raw bytes straight into a Transcript (no JSON on the way). */
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, "a\xff\x1b" "c\xc2\x85", 6);
    Grid *gg = grid_new(20, 2);
    ModelView *v = model_view_new();
    model_view_draw_body(v, gg, (Rect){0, 0, 20, 2}, t);
    CHECK_STR_EQ(trimmed(row_text(gg, 0)), "a<ff>^[c<U+0085>");
    model_view_free(v);
    grid_free(gg);
    transcript_free(t);
    ui_free(ui);
    session_free(s);
}

static Transcript *big_answer(size_t lines)
{
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "print lots", 10);
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    char buf[64];
    for (size_t i = 1; i <= lines; i++) {
        int n = snprintf(buf, sizeof buf, "line %zu of the answer\n", i);
        transcript_append(t, a, buf, (size_t)n);
    }
    return t;
}

static void test_model_follows_tail_of_10000_lines(void)
{
    Transcript *t = big_answer(10000);
    Grid *g = grid_new(36, 22);
    ModelView *v = model_view_new();
    model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 9979 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "line 10000 of the answer");
    transcript_append(t, 1, "and the end", 11);
    model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    CHECK_STR_EQ(trimmed(row_text(g, 20)), "line 10000 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "and the end");
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

static void append_lines(Transcript *t, size_t from, size_t to)
{
    char buf[64];
    for (size_t i = from; i <= to; i++) {
        int n = snprintf(buf, sizeof buf, "line %zu of the answer\n", i);
        transcript_append(t, 1, buf, (size_t)n);
    }
}

/* The byte budget: following a streaming answer in jumps keeps the pane's top while rows
 * arrive below it, jumps so that 2 rows of context stay on top when the text reaches the
 * bottom (Vim's Ctrl-F), and stays as it is once the answer is done (the text being read does
 * not move); scrolling to the end puts the tail on the bottom row again. */
static void test_model_follows_in_jumps(void)
{
    Transcript *t = big_answer(100);
    Grid *g = grid_new(36, 22);
    Rect r = {0, 0, 36, 22};
    ModelView *v = model_view_new();
    model_view_set_jumps(v, true);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 79 of the answer"); /* the tail at the bottom */
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "line 100 of the answer");
    append_lines(t, 101, 101); /* one row too many: the jump, 2 rows of context */
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 99 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 2)), "line 101 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "");
    append_lines(t, 102, 120); /* fills the pane below: the rows above stay put */
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 99 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "line 120 of the answer");
    append_lines(t, 121, 121);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 119 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 2)), "line 121 of the answer");
    transcript_finish(t, 1, ENTRY_DONE, NULL); /* done: nothing moves */
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 119 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 2)), "line 121 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "");
    model_view_follow(v); /* the end (Alt-End): the tail on the bottom row */
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 21)), "line 121 of the answer");
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

static void test_model_scroll_back_anchors(void)
{
    Transcript *t = big_answer(100);
    Grid *g = grid_new(36, 10);
    Rect r = {0, 0, 36, 10};
    ModelView *v = model_view_new();
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "line 100 of the answer");
    model_view_scroll(v, 5);
    model_view_draw_body(v, g, r, t);
    CHECK(!model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 95 of the answer");
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "line 87 of the answer");
    CHECK(strncmp(row_text(g, 9), "\xe2\x86\x93 5 more", 10) == 0);
    /* New text while scrolled back: the view stays put, the count grows. */
    transcript_append(t, 1, "line 101 of the answer\nline 102", 31);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 95 of the answer");
    CHECK(strncmp(row_text(g, 9), "\xe2\x86\x93 7 more", 10) == 0);
    CHECK_INT_EQ(model_view_rows_below(v), 7);
    /* A growing last line that wraps adds rows to the count. */
    transcript_append(t, 1, " and a long tail that wraps around", 34);
    model_view_draw_body(v, g, r, t);
    CHECK_INT_EQ(model_view_rows_below(v), 8);
    /* Scroll forward a bit, then to the end: following again. */
    model_view_scroll(v, -3);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 98 of the answer");
    CHECK_INT_EQ(model_view_rows_below(v), 5);
    model_view_scroll(v, -100);
    model_view_draw_body(v, g, r, t);
    CHECK(model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "around");
    /* Scrolling back past the top stops with the first row at the top. */
    model_view_scroll(v, 100000);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "\xe2\x80\xba print lots");
    CHECK_STR_EQ(trimmed(row_text(g, 8)), "line 8 of the answer");
    /* follow resumes at once. */
    model_view_follow(v);
    model_view_draw_body(v, g, r, t);
    CHECK_STR_EQ(trimmed(row_text(g, 9)), "around");
    /* A short transcript cannot be scrolled: it stays following. */
    Transcript *t2 = big_answer(3);
    model_view_scroll(v, 2);
    model_view_draw_body(v, g, r, t2);
    CHECK(model_view_following(v));
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "\xe2\x80\xba print lots");
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
    transcript_free(t2);
}

static void test_resize_rewraps_identically(void)
{
    Session *s = new_session();
    for (int turn = 0; turn < 6; turn++) {
        view_ask(s, "explain the thing in some detail please, with a long question line");
        for (int i = 0; i < 40; i++) {
            char buf[128];
            snprintf(buf, sizeof buf, "Sentence %d of turn %d says something wordy enough to wrap. ",
                     i, turn);
            deltas(s, buf);
            if (i % 7 == 6)
                deltas(s, "\n");
        }
        complete(s);
    }
    Ui *ui = ui_new(NULL, 120, 40);
    ui_render(ui, s, NULL);
    Grid *before = grid_new(120, 40);
    memcpy(before->cells, ui_grid(ui)->cells, sizeof(Cell) * 120 * 40);
    ui_resize(ui, 60, 20);
    ui_render(ui, s, NULL);
    /* At 60x20 the screen is what a fresh Ui of that size draws: no duplicates, nothing lost. */
    Ui *fresh = ui_new(NULL, 60, 20);
    ui_render(fresh, s, NULL);
    for (int y = 0; y < 20; y++)
        CHECK_STR_EQ(row_text(ui_grid(ui), y), row_text(ui_grid(fresh), y));
    ui_resize(ui, 120, 40);
    ui_render(ui, s, NULL);
    for (int y = 0; y < 40; y++)
        CHECK(grid_row_equal(before, ui_grid(ui), y));
    /* Resizing while scrolled back keeps the same text at the bottom of the pane. */
    ui_model_scroll(ui, 30);
    ui_render(ui, s, NULL);
    const Grid *g = ui_grid(ui);
    Layout l = layout_compute(120, 40);
    char bottom[4096];
    snprintf(bottom, sizeof bottom, "%s",
             trimmed(cells_text(g, l.model.y + l.model.h - 2, l.model.x, l.model.x + l.model.w)));
    ui_resize(ui, 100, 40);
    ui_render(ui, s, NULL);
    l = layout_compute(100, 40);
    const char *now = trimmed(cells_text(g, l.model.y + l.model.h - 2, l.model.x, l.model.x + l.model.w));
    /* The anchor is a byte: the row holding it at the new width holds the old row's first
     * word (the row starts at or before it and words that fit are never split). */
    char first[64];
    sscanf(bottom, "%63s", first);
    CHECK(strlen(first) > 0);
    CHECK(strstr(now, first) != NULL);
    CHECK(strncmp(cells_text(g, l.model.y + l.model.h - 1, l.model.x + 1, l.model.x + 4),
                  "\xe2\x86\x93", 3) == 0);
    grid_free(before);
    ui_free(fresh);
    ui_free(ui);
    session_free(s);
}

/* ---- model pane against references ---------------------------------------------------- */

/* Naive greedy word wrap of ASCII words separated by single spaces. */
static size_t ref_wrap(const char *line, size_t len, int w, char rows[][256], size_t max)
{
    size_t n = 0;
    char row[256] = "";
    size_t i = 0;
    bool any = false;
    while (i < len) {
        size_t j = i;
        while (j < len && line[j] != ' ')
            j++;
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(j - i), line + i);
        char cand[1280];
        snprintf(cand, sizeof cand, "%s%s%s", row, any ? " " : "", word);
        if ((int)strlen(cand) <= w) {
            snprintf(row, sizeof row, "%.*s", 255, cand);
        } else if ((int)strlen(word) <= w) {
            if (n < max)
                snprintf(rows[n++], 256, "%.*s", 255, row);
            snprintf(row, sizeof row, "%.*s", 255, word);
        } else {
            if (any && (int)strlen(row) >= w) { /* the space itself overflows: break there */
                if (n < max)
                    snprintf(rows[n++], 256, "%.*s", 255, row);
                snprintf(cand, sizeof cand, "%.*s", 255, word);
            }
            char *p = cand;
            while ((int)strlen(p) > w) {
                if (n < max)
                    snprintf(rows[n++], 256, "%.*s", w, p);
                p += w;
            }
            snprintf(row, sizeof row, "%.*s", 255, p);
        }
        any = true;
        i = j + 1;
    }
    if (n < max)
        snprintf(rows[n++], 256, "%.*s", 255, row);
    return n;
}

static void test_wrap_matches_reference(void)
{
    unsigned seed = 7;
    static char want[4000][256];
    for (int iter = 0; iter < 300; iter++) {
        int w = 3 + rand_r(&seed) % 40;
        StrBuf text = {0};
        int nlines = 1 + rand_r(&seed) % 6;
        size_t nwant = 0;
        for (int l = 0; l < nlines; l++) {
            size_t start = text.len;
            int nwords = rand_r(&seed) % 12;
            for (int k = 0; k < nwords; k++) {
                if (k)
                    sb_putc(&text, ' ');
                int wl = 1 + (rand_r(&seed) % 4 == 0 ? rand_r(&seed) % 60 : rand_r(&seed) % 8);
                for (int c = 0; c < wl; c++)
                    sb_putc(&text, (char)('a' + rand_r(&seed) % 26));
            }
            nwant += ref_wrap(text.data ? text.data + start : "", text.len - start, w,
                              want + nwant, 4000 - nwant);
            if (l + 1 < nlines)
                sb_putc(&text, '\n');
        }
        Transcript *t = transcript_new();
        transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, text.data, text.len);
        int h = (int)nwant + 1;
        Grid *g = grid_new(w, h);
        ModelView *v = model_view_new();
        model_view_draw_body(v, g, (Rect){0, 0, w, h}, t);
        int bad = 0;
        for (size_t r = 0; r < nwant && !bad; r++) {
            char wr[256];
            snprintf(wr, sizeof wr, "%s", trimmed(want[r])); /* a hard wrap may end in a space */
            if (strcmp(trimmed(row_text(g, (int)r)), wr) != 0) {
                fprintf(stderr, "width %d row %zu: got \"%s\" want \"%s\"\n", w, r,
                        trimmed(row_text(g, (int)r)), want[r]);
                bad = 1;
            }
        }
        CHECK_STR_EQ(trimmed(row_text(g, h - 1)), "");
        CHECK_INT_EQ(bad, 0);
        model_view_free(v);
        grid_free(g);
        transcript_free(t);
        sb_free(&text);
        if (bad)
            break;
    }
}

/* Streams random text (fences, long lines over the cache threshold, CJK, escapes, spaces)
 * into a transcript; after each append a long-lived view (caches warm, sometimes scrolled)
 * must draw exactly what a brand-new view draws. */
static void test_incremental_matches_fresh(void)
{
    static const char *const pieces[] = {
        "word ", "longerword ", " ", "  ", "\n", "\n\n", "```\n", "```py\n", "\xe6\xbc\xa2",
        "\xcc\x81", "\x1b[0m", "\t", "x", "\xe2\x80\xae", "supercalifragilistic",
    };
    unsigned seed = 99;
    int scrolled_compared = 0;
    for (int round = 0; round < 6; round++) {
        Transcript *t = transcript_new();
        int w = 8 + rand_r(&seed) % 40, h = 5 + rand_r(&seed) % 20;
        Rect r = {0, 0, w, h};
        Grid *g1 = grid_new(w, h), *g2 = grid_new(w, h);
        ModelView *live = model_view_new();
        size_t a = SIZE_MAX;
        int bad = 0;
        for (int step = 0; step < 600 && !bad; step++) {
            int what = rand_r(&seed) % 100;
            if (a == SIZE_MAX || what < 2) {
                if (a != SIZE_MAX)
                    transcript_finish(t, a, (rand_r(&seed) & 1) ? ENTRY_DONE : ENTRY_INTERRUPTED,
                                      NULL);
                transcript_add(t, ENTRY_USER, ENTRY_DONE, "question", 8);
                a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
            }
            size_t nbytes = 1 + (size_t)(rand_r(&seed) % 8);
            bool long_run = rand_r(&seed) % 50 == 0; /* a 3000-byte run with no newline */
            for (size_t k = 0; k < (long_run ? 600 : nbytes); k++) {
                const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
                if (long_run && strchr(p, '\n'))
                    p = "abcd ";
                transcript_append(t, a, p, strlen(p));
            }
            model_view_draw_body(live, g1, r, t);
            ModelView *fresh = model_view_new();
            model_view_draw_body(fresh, g2, r, t);
            for (int y = 0; y < h; y++)
                if (!grid_row_equal(g1, g2, y)) {
                    fprintf(stderr, "round %d step %d row %d:\n live  |%s|\n fresh |%s|\n", round,
                            step, y, row_text(g1, y), row_text(g2, y));
                    bad = 1;
                    break;
                }
            model_view_free(fresh);
        }
        CHECK_INT_EQ(bad, 0);
        /* Scrolled back: the live count of rows below matches a recount from scratch. */
        model_view_scroll(live, 17);
        model_view_draw_body(live, g1, r, t);
        for (int step = 0; step < 200 && !bad; step++) {
            const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
            transcript_append(t, a, p, strlen(p));
            model_view_draw_body(live, g1, r, t);
            if (model_view_following(live))
                break;
            /* A fresh view scrolled by the same total lands on the same rows. */
            size_t below = model_view_rows_below(live);
            scrolled_compared++;
            ModelView *fresh = model_view_new();
            model_view_draw_body(fresh, g2, r, t);
            model_view_scroll(fresh, (int)below);
            model_view_draw_body(fresh, g2, r, t);
            for (int y = 0; y < h && !bad; y++)
                if (!grid_row_equal(g1, g2, y)) {
                    fprintf(stderr, "scrolled round %d step %d row %d (below %zu):\n live  |%s|\n"
                            " fresh |%s|\n", round, step, y, below, row_text(g1, y),
                            row_text(g2, y));
                    bad = 1;
                }
            model_view_free(fresh);
        }
        CHECK_INT_EQ(bad, 0);
        model_view_free(live);
        grid_free(g1);
        grid_free(g2);
        transcript_free(t);
    }
    CHECK(scrolled_compared > 300);
}

/* ---- performance ---------------------------------------------------------------------- */

static void test_render_time_huge_transcript(void)
{
    /* 200,000 deltas (about 1.1 MB) into one streaming answer, through the Session. */
    Session *s = new_session();
    view_ask(s, "write a lot");
    static const char *const toks[] = {"The ", "quick ", "brown ", "fox ", "jumps ", "over ",
                                       "the ", "lazy ", "dog", ".\n", "```c\n", "x = 1;\n",
                                       "```\n", "\xe6\xbc\xa2\xe5\xad\x97 "};
    unsigned seed = 3;
    double t0 = now_ms();
    for (int i = 0; i < 200000; i++) {
        const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
        delta(s, p, strlen(p));
    }
    double t_feed = now_ms() - t0;
    Ui *ui = ui_new(NULL, 80, 24);
    ui_set_layout(ui, &(LayoutOpts){.arrange = LAYOUT_SIDE}); /* as before */
    ui_render(ui, s, NULL);
    t0 = now_ms();
    for (int i = 0; i < 1000; i++)
        ui_render(ui, s, NULL);
    double per_frame = (now_ms() - t0) / 1000;
    /* Streaming: 200 more deltas between frames (100k tok/s at 60 fps is ~1700). */
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++) {
            const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
            delta(s, p, strlen(p));
        }
        ui_render(ui, s, NULL);
    }
    double per_stream = (now_ms() - t0) / 1000;
    /* Scrolled back 10,000 rows while it streams. */
    ui_model_scroll(ui, 10000);
    ui_render(ui, s, NULL);
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++) {
            const char *p = toks[rand_r(&seed) % (sizeof toks / sizeof *toks)];
            delta(s, p, strlen(p));
        }
        ui_render(ui, s, NULL);
    }
    double per_scrolled = (now_ms() - t0) / 1000;
    /* One-off costs: jumping far back, then a resize while scrolled far back (the rows below
     * the anchor are recounted once from the text). */
    t0 = now_ms();
    ui_model_scroll(ui, 1000000);
    ui_render(ui, s, NULL);
    double jump = now_ms() - t0;
    t0 = now_ms();
    ui_resize(ui, 100, 30);
    ui_render(ui, s, NULL);
    double resize = now_ms() - t0;
    t0 = now_ms();
    for (int i = 0; i < 100; i++)
        ui_render(ui, s, NULL);
    double after = (now_ms() - t0) / 100;
    size_t bytes = transcript_entry(session_transcript(s), 1)->text.len;
    printf("render: scroll to the top of it %.1f ms once; resize there %.1f ms once, then "
           "%.3f ms/frame\n", jump, resize, after);
    printf("render: %zu-byte answer (200k deltas, fed in %.0f ms): %.3f ms/frame idle, "
           "%.3f ms/frame streaming (+200 deltas/frame, parse included), %.3f ms/frame scrolled "
           "back\n", bytes, t_feed, per_frame, per_stream, per_scrolled);
    (void)per_frame; /* printed above: a figure for the benchmarks, not an assertion */
    ui_free(ui);
    session_free(s);

    /* A hostile shape: 1 MB in a single line with no newline, streamed. */
    Transcript *t = transcript_new();
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    Grid *g = grid_new(36, 22);
    ModelView *v = model_view_new();
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 200; k++)
            transcript_append(t, a, "token ", 6);
        model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    }
    double per_line = (now_ms() - t0) / 1000;
    printf("render: one %zu-byte line without a newline, streamed: %.3f ms/frame\n",
           transcript_entry(t, a)->text.len, per_line);
    (void)per_line; /* printed above: a figure for the benchmarks, not an assertion */
    /* The same line finished by a newline, then short lines streaming below it. */
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        transcript_append(t, a, "\nshort", 6);
        if (i == 0)
            continue;
        model_view_draw_body(v, g, (Rect){0, 0, 36, 22}, t);
    }
    double per_after = (now_ms() - t0) / 1000;
    printf("render: short lines streaming below that 1.2 MB line: %.3f ms/frame\n", per_after);
    (void)per_after; /* printed above: a figure for the benchmarks, not an assertion */
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

/* The rows of the only line of entry e of t at width w (via the row engine). */
static const ModelRowSpan *line_rows(ModelRows *mr, const Transcript *t, size_t e, int w,
                                     size_t *count)
{
    ModelRowsCtx c = {.rows = mr, .t = t, .width = w};
    ModelSeg seg = {e, MODEL_SEG_LINE, 0, transcript_entry(t, e)->text.len};
    return model_rows_of(&c, seg, count);
}

/* Streams `chunk` into a new open answer `times` times, drawing a frame after each; returns
 * ms per frame. */
static double stream_frames(Transcript *t, size_t a, const char *chunk, size_t len, int times,
                            int w, int h)
{
    Grid *g = grid_new(w, h);
    ModelView *v = model_view_new();
    double t0 = now_ms();
    for (int i = 0; i < times; i++) {
        transcript_append(t, a, chunk, len);
        model_view_draw_body(v, g, (Rect){0, 0, w, h}, t);
    }
    double per = (now_ms() - t0) / times;
    model_view_free(v);
    grid_free(g);
    return per;
}

/* Hostile model text keeps every row O(width) to wrap and draw: a letter with a megabyte of
 * combining marks, a megabyte of spaces where a row overflows, a word of marks that the
 * "does it fit on its own row" check would otherwise walk whole. Asserts the row structure;
 * the per-frame times while streaming are printed, not asserted. */
static void test_hostile_shapes_bounded(void)
{
    const int w = 36, h = 22;
    /* 1. 'x' + 512 Ki x U+0301, streamed 4 KB (2048 marks) per frame. */
    char marks[4096];
    for (size_t i = 0; i < sizeof marks; i += 2)
        memcpy(marks + i, "\xcc\x81", 2);
    Transcript *t = transcript_new();
    size_t a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "x", 1);
    double per_marks = stream_frames(t, a, marks, sizeof marks, 256, w, h);
    ModelRows *mr = model_rows_new();
    size_t cnt;
    const ModelRowSpan *rows = line_rows(mr, t, a, w, &cnt);
    size_t nmarks = 256 * sizeof marks / 2;
    CHECK_INT_EQ(cnt, 1 + (nmarks - 32 + 31) / 32);
    CHECK_INT_EQ(rows[0].start, 0);
    CHECK_INT_EQ(rows[0].end, 1 + 2 * 32); /* x and 32 marks */
    bool bounded = true;
    for (size_t k = 1; k < cnt; k++)
        bounded = bounded && rows[k].start == rows[k - 1].next &&
                  rows[k].end - rows[k].start <= 2 * 32;
    CHECK(bounded);
    /* drawn: x with two marks on the first row; the rows of bare marks are blank */
    Grid *g = grid_new(w, h);
    ModelView *v = model_view_new();
    model_view_draw_body(v, g, (Rect){0, 0, w, h}, t);
    CHECK_STR_EQ(trimmed(row_text(g, h - 1)), "");
    model_view_scroll(v, 1 << 20);
    model_view_draw_body(v, g, (Rect){0, 0, w, h}, t);
    CHECK_STR_EQ(trimmed(row_text(g, 0)), "x\xcc\x81\xcc\x81");
    CHECK_STR_EQ(trimmed(row_text(g, 1)), "");
    model_view_free(v);
    transcript_free(t);
    model_rows_reset(mr);

    /* 2. A word, then a megabyte of spaces where the row overflows, streamed; then a word. */
    char spaces[4096];
    memset(spaces, ' ', sizeof spaces);
    t = transcript_new();
    a = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    for (int i = 0; i < 35; i++)
        transcript_append(t, a, "y", 1);
    double per_spaces = stream_frames(t, a, spaces, sizeof spaces, 256, w, h);
    transcript_append(t, a, "end", 3);
    rows = line_rows(mr, t, a, w, &cnt);
    bounded = true;
    for (size_t k = 0; k < cnt; k++)
        bounded = bounded && rows[k].end - rows[k].start <= (size_t)w &&
                  rows[k].next - rows[k].start <= 2 * (size_t)w;
    CHECK(bounded);
    CHECK(cnt > (256 * sizeof spaces) / (2 * (size_t)w));
    CHECK_INT_EQ(rows[0].end, 35); /* the y's; the spaces are the break */
    CHECK_INT_EQ(rows[cnt - 1].end, transcript_entry(t, a)->text.len);
    transcript_free(t);
    model_rows_reset(mr);

    /* 3. A word of marks after the overflow: the fit check stops after ZW_MAX marks. */
    t = transcript_new();
    StrBuf txt = {0};
    sb_puts(&txt, "hello abcde");
    for (int i = 0; i < 200000; i++)
        sb_puts(&txt, "\xcc\x81");
    sb_puts(&txt, "fgh");
    a = transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, txt.data, txt.len);
    rows = line_rows(mr, t, a, 10, &cnt);
    CHECK_INT_EQ(rows[0].end, 10); /* "hello abcd": the word cannot fit a row of its own */
    bounded = true;
    for (size_t k = 0; k < cnt; k++)
        bounded = bounded && rows[k].end - rows[k].start <= 10 + 2 * 32;
    CHECK(bounded);
    double t0 = now_ms();
    model_view_free(model_view_new());
    v = model_view_new();
    for (int i = 0; i < 100; i++)
        model_view_draw_body(v, g, (Rect){0, 0, 10, h}, t);
    double per_word = (now_ms() - t0) / 100;
    model_view_free(v);
    sb_free(&txt);
    transcript_free(t);
    model_rows_free(mr);
    grid_free(g);
    printf("render: hostile shapes while streaming: 'x' + 512Ki marks %.3f ms/frame, 1 MB of "
           "spaces %.3f ms/frame; a 200k-mark word (done) %.3f ms/frame\n",
           per_marks, per_spaces, per_word);
}

int main(void)
{
    RUN(test_model_reasoning_row);
    RUN(test_model_wrap_and_styles);
    RUN(test_model_marks);
    RUN(test_model_hostile_text_escaped);
    RUN(test_model_follows_tail_of_10000_lines);
    RUN(test_model_follows_in_jumps);
    RUN(test_model_scroll_back_anchors);
    RUN(test_resize_rewraps_identically);
    RUN(test_wrap_matches_reference);
    RUN(test_incremental_matches_fresh);
    RUN(test_render_time_huge_transcript);
    RUN(test_hostile_shapes_bounded);
    (void)dump;
    return harness_done();
}
