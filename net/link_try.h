/* LinkTry: the connection-attempt bookkeeping both transports own one of (transport_ws.c,
 * transport_sse.c): their private lws client vhost, the connect timer, the backoff and the
 * address cache (link_addr.h), with the vhost-wide callback reasons that go with them. It was
 * two copies that had to change together; each transport now embeds one LinkTry and keeps
 * only what differs: what a connection attempt is (the connect hook), when one is current
 * (the current hook), and its backoff table (an lws_retry_bo_t the transport also gives lws).
 *
 * Addresses. t->addr resolves the host in the background and caches its numeric addresses;
 * lws only ever gets a numeric one. A failed connect moves on to the next address without
 * reporting anything (the transport arms the timer with 0 us); only when every address has
 * failed in a row does the transport back off: link_try_wait reports WAITING and arms the
 * timer with the backoff's next delay.
 *
 * The connect timer (an lws sorted-usec timer) lives in the vhost's user data, which lws
 * frees at PROTOCOL_DESTROY, possibly after the owner is gone (lws_vhost_destroy is deferred;
 * link_try_stop unhooks it). When it fires, it starts the next attempt (link_try_next) unless
 * the transport is not started or an attempt is current. Invariant (the transports keep it):
 * the timer is armed only while nothing is current.
 *
 * Ownership: a LinkTry is embedded in its transport and lives as long as it; it keeps
 * pointers to the transport's Transport base and to its host name (its LinkUrl), which must
 * outlive it. Hooks run on the lws service thread, from link_try_next, the timer and the
 * address cache; they may call back into this LinkTry (arm, wait). Errors: link_try_vhost
 * returns false when lws cannot make the vhost (the caller says so); everything else reports
 * through the Transport's state (tier 3: hooks, not returns). */
#ifndef FLINT_NET_LINK_TRY_H
#define FLINT_NET_LINK_TRY_H

#include <stdbool.h>
#include <stdint.h>

#include "net/link_addr.h"
#include "net/transport.h"

typedef struct LinkTryVhost LinkTryVhost; /* link_try.c: the vhost's user data and timer */

typedef struct LinkTryHooks {
    void (*connect)(void *owner);       /* one attempt now, to link_addr_current(&t->addr) */
    bool (*current)(const void *owner); /* an attempt or a connection is current */
} LinkTryHooks;

typedef struct LinkTry {
    Transport *base;        /* the owner's: state reports, stats */
    void *ctx;              /* the app's lws_context */
    void *vh;               /* the vhost (lws'); NULL once lws destroyed it */
    LinkTryVhost *vref;     /* its user data; NULL with vh */
    const void *retry;      /* the owner's backoff policy (static; lws' retry type) */
    LinkTryHooks hooks;
    void *owner;
    uint16_t retries;       /* the backoff's position */
    bool started;           /* transport_start has run: the timer and lookups may connect */
    LinkAddr addr;          /* the address cache (link_addr.h) */
} LinkTry;

/* tag: the log prefix ("link", "sse"); host: the name to resolve (the proxy's through one). */
void link_try_init(LinkTry *t, Transport *base, void *lws_context, const char *tag,
                   const char *host, LinkResolveFn resolve, const void *retry,
                   const LinkTryHooks *hooks, void *owner);

/* Makes the vhost named `name` (also its protocol's name) with `protocols` (an lws_protocols
 * array) and lws' own http_proxy reading off. false: lws could not. */
bool link_try_vhost(LinkTry *t, const char *name, const void *protocols);

/* The first attempt: at once, or (defer) on the loop's next pass with CONNECTING reported. */
void link_try_start(LinkTry *t, bool defer);

/* The next attempt: to a cached address at once, or, with nothing cached, after a lookup. */
void link_try_next(LinkTry *t);

/* Arms the connect timer (a no-op once the vhost is gone). */
void link_try_arm(LinkTry *t, int64_t us);

/* Reports WAITING ("why; retry in N s") and arms the timer with the backoff's next delay,
 * at least min_ms (a 429's Retry-After). */
void link_try_wait(LinkTry *t, const char *why, unsigned min_ms);

/* A connection came up: the backoff and the address failures start again; counted. */
void link_try_up(LinkTry *t);

/* Before the owner is freed: no lookup, no timer, the vhost destroyed (its sockets closed). */
void link_try_stop(LinkTry *t);

/* For the protocol callback (wsi: a struct lws *). link_try_event handles the vhost-wide
 * reasons (PROTOCOL_DESTROY, EVENT_WAIT_CANCELLED) of the vhost `name`: true when `reason`
 * was one of them (the callback returns 0). link_try_conn: the opaque user data of a wsi of
 * the vhost `name` (a wsi of another vhost carries whatever its owner put there), or NULL. */
bool link_try_event(void *wsi, int reason, const char *name);
void *link_try_conn(void *wsi, const char *name);

#endif
