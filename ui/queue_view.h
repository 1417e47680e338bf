/* QueueView: the questions queued behind the streaming answer (session/ask_queue.h), drawn in
 * the model pane's last rows: a title row ("queued 2 · Alt-Backspace drops the last", or
 * "paused" after a turn that did not complete) and the first items, one row each (a text's
 * first line, cut at the pane's width; "+N more" when they do not all fit).
 * Pure drawing: no state of its own; the Ui gives it a rect. Errors: none. */
#ifndef FLINT_UI_QUEUE_VIEW_H
#define FLINT_UI_QUEUE_VIEW_H

#include "session/ask_queue.h"
#include "ui/grid.h"
#include "ui/layout.h"

/* Items shown at most (then "+N more"). */
#define QUEUE_VIEW_MAX_ITEMS 3

/* Rows the view takes out of a model pane pane_rows high: 0 for an empty queue (or NULL),
 * else the title and up to QUEUE_VIEW_MAX_ITEMS items, never more than half the pane. */
int queue_view_rows(const AskQueue *q, int pane_rows);
void queue_view_draw(const AskQueue *q, Grid *g, Rect r);

#endif
