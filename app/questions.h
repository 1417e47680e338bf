/* Questions: the conversation side of the app. Asking (now, or when the connection is up),
 * interrupting, asking again, and reacting to what the session reports after each event
 * (notices, the turn's end, the bell, rotation, the turn timer).
 *
 * A question asked while no connection is up becomes a WAITING turn of the session (shown in
 * the pane, cancelled by Esc) and goes out when the link comes up; one asked as the app
 * rotates the connection waits in pending_question for the fresh socket. A question
 * submitted while an answer streams interrupts it first and is then asked with the partial
 * answer in the history (a client-side steer, PROTOCOL.md 7.2). Esc
 * cancels a rate-limited wait (the question stays in the transcript, marked interrupted). */
#ifndef FLINT_APP_QUESTIONS_H
#define FLINT_APP_QUESTIONS_H

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

#endif
