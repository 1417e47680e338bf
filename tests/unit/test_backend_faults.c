/* test_backend_faults: flint-backend's scripted faults and lanes (tests/backend/fault.h,
 * lanes.h), through the minimal lws client of backend_support.h: --gateway strict refuses a
 * second create in flight with response_already_in_flight (PROTOCOL.md 7.3 #13) while the
 * default queues it; one chain per stream_id lane (a lane continues only its own latest
 * response; a fork names another lane's); --fault NAME:N acts on the first N creates only
 * and the fault:NAME keyword on its own create (rst-before, prev-lost, limit, frag with the
 * answer reassembled by lws), and hang (no byte after the create, not even a pong). flint's side of each fault: tests/e2e/test_faults.sh. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "support/backend_support.h"
#include "harness.h"

/* A response.create on a lane (NULL: the default lane), chained to prev (NULL: none). */
static void create_on(Client *cl, const char *lane, const char *question, const char *prev)
{
    char m[1024];
    int n = snprintf(m, sizeof m, "{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,"
                                  "\"input\":\"%s\"", question);
    if (lane)
        n += snprintf(m + n, sizeof m - (size_t)n, ",\"stream_id\":\"%s\"", lane);
    if (prev)
        n += snprintf(m + n, sizeof m - (size_t)n, ",\"previous_response_id\":\"%s\"", prev);
    snprintf(m + n, sizeof m - (size_t)n, "}");
    client_send(cl, m);
}

/* The last terminal event (completed, incomplete, failed or error) received. */
static const cJSON *last_terminal(const Client *cl)
{
    for (size_t i = cl->nevents; i-- > 0;) {
        const char *t = ev_type(cl->events[i]);
        if (!strcmp(t, "response.completed") || !strcmp(t, "response.incomplete") ||
            !strcmp(t, "response.failed") || !strcmp(t, "error"))
            return cl->events[i];
    }
    return NULL;
}

/* Sends a create and waits for its terminal; returns the response id ("" for an error, whose
 * code goes to code). */
static void turn(Client *cl, size_t *terminals, const char *lane, const char *q,
                 const char *prev, char *id, char *code)
{
    create_on(cl, lane, q, prev);
    CHECK(wait_terminals(cl, ++*terminals));
    const cJSON *t = last_terminal(cl);
    id[0] = code[0] = '\0';
    if (!t)
        return;
    if (!strcmp(ev_type(t), "error")) {
        snprintf(code, 64, "%s", str_at(t, "error.code") ? str_at(t, "error.code") : "?");
    } else {
        snprintf(id, 64, "%s", str_at(t, "response.id") ? str_at(t, "response.id") : "?");
        CHECK_STR_EQ(str_at(t, "stream_id") ? str_at(t, "stream_id") : "",
                     lane ? lane : "");
    }
}

static size_t count_code(const Client *cl, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < cl->nevents; i++) {
        const char *c = str_at(cl->events[i], "error.code");
        if (!strcmp(ev_type(cl->events[i]), "error") && c && !strcmp(c, code))
            n++;
    }
    return n;
}

static const char *completed_text(const Client *cl, size_t nth)
{
    for (size_t i = 0; i < cl->nevents; i++)
        if (!strcmp(ev_type(cl->events[i]), "response.completed") && nth-- == 0)
            return str_at(cl->events[i], "response.output.0.content.0.text");
    return NULL;
}

static void test_gateway(void)
{
    for (int strict = 0; strict <= 1; strict++) {
        Backend b;
        const char *const args[] = {"--rate", "200", "--gateway", strict ? "strict" : "queue",
                                    NULL};
        if (!start_or_fail(&b, args, false))
            return;
        Client cl;
        CHECK(client_connect(&cl, b.port, "/v1/responses"));
        client_create(&cl, "echo: one two three four five six seven eight", NULL);
        client_create(&cl, "echo: second", NULL);
        CHECK(wait_terminals(&cl, 2));
        CHECK_STR_EQ(completed_text(&cl, 0), "one two three four five six seven eight");
        if (strict) {
            /* refused at once: the error comes before the running response ends */
            CHECK_INT_EQ(count_code(&cl, "response_already_in_flight"), 1);
            CHECK_STR_EQ(ev_type(last_terminal(&cl)), "response.completed");
            CHECK(log_has(&b, "error conn=1 code=response_already_in_flight", 2000));
            /* once the first has ended, the next create is served */
            client_create(&cl, "echo: third", NULL);
            CHECK(wait_terminals(&cl, 3));
            CHECK_STR_EQ(completed_text(&cl, 1), "third");
        } else {
            CHECK_INT_EQ(count_code(&cl, "response_already_in_flight"), 0);
            CHECK_STR_EQ(completed_text(&cl, 1), "second");
        }
        client_free(&cl);
        backend_cleanup(&b);
    }
}

static void test_lanes(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    size_t t = 0;
    char a1[64], a2[64], b1[64], b2[64], d1[64], f1[64], x[64], code[64];
    turn(&cl, &t, "lane_a", "echo: a1", NULL, a1, code);
    turn(&cl, &t, "lane_b", "echo: b1", NULL, b1, code);
    turn(&cl, &t, NULL, "echo: d1", NULL, d1, code);
    CHECK(a1[0] && b1[0] && d1[0]);
    /* Each lane continues its own latest response, whatever ran on the others since. */
    turn(&cl, &t, "lane_a", "echo: a2", a1, a2, code);
    CHECK(a2[0] != '\0');
    turn(&cl, &t, "lane_b", "echo: b2", b1, b2, code);
    CHECK(b2[0] != '\0');
    turn(&cl, &t, NULL, "echo: d2", d1, x, code);
    CHECK(x[0] != '\0');
    /* A lane's older response is gone (store:false per lane). */
    turn(&cl, &t, "lane_a", "echo: stale", a1, x, code);
    CHECK_STR_EQ(code, "previous_response_not_found");
    /* That failed continuation evicted nothing else: lane_b still continues... */
    turn(&cl, &t, "lane_b", "echo: b3", b2, x, code);
    CHECK(x[0] != '\0');
    /* ...and a fork from another lane's latest response starts a new lane's chain. */
    turn(&cl, &t, "fork", "echo: f1", a2, f1, code);
    CHECK(f1[0] != '\0');
    turn(&cl, &t, "fork", "echo: f2", f1, x, code);
    CHECK(x[0] != '\0');
    turn(&cl, &t, "lane_a", "echo: a3", a2, x, code); /* the fork left lane_a's parent */
    CHECK(x[0] != '\0');
    client_free(&cl);
    backend_cleanup(&b);
}

static void test_fault_option_and_keywords(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--fault", "rst-before:1", NULL},
                       false))
        return;
    /* --fault rst-before:1: the first create is cut (no event), the next one served. */
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    client_create(&cl, "echo: cut", NULL);
    CHECK(client_run(&cl, is_closed, NULL, 5000));
    CHECK_INT_EQ(cl.nevents, 0);
    CHECK(log_has(&b, "fault conn=1 rst after=0", 2000));
    client_free(&cl);
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    size_t t = 0;
    char id[64], id2[64], code[64];
    turn(&cl, &t, NULL, "echo: served", NULL, id, code);
    CHECK(id[0] != '\0');
    /* prev-lost: a chained create is refused even though its parent is cached; an
     * unchained one with the keyword is answered. */
    turn(&cl, &t, NULL, "fault:prev-lost echo: lost", id, id2, code);
    CHECK_STR_EQ(code, "previous_response_not_found");
    turn(&cl, &t, NULL, "fault:prev-lost echo: full", NULL, id2, code);
    CHECK(id2[0] != '\0');
    /* frag: lws reassembles the fragmented messages (split UTF-8, pings between). */
    turn(&cl, &t, NULL, "fault:frag echo: 日本語 🚀 naïve", NULL, id2, code);
    CHECK(id2[0] != '\0');
    CHECK_STR_EQ(completed_text(&cl, 2), "日本語 🚀 naïve");
    CHECK(log_has(&b, "fault conn=2 frag", 2000));
    /* limit: the create gets websocket_connection_limit_reached, then a Close. */
    create_on(&cl, NULL, "fault:limit echo: x", NULL);
    CHECK(client_run(&cl, is_closed, NULL, 5000));
    CHECK_INT_EQ(count_code(&cl, "websocket_connection_limit_reached"), 1);
    CHECK(log_has(&b, "fault conn=2 close code=1000", 2000));
    client_free(&cl);
    backend_cleanup(&b);
}

/* A masked client frame (RFC 6455 5.2), payload under 126 bytes, zero mask. */
static bool raw_frame_send(int fd, int opcode, const char *payload)
{
    unsigned char f[2 + 4 + 125];
    size_t n = strlen(payload);
    f[0] = (unsigned char)(0x80 | opcode);
    f[1] = (unsigned char)(0x80 | n);
    memset(f + 2, 0, 4);
    memcpy(f + 6, payload, n);
    return write(fd, f, 6 + n) == (ssize_t)(6 + n);
}

/* hang: after the create nothing comes back, not even the pong to a ping (the socket is no
 * longer read), and the connection stays open. A raw client, since lws answers pings itself. */
static void test_hang(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)b.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    static const char hs[] = "GET /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n";
    CHECK(write(fd, hs, sizeof hs - 1) == (ssize_t)(sizeof hs - 1));
    char buf[1024];
    size_t got = 0;
    buf[0] = '\0';
    while (got < sizeof buf - 1 && !strstr(buf, "\r\n\r\n")) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5000) != 1)
            break;
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
    }
    CHECK(strstr(buf, " 101 ") != NULL);
    CHECK(raw_frame_send(fd, 1, "{\"type\":\"response.create\",\"model\":\"m\","
                                "\"input\":\"fault:hang echo: x\"}"));
    CHECK(log_has(&b, "fault conn=1 hang", 5000));
    CHECK(raw_frame_send(fd, 9, "ping?"));
    struct pollfd p = {fd, POLLIN, 0};
    CHECK_INT_EQ(poll(&p, 1, 1000), 0); /* no event, no pong, no close */
    CHECK(!log_has(&b, "closed conn=1", 0));
    close(fd);
    backend_cleanup(&b);
}

int main(int argc, char **argv)
{
    lws_set_log_level(LLL_ERR, NULL);
    signal(SIGPIPE, SIG_IGN);
    RUN_IF(test_gateway);
    RUN_IF(test_lanes);
    RUN_IF(test_fault_option_and_keywords);
    RUN_IF(test_hang);
    return harness_done();
}
