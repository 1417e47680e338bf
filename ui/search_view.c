/* SearchView: adapts search_line_matches to EditorSpans. State is only what to draw (the
 * Search, its Buffer, the current match); the spans are recomputed per visible line and frame,
 * so an edit or a new pattern needs no invalidation here. The current match is added after
 * the others so it wins where a forward find's match overlaps one of the line's sequence. */
#include "ui/search_view.h"

#include <string.h>

#include "themes/theme.h"

void search_view_init(SearchView *sv)
{
    sv->search = NULL;
    sv->buffer = NULL;
    sv->has_current = false;
}

void search_view_attach(SearchView *sv, EditorView *ev)
{
    /* keep_control false: a match covering an escaped byte (^@, <ff>) shows as a match. */
    editor_view_add_decor(ev, search_view_decor, sv, false);
}

void search_view_set(SearchView *sv, Search *s, const Buffer *b)
{
    sv->search = s;
    sv->buffer = b;
    if (!s)
        sv->has_current = false;
}

void search_view_set_current(SearchView *sv, const SearchResult *cur)
{
    sv->has_current = cur != NULL;
    if (cur)
        sv->current = *cur;
}

void search_view_decor(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                       EditorSpans *out)
{
    SearchView *sv = ud;
    if (!sv->search || b != sv->buffer || !search_has_pattern(sv->search))
        return;
    size_t n = search_line_matches(sv->search, s, len, sv->scratch, SEARCH_VIEW_MAX_SPANS);
    for (size_t i = 0; i < n; i++)
        if (sv->scratch[i].start < sv->scratch[i].end)
            editor_spans_add(out, sv->scratch[i].start, sv->scratch[i].end, STYLE_MATCH);
    const SearchResult *c = &sv->current;
    if (sv->has_current && c->start.line == line && c->start.col < c->end.col && c->end.col <= len)
        editor_spans_add(out, c->start.col, c->end.col, STYLE_MATCH_CURRENT);
}
