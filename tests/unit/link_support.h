/* Shared by the Link tests (test_link.c, test_link_dns.c, test_link_peers.c, test_link_tls.c),
 * which drive the WebSocket transport (net/transport_ws.h) through the Transport API:
 * a scripted WebSocket server in the same lws_context (server vhosts on 127.0.0.1 and [::1],
 * port 0), driven by lws_service with deadlines; the context is made the way app/loop.c makes
 * it, with an adopted timerfd (the ticker) that shows whether the loop keeps running. Also the
 * test resolver that stands in for getaddrinfo (counts, delays or scripts lookups), the
 * service/WAIT/pump helpers, and the client's view (the states and messages it reported).
 * link_env_open() builds the context (a program adds vhosts of its own through the callback,
 * e.g. the TLS ones); link_env_close() tears it down in the wrong order on purpose (context
 * first, with a Link up and a lookup in flight), which must still be memory-safe.
 *
 * Header-only on purpose: every tests/unit/test_*.c is its own program (CMake globs them) and
 * this header is not one. Functions are static inline so a program using only some of them
 * still builds warning-free; the state (server records, client records, the context) is
 * static, so each program has its own. */
#ifndef FLINT_TESTS_UNIT_LINK_SUPPORT_H
#define FLINT_TESTS_UNIT_LINK_SUPPORT_H

#include <dlfcn.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "harness.h"
#include "net/transport_ws.h"
#include "net_test.h"
#include "net/link_dns.h"

/* ----- the scripted server ------------------------------------------------------------------ */

enum { F_DATA, F_PING, F_CLOSE, F_DROP, F_RST };

typedef struct SrvFrame {
    int kind;
    int flags; /* lws_write protocol for F_DATA */
    const char *data;
    size_t len;
    int code; /* F_CLOSE */
} SrvFrame;

#define MAX_RECS 128
#define MAX_FRAMES 256

typedef struct SrvRec {
    struct lws *wsi; /* NULL once closed */
    char auth[256];
    char xtitle[128]; /* an extra header the client may send ("X-Title") */
    char uri[256];
    char proto[64];
    char host[128]; /* Host header */
    char sni[128];  /* TLS server name the client sent ("" without TLS or SNI) */
    StrBuf rx;
    int nmsgs;
    char *msgs[16]; /* first 16 messages, owned */
    size_t msg_len[16];
    int close_code;
    char close_reason[64];
    uint64_t t_close; /* when the client's Close arrived */
    bool closed;
    bool stream;      /* send "delta N" on every WRITEABLE */
    int stream_n;
    SrvFrame frames[MAX_FRAMES];
    int nframes, pos;
} SrvRec;

static struct {
    SrvRec recs[MAX_RECS];
    int nrecs;
} S;

static bool child_stream; /* in the forked server: stream deltas on every connection */
static int child_pipe = -1; /* ... and report each Close's arrival time here */

typedef struct Pss {
    int rec;
} Pss;

static inline int srv_write(struct lws *wsi, const void *data, size_t len, int flags)
{
    unsigned char *buf = malloc(LWS_PRE + len + 1);
    memcpy(buf + LWS_PRE, data, len);
    int n = lws_write(wsi, buf + LWS_PRE, len, (enum lws_write_protocol)flags);
    free(buf);
    return n;
}

/* The SNI name the client sent. libssl is loaded through libwebsockets but not linked into
 * the test, so SSL_get_servername is looked up at run time. */
static inline void srv_sni(struct lws *wsi, char *out, size_t n)
{
    out[0] = '\0';
    SSL *ssl = lws_get_ssl(wsi);
    const char *(*get)(const SSL *, const int) = NULL;
    *(void **)&get = dlsym(RTLD_DEFAULT, "SSL_get_servername");
    const char *name = ssl && get ? get(ssl, 0 /* TLSEXT_NAMETYPE_host_name */) : NULL;
    if (name)
        snprintf(out, n, "%s", name);
}

static inline int srv_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    Pss *pss = user;
    SrvRec *r = NULL;
    switch (reason) { /* only these carry our per-session data */
    case LWS_CALLBACK_RECEIVE:
    case LWS_CALLBACK_SERVER_WRITEABLE:
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        if (pss && pss->rec > 0 && pss->rec <= S.nrecs)
            r = &S.recs[pss->rec - 1];
        break;
    default:
        break;
    }
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        if (S.nrecs == MAX_RECS)
            return -1;
        pss->rec = ++S.nrecs;
        r = &S.recs[pss->rec - 1];
        memset(r, 0, sizeof *r);
        r->wsi = wsi;
        lws_hdr_copy(wsi, r->auth, sizeof r->auth, WSI_TOKEN_HTTP_AUTHORIZATION);
        lws_hdr_copy(wsi, r->uri, sizeof r->uri, WSI_TOKEN_GET_URI);
        lws_hdr_copy(wsi, r->proto, sizeof r->proto, WSI_TOKEN_PROTOCOL);
        lws_hdr_copy(wsi, r->host, sizeof r->host, WSI_TOKEN_HOST);
        if (lws_hdr_custom_copy(wsi, r->xtitle, sizeof r->xtitle, "x-title:", 8) < 0)
            r->xtitle[0] = '\0';
        srv_sni(wsi, r->sni, sizeof r->sni);
        if (child_stream) {
            r->stream = true;
            lws_callback_on_writable(wsi);
        }
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (!r)
            return 0;
        sb_append(&r->rx, in, len);
        if (lws_is_final_fragment(wsi)) {
            if (r->nmsgs < 16) {
                r->msg_len[r->nmsgs] = r->rx.len;
                r->msgs[r->nmsgs] = sb_steal(&r->rx, NULL);
            }
            r->nmsgs++;
            sb_free(&r->rx);
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        if (!r || r->close_code)
            return 0;
        if (r->pos < r->nframes) {
            SrvFrame *f = &r->frames[r->pos++];
            switch (f->kind) {
            case F_DATA:
                if (srv_write(wsi, f->data, f->len, f->flags) < 0)
                    return -1;
                break;
            case F_PING:
                if (srv_write(wsi, "p", 1, LWS_WRITE_PING) < 0)
                    return -1;
                break;
            case F_CLOSE:
                lws_close_reason(wsi, (enum lws_close_status)f->code,
                                 (unsigned char *)(uintptr_t)f->data, f->len);
                return -1;
            case F_RST: {
                struct linger lg = {1, 0};
                setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                return -1;
            }
            case F_DROP:
                return -1; /* no close reason: lws just closes the socket (client sees 1006) */
            }
            lws_callback_on_writable(wsi);
        } else if (r->stream) {
            char d[64];
            int n = snprintf(d, sizeof d, "delta %d", r->stream_n++);
            if (srv_write(wsi, d, (size_t)n, LWS_WRITE_TEXT) < 0)
                return -1;
            if (child_stream)
                lws_set_timer_usecs(wsi, 2000); /* paced: ~500 deltas/s */
            else
                lws_callback_on_writable(wsi);
        }
        return 0;
    }
    case LWS_CALLBACK_TIMER:
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (r && len >= 2) {
            const unsigned char *p = in;
            r->t_close = clock_now_ns();
            r->close_code = (p[0] << 8) | p[1];
            size_t n = len - 2 < sizeof r->close_reason - 1 ? len - 2 : sizeof r->close_reason - 1;
            memcpy(r->close_reason, p + 2, n);
            r->close_reason[n] = '\0';
            if (child_pipe >= 0 && write(child_pipe, &r->t_close, sizeof r->t_close) < 0)
                _exit(2);
        }
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (r) {
            r->closed = true;
            r->wsi = NULL;
        }
        return 0;
    default:
        return 0;
    }
}

static inline void srv_push(SrvRec *r, SrvFrame f)
{
    if (r->nframes < MAX_FRAMES)
        r->frames[r->nframes++] = f;
}

static inline void srv_text(SrvRec *r, const char *s)
{
    srv_push(r, (SrvFrame){F_DATA, LWS_WRITE_TEXT, s, strlen(s), 0});
}

static inline void srv_go(SrvRec *r)
{
    if (r->wsi)
        lws_callback_on_writable(r->wsi);
}

static inline void srv_reset(void)
{
    for (int i = 0; i < S.nrecs; i++) {
        sb_free(&S.recs[i].rx);
        for (int j = 0; j < 16 && j < S.recs[i].nmsgs; j++)
            free(S.recs[i].msgs[j]);
    }
    memset(&S, 0, sizeof S);
}

/* ----- the context, the way app/loop.c makes it ------------------------------------------- */

static struct lws_context *ctx;
static int srv_port;
static int srv6_port; /* 0: no [::1] listener */
static lws_sorted_usec_list_t tick;

/* A timerfd adopted the way app/loop.c adopts its frame clock: while it runs, every expiry
 * is timed, so a blocked loop shows up as a late tick. */
static struct {
    int fd;
    struct lws *wsi;
    uint64_t last, max_gap;
    int ticks;
} T = {-1, NULL, 0, 0, 0};

static inline void ticker_run(int period_ms)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = its.it_interval.tv_nsec = (long)period_ms * 1000000L;
    T.last = T.max_gap = 0;
    T.ticks = 0;
    timerfd_settime(T.fd, 0, &its, NULL); /* period 0: stopped */
}

static inline int app_raw_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                             void *in, size_t len)
{
    (void)user, (void)in, (void)len;
    uint64_t n;
    if (reason == LWS_CALLBACK_RAW_RX_FILE && wsi == T.wsi && read(T.fd, &n, sizeof n) == 8) {
        uint64_t now = clock_now_ns();
        if (T.last && now - T.last > T.max_gap)
            T.max_gap = now - T.last;
        T.last = now;
        T.ticks++;
    }
    return 0;
}

/* A getaddrinfo stand-in for Link (TransportWsConfig.resolve), on the resolver threads: counts
 * lookups, sleeps resolve_delay_ms first, and scripts a few names (two.test and dead.test go
 * with srv6_port, where only [::1] listens, so 127.0.0.1 is refused there); anything else goes
 * to getaddrinfo. Scripted lists are joined by relinking single-address results (glibc's
 * freeaddrinfo frees node by node). */
static atomic_int resolves_started, resolves_done, resolve_delay_ms;
/* While set, every lookup waits for the test to clear it: a lookup that is provably still
 * running, whatever the machine's load (no sleep has to be long enough). */
static atomic_int resolve_gate;
static LinkResolveFn resolver; /* what make_link passes; NULL: getaddrinfo */

static const struct {
    const char *name;
    const char *addrs[6];
} scripted[] = {
    {"two.test", {"127.0.0.1", "::1"}},
    {"dead.test", {"127.0.0.1"}},
    {"mix.test", {"::1", "::2", "::1", "127.0.0.1", "127.0.0.2"}},
};

static inline int test_resolve(const char *node, const char *service,
                               const struct addrinfo *hints, struct addrinfo **res)
{
    atomic_fetch_add(&resolves_started, 1);
    while (atomic_load(&resolve_gate)) {
        struct timespec gate_ts = {0, 1000000L};
        nanosleep(&gate_ts, NULL);
    }
    int ms = atomic_load(&resolve_delay_ms);
    if (ms) {
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    int rc = 0;
    bool matched = false;
    for (size_t i = 0; !matched && i < sizeof scripted / sizeof scripted[0]; i++) {
        if (strcmp(node, scripted[i].name) != 0)
            continue;
        matched = true;
        struct addrinfo h = *hints, *head = NULL, **tail = &head;
        h.ai_flags = AI_NUMERICHOST;
        for (int k = 0; rc == 0 && k < 6 && scripted[i].addrs[k]; k++) {
            rc = getaddrinfo(scripted[i].addrs[k], service, &h, tail);
            while (rc == 0 && *tail)
                tail = &(*tail)->ai_next;
        }
        if (rc == 0)
            *res = head;
        else if (head)
            freeaddrinfo(head);
    }
    if (!matched)
        rc = getaddrinfo(node, service, hints, res);
    atomic_fetch_add(&resolves_done, 1);
    return rc;
}

/* Service the loop until every lookup started so far has finished (abandoned ones too). */
static inline void wait_resolvers(int ms)
{
    uint64_t dl = clock_now_ns() + (uint64_t)ms * NS_PER_MS;
    while (atomic_load(&resolves_done) != atomic_load(&resolves_started) && clock_now_ns() < dl)
        lws_service(ctx, 0);
}

static struct lws_protocols app_protocols[2];
static const struct lws_protocols srv_protocols[] = {
    {"test-srv", srv_cb, sizeof(Pss), 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* A periodic timer bounds each lws_service() so the WAIT loops see their deadlines. */
static inline void tick_cb(lws_sorted_usec_list_t *sul)
{
    lws_sul_schedule(ctx, 0, sul, tick_cb, 2000);
}

/* An optional raw TCP peer served between lws_service calls (the 401 test). */
static void (*extra_poll)(void);

static inline void service_once(void)
{
    lws_service(ctx, 0);
    if (extra_poll)
        extra_poll();
}

static inline void pump(int ms)
{
    uint64_t dl = clock_now_ns() + (uint64_t)ms * NS_PER_MS;
    while (clock_now_ns() < dl)
        service_once();
}

/* ----- the client's view ------------------------------------------------------------------ */

typedef struct StateRec {
    TransportState st;
    char detail[256];
    uint64_t t;
    int resolves;  /* lookups started when this state was reported */
} StateRec;

static struct {
    StateRec states[256];
    int nstates;
    int nmsgs;
    char *msgs[64];
    size_t msg_len[64];
    bool nul_ok;
    Transport *link;
    int interrupt_after; /* call link_interrupt from inside the hook after this many msgs */
    uint64_t t_interrupt;
} C;

static inline void on_state(void *ud, TransportState st, const char *detail)
{
    (void)ud;
    if (C.nstates < 256) {
        StateRec *s = &C.states[C.nstates];
        s->st = st;
        snprintf(s->detail, sizeof s->detail, "%s", detail ? detail : "(null)");
        s->t = clock_now_ns();
        s->resolves = atomic_load(&resolves_started);
    }
    C.nstates++;
}

static inline void on_message(void *ud, const char *data, size_t len)
{
    (void)ud;
    if (C.nmsgs < 64) {
        C.msgs[C.nmsgs] = malloc(len + 1);
        memcpy(C.msgs[C.nmsgs], data, len + 1);
        C.msg_len[C.nmsgs] = len;
    }
    if (data[len] != '\0')
        C.nul_ok = false;
    C.nmsgs++;
    if (C.interrupt_after && C.nmsgs == C.interrupt_after) {
        C.t_interrupt = clock_now_ns();
        transport_interrupt(C.link);
    }
}

static const TransportHooks hooks = {on_state, on_message, NULL};

static inline void client_reset(void)
{
    for (int i = 0; i < C.nmsgs && i < 64; i++)
        free(C.msgs[i]);
    memset(&C, 0, sizeof C);
    C.nul_ok = true;
}

static inline int count_state(TransportState st)
{
    int n = 0;
    for (int i = 0; i < C.nstates && i < 256; i++)
        n += C.states[i].st == st;
    return n;
}

static inline const StateRec *last_state(TransportState st)
{
    for (int i = (C.nstates < 256 ? C.nstates : 256) - 1; i >= 0; i--)
        if (C.states[i].st == st)
            return &C.states[i];
    return NULL;
}

/* No proxy, whatever the environment running the tests says (test_link_tunnel has its own). */
static inline const char *no_proxy_env(const char *name)
{
    (void)name;
    return NULL;
}

static inline Transport *make_link(const char *url, const char *key, const char *ca, size_t max)
{
    client_reset();
    char err[256] = "";
    TransportWsConfig cfg = {.url = url, .api_key = key, .ca_file = ca, .max_message = max,
                             .env = no_proxy_env,
                      .resolve = resolver};
    Transport *l = transport_ws_new(ctx, &cfg, &hooks, NULL, err, sizeof err);
    if (!l)
        fprintf(stderr, "transport_ws_new(%s): %s\n", url, err);
    C.link = l;
    return l;
}

static inline char *srv_url(int port, const char *scheme)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s://127.0.0.1:%d/v1", scheme, port);
    return buf;
}

/* Starts a link to the plain server and waits until it is up. */
static inline Transport *up_link(size_t max)
{
    srv_reset();
    Transport *l = make_link(srv_url(srv_port, "ws"), "sk-test", NULL, max);
    if (!l)
        return NULL;
    transport_start(l);
    WAIT(transport_state(l) == TRANSPORT_UP && S.nrecs == 1, 3000);
    CHECK_INT_EQ(transport_state(l), TRANSPORT_UP);
    CHECK_INT_EQ(S.nrecs, 1);
    return l;
}

/* A TLS server vhost (the scripted server's protocols) on 127.0.0.1 with cert and key, for an
 * add_vhosts callback of link_env_open; its port, 0 when it cannot be made. */
static inline int link_tls_vhost(const char *name, const char *cert, const char *key)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.vhost_name = name;
    info.port = 0;
    info.iface = "127.0.0.1";
    info.protocols = srv_protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.ssl_cert_filepath = cert;
    info.ssl_private_key_filepath = key;
    struct lws_vhost *v = lws_create_vhost(ctx, &info);
    int port = v ? lws_get_vhost_listen_port(v) : 0;
    return port < 0 ? 0 : port;
}

/* ----- setting up and tearing down ---------------------------------------------------------- */

/* The context, the plain server vhosts, add_vhosts() (may be NULL) and the adopted timerfd;
 * false (with a message) if any of them cannot be made. */
static inline bool link_env_open(void (*add_vhosts)(void))
{
    app_protocols[0] = (struct lws_protocols){"app-raw", app_raw_cb, 0, 0, 0, NULL, 0};
    memset(&app_protocols[1], 0, sizeof app_protocols[1]);

    /* As app/loop.c makes it: no vhost carries a client SSL_CTX until a wss:// Link adds
     * its own (transport_ws.c link_tls_ready). */
    ctx = net_test_context(app_protocols);
    if (!ctx)
        return false;

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.vhost_name = "test-srv";
    info.port = 0;
    info.iface = "127.0.0.1";
    info.protocols = srv_protocols;
    struct lws_vhost *sv = lws_create_vhost(ctx, &info);
    srv_port = sv ? lws_get_vhost_listen_port(sv) : 0;
    if (srv_port <= 0) {
        fprintf(stderr, "no server vhost\n");
        return false;
    }

    memset(&info, 0, sizeof info);
    info.vhost_name = "test-srv6";
    info.port = 0;
    info.iface = "::1";
    info.protocols = srv_protocols;
    struct lws_vhost *sv6 = lws_create_vhost(ctx, &info);
    srv6_port = sv6 ? lws_get_vhost_listen_port(sv6) : 0;
    if (srv6_port < 0)
        srv6_port = 0;

    if (add_vhosts)
        add_vhosts();
    T.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    lws_sock_file_fd_type u;
    u.filefd = T.fd;
    T.wsi = T.fd < 0 ? NULL
                     : lws_adopt_descriptor_vhost(lws_get_vhost_by_name(ctx, "default"),
                                                  LWS_ADOPT_RAW_FILE_DESC, u, "app-raw", NULL);
    if (!T.wsi) {
        fprintf(stderr, "cannot adopt a timerfd\n");
        return false;
    }
    lws_sul_schedule(ctx, 0, &tick, tick_cb, 2000);
    return true;
}

static inline void link_env_close(void)
{
    /* The app should free its Link first; the other order must still be memory-safe, also
     * with a lookup in flight (its wake must not reach the destroyed context). */
    Transport *late = up_link(0);
    TransportWsConfig lcfg = {.url = "ws://localhost:1/v1", .resolve = test_resolve};
    char err[256];
    atomic_store(&resolve_delay_ms, 100);
    Transport *resolving = transport_ws_new(ctx, &lcfg, &hooks, NULL, err, sizeof err);
    transport_start(resolving);
    lws_sul_cancel(&tick);
    lws_context_destroy(ctx);
    for (int i = 0; i < 3000 && atomic_load(&resolves_done) != atomic_load(&resolves_started); i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    struct timespec settle = {0, 20000000L}; /* the thread's last steps after the resolver */
    nanosleep(&settle, NULL);
    transport_free(late);
    transport_free(resolving);
    srv_reset();
    client_reset();
}

#endif
