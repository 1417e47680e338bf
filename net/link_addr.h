/* LinkAddr: the address cache both transports own one of (transport_ws.c, transport_sse.c).
 *
 * lws 4.1.6 runs getaddrinfo on ci.address inside lws_client_connect_via_info, on the service
 * thread, so a transport only ever gives lws a numeric address and keeps the host name for the
 * Host header, SNI and the certificate check. Names are resolved on a thread of their own
 * (link_dns.h); its wake (lws_cancel_service) comes back to the transport as
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED, where it calls link_addr_poll.
 *
 * Rules: every (re)connect uses the cache at once, starting at the last address that worked.
 * A failed connect (the server never answered) moves on to the next address without a report;
 * only when every address has failed in a row does the transport back off and the cache is
 * re-resolved in the background. A cache older than LINK_ADDR_TTL_NS is refreshed in the
 * background while still used. IP literals are never resolved.
 *
 * The owner is called back (on the loop's thread, from link_addr_next / link_addr_poll /
 * link_addr_failed) through two hooks:
 *   wait(owner, why)  a lookup that a connect was waiting for failed: back off.
 *   connect(owner)    a lookup that a connect was waiting for succeeded: connect now to
 *                     link_addr_current().
 * Invariant: a->dns_wait  =>  a->dns != NULL. Error tier 3 (failures are hooks, not returns). */
#ifndef FLINT_NET_LINK_ADDR_H
#define FLINT_NET_LINK_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "net/link_dns.h"
#include "net/transport.h"

#define LINK_ADDR_TTL_NS (300ull * 1000000000ull) /* re-resolve in the background after this */

typedef struct LinkAddrHooks {
    void (*wait)(void *owner, const char *why);
    void (*connect)(void *owner);
} LinkAddrHooks;

typedef struct LinkAddr {
    const char *tag;        /* "link", "sse": the log prefix */
    const char *host;       /* owned by the transport (its LinkUrl) */
    LinkResolveFn resolve;  /* NULL: getaddrinfo */
    void *wake_arg;         /* the lws context; NULL once stopped (no lookup starts) */
    TransportStats *stats;  /* dns_lookups, dns_last_ns */
    LinkAddrHooks hooks;
    void *owner;
    bool literal;           /* host is an IP literal: addrs holds it, never resolved */
    LinkAddrs addrs;        /* the cache; n == 0 until the first lookup succeeds */
    uint64_t addrs_t;       /* clock_now_ns() when the cache was filled */
    int idx;                /* address of the next attempt */
    int fails;              /* addresses failed in a row */
    LinkDns *dns;           /* lookup in flight, or NULL */
    bool dns_wait;          /* connect when it ends: nothing cached to connect to */
} LinkAddr;

void link_addr_init(LinkAddr *a, const char *tag, const char *host, LinkResolveFn resolve,
                    void *wake_arg, TransportStats *stats, const LinkAddrHooks *hooks,
                    void *owner);

/* The numeric address of the next attempt; valid only while link_addr_next returned true. */
static inline const char *link_addr_current(const LinkAddr *a) { return a->addrs.addr[a->idx]; }

/* A connect is wanted. true: an address is cached, connect now (a stale cache is refreshed in
 * the background meanwhile). false: a lookup runs; the connect or wait hook follows (the wait
 * hook may already have run, if no lookup could start). */
bool link_addr_next(LinkAddr *a);

/* The attempt to `addr` failed before the server answered. true: the next address is due at
 * once (logged; no report). false: every address failed in a row, or nothing is cached; a
 * re-resolve has started in the background and the owner backs off. */
bool link_addr_failed(LinkAddr *a, const char *why, const char *addr);

/* A connection came up: the failure count starts again. */
static inline void link_addr_ok(LinkAddr *a) { a->fails = 0; }

/* LWS_CALLBACK_EVENT_WAIT_CANCELLED: collects a finished lookup, if ours is one. */
void link_addr_poll(LinkAddr *a);

/* Abandons any lookup (its wake must not reach a dying context) and starts no more. */
void link_addr_stop(LinkAddr *a);

#endif
