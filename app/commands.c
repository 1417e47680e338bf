/* Commands: the table and its handlers.
 *
 * Data structure: commands[] is a constant array, the order help lists them in; names are
 * unique (tests/unit/test_commands.c checks it, and that every mode bit is a real mode). A
 * command that works in several modes has one handler that looks at a->mode: "left" moves
 * the buffer's cursor in the editor and the prompt's in a prompt.
 *
 * Invariants the handlers keep (app/state.h): the prompt is open exactly in MODE_ASK and
 * MODE_SAVE_AS; leaving a prompt or the quit question clears quit_after_save unless a save
 * that can still quit is under way (a Save As opened by "yes"). */
#include "app/commands.h"

#include <stdlib.h>
#include <string.h>

#include "app/answer_ui.h"
#include "app/buffers.h"
#include "app/context_app.h"
#include "app/edit_cmds.h"
#include "app/journal_app.h"
#include "app/model_pick.h"
#include "app/layout_app.h"
#include "app/hunks_app.h"
#include "app/paste.h"
#include "app/prompt_editor.h"
#include "app/questions.h"
#include "app/saving.h"
#include "app/screen.h"
#include "app/search_ui.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "app/theme_app.h"
#include "core/utf8.h"
#include "core/xalloc.h"

/* --- editing: the buffer in the editor, the line in a prompt ---------------------------- */

static size_t page_rows(App *a) { return ui_editor_rows(a->ui); }

static void move_or_edit(App *a, BufferMove bm, int prompt_op)
{
    if (a->mode == MODE_EDIT)
        buffer_move(session_buffer(a->session), bm, page_rows(a));
    else if (prompt_op >= 0)
        ui_prompt_edit(a->ui, (PromptEdit)prompt_op);
}

static void cmd_left(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_LEFT, PROMPT_LEFT); }
static void cmd_right(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_RIGHT, PROMPT_RIGHT); }
static void cmd_up(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_UP, -1); }
static void cmd_down(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_DOWN, -1); }
static void cmd_word_left(App *a, const KeyEvent *k)
{
    move_or_edit(a, BUFFER_WORD_LEFT, PROMPT_WORD_LEFT);
}
static void cmd_word_right(App *a, const KeyEvent *k)
{
    move_or_edit(a, BUFFER_WORD_RIGHT, PROMPT_WORD_RIGHT);
}
static void cmd_home(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_HOME, PROMPT_HOME); }
static void cmd_end(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_END, PROMPT_END); }
static void cmd_page_up(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_PAGE_UP, -1); }
static void cmd_page_down(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_PAGE_DOWN, -1); }
static void cmd_top(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_TOP, -1); }
static void cmd_bottom(App *a, const KeyEvent *k) { move_or_edit(a, BUFFER_BOTTOM, -1); }

static void cmd_backspace(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT)
        buffer_backspace(session_buffer(a->session));
    else
        ui_prompt_edit(a->ui, PROMPT_BACKSPACE);
}

static void cmd_delete(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT)
        buffer_delete(session_buffer(a->session));
    else
        ui_prompt_edit(a->ui, PROMPT_DELETE);
}

static void cmd_newline(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT)
        buffer_newline(session_buffer(a->session));
    else
        ui_prompt_edit(a->ui, PROMPT_NEWLINE); /* the ask prompt: a line break; others: none */
}
static void cmd_tab(App *a, const KeyEvent *k) { buffer_tab(session_buffer(a->session)); }

static void cmd_undo(App *a, const KeyEvent *k)
{
    if (!buffer_undo(session_buffer(a->session)))
        app_say(a, false, "Nothing to undo.");
}

static void cmd_redo(App *a, const KeyEvent *k)
{
    if (!buffer_redo(session_buffer(a->session)))
        app_say(a, false, "Nothing to redo.");
}

/* The history is the questions' (and Save As names'): not patterns or line numbers. */
static void cmd_history_prev(App *a, const KeyEvent *k)
{
    if (!search_ui_mode(a->mode) && a->mode != MODE_ANSWER_SEARCH)
        ui_prompt_edit(a->ui, PROMPT_UP); /* multi-line: the row above, then the history */
}
static void cmd_history_next(App *a, const KeyEvent *k)
{
    if (!search_ui_mode(a->mode) && a->mode != MODE_ANSWER_SEARCH)
        ui_prompt_edit(a->ui, PROMPT_DOWN);
}

/* --- the model ---------------------------------------------------------------------------- */

static void cmd_ask(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ASK)
        return; /* already open (while an answer streams it steers and queues) */
    a->mode = MODE_ASK;
    ui_prompt_open_opts(a->ui, session_busy(a->session) ? "Steer (Tab: queue): " : "Ask: ",
                        PROMPT_MULTILINE);
}

/* Ctrl-X in the ask prompt: the first key of Ctrl-X Ctrl-E (app.c's app_chord_key). */
static void cmd_editor_prefix(App *a, const KeyEvent *k)
{
    if (a->mode != MODE_ASK)
        return;
    a->chord_ctrl_x = true;
    app_say(a, false, "Ctrl-X- (Ctrl-E: edit the question in %s)", prompt_editor_command());
}

/* Alt-Backspace in a prompt: on an empty ask prompt drops the last queued question, else
 * deletes the word before the cursor. */
static void cmd_queue_drop(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ASK && ui_prompt_text(a->ui)[0] == '\0' && app_queue_drop_last(a))
        return;
    ui_prompt_edit(a->ui, PROMPT_DELETE_WORD_LEFT);
}

static void cmd_interrupt(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT && k && k->code == KC_ESC)
        search_ui_clear_highlight(a); /* Esc also ends the search highlight (:noh) */
    if (a->mode != MODE_EDIT || session_busy(a->session) || session_waiting(a->session))
        app_interrupt(a); /* does nothing when nothing runs or waits */
    else if (k && k->code == KC_CHAR && k->cp == 'c')
        app_say(a, false, "Nothing to stop. Ctrl-Q quits.");
}

static void cmd_retry(App *a, const KeyEvent *k) { app_retry(a); }

static int half_page(App *a)
{
    size_t page = page_rows(a);
    return (int)(page / 2 ? page / 2 : 1);
}

static void cmd_model_scroll_up(App *a, const KeyEvent *k) { ui_model_scroll(a->ui, half_page(a)); }
static void cmd_model_scroll_down(App *a, const KeyEvent *k) { ui_model_scroll(a->ui, -half_page(a)); }
static void cmd_model_follow(App *a, const KeyEvent *k) { ui_model_follow(a->ui); }

/* --- prompts ------------------------------------------------------------------------------ */

static void close_prompt(App *a)
{
    ui_prompt_close(a->ui);
    a->mode = MODE_EDIT;
}

static void cmd_submit(App *a, const KeyEvent *k)
{
    if (answer_ui_prompt(a->mode)) { /* the answer's search, the export (app/answer_ui.c) */
        answer_ui_submit(a);
        return;
    }
    if (search_ui_mode(a->mode)) {
        search_ui_submit(a);
        return;
    }
    char *text = xstrdup(ui_prompt_text(a->ui));
    AppMode mode = a->mode;
    ui_prompt_commit(a->ui);
    a->mode = MODE_EDIT;
    ui_list_hide(a->ui); /* completions */
    bool empty = strspn(text, " \n\t") == strlen(text);
    if (mode == MODE_ASK && session_busy(a->session))
        app_steer(a, text); /* Codex's Enter: steer the running answer */
    else if (mode == MODE_ASK && empty)
        app_queue_resume(a); /* a paused queue goes on */
    else if (mode == MODE_ASK)
        app_ask(a, text);
    else if (mode == MODE_OPEN && a->open_for_context)
        context_app_add_typed(a, text);
    else if (mode == MODE_OPEN)
        buffers_open_typed(a, text);
    else if (app_save_as(a, text) && a->close_after_save)
        buffers_close_saved(a);
    if (mode == MODE_ASK)
        app_prompt_stay(a); /* typing goes on to the prompt while the answer streams */
    if (a->mode != MODE_SAVE_AS) /* saving all to quit may have opened the next Save As */
        a->quit_after_save = false;
    free(text);
}

/* Leaving the quit question: whatever the answer, the editor has the keys again. */
static void leave_confirm(App *a)
{
    a->mode = MODE_EDIT;
    a->message[0] = '\0';
    a->quit_after_save = false;
}

static void cmd_cancel(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ASK && (session_busy(a->session) || session_waiting(a->session))) {
        app_interrupt(a); /* Esc stops the answer first; the prompt and its text stay */
        return;
    }
    if (model_pick_cancel(a) || journal_app_list_cancel(a) || buffers_cancel(a))
        return;
    if (answer_ui_prompt(a->mode)) {
        answer_ui_cancel(a);
        return;
    }
    ui_list_hide(a->ui); /* completions */
    if (a->close_after_save && a->mode == MODE_SAVE_AS)
        a->close_after_save = false;
    if (a->mode == MODE_CONFIRM_QUIT) {
        leave_confirm(a);
        app_say(a, false, "Quit cancelled.");
        return;
    }
    if (search_ui_mode(a->mode)) {
        search_ui_cancel(a);
        return;
    }
    close_prompt(a);
    a->quit_after_save = false;
}

static void cmd_yes(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_CONFIRM_CLOSE) {
        buffers_close_answer(a, true);
        return;
    }
    leave_confirm(a);
    app_save_all_and_quit(a);
}

static void cmd_no(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_CONFIRM_CLOSE) {
        buffers_close_answer(a, false);
        return;
    }
    leave_confirm(a);
    app_quit(a);
}

/* --- files and the rest ------------------------------------------------------------------- */

static void cmd_save(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT) {
        app_save(a);
        return;
    }
    /* In the Save As a read-only file offered: save it anyway, under its own name. */
    if (!buffer_path(session_buffer(a->session)))
        return;
    close_prompt(a);
    if (app_save(a) && a->quit_after_save)
        app_save_all_and_quit(a);
    if (a->mode != MODE_SAVE_AS)
        a->quit_after_save = false;
}

static void cmd_quit(App *a, const KeyEvent *k)
{
    if (search_ui_mode(a->mode))
        search_ui_cancel(a); /* the caret goes back first */
    if (a->mode != MODE_EDIT) {
        close_prompt(a);
        a->quit_after_save = false;
    }
    app_request_quit(a);
}

static void cmd_redraw(App *a, const KeyEvent *k) { term_redraw_all(a->term); }
static void cmd_help(App *a, const KeyEvent *k) { ui_toggle_help(a->ui); }
static void cmd_none(App *a, const KeyEvent *k) {}

/* --- several files (app/buffers.c) and swap files (app/swap_app.c) ------------------------- */

static void cmd_open(App *a, const KeyEvent *k)
{
    a->mode = MODE_OPEN;
    a->open_for_context = false;
    ui_prompt_open(a->ui, "Open (Tab completes, file:line): ");
}

static void cmd_complete(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_OPEN || a->mode == MODE_SAVE_AS)
        buffers_complete(a);
    else if (a->mode == MODE_ASK && !app_complete_at_path(a))
        app_prompt_tab(a); /* no @path to complete: queues while an answer streams */
}

static void cmd_buffer_next(App *a, const KeyEvent *k) { buffers_switch(a, 1); }
static void cmd_buffer_prev(App *a, const KeyEvent *k) { buffers_switch(a, -1); }
static void cmd_buffer_list(App *a, const KeyEvent *k) { buffers_list_open(a); }
static void cmd_model_pick(App *a, const KeyEvent *k) { model_pick_open(a); }
static void cmd_reasoning(App *a, const KeyEvent *k)
{
    bool shown = ui_model_toggle_reasoning(a->ui);
    app_say(a, false, shown ? "The model's reasoning is shown above its answers (Alt-H hides it)."
                            : "The model's reasoning is folded to one line (Alt-H shows it).");
}
static void cmd_close(App *a, const KeyEvent *k) { buffers_close(a); }
static void cmd_list_up(App *a, const KeyEvent *k)
{
    ui_list_move(a->ui, -1);
    theme_app_list_moved(a); /* the theme list previews the theme under the selection */
}
static void cmd_list_down(App *a, const KeyEvent *k)
{
    ui_list_move(a->ui, 1);
    theme_app_list_moved(a);
}
static void cmd_list_choose(App *a, const KeyEvent *k)
{
    if (!model_pick_choose(a) && !theme_app_list_choose(a) && !journal_app_list_choose(a))
        buffers_list_choose(a);
}
static void cmd_list_cancel(App *a, const KeyEvent *k)
{
    if (!model_pick_cancel(a) && !theme_app_list_cancel(a) && !journal_app_list_cancel(a))
        buffers_cancel(a);
}
static void cmd_list_close(App *a, const KeyEvent *k) { buffers_list_close_selected(a); }
static void cmd_swap_recover(App *a, const KeyEvent *k) { swap_app_answer(a, 'r'); }
static void cmd_swap_diff(App *a, const KeyEvent *k) { swap_app_answer(a, 'd'); }
static void cmd_swap_delete(App *a, const KeyEvent *k) { swap_app_answer(a, 'x'); }

/* --- the search keys of the prompt: the editor's search or the answer's (app/answer_ui.c) --- */

static void cmd_search_next(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ANSWER_SEARCH)
        answer_ui_search_next(a, true);
    else
        search_ui_cmd_next(a, k);
}

static void cmd_search_prev(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ANSWER_SEARCH)
        answer_ui_search_next(a, false);
    else
        search_ui_cmd_prev(a, k);
}

static void cmd_search_regex(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ANSWER_SEARCH)
        answer_ui_toggle(a, SEARCH_REGEX);
    else
        search_ui_cmd_regex(a, k);
}

static void cmd_search_case(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ANSWER_SEARCH)
        answer_ui_toggle(a, SEARCH_ICASE);
    else
        search_ui_cmd_case(a, k);
}

/* --- the table ------------------------------------------------------------------------------ */

#define E MODE_BIT(MODE_EDIT)
#define P MODES_PROMPT
#define SA MODE_BIT(MODE_SAVE_AS)
#define Q (MODE_BIT(MODE_CONFIRM_QUIT) | MODE_BIT(MODE_CONFIRM_CLOSE))
#define R MODE_BIT(MODE_REPLACE_CONFIRM)
#define PAT (MODE_BIT(MODE_SEARCH) | MODE_BIT(MODE_REPLACE_FIND) | MODE_BIT(MODE_ANSWER_SEARCH))
#define LB MODE_BIT(MODE_BUFFER_LIST)
#define L (LB | MODE_BIT(MODE_RESUME_LIST) | MODE_BIT(MODE_MODEL_LIST) | MODE_BIT(MODE_THEME_LIST))
#define SW MODE_BIT(MODE_SWAP)
#define OP MODE_BIT(MODE_OPEN)
#define AN MODE_BIT(MODE_ANSWER)
#define RV MODE_BIT(MODE_REVIEW)
#define ALL (E | P | Q | R | L | SW | AN | RV)

static const Command commands[] = {
    {"ask", E | MODE_BIT(MODE_ASK), 0, cmd_ask, "ask the model (while it answers: steer or queue)"},
    {"interrupt", E | P | AN, CMD_KEEP_MESSAGE, cmd_interrupt, "stop the streaming answer"},
    {"retry", E, 0, cmd_retry, "ask the last question again"},
    {"context-view", E | MODE_BIT(MODE_ASK), 0, context_app_cmd_view,
     "show exactly what asking now would send (again: back)"},
    {"context-add", E, 0, context_app_cmd_add, "add a file to every question (Tab completes)"},
    {"save", E | SA | RV, 0, cmd_save, "save (a read-only file: Save As, or write it anyway)"},
    {"quit", E | P | AN | RV, 0, cmd_quit, "quit (asks first about unsaved changes)"},
    {"undo", E | RV, 0, cmd_undo, "undo"},
    {"redo", E | RV, 0, cmd_redo, "redo"},
    {"model-scroll-up", E | AN, 0, cmd_model_scroll_up, "scroll the answer back"},
    {"model-scroll-down", E | AN, 0, cmd_model_scroll_down, "scroll the answer forward"},
    {"model-follow", E | AN, 0, cmd_model_follow, "follow the answer's tail again"},
    {"redraw", E | P | AN, 0, cmd_redraw, "redraw the screen"},
    {"help", E | AN, 0, cmd_help, "this help (F1 closes it)"},
    {"submit", P, 0, cmd_submit, "send the question / save under the name typed"},
    {"cancel", P | Q | R | SW, 0, cmd_cancel, "close the prompt / do not quit / stop replacing"},
    {"history-prev", P, 0, cmd_history_prev, "the previous question from the history"},
    {"history-next", P, 0, cmd_history_next, "the next question from the history"},
    {"yes", Q, 0, cmd_yes, "save, then quit (or close)"},
    {"no", Q, 0, cmd_no, "quit (or close) without saving"},
    {"newline", E | P, CMD_BASIC, cmd_newline, "break the line (keeps the indentation)"},
    {"queue-drop", P, CMD_BASIC, cmd_queue_drop, "drop the last queued question (empty prompt)"},
    {"editor-prefix", P, CMD_KEEP_MESSAGE, cmd_editor_prefix,
     "then Ctrl-E: edit the question in $EDITOR"},
    {"tab", E, CMD_BASIC, cmd_tab, "insert a tab (spaces to the next tab stop with expand_tabs)"},
    {"backspace", E | P, CMD_BASIC, cmd_backspace, "delete the character before the cursor"},
    {"delete", E | P, CMD_BASIC, cmd_delete, "delete the character under the cursor"},
    {"left", E | P, CMD_BASIC, cmd_left, "cursor left"},
    {"right", E | P, CMD_BASIC, cmd_right, "cursor right"},
    {"up", E, CMD_BASIC, cmd_up, "cursor up"},
    {"down", E, CMD_BASIC, cmd_down, "cursor down"},
    {"word-left", E | P, CMD_BASIC, cmd_word_left, "to the previous word"},
    {"word-right", E | P, CMD_BASIC, cmd_word_right, "to the next word"},
    {"home", E | P, CMD_BASIC, cmd_home, "to the first non-blank, then column 0"},
    {"end", E | P, CMD_BASIC, cmd_end, "to the end of the line"},
    {"page-up", E, CMD_BASIC, cmd_page_up, "a page up"},
    {"page-down", E, CMD_BASIC, cmd_page_down, "a page down"},
    {"top", E, CMD_BASIC, cmd_top, "to the top of the file"},
    {"bottom", E, CMD_BASIC, cmd_bottom, "to the end of the file"},
    /* search, replace, go to line (issue 7 item 3; handlers in app/search_ui.c) */
    {"search", E, 0, search_ui_cmd_search, "search as you type (Alt-R regex, Alt-C case)"},
    {"search-next", E | PAT, 0, cmd_search_next, "the next match of the last search"},
    {"search-prev", E | PAT, 0, cmd_search_prev, "the previous match of the last search"},
    {"replace", E, 0, search_ui_cmd_replace, "replace: pattern, replacement, y/n/a per match"},
    {"goto-line", E, 0, search_ui_cmd_goto, "go to a line (120, 120:5, +10, -10)"},
    {"search-regex", PAT, 0, cmd_search_regex, "toggle regex (literal by default)"},
    {"search-case", PAT, 0, cmd_search_case, "toggle matching case (ignored by default)"},
    {"replace-yes", R, 0, search_ui_cmd_replace_yes, "replace this match, go to the next"},
    {"replace-no", R, 0, search_ui_cmd_replace_no, "skip this match"},
    {"replace-all", R, 0, search_ui_cmd_replace_all, "replace this and every later match"},
    /* --- selection, clipboard, line and word edits, mouse (issue 7 items 2, 7, 8; handlers
     * in app/edit_cmds.c) --- */
    {"copy", E, CMD_KEEP_MESSAGE, cmd_copy, "copy the selection (none: stop the answer)"},
    {"cut", E, 0, cmd_cut, "cut the selection"},
    {"paste", E, 0, cmd_paste, "paste what was copied or cut"},
    {"select-all", E, CMD_BASIC, cmd_select_all, "select everything"},
    {"unindent", E, CMD_BASIC, cmd_unindent, "unindent the line or the selected lines (Tab indents them)"},
    {"delete-word-left", E, CMD_BASIC, cmd_delete_word_left, "delete the word before the cursor"},
    {"delete-word-right", E, CMD_BASIC, cmd_delete_word_right, "delete the word after the cursor"},
    {"move-line-up", E, 0, cmd_move_line_up, "move the line or the selected lines up"},
    {"move-line-down", E, 0, cmd_move_line_down, "move the line or the selected lines down"},
    {"duplicate-line", E, 0, cmd_duplicate_line, "duplicate the line or the selected lines"},
    {"toggle-comment", E, 0, cmd_toggle_comment, "comment or uncomment the line(s)"},
    {"toggle-mouse", E, 0, cmd_toggle_mouse, "mouse on/off (off: the terminal selects)"},
    {"toggle-wrap", E, 0, cmd_toggle_wrap, "soft wrap on/off"},
    {"select-left", E, CMD_BASIC, cmd_select_left, "select to the left"},
    {"select-right", E, CMD_BASIC, cmd_select_right, "select to the right"},
    {"select-up", E, CMD_BASIC, cmd_select_up, "select up"},
    {"select-down", E, CMD_BASIC, cmd_select_down, "select down"},
    {"select-word-left", E, CMD_BASIC, cmd_select_word_left, "select to the previous word"},
    {"select-word-right", E, CMD_BASIC, cmd_select_word_right, "select to the next word"},
    {"select-home", E, CMD_BASIC, cmd_select_home, "select to the line's start"},
    {"select-end", E, CMD_BASIC, cmd_select_end, "select to the line's end"},
    {"select-page-up", E, CMD_BASIC, cmd_select_page_up, "select a page up"},
    {"select-page-down", E, CMD_BASIC, cmd_select_page_down, "select a page down"},
    {"select-top", E, CMD_BASIC, cmd_select_top, "select to the top of the file"},
    {"select-bottom", E, CMD_BASIC, cmd_select_bottom, "select to the end of the file"},
    /* --- end of issue 7 items 2, 7, 8 --- */
    {"none", ALL, CMD_KEEP_MESSAGE | CMD_BASIC, cmd_none, "nothing (unbinds a key)"},
    /* several files and swap files */
    {"open", E, 0, cmd_open, "open a file (Tab completes; file:120)"},
    {"buffer-next", E, 0, cmd_buffer_next, "the next buffer"},
    {"buffer-prev", E, 0, cmd_buffer_prev, "the previous buffer"},
    {"buffer-list", E, 0, cmd_buffer_list, "the list of open buffers"},
    {"model-pick", E | AN | MODE_BIT(MODE_ASK), 0, cmd_model_pick,
     "pick a model or provider (the conversation is kept)"},
    {"close", E, 0, cmd_close, "close the buffer (asks about unsaved changes)"},
    {"complete", OP | SA | MODE_BIT(MODE_ASK), CMD_BASIC, cmd_complete,
     "complete a path / an @path; queue while it answers"},
    {"list-up", L, CMD_BASIC, cmd_list_up, "the previous line of the list"},
    {"list-down", L, CMD_BASIC, cmd_list_down, "the next line of the list"},
    {"list-choose", L, CMD_BASIC, cmd_list_choose,
     "switch to the chosen buffer (reopen the chosen conversation, use the chosen theme)"},
    {"list-cancel", L, CMD_BASIC, cmd_list_cancel, "close the list"},
    {"list-close", LB, CMD_BASIC, cmd_list_close, "close the chosen buffer"},
    {"swap-recover", SW, 0, cmd_swap_recover, "take the swap file's text"},
    {"swap-diff", SW, 0, cmd_swap_diff, "show how the swap file differs"},
    {"swap-delete", SW, 0, cmd_swap_delete, "delete the swap file"},
    /* --- using the answer (issue 8 item 10; handlers in app/answer_ui.c) --- */
    {"answer-focus", E | AN, 0, answer_ui_cmd_focus, "focus the answer pane (again: the editor)"},
    {"reasoning-toggle", E | AN | MODE_BIT(MODE_ASK), 0, cmd_reasoning,
     "show or fold the model's reasoning"},
    {"answer-leave", AN, 0, answer_ui_cmd_leave, "back to the editor"},
    {"answer-up", AN, CMD_BASIC, answer_ui_cmd_up, "the answer's caret up a row"},
    {"answer-down", AN, CMD_BASIC, answer_ui_cmd_down, "the answer's caret down a row"},
    {"answer-page-up", AN, CMD_BASIC, answer_ui_cmd_page_up, "the answer a page back"},
    {"answer-page-down", AN, CMD_BASIC, answer_ui_cmd_page_down, "the answer a page forward"},
    {"answer-top", AN, CMD_BASIC, answer_ui_cmd_top, "to the top of the conversation"},
    {"answer-end", AN, CMD_BASIC, answer_ui_cmd_end, "to the answer's tail, following it"},
    {"answer-code-wrap", AN, 0, answer_ui_cmd_code_wrap,
     "long code lines: scroll sideways / wrap with a mark"},
    {"answer-code-left", AN, CMD_BASIC, answer_ui_cmd_code_left, "scroll code lines left"},
    {"answer-code-right", AN, CMD_BASIC, answer_ui_cmd_code_right, "scroll code lines right"},
    {"answer-search", AN, 0, answer_ui_cmd_search, "search the answer pane as you type"},
    {"answer-search-next", AN, 0, answer_ui_cmd_search_next, "the next match in the answer"},
    {"answer-search-prev", AN, 0, answer_ui_cmd_search_prev, "the previous match in the answer"},
    {"answer-block-next", AN, 0, answer_ui_cmd_block_next, "the caret to the next code block"},
    {"answer-block-prev", AN, 0, answer_ui_cmd_block_prev, "the caret to the previous code block"},
    {"answer-copy", E | AN, 0, answer_ui_cmd_copy, "copy the answer (the editor: the last one)"},
    {"answer-copy-block", E | AN, 0, answer_ui_cmd_copy_block, "copy the code block (no fences)"},
    {"answer-insert-block", E | AN, 0, answer_ui_cmd_insert_block,
     "insert the code block at the caret"},
    {"export", E | AN, 0, answer_ui_cmd_export, "export the conversation to Markdown"},
    /* --- the layout and the theme (issue 10 items 6, 8; handlers in app/layout_app.c) --- */
    {"divider-forward", E | AN, 0, layout_app_cmd_forward,
     "move the divider right (stacked: down)"},
    {"divider-back", E | AN, 0, layout_app_cmd_back, "move the divider left (stacked: up)"},
    {"zoom", E | AN, 0, layout_app_cmd_zoom, "the focused pane full screen, or back"},
    {"swap", E | AN, 0, layout_app_cmd_swap, "swap the editor and the answer pane"},
    {"layout-reset", E | AN, 0, layout_app_cmd_reset, "the default split (by width), no zoom, no swap"},
    {"arrange", E | AN, 0, layout_app_cmd_arrange,
     "panes side by side / stacked (Alt-=: by width again)"},
    {"theme", E | AN, 0, layout_app_cmd_theme, "choose a colour theme for this session"},
    /* the model's proposed edits (app/hunks_app.c) */
    {"review", E, 0, hunks_cmd_review,
     "review proposed edits (y accept, n reject, a/r all)"},
    {"hunk-accept", RV, 0, hunks_cmd_accept, "accept this hunk (one undo step)"},
    {"hunk-reject", RV, 0, hunks_cmd_reject, "reject this hunk"},
    {"hunk-accept-all", RV, 0, hunks_cmd_accept_all, "accept every pending hunk"},
    {"hunk-reject-all", RV, 0, hunks_cmd_reject_all, "reject every pending hunk"},
    {"hunk-next", RV, CMD_BASIC, hunks_cmd_next, "the next pending hunk"},
    {"hunk-prev", RV, CMD_BASIC, hunks_cmd_prev, "the previous pending hunk"},
    {"review-leave", RV, 0, hunks_cmd_leave, "leave the review (hunks stay pending)"},
};

const Command *commands_all(size_t *n)
{
    *n = sizeof commands / sizeof *commands;
    return commands;
}

const Command *command_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

bool command_works_in(const Command *c, AppMode m) { return (c->modes & MODE_BIT(m)) != 0; }

bool commands_default(App *a, const KeyEvent *k)
{
    if (mode_key_table(a->mode) == KEYS_CONFIRM || mode_key_table(a->mode) == KEYS_LIST) {
        cmd_cancel(a, k);
        return false;
    }
    if (a->mode == MODE_REPLACE_CONFIRM || a->mode == MODE_REVIEW)
        return false; /* only their keys answer; the rest is ignored, as in nano */
    bool typed = k->code == KC_CHAR && !(k->mods & (MOD_CTRL | MOD_ALT));
    if (!typed && k->code != KC_PASTE)
        return false;
    if (a->mode == MODE_EDIT) {
        Buffer *b = session_buffer(a->session);
        if (k->code == KC_PASTE) {
            paste_into_buffer(b, k->text, k->text_len);
        } else {
            char enc[4];
            size_t n = utf8_encode(k->cp, enc);
            if (n)
                buffer_insert(b, enc, n);
        }
    } else if (k->code == KC_PASTE) {
        if (k->text)
            ui_prompt_paste(a->ui, k->text, k->text_len);
    } else {
        ui_prompt_type(a->ui, k->cp);
    }
    return true;
}
