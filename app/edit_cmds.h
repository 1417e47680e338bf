/* Edit commands of issue 7 (selection, clipboard, line and word edits, mouse toggle): the
 * handlers the command table (app/commands.c) names in its "selection and editing" block.
 * Kept apart from commands.c so that the table stays a list and the handlers that need the
 * clipboard and the terminal live together. All work in the editor only. */
#ifndef FLINT_APP_EDIT_CMDS_H
#define FLINT_APP_EDIT_CMDS_H

#include <stddef.h>

#include "ui/key.h"

typedef struct App App;

/* Puts s[0, n) in the clipboard and, on its route, the terminal's (OSC 52); says so in the
 * status line: "Copied WHAT123 bytes." (what: "" or e.g. "the code block, "). */
void edit_copy_text(App *a, const char *s, size_t n, const char *what);

void cmd_select_left(App *a, const KeyEvent *k);
void cmd_select_right(App *a, const KeyEvent *k);
void cmd_select_up(App *a, const KeyEvent *k);
void cmd_select_down(App *a, const KeyEvent *k);
void cmd_select_word_left(App *a, const KeyEvent *k);
void cmd_select_word_right(App *a, const KeyEvent *k);
void cmd_select_home(App *a, const KeyEvent *k);
void cmd_select_end(App *a, const KeyEvent *k);
void cmd_select_page_up(App *a, const KeyEvent *k);
void cmd_select_page_down(App *a, const KeyEvent *k);
void cmd_select_top(App *a, const KeyEvent *k);
void cmd_select_bottom(App *a, const KeyEvent *k);
void cmd_select_all(App *a, const KeyEvent *k);
/* With no selection, copy does what "interrupt" does (Ctrl-C stops a streaming answer). */
void cmd_copy(App *a, const KeyEvent *k);
void cmd_cut(App *a, const KeyEvent *k);
void cmd_paste(App *a, const KeyEvent *k);
void cmd_unindent(App *a, const KeyEvent *k);
void cmd_delete_word_left(App *a, const KeyEvent *k);
void cmd_delete_word_right(App *a, const KeyEvent *k);
void cmd_move_line_up(App *a, const KeyEvent *k);
void cmd_move_line_down(App *a, const KeyEvent *k);
void cmd_duplicate_line(App *a, const KeyEvent *k);
void cmd_toggle_comment(App *a, const KeyEvent *k);
void cmd_toggle_mouse(App *a, const KeyEvent *k);
void cmd_toggle_wrap(App *a, const KeyEvent *k);

#endif
