/* Transport: one connection to a model server that moves whole messages both ways and reports
 * its state; the interface every transport implements (net/transport_ws.c: the Responses
 * WebSocket mode; tests/support/transport_fake.c: an in-memory one for tests). It knows no
 * JSON: the session gives it bytes to send and takes the bytes that arrive.
 *
 * Shape (tmux's window_mode, dte's): a Transport is the first member of each implementation's
 * own struct; `ops` points at that implementation's static table of verbs. What every
 * transport reports -- state, detail, counters, endpoint, up-since -- lives here in the base,
 * so the accessors below are plain reads and a new implementation writes only its verbs.
 *
 * Contract of the verbs (the wrappers below; every implementation keeps it):
 *   start      connect, and keep reconnecting (with a backoff) after a failure or a loss,
 *              until freed. States: IDLE -> CONNECTING -> UP, WAITING while backing off.
 *   send       queue one whole message (copied) for the server; false, and nothing queued,
 *              unless the state is UP: the caller decides what a refused message means.
 *   interrupt  the Esc path: drop everything queued and anything still arriving for the
 *              current request at once, tell the server to stop if the medium can, and get a
 *              fresh connection ready; reports CONNECTING with the detail "interrupted".
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
} TransportState;

typedef struct TransportHooks {
    /* State changes. detail says why (e.g. "connection refused by HOST:PORT; retry in 0.5 s");
     * never NULL, "" when there is nothing to say. A WAITING detail ends in "; retry in N s". */
    void (*state)(void *ud, TransportState state, const char *detail);
    /* One complete inbound message. data is valid only during the call, and data[len] ==
     * '\0' (the bytes themselves may contain NULs). */
    void (*message)(void *ud, const char *data, size_t len);
} TransportHooks;

typedef struct TransportStats {
    uint64_t connects;          /* connections that came up */
    uint64_t messages_in, bytes_in, messages_out, bytes_out;
    uint64_t interrupt_ns;      /* clock_now_ns() when the last interrupt or rotation reached
                                 * the server (ws: its Close 1000 was written) */
    uint64_t messages_dropped;  /* inbound messages dropped unread (ws: binary messages) */
    uint64_t dns_lookups;       /* background lookups started (none for IP literals) */
    uint64_t dns_last_ns;       /* how long the last finished lookup took */
} TransportStats;

typedef struct Transport Transport;

typedef struct TransportOps {
    const char *name;  /* "ws", for logs */
    void (*start)(Transport *t);
    bool (*send)(Transport *t, const char *data, size_t len);
    void (*interrupt)(Transport *t);
    void (*rotate)(Transport *t);
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
const char *transport_state_name(TransportState s);  /* "idle", "connecting", "up", "waiting" */

/* --- for implementations ---------------------------------------------------------------- */

/* A zeroed base: IDLE, no counters; hooks may be NULL (nothing reported). */
void transport_init(Transport *t, const TransportOps *ops, const TransportHooks *hooks, void *ud,
                    const char *endpoint);
/* Sets the state (and up_since_ns when it becomes UP), then calls the state hook. */
void transport_report_state(Transport *t, TransportState s, const char *detail);
/* Counts one inbound message (messages_in, bytes_in), then calls the message hook;
 * data[len] must be '\0'. */
void transport_report_message(Transport *t, const char *data, size_t len);

#endif
