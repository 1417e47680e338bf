/* Prompt: a small text editor with a label ("Ask: ") and a history, shown at the bottom of
 * the screen while the user types a question, a pattern or a file name.
 *
 * The text is UTF-8 bytes with the cursor at a character boundary. Two kinds, chosen when the
 * prompt opens (a per-prompt option, PromptOpts):
 *   one line (search, open, Save As): pasted newlines (and tabs) become spaces, so the line
 *     stays one line and a paste can never submit; the view scrolls horizontally;
 *   multi-line (the ask prompt): PROMPT_NEWLINE (Alt-Enter, Ctrl-J) inserts '\n', a paste
 *     keeps its newlines and tabs ("\r\n" and a lone "\r" become "\n"); the text wraps
 *     at the box's width (never inside a character: a wide character that does not fit
 *     moves whole to the next row), the box grows up to the rows the caller allows
 *     (prompt_rows) and scrolls to keep the cursor's row visible. Up/Down move between
 *     rows and browse the history only from the first / last row.
 * History holds the last PROMPT_HISTORY_MAX committed texts; Up/Down browse it, and the text
 * being typed is kept as a draft to come back to. A note (a search's "no match" or its regex
 * error) can sit at the right end of a one-line prompt; the text gets what is left.
 * Ownership: the Prompt owns its text, draft and history (prompt_free releases them). */
#ifndef FLINT_UI_PROMPT_H
#define FLINT_UI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "ui/grid.h"
#include "ui/layout.h"

#define PROMPT_HISTORY_MAX 100

typedef struct Prompt {
    bool active;
    char label[256];
    StrBuf text;
    size_t cursor;      /* byte offset in text */
    int scroll;         /* first display column of the text shown */
    char **hist;        /* oldest first */
    size_t nhist, hist_cap;
    size_t hist_pos;    /* == nhist: editing the draft */
    StrBuf draft;
    char note[256];     /* "" for none */
    bool note_error;
    bool multiline;     /* see the top comment */
    int top_row;        /* multi-line: the first wrapped row shown */
    int wrap_w;         /* multi-line: the text width last drawn (0: not drawn yet) */
    int goal_col;       /* multi-line Up/Down: the column to keep; -1: the cursor's */
} Prompt;

typedef enum PromptOpts {
    PROMPT_ONE_LINE = 0,
    PROMPT_MULTILINE = 1u << 0,
} PromptOpts;

/* Tabs in a multi-line prompt stop at multiples of this many columns. */
#define PROMPT_TAB_WIDTH 4

void prompt_init(Prompt *p);
void prompt_free(Prompt *p);
void prompt_open(Prompt *p, const char *label);  /* one line, starts empty */
void prompt_open_opts(Prompt *p, const char *label, unsigned opts);  /* PromptOpts */
void prompt_close(Prompt *p);
/* Replaces the line (cursor at its end) / the label / the note (NULL or "": none); the
 * search flows prefill a pattern and show flags, the count and errors this way. */
void prompt_set_text(Prompt *p, const char *s, size_t len);
void prompt_set_label(Prompt *p, const char *label);
void prompt_set_note(Prompt *p, const char *note, bool is_error);
/* The prompt's own editing operations (the app's commands map onto these). */
typedef enum PromptEdit {
    PROMPT_LEFT, PROMPT_RIGHT, PROMPT_WORD_LEFT, PROMPT_WORD_RIGHT, PROMPT_HOME, PROMPT_END,
    PROMPT_BACKSPACE, PROMPT_DELETE, PROMPT_HISTORY_PREV, PROMPT_HISTORY_NEXT,
    PROMPT_UP,        /* multi-line: the row above; on the first row the history (one line:
                       * the history) */
    PROMPT_DOWN,      /* the row below; on the last row the history */
    PROMPT_NEWLINE,   /* multi-line: a line break; one line: nothing */
    PROMPT_DELETE_WORD_LEFT,
} PromptEdit;

void prompt_edit(Prompt *p, PromptEdit op);
/* A typed character; a control character or one beyond Unicode is swallowed. */
void prompt_type(Prompt *p, uint32_t cp);
void prompt_insert(Prompt *p, const char *s, size_t len);  /* as a paste */
const char *prompt_text(const Prompt *p);
void prompt_commit(Prompt *p);  /* adds the text to the history, clears, closes */
/* Rows the prompt wants on a screen `cols` wide: 1 for a one-line prompt, else the wrapped
 * rows of its text (the label's width taken from the first), between 1 and max_rows. */
int prompt_rows(const Prompt *p, int cols, int max_rows);
/* Draws the prompt into r (r.h rows: the box); when place_cursor, the grid cursor goes to the
 * prompt's cursor. */
void prompt_draw(Prompt *p, Grid *g, Rect r, bool place_cursor);

#endif
