/* TransportWs through an HTTP proxy (lws' client proxy, set per connect by transport_ws.c;
 * net/link_proxy.h) against proxy_peer.h in front of link_support.h's server: ws:// to a name
 * only the proxy knows (no lookup here; CONNECT names it; the Host header too), Basic
 * credentials from the URL, a message each way, interrupt (a new tunnel); wss:// through the
 * tunnel with SNI and the certificate checked against the name end to end (a TLS vhost with a
 * DNS:chat.example.test certificate from a throwaway CA; skipped without the openssl CLI);
 * a 407 said as the proxy refusing the tunnel; NO_PROXY straight to the server. Also the
 * provider's extra headers on the upgrade request (and the refusal of reserved or injected
 * ones). Prints the tunnel set-up time on loopback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link_support.h"
#include "proxy_peer.h"
#include "support/tls_support.h"

/* The proxy X, proxy_on, env_vars and their helpers: proxy_peer.h. */
static int tls_port;
static TestCa CA;

/* The environment: var names the proxy (with auth@ when given), no_proxy is no_proxy. */
static void set_proxy(const char *var, const char *auth, const char *no_proxy)
{
    set_env(var, proxy_url(auth), "no_proxy", no_proxy);
}

static const HttpField *xh;
static size_t nxh;

static Transport *make_via(const char *url, const char *ca)
{
    client_reset();
    char err[256] = "";
    TransportWsConfig cfg = {.url = url, .api_key = "sk-px", .ca_file = ca, .env = test_env,
                             .resolve = resolver, .allow_insecure = true, .headers = xh,
                             .n_headers = nxh};
    Transport *l = transport_ws_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    if (!l)
        fprintf(stderr, "transport_ws_new(%s): %s\n", url, err);
    C.link = l;
    return l;
}

static void test_ws_through_proxy(void)
{
    srv_reset();
    proxy_restart();
    X.want_auth = "basic dTpw"; /* lws writes "Proxy-authorization: basic ..." */
    set_proxy("http_proxy", "u:p", NULL);
    char url[128], want[64];
    snprintf(url, sizeof url, "ws://chat.example.test:%d/v1", srv_port);
    int lookups0 = atomic_load(&resolves_started);
    resolver = test_resolve;
    Transport *l = make_via(url, NULL);
    CHECK(l != NULL);
    if (!l)
        return;
    uint64_t t0 = clock_now_ns();
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 10000);
    double up_ms = (double)(clock_now_ns() - t0) / 1e6;
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(X.tunnels, 1);
    CHECK_INT_EQ(atomic_load(&resolves_started), lookups0); /* no lookup: the proxy's job */
    snprintf(want, sizeof want, "chat.example.test:%d", srv_port);
    CHECK_STR_EQ(X.last_target, want);
    CHECK(strcasecmp(X.last_auth, "Basic dTpw") == 0);
    if (S.nrecs == 1) {
        CHECK_STR_EQ(S.recs[0].host, want);
        CHECK_STR_EQ(S.recs[0].auth, "Bearer sk-px");
        CHECK(transport_send(l, "through", 7));
        srv_text(&S.recs[0], "back through");
        srv_go(&S.recs[0]);
        WAIT(C.nmsgs == 1 && S.recs[0].nmsgs == 1, 10000);
        CHECK_INT_EQ(C.nmsgs, 1);
        if (C.nmsgs == 1)
            CHECK_STR_EQ(C.msgs[0], "back through");
    }
    transport_interrupt(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 2 && X.tunnels == 2, 10000);
    CHECK_INT_EQ(X.tunnels, 2);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    printf("  figures: start -> WebSocket up through the proxy %.2f ms\n", up_ms);
    transport_free(l);
    pump(10);
    resolver = NULL;
}

static void test_refused_and_direct(void)
{
    srv_reset();
    proxy_restart();
    X.want_auth = "basic dTpw";
    set_proxy("HTTP_PROXY", NULL, NULL);
    char url[128];
    snprintf(url, sizeof url, "ws://chat.example.test:%d/v1", srv_port);
    Transport *l = make_via(url, NULL);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 10000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    if (w) {
        printf("  407: %s\n", w->detail);
        CHECK(strstr(w->detail, "refused the tunnel") != NULL);
        CHECK(strstr(w->detail, "HTTP_PROXY") != NULL);
    }
    CHECK_INT_EQ(S.nrecs, 0);
    transport_free(l);
    pump(10);

    /* NO_PROXY: direct, the name resolved here (two.test is scripted to 127.0.0.1, ::1) */
    srv_reset();
    set_proxy("http_proxy", NULL, "*.test");
    snprintf(url, sizeof url, "ws://two.test:%d/v1", srv_port);
    resolver = test_resolve;
    int accepts0 = X.accepts;
    l = make_via(url, NULL);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 10000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(X.accepts, accepts0);
    transport_free(l);
    wait_resolvers(2000);
    pump(10);
    resolver = NULL;
}

static void test_wss_through_proxy(void)
{
    if (!tls_port) {
        printf("  wss through the proxy: skipped (no openssl CLI or TLS vhost)\n");
        return;
    }
    srv_reset();
    proxy_restart();
    set_proxy("https_proxy", NULL, NULL);
    char url[128];
    snprintf(url, sizeof url, "wss://chat.example.test:%d/v1", tls_port);
    Transport *l = make_via(url, CA.ca);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 30000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(X.tunnels, 1);
    if (S.nrecs == 1) {
        CHECK_STR_EQ(S.recs[0].sni, "chat.example.test");
        CHECK_STR_EQ(S.recs[0].auth, "Bearer sk-px");
    }
    transport_free(l);
    pump(10);
    /* without the test CA: the check fails end to end */
    srv_reset();
    l = make_via(url, NULL);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 30000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    CHECK_INT_EQ(S.nrecs, 0);
    transport_free(l);
    pump(10);
}

static void test_extra_headers(void)
{
    srv_reset();
    memset(env_vars, 0, sizeof env_vars);
    const HttpField h[] = {{"X-Title", "flint test"}, {"OpenAI-Beta", "responses=v1"}};
    xh = h, nxh = 2;
    Transport *l = make_via(srv_url(srv_port, "ws"), NULL);
    CHECK(l != NULL);
    if (l) {
        transport_start(l);
        WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 10000);
        CHECK_INT_EQ(S.nrecs, 1);
        if (S.nrecs == 1)
            CHECK_STR_EQ(S.recs[0].xtitle, "flint test");
        transport_free(l);
        pump(10);
    }
    char err[256];
    const HttpField bad[][1] = {{{"Authorization", "Bearer other"}}, {{"X-Ok", "a\r\nX: 1"}},
                                {{"Sec-WebSocket-Key", "x"}}, {{"bad name", "v"}}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TransportWsConfig cfg = {.url = srv_url(srv_port, "ws"), .headers = bad[i],
                                 .n_headers = 1, .env = test_env};
        err[0] = '\0';
        CHECK(transport_ws_new(ctx, &cfg, &hooks, NULL, err, sizeof err) == NULL);
        CHECK(strstr(err, "header \"") != NULL);
    }
    xh = NULL, nxh = 0;
}

static void add_tls_vhost(void)
{
    if (test_ca_make(&CA, "chat.example.test", "DNS:chat.example.test"))
        tls_port = link_tls_vhost("test-tls-tunnel", CA.cert, CA.key);
}

int main(void)
{
    if (!link_env_open(add_tls_vhost))
        return 1;
    extra_poll = poll_proxy;
    RUN(test_ws_through_proxy);
    RUN(test_refused_and_direct);
    RUN(test_wss_through_proxy);
    RUN(test_extra_headers);
    extra_poll = NULL;
    if (proxy_on)
        proxy_peer_close(&X);
    link_env_close();
    test_ca_remove(&CA);
    return harness_done();
}
