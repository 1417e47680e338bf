/* One client connection of flint-backend: the Responses WebSocket state machine.
 *
 * A Conn lives in lws's per-session storage (zeroed by lws, set up by conn_open, released
 * by conn_closed). It owns:
 *   - rx: the reassembly buffer for a fragmented message (capped, RFC 6455 5.4);
 *   - reqs: the FIFO of received creates and request-scoped errors; one runs at a time and
 *     the next starts only after the previous terminal event (PROTOCOL.md 1.6, 7.3 #13);
 *   - out: built events waiting for WRITEABLE (each with LWS_PRE headroom);
 *   - active: the response being streamed, its answer and pacing clock;
 *   - lanes: the cached response of each stream_id lane (store:false semantics per lane,
 *     PROTOCOL.md 1.5, lanes.h); a create on the same lane that names it and is rejected
 *     with a request-scoped error evicts it (a failed fork from another lane keeps it);
 *   - fault: the scripted faults of the current create (fault.h).
 * Invariants: nothing is written after `closing` is set; `active` is non-NULL exactly
 * between a response's response.created being queued and its terminal event being queued.
 * Error tier: none (protocol errors become error events; allocation aborts). */
#ifndef FLINT_BACKEND_CONN_H
#define FLINT_BACKEND_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "core/strbuf.h"
#include "tests/backend/dump.h"
#include "tests/backend/fault.h"
#include "tests/backend/lanes.h"
#include "tests/backend/pacer.h"
#include "tests/backend/request.h"

/* Settings shared by all connections; owned by the Server. */
typedef struct ConnEnv {
    struct lws_context *ctx;
    double rate;        /* deltas/s, 0 = unpaced */
    long tokens;        /* fixed answer length in deltas, 0 = natural */
    Dump *dump;         /* may be NULL */
    Pacer *pacer;       /* wake-ups for paced streams */
    unsigned rotation;  /* next canned answer when no keyword matches */
    unsigned next_id;   /* connection numbers for the log, from 1 */
    long limit_left;    /* creates still to answer with a 429 (--limit) */
    double limit_secs;  /* their retry-after */
    long stall_left;    /* responses still to stall (--stall) */
    long stall_after;   /* deltas before a stall */
    int steer;          /* SteerMode (tests/backend/steer.h): how response.steer is answered */
    int fault;          /* --fault: FaultKind (tests/backend/fault.h) for ... */
    long fault_left;    /* ... this many more creates */
    bool strict;        /* --gateway strict: a second create in flight is refused */
    uint64_t prefill_ns; /* --prefill-ms: the first delta of a request whose prefix was not
                          * warmed on its connection waits this long (a model's prefill) */
    const char *models; /* --models: "a,b,c" for GET .../models (NULL: "flint-backend") */
} ConnEnv;

typedef struct OutMsg OutMsg;
typedef struct Stream Stream;

typedef struct Conn {
    struct lws *wsi;
    ConnEnv *env;
    unsigned id;
    bool open;          /* conn_open ran (CLOSED may come for a half-made connection) */
    bool closing;       /* peer sent Close or we decided to close: write nothing more */
    bool close_logged;  /* the peer's Close was logged (it can be seen twice, see conn.c) */
    unsigned input_yields; /* consecutive writes deferred to pending input */
    PacerEntry tick;    /* pacing wake-up (--rate > 0) */
    StrBuf rx;
    bool rx_in_message, rx_binary;
    Request *req_head, *req_tail;
    OutMsg *out_head, *out_tail;
    Stream *active;
    Lanes lanes;        /* the cached response of each stream_id lane (lanes.h) */
    FaultState fault;   /* scripted faults (fault.h) */
    uint64_t deltas_sent; /* over the connection's life, for the "closed" log line */
    char *warm_instructions; /* the instructions of the last response run on this connection
                              * (a warm-up's included): a request with the same ones, or one
                              * chained to a response here, skips --prefill-ms */
} Conn;

/* Largest message accepted from a client; larger ones close with 1009 (PROTOCOL.md 7.1). */
#define CONN_MAX_MESSAGE (16u << 20)

void conn_open(Conn *c, struct lws *wsi, ConnEnv *env);
/* A chunk of a received message (LWS_CALLBACK_RECEIVE); returns -1 to close the link. */
int conn_receive(Conn *c, const void *in, size_t len);
/* LWS_CALLBACK_SERVER_WRITEABLE; returns -1 to close the link. */
int conn_writeable(Conn *c);
/* LWS_CALLBACK_WS_PEER_INITIATED_CLOSE with its payload (code + reason). */
void conn_peer_close(Conn *c, const unsigned char *payload, size_t len);
/* LWS_CALLBACK_CLOSED: logs and frees everything the Conn owns. */
void conn_closed(Conn *c);
/* The body of GET .../models for env's --models list (malloc'd JSON). */
char *conn_models_json(const ConnEnv *env);

/* For scripted steering (tests/backend/steer.c): the running response's id (NULL: none),
 * the next sequence number of its events (0 when none runs), an event to send (takes json),
 * and an accepted steer: the response ends as steered after STEER_TAIL_DELTAS more deltas
 * and a successor answers text (conn_steer_pending until it starts). */
const char *conn_active_id(const Conn *c);
int conn_take_seq(Conn *c);
void conn_queue(Conn *c, char *json, size_t len);
void conn_steer_accept(Conn *c, const char *text, size_t len);
bool conn_steer_pending(const Conn *c);

#endif
