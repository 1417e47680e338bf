/* Virtual lines in the editor view (ui/editor_view.h): rows between buffer lines that are not
 * in the buffer (a proposed hunk's added lines). Snapshots in a 30x6 pane: drawn in their
 * style with the sign in the gutter, the numbers of the real lines unchanged; scrolling keeps
 * the caret visible counting them; a click on one lands on the line below; rows after the
 * last line; horizontal scrolling moves them with the text; soft wrap draws them too. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "session/session.h"
#include "themes/theme.h"
#include "ui/editor_view.h"
#include "ui/grid.h"
#include "support/views_support.h"

#define PANE ((Rect){0, 0, 30, 6}) /* gutter "  1 ", 26 text columns, text rows 1..5 */

typedef struct Fake {
    size_t above;  /* the buffer line they go above */
    const char *rows[4];
    size_t n;
    int calls;
} Fake;

static size_t fake_virt(void *ud, const Buffer *b, size_t line, EditorVirtLine *out, size_t cap)
{
    (void)b;
    Fake *f = ud;
    f->calls++;
    if (line != f->above)
        return 0;
    for (size_t i = 0; i < f->n && i < cap; i++)
        out[i] = (EditorVirtLine){f->rows[i], strlen(f->rows[i]), STYLE_DIFF_ADD, '+'};
    return f->n;
}

static void test_virtual_rows_drawn(void)
{
    Session *s = new_session();
    set_file(s, "l0\nl1\nl2\nl3\nl4\nl5\n");
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    Fake f = {1, {"A", "B"}, 2, 0};
    editor_view_set_virtual(&v, fake_virt, &f);
    editor_view_draw(&v, g, PANE, b, true);
    CHECK_STR_EQ(trimmed(row_text(g, 1)), "  1 l0");
    CHECK_STR_EQ(trimmed(row_text(g, 2)), "  + A");
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "  + B");
    CHECK_STR_EQ(trimmed(row_text(g, 4)), "  2 l1");
    CHECK_STR_EQ(trimmed(row_text(g, 5)), "  3 l2");
    CHECK_INT_EQ(grid_row(g, 2)[4].style, STYLE_DIFF_ADD);
    CHECK_INT_EQ(grid_row(g, 2)[29].style, STYLE_DIFF_ADD); /* the whole row */
    CHECK_INT_EQ(grid_row(g, 2)[2].style, STYLE_DIFF_ADD);  /* the sign */
    CHECK_INT_EQ(grid_row(g, 2)[0].style, STYLE_GUTTER);
    CHECK_INT_EQ(g->cursor_y, 1);
    /* a click on a virtual row: the start of the line below it */
    TextPos p;
    CHECK(editor_view_pos_at(&v, b, PANE, 10, 3, &p));
    CHECK_INT_EQ(p.line, 1);
    CHECK_INT_EQ(p.col, 0);
    CHECK(editor_view_pos_at(&v, b, PANE, 5, 4, &p)); /* "l1" itself */
    CHECK_INT_EQ(p.line, 1);
    CHECK(editor_view_pos_at(&v, b, PANE, 5, 5, &p));
    CHECK_INT_EQ(p.line, 2);

    /* The caret on l3 (6 rows from the top with the virtual ones): the view scrolls by one
     * line, and the virtual rows above the new top line still show. */
    buffer_set_cursor(b, (TextPos){3, 0});
    editor_view_draw(&v, g, PANE, b, true);
    CHECK_INT_EQ(v.top, 1);
    CHECK_STR_EQ(trimmed(row_text(g, 1)), "  + A");
    CHECK_STR_EQ(trimmed(row_text(g, 5)), "  4 l3");
    CHECK_INT_EQ(g->cursor_y, 5);
    /* The caret on l1 with more virtual rows above it than the pane has: the first of them
     * are skipped, the caret's line is on the last row. */
    Fake lots = {1, {"A", "B", "C", "D"}, 4, 0};
    editor_view_set_virtual(&v, fake_virt, &lots);
    v.top = 1;
    buffer_set_cursor(b, (TextPos){1, 0});
    Grid *small = grid_new(30, 4); /* 3 text rows */
    editor_view_draw(&v, small, (Rect){0, 0, 30, 4}, b, true);
    CHECK_STR_EQ(trimmed(row_text(small, 1)), "  + C");
    CHECK_STR_EQ(trimmed(row_text(small, 2)), "  + D");
    CHECK_STR_EQ(trimmed(row_text(small, 3)), "  2 l1");
    CHECK_INT_EQ(small->cursor_y, 3);
    grid_free(small);
    grid_free(g);
    editor_view_free(&v);
    session_free(s);
}

static void test_after_last_line_and_scrolled(void)
{
    Session *s = new_session();
    set_file(s, "a\nbcdefghijklmnopqrstuvwxyz0123456789\n");
    Buffer *b = session_buffer(s);
    Grid *g = grid_new(30, 6);
    EditorView v;
    editor_view_init(&v);
    size_t n = text_line_count(buffer_text(b)); /* after the last line */
    Fake f = {n, {"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, 1, 0};
    editor_view_set_virtual(&v, fake_virt, &f);
    editor_view_draw(&v, g, PANE, b, true);
    int vy = (int)n + 1;
    CHECK_STR_EQ(trimmed(row_text(g, vy)), "  + 0123456789ABCDEFGHIJKLMNOP");
    CHECK_STR_EQ(trimmed(row_text(g, vy + 1)), "");
    /* scrolled right with the caret: the virtual row moves with the text */
    buffer_set_cursor(b, (TextPos){1, 35});
    editor_view_draw(&v, g, PANE, b, true);
    CHECK(v.left > 0);
    CHECK_STR_EQ(trimmed(row_text(g, vy)), "  + ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    /* soft wrap: drawn too, one row */
    editor_view_set_wrap(&v, true);
    buffer_set_cursor(b, (TextPos){0, 0});
    editor_view_draw(&v, g, PANE, b, true);
    CHECK_STR_EQ(trimmed(row_text(g, 1)), "  1 a");
    CHECK_STR_EQ(trimmed(row_text(g, 3)), "    123456789"); /* line 2's second row */
    CHECK_STR_EQ(trimmed(row_text(g, vy + 1)), "  + 0123456789ABCDEFGHIJKLMNOP");
    grid_free(g);
    editor_view_free(&v);
    session_free(s);
}

int main(void)
{
    RUN(test_virtual_rows_drawn);
    RUN(test_after_last_line_and_scrolled);
    return harness_done();
}
