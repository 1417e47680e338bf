/* Transport: one connection to a model server that moves whole messages both ways and reports
 * its state; the interface every transport implements (net/transport_ws.c: the Responses
 * WebSocket mode; net/transport_sse.c: HTTP POST answered by a stream, for Chat Completions;
 * tests/support/transport_fake.c: an in-memory one for tests). It knows no JSON: the session
 * gives it bytes to send and takes the bytes that arrive.
 *
 * What a "message" is depends on the medium. On a WebSocket it is one whole message each
 * way. Over HTTP (transport_sse) a sent message is one request body, and an inbound
 * "message" is a chunk of the response body as it arrived (any size, split anywhere, even
 * inside a UTF-8 sequence or an SSE line): the dialect reassembles events itself. There the
 * end of each response is reported through the end hook, after its last chunk.
 *
 * Shape (tmux's window_mode, dte's): a Transport is the first member of each implementation's
 * own struct; `ops` points at that implementation's static table of verbs. What every
 * transport reports -- state, detail, counters, endpoint, up-since -- lives here in the base,
 * so the accessors below are plain reads and a new implementation writes only its verbs.
 *
 * Contract of the verbs (the wrappers below; every implementation keeps it):
 *   start      connect, and keep reconnecting (with a backoff) after a failure or a loss,
 *              until freed. States: IDLE -> CONNECTING -> UP, WAITING while backing off;
 *              STOPPED when the server refused the connection in a way a retry cannot
 *              change (401/403: the key; 404/405: not this protocol): no retry is armed.
 *   send       queue one whole message (copied) for the server; false, and nothing queued,
 *              unless the state is UP: the caller decides what a refused message means.
 *   interrupt  the Esc path: drop everything queued and anything still arriving for the
 *              current request at once, tell the server to stop if the medium can, and get a
 *              fresh connection ready; reports CONNECTING with the detail "interrupted".
 *              From STOPPED it is the one way to try again: one connection attempt.
 *   rotate     the same between turns, to replace an old connection before the server's age
 *              limit cuts it; detail "rotating". Nothing in flight is lost (there is none).
 *   free       closes without waiting; accepts NULL.
 * After interrupt or rotate no message of the old connection is ever delivered.
 *
 * Hooks run on the loop's thread, from inside the transport. A hook may call transport_send,
 * transport_interrupt and transport_rotate on the transport that called it (the transport is
 * in a consistent state whenever it calls a hook), never transport_free: that would free the
 * object still on the stack below the hook.
 *
 * Errors are states (tier 3 in ARCHITECTURE.md: a lost connection is shown, not raised);
 * constructors (e.g. transport_ws_new) return NULL with a message for unusable settings. */
#ifndef FLINT_NET_TRANSPORT_H
#define FLINT_NET_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum TransportState {
    TRANSPORT_IDLE,        /* not started */
    TRANSPORT_CONNECTING,  /* resolving the host name, or the handshake is in progress */
    TRANSPORT_UP,          /* open; messages can be sent */
    TRANSPORT_WAITING,     /* lost or failed; reconnecting after a backoff delay */
    TRANSPORT_STOPPED,     /* refused for good (bad or missing key, wrong protocol): not
                            * retrying until transport_interrupt asks for one attempt; the
                            * detail says what the user can do. A retry would only hammer the
                            * server with the same refused request. */
} TransportState;

/* How a response ended (TransportHooks.end), reported once per request that got a
 * response or lost its connection, in the order the requests were sent; never for a request
 * dropped by interrupt or rotate (their responses are never reported at all).
 *   status 2xx, complete:  the body (every chunk went to the message hook) ended as its
 *                          framing says; for Chat Completions that is "EOF after
 *                          finish_reason" (PROTOCOL.md 4) when there was no [DONE].
 *   status 2xx, !complete: the connection was lost mid-body; detail says so. The state hook
 *                          then reports WAITING (the end comes first).
 *   status 0:              the connection was lost before any response arrived (the request
 *                          may or may not have reached the server: PROTOCOL.md 7.3 item 7).
 *   other status:          the server refused the request (401, 404, 429, 500, a 3xx that is
 *                          never followed). Its body never reaches the message hook: body
 *                          holds its first TRANSPORT_ERROR_BODY bytes as they came (a JSON
 *                          {"error":...} for the dialect to read), and detail a line for the
 *                          status bar ("HTTP 401 from HOST:PORT: <body, sanitised>").
 * The connection itself stays up when the server kept it alive: a refusal is an answer, not
 * a connection failure, so it is no state change (the app decides whether to retry). */
#define TRANSPORT_ERROR_BODY 4096
typedef struct TransportEnd {
    unsigned status;       /* HTTP status; 0 when no response arrived */
    bool complete;         /* the body ended as its framing says */
    const char *body;      /* non-2xx: the start of the body, NUL-terminated ("" if none) */
    size_t body_len;
    const char *detail;    /* never NULL; "" for a complete 2xx response */
    unsigned retry_after_s; /* a 429/503's Retry-After in seconds (capped at 3600); 0: none */
} TransportEnd;

typedef struct TransportHooks {
    /* State changes. detail says why (e.g. "connection refused by HOST:PORT; retry in 0.5 s");
     * never NULL, "" when there is nothing to say. A WAITING detail ends in "; retry in N s";
     * a STOPPED one never does. */
    void (*state)(void *ud, TransportState state, const char *detail);
    /* One complete inbound message. data is valid only during the call, and data[len] ==
     * '\0' (the bytes themselves may contain NULs). */
    void (*message)(void *ud, const char *data, size_t len);
    /* Request/response transports only (never called by the WebSocket one; may be NULL):
     * the response to one sent message is over. See TransportEnd. */
    void (*end)(void *ud, const TransportEnd *end);
} TransportHooks;


typedef struct TransportStats {
    uint64_t connects;          /* connections that came up */
    uint64_t messages_in, bytes_in, messages_out, bytes_out;
    uint64_t interrupt_ns;      /* clock_now_ns() when the last interrupt or rotation reached
                                 * the server (ws: its Close 1000 was written) */
    uint64_t messages_dropped;  /* inbound messages dropped unread (ws: binary messages) */
    uint64_t dns_lookups;       /* background lookups started (none for IP literals) */
    uint64_t dns_last_ns;       /* how long the last finished lookup took */
    uint64_t responses;         /* ends reported (TransportHooks.end) */
} TransportStats;

typedef struct Transport Transport;

typedef struct TransportOps {
    const char *name;  /* "ws", "sse", for logs */
    void (*start)(Transport *t);
    bool (*send)(Transport *t, const char *data, size_t len);
    void (*interrupt)(Transport *t);
    void (*rotate)(Transport *t);
    /* Stop reading the current connection (on) or read again (off). Writes, interrupts,
     * closes and timeouts are unaffected; a connection that stops being current, or a new
     * one, reads. The app holds a fast stream's socket for a few milliseconds so that one
     * wakeup takes several messages (app/rx_batch.h). */
    void (*hold)(Transport *t, bool on);
    void (*free)(Transport *t);
} TransportOps;

/* The base. Implementations fill it with transport_init and change it only through the
 * transport_report_* calls below; everyone else reads it through the accessors. */
struct Transport {
    const TransportOps *ops;
    TransportHooks hooks;
    void *ud;
    TransportState state;
    TransportStats stats;
    uint64_t up_since_ns;   /* clock_now_ns() when the current connection came up */
    const char *endpoint;   /* "host:port", owned by the implementation; never NULL */
};

static inline void transport_start(Transport *t) { t->ops->start(t); }
static inline bool transport_send(Transport *t, const char *data, size_t len)
{
    return t->ops->send(t, data, len);
}
static inline void transport_interrupt(Transport *t) { t->ops->interrupt(t); }
static inline void transport_rotate(Transport *t) { t->ops->rotate(t); }
static inline void transport_hold(Transport *t, bool on) { t->ops->hold(t, on); }
void transport_free(Transport *t);  /* accepts NULL */

static inline TransportState transport_state(const Transport *t) { return t->state; }
static inline const TransportStats *transport_stats(const Transport *t) { return &t->stats; }
/* "host:port" of the connection, for the status line. */
static inline const char *transport_endpoint(const Transport *t) { return t->endpoint; }
/* clock_now_ns() when the current connection came up; 0 when not up. */
static inline uint64_t transport_up_since_ns(const Transport *t)
{
    return t->state == TRANSPORT_UP ? t->up_since_ns : 0;
}
const char *transport_state_name(TransportState s);  /* "idle", ..., "waiting", "stopped" */

/* --- for implementations ---------------------------------------------------------------- */

/* A zeroed base: IDLE, no counters; hooks may be NULL (nothing reported). */
void transport_init(Transport *t, const TransportOps *ops, const TransportHooks *hooks, void *ud,
                    const char *endpoint);
/* Sets the state (and up_since_ns when it becomes UP), then calls the state hook. */
void transport_report_state(Transport *t, TransportState s, const char *detail);
/* Counts one inbound message (messages_in, bytes_in), then calls the message hook;
 * data[len] must be '\0'. */
void transport_report_message(Transport *t, const char *data, size_t len);
/* Counts one response (responses), then calls the end hook. */
void transport_report_end(Transport *t, const TransportEnd *end);

#endif
