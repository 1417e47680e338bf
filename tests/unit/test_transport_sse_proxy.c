/* TransportSse through an HTTP proxy (CONNECT; net/link_pipe.h, net/link_proxy.h), against
 * proxy_peer.h in front of sse_peer.h: http:// to a name nobody resolves locally (only the
 * proxy knows it: no lookup happens here), with Basic credentials from the URL; the answer
 * through the tunnel, keep-alive (one tunnel for two requests), interrupt (the server sees
 * EOF, a new tunnel before any question); https:// through the tunnel with the certificate
 * checked end to end against the name; 407 when the credentials are missing (the reason names
 * the variable, never a password); NO_PROXY sends it direct; loopback is never proxied; an
 * unusable proxy setting is a constructor error. Prints the tunnel set-up time on loopback.
 * The https case is skipped without the openssl CLI. */
#include "proxy_peer.h"
#include "sse_client.h"
#include "support/tls_support.h"

/* The proxy X, proxy_on, env_vars and their helpers: proxy_peer.h. */

/* A resolver that knows only chat.example.test (for the NO_PROXY case) and counts calls. */
static int lookups;
static int name_resolve(const char *node, const char *service, const struct addrinfo *hints,
                        struct addrinfo **res)
{
    lookups++;
    if (strcmp(node, "chat.example.test") != 0)
        return EAI_NONAME;
    return getaddrinfo("127.0.0.1", service, hints, res);
}

static Transport *make_via(const char *url, const char *key, const char *ca, char *err)
{
    client_reset();
    TransportSseConfig cfg = {.url = url, .api_key = key, .ca_file = ca, .env = test_env,
                              .resolve = name_resolve, .allow_insecure = true};
    Transport *t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, 256);
    C.t = t;
    return t;
}

static const char ANSWER[] = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\ndata: [DONE]\n\n";

static void test_http_through_proxy(void)
{
    peer_restart();
    proxy_restart();
    X.want_auth = "Basic dTpwIHc="; /* "u:p w" */
    set_env("http_proxy", proxy_url("u:p%20w"), NULL, NULL);
    char url[128], err[256] = "";
    snprintf(url, sizeof url, "http://chat.example.test:%d/v1", P.port);
    lookups = 0;
    Transport *t = make_via(url, "sk-p", NULL, err);
    CHECK(t != NULL);
    if (!t) {
        printf("  %s\n", err);
        return;
    }
    uint64_t t0 = clock_now_ns();
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP, 30000);
    double up_ms = (double)(clock_now_ns() - t0) / 1e6;
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(X.tunnels, 1);
    CHECK_INT_EQ(lookups, 0); /* the proxy is a literal, the server's name is the proxy's */
    char target[64];
    snprintf(target, sizeof target, "chat.example.test:%d", P.port);
    CHECK_STR_EQ(X.last_target, target);
    CHECK_STR_EQ(X.last_auth, "Basic dTpwIHc=");
    for (int k = 0; k < 2; k++) {
        P.scripts[k] = (PeerScript){ANSWER, 0, 0, AFTER_KEEP};
        CHECK(transport_send(t, "{}", 2));
        WAIT(C.nends == k + 1, 10000);
        CHECK_INT_EQ(C.nends, k + 1);
        CHECK_INT_EQ(C.ends[k].status, 200);
    }
    CHECK_INT_EQ(X.tunnels, 1); /* kept alive through the one tunnel */
    CHECK_INT_EQ(P.nreqs, 2);
    if (P.nreqs >= 1) {
        char host[64];
        snprintf(host, sizeof host, "chat.example.test:%d", P.port);
        CHECK_STR_EQ(peer_header(P.reqs[0].head, "Host"), host);
        CHECK_STR_EQ(peer_header(P.reqs[0].head, "Authorization"), "Bearer sk-p");
        CHECK_STR_EQ(peer_header(P.reqs[0].head, "Proxy-Authorization"), "");
    }
    /* interrupt: the server sees EOF through the tunnel, a new tunnel comes up */
    P.scripts[2] = (PeerScript){"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 0, 0,
                                AFTER_HOLD};
    C.nmsgs = 0;
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nmsgs >= 1, 10000);
    transport_interrupt(t);
    WAIT(transport_state(t) == TRANSPORT_UP && X.tunnels == 2 && P.conns[0].eof, 10000);
    CHECK(P.conns[0].eof);
    CHECK_INT_EQ(X.tunnels, 2);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    printf("  figures: start -> up through the proxy %.2f ms (TCP to the proxy, CONNECT, "
           "its 200)\n", up_ms);
    transport_free(t);
}

static void test_refusals(void)
{
    peer_restart();
    proxy_restart();
    X.want_auth = "Basic dTpw";
    set_env("HTTP_PROXY", proxy_url(NULL), NULL, NULL);
    char url[128], err[256] = "";
    snprintf(url, sizeof url, "http://chat.example.test:%d/v1", P.port);
    Transport *t = make_via(url, NULL, NULL, err);
    CHECK(t != NULL);
    if (!t)
        return;
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_WAITING, 30000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_WAITING);
    printf("  no credentials: %s\n", C.last_detail);
    CHECK(strstr(C.last_detail, "wants credentials (HTTP 407)") != NULL);
    CHECK(strstr(C.last_detail, "HTTP_PROXY") != NULL);
    CHECK_INT_EQ(X.refused, 1);
    CHECK_INT_EQ(P.accepts, 0);
    transport_free(t);

    /* the wrong password: still 407, and the password is in no message */
    set_env("HTTP_PROXY", proxy_url("u:hunter2"), NULL, NULL);
    t = make_via(url, NULL, NULL, err);
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_WAITING, 30000);
    CHECK(strstr(C.last_detail, "HTTP 407") != NULL);
    CHECK(strstr(C.last_detail, "hunter2") == NULL);
    transport_free(t);

    /* an unusable setting is an error at once, naming the variable */
    set_env("https_proxy", "socks5://127.0.0.1:1080", NULL, NULL);
    CHECK(make_via("https://api.example.test/v1", "k", NULL, err) == NULL);
    CHECK(strstr(err, "https_proxy is not a usable proxy") != NULL);
}

static void test_direct(void)
{
    /* NO_PROXY: straight to the server (the name resolved here) */
    peer_restart();
    proxy_restart();
    set_env("http_proxy", proxy_url(NULL), "NO_PROXY", ".example.test");
    char url[128], err[256] = "";
    snprintf(url, sizeof url, "http://chat.example.test:%d/v1", P.port);
    lookups = 0;
    Transport *t = make_via(url, NULL, NULL, err);
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 1, 10000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(X.accepts, 0);
    CHECK_INT_EQ(lookups, 1);
    transport_free(t);
    /* loopback is never proxied */
    set_env("http_proxy", proxy_url(NULL), NULL, NULL);
    t = make_via(peer_url(), NULL, NULL, err);
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 2, 10000);
    CHECK_INT_EQ(P.accepts, 2);
    CHECK_INT_EQ(X.accepts, 0);
    transport_free(t);
}

/* ----- https through the tunnel: a certificate for DNS:chat.example.test ------------------- */

static TestCa T;

static void test_https_through_proxy(void)
{
    if (!test_ca_make(&T, "chat.example.test", "DNS:chat.example.test")) {
        test_ca_remove(&T);
        printf("  https through the proxy: skipped (no openssl CLI)\n");
        return;
    }
    peer_restart();
    CHECK(sse_peer_tls(&P, T.cert, T.key));
    proxy_restart();
    set_env("HTTPS_PROXY", proxy_url(NULL), NULL, NULL);
    char url[128], err[256] = "";
    snprintf(url, sizeof url, "https://chat.example.test:%d/v1", P.port);
    lookups = 0;
    Transport *t = make_via(url, "sk-tls", T.ca, err);
    CHECK(t != NULL);
    if (t) {
        transport_start(t);
        WAIT(transport_state(t) == TRANSPORT_UP && P.tls_up == 1, 30000);
        CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
        CHECK_INT_EQ(P.tls_up, 1);
        CHECK_INT_EQ(X.tunnels, 1);
        CHECK_INT_EQ(lookups, 0);
        P.scripts[0] = (PeerScript){ANSWER, 0, 0, AFTER_KEEP};
        CHECK(transport_send(t, "{}", 2));
        WAIT(C.nends == 1, 10000);
        CHECK_INT_EQ(C.nends, 1);
        CHECK_INT_EQ(C.ends[0].status, 200);
        if (P.nreqs >= 1)
            CHECK_STR_EQ(peer_header(P.reqs[0].head, "Authorization"), "Bearer sk-tls");
        transport_free(t);
    }
    /* without the test CA the certificate check fails end to end, with its reason */
    peer_restart();
    CHECK(sse_peer_tls(&P, T.cert, T.key));
    snprintf(url, sizeof url, "https://chat.example.test:%d/v1", P.port);
    t = make_via(url, "sk-tls", NULL, err);
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_WAITING, 30000);
    CHECK(strstr(C.last_detail, "certificate verify failed") != NULL);
    transport_free(t);
    test_ca_remove(&T);
}

int main(void)
{
    if (!sse_env_open())
        return 1;
    extra_poll = poll_proxy;
    RUN(test_http_through_proxy);
    RUN(test_refusals);
    RUN(test_direct);
    RUN(test_https_through_proxy);
    if (proxy_on)
        proxy_peer_close(&X);
    sse_env_close();
    return harness_done();
}
