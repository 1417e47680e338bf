/* Wire: one model dialect (how a request becomes bytes and bytes become events), behind a
 * vtable, so the turn logic never sees a protocol's JSON, field names or error codes.
 *
 * A dialect is an instance (`Wire *`, whose first member is its `const WireOps *`): a
 * dialect that reads a stream needs state between messages (Chat Completions over SSE keeps
 * a line buffer, PROTOCOL.md section 4), one that reads whole messages needs none beyond the
 * storage of the event it last returned (Responses: one parse tree, section 1.4).
 * Implementations: session/wire_responses.c (Responses WebSocket mode), session/wire_chat.c
 * (Chat Completions over SSE, PROTOCOL.md 4), and a line-based test dialect in
 * tests/support/wire_fake.c.
 *
 *   encode   a neutral WireRequest -> the bytes of one message (appended to a StrBuf);
 *   feed     inbound bytes (one WebSocket message; for a stream dialect any chunk of the
 *            stream) -> zero or more events, taken one at a time with next;
 *   end      the stream ended (EOF: Chat's "finish_reason then EOF" is a normal end);
 *   http_error  an HTTP response that is not a stream (a non-200 status and its body)
 *            -> a WIRE_ERROR event, taken with next (HTTP dialects; see WireHttpError);
 *   classify a server error -> what the turn logic does about it (WireAction);
 *   can_chain / abandoned_answer: what the dialect's connections promise (see WireOps).
 *
 * Events point into storage the Wire owns: an event is valid until the next feed, next, end
 * or free on the same Wire (not reset: a connection may drop while an event is handled) (next returning false releases it, so a large terminal
 * message is not kept around). Errors: none reach the caller: bytes not understood decode as
 * WIRE_MALFORMED with a reason, valid events of no use as WIRE_IGNORED; allocation failure
 * aborts (tier 2). */
#ifndef FLINT_SESSION_WIRE_H
#define FLINT_SESSION_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* ---- requests ------------------------------------------------------------------------- */

typedef enum WireRole {
    WIRE_ROLE_USER,
    WIRE_ROLE_ASSISTANT,
} WireRole;

typedef struct WireMessage {
    WireRole role;
    const char *text;  /* len bytes; any bytes (a JSON dialect sends invalid UTF-8 as U+FFFD);
                        * a user message is the text stored when it was first sent (question
                        * and context), so a resend is byte-identical */
    size_t len;
} WireMessage;

typedef struct WireRequest {
    const char *model;         /* required */
    const char *instructions;  /* NULL: none (the system prompt) */
    const char *chain_id;      /* NULL: input is the whole conversation; else the id of the
                                * response this request continues (only when can_chain) */
    const WireMessage *input;  /* n_input items, in conversation order */
    size_t n_input;
    const char *prompt_cache_key; /* NULL: none. Fixed for a conversation, so the provider
                                   * routes its requests to the same prefix cache; a dialect
                                   * sends it only where the server accepts it */
    bool warmup;               /* a warm-up (PROTOCOL.md 1.3, 7.1: Responses' generate:false):
                                * the server prepares the prefix and runs no model; input is
                                * the history alone (may be empty). Only when can_chain. */
} WireRequest;

/* ---- events --------------------------------------------------------------------------- */

typedef enum WireKind {
    WIRE_MALFORMED,       /* not understood: see WireEvent.reason */
    WIRE_IGNORED,         /* a valid event flint has no use for (or an unknown type) */
    WIRE_CREATED,         /* the server started a response: response_id */
    WIRE_DELTA,           /* answer text: text/text_len */
    WIRE_REFUSAL_DELTA,   /* refusal text: text/text_len (shown like text) */
    WIRE_REASONING_DELTA, /* the model's reasoning, apart from the answer: text/text_len
                           * (Chat's delta.reasoning_content / delta.reasoning; Responses'
                           * response.reasoning_summary_text.delta / reasoning_text.delta).
                           * Not answer text: the turn keeps it on the answer entry apart
                           * (TranscriptEntry.reasoning, shown collapsed); it proves the
                           * server alive like any message */
    WIRE_TEXT_DONE,       /* a whole text part again: text/text_len */
    WIRE_DONE,            /* terminal success: response_id (the chain id), usage */
    WIRE_INCOMPLETE,      /* terminal, cut short: incomplete_reason, usage */
    WIRE_FAILED,          /* terminal failure of a started response: error */
    WIRE_ERROR,           /* an error event (request- or connection-scoped): error */
    WIRE_STEER_ACCEPTED,  /* native steering (response.steer) accepted: the server owns the
                           * input; the commit point is the successor's WIRE_CREATED */
    WIRE_STEER_FAILED,    /* native steering refused: error (code steering_not_supported,
                           * response_already_completed, ...: an open list) */
    WIRE_KIND_COUNT,
} WireKind;

typedef struct WireUsage {
    bool present;
    uint64_t input_tokens;
    uint64_t output_tokens;
    uint64_t cached_tokens;
    /* The server's own generation speed, output tokens per second (llama.cpp's
     * timings.predicted_per_second, Cerebras' time_info); 0 when not given. */
    double server_tokens_per_sec;
} WireUsage;

typedef struct WireError {
    int status;               /* the HTTP status the error carries; 0 when absent */
    const char *type;         /* e.g. "invalid_request_error"; NULL when absent */
    const char *code;         /* e.g. "rate_limit_exceeded"; NULL when absent */
    const char *message;      /* NULL when absent */
    const char *param;        /* NULL when absent */
    int64_t retry_after_ms;   /* retry-after-ms / retry-after (seconds); -1 when absent */
    /* The rate-limit headers: x-ratelimit-reset-requests / -tokens (ms) and
     * x-ratelimit-remaining-requests / -tokens; -1 when absent or not understood. */
    int64_t reset_requests_ms, reset_tokens_ms;
    int64_t remaining_requests, remaining_tokens;
} WireError;

/* Every pointer is into the Wire's storage (or a static string); see the top comment. */
typedef struct WireEvent {
    WireKind kind;
    const char *type;               /* the dialect's name for the event; "" when unknown */
    const char *response_id;        /* lifecycle events; NULL when absent */
    const char *text;               /* DELTA / REFUSAL_DELTA / TEXT_DONE; NULL otherwise */
    size_t text_len;                /* may hold NULs */
    int64_t output_index;           /* which part the text belongs to; -1 when absent */
    int64_t content_index;
    int64_t sequence_number;        /* -1 when absent */
    const char *incomplete_reason;  /* INCOMPLETE; NULL when absent */
    WireUsage usage;                /* DONE / INCOMPLETE / FAILED when the server sent it */
    WireError error;                /* ERROR, FAILED, STEER_FAILED */
    const char *reason;             /* MALFORMED: why (a static string) */
    const char *raw;                /* the bytes this event came from (for logs) */
    size_t raw_len;
} WireEvent;

/* ---- what to do about an error -------------------------------------------------------- */

typedef enum WireAction {
    WIRE_ACT_FAIL,       /* the turn fails (with no turn in flight: a note) */
    WIRE_ACT_RESEND,     /* the chain named is gone: resend once, whole conversation, no chain */
    WIRE_ACT_RECONNECT,  /* the connection is retired: replace it; a request it refused goes
                          * again (once, whole conversation) on the new one */
    WIRE_ACT_WAIT,       /* rate limited: nothing goes out before the error's retry delay */
} WireAction;

/* ---- an HTTP reply that is not a stream ------------------------------------------------ */

/* What an HTTP transport hands over when a request is answered with a status other than
 * 200 (before any stream): the status, the whole body (JSON {"error":{...}} or plain text;
 * may be empty) and the headers the dialects read. Strings are borrowed for the call. */
typedef struct WireHttpError {
    int status;
    const char *body;         /* len bytes; NULL when len is 0 */
    size_t len;
    const char *retry_after;  /* the Retry-After header (seconds or an HTTP-date); NULL */
    const char *retry_after_ms; /* retry-after-ms (OpenAI's); NULL when absent */
} WireHttpError;

/* ---- the interface -------------------------------------------------------------------- */

typedef struct Wire Wire;

typedef struct WireOps {
    const char *name;
    /* A request may continue a response by id (chain_id) instead of carrying the whole
     * conversation, as long as the connection that produced it is still up. */
    bool can_chain;
    /* A request abandoned before its WIRE_CREATED (interrupted, stalled) may still be
     * answered on the same connection, by a WIRE_CREATED or a request-scoped WIRE_ERROR that
     * arrives before anything of the next request (a sequential connection: the FIFO of
     * expected outcomes). False when abandoning a request ends its stream. */
    bool abandoned_answer;
    void (*encode)(Wire *w, const WireRequest *req, StrBuf *out);
    void (*feed)(Wire *w, const char *data, size_t len);
    bool (*next)(Wire *w, WireEvent *ev);
    void (*end)(Wire *w);    /* NULL: nothing is held across messages */
    void (*reset)(Wire *w);  /* a new connection: drop partial input (the event last
                              * returned stays valid) */
    WireAction (*classify)(const Wire *w, const WireError *e);
    void (*free)(Wire *w);
    /* NULL: the dialect never sees HTTP statuses (a WebSocket one): wire_http_error then
     * holds no event, and the caller reports the status itself. */
    void (*http_error)(Wire *w, const WireHttpError *h);
    /* Native mid-turn steering (PROTOCOL.md 1.3, 1.7): appends the message that adds text
     * to the running response response_id (Responses: response.steer with exactly type,
     * previous_response_id and input). NULL: the dialect cannot steer (Chat Completions);
     * the caller then interrupts and asks again. */
    void (*encode_steer)(Wire *w, const char *response_id, const char *text, size_t len,
                         StrBuf *out);
} WireOps;

struct Wire {
    const WireOps *ops;  /* implementations embed a Wire as their first member */
};

/* Appends the request's message to out. */
void wire_encode(Wire *w, const WireRequest *req, StrBuf *out);
/* Hands inbound bytes to the dialect (releases the event held from before). */
void wire_feed(Wire *w, const char *data, size_t len);
/* The next event from what was fed, into *ev; false (and the held storage released) when
 * there is none. */
bool wire_next(Wire *w, WireEvent *ev);
/* The inbound stream ended: what the dialect held may become events (take them with next). */
void wire_end(Wire *w);
void wire_reset(Wire *w);
/* The request was answered with a non-200 status (see WireHttpError): the error event it
 * holds is taken with next. Ends the response (a following end adds nothing). */
void wire_http_error(Wire *w, const WireHttpError *h);
WireAction wire_classify(const Wire *w, const WireError *e);
/* The dialect has native steering (encode_steer); wire_encode_steer appends its message. */
bool wire_can_steer(const Wire *w);
void wire_encode_steer(Wire *w, const char *response_id, const char *text, size_t len,
                       StrBuf *out);
bool wire_can_chain(const Wire *w);
bool wire_abandoned_answer(const Wire *w);
const char *wire_name(const Wire *w);
void wire_free(Wire *w);  /* accepts NULL */

/* One message in, its first event out (WIRE_IGNORED when it held none); the rest of its
 * events, if any, are dropped. For tests and one-message dialects. */
WireKind wire_decode(Wire *w, const char *data, size_t len, WireEvent *ev);
/* Drops every event still held (and their storage). */
void wire_drain(Wire *w);

/* "code: message", or whichever of the two exists, else fallback; appended to out. */
void wire_error_format(StrBuf *out, const WireError *e, const char *fallback);

/* For implementations: an empty event (MALFORMED "empty", every index and delay -1). */
void wire_event_init(WireEvent *ev);
const char *wire_kind_name(WireKind kind);
const char *wire_action_name(WireAction a);

#endif
