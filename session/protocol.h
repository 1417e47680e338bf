/* Protocol: the OpenAI Responses API over a WebSocket (PROTOCOL.md 1.3-1.7, 7.1), as bytes.
 *
 * Encode: a ProtoRequest -> the text of one `response.create` client message
 * (schema ResponsesClientEvent). Always "store":false; never "stream", "background" or
 * "stream_id" (default lane only). Input items are EasyInputMessage objects: the user's with
 * an input_text content list, earlier assistant answers with plain string content (the one
 * assistant form that needs no item id; see openai-openapi.yml EasyInputMessage).
 *
 * Decode: one complete server text message -> a typed ProtoEvent. The event points into a
 * parse tree that it owns, so decoding allocates nothing beyond the JSON parser's own nodes;
 * one ProtoEvent is meant to be reused for every message of a connection. (The one
 * exception: a text field that holds an escaped NUL is decoded again, with its length, into
 * a buffer the event owns; text/text_len always cover the whole text, NULs included.)
 *
 * Errors: none reach the caller. Bytes that are not a JSON object with a string "type" (or a
 * known event missing its one essential field) decode as PROTO_MALFORMED with a reason;
 * unknown types decode as PROTO_IGNORED. Allocation failure aborts (tier 2). */
#ifndef FLINT_SESSION_PROTOCOL_H
#define FLINT_SESSION_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* ---- encoding ------------------------------------------------------------------------- */

typedef enum ProtoRole {
    PROTO_ROLE_USER,
    PROTO_ROLE_ASSISTANT,
} ProtoRole;

typedef struct ProtoMessage {
    ProtoRole role;
    const char *text;  /* len bytes; any bytes (invalid UTF-8 is sent as U+FFFD) */
    size_t len;
} ProtoMessage;

typedef struct ProtoRequest {
    const char *model;                 /* required */
    const char *instructions;          /* NULL: field omitted */
    const char *previous_response_id;  /* NULL: field omitted (start of a chain) */
    const ProtoMessage *input;         /* n_input items, in conversation order */
    size_t n_input;
} ProtoRequest;

/* Appends the `response.create` JSON text (compact, one line, fixed key order:
 * type, model, store, instructions, previous_response_id, input) to out. */
void proto_encode_create(const ProtoRequest *req, StrBuf *out);
/* Appends s[0..len) as a JSON string literal (with quotes), always valid UTF-8. */
void proto_append_json_string(StrBuf *out, const char *s, size_t len);

/* ---- decoding ------------------------------------------------------------------------- */

typedef enum ProtoKind {
    PROTO_MALFORMED,       /* not understood: see ProtoEvent.reason */
    PROTO_IGNORED,         /* a valid event flint has no use for (or an unknown type) */
    PROTO_CREATED,         /* response.created: response_id */
    PROTO_DELTA,           /* response.output_text.delta: text/text_len */
    PROTO_REFUSAL_DELTA,   /* response.refusal.delta: text/text_len (shown like text) */
    PROTO_TEXT_DONE,       /* response.output_text.done: text/text_len = the whole part */
    PROTO_COMPLETED,       /* response.completed: response_id, usage */
    PROTO_INCOMPLETE,      /* response.incomplete: response_id, incomplete_reason, usage */
    PROTO_FAILED,          /* response.failed: response_id, error.code/message */
    PROTO_ERROR,           /* error (WebSocket nested shape or flat SSE shape): error */
    PROTO_STEER_ACCEPTED,  /* response.steer.accepted (beta; flint does not steer yet) */
    PROTO_STEER_FAILED,    /* response.steer.failed: error.code/message */
    PROTO_KIND_COUNT,
} ProtoKind;

typedef struct ProtoUsage {
    bool present;
    uint64_t input_tokens;
    uint64_t output_tokens;
    uint64_t cached_tokens;  /* input_tokens_details.cached_tokens */
} ProtoUsage;

typedef struct ProtoError {
    int status;               /* the WebSocket error's HTTP status; 0 when absent */
    const char *type;         /* e.g. "invalid_request_error"; NULL when absent */
    const char *code;         /* e.g. "previous_response_not_found"; NULL when absent */
    const char *message;      /* NULL when absent */
    const char *param;        /* NULL when absent */
    int64_t retry_after_ms;   /* from headers retry-after-ms / retry-after (seconds); -1 */
    /* x-ratelimit-reset-requests / -tokens (durations such as "1s", "6m0s", "20ms") and
     * x-ratelimit-remaining-requests / -tokens; -1 when absent or not understood. */
    int64_t reset_requests_ms, reset_tokens_ms;
    int64_t remaining_requests, remaining_tokens;
} ProtoError;

/* Every pointer points into the event's parse tree (or at a static string) and stays valid
 * until the next proto_decode or proto_event_clear on the same event. Zero-initialised
 * ({0}) is a valid, empty event. */
typedef struct ProtoEvent {
    ProtoKind kind;
    const char *type;               /* the "type" value; "" when malformed before it */
    const char *response_id;        /* response.id of lifecycle events; NULL when absent */
    const char *text;               /* DELTA / REFUSAL_DELTA / TEXT_DONE; NULL otherwise */
    size_t text_len;
    int64_t output_index;           /* DELTA/TEXT_DONE; -1 when absent */
    int64_t content_index;          /* DELTA/TEXT_DONE; -1 when absent */
    int64_t sequence_number;        /* -1 when absent */
    const char *incomplete_reason;  /* INCOMPLETE: incomplete_details.reason; NULL if absent */
    ProtoUsage usage;               /* COMPLETED / INCOMPLETE / FAILED when the server sent it */
    ProtoError error;               /* ERROR, FAILED, STEER_FAILED */
    const char *reason;             /* MALFORMED: why (a static string) */
    void *tree_;                    /* private: the parse tree */
    StrBuf *own_;                   /* private: text decoded again when it holds a NUL */
} ProtoEvent;

/* Decodes one message (data need not be NUL-terminated). Releases the previous tree. */
ProtoKind proto_decode(ProtoEvent *ev, const char *data, size_t len);
/* Releases the parse tree; the event becomes empty. Safe to call repeatedly. */
void proto_event_clear(ProtoEvent *ev);
const char *proto_kind_name(ProtoKind kind);

#endif
