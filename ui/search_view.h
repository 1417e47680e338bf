/* SearchView: the search's decoration layer for the editor pane. Every match of the Search on
 * a visible line is drawn in STYLE_MATCH, and the current one (where Find put the caret) in
 * STYLE_MATCH_CURRENT; empty matches (regex `^`) draw nothing (the caret shows where).
 *
 * Cost: one PCRE2 walk per visible line per frame (a few microseconds a line with JIT); at
 * most SEARCH_VIEW_MAX_SPANS matches of one line are drawn (further ones, far right in a very
 * long line, are not highlighted).
 *
 * Ownership: the Search and the Buffer are borrowed and must outlive their use here; the UI
 * clears them (search_view_set) before freeing either. No errors. */
#ifndef FLINT_UI_SEARCH_VIEW_H
#define FLINT_UI_SEARCH_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "session/buffer.h"
#include "session/search.h"
#include "ui/editor_view.h"

#define SEARCH_VIEW_MAX_SPANS 1024

typedef struct SearchView {
    Search *search;         /* NULL: nothing is highlighted */
    const Buffer *buffer;   /* the buffer searched: other buffers shown get no spans */
    bool has_current;
    SearchResult current;
    SearchSpan scratch[SEARCH_VIEW_MAX_SPANS];
} SearchView;

void search_view_init(SearchView *sv);
/* Adds the layer to the editor view (on top of the layers added before it: syntax). */
void search_view_attach(SearchView *sv, EditorView *ev);
/* Highlights the matches of s in b (s NULL: none, e.g. when the search prompt closes). */
void search_view_set(SearchView *sv, Search *s, const Buffer *b);
/* The current match (NULL: none). */
void search_view_set_current(SearchView *sv, const SearchResult *cur);
/* The EditorDecorFn itself (ud is the SearchView). */
void search_view_decor(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                       EditorSpans *out);

#endif
