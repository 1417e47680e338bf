/* Hunks in the app: the model's proposed edits, from the streaming answer to the user's
 * decision.
 *
 *   - hunks_app_feed (one call from app_take_session_damage) hands the answer text that
 *     arrived since the last call to a HunkParser (session/hunk_parse.h); each hunk it
 *     completes is placed at once (session/hunks.h) in the buffer its path names: an open
 *     buffer, else the file opened into a new buffer (not made current), a new empty buffer
 *     for "*** Add File"; no path: the current buffer; a file to update that does not exist:
 *     the current buffer when it is unnamed (the context showed it as "not saved yet"), else
 *     a stale hunk. Paths outside the working directory (absolute, or with "..") are refused
 *     unless that file is already open.
 *   - the editor shows pending hunks inline: removed lines in "diff-remove", added lines as
 *     virtual lines in "diff-add" (ui/editor_view.h), a stale hunk's region in "hunk-stale"
 *     with its reason above it;
 *     and, in the review, a "@@ hunk 1/2: y accept ..." row above the hunk under review;
 *   - the status line says "N hunks pending (Ctrl-R review)"; Ctrl-R enters MODE_REVIEW
 *     (keys KEYS_REVIEW): y accept, n reject, a accept all, r reject all, Up/Down and
 *     Tab/Shift-Tab move between hunks (switching buffers and scrolling to each), Esc leaves;
 *     the mode ends by itself when nothing is pending. Each accept is one undo step.
 *
 * Ownership: the App owns one HunksApp (a->hunks), made by hunks_app_init after the Ui and
 * freed by hunks_app_free before the Session. Errors: none; what cannot be placed is a stale
 * hunk with its reason. */
#ifndef FLINT_APP_HUNKS_APP_H
#define FLINT_APP_HUNKS_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/key.h"
#include "core/strbuf.h"
#include "session/hunks.h"

typedef struct App App;
typedef struct Buffer Buffer;

void hunks_app_init(App *a);   /* after the Ui exists (it adds the editor's layers) */
void hunks_app_free(App *a);   /* before the Session and the Ui */

/* New answer text since the last call: parse it, place completed hunks. Cheap when the
 * transcript did not change (a generation compare). */
void hunks_app_feed(App *a);
/* b is about to be freed (closed, or the start-up placeholder replaced). */
void hunks_app_forget_buffer(App *a, Buffer *b);
/* The status line's text about hunks ("2 hunks pending (Ctrl-R review)", or in the review
 * the current hunk and the keys) into out; false when there is nothing to say. Re-checks
 * edited regions first (stale hunks), so call it before each frame is drawn. */
bool hunks_app_status(App *a, char *out, size_t size);

/* For the next request: one line per decided hunk ("hunk 2 in src/x.c: accepted",
 * "...: rejected", "...: stale: REASON"), then those are forgotten. False when none. */
bool hunks_app_take_report(App *a, StrBuf *out);
/* The report, as notes for the next question (session_add_model_note, one per line). */
void hunks_app_tell_model(App *a);
/* The hunks for reading (a journal): hunks_count / hunks_info / hunks_generation. */
const HunkSet *hunks_app_set(const App *a);

/* Commands (app/commands.c's table). */
void hunks_cmd_review(App *a, const KeyEvent *k);
void hunks_cmd_accept(App *a, const KeyEvent *k);
void hunks_cmd_reject(App *a, const KeyEvent *k);
void hunks_cmd_accept_all(App *a, const KeyEvent *k);
void hunks_cmd_reject_all(App *a, const KeyEvent *k);
void hunks_cmd_next(App *a, const KeyEvent *k);
void hunks_cmd_prev(App *a, const KeyEvent *k);
void hunks_cmd_leave(App *a, const KeyEvent *k);

#endif
