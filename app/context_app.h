/* What the model sees, the app's side: the view of the next request (F9), pinning the
 * current buffer's file to the context (Alt-A), and Tab completion of an @path in the ask
 * prompt. The message itself is composed by the session (session/context.c).
 *
 * Errors: told in the status line (app_say); nothing here fails the caller. */
#ifndef FLINT_APP_CONTEXT_APP_H
#define FLINT_APP_CONTEXT_APP_H

#include <stdbool.h>

typedef struct App App;
struct KeyEvent;

/* "context-view": a buffer of its own showing exactly what asking now would send (the
 * prompt's text as the question while the ask prompt is open): a summary (bytes, estimated
 * tokens, share of the window, chained or whole, turns dropped), the request's JSON as sent,
 * then the new user message as the model reads it. In that buffer, the key goes back. */
void context_app_cmd_view(App *a, const struct KeyEvent *k);
/* "context-add": a prompt (the Open prompt's, with its Tab completion) holding the current
 * buffer's path; Enter pins the file named to the context (every following question carries
 * it, as a diff once the model has seen it). */
void context_app_cmd_add(App *a, const struct KeyEvent *k);
/* The prompt's Enter: pins typed (~ expands), or says why not. */
void context_app_add_typed(App *a, const char *typed);

/* Completes the @word that ends the ask prompt's text (the caret is at its end) against the
 * file system, as the Open prompt's Tab does: the longest common prefix, a '/' after a
 * directory, several matches listed. False (nothing changed) when the text does not end in
 * an @word: the caller's Tab then does what it otherwise does. */
bool app_complete_at_path(App *a);

#endif
