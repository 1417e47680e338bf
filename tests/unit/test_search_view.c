/* ui/search_view: the search's decoration layer over a real EditorView at 30 columns: every
 * match in STYLE_MATCH ('M'), the current one in STYLE_MATCH_CURRENT ('K'), empty matches
 * and other buffers left alone; and the theme slots' names. */
#include <stdlib.h>
#include <string.h>

#include "session/buffer.h"
#include "session/search.h"
#include "themes/theme.h"
#include "ui/editor_view.h"
#include "ui/grid.h"
#include "ui/search_view.h"
#include "harness.h"
#include "support/buffer_support.h"
#include "support/views_support.h"

static void test_matches_drawn(void)
{
    Buffer *b = buffer_with("foo bar foo\n\tfoo\x01" "foo\nnone\n");
    Buffer *other = buffer_with("foo\n");
    Search *s = search_new();
    CHECK(search_set_pattern(s, "fo+", 3, SEARCH_REGEX, NULL));
    Grid *g = grid_new(30, 5);
    EditorView v;
    editor_view_init(&v);
    SearchView sv;
    search_view_init(&sv);
    search_view_attach(&sv, &v);
    search_view_set(&sv, s, b);
    SearchResult cur;
    CHECK_INT_EQ(search_find(s, buffer_text(b), (TextPos){0, 1}, SEARCH_FORWARD, &cur),
                 SEARCH_FOUND);
    search_view_set_current(&sv, &cur);
    editor_view_draw(&v, g, (Rect){0, 0, 30, 5}, b, false);
    /* gutter "  1 ": text from x = 4 */
    CHECK_STR_EQ(row_styles(g, 1, 4, 16), "MMMTTTTTKKKT");
    CHECK_STR_EQ(row_styles(g, 2, 4, 16), "TTTTMMMCCMMM"); /* tab (4), foo, ^A, foo */
    CHECK_STR_EQ(row_styles(g, 3, 4, 9), "TTTTT");
    /* another pattern, no current match */
    CHECK(search_set_pattern(s, "^|o", 3, SEARCH_REGEX, NULL));
    search_view_set_current(&sv, NULL);
    editor_view_draw(&v, g, (Rect){0, 0, 30, 5}, b, false);
    CHECK_STR_EQ(row_styles(g, 1, 4, 16), "TMMTTTTTTMMT");
    CHECK_STR_EQ(row_styles(g, 3, 4, 9), "TMTTT");
    /* another buffer in the view gets nothing; neither does a closed search */
    editor_view_draw(&v, g, (Rect){0, 0, 30, 5}, other, false);
    CHECK_STR_EQ(row_styles(g, 1, 4, 8), "TTTT");
    search_view_set(&sv, NULL, NULL);
    editor_view_draw(&v, g, (Rect){0, 0, 30, 5}, b, false);
    CHECK_STR_EQ(row_styles(g, 1, 4, 16), "TTTTTTTTTTTT");
    editor_view_free(&v);
    grid_free(g);
    search_free(s);
    buffer_free(b);
    buffer_free(other);
}

static void test_theme_slots(void)
{
    CHECK_STR_EQ(theme_slot_name(STYLE_MATCH), "match");
    CHECK_STR_EQ(theme_slot_name(STYLE_MATCH_CURRENT), "match-current");
    Theme t;
    theme_default(&t);
    ErrorBuf err = {{0}};
    const char *txt = "match = fg:red bg:blue\nmatch-current = reverse\n";
    CHECK(theme_parse(&t, txt, strlen(txt), "x.theme", &err));
    CHECK(t.slot[STYLE_MATCH].bg.kind == COLOR_ANSI16 && t.slot[STYLE_MATCH].bg.index == 4);
    CHECK_INT_EQ(t.slot[STYLE_MATCH_CURRENT].attrs, ATTR_REVERSE);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-test-search-view-XXXXXX"))
        return 1;
    RUN(test_matches_drawn);
    RUN(test_theme_slots);
    tmpdir_remove();
    return harness_done();
}
