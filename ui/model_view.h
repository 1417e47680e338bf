/* ModelView: the model pane. Shows the Transcript soft-wrapped to the pane width, following
 * the tail, or anchored where the user scrolled back to.
 *
 * Cost per frame is O(pane size), not O(transcript): the pane is composed from the END
 * backwards, wrapping only the logical lines that are visible. The view keeps no wrapped copy
 * of the transcript, only small caches keyed by position (fence state per entry, the row
 * breaks of a few very long lines), so a resize re-wraps from the source text: nothing is
 * duplicated or lost. See model_view.c for the invariants.
 *
 * Ownership: the view owns its caches; it reads the Transcript and never keeps pointers into
 * it across frames except the Transcript's identity (a different Transcript resets the view). */
#ifndef FLINT_UI_MODEL_VIEW_H
#define FLINT_UI_MODEL_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "session/session.h"
#include "session/transcript.h"
#include "ui/grid.h"
#include "ui/layout.h"
#include "ui/syntax_view.h"

typedef struct ModelView ModelView;

ModelView *model_view_new(void);
void model_view_free(ModelView *v);  /* accepts NULL */
/* Code blocks with a known fence tag are coloured through sv (borrowed; NULL: plain). */
void model_view_set_syntax(ModelView *v, SyntaxView *sv);

/* rows > 0 scrolls back, < 0 forward. Applied at the next draw (it needs the transcript). */
void model_view_scroll(ModelView *v, int rows);
void model_view_follow(ModelView *v);
bool model_view_following(const ModelView *v);
/* Rows below the bottom row shown while scrolled back (0 when following). */
size_t model_view_rows_below(const ModelView *v);

/* The whole pane: a title row (model name and turn state) and the transcript below it
 * (a pane of one row shows only the transcript). */
void model_view_draw(ModelView *v, Grid *g, Rect r, const Session *s);
/* Just the transcript, into r (tests and the pane above use it). */
void model_view_draw_body(ModelView *v, Grid *g, Rect r, const Transcript *t);
/* The title row: "model-name  streaming 1234 tok/s" / "interrupted" / "done". for_link: a
 * WAITING turn waits for the connection, not for a rate limit (session_waiting_for_link). */
void model_view_draw_title(Grid *g, Rect r, const char *model, TurnState turn,
                           bool for_link, const SessionStats *stats);

#endif
