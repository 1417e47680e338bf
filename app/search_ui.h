/* SearchUi: the user's side of search and replace (issue 7 item 3) over the engine in
 * session/search.h and session/goto_line.h, with the matches drawn by ui/search_view.h.
 *
 *   Ctrl-F     incremental search: as the pattern is typed the caret (and so the view) jumps
 *              to the first match at or after where the search started, every visible match
 *              is highlighted and the label counts them: "Search [regex, case] 3/17: ".
 *              Alt-R toggles regex (literal by default), Alt-C case (ignored by default, as in
 *              nano). Enter keeps the caret on the match; Esc puts it back where it was.
 *              An invalid regex shows PCRE2's message with its offset at the right end of
 *              the prompt, and nothing is highlighted until the pattern is valid again.
 *   F3 / Shift-F3   the next / previous match (in the prompt, and in the editor afterwards
 *              with the last pattern); passing the end says "Search wrapped ...".
 *   Ctrl-\     replace: the pattern (prefilled with the last one, incremental like Ctrl-F),
 *              then the replacement ($1, \1, ${name} in regex mode), then per match
 *              "Replace? (y)es (n)o (a)ll (Esc) stop" with the match highlighted as the
 *              current one. The walk goes from the caret to the end, wraps, and stops where
 *              it started. `a` replaces this match and every later one as one undo step.
 *   Alt-G      go to a line: 120, 120:5, +10, -10 (session/goto_line.h); a bad entry says
 *              why and the prompt stays open.
 *
 * Highlight (hlsearch): after Enter the matches stay highlighted until the buffer changes,
 * or Esc in the editor; F3 brings them back.
 *
 * Slices: a find or a count never runs to the end in one go. search_ui_step runs them for a
 * few milliseconds per frame (app/screen.c calls it before each frame and asks for another
 * frame while search_ui_busy); keys are handled between frames, so typing never waits behind
 * a search of a large file. When nothing is left to do nothing stays armed.
 *
 * Commands: the search_ui_cmd_* functions are the command table's handlers
 * (app/commands.c); submit, cancel and quit hand the search modes to search_ui_submit /
 * search_ui_cancel. Ownership: the App owns the SearchUi (search_ui_new / search_ui_free,
 * before the Ui, whose editor view borrows the highlight layer). No errors: failures are
 * messages for the user. */
#ifndef FLINT_APP_SEARCH_UI_H
#define FLINT_APP_SEARCH_UI_H

#include <stdbool.h>

#include "app/mode.h"
#include "session/search.h"
#include "ui/key.h"
#include "ui/ui.h"

typedef struct App App;
typedef struct SearchUi SearchUi;

/* Attaches the highlight layer to ui's editor view. */
SearchUi *search_ui_new(Ui *ui);
void search_ui_free(SearchUi *su); /* accepts NULL */

/* The modes this file handles (MODE_SEARCH ... MODE_GOTO). */
bool search_ui_mode(AppMode m);

/* Handlers for the command table. */
void search_ui_cmd_search(App *a, const KeyEvent *k);      /* Ctrl-F */
void search_ui_cmd_next(App *a, const KeyEvent *k);        /* F3 */
void search_ui_cmd_prev(App *a, const KeyEvent *k);        /* Shift-F3 */
void search_ui_cmd_regex(App *a, const KeyEvent *k);       /* Alt-R in the prompt */
void search_ui_cmd_case(App *a, const KeyEvent *k);        /* Alt-C in the prompt */
void search_ui_cmd_replace(App *a, const KeyEvent *k);     /* Ctrl-\ */
void search_ui_cmd_goto(App *a, const KeyEvent *k);        /* Alt-G */
void search_ui_cmd_replace_yes(App *a, const KeyEvent *k); /* y */
void search_ui_cmd_replace_no(App *a, const KeyEvent *k);  /* n */
void search_ui_cmd_replace_all(App *a, const KeyEvent *k); /* a */

/* Enter / Esc in one of search_ui_mode's modes. */
void search_ui_submit(App *a);
void search_ui_cancel(App *a);
/* After every key (app_key): follows the prompt's text (incremental search) and ends the
 * highlight once the buffer has changed. */
void search_ui_after_key(App *a);
/* One slice of the find and count in progress (a few ms); true while work remains. */
bool search_ui_step(App *a);
bool search_ui_busy(const App *a);
/* Esc in the editor: the highlight goes (hlsearch's :noh). */
void search_ui_clear_highlight(App *a);

/* For tests: the engine and the current match. */
Search *search_ui_search(SearchUi *su);
bool search_ui_current(const SearchUi *su, SearchResult *out);

#endif
