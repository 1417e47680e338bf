/* SelectView: the selection's decoration layer for the editor pane. The Buffer's selection
 * (session/buffer.h) is drawn in STYLE_SELECTION over everything under it (the layer is
 * added with keep_control = false, so escaped control characters are covered too), and a
 * selected line break shows as one cell past the line's end (EDITOR_SPAN_EOL). Stateless:
 * it reads the selection from the Buffer being drawn. Cost: O(1) per visible line. */
#ifndef FLINT_UI_SELECT_VIEW_H
#define FLINT_UI_SELECT_VIEW_H

#include <stddef.h>

#include "session/buffer.h"
#include "ui/editor_view.h"

/* Adds the layer on top of the view's layers so far (ui_new adds it last but one: search
 * matches stay visible inside a selection only where they are drawn later). */
void select_view_attach(EditorView *ev);
/* The EditorDecorFn itself (ud unused). */
void select_view_decor(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                       EditorSpans *out);

#endif
