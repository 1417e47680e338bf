/* Ui: the screen. Lays out the panes (ui/layout), draws the editor, the model pane, the status
 * line and the prompt into a Grid, and publishes the Grid to the Term (render thread).
 *
 *   +----------------------------+---------------------------+
 *   | editor (line numbers,      | model pane: the transcript|
 *   | the user's file)           | soft-wrapped, follows the |
 *   |                            | tail unless scrolled back |
 *   +----------------------------+---------------------------+
 *   | status line (a one-line prompt takes its place)        |
 *   | the ask prompt's box (multi-line, while it is open)    |
 *   +--------------------------------------------------------+
 *
 * Each buffer keeps its own scroll position when another one is shown.
 * Ui keeps view state only (scroll offsets, the prompt's text and history); the domain is in
 * Session. It never sees the network: the app passes the link's state in as UiStatus.
 * Rendering cost is O(visible cells), independent of file and transcript length. */
#ifndef FLINT_UI_UI_H
#define FLINT_UI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/error.h"
#include "session/search.h"
#include "session/ask_queue.h"
#include "session/session.h"
#include "themes/syntax.h"
#include "themes/theme.h"
#include "ui/editor_view.h"
#include "ui/grid.h"
#include "ui/prompt.h"
#include "ui/term.h"

typedef struct UiStatus {
    const char *link;      /* "connected", "connecting", "offline: refused" ... */
    bool link_ok;
    const char *message;   /* a transient message for the status line, or NULL */
    bool message_is_error;
    /* A key came within UI_TYPING_NS: the terminal's own cursor stays at the caret even while
     * an answer streams (IME composition, screen readers, the user's cursor shape); with the
     * keyboard idle, a streaming answer's frames draw the caret instead (Grid.cursor_soft). */
    bool typing;
} UiStatus;

#define UI_TYPING_NS (NS_PER_SEC)

typedef struct Ui Ui;

/* term may be NULL (tests): frames are then only composed, into ui_grid(). */
Ui *ui_new(Term *term, int cols, int rows);
void ui_free(Ui *ui);  /* does not free the Term */
void ui_resize(Ui *ui, int cols, int rows);
/* Compose a full frame from the session and publish it. */
void ui_render(Ui *ui, Session *s, const UiStatus *st);
const Grid *ui_grid(const Ui *ui);
/* The editor pane's view, to add decoration layers (syntax, search, selection) to it. */
EditorView *ui_editor_view(Ui *ui);
/* Syntax highlighting: the languages (ownership passes to the Ui; NULL: none). The editor's
 * buffer gets a language by its name, shebang or modeline at its first frame and whenever
 * its path changes; answer-pane code blocks by their fence tag. */
void ui_set_languages(Ui *ui, SyntaxSet *set);
/* The editor buffer's language name, or NULL for plain text (status line, toggle-comment). */
const char *ui_language(const Ui *ui);
/* Its rule file's line-comment marker ("//", "#"), or NULL when it has none or no language. */
const char *ui_line_comment(const Ui *ui);
/* A frame was drawn with some visible lines still plain (their highlighting is computed in
 * slices so that no frame blocks): draw another one soon. */
bool ui_wants_frame(const Ui *ui);
/* Which pane a cell belongs to (mouse reports). */
typedef enum UiPane { UI_PANE_NONE, UI_PANE_EDITOR, UI_PANE_MODEL } UiPane;
UiPane ui_pane_at(const Ui *ui, int x, int y);
/* The layout's options (ui/layout.h): the editor's share, swapped panes, a zoomed pane. A
 * zoom follows the focus: any zoom shows the answer pane while it has the focus
 * (ui_model_set_focus), else the editor. */
void ui_set_layout(Ui *ui, const LayoutOpts *o);
LayoutOpts ui_layout_opts(const Ui *ui);
bool ui_stacked(const Ui *ui);  /* the panes are on top of each other now */
/* The cell is on the divider between the panes (a mouse press there starts a resize). */
bool ui_on_divider(const Ui *ui, int x, int y);
/* The editor's share that puts the divider at cell x,y (its column, or its row stacked). */
int ui_layout_pct_at(const Ui *ui, int x, int y);
/* The text position under cell (x, y) of the editor as last drawn; a cell outside the pane
 * counts as its nearest edge (a drag past it). False when the pane is empty. */
bool ui_editor_pos_at(Ui *ui, const Buffer *b, int x, int y, TextPos *out);
/* A buffer is closed: forget its scroll position and caches (its address may be reused). */
void ui_forget_buffer(Ui *ui, const Buffer *b);
/* A list overlay (the buffer list, completions): lines separated by '\n', one selected
 * (SIZE_MAX: none); drawn over the panes until hidden. */
void ui_list_show(Ui *ui, const char *title, const char *lines, size_t selected);
void ui_list_hide(Ui *ui);
bool ui_list_active(const Ui *ui);
size_t ui_list_selected(const Ui *ui);
void ui_list_move(Ui *ui, int delta);  /* the selection, clamped */
/* Rows of text the editor shows (for PgUp/PgDn). */
size_t ui_editor_rows(const Ui *ui);

/* The prompt: an editor with history, shown in place of the status line: one line (search,
 * open, Save As), or multi-line (the ask prompt: PROMPT_MULTILINE, a box that grows up to a
 * third of the screen, ui/prompt.h). */
void ui_prompt_open(Ui *ui, const char *label);  /* one line */
void ui_prompt_open_opts(Ui *ui, const char *label, unsigned opts);  /* PromptOpts */
bool ui_prompt_multiline(const Ui *ui);  /* open and multi-line */
void ui_prompt_close(Ui *ui);
bool ui_prompt_active(const Ui *ui);
/* Is the status line on screen: no prompt, or a multi-line prompt's box below it (a one-line
 * prompt takes its place)? */
bool ui_status_visible(const Ui *ui);
/* Editing the prompt's line: an operation, a typed character, a paste. */
void ui_prompt_edit(Ui *ui, PromptEdit op);
void ui_prompt_type(Ui *ui, uint32_t cp);
void ui_prompt_paste(Ui *ui, const char *s, size_t len);
/* The current text (valid until the next prompt call); submitting adds it to the history. */
const char *ui_prompt_text(const Ui *ui);
void ui_prompt_commit(Ui *ui);  /* add to history, clear, close */
/* A prefilled line (the search prompts, a completed path; the cursor at its end), a label
 * with flags and the count, a note at the right end (an error in the warning style). */
void ui_prompt_set_text(Ui *ui, const char *s, size_t len);
void ui_prompt_set_label(Ui *ui, const char *label);
void ui_prompt_set_note(Ui *ui, const char *note, bool is_error);

/* The questions queued behind the answer (borrowed; NULL: none), shown in the model pane's
 * last rows while it holds any (ui/queue_view.h). */
void ui_set_queue(Ui *ui, const AskQueue *q);

/* Model pane scrolling: rows > 0 scrolls back, < 0 forward; follow resumes tailing. */
void ui_model_scroll(Ui *ui, int rows);
void ui_model_follow(Ui *ui);
/* Expands or collapses the answers' reasoning rows; returns whether they are shown. */
bool ui_model_toggle_reasoning(Ui *ui);
/* The answer pane's focus and caret (app/answer_ui.c; ui/model_view.h says how they work). */
void ui_model_set_focus(Ui *ui, bool focus);
void ui_model_caret_move(Ui *ui, int rows);
void ui_model_caret_page(Ui *ui, int rows);
void ui_model_caret_top(Ui *ui);
void ui_model_caret_tail(Ui *ui);
void ui_model_caret_to(Ui *ui, size_t entry, size_t off);
bool ui_model_caret_at_cell(Ui *ui, int x, int y);
bool ui_model_caret(const Ui *ui, size_t *entry, size_t *off);
size_t ui_model_page_rows(const Ui *ui);
/* Long code lines in answers: scroll sideways or wrap with a mark; code shading to the full
 * width on terminals with bce (model_view_set_code_scroll / _bce). */
void ui_model_set_code_scroll(Ui *ui, bool scroll);
void ui_model_set_code_bce(Ui *ui, bool bce);
bool ui_model_code_scrolls(const Ui *ui);
void ui_model_hscroll(Ui *ui, int cols);
void ui_model_set_search(Ui *ui, Search *s, bool has_cur, size_t entry, size_t start,
                         size_t end);
/* Toggle the key help overlay (F1). */
void ui_toggle_help(Ui *ui);
bool ui_help_open(const Ui *ui);
/* Scrolls the help overlay by rows (> 0: down); it is clamped when drawn, so a long help
 * (more lines than the screen has rows) can be read to its end on any screen. */
void ui_help_scroll(Ui *ui, int rows);
/* The overlay's text: lines separated by '\n' (the app builds it from its key tables, so a
 * rebinding shows there). Copied. Until it is set the overlay says only "flint keys". */
void ui_set_help(Ui *ui, const char *text);

#endif
