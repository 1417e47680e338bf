/* Questions: the conversation side of the app. Asking (now, or when the connection is up),
 * interrupting, asking again, and reacting to what the session reports after each event
 * (notices, the turn's end, the bell, rotation, the turn timer).
 *
 * A question asked while no connection is up becomes a WAITING turn of the session (shown in
 * the pane, cancelled by Esc) and goes out when the link comes up; one asked as the app
 * rotates the connection waits in pending_question for the fresh socket. A question
 * submitted while an answer streams interrupts it first and is then asked with the partial
 * answer in the history (a client-side steer, PROTOCOL.md 7.2). Esc
 * cancels a rate-limited wait (the question stays in the transcript, marked interrupted).
 *
 * Steer and queue (issue 8 item 7), what Codex users expect:
 *   app_steer (Enter in the ask prompt while an answer streams): native response.steer when
 *     the session can (Responses, the model has not refused it, the response has started),
 *     else the client-side steer above (interrupt, ask again with the partial answer). A
 *     native steer that is refused or does not take comes back from the session and is
 *     asked the client-side way; one cut by the user's interrupt goes to the queue's head.
 *   app_queue (Tab while an answer streams or waits): the text joins the AskQueue, shown under
 *     the answer; each turn that completes sends the next one. A turn that ends otherwise
 *     (interrupted, failed, stalled, lost link) pauses the queue: nothing is dropped, and
 *     Enter on an empty ask prompt (app_queue_resume) sends the next one and resumes it.
 *   Esc / Ctrl-G stop the stream whatever the queue holds, and never drop it. Why pause
 *     rather than go on: a stop means "wait, I want to look"; sending the next question at
 *     once would start a new stream under the user's hands (Codex too gives queued
 *     messages back to the composer after an interrupt rather than sending them), and an
 *     Esc that seems dead while a queue exists is a known complaint (Claude Code #16905).
 * The ask prompt follows the turn (app_prompt_stay): after Enter sends a question or a steer,
 * it stays open while the answer streams (or waits), so typing goes to it, as in Codex's
 * composer; when the turn ends with the prompt empty and nothing more to ask, it closes and
 * the editor has the keys again (a prompt holding text stays). Esc in it stops the answer
 * (then it closes if empty); a click in the editor leaves it (app_prompt_leave) with the
 * answer still streaming.
 * Hooks for the journal (and the review mode): app_on_steer and app_on_queue_changed are
 * the one place each event passes through, before anything of it is sent. */
#ifndef FLINT_APP_QUESTIONS_H
#define FLINT_APP_QUESTIONS_H

#include <stdbool.h>

typedef struct App App;

/* After anything that may have changed the session: messages, bell, rotation, timer, damage. */
void app_take_session_damage(App *a);
/* Sends pending_question if the link is up and no turn is in flight. */
void app_send_pending(App *a);
/* The link stopped for good (TRANSPORT_STOPPED): the waiting question, if any, fails (its
 * entry and the status line say why), so that nothing waits for a connection that never comes. */
void app_fail_pending(App *a, const char *why);
/* While the link is STOPPED, asking makes the transport try once more (transport_interrupt). */
void app_ask(App *a, const char *question);
void app_interrupt(App *a);
/* F5: the last question again, as a new turn (with none: one new connection attempt after
 * a STOPPED link). */
void app_retry(App *a);

/* Enter in the ask prompt while an answer streams (see the top comment). */
void app_steer(App *a, const char *text);
/* Tab in the ask prompt: while an answer streams (or waits) queues the text and clears the
 * prompt; otherwise does nothing yet (the seam for @path completion). Returns true when it
 * queued. */
bool app_prompt_tab(App *a);
void app_queue(App *a, const char *text);
/* Alt-Backspace on an empty ask prompt: drops the last queued question (false: none). */
bool app_queue_drop_last(App *a);
/* Sends the next queued question now and un-pauses the queue (false: nothing queued, or a
 * turn is open). */
bool app_queue_resume(App *a);
/* After Enter in the ask prompt: reopens it while a turn is open (see the top comment). */
void app_prompt_stay(App *a);
/* Closes the ask prompt, its text kept in the history (Up brings it back). */
void app_prompt_leave(App *a);
/* Hooks: a steer is about to go out (native: response.steer is tried first; else interrupt
 * and ask again; a refused native steer is asked again later without a second call), and
 * the queue changed (pushed, taken before it is asked, dropped, paused). Today they only log
 * and redraw. */
void app_on_steer(App *a, const char *text, bool native);
void app_on_queue_changed(App *a);

#endif
