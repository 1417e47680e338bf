/* Client -> server messages (PROTOCOL.md 1.3): one complete WebSocket message in, a Request
 * out. A Request is either a response.create to run, or a request-scoped error to send back
 * in its place (invalid JSON, a binary frame, a create without model/input, ...). Both kinds
 * go through the connection's FIFO, so every create gets exactly one answer, in order.
 * Other event types produce no Request and no answer:
 *   - response.processed: Codex's acknowledgement, which a server must accept silently
 *     (PROTOCOL.md 1.3: Codex would read an error as the result of its next turn);
 *   - response.steer: no Request; by default no answer either, since the stable schema
 *     (openai-openapi.yml) has neither response.steer in ResponsesClientEvent nor its
 *     replies in ResponsesServerEvent (validate_schema.py over the dump). With --steer
 *     refuse / accept, tests/backend/steer.c answers it as PROTOCOL.md 1.7 and 7.3 #5 say
 *     (those replies do not validate against the stable schema: no --dump check with them);
 *   - any other type: ignorable, as unknown types are on the wire (1.4).
 * Error tier: none (malformed input becomes a REQ_ERROR; allocation aborts). */
#ifndef FLINT_BACKEND_REQUEST_H
#define FLINT_BACKEND_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

typedef enum RequestKind { REQ_CREATE, REQ_ERROR } RequestKind;

typedef struct Request {
    struct Request *next; /* FIFO link, owned by the queue */
    RequestKind kind;
    /* REQ_ERROR: the ResponseWsError to send (code and param are static strings). */
    int err_status;
    const char *err_code;
    const char *err_param;
    char *err_message;
    /* REQ_CREATE (stream_id also for errors that can be attributed to a lane) */
    char *model;
    char *instructions;  /* NULL when absent or null */
    char *prev_id;       /* previous_response_id; NULL when absent or null. Also set on a
                          * REQ_ERROR whose create named one: the connection evicts a
                          * cached id a failed continuation refers to (PROTOCOL.md 1.5) */
    char *stream_id;
    char *question;      /* the last user input_text (or the input string); never NULL */
    size_t question_len;
    long max_output_tokens; /* -1 when absent */
    bool generate;       /* false for a "generate": false warm-up */
    long input_tokens;   /* rough estimate of the new input: bytes / 4 */
} Request;

/* What one received message was, for the log and the dump. */
typedef struct Incoming {
    char type[64];   /* the event type, or "invalid" / "binary" */
    char prev[80];   /* previous_response_id for the log, "-" if none */
    char *dump;      /* the message re-printed as one compact JSON line; NULL if not JSON */
    Request *req;    /* NULL: nothing to do (unknown type) */
} Incoming;

void request_parse(const char *data, size_t len, bool binary, Incoming *out);
/* A REQ_ERROR request; message is copied. */
Request *request_error(int status, const char *code, const char *param, const char *message);
void request_free(Request *req);

#endif
