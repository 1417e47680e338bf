/* Session: the aggregate of one flint run: the buffers (a list with a current one), the
 * Transcript, the Wire dialect its requests are written in, the turn (session/turn.h: the
 * open one, or the last), the connection's chain and the server's rate limit. Turn states
 * (IDLE before the first question):
 *
 *     IDLE -> SENT -> STREAMING -> DONE | FAILED | INTERRUPTED | STALLED  (then a new turn)
 *     IDLE -> WAITING -> SENT   (asked while rate limited: it goes out at the deadline;
 *                                asked while offline, session_ask_when_up: on link up)
 *
 * Time (core/clock, swappable in tests): a rate limit sets a deadline before which no
 * request goes out (retry-after, or the longest applicable x-ratelimit-reset-*, capped at 5
 * minutes); a turn in flight with no server message for the stall time ends as STALLED,
 * its partial text kept. The session arms no timer: session_next_deadline_ns says when
 * session_tick wants to run, and the app's loop timer calls it.
 *
 * A question becomes one request in the session's dialect (chained to the last response
 * completed on the current connection when the dialect can chain, PROTOCOL.md 7.1, else
 * the conversation so far: its newest whole turns within 256 KiB), and the dialect's
 * events become transcript and state changes. It never touches the network: bytes to send
 * go out through hooks.send, and the app tells it when the connection comes up or goes away.
 *
 * Errors: session_ask is tier 3 (bool + ErrorBuf); malformed server messages are not errors
 * of the caller: they are counted, logged and shown as a note, and never crash or leak state
 * between responses. */
#ifndef FLINT_SESSION_SESSION_H
#define FLINT_SESSION_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "session/buffer.h"
#include "session/transcript.h"
#include "session/turn.h"
#include "session/wire.h"

typedef struct SessionStats {
    uint64_t sent_ns;         /* when the current/last request was handed to the link */
    uint64_t first_delta_ns;  /* 0 until the first delta */
    uint64_t last_delta_ns;
    uint64_t ttft_ns;         /* first_delta - sent, 0 until known */
    size_t deltas;            /* deltas received in the current/last turn */
    size_t output_tokens;     /* usage.output_tokens of the last completed turn, else 0 */
    size_t input_tokens;
    size_t cached_tokens;
    double tokens_per_sec;    /* output tokens (or deltas) / (last_delta - first_delta) */
    size_t malformed;         /* server messages that could not be understood */
} SessionStats;

/* The model flint asks when none is named (the command line's default too). */
#define SESSION_DEFAULT_MODEL "gpt-5.3-codex-spark"

typedef struct SessionConfig {
    const char *model;          /* NULL or "": SESSION_DEFAULT_MODEL */
    const char *instructions;   /* NULL: flint's default system instructions */
    size_t max_context_bytes;   /* file bytes sent as context (0: 64 KiB around the cursor) */
    uint64_t stall_ns;          /* silence that ends a turn as stalled (0: 30 s; NEVER) */
    Wire *wire;                 /* the dialect, owned by the session from here (NULL: a new
                                 * Responses one, session/wire_responses.h) */
    size_t window_tokens;       /* the model's context window (0: 128k; settings
                                 * context.window_tokens) */
    const char *cache_key;      /* the conversation's prompt_cache_key (NULL: a random one) */
    bool warmup;                /* a generate:false warm-up on each new connection, when the
                                 * dialect can chain (see session_on_link_up) */
} SessionConfig;

#define SESSION_STALL_DEFAULT_NS (30ull * 1000000000ull)
#define SESSION_STALL_NEVER UINT64_MAX
/* The longest a 429 makes a question wait, whatever the server's headers say. */
#define SESSION_RATE_WAIT_MAX_NS (300ull * 1000000000ull)

typedef struct SessionHooks {
    /* Queue one message (a WebSocket text message). Returns false when it could not be. */
    bool (*send)(void *ud, const char *json, size_t len);
} SessionHooks;

enum {
    SESSION_DAMAGE_TRANSCRIPT = 1u << 0,
    SESSION_DAMAGE_STATUS = 1u << 1,
    SESSION_DAMAGE_NOTICE = 1u << 2,  /* a new notice was set (even one equal to the last) */
};

typedef struct Session Session;

Session *session_new(const SessionConfig *cfg, const SessionHooks *hooks, void *ud);
void session_free(Session *s);  /* accepts NULL */

/* Buffers, owned by the session: one (empty) at start; session_buffer is the current one. */
Buffer *session_buffer(Session *s);
size_t session_buffer_count(const Session *s);
Buffer *session_buffer_at(Session *s, size_t i);     /* i < count */
size_t session_buffer_current(const Session *s);
/* Takes b; returns its index. The current buffer does not change. */
size_t session_buffer_add(Session *s, Buffer *b);
void session_buffer_set_current(Session *s, size_t i); /* i < count */
/* Removes buffer i from the list and gives it to the caller (to free). The current buffer
 * stays the same one, or becomes the one before (the first) when i was current; the last
 * buffer is replaced by a new empty one, so there is always one. */
Buffer *session_buffer_take(Session *s, size_t i);
const Wire *session_wire(const Session *s);
const Transcript *session_transcript(const Session *s);
TurnState session_turn(const Session *s);
bool session_busy(const Session *s);              /* SENT or STREAMING */
bool session_waiting(const Session *s);           /* WAITING (rate limited, nothing in flight) */
/* clock_now_ns() before which no request goes out (a 429's back-off); 0 when none was set. */
uint64_t session_wait_until_ns(const Session *s);
/* When session_tick next has work: the rate-limit deadline while WAITING (0 once it has
 * passed: the question then goes out on link up), the stall deadline while busy (the last
 * server message + the stall time), else 0 (arm nothing). */
uint64_t session_next_deadline_ns(const Session *s);
/* Acts on the clock: a WAITING question whose deadline has passed is sent (if it cannot be,
 * it goes on link up); a busy turn silent for the stall time ends as STALLED. Returns true
 * when the caller should close the connection: the stalled response may still be running
 * on the server, and closing is the only way to stop it (PROTOCOL.md 1.7). */
bool session_tick(Session *s);
/* The text of the last question asked (for "ask again"); NULL when none. Valid until the
 * next call that changes the transcript. */
const char *session_last_question(const Session *s);
const SessionStats *session_stats(const Session *s);
const char *session_model(const Session *s);
/* The latest line for the status bar (e.g. the server's error message); "" when none. */
const char *session_notice(const Session *s);
/* The notice is said (the app put it in its own words): "" from here. */
void session_clear_notice(Session *s);
/* Damage flags accumulated since the last call (SESSION_DAMAGE_*), then cleared. */
unsigned session_take_damage(Session *s);

/* An entry of an earlier conversation (a reopened journal), added to the transcript as it
 * ended: the next question that cannot be chained resends it as history (user and answer
 * entries; notes are not sent). ENTRY_OPEN becomes ENTRY_INTERRUPTED. False (nothing added)
 * while a turn is open. */
bool session_restore_entry(Session *s, EntryKind kind, EntryState state, const char *text,
                           size_t len, const char *detail);
/* Starts a turn: the question, with the buffer (around the cursor) and the cursor position
 * as context. Fails when a turn is in flight or waiting, the question is empty, or send
 * fails. Before a rate-limit deadline nothing is sent: the turn starts WAITING. */
bool session_ask(Session *s, const char *question, ErrorBuf *err);
/* The same, while no connection is up: nothing is sent; the turn starts WAITING (its question
 * in the transcript, its answer OPEN and empty) and goes out, with the whole conversation, on
 * session_on_link_up. session_interrupt cancels it as any wait. */
bool session_ask_when_up(Session *s, const char *question, ErrorBuf *err);
/* WAITING with no rate-limit deadline ahead: the question waits only for the connection. */
bool session_waiting_for_link(const Session *s);
/* The connection will not come up by itself (the transport stopped retrying): a WAITING
 * question ends FAILED with why (its entry "[failed: why]", the notice why). */
void session_fail_waiting(Session *s, const char *why);
/* One message from the server (a whole WebSocket text message), in the session's dialect;
 * for a stream dialect (Chat over SSE) any piece of the response body, as it arrives. */
void session_on_message(Session *s, const char *data, size_t len);
/* A stream dialect's response body ended (EOF, or the end of a keep-alive body): what the
 * dialect held becomes events (Chat: a finish_reason then EOF is a normal end; EOF before
 * it fails the turn, "stream ended early"). */
void session_on_stream_end(Session *s);
/* The request was answered with a non-200 HTTP status (its body an error document, not a
 * stream): the dialect turns it into an error, classified as any server error (401/403
 * fail, 429 waits with Retry-After, ...). A dialect without HTTP fails the turn with the
 * status. */
void session_on_http_error(Session *s, const WireHttpError *h);
/* A new connection is up: nothing from an earlier connection can be chained. With
 * SessionConfig.warmup, a dialect that can chain and no turn open, a warm-up goes out first
 * (PROTOCOL.md 1.3, 7.1: generate:false with the instructions and the conversation so far,
 * exactly the prefix the next unchained request would start with; the file context is not
 * in it: it rides in the question's own message, after the question, so it is no prefix).
 * Its events never show and count as no turn; once it completed, the next question chains
 * to it (previous_response_id = its id, only the new message) if the history it carried is
 * still the history (PROTOCOL.md 1.5: the last completed response on this socket). */
void session_on_link_up(Session *s);
/* A warm-up was sent on this connection and its terminal has not come yet. */
bool session_warming(const Session *s);
/* The connection is gone: an in-flight turn ends as ENTRY_NETWORK ("interrupted by network",
 * not replayed: the user decides; the entry's detail is `why` as given, so pass a reason,
 * not a countdown) and the chain is reset. */
void session_on_link_lost(Session *s, const char *why);
/* True once after the server said the connection is retired (the dialect's
 * WIRE_ACT_RECONNECT, e.g. a WebSocket's age limit): the app should replace the socket. A
 * request the server refused for that reason is resent by session_on_link_up on the new one. */
bool session_take_reconnect(Session *s);
/* The user interrupts: the partial answer stays, marked interrupted; every later event of the
 * abandoned response is dropped. The caller closes the socket (PROTOCOL.md 1.7: no cancel).
 * A WAITING question is cancelled the same way (it stays in the transcript, marked
 * interrupted; nothing is in flight, so there is nothing to close). */
void session_interrupt(Session *s);

/* ---- what the model sees (session/context.c, session/conversation.c) ---------------------
 * Each question's message: notes, the question, the current buffer (whole, a window around
 * the caret, or a diff since the version the model last saw), caret, selection, @path files
 * and pinned files. Earlier messages are resent exactly as first sent. */

/* A line for the next user message, before the question (e.g. a hunk decision: "hunk 2 of
 * main.c: accepted"); sent once, with the next question asked. */
void session_add_model_note(Session *s, const char *line);
/* Pins a file to the context: every following question carries it (whole once, then as
 * diffs). False with why when it does not exist or is pinned already. */
bool session_context_add_file(Session *s, const char *path, ErrorBuf *err);
/* The pinned files (absolute paths); returns their count. Valid until the next pin. */
size_t session_context_files(const Session *s, const char *const **paths);
/* The conversation's prompt_cache_key (fixed for the session; SessionConfig.cache_key gives
 * it back to a resumed conversation). */
const char *session_cache_key(const Session *s);
/* The user message of the question at transcript entry `entry` exactly as it was sent (for a
 * journal: a resumed conversation must resend these bytes); NULL when none. */
const char *session_sent_message(const Session *s, size_t entry, size_t *len);
/* A resumed conversation: the message sent for the question at `entry` (ignored when one is
 * known). Files then count as unseen: the next question sends them whole. */
void session_restore_sent_message(Session *s, size_t entry, const char *text, size_t len);
/* The status line's figures: the last request's share of the window in percent (the
 * server's usage when known, else the estimate of what was sent), and the cached share of
 * its input tokens; -1 when unknown. */
void session_context_use(const Session *s, int *ctx_percent, int *cache_percent);

typedef struct SessionPreview {
    size_t bytes;          /* the request's size */
    size_t tokens;         /* estimated (context_tokens) */
    size_t window_tokens;
    size_t n_input;        /* input items */
    bool chained;          /* it continues the last response by id */
    size_t dropped_turns;  /* earlier turns left out to fit the window */
    size_t message_bytes;  /* the new user message alone */
} SessionPreview;

/* Exactly what asking `question` now would send (NULL or "": a placeholder question),
 * appended to json: the request in the session's dialect, nothing changed (no file counts
 * as seen, notes stay); the new user message alone to message (NULL: not wanted). While a
 * turn is open, the request asking would send after interrupting it (a client-side steer:
 * unchained, the partial answer as it stands). */
void session_preview_request(Session *s, const char *question, StrBuf *json, StrBuf *message,
                             SessionPreview *pv);
/* ---- switching model or provider while running (the model picker, app/model_pick.c) ----
 * The conversation stays: the chain is reset, so the next question carries it whole (a
 * dialect without chains always does). Both refuse while a turn is open (tier 3). */
bool session_set_model(Session *s, const char *model, ErrorBuf *err);
/* A new dialect (another provider's API), owned by the session from here (freed when
 * refused); the connection is forgotten as on link loss. */
bool session_set_wire(Session *s, Wire *wire, ErrorBuf *err);

/* ---- native steering (PROTOCOL.md 1.3, 1.7; the Turn's steer states in turn.h) ---- */
/* A steer can go natively now: the dialect has response.steer, the model has not refused it
 * on this run, and the answer streams bound to its response with no steer in flight. */
bool session_can_steer(const Session *s);
/* Sends response.steer with text for the streaming response (tier 3: false with the reason
 * when it cannot: then interrupt and ask again, the client-side steer). No extra
 * response.create follows an accepted steer: the successor continues the same answer, with
 * a marker line where the steer took effect. */
bool session_steer(Session *s, const char *text, ErrorBuf *err);
/* A native steer is in flight (sent or accepted, its successor not started yet). */
bool session_steering(const Session *s);
/* The model answered steering_not_supported on this run (remembered per model name). */
bool session_steer_refused(const Session *s);
/* A steer that did not take: refused (response.steer.failed), or its turn ended (interrupt,
 * lost link, stall, completed) before the successor started. Owned by the caller (free);
 * NULL when none. Taken once. */
char *session_take_steer_fallback(Session *s);

#endif
