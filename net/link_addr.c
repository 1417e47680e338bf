/* LinkAddr (link_addr.h): the DNS and address-cache rules of both transports, in one place.
 * It was two copies (transport_ws.c and transport_sse.c) that had to change together; now
 * each transport embeds one LinkAddr and keeps only what differs: what counts as a failed
 * attempt (ws: no HTTP answer to the upgrade; sse: the socket never came up) and how it backs
 * off (the hooks).
 *
 * Logs keep each transport's prefix ("link: resolved ...", "sse: resolved ..."): tests and
 * people read them. */
#include "net/link_addr.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

void link_addr_init(LinkAddr *a, const char *tag, const char *host, LinkResolveFn resolve,
                    void *wake_arg, TransportStats *stats, const LinkAddrHooks *hooks,
                    void *owner)
{
    memset(a, 0, sizeof *a);
    a->tag = tag;
    a->host = host;
    a->resolve = resolve;
    a->wake_arg = wake_arg;
    a->stats = stats;
    a->hooks = *hooks;
    a->owner = owner;
    a->literal = link_dns_literal(host);
    if (a->literal) {
        a->addrs.n = 1;
        snprintf(a->addrs.addr[0], sizeof a->addrs.addr[0], "%s", host);
    }
}

/* Runs on the resolver thread, under its lock, only while the owner still holds the lookup
 * (link_addr_stop abandons it first), so the context is alive. */
static void addr_wake(void *ctx) { lws_cancel_service(ctx); }

/* Starts a background lookup unless one is running. */
static void dns_begin(LinkAddr *a)
{
    if (a->dns || !a->wake_arg)
        return;
    char err[160];
    a->stats->dns_lookups++;
    a->dns = link_dns_start(a->host, a->resolve, addr_wake, a->wake_arg, err, sizeof err);
    if (a->dns)
        return;
    log_msg("%s: %s", a->tag, err);
    if (a->dns_wait) {
        a->dns_wait = false;
        a->hooks.wait(a->owner, err);
    }
}

bool link_addr_next(LinkAddr *a)
{
    if (a->addrs.n) {
        if (!a->literal && clock_now_ns() - a->addrs_t > LINK_ADDR_TTL_NS)
            dns_begin(a); /* refresh in the background; the cached address is used meanwhile */
        return true;
    }
    a->dns_wait = true;
    dns_begin(a);
    return false;
}

bool link_addr_failed(LinkAddr *a, const char *why, const char *addr)
{
    if (!a->addrs.n)
        return false;
    a->idx = (a->idx + 1) % a->addrs.n;
    if (++a->fails < a->addrs.n) {
        log_msg("%s: failed %s (via %s); trying %s", a->tag, why, addr, a->addrs.addr[a->idx]);
        return true;
    }
    /* every address failed in a row: the host may have moved */
    a->fails = 0;
    if (!a->literal)
        dns_begin(a);
    return false;
}

void link_addr_poll(LinkAddr *a)
{
    LinkDnsResult r;
    if (!a->dns || !link_dns_take(a->dns, &r))
        return;
    a->dns = NULL;
    bool waiting = a->dns_wait;
    a->dns_wait = false;
    a->stats->dns_last_ns = r.elapsed_ns;
    double ms = (double)r.elapsed_ns / 1e6;
    if (!r.ok) {
        char why[256];
        snprintf(why, sizeof why, "cannot resolve %s: %s", a->host, r.error);
        log_msg("%s: %s (%.3f ms)%s", a->tag, why, ms,
                waiting ? "" : "; keeping the cached addresses");
        if (waiting)
            a->hooks.wait(a->owner, why);
        return;
    }
    char list[LINK_DNS_MAX * (LINK_DNS_ADDR_LEN + 2)];
    link_addrs_format(&r.addrs, list, sizeof list);
    log_msg("%s: resolved %s -> %s (%.3f ms)", a->tag, a->host, list, ms);
    /* Keep starting from the address that works, if it is still there. */
    int idx = 0;
    for (int i = 0; a->addrs.n && i < r.addrs.n; i++)
        if (!strcmp(r.addrs.addr[i], a->addrs.addr[a->idx]))
            idx = i;
    a->addrs = r.addrs;
    a->addrs_t = clock_now_ns();
    a->idx = idx;
    a->fails = 0;
    if (waiting)
        a->hooks.connect(a->owner);
}

void link_addr_stop(LinkAddr *a)
{
    link_dns_abandon(a->dns);
    a->dns = NULL;
    a->dns_wait = false;
    a->wake_arg = NULL;
}
