/* Swap files, the app's side: when to write them, when they go, and the question at start.
 * The file format and the writing are session/swap.h's.
 *
 * When: an edit (seen after each batch of keys) arms the swap timer for a second later
 * unless it is armed already; when it fires and the last edit is less than a second old it
 * re-arms for a second after that edit, but never past 1.5 s after the first edit not yet in
 * a swap, so continuous typing is still saved every 1.5 s and a kill -9 loses less than two
 * seconds. Nothing is armed while no buffer has unswapped edits. The write runs on the timer
 * in the loop thread, never on the keystroke path (figures in README: 10 MB takes a few ms).
 *
 * When they go: a save removes that buffer's swap, closing a buffer removes it, a clean quit
 * removes every swap this flint wrote; a signal that wrote recovery files removes the swaps
 * of the buffers saved there (the recovery file holds the newer text). A swap that another
 * live flint is writing is never overwritten: that buffer gets no swap of ours (said once).
 *
 * Failures (a full disk, an unwritable state directory) are shown once in the status line;
 * the next successful write re-arms the warning. */
#ifndef FLINT_APP_SWAP_APP_H
#define FLINT_APP_SWAP_APP_H

#include <stdbool.h>

#include "core/error.h"

typedef struct App App;
typedef struct Buffer Buffer;
typedef struct StrBuf StrBuf;

#define SWAP_PAUSE_NS (1000ull * 1000000ull)  /* a pause this long writes the swap */
#define SWAP_MAX_NS (1500ull * 1000000ull)    /* an edit waits at most this long */

bool swap_app_init(App *a, ErrorBuf *err);  /* the timer */
void swap_app_free(App *a);
/* After each batch of keys: arms the timer when the current buffer has unswapped edits. */
void swap_app_after_keys(App *a);
/* Writes every buffer's swap that is behind now (the timer; tests). */
void swap_app_write_now(App *a);
void swap_app_saved(App *a, Buffer *b);   /* b was saved: its swap goes */
void swap_app_forget(App *a, Buffer *b);  /* b is closed: its swap goes */
void swap_app_remove_all(App *a);         /* a clean quit */
/* A swap newer than b's file: asks (MODE_SWAP) and returns true; false when there is none
 * or a question is already open. */
bool swap_app_check(App *a, Buffer *b);
/* At start: asks about the first buffer with a newer swap. */
void swap_app_check_all(App *a);
/* The question's answer: 'r' recover, 'd' diff (a buffer of its own; the question stays),
 * 'x' delete, 0 ignore (Esc). swap_app_decide then swap_app_ask_next. */
void swap_app_answer(App *a, char what);
/* The question's text without its keys: "Swap file found for NAME (from pid N, DATE)" and,
 * when that flint still runs, that the file is open elsewhere. Valid while MODE_SWAP. */
const char *swap_app_question(const App *a);
/* The answer alone, for a caller that tells each outcome before the next question (--plain):
 * 'r', 'x' or 0 as above (not 'd'); says what it did (app_say) and leaves MODE_SWAP. Returns
 * the buffer it was about, for swap_app_ask_next; NULL when there is nothing more to ask now
 * (the buffer is gone, or the swap could not be read: said). */
Buffer *swap_app_decide(App *a, char what);
/* The next buffer with a newer swap, if any, is asked about (MODE_SWAP again); else
 * `answered` becomes the current buffer again. Accepts NULL (does nothing). */
void swap_app_ask_next(App *a, Buffer *answered);
/* The unified diff between the asked buffer's file and its swap, appended to diff (the
 * full screen shows it in a buffer of its own). False when there is no question or the swap
 * could not be read (said in the status line). */
bool swap_app_diff(App *a, StrBuf *diff);

#endif
