/* TransportSse (net/transport_sse.h) against raw HTTP servers on 127.0.0.1 (sse_peer.h, served
 * between lws_service calls):
 * the request as it arrives (line, headers, a 1 MB body), responses streamed a byte at a time
 * in every framing (chunked, Content-Length, close-delimited; CRLF and bare LF), the end of
 * each response, keep-alive (two requests, one accept), interrupt (the server sees EOF and a
 * fresh accept before any new request), refusals (401, 404, 302 not followed, 429), the key
 * rules, a drop mid-stream (WAITING, then back with backoff), DNS failure, refused connect
 * (https: test_transport_sse_tls.c). Prints
 * figures (request -> first byte on a reused and on a fresh connection, interrupt -> up)
 * without asserting on them. Everything waits for events, with generous deadlines. */
#include "sse_client.h"

static const char SSE_BODY[] = "data: {\"a\":1}\r\n\r\n: keepalive\n\ndata: [DONE]\n\n";

/* ----- the request, and responses in every framing ----------------------------------------- */

static void test_request_chunked_bytewise(void)
{
    peer_restart();
    TransportSseHeader h[] = {{"X-Title", "flint test"}, {"OpenAI-Organization", "org-1"}};
    Transport *t = make(peer_url(), "sk-local", NULL, h, 2);
    CHECK(t != NULL);
    if (!t)
        return;
    transport_start(t);
    WAIT(transport_state(t) == TRANSPORT_UP, 5000);
    CHECK_INT_EQ(P.nreqs, 0); /* up before any question: connected, nothing sent */
    P.scripts[0] = (PeerScript){"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n"
                                "11\r\ndata: {\"a\":1}\r\n\r\n\r\n"
                                "d;ext=1\r\n: keepalive\n\n\r\n"
                                "e\r\ndata: [DONE]\n\n\r\n0\r\nX-Trailer: 1\r\n\r\n",
                                0, 1, AFTER_KEEP};
    const char req[] = "{\"model\":\"m\",\"stream\":true}";
    CHECK(transport_send(t, req, sizeof req - 1));
    WAIT(C.nends == 1, 10000);
    CHECK_INT_EQ(C.nends, 1);
    CHECK_INT_EQ(C.ends[0].status, 200);
    CHECK(C.ends[0].complete);
    CHECK_STR_EQ(C.end_detail[0], "");
    CHECK_STR_EQ(sb_cstr(&C.body), SSE_BODY);
    CHECK(C.nmsgs > 1); /* paced a byte at a time: delivered as it came */
    CHECK_INT_EQ(P.nreqs, 1);
    if (P.nreqs >= 1) {
        const char *hd = P.reqs[0].head;
        char line[128];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(hd, "\r\n"), hd);
        CHECK_STR_EQ(line, "POST /v1/chat/completions HTTP/1.1");
        CHECK_STR_EQ(peer_header(hd, "Content-Type"), "application/json");
        CHECK_STR_EQ(peer_header(hd, "Accept"), "text/event-stream");
        CHECK_STR_EQ(peer_header(hd, "Authorization"), "Bearer sk-local");
        CHECK_STR_EQ(peer_header(hd, "X-Title"), "flint test");
        CHECK_STR_EQ(peer_header(hd, "OpenAI-Organization"), "org-1");
        char host[64];
        snprintf(host, sizeof host, "127.0.0.1:%d", P.port);
        CHECK_STR_EQ(peer_header(hd, "Host"), host);
        CHECK_MEM_EQ(P.reqs[0].body, P.reqs[0].body_len, req, sizeof req - 1);
    }
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(P.accepts, 1);
    transport_free(t);
}

static void test_content_length_and_lf(void)
{
    Transport *t = up(NULL);
    if (!t)
        return;
    static char resp[256];
    snprintf(resp, sizeof resp, "HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: %zu\n\n%s",
             sizeof SSE_BODY - 1, SSE_BODY);
    P.scripts[0] = (PeerScript){resp, 0, 1, AFTER_KEEP};
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nends == 1, 10000);
    CHECK_INT_EQ(C.nends, 1);
    CHECK(C.ends[0].complete && C.ends[0].status == 200);
    CHECK_STR_EQ(sb_cstr(&C.body), SSE_BODY);
    CHECK(strstr(P.reqs[0].head, "Authorization") == NULL); /* no key: none sent */
    transport_free(t);
}

/* transport_hold: a held connection reads nothing until released (SO_RCVLOWAT), then the
 * whole response at once. */
static void test_hold(void)
{
    Transport *t = up(NULL);
    if (!t)
        return;
    static char resp[256];
    snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
             sizeof SSE_BODY - 1, SSE_BODY);
    P.scripts[0] = (PeerScript){resp, 0, 1, AFTER_KEEP};
    transport_hold(t, true);
    CHECK(transport_send(t, "{}", 2)); /* writing is not held */
    WAIT(P.nreqs == 1, 10000);
    WAIT(C.nends > 0, 100); /* the answer arrives meanwhile (loopback): nothing is read */
    CHECK_INT_EQ(C.nends, 0);
    transport_hold(t, false);
    WAIT(C.nends == 1, 10000);
    CHECK_INT_EQ(C.nends, 1);
    CHECK_STR_EQ(sb_cstr(&C.body), SSE_BODY);
    transport_free(t);
}

/* No length, not chunked: the body ends when the server closes (RFC 9112 6.3), and the
 * transport reconnects at once for the next question. */
static void test_close_delimited(void)
{
    Transport *t = up("k");
    if (!t)
        return;
    P.scripts[0] = (PeerScript){"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                                "data: {\"a\":1}\n\ndata: [DONE]\n\n", 0, 3, AFTER_CLOSE};
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nends == 1 && P.accepts == 2 && transport_state(t) == TRANSPORT_UP, 10000);
    CHECK_INT_EQ(C.nends, 1);
    CHECK(C.ends[0].complete);
    CHECK_STR_EQ(sb_cstr(&C.body), "data: {\"a\":1}\n\ndata: [DONE]\n\n");
    CHECK_INT_EQ(P.accepts, 2);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    transport_free(t);
}

/* ----- keep-alive, a 1 MB request, and the figures ----------------------------------------- */

static void test_keepalive_and_big_body(void)
{
    uint64_t t0 = clock_now_ns();
    Transport *t = up("k");
    if (!t)
        return;
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\ndata: [DONE]\n\n";
    P.scripts[0] = (PeerScript){ok, 0, 0, AFTER_KEEP};
    P.scripts[1] = (PeerScript){ok, 0, 0, AFTER_KEEP};
    P.scripts[2] = (PeerScript){ok, 0, 0, AFTER_KEEP};
    CHECK(transport_send(t, "{\"n\":1}", 7));
    WAIT(C.nends == 1, 10000);
    double fresh_ms = (double)(C.t_first_msg - t0) / 1e6;

    size_t big = 1u << 20;
    char *body = malloc(big);
    for (size_t i = 0; i < big; i++)
        body[i] = (char)('a' + (i * 7 + i / 1000) % 26);
    C.nmsgs = 0;
    uint64_t t1 = clock_now_ns();
    CHECK(transport_send(t, body, big));
    CHECK(transport_send(t, "{\"n\":3}", 7)); /* queued behind the first: sent after its end */
    WAIT(C.nends == 3, 20000);
    CHECK_INT_EQ(C.nends, 3);
    CHECK_INT_EQ(P.nreqs, 3);
    CHECK_INT_EQ(P.accepts, 1); /* one TCP connection for all three */
    if (P.nreqs >= 3) {
        CHECK_MEM_EQ(P.reqs[1].body, P.reqs[1].body_len, body, big);
        CHECK_STR_EQ(P.reqs[2].body, "{\"n\":3}");
        CHECK_INT_EQ(P.reqs[2].conn, 0);
    }
    free(body);

    /* reused connection, small request */
    C.nmsgs = 0;
    P.scripts[3] = (PeerScript){ok, 0, 0, AFTER_KEEP};
    uint64_t t2 = clock_now_ns();
    CHECK(transport_send(t, "{\"n\":4}", 7));
    WAIT(C.nends == 4, 10000);
    double reused_ms = (double)(C.t_first_msg - t2) / 1e6;
    (void)t1;
    printf("  figures: start -> connect -> request -> first byte %.3f ms; request -> first byte "
           "on the kept connection %.3f ms\n", fresh_ms, reused_ms);
    CHECK_INT_EQ(P.accepts, 1);
    CHECK_INT_EQ(transport_stats(t)->responses, 4);
    transport_free(t);
}

/* ----- interrupt ---------------------------------------------------------------------------- */

static void test_interrupt(void)
{
    Transport *t = up("k");
    if (!t)
        return;
    P.scripts[0] = (PeerScript){"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "6\r\ndata: \r\n", 0, 0, AFTER_HOLD};
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nmsgs >= 1, 10000);
    CHECK_INT_EQ(C.nmsgs, 1);
    uint64_t t0 = clock_now_ns();
    transport_interrupt(t);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_CONNECTING);
    CHECK_STR_EQ(C.last_detail, "interrupted");
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 2 && P.conns[0].eof, 10000);
    double up_ms = (double)(clock_now_ns() - t0) / 1e6;
    CHECK(P.conns[0].eof);      /* the server saw the cancel */
    CHECK_INT_EQ(P.accepts, 2); /* a fresh connection, before any new question */
    CHECK_INT_EQ(P.nreqs, 1);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(C.nends, 0);   /* an interrupted response is never reported */
    printf("  figures: interrupt -> fresh connection up %.3f ms\n", up_ms);

    /* interrupt from inside the message hook: nothing more of that response arrives */
    C.nmsgs = 0;
    P.scripts[1] = (PeerScript){"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 0, 1,
                                AFTER_HOLD};
    C.interrupt_on_msg = true;
    CHECK(transport_send(t, "{}", 2));
    WAIT(P.accepts == 3 && transport_state(t) == TRANSPORT_UP && P.conns[1].eof, 10000);
    CHECK_INT_EQ(C.nmsgs, 1);
    CHECK_INT_EQ(C.nends, 0);
    CHECK_INT_EQ(P.accepts, 3);
    CHECK(P.conns[1].eof);
    transport_free(t);
}

/* ----- refusals ----------------------------------------------------------------------------- */

static void test_refusals(void)
{
    Transport *t = up("sk-x");
    if (!t)
        return;
    P.scripts[0] = (PeerScript){"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "9\r\nnot found\r\n0\r\n\r\n", 0, 0, AFTER_KEEP};
    P.scripts[1] = (PeerScript){"HTTP/1.1 302 Found\r\nLocation: http://evil.example/v1?token=s\r\n"
                                "Content-Length: 0\r\n\r\n", 0, 0, AFTER_KEEP};
    P.scripts[2] = (PeerScript){"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n"
                                "Content-Length: 0\r\n\r\n", 0, 0, AFTER_KEEP};
    P.scripts[3] = (PeerScript){"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                                "Content-Length: 37\r\n\r\n{\"error\":{\"message\":\"bad key\x1b[2J\"}}  ",
                                0, 0, AFTER_KEEP};
    for (int i = 0; i < 4; i++) {
        CHECK(transport_send(t, "{}", 2));
        WAIT(C.nends == i + 1, 10000);
    }
    CHECK_INT_EQ(C.nends, 4);
    CHECK_INT_EQ(C.nmsgs, 0); /* refusals never reach the message hook */
    CHECK_INT_EQ(C.ends[0].status, 404);
    CHECK_STR_EQ(C.end_body[0], "not found");
    CHECK_INT_EQ(C.ends[1].status, 302);
    CHECK(strstr(C.end_detail[1], "redirected to http://evil.example/v1?...; not followed"));
    CHECK(strstr(C.end_detail[1], "token") == NULL);
    CHECK_INT_EQ(C.ends[2].status, 429);
    CHECK_INT_EQ(C.ends[2].retry_after_s, 7);
    CHECK_INT_EQ(C.ends[3].status, 401);
    CHECK(strstr(C.end_body[3], "\"message\":\"bad key") != NULL);
    CHECK(strstr(C.end_detail[3], "HTTP 401 from 127.0.0.1:") == C.end_detail[3]);
    CHECK(strstr(C.end_detail[3], "bad key?[2J") != NULL); /* no escape reaches the screen */
    CHECK_INT_EQ(P.nreqs, 4);   /* the redirect was not followed */
    CHECK_INT_EQ(P.accepts, 1); /* and every refusal but the 401 kept the connection */
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    /* 401/403: the same request would be refused again: STOPPED, closed, no retry */
    CHECK_INT_EQ(transport_state(t), TRANSPORT_STOPPED);
    CHECK(strstr(C.last_detail, "the API key was rejected by 127.0.0.1:") == C.last_detail);
    WAIT(P.conns[0].eof, 10000);
    CHECK(P.conns[0].eof);
    CHECK(!transport_send(t, "{}", 2));
    pump_ms(600); /* longer than the first backoff: nothing reconnects */
    CHECK_INT_EQ(P.accepts, 1);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_STOPPED);
    /* transport_interrupt is the one way to try again: one new connection */
    transport_interrupt(t);
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 2, 10000);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(P.accepts, 2);
    transport_free(t);
}

/* ----- the key rules ------------------------------------------------------------------------ */

static void test_key_rules(void)
{
    char err[256] = "";
    TransportSseConfig cfg = {.url = "http://example.com/v1", .api_key = "sk-secret"};
    Transport *t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    CHECK(t == NULL);
    CHECK(strstr(err, "clear text") != NULL);
    CHECK(strstr(err, "sk-secret") == NULL);
    cfg.allow_insecure = true;
    t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    CHECK(t != NULL);
    transport_free(t);
    cfg = (TransportSseConfig){.url = "http://example.com/v1"}; /* no key: nothing to leak */
    t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    CHECK(t != NULL);
    transport_free(t);
    cfg = (TransportSseConfig){.url = "http://localhost:8080/v1", .api_key = "k"};
    t = transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    CHECK(t != NULL); /* loopback by its spelling: the key may go in clear */
    CHECK_STR_EQ(transport_endpoint(t), "localhost:8080");
    transport_free(t);
    TransportSseHeader bad[] = {{"X-Ok", "a\r\nInjected: 1"}};
    cfg = (TransportSseConfig){.url = "http://127.0.0.1:1/v1", .headers = bad, .n_headers = 1};
    CHECK(transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err) == NULL);
    TransportSseHeader reserved[] = {{"content-length", "5"}};
    cfg.headers = reserved;
    CHECK(transport_sse_new(ctx, &cfg, &hooks, NULL, err, sizeof err) == NULL);
}

/* ----- failures ----------------------------------------------------------------------------- */

static void test_drop_mid_stream(void)
{
    Transport *t = up("k");
    if (!t)
        return;
    P.scripts[0] = (PeerScript){"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\ndata: {}\n\n",
                                0, 0, AFTER_CLOSE};
    CHECK(transport_send(t, "{}", 2));
    WAIT(C.nends == 1 && count_state(TRANSPORT_WAITING) == 1, 10000);
    CHECK_INT_EQ(C.nends, 1);
    CHECK_INT_EQ(C.ends[0].status, 200);
    CHECK(!C.ends[0].complete);
    CHECK(strstr(C.end_detail[0], "lost mid-response") != NULL);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 1);
    CHECK(strstr(C.last_detail, "; retry in ") != NULL);
    CHECK_STR_EQ(sb_cstr(&C.body), "data: {}\n\n");
    WAIT(transport_state(t) == TRANSPORT_UP && P.accepts == 2, 10000); /* after the backoff */
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_INT_EQ(P.accepts, 2);
    transport_free(t);
}

static void test_refused_and_dns(void)
{
    peer_restart();
    int port = P.port;
    sse_peer_close(&P); /* nobody listens there now */
    peer_on = false;
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
    Transport *t = make(url, "k", NULL, NULL, 0);
    transport_start(t);
    WAIT(count_state(TRANSPORT_WAITING) >= 1, 10000);
    CHECK(strstr(C.last_detail, "connection refused by 127.0.0.1:") != NULL);
    CHECK(strstr(C.last_detail, "; retry in ") != NULL);
    CHECK(transport_send(t, "{}", 2) == false);
    transport_free(t);

    t = make("http://nowhere.invalid:8080/v1", NULL, NULL, NULL, 0);
    transport_start(t);
    WAIT(count_state(TRANSPORT_WAITING) >= 1, 10000);
    CHECK(strstr(C.last_detail, "cannot resolve nowhere.invalid: ") != NULL);
    CHECK(transport_stats(t)->dns_lookups >= 1);
    transport_free(t);
}


int main(void)
{
    if (!sse_env_open())
        return 1;

    RUN(test_request_chunked_bytewise);
    RUN(test_content_length_and_lf);
    RUN(test_hold);
    RUN(test_close_delimited);
    RUN(test_keepalive_and_big_body);
    RUN(test_interrupt);
    RUN(test_refusals);
    RUN(test_key_rules);
    RUN(test_drop_mid_stream);
    RUN(test_refused_and_dns);

    sse_env_close();
    return harness_done();
}
