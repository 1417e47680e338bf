/* Prompt: a one-line text editor with a label ("Ask: ") and a history, shown on the bottom
 * line while the user types a question.
 *
 * The text is UTF-8 bytes with the cursor at a character boundary. Pasted newlines (and tabs)
 * become spaces, so the line stays one line and a paste can never submit. History holds the
 * last PROMPT_HISTORY_MAX committed lines; Up/Down browse it, and the line being typed is kept
 * as a draft to come back to. The view scrolls horizontally to keep the cursor visible.
 * A note (a search's "no match" or its regex error) can sit at the right end of the line;
 * the text gets what is left.
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
} Prompt;

void prompt_init(Prompt *p);
void prompt_free(Prompt *p);
void prompt_open(Prompt *p, const char *label);  /* starts with an empty line */
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
} PromptEdit;

void prompt_edit(Prompt *p, PromptEdit op);
/* A typed character; a control character or one beyond Unicode is swallowed. */
void prompt_type(Prompt *p, uint32_t cp);
void prompt_insert(Prompt *p, const char *s, size_t len);  /* as a paste */
const char *prompt_text(const Prompt *p);
void prompt_commit(Prompt *p);  /* adds the text to the history, clears, closes */
/* Draws the line into r; when place_cursor, the grid cursor goes to the prompt's cursor. */
void prompt_draw(Prompt *p, Grid *g, Rect r, bool place_cursor);

#endif
