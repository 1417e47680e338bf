/* TransportSse (transport_sse.h): HTTP/1.1 requests with streamed responses on one kept-alive
 * raw lws client socket, behind the Transport interface (transport.h).
 *
 * Data structure. An Sse owns a list of Conns (one per raw client wsi it has opened), a FIFO
 * of requests (each a complete HTTP message: head and body, built by sse_send) and a LinkTry
 * (link_try.h, shared with transport_ws: its client vhost "flint-sse", the connect timer, the
 * backoff, and the address cache: numeric addresses for lws, lookups in the background, the
 * next address after a failed connect). Exactly one Conn, or none, is current (s->cur); only the current Conn
 * moves bytes, reports or changes the state. A Conn stops being current when it is
 * interrupted, fails, is lost, or is closed after a response the server would not keep alive;
 * it lingers (delivering nothing) until lws destroys its wsi (WSI_DESTROY), where it is freed.
 *
 * One request at a time (RFC 9112 9.3.2 allows pipelining; many servers mishandle it, and a
 * cancel must not take a queued question down with the streaming one): q_head is written
 * from WRITEABLE callbacks, at most SSE_CHUNK bytes each, only when the current Conn has no
 * response in progress (c->busy). c->busy goes up with the first byte written and down when
 * the response ends (HttpRx END) or the Conn stops being current.
 *
 * Invariants:
 *   - s->cur != NULL  =>  state is CONNECTING or UP; state UP  <=>  s->cur && s->cur->up.
 *   - s->cur == NULL while CONNECTING only between a restart and the deferred connect,
 *     between two addresses, or while s->try.addr.dns_wait.
 *   - the queue is empty unless the state is UP or CONNECTING after a planned reconnect
 *     (keep-alive refused: the queued questions go out on the next connection); interrupt,
 *     rotate and every failure drop it.
 *   - q_head->off > 0  =>  s->cur->busy (a partly written request belongs to that Conn).
 *   - the end hook runs once per request that was written (some bytes) and then answered or
 *     lost, never for one dropped by interrupt/rotate.
 *   - the connect timer (link_try_arm) is armed only while s->cur == NULL. */
#include "net/transport_sse.h"

#include <errno.h>
#include <libwebsockets.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "net/http_fields.h"
#include "net/http_rx.h"
#include "net/link_diag.h"
#include "net/link_hold.h"
#include "net/link_dns.h"
#include "net/link_try.h"
#include "net/link_url.h"
#include "net/link_pipe.h"

#define SSE_NAME "flint-sse"            /* vhost and protocol */
#define SSE_PATH "/chat/completions"
#define SSE_CHUNK (64u * 1024)          /* request bytes per WRITEABLE */
#define SSE_RX_BUFFER (16u * 1024)
#define SSE_IDLE_OK_NS (2 * NS_PER_SEC) /* an idle close after this long: reconnect at once */
#define SSE_KEEP_SCRATCH (1u << 16)

typedef struct Sse Sse;
typedef struct SseConn SseConn;
typedef struct SseReq SseReq;

struct SseReq {
    SseReq *next;
    size_t len, off, body_len;
    char buf[]; /* the whole HTTP message */
};

struct SseConn {
    Sse *s;                /* NULL after sse_free */
    struct lws *wsi;       /* NULL once lws destroyed it */
    SseConn *prev, *next;
    bool up;               /* TCP (and TLS) established */
    bool done;             /* failure or loss handled, or no longer wanted */
    bool in_connect, destroyed;
    bool diag_held;
    bool busy;             /* a request is written (partly or wholly), its response not over */
    bool refused;          /* the response is not 2xx: its body is kept in err_body */
    bool head_seen;
    bool request_cut;      /* answered before its request was all written: close after */
    bool rx_held;          /* reading stopped (transport_hold: link_hold_socket) */
    unsigned diag_mark;
    uint64_t t_up;
    LinkPipe *pipe;        /* https or a proxy: the tunnel and TLS (link_pipe.h); else NULL */
    char addr[LINK_DNS_ADDR_LEN];
    HttpRx rx;
    StrBuf err_body;
};

struct Sse {
    Transport base;        /* first: a Transport * is an Sse * */
    LinkTry try;           /* vhost, connect timer, backoff, addresses (link_try.h) */
    LinkUrl url;
    char *fixed_headers;   /* every header line but Content-Length, CRLF-terminated */
    LinkRoute route;       /* direct or through a proxy; TLS or not (link_pipe.h) */
    StrBuf plain;          /* plaintext out of a LinkPipe, for on_rx */
    bool key_sent;         /* requests carry an Authorization header */
    SseConn *cur, *conns;
    SseReq *q_head, *q_tail;
    StrBuf scratch;        /* a NUL-terminated copy of each body chunk for the hook */
};

static int sse_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len);

static const struct lws_protocols sse_protocols[] = {
    {SSE_NAME, sse_callback, 0, SSE_RX_BUFFER, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* transport_ws' backoff (PROTOCOL.md 7.1). No ping: HTTP has none (a silent stream is the
 * dialect's to time out). */
static const uint32_t sse_backoff_ms[] = {500, 1000, 2000, 4000, 8000, 15000};
static const lws_retry_bo_t sse_retry = {
    .retry_ms_table = sse_backoff_ms,
    .retry_ms_table_count = sizeof sse_backoff_ms / sizeof sse_backoff_ms[0],
    .conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
    .jitter_percent = 10,
};

/* --- small helpers ------------------------------------------------------------------------ */

static void queue_drop(Sse *s)
{
    for (SseReq *r = s->q_head, *next; r; r = next) {
        next = r->next;
        free(r);
    }
    s->q_head = s->q_tail = NULL;
}

static bool is_current(const SseConn *c) { return c->s && c->s->cur == c; }
static void diag_release(SseConn *c)
{
    if (c->diag_held) {
        c->diag_held = false;
        link_diag_release();
    }
}

static void conn_free(SseConn *c)
{
    if (c->s) {
        if (c->prev)
            c->prev->next = c->next;
        else
            c->s->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        if (c->s->cur == c)
            c->s->cur = NULL;
    }
    diag_release(c);
    http_rx_free(&c->rx);
    sb_free(&c->err_body);
    link_pipe_free(c->pipe);
    free(c);
}

/* Closes the socket now: the server sees EOF at once (that is the cancel, PROTOCOL.md 7.2),
 * and lws frees the wsi on its next pass without any close handshake. */
static void conn_kill(SseConn *c)
{
    c->done = true;
    if (!c->wsi)
        return;
    int fd = lws_get_socket_fd(c->wsi);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* The end of the current response (c->busy): one report to the end hook. */
static void report_end(SseConn *c, bool complete, const char *why)
{
    Sse *s = c->s;
    unsigned status = c->head_seen ? c->rx.status : 0;
    char detail[320] = "";
    unsigned retry_s = 0;
    if (c->refused) {
        http_refusal_line(status, s->url.endpoint, c->rx.location, c->err_body.data,
                          c->err_body.len, detail, sizeof detail);
        int ra = c->rx.retry_after[0] ? link_diag_retry_after(c->rx.retry_after) : -1;
        retry_s = ra > 0 ? (unsigned)ra : 0;
    } else if (!complete) {
        snprintf(detail, sizeof detail, "%s", why);
    }
    TransportEnd e = {.status = status, .complete = complete,
                      .body = c->refused ? sb_cstr(&c->err_body) : "",
                      .body_len = c->refused ? c->err_body.len : 0,
                      .detail = detail, .retry_after_s = retry_s};
    log_msg("sse: response end %u%s%s", status, complete ? "" : " cut off: ",
            complete ? "" : why);
    c->busy = c->refused = c->head_seen = false;
    if (s->q_head && s->q_head->off > 0) {
        /* answered before the request was all written (an early 401, 413): the rest of it
         * cannot go out on this connection any more */
        SseReq *r = s->q_head;
        s->q_head = r->next;
        if (!s->q_head)
            s->q_tail = NULL;
        free(r);
        c->request_cut = true;
    }
    transport_report_end(&s->base, &e);
    sb_free(&c->err_body); /* after the hook: e.body points into it (c outlives the hook) */
}

/* The current connection failed or was lost (why: a human reason). A connect that never
 * came up moves on to the next cached address without a report; otherwise a response in
 * progress is reported cut off, then WAITING with the backoff. */
static void conn_lost(SseConn *c, const char *why)
{
    c->done = true;
    Sse *s = c->s;
    if (!s || s->cur != c)
        return;
    if (c->busy)
        report_end(c, false, why); /* the hook may interrupt: then c is no longer current */
    if (s->cur != c)
        return;
    s->cur = NULL;
    queue_drop(s);
    if (!c->up && link_addr_failed(&s->try.addr, why, c->addr)) {
        link_try_arm(&s->try, 0);
        return;
    }
    log_msg("sse: down %s (%s%s%s)", why, s->url.endpoint, s->try.addr.literal ? "" : " via ",
            s->try.addr.literal ? "" : c->addr);
    link_try_wait(&s->try, why, 0);
}

/* A 401/403 answer: the same request would be refused again, so the connection is closed and
 * nothing retries until transport_interrupt asks for one attempt (STOPPED, transport.h);
 * the state's detail says what to do. */
static void sse_stop(SseConn *c, unsigned status)
{
    Sse *s = c->s;
    char why[256];
    link_diag_refusal(status, s->key_sent, s->url.endpoint, why, sizeof why);
    log_msg("sse: stopped after HTTP %u", status);
    s->cur = NULL;
    conn_kill(c);
    queue_drop(s);
    transport_report_state(&s->base, TRANSPORT_STOPPED, why);
}

/* The current connection is closed on purpose (keep-alive refused, or the server closed it
 * while idle after a good while): a fresh one at once, keeping the queue. */
static void conn_replace(SseConn *c, const char *why)
{
    Sse *s = c->s;
    log_msg("sse: reconnecting: %s", why);
    s->cur = NULL;
    conn_kill(c);
    link_try_arm(&s->try, 0);
    transport_report_state(&s->base, TRANSPORT_CONNECTING, why);
}

/* --- connecting --------------------------------------------------------------------------- */

/* LinkTry's connect hook: one attempt, to link_addr_current(). */
static void conn_start(void *owner)
{
    Sse *s = owner;
    char terr[256];
    if (!link_route_tls_ready(&s->route, terr, sizeof terr)) { /* https: once, ~20 ms */
        transport_report_state(&s->base, TRANSPORT_STOPPED, terr);
        return;
    }
    SseConn *c = xcalloc(1, sizeof *c);
    c->s = s;
    http_rx_init(&c->rx);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->cur = c;
    snprintf(c->addr, sizeof c->addr, "%s", link_addr_current(&s->try.addr));
    c->diag_mark = link_diag_hold();
    c->diag_held = true;
    if (s->base.state != TRANSPORT_CONNECTING)
        transport_report_state(&s->base, TRANSPORT_CONNECTING, "");
    log_msg("sse: connecting %s%s%s%s%s", s->url.display,
            s->route.proxy.host[0] ? " through proxy " : "", s->route.proxy.display,
            s->try.addr.literal ? "" : " via ", s->try.addr.literal ? "" : c->addr);

    /* A raw socket (method "RAW"): lws connects, we speak HTTP/1.1 -- over TLS of our own
     * for https (tls_mem.h says why lws does not do it). address: numeric (no lookup inside
     * lws); the name goes to SNI and the certificate check (conn_tls_begin). */
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = s->try.ctx;
    ci.vhost = s->try.vh;
    ci.address = c->addr;
    ci.port = s->route.port;
    ci.path = "/";
    ci.host = s->url.host_header;
    ci.method = "RAW";
    ci.ssl_connection = 0;
    ci.local_protocol_name = SSE_NAME;
    ci.opaque_user_data = c;
    ci.pwsi = &c->wsi;

    c->in_connect = true;
    struct lws *wsi = s->try.vh ? lws_client_connect_via_info(&ci) : NULL;
    c->in_connect = false;
    if (wsi && !c->destroyed)
        return;
    if (!c->done) {
        char why[256];
        link_diag_describe(NULL, 0, c->diag_mark, s->route.via, s->url.host, why, sizeof why);
        diag_release(c);
        conn_lost(c, why);
    }
    conn_free(c);
}

/* LinkTry's current hook. */
static bool sse_current(const void *owner) { return ((const Sse *)owner)->cur != NULL; }

/* --- moving bytes ------------------------------------------------------------------------- */

static void on_up(SseConn *c)
{
    if (c->up)
        return;
    c->up = true;
    c->t_up = clock_now_ns();
    diag_release(c);
    Sse *s = c->s;
    if (!is_current(c)) {
        conn_kill(c);
        return;
    }
    link_try_up(&s->try);
    log_msg("sse: up %s", s->url.endpoint);
    transport_report_state(&s->base, TRANSPORT_UP, "");
    if (is_current(c) && s->q_head && c->wsi) /* queued across a planned reconnect */
        lws_callback_on_writable(c->wsi);
}

/* TCP is up: to the server (up at once, for plain http), or to the proxy, or TLS is next:
 * then a LinkPipe opens the tunnel and does the handshake; up when it is UP (on_rx_pipe). */
static void conn_tcp_up(SseConn *c)
{
    if (c->pipe || c->up)
        return;
    Sse *s = c->s;
    if (!is_current(c)) {
        conn_kill(c);
        return;
    }
    if (!(c->pipe = link_route_pipe(&s->route, &s->url))) { /* plain and direct */
        on_up(c);
        return;
    }
    if (link_pipe_start(c->pipe) == LINK_PIPE_FAILED) {
        conn_kill(c);
        diag_release(c);
        conn_lost(c, link_pipe_error(c->pipe));
        return;
    }
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

/* The pipe failed (tunnel refused, TLS handshake or record): its reason, then the usual
 * failure path (the next address, or WAITING). */
static void conn_pipe_failed(SseConn *c)
{
    char why[320];
    snprintf(why, sizeof why, "%s", link_pipe_error(c->pipe));
    conn_kill(c);
    diag_release(c);
    conn_lost(c, why);
}

/* Plaintext out: as it is, or through the pipe. One lws_write per WRITEABLE (lws buffers what
 * the socket does not take and calls WRITEABLE again only once that has drained). */
static bool conn_write(SseConn *c, struct lws *wsi, const char *data, size_t n)
{
    if (c->pipe) {
        if (!link_pipe_tx(c->pipe, data, n)) {
            conn_pipe_failed(c);
            return false;
        }
        data = link_pipe_out(c->pipe, &n);
    }
    int w = n ? lws_write(wsi, (unsigned char *)(uintptr_t)data, n, LWS_WRITE_RAW) : 0;
    if (w < (int)n) {
        conn_lost(c, "write failed");
        return false;
    }
    if (c->pipe)
        link_pipe_consume(c->pipe, n);
    return true;
}

static int on_writeable(SseConn *c, struct lws *wsi)
{
    Sse *s = c->s;
    if (c->pipe && is_current(c)) {
        size_t n;
        const char *p = link_pipe_out(c->pipe, &n);
        if (n) { /* CONNECT, handshake records (or a key update): first, and alone */
            if (lws_write(wsi, (unsigned char *)(uintptr_t)p, n, LWS_WRITE_RAW) < (int)n) {
                conn_lost(c, "write failed");
                return -1;
            }
            link_pipe_consume(c->pipe, n);
            if (c->up && s->q_head)
                lws_callback_on_writable(wsi);
            return 0;
        }
    }
    if (!is_current(c) || !c->up || !s->q_head)
        return 0;
    SseReq *r = s->q_head;
    if (c->busy && r->off == 0)
        return 0; /* the previous response is still streaming: no pipelining */
    size_t n = r->len - r->off;
    if (n > SSE_CHUNK)
        n = SSE_CHUNK;
    c->busy = true;
    /* Raw sockets take the bytes as they are (no LWS_PRE header is written). */
    if (!conn_write(c, wsi, r->buf + r->off, n))
        return -1;
    r->off += n;
    if (r->off == r->len) {
        s->base.stats.messages_out++;
        s->base.stats.bytes_out += r->body_len;
        s->q_head = r->next;
        if (!s->q_head)
            s->q_tail = NULL;
        free(r);
    } else {
        lws_callback_on_writable(wsi);
    }
    return 0;
}

/* Body bytes of a 2xx response: to the message hook, NUL-terminated (transport.h). */
static void deliver(Sse *s, const char *data, size_t len)
{
    sb_reset(&s->scratch);
    sb_append(&s->scratch, data, len);
    transport_report_message(&s->base, sb_cstr(&s->scratch), len);
    if (s->scratch.len > SSE_KEEP_SCRATCH)
        sb_free(&s->scratch);
}

static void on_rx(SseConn *c, const char *in, size_t len)
{
    Sse *s = c->s;
    if (!is_current(c))
        return; /* interrupted or replaced: whatever still arrives is dropped */
    if (!c->busy) {
        char why[160];
        snprintf(why, sizeof why, "%s sent bytes nobody asked for", s->url.endpoint);
        conn_kill(c);
        conn_lost(c, why);
        return;
    }
    size_t used = 0;
    for (;;) {
        HttpRxEvent ev;
        used += http_rx_feed(&c->rx, in + used, len - used, &ev);
        switch (ev.kind) {
        case HTTP_RX_MORE:
            return;
        case HTTP_RX_HEAD:
            c->head_seen = true;
            c->refused = c->rx.status < 200 || c->rx.status >= 300;
            log_msg("sse: HTTP %u%s", c->rx.status, c->rx.keep_alive ? "" : " (not kept alive)");
            break;
        case HTTP_RX_BODY:
            if (c->refused) {
                size_t room = TRANSPORT_ERROR_BODY - c->err_body.len;
                sb_append(&c->err_body, ev.data, ev.len < room ? ev.len : room);
            } else {
                deliver(s, ev.data, ev.len);
                if (!is_current(c))
                    return; /* the hook interrupted */
            }
            break;
        case HTTP_RX_END: {
            unsigned status = c->refused ? c->rx.status : 0;
            report_end(c, true, "");
            bool keep = c->rx.keep_alive && !c->request_cut;
            if (!is_current(c))
                return;
            if (status == 401 || status == 403) {
                sse_stop(c, status);
                return;
            }
            if (!keep) {
                conn_replace(c, "server closed the connection after the response");
                return;
            }
            if (s->q_head && c->wsi)
                lws_callback_on_writable(c->wsi);
            break;
        }
        case HTTP_RX_ERROR: {
            char why[200];
            snprintf(why, sizeof why, "bad HTTP response from %s: %s", s->url.endpoint,
                     c->rx.error);
            conn_kill(c);
            conn_lost(c, why);
            return;
        }
        }
    }
}

/* Through a LinkPipe: the proxy's answer and TLS records in, plaintext to on_rx. */
static void on_rx_pipe(SseConn *c, const char *in, size_t len)
{
    Sse *s = c->s;
    if (!is_current(c))
        return;
    sb_reset(&s->plain);
    LinkPipeState st = link_pipe_rx(c->pipe, in, len, &s->plain);
    if (st == LINK_PIPE_FAILED) {
        conn_pipe_failed(c);
        return;
    }
    if (st == LINK_PIPE_UP && !c->up) {
        char d[96];
        link_pipe_describe(c->pipe, d, sizeof d);
        log_msg("sse: pipe up %s%s%s (tunnel %.2f ms, TLS handshake %.2f ms)", s->url.endpoint,
                d[0] ? " " : "", d, (double)link_pipe_tunnel_ns(c->pipe) / 1e6,
                (double)link_pipe_tls_ns(c->pipe) / 1e6);
        on_up(c);
    }
    if (s->plain.len && is_current(c) && c->up)
        on_rx(c, s->plain.data, s->plain.len);
    if (s->plain.cap > SSE_KEEP_SCRATCH)
        sb_free(&s->plain);
    size_t pending;
    if (is_current(c) && link_pipe_out(c->pipe, &pending) && pending && c->wsi)
        lws_callback_on_writable(c->wsi);
}

/* The socket closed (by the server, or lws) while current. */
static void on_closed(SseConn *c, const char *reason)
{
    Sse *s = c->s;
    char why[256];
    if (!c->up && c->pipe) {
        snprintf(why, sizeof why, "%s", link_pipe_closed_early(c->pipe));
        diag_release(c);
        conn_lost(c, why);
        return;
    }
    if (!c->up) {
        link_diag_describe(reason, 0, c->diag_mark, s->route.via, s->url.host, why, sizeof why);
        diag_release(c);
        conn_lost(c, why);
        return;
    }
    if (c->busy) {
        if (http_rx_eof(&c->rx) == HTTP_RX_END) { /* a close-delimited body (RFC 9112 6.3) */
            unsigned status = c->refused ? c->rx.status : 0;
            report_end(c, true, "");
            if (is_current(c) && (status == 401 || status == 403))
                sse_stop(c, status);
            else if (is_current(c))
                conn_replace(c, "server closed the connection after the response");
            return;
        }
        snprintf(why, sizeof why, "connection to %s lost %s", s->url.endpoint,
                 c->head_seen ? "mid-response" : "before the response");
        conn_lost(c, why);
        return;
    }
    if (clock_now_ns() - c->t_up >= SSE_IDLE_OK_NS) {
        conn_replace(c, "server closed the idle connection");
        return;
    }
    snprintf(why, sizeof why, "connection closed by %s", s->url.endpoint);
    conn_lost(c, why);
}

static int sse_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len)
{
    (void)user;
    if (link_try_event(wsi, (int)reason, SSE_NAME))
        return 0; /* vhost-wide: lookups, the vhost going */
    SseConn *c = link_try_conn(wsi, SSE_NAME);
    if (!c)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_RAW_CONNECTED: /* TCP is up */
    case LWS_CALLBACK_RAW_ADOPT:
        conn_tcp_up(c);
        return 0;
    case LWS_CALLBACK_RAW_RX:
        if (c->pipe)
            on_rx_pipe(c, in, len);
        else
            on_rx(c, in, len);
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE:
        return on_writeable(c, wsi);
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_RAW_CLOSE:
        if (c->done || !is_current(c)) {
            c->done = true;
            return 0;
        }
        on_closed(c, reason == LWS_CALLBACK_CLIENT_CONNECTION_ERROR ? in : NULL);
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        lws_set_opaque_user_data(wsi, NULL);
        c->wsi = NULL;
        if (c->in_connect) {
            c->destroyed = true;
            return 0;
        }
        if (!c->done && is_current(c))
            on_closed(c, NULL);
        conn_free(c);
        return 0;
    default:
        return 0;
    }
}

/* --- the Transport verbs ------------------------------------------------------------------ */

static Sse *sse_of(Transport *t) { return (Sse *)(void *)t; }

static void sse_free(Transport *t)
{
    Sse *s = sse_of(t);
    log_msg("sse: closed (%s)", s->url.endpoint);
    for (SseConn *c = s->conns; c; c = c->next) {
        c->s = NULL;
        if (c->wsi && s->try.vh)
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
    s->conns = s->cur = NULL;
    link_try_stop(&s->try);
    queue_drop(s);
    sb_free(&s->scratch);
    link_url_free(&s->url);
    free(s->fixed_headers);
    link_route_free(&s->route);
    sb_free(&s->plain);
    free(s);
}

static void sse_start(Transport *t)
{
    Sse *s = sse_of(t);
    /* The TLS context (and the first connect) on the loop's next pass: the first frame,
     * drawn right after this call, does not wait for the CA bundle. */
    link_try_start(&s->try, s->url.tls && !s->route.tls);
}

static bool sse_send(Transport *t, const char *data, size_t len)
{
    Sse *s = sse_of(t);
    SseConn *c = s->cur;
    if (s->base.state != TRANSPORT_UP || !c || !c->up || !c->wsi)
        return false;
    StrBuf head = {0};
    sb_printf(&head, "POST %s HTTP/1.1\r\n%sContent-Length: %zu\r\n\r\n", s->url.path,
              s->fixed_headers, len);
    SseReq *r = xmalloc(sizeof *r + head.len + len);
    r->next = NULL;
    r->off = 0;
    r->body_len = len;
    r->len = head.len + len;
    memcpy(r->buf, head.data, head.len);
    if (len)
        memcpy(r->buf + head.len, data, len);
    sb_free(&head);
    if (s->q_tail)
        s->q_tail->next = r;
    else
        s->q_head = r;
    s->q_tail = r;
    if (!c->busy)
        lws_callback_on_writable(c->wsi);
    return true;
}

/* Interrupt and rotation: close the connection (the server sees EOF: that cancels the
 * generation) and open a fresh one at once. */
static void sse_restart(Sse *s, const char *reason)
{
    log_msg("sse: %s", strcmp(reason, "interrupted") == 0 ? "interrupt" : reason);
    queue_drop(s);
    if (!s->try.started)
        return;
    SseConn *c = s->cur;
    s->cur = NULL;
    if (c) {
        c->busy = false;
        bool was_up = c->up;
        conn_kill(c);
        if (was_up)
            s->base.stats.interrupt_ns = clock_now_ns();
    }
    link_try_arm(&s->try, 0); /* also skips the rest of a backoff */
    transport_report_state(&s->base, TRANSPORT_CONNECTING, reason);
}

static void sse_interrupt(Transport *t) { sse_restart(sse_of(t), "interrupted"); }
static void sse_rotate(Transport *t) { sse_restart(sse_of(t), "rotating"); }

/* Only the current Conn is ever held; one that stops being current is killed (or failed),
 * so nothing of it needs reading. */
static void sse_hold(Transport *t, bool on)
{
    SseConn *c = sse_of(t)->cur;
    if (!c || !c->up || !c->wsi || c->rx_held == on)
        return;
    c->rx_held = on;
    link_hold_socket(lws_get_socket_fd(c->wsi), on);
}

static const TransportOps sse_ops = {
    .name = "sse",
    .start = sse_start,
    .send = sse_send,
    .interrupt = sse_interrupt,
    .rotate = sse_rotate,
    .hold = sse_hold,
    .free = sse_free,
};

/* --- construction ------------------------------------------------------------------------- */

static bool build_headers(Sse *s, const TransportSseConfig *cfg, char *err, size_t err_size)
{
    static const char *const reserved[] = {"Host", "Content-Length", "Transfer-Encoding",
                                           "Connection", "Authorization"};
    StrBuf sb = {0};
    sb_printf(&sb, "Host: %s\r\nUser-Agent: flint/%s\r\nContent-Type: application/json\r\n"
              "Accept: text/event-stream\r\n", s->url.host_header, FLINT_VERSION);
    if (cfg->api_key && *cfg->api_key) {
        if (!http_field_value_ok(cfg->api_key)) {
            snprintf(err, err_size, "the API key holds a control character");
            sb_free(&sb);
            return false;
        }
        sb_printf(&sb, "Authorization: Bearer %s\r\n", cfg->api_key);
        s->key_sent = true;
    }
    if (!http_fields_append(&sb, cfg->headers, cfg->n_headers, reserved,
                            sizeof reserved / sizeof reserved[0], err, err_size)) {
        sb_free(&sb);
        return false;
    }
    s->fixed_headers = sb_steal(&sb, NULL);
    return true;
}

static void sse_discard(Sse *s)
{
    link_route_free(&s->route);
    link_url_free(&s->url);
    free(s->fixed_headers);
    free(s);
}

Transport *transport_sse_new(void *lws_context, const TransportSseConfig *cfg,
                             const TransportHooks *hooks, void *ud, char *err, size_t err_size)
{
    LinkUrl url;
    if (!link_url_parse_http(cfg->url, SSE_PATH, &url, err, err_size))
        return NULL;
    if (!link_url_allowed(&url, cfg->api_key, cfg->allow_insecure, cfg->ca_file, err,
                          err_size)) {
        link_url_free(&url);
        return NULL;
    }
    Sse *s = xcalloc(1, sizeof *s);
    s->url = url;
    transport_init(&s->base, &sse_ops, hooks, ud, s->url.endpoint);
    if (!build_headers(s, cfg, err, err_size)) {
        sse_discard(s);
        return NULL;
    }
    if (!link_route_init(&s->route, &s->url, cfg->ca_file, cfg->env, "sse", err, err_size)) {
        sse_discard(s);
        return NULL;
    }
    static const LinkTryHooks try_hooks = {conn_start, sse_current};
    /* through a proxy only the proxy's name is resolved here: the server's is the proxy's */
    link_try_init(&s->try, &s->base, lws_context, "sse", s->route.host, cfg->resolve,
                  &sse_retry, &try_hooks, s);

    link_diag_install();

    /* No lws client SSL_CTX and no lws proxy: TLS and the proxy are link_pipe's. */
    if (!link_try_vhost(&s->try, SSE_NAME, sse_protocols)) {
        snprintf(err, err_size, "cannot create the libwebsockets client vhost");
        sse_discard(s);
        return NULL;
    }
    return &s->base;
}
