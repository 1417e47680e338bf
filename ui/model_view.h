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

#include "session/search.h"
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
/* Following a streaming answer in jumps (on) rather than with the tail on the bottom row
 * (off, the default): the pane keeps its top while rows arrive below, and when the text
 * reaches the bottom it jumps so that the last 8 rows stay on top. Each row is drawn about
 * once instead of the whole pane moving every frame (the terminal byte budget). */
void model_view_set_jumps(ModelView *v, bool on);
/* Long code lines: scroll sideways (one row each) or wrap between tokens with a continuation
 * mark (the default). */
void model_view_set_code_scroll(ModelView *v, bool scroll);
/* The terminal has bce: code rows are shaded to the full pane width (default off: only to
 * the text's end, so blank cells cost no bytes on terminals without bce). */
void model_view_set_code_bce(ModelView *v, bool bce);
bool model_view_code_scrolls(const ModelView *v);
/* Scrolls code lines sideways by cols (> 0: right); only while code scrolls. */
void model_view_hscroll(ModelView *v, int cols);
/* Answers' reasoning rows: the collapsed "thinking… N tokens" line, or the reasoning itself
 * (dimmed, above the answer). Returns whether it is now shown. */
bool model_view_toggle_reasoning(ModelView *v);

/* rows > 0 scrolls back, < 0 forward. Applied at the next draw (it needs the transcript). */
void model_view_scroll(ModelView *v, int rows);
void model_view_follow(ModelView *v);
bool model_view_following(const ModelView *v);
/* Rows below the bottom row shown while scrolled back (0 when following). */
size_t model_view_rows_below(const ModelView *v);

/* --- the caret (the pane has the focus: app/answer_ui.c) -------------------------------------
 *
 * While focused the pane has a caret row of its own, drawn highlighted, and a marked title.
 * Moves are applied at the next draw (they need the transcript), like scrolling; the view
 * follows the caret (a move off the pane scrolls it), while a scroll (wheel, Alt-Up) that
 * leaves the caret off the pane brings the caret onto its nearest row. Focusing puts the
 * caret on the bottom row shown. The caret is a source position (an entry and a byte), so it
 * stays on its text as the answer grows or the pane is resized. */
void model_view_set_focus(ModelView *v, bool focus);
bool model_view_focused(const ModelView *v);
/* rows > 0 moves the caret forward (down), < 0 back (up). */
void model_view_caret_move(ModelView *v, int rows);
/* A page: the view and the caret by rows (> 0 forward). */
void model_view_caret_page(ModelView *v, int rows);
void model_view_caret_top(ModelView *v);   /* the first row of the transcript */
void model_view_caret_tail(ModelView *v);  /* the last row, following the tail */
/* The caret onto the row holding byte off of entry's text (a search match). */
void model_view_caret_to(ModelView *v, size_t entry, size_t off);
/* The caret onto the row drawn at cell (x, y) (a click); false when no row is there. */
bool model_view_caret_at_cell(ModelView *v, int x, int y);
/* Where the caret is, as of the last draw: its entry and the byte its row starts at (an
 * entry's mark row: its text's length; a separator row: 0). False before the first focused
 * draw or when the transcript is empty. */
bool model_view_caret(const ModelView *v, size_t *entry, size_t *off);
/* Rows of text the body showed at the last draw (a page). */
size_t model_view_page_rows(const ModelView *v);

/* Search highlights: every visible match of s (borrowed; NULL: none) and the current one,
 * [cur_start, cur_end) of entry cur_entry (has_cur false: none). */
void model_view_set_search(ModelView *v, Search *s, bool has_cur, size_t cur_entry,
                           size_t cur_start, size_t cur_end);

/* The whole pane: a title row (model name and turn state) and the transcript below it
 * (a pane of one row shows only the transcript). */
void model_view_draw(ModelView *v, Grid *g, Rect r, const Session *s);
/* Just the transcript, into r (tests and the pane above use it). */
void model_view_draw_body(ModelView *v, Grid *g, Rect r, const Transcript *t);
/* The title row: "model-name  streaming" / "interrupted" / "done". for_link: a
 * WAITING turn waits for the connection, not for a rate limit (session_waiting_for_link). */
void model_view_draw_title(Grid *g, Rect r, const char *model, TurnState turn,
                           bool for_link);

#endif
