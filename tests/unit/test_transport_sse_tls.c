/* TransportSse over https:// (net/tls_mem.h: TLS over the raw socket's bytes) against the TLS
 * form of sse_peer.h, with a throwaway CA made by the openssl CLI (as test_link_tls.c does):
 * the request and a streamed answer over TLS, keep-alive (two requests, one handshake),
 * interrupt (the server sees EOF, a fresh TLS connection comes up before any question); the
 * system CAs alone do not trust the test CA (WAITING with "certificate verify failed: ..."),
 * a name the certificate does not carry fails with that reason, a missing CA file is a
 * constructor error, and a key may go to a non-loopback https:// host. Prints the TLS
 * handshake time on loopback. Skipped without the openssl CLI. */
#include "sse_client.h"
#include "support/tls_support.h"

static TestCa T;

static bool tls_peer_restart(void)
{
    peer_restart();
    bool ok = peer_on && sse_peer_tls(&P, T.cert, T.key);
    CHECK(ok);
    return ok;
}

static char *tls_url(const char *host)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "https://%s:%d/v1", host, P.port);
    return buf;
}

static const char CHUNKED_ANSWER[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"
                                     "11\r\ndata: {\"a\":1}\r\n\r\n\r\n"
                                     "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n";

static void test_https(void)
{
    if (!tls_peer_restart())
        return;
    Transport *t = make(tls_url("127.0.0.1"), "sk-tls", T.ca, NULL, 0);
    CHECK(t != NULL);
    if (!t)
        return;
    uint64_t t0 = clock_now_ns();
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP, 30000);
    double up_ms = (double)(clock_now_ns() - t0) / 1e6;
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    WAIT(P.tls_up == 1, 10000); /* TLS 1.3: the server finishes after the client */
    CHECK_INT_EQ(P.tls_up, 1);
    CHECK_INT_EQ(P.nreqs, 0); /* up before any question: connected and TLS done */

    /* two requests on the one connection, answers paced a byte at a time */
    for (int k = 0; k < 2; k++) {
        P.scripts[k] = (PeerScript){CHUNKED_ANSWER, 0, k == 0 ? 1 : 0, AFTER_KEEP};
        sb_reset(&C.body);
        CHECK(transport_send(t, "{\"q\":1}", 7));
        WAIT(C.nends == k + 1, 10000);
        CHECK_INT_EQ(C.nends, k + 1);
        CHECK_INT_EQ(C.ends[k].status, 200);
        CHECK(C.ends[k].complete);
        CHECK_STR_EQ(sb_cstr(&C.body), "data: {\"a\":1}\r\n\r\ndata: [DONE]\n\n");
    }
    CHECK_INT_EQ(P.nreqs, 2);
    if (P.nreqs >= 1) {
        CHECK_STR_EQ(peer_header(P.reqs[0].head, "Authorization"), "Bearer sk-tls");
        CHECK_MEM_EQ(P.reqs[0].body, P.reqs[0].body_len, "{\"q\":1}", 7);
    }
    CHECK_INT_EQ(P.accepts, 1); /* kept alive: one handshake */
    CHECK_INT_EQ(P.tls_up, 1);

    /* interrupt: the server sees the close, a fresh TLS connection is up before any question */
    P.scripts[2] = (PeerScript){"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "6\r\ndata: \r\n", 0, 0, AFTER_HOLD};
    C.nmsgs = 0;
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nmsgs >= 1, 10000);
    CHECK_INT_EQ(C.nmsgs, 1);
    uint64_t t1 = clock_now_ns();
    transport_interrupt(t);
    WAIT(transport_state(t) == TRANSPORT_UP && P.tls_up == 2 && P.conns[0].eof, 10000);
    double again_ms = (double)(clock_now_ns() - t1) / 1e6;
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK(P.conns[0].eof);
    CHECK_INT_EQ(P.accepts, 2);
    CHECK_INT_EQ(P.tls_up, 2);
    CHECK_INT_EQ(P.nreqs, 3);
    printf("  figures: start -> TLS up %.2f ms (CA context + TCP + handshake), interrupt -> "
           "fresh TLS connection up %.2f ms\n", up_ms, again_ms);
    transport_free(t);
}

static void test_https_untrusted(void)
{
    if (!tls_peer_restart())
        return;
    /* the system CAs alone: the test CA is not among them */
    Transport *t = make(tls_url("127.0.0.1"), "sk-tls", NULL, NULL, 0);
    CHECK(t != NULL);
    if (!t)
        return;
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_WAITING, 30000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_WAITING);
    printf("  untrusted CA: %s\n", C.last_detail);
    CHECK(strstr(C.last_detail, "TLS handshake with 127.0.0.1:") != NULL);
    CHECK(strstr(C.last_detail, "certificate verify failed") != NULL);
    CHECK_INT_EQ(P.nreqs, 0);
    transport_free(t);

    /* a name the certificate (IP:127.0.0.1 only) does not carry, over the test CA */
    if (!tls_peer_restart())
        return;
    t = make(tls_url("localhost"), "sk-tls", T.ca, NULL, 0);
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_WAITING, 30000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_WAITING);
    printf("  wrong name: %s\n", C.last_detail);
    CHECK(strstr(C.last_detail, "does not match localhost") != NULL ||
          strstr(C.last_detail, "refused") != NULL); /* ::1 first, where nothing listens */
    CHECK_INT_EQ(P.nreqs, 0);
    transport_free(t);
}

static void test_https_config(void)
{
    char err[256] = "";
    TransportSseConfig cfg = {.url = "https://127.0.0.1:1/v1", .ca_file = "/nonexistent/ca.pem"};
    CHECK(transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/ca.pem") != NULL);
    /* a key may go to any https:// host (no --insecure needed) */
    TransportSseConfig k = {.url = "https://api.example.invalid/v1", .api_key = "sk"};
    Transport *t = transport_sse_new(ctx, &k, &hooks, NULL, err, sizeof err);
    CHECK(t != NULL);
    transport_free(t);
}

int main(void)
{
    if (!test_ca_make(&T, "127.0.0.1", "IP:127.0.0.1")) {
        printf("skipped: no openssl CLI\n");
        test_ca_remove(&T);
        return 77;
    }
    if (!sse_env_open())
        return 1;
    RUN(test_https);
    RUN(test_https_untrusted);
    RUN(test_https_config);
    sse_env_close();
    test_ca_remove(&T);
    return harness_done();
}
