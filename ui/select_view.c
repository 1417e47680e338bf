/* SelectView: one span per visible line that the selection touches: from the selection's
 * start column (its first line) or 0, to its end column (its last line) or EDITOR_SPAN_EOL
 * (the line break is selected too). An empty selection draws nothing: the caret shows it. */
#include "ui/select_view.h"

#include "themes/theme.h"

void select_view_attach(EditorView *ev) { editor_view_add_decor(ev, select_view_decor, NULL, false); }

void select_view_decor(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                       EditorSpans *out)
{
    (void)ud;
    (void)s;
    TextPos from, to;
    if (!buffer_selection(b, &from, &to) || line < from.line || line > to.line)
        return;
    size_t start = line == from.line ? from.col : 0;
    size_t end = line == to.line ? to.col : EDITOR_SPAN_EOL;
    if (start > len)
        start = len;
    if (end != EDITOR_SPAN_EOL && end <= start)
        return;
    editor_spans_add(out, start, end, STYLE_SELECTION);
}
