/* The client side of the SSE transport tests (test_transport_sse*.c): the lws context, the
 * peer (sse_peer.h) served between lws_service calls, records of every hook call (C), WAIT,
 * and makers for a transport (make, up). sse_env_open/sse_env_close build and tear down the
 * context the way app/loop.c does (no vhost with a client SSL_CTX).
 *
 * Header-only and static inline, like link_support.h: each test program has its own state. */
#ifndef FLINT_TESTS_UNIT_SSE_CLIENT_H
#define FLINT_TESTS_UNIT_SSE_CLIENT_H

#include <libwebsockets.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "harness.h"
#include "net/transport_sse.h"
#include "net_test.h"
#include "sse_peer.h"

static struct lws_context *ctx;
static SsePeer P;
static bool peer_on;
static lws_sorted_usec_list_t tick;

static struct {
    Transport *t;
    int nstates;
    TransportState states[256];
    char last_detail[256];
    StrBuf body;          /* every message, concatenated */
    int nmsgs;
    uint64_t t_first_msg; /* clock_now_ns() of the first message since reset */
    int nends;
    TransportEnd ends[16];
    char end_body[16][256];
    char end_detail[16][320];
    bool interrupt_on_msg;
} C;

static inline void tick_cb(lws_sorted_usec_list_t *sul)
{
    lws_sul_schedule(ctx, 0, sul, tick_cb, 2000);
}

static void (*extra_poll)(void); /* another peer served with P (a proxy) */

static inline void service_once(void)
{
    lws_service(ctx, 0);
    if (peer_on)
        sse_peer_poll(&P);
    if (extra_poll)
        extra_poll();
}

static inline void pump_ms(int ms)
{
    uint64_t dl = clock_now_ns() + (uint64_t)ms * NS_PER_MS;
    while (clock_now_ns() < dl)
        service_once();
}

static inline void on_state(void *ud, TransportState st, const char *detail)
{
    (void)ud;
    if (C.nstates < 256)
        C.states[C.nstates] = st;
    C.nstates++;
    snprintf(C.last_detail, sizeof C.last_detail, "%s", detail);
}

static inline void on_message(void *ud, const char *data, size_t len)
{
    (void)ud;
    CHECK(data[len] == '\0');
    if (!C.nmsgs)
        C.t_first_msg = clock_now_ns();
    C.nmsgs++;
    sb_append(&C.body, data, len);
    if (C.interrupt_on_msg) {
        C.interrupt_on_msg = false;
        transport_interrupt(C.t);
    }
}

static inline void on_end(void *ud, const TransportEnd *e)
{
    (void)ud;
    if (C.nends < 16) {
        C.ends[C.nends] = *e;
        snprintf(C.end_body[C.nends], sizeof C.end_body[0], "%s", e->body);
        snprintf(C.end_detail[C.nends], sizeof C.end_detail[0], "%s", e->detail);
    }
    C.nends++;
}

static const TransportHooks hooks = {on_state, on_message, on_end};

static inline void client_reset(void)
{
    sb_free(&C.body);
    memset(&C, 0, sizeof C);
}

static inline int count_state(TransportState st)
{
    int n = 0;
    for (int i = 0; i < C.nstates && i < 256; i++)
        n += C.states[i] == st;
    return n;
}

static inline int fail_resolve(const char *node, const char *service, const struct addrinfo *hints,
                        struct addrinfo **res)
{
    (void)node, (void)service, (void)hints, (void)res;
    return EAI_NONAME;
}

/* No proxy, whatever the environment running the tests says (the proxy test has its own). */
static inline const char *no_proxy_env(const char *name)
{
    (void)name;
    return NULL;
}

static inline Transport *make(const char *url, const char *key, const char *ca,
                       const TransportSseHeader *h, size_t nh)
{
    client_reset();
    char err[256] = "";
    TransportSseConfig cfg = {.url = url, .api_key = key, .ca_file = ca, .env = no_proxy_env,
                              .headers = h,
                              .n_headers = nh};
    if (strstr(url, ".invalid"))
        cfg.resolve = fail_resolve;
    Transport *t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    if (!t)
        fprintf(stderr, "transport_sse_new(%s): %s\n", url, err);
    C.t = t;
    return t;
}

static inline char *peer_url(void)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%d/v1", P.port);
    return buf;
}

static inline void peer_restart(void)
{
    if (peer_on)
        sse_peer_close(&P);
    peer_on = sse_peer_open(&P);
    CHECK(peer_on);
}

/* A client up on a fresh peer. */
static inline Transport *up(const char *key)
{
    peer_restart();
    Transport *t = make(peer_url(), key, NULL, NULL, 0);
    if (!t)
        return NULL;
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 1, 5000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(P.accepts, 1);
    return t;
}


static inline bool sse_env_open(void)
{
    static struct lws_protocols protos[] = {{"default", lws_callback_http_dummy, 0, 0, 0, NULL, 0},
                                            {NULL, NULL, 0, 0, 0, NULL, 0}};
    ctx = net_test_context(protos);
    if (!ctx)
        return false;
    lws_sul_schedule(ctx, 0, &tick, tick_cb, 2000);
    return true;
}

static inline void sse_env_close(void)
{
    if (peer_on)
        sse_peer_close(&P);
    lws_sul_cancel(&tick);
    lws_context_destroy(ctx);
    client_reset();
}

#endif
