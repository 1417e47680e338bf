/* Link against raw TCP peers served between lws_service calls (link_support.h's extra_poll):
 * an HTTP peer answering the upgrade with 401, 403 or 404 (STOPPED after one attempt, and
 * what to do) or 429 (the details, and the upgrade request as sent), a 302 to a second server (never followed: the key stays with the first; the raw
 * peers of link_raw_peer.h), and a relay to the scripted server that goes silent for
 * PROTOCOL.md 7.3 case 12 (ping after 20 s, hang-up after 60 s: FLINT_SLOW_TESTS=1). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link_raw_peer.h"
#include "link_support.h"

/* ----- HTTP errors on the upgrade ---------------------------------------------------------- */

/* A raw HTTP peer answering the upgrade with 401. */
static int raw_listen = -1, raw_conn = -1;
static StrBuf raw_in, raw_last; /* request being read, last complete request */
static const char *raw_reply;
static int raw_requests;        /* answered so far */
static uint64_t raw_t_request;  /* when the last one was complete */

static void raw_poll(void)
{
    if (raw_conn < 0) {
        raw_conn = accept(raw_listen, NULL, NULL);
        if (raw_conn >= 0)
            fcntl(raw_conn, F_SETFL, O_NONBLOCK);
        return;
    }
    char buf[2048];
    ssize_t n = read(raw_conn, buf, sizeof buf);
    if (n > 0)
        sb_append(&raw_in, buf, (size_t)n);
    if (raw_in.len && strstr(raw_in.data, "\r\n\r\n")) {
        raw_requests++;
        raw_t_request = clock_now_ns();
        ssize_t w = write(raw_conn, raw_reply, strlen(raw_reply));
        (void)w;
        close(raw_conn);
        raw_conn = -1;
        sb_reset(&raw_last);
        sb_append(&raw_last, raw_in.data, raw_in.len);
        sb_reset(&raw_in);
    }
}

static void test_http_errors(void)
{
    raw_listen = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(raw_listen, (struct sockaddr *)&sa, sizeof sa) == 0);
    listen(raw_listen, 4);
    fcntl(raw_listen, F_SETFL, O_NONBLOCK);
    socklen_t sl = sizeof sa;
    getsockname(raw_listen, (struct sockaddr *)&sa, &sl);
    int port = ntohs(sa.sin_port);
    extra_poll = raw_poll;

    /* 401 with a key: STOPPED at once, saying which variables to check; no retry is armed.
     * (The pump outlasts the first backoff, 0.5 s + 10 %: a retry would show as a second
     * request. On a loaded machine it can only miss one, never invent one.) */
    raw_reply = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                "Content-Length: 2\r\n\r\n{}";
    char want[160];
    Transport *l = make_link(srv_url(port, "ws"), "bad-key", NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_STOPPED, 3000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_STOPPED);
    const StateRec *w = last_state(TRANSPORT_STOPPED);
    snprintf(want, sizeof want, "the API key was rejected by 127.0.0.1:%d (HTTP 401): check "
             "OPENAI_API_KEY / FLINT_API_KEY", port);
    CHECK(w && strcmp(w->detail, want) == 0);
    if (w)
        printf("  401 detail: %s\n", w->detail);
    pump(700);
    CHECK_INT_EQ(raw_requests, 1);
    CHECK_INT_EQ(count_state(TRANSPORT_WAITING), 0);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_STOPPED);
    /* the upgrade request as sent: path, auth, no subprotocol */
    const char *req = sb_cstr(&raw_last);
    CHECK(strncmp(req, "GET /v1/responses HTTP/1.1\r\n", 28) == 0);
    CHECK(strstr(req, "\r\nauthorization: Bearer bad-key\r\n") != NULL); /* lws lowercases */
    CHECK(strstr(req, "\r\nUpgrade: websocket\r\n") != NULL);
    CHECK(strstr(req, "Sec-WebSocket-Protocol") == NULL && strstr(req, "Origin") == NULL);
    CHECK(strstr(req, "\r\nuser-agent: flint/") != NULL);
    /* Asking again (transport_interrupt) makes exactly one new attempt. */
    transport_interrupt(l);
    WAIT(count_state(TRANSPORT_STOPPED) == 2, 3000);
    CHECK_INT_EQ(count_state(TRANSPORT_STOPPED), 2);
    CHECK_INT_EQ(raw_requests, 2);
    transport_free(l);

    /* 401 without a key: the server wants one; say where flint reads it from. */
    l = make_link(srv_url(port, "ws"), NULL, NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_STOPPED, 3000);
    w = last_state(TRANSPORT_STOPPED);
    snprintf(want, sizeof want, "127.0.0.1:%d wants an API key (HTTP 401): set OPENAI_API_KEY "
             "(or FLINT_API_KEY)", port);
    CHECK(w && strcmp(w->detail, want) == 0);
    CHECK(strstr(sb_cstr(&raw_last), "authorization") == NULL);
    pump(700);
    CHECK_INT_EQ(raw_requests, 3);
    transport_free(l);

    /* 403 with a key: the same (the key is what the server judged). */
    raw_reply = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
    l = make_link(srv_url(port, "ws"), "k", NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_STOPPED, 3000);
    w = last_state(TRANSPORT_STOPPED);
    CHECK(w && strstr(w->detail, "the API key was rejected by 127.0.0.1:") &&
          strstr(w->detail, "(HTTP 403)"));
    transport_free(l);

    /* 404 from an HTTP server with no WebSocket endpoint there (llama.cpp, Ollama, vLLM):
     * say which mode to use instead, and stop (retrying gets the same 404). */
    raw_reply = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                "Content-Length: 9\r\n\r\nNot Found";
    int before404 = raw_requests;
    l = make_link(srv_url(port, "ws"), NULL, NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_STOPPED, 3000);
    w = last_state(TRANSPORT_STOPPED);
    snprintf(want, sizeof want, "127.0.0.1:%d does not speak the Responses WebSocket mode "
             "(HTTP 404); try --api chat", port);
    CHECK(w && strcmp(w->detail, want) == 0);
    if (w)
        printf("  404 detail: %s\n", w->detail);
    pump(700);
    CHECK_INT_EQ(raw_requests, before404 + 1);
    transport_free(l);

    /* 426 Upgrade Required (PROTOCOL.md 1.2: Codex falls back to HTTP on it): the same. */
    raw_reply = "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n";
    l = make_link(srv_url(port, "ws"), NULL, NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_STOPPED, 3000);
    w = last_state(TRANSPORT_STOPPED);
    CHECK(w && strstr(w->detail, "does not speak the Responses WebSocket mode (HTTP 426); "
                                 "try --api chat"));
    transport_free(l);

    /* 429 with Retry-After: 2 (seconds): the next attempt waits for it, not for the 0.5 s
     * backoff. (A lower bound: timers never fire early, however loaded the machine.) */
    raw_reply = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n";
    l = make_link(srv_url(port, "ws"), "k", NULL, 0);
    int before = raw_requests;
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 3000);
    uint64_t t_first = raw_t_request;
    w = last_state(TRANSPORT_WAITING);
    CHECK(w && strstr(w->detail, "rate limited by 127.0.0.1 (HTTP 429); retry in 2.0 s"));
    if (w)
        printf("  429 detail: %s\n", w->detail);
    WAIT(raw_requests == before + 2, 10000);
    CHECK_INT_EQ(raw_requests, before + 2);
    CHECK(raw_t_request - t_first >= 1900 * NS_PER_MS);
    transport_free(l);
    pump(5);

    /* Retry-After as an HTTP-date is not read: the backoff applies. */
    raw_reply = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                "Content-Length: 0\r\n\r\n";
    l = make_link(srv_url(port, "ws"), "k", NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_WAITING, 3000);
    w = last_state(TRANSPORT_WAITING);
    CHECK(w && strstr(w->detail, "rate limited by 127.0.0.1 (HTTP 429); retry in 0.") != NULL);
    transport_free(l);
    pump(5);
    extra_poll = NULL;
    if (raw_conn >= 0)
        close(raw_conn);
    raw_conn = -1;
    close(raw_listen);
    sb_free(&raw_in);
    sb_free(&raw_last);
}

/* ----- redirects on the upgrade ------------------------------------------------------------ */

/* A 302 to a second server that would accept the upgrade: never followed, so the second
 * server never sees a connection (let alone the key), and the state says where it pointed. */
static RawPeer redir_a, redir_b;
static void redir_poll(void)
{
    raw_peer_poll(&redir_a);
    raw_peer_poll(&redir_b);
}

static void test_redirect_not_followed(void)
{
    CHECK(raw_peer_open(&redir_a));
    CHECK(raw_peer_open(&redir_b));
    char reply[256];
    snprintf(reply, sizeof reply,
             "HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:%d/v1/responses?token=sekrit\r\n"
             "Content-Length: 0\r\n\r\n", redir_b.port);
    redir_a.scripts[0].http_reply = reply;
    extra_poll = redir_poll;
    Transport *l = make_link(srv_url(redir_a.port, "ws"), "sk-redirect", NULL, 0);
    transport_start(l);
    /* Followed, the link would come up on the second server and never report WAITING. */
    WAIT(count_state(TRANSPORT_WAITING) > 0 || redir_b.accepts > 0 ||
         transport_state(l) == TRANSPORT_UP, 5000);
    CHECK_INT_EQ(redir_a.accepts, 1);
    CHECK(strstr(sb_cstr(&redir_a.last_req), "Bearer sk-redirect") != NULL);
    CHECK_INT_EQ(redir_b.accepts, 0);
    CHECK_INT_EQ(redir_b.last_req.len, 0);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    const StateRec *w = last_state(TRANSPORT_WAITING);
    char want[128];
    snprintf(want, sizeof want,
             "server redirected to ws://127.0.0.1:%d/v1/responses?...; not followed", redir_b.port);
    CHECK(w && strstr(w->detail, want) != NULL);
    CHECK(w && strstr(w->detail, "sekrit") == NULL);
    if (w)
        printf("  302 detail: %s\n", w->detail);
    transport_free(l);
    pump(5);
    CHECK_INT_EQ(redir_b.accepts, 0);
    extra_poll = NULL;
    raw_peer_close(&redir_a);
    raw_peer_close(&redir_b);
}

/* ----- keepalive (PROTOCOL.md 7.3 case 12), slow: FLINT_SLOW_TESTS=1 ------------------------ */

/* A TCP relay between Link and the scripted server that can go silent: it then swallows
 * whatever the client sends (recording when) and forwards nothing back. */
static struct {
    int listen_fd, cfd, sfd;
    bool silent;
    uint64_t t_silent, t_first_swallowed;
    size_t swallowed;
} P = {-1, -1, -1, false, 0, 0, 0};

static void relay(int from, int to, bool count)
{
    char buf[4096];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0)
        return;
    if (P.silent) {
        if (count) {
            if (!P.swallowed)
                P.t_first_swallowed = clock_now_ns();
            P.swallowed += (size_t)n;
        }
        return;
    }
    ssize_t w = write(to, buf, (size_t)n);
    (void)w;
}

static void proxy_poll(void)
{
    if (P.cfd < 0) {
        P.cfd = accept(P.listen_fd, NULL, NULL);
        if (P.cfd < 0)
            return;
        fcntl(P.cfd, F_SETFL, O_NONBLOCK);
        P.sfd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons((uint16_t)srv_port);
        if (connect(P.sfd, (struct sockaddr *)&sa, sizeof sa) != 0)
            fprintf(stderr, "proxy connect: %s\n", strerror(errno));
        fcntl(P.sfd, F_SETFL, O_NONBLOCK);
    }
    relay(P.cfd, P.sfd, true);
    relay(P.sfd, P.cfd, false);
}

static void test_keepalive_slow(void)
{
    if (!getenv("FLINT_SLOW_TESTS")) {
        printf("  keepalive: skipped (set FLINT_SLOW_TESTS=1; takes about 65 s)\n");
        return;
    }
    srv_reset();
    P.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(P.listen_fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    listen(P.listen_fd, 4);
    fcntl(P.listen_fd, F_SETFL, O_NONBLOCK);
    socklen_t sl = sizeof sa;
    getsockname(P.listen_fd, (struct sockaddr *)&sa, &sl);
    extra_poll = proxy_poll;

    Transport *l = make_link(srv_url(ntohs(sa.sin_port), "ws"), "k", NULL, 0);
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 3000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    P.silent = true;
    P.t_silent = clock_now_ns();
    WAIT(transport_state(l) == TRANSPORT_WAITING, 75000);
    uint64_t t_down = clock_now_ns();
    CHECK_INT_EQ(transport_state(l), TRANSPORT_WAITING);
    double ping_s = P.swallowed ? (double)(P.t_first_swallowed - P.t_silent) / 1e9 : -1;
    double down_s = (double)(t_down - P.t_silent) / 1e9;
    const StateRec *w = last_state(TRANSPORT_WAITING);
    printf("  keepalive: first ping after %.1f s (%zu bytes swallowed), hang-up after %.1f s: %s\n",
           ping_s, P.swallowed, down_s, w ? w->detail : "-");
    CHECK(ping_s > 15 && ping_s < 25);
    CHECK(down_s > 55 && down_s < 70);
    transport_free(l);
    extra_poll = NULL;
    close(P.cfd);
    close(P.sfd);
    close(P.listen_fd);
    P.cfd = P.sfd = P.listen_fd = -1;
    pump(10);
}

/* ----- main ---------------------------------------------------------------------------------- */

int main(void)
{
    if (!link_env_open(NULL))
        return 1;

    RUN(test_http_errors);
    RUN(test_redirect_not_followed);
    RUN(test_keepalive_slow);

    link_env_close();
    return harness_done();
}
