/* Highlighter: the cached start state of every line of one Text, kept up to date
 * incrementally, for syntax highlighting.
 *
 * A language is an opaque `lang` with a step function: the state at the end of a line from
 * the state at its start (themes/syntax.h: syntax_line; the UI passes it in, so session/
 * needs neither themes/ nor PCRE2 for this). Line 0 starts in state 0. The Highlighter keeps
 * the start states of lines [0, n) and computes more only when asked for a line: a frame
 * that shows lines 100-150 of a 100 MB file costs those lines, not the file.
 *
 * Edits: highlighter_sync reads the Text's edit journal (core/text.h) since the last call,
 * shifts the cached states by the lines each edit added or removed, and marks the first line
 * after each edit suspect. Asking for a line at or past a suspect one re-validates forward
 * from it: each recomputed state that equals the cached one ends the walk (everything after
 * it is still right), so typing in a function re-highlights a line or two, while opening a
 * block comment re-highlights up to where the states agree again (the end of the file, at
 * worst, slice by slice). Lines an edit inserted are always recomputed, never compared.
 *
 * Budget: every call that may compute takes a budget of work units (a line costs its length
 * plus HL_LINE_COST) and stops when it runs out, returning false: the caller draws the line
 * plain and asks again on the next frame. So a jump to the end of a huge file never blocks a
 * frame; the states arrive over a few frames. A language that makes a line expensive can at
 * most exceed the budget by one line (syntax.h caps a line's scan).
 *
 * Ownership: the caller owns lang and the Text (it must outlive the Highlighter's use of it;
 * give each Text its own Highlighter). Errors: none (allocation aborts). */
#ifndef FLINT_SESSION_HIGHLIGHT_H
#define FLINT_SESSION_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/text.h"

#define HL_LINE_COST 16 /* budget units a line costs beyond its bytes */

typedef unsigned (*HlStepFn)(const void *lang, unsigned state, const char *line, size_t len);

typedef struct Highlighter Highlighter;

Highlighter *highlighter_new(HlStepFn step, const void *lang);
void highlighter_free(Highlighter *h); /* accepts NULL */
/* Forgets every state (another language, another text). */
void highlighter_reset(Highlighter *h);
/* Takes in the edits made to t since the last sync (a different Text than last time resets). */
void highlighter_sync(Highlighter *h, const Text *t);
/* The start state of `line` (< text_line_count) into *state, computing what is missing with at
 * most *budget units (decremented). False when the budget ran out first. Call after sync. */
bool highlighter_state(Highlighter *h, const Text *t, size_t line, size_t *budget,
                       unsigned *state);
/* Lines [0, n) have a cached start state, and of those, lines before the first suspect one
 * are known right (for tests and the bench). */
size_t highlighter_cached(const Highlighter *h);
size_t highlighter_settled(const Highlighter *h);

#endif
