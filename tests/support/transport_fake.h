/* TransportFake: an in-memory Transport (net/transport.h) for tests, and the proof that a
 * second implementation is one file. No socket, no loop, no time: everything happens inside
 * the call that causes it.
 *
 * It keeps the interface's contract: send is refused (false, nothing recorded) unless the
 * state is UP; interrupt and rotate drop nothing (nothing is queued: a sent message is
 * "on the wire" at once) and, once started, report CONNECTING with the detail "interrupted"
 * or "rotating", after which no message reaches the hook until the test reports UP again.
 * start reports CONNECTING. The test plays the server: transport_fake_set_state reports any
 * state, transport_fake_receive delivers one inbound message through the message hook.
 *
 * Every sent message is kept (copied) in order; the counters say how often each verb ran.
 * Ownership: transport_fake_new's result is freed with transport_free (accepts NULL). The
 * hooks may call the transport as transport.h allows, also from inside the fake's calls. */
#ifndef FLINT_TESTS_SUPPORT_TRANSPORT_FAKE_H
#define FLINT_TESTS_SUPPORT_TRANSPORT_FAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/transport.h"

typedef struct TransportFake {
    Transport base;  /* first: the Transport the code under test holds */
    int starts, interrupts, rotations;
    bool held;  /* transport_hold: reading stopped */
    int holds;  /* how many times it was held */
    int refused;     /* sends refused while not UP */
    int nsent;
    char **sent;     /* nsent messages, each NUL-terminated (the bytes may hold NULs) */
    size_t *sent_len;
    char endpoint[64];
} TransportFake;

/* endpoint: what transport_endpoint says (NULL: "fake:0"). */
TransportFake *transport_fake_new(const TransportHooks *hooks, void *ud, const char *endpoint);
/* The test's server side: reports a state (detail NULL: ""). UP counts a connect. */
void transport_fake_set_state(TransportFake *f, TransportState s, const char *detail);
/* Delivers one inbound message through the message hook. false (and nothing delivered) when
 * the state is not UP: a real transport delivers nothing then either. */
bool transport_fake_receive(TransportFake *f, const char *data, size_t len);
/* Reports the end of a response through the end hook (TransportHooks.end), as a
 * request/response transport does: status 0 or 2xx with complete, or a refusal with a body
 * (NULL: ""); detail NULL: "" for a complete 2xx, else "HTTP <status>". false (and nothing
 * reported) when the state is not UP. */
bool transport_fake_end(TransportFake *f, unsigned status, bool complete, const char *body);
/* The i-th sent message (0-based), or NULL past the end; *len its length if len. */
const char *transport_fake_sent(const TransportFake *f, int i, size_t *len);
void transport_fake_clear_sent(TransportFake *f);

#endif
