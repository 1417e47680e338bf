/* AnswerUi: using the answer (issue 8 item 10). The answer pane takes the focus (Alt-A, F6,
 * a click) and then has a caret of its own (MODE_ANSWER, key table KEYS_ANSWER): Up/Down move
 * it a row, PgUp/PgDn a page, Home/End to the top / the tail (which it then follows); Ctrl-F
 * searches the transcript incrementally (MODE_ANSWER_SEARCH: the search prompt's keys, F3 /
 * Shift-F3, Alt-R / Alt-C) with every visible match highlighted; y copies the answer under
 * the caret, c (or Enter) the fenced code block under it without its fences (Tab /
 * Shift-Tab put the caret on the next / previous block), i inserts that
 * block into the editor at its caret or over its selection as one undo step; e (Alt-E in the
 * editor) exports the conversation to Markdown through a prompt prefilled with
 * flint-conversation-YYYYMMDD-HHMM.md (MODE_EXPORT). Esc or the focus key gives the keys back
 * to the editor; any other key the pane does not bind goes back to the editor and acts there,
 * except typed characters, which only say what the pane's keys are.
 *
 * From the editor: Alt-Y copies the last answer, Alt-I inserts the last answer's last code
 * block, Alt-E exports.
 *
 * Copies go through the editor's clipboard (internal, Ctrl-V pastes it, and OSC 52:
 * edit_copy_text). Ownership: App.answer_ui is created by answer_ui_new and freed by
 * answer_ui_free (before the Ui). Errors: told in the status line. */
#ifndef FLINT_APP_ANSWER_UI_H
#define FLINT_APP_ANSWER_UI_H

#include <stdbool.h>

#include "app/mode.h"
#include "ui/key.h"

typedef struct App App;
typedef struct AnswerUi AnswerUi;

AnswerUi *answer_ui_new(void);
void answer_ui_free(AnswerUi *au); /* accepts NULL */

/* MODE_ANSWER_SEARCH or MODE_EXPORT: the prompts this file answers (submit, cancel). */
bool answer_ui_prompt(AppMode m);
/* Before the key tables: in MODE_ANSWER a key the pane does not bind (bound: KEYS_ANSWER
 * has a command for it that works there) hands the focus back (false: the editor's table
 * then has it) or, typed, is answered with a hint (true). */
bool answer_ui_key(App *a, const KeyEvent *k, bool bound);
/* After every key: the incremental search follows the prompt's text; the pane's focus
 * follows the mode. */
void answer_ui_after_key(App *a);
/* Focus on or off (a click in either pane). */
void answer_ui_focus(App *a, bool on);
void answer_ui_submit(App *a);
void answer_ui_cancel(App *a);
/* F3 / Shift-F3, Alt-R / Alt-C in the answer's search prompt. */
void answer_ui_search_next(App *a, bool forward);
void answer_ui_toggle(App *a, unsigned flag);

/* The commands (app/commands.c's table names them). */
void answer_ui_cmd_focus(App *a, const KeyEvent *k);
void answer_ui_cmd_leave(App *a, const KeyEvent *k);
void answer_ui_cmd_up(App *a, const KeyEvent *k);
void answer_ui_cmd_down(App *a, const KeyEvent *k);
void answer_ui_cmd_page_up(App *a, const KeyEvent *k);
void answer_ui_cmd_page_down(App *a, const KeyEvent *k);
void answer_ui_cmd_top(App *a, const KeyEvent *k);
void answer_ui_cmd_end(App *a, const KeyEvent *k);
/* Long code lines: toggle scrolling sideways / wrapping with a mark; scroll them sideways. */
void answer_ui_cmd_code_wrap(App *a, const KeyEvent *k);
void answer_ui_cmd_code_left(App *a, const KeyEvent *k);
void answer_ui_cmd_code_right(App *a, const KeyEvent *k);
void answer_ui_cmd_search(App *a, const KeyEvent *k);
void answer_ui_cmd_search_next(App *a, const KeyEvent *k);
void answer_ui_cmd_search_prev(App *a, const KeyEvent *k);
void answer_ui_cmd_block_next(App *a, const KeyEvent *k);
void answer_ui_cmd_block_prev(App *a, const KeyEvent *k);
void answer_ui_cmd_copy(App *a, const KeyEvent *k);
void answer_ui_cmd_copy_block(App *a, const KeyEvent *k);
void answer_ui_cmd_insert_block(App *a, const KeyEvent *k);
void answer_ui_cmd_export(App *a, const KeyEvent *k);

#endif
