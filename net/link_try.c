/* LinkTry (see link_try.h). */
#include "net/link_try.h"

#include <libwebsockets.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* The vhost's user pointer. It outlives the owner when lws destroys the vhost later than the
 * owner's free (lws_vhost_destroy is deferred), so callbacks then see t == NULL. */
struct LinkTryVhost {
    LinkTry *t;
    lws_sorted_usec_list_t sul; /* the connect timer */
};

static void try_sul_cb(lws_sorted_usec_list_t *sul)
{
    LinkTryVhost *ref = (LinkTryVhost *)(void *)((char *)sul - offsetof(LinkTryVhost, sul));
    LinkTry *t = ref->t;
    if (!t || t->hooks.current(t->owner) || !t->started)
        return;
    link_try_next(t);
}

/* --- resolving: the LinkAddr hooks ------------------------------------------------------ */

static void addr_wait(void *owner, const char *why)
{
    LinkTry *t = owner;
    if (t->started)
        link_try_wait(t, why, 0);
}

static void addr_connect(void *owner)
{
    LinkTry *t = owner;
    if (t->started && !t->hooks.current(t->owner))
        t->hooks.connect(t->owner);
}

void link_try_init(LinkTry *t, Transport *base, void *lws_context, const char *tag,
                   const char *host, LinkResolveFn resolve, const void *retry,
                   const LinkTryHooks *hooks, void *owner)
{
    memset(t, 0, sizeof *t);
    t->base = base;
    t->ctx = lws_context;
    t->retry = retry;
    t->hooks = *hooks;
    t->owner = owner;
    static const LinkAddrHooks addr_hooks = {addr_wait, addr_connect};
    link_addr_init(&t->addr, tag, host, resolve, lws_context, &base->stats, &addr_hooks, t);
}

bool link_try_vhost(LinkTry *t, const char *name, const void *protocols)
{
    t->vref = xcalloc(1, sizeof *t->vref);
    t->vref->t = t;
    struct lws_context_creation_info vi;
    memset(&vi, 0, sizeof vi);
    vi.vhost_name = name;
    vi.port = CONTEXT_PORT_NO_LISTEN;
    vi.protocols = protocols;
    vi.options = 0; /* no client SSL_CTX: transport_ws adds one when wss:// needs it */
    /* Not lws' own reading of http_proxy (it would take it for wss:// too, and CONNECT by
     * itself for sse): a proxy with port 0 is none to it; the transports do their own. */
    vi.http_proxy_address = "0.0.0.0:0";
    vi.user = t->vref;
    t->vh = lws_create_vhost(t->ctx, &vi);
    if (t->vh)
        return true;
    /* lws may or may not have run PROTOCOL_DESTROY on the half-made vhost; the ref is only
     * freed there, so leaving it is the safe side of a one-off leak. */
    t->vref->t = NULL;
    t->vref = NULL;
    return false;
}

void link_try_arm(LinkTry *t, int64_t us)
{
    if (t->vh)
        lws_sul_schedule(t->ctx, 0, &t->vref->sul, try_sul_cb, (lws_usec_t)us);
}

void link_try_wait(LinkTry *t, const char *why, unsigned min_ms)
{
    char conceal;
    unsigned ms = lws_retry_get_delay_ms(t->ctx, t->retry, &t->retries, &conceal);
    if (ms < min_ms)
        ms = min_ms; /* the server asked for it (429 Retry-After) */
    char detail[256];
    snprintf(detail, sizeof detail, "%s; retry in %.1f s", why, ms / 1000.0);
    link_try_arm(t, (int64_t)ms * 1000);
    transport_report_state(t->base, TRANSPORT_WAITING, detail);
}

void link_try_next(LinkTry *t)
{
    if (t->base->state != TRANSPORT_CONNECTING)
        transport_report_state(t->base, TRANSPORT_CONNECTING, "");
    if (link_addr_next(&t->addr))
        t->hooks.connect(t->owner);
}

void link_try_start(LinkTry *t, bool defer)
{
    if (t->started)
        return;
    t->started = true;
    if (defer) {
        transport_report_state(t->base, TRANSPORT_CONNECTING, "");
        link_try_arm(t, 1);
        return;
    }
    link_try_next(t);
}

void link_try_up(LinkTry *t)
{
    t->retries = 0;
    link_addr_ok(&t->addr);
    t->base->stats.connects++;
}

void link_try_stop(LinkTry *t)
{
    /* A lookup in flight finishes on its own thread and frees itself; from here on it
     * cannot call lws_cancel_service (the app may destroy the context next). */
    link_addr_stop(&t->addr);
    if (t->vh) {
        lws_sul_cancel(&t->vref->sul);
        t->vref->t = NULL;
        lws_vhost_destroy(t->vh); /* closes its sockets at once, no close handshake */
    }
}

static const char *vhost_name(struct lws *wsi)
{
    struct lws_vhost *vh = lws_get_vhost(wsi);
    return vh ? lws_get_vhost_name(vh) : NULL;
}

bool link_try_event(void *wsi, int reason, const char *name)
{
    if (reason != LWS_CALLBACK_PROTOCOL_DESTROY && reason != LWS_CALLBACK_EVENT_WAIT_CANCELLED)
        return false;
    /* Both come with a stand-in wsi that only knows its vhost (lws_broadcast sends
     * WAIT_CANCELLED to every protocol of every vhost; PROTOCOL_DESTROY runs as the vhost
     * goes: the owner's free, or the context destroyed before it). */
    const char *vname = vhost_name(wsi);
    if (!vname || strcmp(vname, name) != 0)
        return true;
    LinkTryVhost *ref = lws_vhost_user(lws_get_vhost(wsi));
    if (!ref)
        return true;
    if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
        if (ref->t)
            link_addr_poll(&ref->t->addr);
        return true; /* the callback returns 0: nonzero would make lws close its cancel pipe */
    }
    if (ref->t) {
        LinkTry *t = ref->t;
        lws_sul_cancel(&ref->sul);
        link_addr_stop(&t->addr); /* its wake must not reach the dying context */
        t->vh = NULL;
        t->vref = NULL;
    }
    free(ref);
    return true;
}

void *link_try_conn(void *wsi, const char *name)
{
    const char *vname = vhost_name(wsi);
    if (!vname || strcmp(vname, name) != 0)
        return NULL;
    return lws_get_opaque_user_data(wsi);
}
