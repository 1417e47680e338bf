/* The answer pane's caret (ui/model_view.c with the focus): where focusing puts it, Up/Down
 * by rows with the view following, PgUp/PgDn, Home/End (End follows the tail as it grows),
 * a jump to a byte (a search match), a click, a scroll that leaves it off the pane, a resize;
 * the caret row and search matches as styles. Drawn straight into a Grid from a Transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/search.h"
#include "session/transcript.h"
#include "themes/theme.h"
#include "ui/grid.h"
#include "ui/model_view.h"
#include "support/views_support.h"

#define W 20
#define H 10

typedef struct Fix {
    Transcript *t;
    ModelView *v;
    Grid *g;
    size_t answer;
} Fix;

/* A question and an answer of n lines "line 00", "line 01", ... (one row each). */
static Fix fix_new(int n)
{
    Fix f = {transcript_new(), model_view_new(), grid_new(W, H), 0};
    transcript_add(f.t, ENTRY_USER, ENTRY_DONE, "q", 1);
    StrBuf sb = {0};
    for (int i = 0; i < n; i++)
        sb_printf(&sb, "line %02d\n", i);
    f.answer = transcript_add(f.t, ENTRY_ANSWER, ENTRY_DONE, sb.data, sb.len);
    sb_free(&sb);
    return f;
}

static void fix_free(Fix *f)
{
    model_view_free(f->v);
    grid_free(f->g);
    transcript_free(f->t);
}

static void draw(Fix *f) { model_view_draw_body(f->v, f->g, (Rect){0, 0, W, H}, f->t); }

/* The row drawn in the caret's style (-1: none). */
static int caret_row(const Fix *f)
{
    int found = -1;
    for (int y = 0; y < H; y++)
        if (row_styles(f->g, y, 0, 1)[0] == 'V')
            found = found < 0 ? y : -2; /* two: wrong */
    return found;
}

static const char *text_at(const Fix *f, int y) { return trimmed(cells_text(f->g, y, 0, W)); }

/* The caret's line as text ("line 07"). */
static const char *caret_line(const Fix *f)
{
    size_t e, off;
    if (!model_view_caret(f->v, &e, &off))
        return "(none)";
    const TranscriptEntry *en = transcript_entry(f->t, e);
    static char buf[32];
    size_t n = 0;
    while (off + n < en->text.len && en->text.data[off + n] != '\n' && n < 31)
        n++;
    memcpy(buf, en->text.data + off, n);
    buf[n] = '\0';
    return buf;
}

static void test_focus_and_rows(void)
{
    Fix f = fix_new(40);
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), -1); /* no focus: no caret */
    model_view_set_focus(f.v, true);
    draw(&f);
    /* Following: the last row (line 39) is the bottom row, and the caret is on it. */
    CHECK_STR_EQ(text_at(&f, H - 1), "line 39");
    CHECK_INT_EQ(caret_row(&f), H - 1);
    CHECK_STR_EQ(caret_line(&f), "line 39");
    /* Up 3: the caret moves, the view stays. */
    model_view_caret_move(f.v, -3);
    draw(&f);
    CHECK_STR_EQ(caret_line(&f), "line 36");
    CHECK_INT_EQ(caret_row(&f), H - 4);
    CHECK_STR_EQ(text_at(&f, caret_row(&f)), "line 36");
    /* Up past the top of the pane: the view follows, the caret on its top row. */
    model_view_caret_move(f.v, -(H + 2));
    draw(&f);
    CHECK_STR_EQ(caret_line(&f), "line 24");
    CHECK_INT_EQ(caret_row(&f), 0);
    CHECK_STR_EQ(text_at(&f, 0), "line 24");
    CHECK(!model_view_following(f.v));
    /* Down one: the caret moves inside the pane, nothing scrolls. */
    model_view_caret_move(f.v, 1);
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), 1);
    CHECK_STR_EQ(text_at(&f, 0), "line 24");
    /* Home: the first row (the question); End: the tail, following again. */
    model_view_caret_top(f.v);
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), 0);
    CHECK(strstr(text_at(&f, 0), "q") != NULL);
    size_t e, off;
    CHECK(model_view_caret(f.v, &e, &off) && e == 0);
    model_view_caret_move(f.v, -1); /* nothing above the first row */
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), 0);
    model_view_caret_tail(f.v);
    draw(&f);
    CHECK(model_view_following(f.v));
    CHECK_STR_EQ(caret_line(&f), "line 39");
    /* The answer grows: End keeps the caret on the last row. */
    transcript_add(f.t, ENTRY_NOTE, ENTRY_DONE, "a note", 6);
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), H - 1);
    CHECK_STR_EQ(text_at(&f, H - 1), "a note");
    /* Down at the end stays there. */
    model_view_caret_move(f.v, 5);
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), H - 1);
    fix_free(&f);
}

static void test_pages_jump_click(void)
{
    Fix f = fix_new(40);
    model_view_set_focus(f.v, true);
    draw(&f);
    size_t page = model_view_page_rows(f.v);
    CHECK(page >= H - 1);
    /* PgUp twice: the view and the caret a page each; the caret stays on the pane. */
    model_view_caret_page(f.v, -(int)(page - 1));
    draw(&f);
    model_view_caret_page(f.v, -(int)(page - 1));
    draw(&f);
    int row = caret_row(&f);
    CHECK(row >= 0);
    CHECK(!model_view_following(f.v));
    CHECK_STR_EQ(text_at(&f, row), caret_line(&f));
    /* A jump to a byte (a search match) far above: the row holding it is shown. */
    const TranscriptEntry *en = transcript_entry(f.t, f.answer);
    const char *at = strstr(en->text.data, "line 03");
    model_view_caret_to(f.v, f.answer, (size_t)(at - en->text.data) + 5);
    draw(&f);
    CHECK_STR_EQ(caret_line(&f), "line 03");
    row = caret_row(&f);
    CHECK(row >= 0 && strcmp(text_at(&f, row), "line 03") == 0);
    /* A click on another row puts the caret there. */
    int target = row == 0 ? 3 : 0;
    char want[32];
    snprintf(want, sizeof want, "%s", text_at(&f, target));
    CHECK(model_view_caret_at_cell(f.v, 2, target));
    draw(&f);
    CHECK_INT_EQ(caret_row(&f), target);
    CHECK_STR_EQ(caret_line(&f), want);
    CHECK(!model_view_caret_at_cell(f.v, W + 5, 0)); /* outside the pane */
    /* A scroll (the wheel) that leaves the caret off the pane brings it onto its nearest row. */
    model_view_scroll(f.v, -20);
    draw(&f);
    row = caret_row(&f);
    CHECK(row >= 0);
    CHECK_STR_EQ(text_at(&f, row), caret_line(&f));
    fix_free(&f);
}

static void test_resize_and_long_lines(void)
{
    Fix f = {transcript_new(), model_view_new(), grid_new(W, H), 0};
    /* One long line wrapping into several rows, then short ones. */
    const char *txt = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk\nend 1\nend 2\n";
    f.answer = transcript_add(f.t, ENTRY_ANSWER, ENTRY_DONE, txt, strlen(txt));
    model_view_set_focus(f.v, true);
    draw(&f);
    model_view_caret_top(f.v);
    draw(&f);
    model_view_caret_move(f.v, 1); /* the long line's second row */
    draw(&f);
    size_t e, off;
    CHECK(model_view_caret(f.v, &e, &off));
    CHECK(off > 0 && off < 55);
    CHECK_INT_EQ(caret_row(&f), 1);
    /* A narrower pane: the caret stays on the row holding that byte. */
    grid_free(f.g);
    f.g = grid_new(W, H);
    model_view_draw_body(f.v, f.g, (Rect){0, 0, 12, H}, f.t);
    size_t off2;
    CHECK(model_view_caret(f.v, &e, &off2));
    CHECK(off2 <= off && off - off2 < 12);
    fix_free(&f);
}

static void test_search_highlight(void)
{
    Fix f = fix_new(5);
    Search *s = search_new();
    ErrorBuf err = {{0}};
    CHECK(search_set_pattern(s, "ne 0", 4, SEARCH_ICASE, &err));
    const TranscriptEntry *en = transcript_entry(f.t, f.answer);
    size_t cur = (size_t)(strstr(en->text.data, "line 02") - en->text.data) + 2;
    model_view_set_search(f.v, s, true, f.answer, cur, cur + 4);
    draw(&f);
    int y2 = -1, y3 = -1;
    for (int y = 0; y < H; y++) {
        if (strcmp(text_at(&f, y), "line 02") == 0)
            y2 = y;
        if (strcmp(text_at(&f, y), "line 03") == 0)
            y3 = y;
    }
    CHECK(y2 >= 0 && y3 >= 0);
    CHECK_STR_EQ(row_styles(f.g, y2, 0, 8), "mmKKKKmm"); /* the current match */
    CHECK_STR_EQ(row_styles(f.g, y3, 0, 8), "mmMMMMmm"); /* another one */
    model_view_set_search(f.v, NULL, false, 0, 0, 0);
    draw(&f);
    CHECK_STR_EQ(row_styles(f.g, y3, 0, 8), "mmmmmmmm");
    search_free(s);
    fix_free(&f);
}

int main(void)
{
    RUN(test_focus_and_rows);
    RUN(test_pages_jump_click);
    RUN(test_resize_and_long_lines);
    RUN(test_search_highlight);
    return harness_done();
}
