/* Buffers (the app's side of several files): opening from the command line ("a.c b.c",
 * "file.c:120", "+120 file.c") and from the Ctrl-O prompt (with Tab completion of paths),
 * switching (Alt-Left/Right, Ctrl-PgUp/PgDn, the Alt-B list), closing (Ctrl-W, asking about
 * unsaved changes). The list itself is the Session's (session_buffer_*); each buffer keeps
 * its own cursor, undo and (in the Ui) scroll position.
 *
 * Errors: buffers_open_args is tier 3 (a file that cannot be opened at start is fatal, as
 * before); everything else tells the user in the status line. */
#ifndef FLINT_APP_BUFFERS_H
#define FLINT_APP_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct App App;
typedef struct Buffer Buffer;

/* The command line's files, in order (the first one current). */
bool buffers_open_args(App *a, const char *const *args, size_t n, ErrorBuf *err);
/* Opens path (as typed: "~" expanded, "file.c:120" honoured) and makes it current; a file
 * already open is switched to. Says what happened ("new file", "binary"). */
void buffers_open_typed(App *a, const char *typed);
void buffers_switch(App *a, int delta);   /* to the next (1) or previous (-1), wrapping */
void buffers_close(App *a);               /* the current one; asks when it is modified */
void buffers_close_answer(App *a, bool save);
/* After a Save As the close question led to (it worked): close the current buffer now. */
void buffers_close_saved(App *a);
void buffers_list_open(App *a);
void buffers_list_choose(App *a);
void buffers_list_close_selected(App *a);
/* Tab in the open / Save As prompt. */
void buffers_complete(App *a);
/* Completes typed (a path) as Tab does and sets the prompt's text to before[0, before_len)
 * followed by the completion; several matches are listed, none rings the bell. Returns the
 * number of matches. */
size_t buffers_complete_path(App *a, const char *before, size_t before_len, const char *typed);
/* Esc (or any unbound key) in the close question, the list or the open prompt; false when
 * the mode is none of those. */
bool buffers_cancel(App *a);

#endif
