/* Scripted faults of flint-backend's WebSocket mode (PROTOCOL.md 7.3 #2, #7, #8, #10, #11, #12,
 * #13), for the client tests. A fault is chosen per response.create: by the keyword
 * "fault:NAME" in the question (before flint's "---" context rule), else by --fault NAME[:N]
 * for the first N creates of the server (N defaults to 1). Names:
 *   hang        nothing is sent for the create and the socket is no longer read, so pings go
 *               unanswered: a silent hang with the connection kept (7.3 #12);
 *   rst-before  TCP RST (SO_LINGER 0) as the create arrives, before any event (7.3 #7);
 *   rst-mid     RST after FAULT_MID_DELTAS deltas (7.3 #7);
 *   drop-before / drop-mid   the same, but a plain close (FIN) without a Close frame;
 *   huge        response.created, then a 20 MiB response.completed frame (7.3 #10);
 *   big         the normal answer, but its response.completed carries 5 MiB more output (a
 *               reasoning item): a legal large final event (7.3 #10);
 *   frag        from this create on, every message of the connection goes out as many
 *               continuation frames: 1-byte fragments first, then 1..7 bytes (4 KiB in a
 *               message over 64 KiB), so boundaries fall inside multi-byte UTF-8 sequences,
 *               with a ping every 16 fragments (7.3 #11);
 *   limit       the create is answered with websocket_connection_limit_reached and the
 *               server closes (1000), OpenAI style (7.3 #8);
 *   limit-idle  the normal answer; then, on the idle socket, an unsolicited
 *               websocket_connection_limit_reached and a close (1000), xAI style (7.3 #8);
 *   prev-lost   a chained create (previous_response_id set) is answered with
 *               previous_response_not_found even when the id is cached (7.3 #2); an unchained
 *               one is answered normally.
 * --gateway strict (ConnEnv.strict): a create that arrives while another response runs or
 * waits is rejected at once with response_already_in_flight (7.3 #13), instead of queued.
 * Log lines: "fault conn=C NAME", "fault conn=C rst|drop after=K".
 * Error tier: none. */
#ifndef FLINT_BACKEND_FAULT_H
#define FLINT_BACKEND_FAULT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum FaultKind {
    FAULT_NONE,
    FAULT_HANG,
    FAULT_RST_BEFORE,
    FAULT_RST_MID,
    FAULT_DROP_BEFORE,
    FAULT_DROP_MID,
    FAULT_HUGE,
    FAULT_BIG,
    FAULT_FRAG,
    FAULT_LIMIT,
    FAULT_LIMIT_IDLE,
    FAULT_PREV_LOST,
} FaultKind;

/* Deltas sent before a *-mid cut. */
#define FAULT_MID_DELTAS 3
/* Sizes of the "huge" and "big" events. */
#define FAULT_HUGE_BYTES (20u << 20)
#define FAULT_BIG_BYTES (5u << 20)
/* How long the socket is idle before limit-idle's unsolicited error. */
#define FAULT_IDLE_US 300000

/* The per-connection state, embedded in Conn (zeroed by conn_open). */
typedef struct FaultState {
    bool cut;           /* cut the connection once the out queue is empty ... */
    bool cut_rst;       /* ... with a RST (else a FIN without a Close frame) ... */
    long cut_at;        /* ... and the active response (if any) sent this many deltas */
    bool frag;          /* fragment every message from now on */
    unsigned frag_n;    /* fragments sent, for the ping cadence */
    bool big;           /* pad the next response.completed */
    bool limit_idle;    /* after the next terminal: idle, then the limit error + close */
    bool close_after;   /* close (1000) once the out queue is empty */
    bool hung;          /* hang: nothing more is read or written */
    unsigned char *pend; /* frag: the message being fragmented (LWS_PRE + pend_len) ... */
    size_t pend_len, pend_off, pend_i; /* ... its length, bytes and fragments sent */
} FaultState;

struct Conn;
struct Request;

/* "hang", "rst-mid", ... -> FaultKind; false for an unknown name. */
bool fault_parse(const char *name, FaultKind *out);
const char *fault_name(FaultKind k);

/* The fault for a create: its keyword, else the next of --fault's count. */
FaultKind fault_for(struct Conn *c, const struct Request *q);

/* Acts on a fault at the start of a create. Returns true when the create is fully handled
 * (no normal response follows); false to stream the normal answer (the state in c->fault
 * then does the rest). */
bool fault_start(struct Conn *c, const struct Request *q, FaultKind k);

/* Cuts the connection as c->fault says (RST or FIN, no Close frame); returns -1 for lws. */
int fault_cut(struct Conn *c);
/* Closes with 1000 (the limit faults); returns -1 for lws. */
int fault_close(struct Conn *c);

/* Sends one message as fragments (c->fault.frag); false if the socket failed. buf has
 * LWS_PRE bytes of headroom before the len bytes of the message (copied: what the socket
 * does not take now stays in c->fault.pend). */
bool fault_send_fragments(struct Conn *c, unsigned char *buf, size_t len);
/* More fragments of c->fault.pend while the socket takes them (freed when all are sent);
 * false if the socket failed. */
bool fault_send_pending(struct Conn *c);

/* The response's terminal event was built: pads it (big) and queues the idle limit error
 * (limit-idle). *json may be replaced (the old one freed). */
void fault_terminal(struct Conn *c, char **json, size_t *len);

/* LWS_CALLBACK_TIMER (limit-idle): the unsolicited error, then close_after. */
int fault_timer(struct Conn *c);

/* --gateway strict: a create while another is running or waiting; true if it was refused
 * (the error is queued and q freed). */
bool fault_gateway_refuse(struct Conn *c, struct Request *q);

#endif
