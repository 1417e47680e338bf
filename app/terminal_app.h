/* Terminal app: what the app learns about the terminal after its first frame, and what it
 * does with it.
 *
 *   - It asks the terminal for the kitty keyboard protocol together with a primary device
 *     attributes query (CSI ? u CSI c: every terminal answers DA1, so the answer to the
 *     first is known once the second comes, and flint never waits on silence). The answers
 *     come back among the keys (ui/keys.h's KeysReplies). Until DA1 is answered, a lone ESC
 *     waits for the Esc timer as before. Then: a terminal that knows the protocol gets the
 *     disambiguate flag pushed (Esc arrives as CSI 27 u; term.h pops it on exit, suspend and
 *     crash); any other terminal gets Esc at once (keys_set_esc_at_once), unless the settings'
 *     terminal.esc_timeout_ms asks for the timer (links that split sequences).
 *   - Inside tmux it reads tmux's options once (app/tmux_opts.h), on a worker thread: the
 *     clipboard's route, and a one-time status line notice when escape-time makes Esc lag.
 *     The notice follows the greeting ("Ctrl-K ask  Esc stop ..."), never replaces it: it
 *     comes once the first key has cleared the greeting (or the first question went out) and
 *     the status line is in sight, and never over another message or an error.
 * Errors: none (a terminal or tmux that does not answer leaves things as they were). */
#ifndef FLINT_APP_TERMINAL_APP_H
#define FLINT_APP_TERMINAL_APP_H

#include <stdint.h>

struct App;

/* The queries, after the first frame was handed to the render thread. */
void terminal_app_start(struct App *a);
/* Waits for the tmux worker, if one still runs (app_free). */
void terminal_app_free(struct App *a);
/* A long answer ended by itself (policy_bell): with the terminal known to be focused, nothing
 * (the user is looking); known unfocused, the bell and a desktop notification (ui/notify.h:
 * OSC 9 or 777, through tmux's passthrough inside tmux); focus never reported, the bell. */
/* A turn ended: the escape-time notice said during it goes (the end's own news shows). */
void terminal_app_turn_end(struct App *a);
void terminal_app_answer_done(struct App *a);
/* After each batch of keys: acts on the answers once DA1 has come. */
void terminal_app_after_keys(struct App *a);
/* How long a cut sequence waits for its rest: terminal.esc_timeout_ms, else 25 ms. */
uint64_t terminal_app_esc_delay_ns(const struct App *a);

#endif
