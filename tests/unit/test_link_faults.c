/* flint's WebSocket transport (net/transport_ws.h, the real one, in a context made as app/loop.c
 * makes it) against flint-backend's scripted faults (tests/backend/fault.h, PROTOCOL.md 7.3),
 * the backend being a child process (backend_support.h). One connection, one create per fault:
 *   rst-mid / drop-mid: the events before the cut arrive whole, WAITING says "connection
 *     lost", the transport reconnects and sends nothing by itself (#7);
 *   rst-before / drop-before: the same with no event at all (#7);
 *   frag: every message arrives whole although each came as 1..7-byte fragments split inside
 *     UTF-8, with pings between them (#11);
 *   big: a legal 5 MiB response.completed arrives intact (#10);
 *   huge: a 20 MiB frame is refused with Close 1009 and said so, then a reconnect (#10);
 *   limit-idle: after a complete answer, the unsolicited websocket_connection_limit_reached
 *     arrives and the server's Close 1000 is a WAITING, then a reconnect (#8).
 * The silent hang (#12) takes the transport's 60 s keepalive; the app's --stall covers it
 * (tests/e2e/test_faults.sh). valgrind_test_link_faults runs this under valgrind. One case
 * alone: test_link_faults NAME. */
#include "link_support.h"
#include "support/backend_support.h"

#define MIB (1024u * 1024u)

static struct {
    int nmsgs;
    size_t max_len;
    char last[512];      /* the start of the last message */
    char *completed;     /* the last response.completed, whole */
    size_t completed_len;
    bool bad_json;       /* a message that does not start with { and end with } */
    int up, waiting;
    char detail[256];    /* the last WAITING detail */
} R;

static void r_state(void *ud, TransportState st, const char *detail)
{
    (void)ud;
    if (st == TRANSPORT_UP)
        R.up++;
    if (st == TRANSPORT_WAITING) {
        R.waiting++;
        snprintf(R.detail, sizeof R.detail, "%s", detail);
    }
}

static void r_message(void *ud, const char *data, size_t len)
{
    (void)ud;
    R.nmsgs++;
    if (len > R.max_len)
        R.max_len = len;
    snprintf(R.last, sizeof R.last, "%.*s", (int)(len < 511 ? len : 511), data);
    if (len < 2 || data[0] != '{' || data[len - 1] != '}')
        R.bad_json = true;
    if (strstr(R.last, "\"type\":\"response.completed\"")) {
        free(R.completed);
        R.completed = malloc(len + 1);
        memcpy(R.completed, data, len + 1);
        R.completed_len = len;
    }
}

static const TransportHooks r_hooks = {r_state, r_message, NULL};

static Backend b;
static Transport *t;

static bool open_link(void)
{
    free(R.completed);
    memset(&R, 0, sizeof R);
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return false;
    char err[256] = "";
    TransportWsConfig cfg = {.url = srv_url(b.port, "ws"), .env = no_proxy_env};
    t = transport_ws_new(ctx, &cfg, &r_hooks, NULL, err, sizeof err);
    CHECK(t != NULL);
    if (!t) {
        backend_cleanup(&b);
        return false;
    }
    transport_start(t);
    WAIT(R.up == 1, 5000);
    CHECK_INT_EQ(R.up, 1);
    return R.up == 1;
}

static void close_link(void)
{
    transport_free(t);
    t = NULL;
    pump(20);
    backend_cleanup(&b);
    free(R.completed);
    R.completed = NULL;
}

static void ask(const char *question)
{
    char m[512];
    int n = snprintf(m, sizeof m, "{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,"
                                  "\"input\":\"%s\"}", question);
    CHECK(transport_send(t, m, (size_t)n));
}

static int creates(void)
{
    char *log = read_text(b.log);
    int n = 0;
    for (const char *p = log; (p = strstr(p, "type=response.create")); p++)
        n++;
    free(log);
    return n;
}

/* A create whose connection is cut: msgs events first (0 or the 4 + 3 deltas of a *-mid),
 * then WAITING "connection lost", a new connection, and no create sent again. */
static void cut_case(const char *fault, int msgs)
{
    if (!open_link())
        return;
    char q[128];
    snprintf(q, sizeof q, "fault:%s echo: one two three four five six seven", fault);
    ask(q);
    WAIT(R.waiting == 1, 5000);
    CHECK_INT_EQ(R.waiting, 1);
    CHECK_INT_EQ(R.nmsgs, msgs);
    CHECK(!R.bad_json);
    CHECK(strstr(R.detail, "connection lost") != NULL);
    if (!strstr(R.detail, "connection lost"))
        fprintf(stderr, "  %s: detail \"%s\"\n", fault, R.detail);
    WAIT(R.up == 2, 5000);
    CHECK_INT_EQ(R.up, 2);
    pump(100); /* a replayed create would arrive now */
    CHECK_INT_EQ(creates(), 1);
    CHECK_INT_EQ(R.nmsgs, msgs);
    /* the new connection works */
    ask("echo: after the cut");
    WAIT(R.completed != NULL, 5000);
    CHECK(R.completed && strstr(R.completed, "\"text\":\"after the cut\""));
    close_link();
}

static void test_rst_mid(void) { cut_case("rst-mid", 7); }
static void test_rst_before(void) { cut_case("rst-before", 0); }
static void test_drop_mid(void) { cut_case("drop-mid", 7); }
static void test_drop_before(void) { cut_case("drop-before", 0); }

static void test_frag(void)
{
    if (!open_link())
        return;
    ask("fault:frag echo: 日本語 🚀 naïve café, fragmented");
    WAIT(R.completed != NULL, 10000);
    CHECK(R.completed && strstr(R.completed, "\"text\":\"日本語 🚀 naïve café, fragmented\""));
    CHECK(!R.bad_json);
    CHECK_INT_EQ(R.waiting, 0);
    CHECK(log_has(&b, "fault conn=1 frag", 1000));
    close_link();
}

static void test_big(void)
{
    if (!open_link())
        return;
    ask("fault:big echo: a big final event");
    WAIT(R.completed != NULL, 20000);
    CHECK(R.completed_len > 5 * MIB);
    CHECK(R.completed && strstr(R.completed, "\"text\":\"a big final event\""));
    CHECK_INT_EQ(R.waiting, 0);
    close_link();
}

static void test_huge(void)
{
    if (!open_link())
        return;
    ask("fault:huge echo: x");
    WAIT(R.waiting == 1, 30000);
    CHECK_INT_EQ(R.waiting, 1);
    CHECK(strstr(R.detail, "message over 16777216 bytes: closed with 1009") != NULL);
    CHECK_INT_EQ(R.nmsgs, 1); /* response.created only */
    CHECK(R.max_len < MIB);
    WAIT(R.up == 2, 5000);
    CHECK_INT_EQ(R.up, 2);
    close_link();
}

static void test_limit_idle(void)
{
    if (!open_link())
        return;
    ask("fault:limit-idle echo: answered");
    WAIT(R.waiting == 1, 5000);
    CHECK(R.completed && strstr(R.completed, "\"text\":\"answered\""));
    CHECK(strstr(R.last, "websocket_connection_limit_reached") != NULL);
    CHECK_INT_EQ(R.waiting, 1);
    WAIT(R.up == 2, 5000);
    CHECK_INT_EQ(R.up, 2);
    close_link();
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (!link_env_open(NULL))
        return 1;
    RUN_IF(test_rst_mid);
    RUN_IF(test_rst_before);
    RUN_IF(test_drop_mid);
    RUN_IF(test_drop_before);
    RUN_IF(test_frag);
    RUN_IF(test_big);
    RUN_IF(test_huge);
    RUN_IF(test_limit_idle);
    link_env_close();
    return harness_done();
}
