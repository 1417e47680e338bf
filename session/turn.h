/* Turn: one question's request and its answer, from the ask to its end:
 *
 *     (new) -> SENT -> STREAMING -> DONE | FAILED | INTERRUPTED | STALLED
 *              SENT -----------------^ (a terminal with no deltas, a request-scoped error,
 *                                       a lost link, an interrupt, a stall)
 *     (new) -> WAITING -> SENT         (asked while rate limited: sent at the deadline)
 *              SENT -> WAITING         (a request-scoped rate limit: it waits, then goes again)
 * A WIRE_INCOMPLETE ends a turn as DONE (its entry says ENTRY_INCOMPLETE and why).
 *
 * Native steering (PROTOCOL.md 1.3, 1.7), beside the state (TurnSteer), while STREAMING:
 *     NONE -> SENT          turn_steer_sent (the caller sent response.steer for the bound
 *                           response: only when turn_can_steer)
 *     SENT -> ACCEPTED      WIRE_STEER_ACCEPTED (the server owns the input; nothing shown yet)
 *     SENT|ACCEPTED -> NONE WIRE_STEER_FAILED: TURN_STEER_REFUSED, the caller falls back
 *                           (interrupt and ask again) with turn_steer_text
 *     ACCEPTED: the response's terminal (response.incomplete reason "steered", or even
 *                           response.completed) does not end the turn: it unbinds and waits
 *                           for the successor's WIRE_CREATED, which binds it again:
 *                           TURN_STEERED (the commit point), the answer entry gets a marker
 *                           line and the successor's deltas continue the same answer.
 *     A turn that ends (any way) with its steer SENT or ACCEPTED keeps it uncommitted:
 *                           turn_steer_pending says so and the caller decides (ask it again,
 *                           keep it for later); turn_steer_clear forgets it.
 *
 * It owns the turn's state, stats, the full user message (question + editor context, for
 * resends), its two transcript entries (the question, and the answer it streams into), its
 * binding to the response that answers it and to the connection it went out on (a
 * generation number the Session bumps on link up/lost), its resend-once flag and its stall
 * clock. It never sends and never calls the Session (turn.h does not include session.h):
 * every operation reports what the caller must do by return value (TurnResult). It knows
 * no dialect either: events are neutral WireEvents, errors come classified (WireAction).
 *
 * Ownership: the Turn borrows the Transcript it was made with (which must outlive it).
 * Errors: none; calling an operation in a state where it means nothing returns
 * TURN_NOTHING. */
#ifndef FLINT_SESSION_TURN_H
#define FLINT_SESSION_TURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "session/transcript.h"
#include "session/wire.h"

typedef enum TurnState {
    TURN_IDLE,      /* no turn yet (Session only: a Turn is never IDLE) */
    TURN_SENT,
    TURN_STREAMING,
    TURN_DONE,
    TURN_FAILED,
    TURN_INTERRUPTED,
    TURN_WAITING,   /* rate limited: the question waits for the deadline; nothing in flight */
    TURN_STALLED,   /* the server went silent (the app closes the socket) */
} TurnState;

typedef struct TurnStats {
    uint64_t sent_ns;         /* when the request was last handed over; 0 before */
    uint64_t first_delta_ns;  /* 0 until the first delta */
    uint64_t last_delta_ns;
    uint64_t ttft_ns;         /* first_delta - sent, 0 until known */
    size_t deltas;
    size_t output_tokens;     /* usage, once the server sent it; else 0 */
    size_t input_tokens;
    size_t cached_tokens;
    double tokens_per_sec;    /* output tokens (or deltas) / (last_delta - first_delta) */
} TurnStats;

typedef enum TurnOutcome {
    TURN_NOTHING,    /* nothing changed (e.g. an event of another response, dropped) */
    TURN_UPDATED,    /* the answer or the stats changed */
    TURN_STARTED,    /* the server took the request (its WIRE_CREATED): bound to it now */
    TURN_FINISHED,   /* the turn ended: turn_state / turn_entry_state say how */
    TURN_RESEND,     /* send the request again now (whole conversation, no chain), or make
                      * it wait (turn_wait) while rate limited */
    TURN_RECONNECT,  /* replace the connection: the request goes again on the new one */
    TURN_WAIT,       /* rate limited: the turn waits (the caller owns the deadline) */
    TURN_STEERED,    /* the steered successor started: the steer is committed (see top) */
    TURN_STEER_REFUSED, /* response.steer.failed: fall back with turn_steer_text */
} TurnOutcome;

typedef enum TurnSteer {
    TURN_STEER_NONE,
    TURN_STEER_SENT,
    TURN_STEER_ACCEPTED,
} TurnSteer;

typedef struct TurnResult {
    TurnOutcome outcome;
    const char *notice;  /* a line for the status bar; NULL: none. Valid until the next
                          * operation on the turn */
    bool abandoned;      /* FINISHED before its response started: on a dialect whose
                          * abandoned requests are still answered, an answer may come */
} TurnResult;

typedef struct Turn Turn;

/* A new turn: adds the question (ENTRY_USER) and an OPEN answer entry to tr. message is
 * what is sent for it (question + context). Not sent yet: call turn_sent or turn_wait. */
Turn *turn_new(Transcript *tr, const char *question, const char *message, size_t len,
               uint64_t stall_ns);
void turn_free(Turn *t);  /* accepts NULL; the transcript entries stay */

TurnState turn_state(const Turn *t);
bool turn_busy(const Turn *t);     /* SENT or STREAMING */
bool turn_waiting(const Turn *t);  /* WAITING */
bool turn_open(const Turn *t);     /* busy or waiting: its answer entry is OPEN */
bool turn_bound(const Turn *t);    /* its response has started (WIRE_CREATED) */
const TurnStats *turn_stats(const Turn *t);
const StrBuf *turn_message(const Turn *t);
size_t turn_user_entry(const Turn *t);
size_t turn_answer_entry(const Turn *t);
EntryState turn_entry_state(const Turn *t);   /* of the answer entry */
bool turn_chained(const Turn *t);             /* its last request named a chain */
uint64_t turn_conn(const Turn *t);            /* the connection its last request went on */
/* The id of the response that completed it (DONE with ENTRY_DONE); NULL otherwise. */
const char *turn_done_id(const Turn *t);

/* Its request was handed to connection `conn` at `now` (chained: it named a chain). */
void turn_sent(Turn *t, uint64_t now, bool chained, uint64_t conn);
/* Rate limited before (re)sending: it waits; nothing is in flight. */
void turn_wait(Turn *t);
/* A server message arrived (any: proof of life for the stall clock). */
void turn_touch(Turn *t, uint64_t now);

/* A decoded event while the turn is in flight. act is the dialect's classification of a
 * WIRE_ERROR (ignored for other kinds). Events that are not this turn's are dropped. */
TurnResult turn_on_event(Turn *t, const WireEvent *ev, WireAction act, uint64_t now);
/* Ends the turn as FAILED with detail (the status line adds the retry delay, if >= 0). */
TurnResult turn_fail(Turn *t, const char *detail, int64_t retry_after_ms);
/* A new connection is up: true once if the turn must go again on it (a request the old
 * connection refused with WIRE_ACT_RECONNECT). */
bool turn_take_resend(Turn *t, uint64_t conn);
/* The connection is gone: a busy turn ends as ENTRY_NETWORK with `why` as its detail. */
TurnResult turn_on_link_lost(Turn *t, const char *why);
/* The user interrupts: busy ends INTERRUPTED (partial text kept), a wait is cancelled. */
TurnResult turn_interrupt(Turn *t);
/* When the stall clock runs out (0: never, or not busy). */
uint64_t turn_stall_deadline_ns(const Turn *t);
/* At or past the stall deadline: ends the turn as STALLED (FINISHED); else TURN_NOTHING. */
TurnResult turn_check_stall(Turn *t, uint64_t now);

/* ---- native steering (see the top comment) ---- */
/* In flight, bound to a response with an id (its created came), no steer in flight. */
bool turn_can_steer(const Turn *t);
/* The id of the response it is bound to; NULL when not bound (or the server gave none). */
const char *turn_response_id(const Turn *t);
/* The caller sent response.steer with text for turn_response_id. */
void turn_steer_sent(Turn *t, const char *text, size_t len);
TurnSteer turn_steer_state(const Turn *t);
/* The text of the steer sent last (kept after a refusal, for the fallback); "" when none. */
const char *turn_steer_text(const Turn *t);
/* Steers committed (successors started) in this turn. */
size_t turn_steers(const Turn *t);
/* Ended with its steer SENT or ACCEPTED (its fate unknown: not applied). */
bool turn_steer_pending(const Turn *t);
void turn_steer_clear(Turn *t);

#endif
