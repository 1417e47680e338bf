/* The ask prompt's question in an external editor (Ctrl-X Ctrl-E, readline's key):
 * $VISUAL, else $EDITOR, else vi, run through /bin/sh (so "code -w" or "emacs -nw" work) on a
 * private temporary file (mkstemps: mode 0600, in $TMPDIR or /tmp, removed afterwards). The
 * screen is given back to the terminal meanwhile (term_suspend / term_resume, as around a
 * stop and SIGCONT); the loop waits for the editor (no answer is drawn meanwhile; the
 * connection's data waits in the socket). The file's text, less its trailing newlines,
 * replaces the prompt's. An editor that fails (cannot start, exits non-zero) leaves the
 * question as it was and says why. Tier 3 inside: failures become a status message. */
#ifndef FLINT_APP_PROMPT_EDITOR_H
#define FLINT_APP_PROMPT_EDITOR_H

#include <stdbool.h>

typedef struct App App;

/* Returns true when the prompt's text was replaced. */
bool app_prompt_edit_external(App *a);
/* The editor command flint runs: VISUAL, then EDITOR (non-empty), then "vi". */
const char *prompt_editor_command(void);

#endif
