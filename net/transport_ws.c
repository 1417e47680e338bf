/* TransportWs (transport_ws.h): one persistent ws/wss connection to a Responses-API server
 * over libwebsockets 4.1.6, behind the Transport interface (transport.h). This is the former
 * link.c, renamed rather than wrapped: the object is still a Link (its first member is the
 * Transport base, which holds the state, counters and hooks; the verbs are link_ops at the
 * end), so there is one object with one set of names instead of an adapter that would copy
 * every state, counter and hook across.
 *
 * Data structure. A Link owns (through l->try) a client vhost of its own ("flint-link": TLS
 * CA settings stay in net/; the vhost starts without TLS, and its client SSL_CTX -- the CA
 * bundle parsed, ~20 ms -- is added by link_tls_ready just before the first wss:// connect,
 * which link_start defers to the loop's next pass, after the first frame) and a list of
 * Conns, one per lws client wsi it has opened. Exactly one Conn, or none, is *current*
 * (l->cur): only the current Conn moves data or changes the Link's
 * state. A Conn stops being current when
 *   - the link is interrupted (it then owes the server a Close 1000 "interrupted"),
 *   - it fails or is lost (handshake error, server close, drop, oversized message),
 * and from then on its callbacks deliver nothing and report nothing; it lingers only until
 * lws destroys its wsi (LWS_CALLBACK_WSI_DESTROY), where it is freed. The wsi finds its Conn
 * through lws' opaque user data; a Conn finds its Link through conn->link, which link_free
 * clears, so late callbacks after link_free are harmless.
 *
 * Attempts. l->try (link_try.h, shared with transport_sse.c) owns the vhost, the connect
 * timer, the backoff and the address cache: lws only ever gets a numeric address. A failed
 * connect (no HTTP answer) moves on to the next address without reporting anything; only when
 * every address has failed in a row does Link back off (WAITING).
 *
 * Invariants:
 *   - l->cur != NULL  =>  state is CONNECTING or UP; state UP  <=>  l->cur && l->cur->up.
 *   - l->cur == NULL while CONNECTING only between link_interrupt and the deferred connect,
 *     between two addresses, or while l->try.addr.dns_wait (nothing cached: a lookup runs).
 *   - the outbound queue is empty unless state is UP (it is dropped whenever cur changes).
 *   - the connect timer (link_try_arm) is armed only while l->cur == NULL: in WAITING, after
 *     an interrupt (state CONNECTING, connect deferred until the old socket's Close is on the
 *     wire, 2 ms at most; see link_interrupt), or to try the next address (0 us).
 *
 * Outbound: link_send copies each message into a FIFO node with LWS_PRE bytes of headroom
 * (lws_write masks the payload in place and writes the frame header in front of it). Each
 * WRITEABLE callback writes one frame of at most LINK_FRAME bytes and re-arms while data
 * remains; larger messages go out as TEXT+NO_FIN, CONTINUATION... (RFC 6455 5.4), so a Close
 * can overtake a long upload and lws never has to buffer more than one frame.
 *
 * Inbound: each chunk lws delivers goes through conn->rx (link_rx.h: reassembly, the size
 * cap, binary messages dropped), which says what to do: deliver a complete message (NUL-
 * terminated) to the hook, count a dropped binary one, or refuse one over max_message. The
 * cap counts the bytes held plus lws_remaining_packet_payload(), so an oversized frame is
 * refused at its first chunk and the buffer never grows past max_message (RFC 6455 7.4.1:
 * 1009). The refusal never aborts lws mid-frame (its 4.1.6 parser would then overrun its
 * receive buffer): the Conn stops being current, the rest of the message is dropped as it
 * arrives, and the Close 1009 is sent from the next WRITEABLE. */
#include "net/transport_ws.h"

#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "net/link_diag.h"
#include "net/link_hold.h"
#include "net/http_fields.h"
#include "net/link_proxy.h"
#include "net/link_dns.h"
#include "net/link_try.h"
#include "net/link_rx.h"
#include "net/link_url.h"

#define LINK_PROTOCOL_NAME "flint-link"
#define LINK_VHOST_NAME "flint-link"
#define LINK_DEFAULT_MAX (16u * 1024 * 1024)
#define LINK_FRAME (64u * 1024)       /* outbound bytes per frame / per WRITEABLE */
#define LINK_RX_BUFFER (64u * 1024)   /* lws delivers inbound frames in chunks of this */
#define LINK_KEEP_BUFFER (1u << 20)   /* keep a reassembly buffer up to this size between messages */
#define INTERRUPT_CONNECT_US 2000     /* start the new socket at most this long after Esc */
#define INTERRUPT_CLOSE_SECS 2        /* give up on writing the Close after this long */

typedef struct Link Link;
typedef struct Conn Conn;
typedef struct OutMsg OutMsg;

struct OutMsg {
    OutMsg *next;
    size_t len;
    unsigned char buf[]; /* LWS_PRE headroom, then len payload bytes */
};

struct Conn {
    Link *link;           /* NULL after link_free */
    struct lws *wsi;      /* NULL once lws has destroyed it */
    Conn *prev, *next;    /* Link.conns */
    bool up;              /* handshake done */
    bool want_close;      /* send a Close on the next WRITEABLE (interrupt, oversize) */
    int close_code;       /* with want_close: 1000, or 1009 for a message over the cap */
    const char *close_reason; /* with want_close: "interrupted", "rotating", ... (static) */
    bool connect_after_close; /* with want_close: the new socket waits for this Close */
    bool close_sent;      /* the Close is queued; lws calls WRITEABLE once more after it */
    bool done;            /* failure or loss already handled (no second report) */
    bool in_connect;      /* inside lws_client_connect_via_info */
    bool destroyed;       /* WSI_DESTROY arrived while in_connect */
    bool diag_held;       /* holds the detailed lws log capture (link_diag_hold) */
    bool rx_held;         /* reading stopped (transport_hold: link_hold_socket) */
    unsigned http_status; /* of a failed upgrade: the server was reached */
    bool refused;         /* ... with a status no retry changes (link_diag_refusal): STOPPED */
    unsigned retry_after_ms; /* a 429's Retry-After: wait at least this long */
    int peer_code;        /* status code of the server's Close frame, 0 if none */
    char peer_reason[64]; /* its reason text, sanitised */
    unsigned diag_mark;   /* link_diag_hold() of this attempt */
    uint64_t t_interrupt; /* clock_now_ns() at link_interrupt, for the close-sent log */
    uint64_t t_valid;     /* last lws_validity_confirmed(), ns */
    char addr[LINK_DNS_ADDR_LEN]; /* the numeric address this attempt connects to */
    LinkRx rx;            /* inbound reassembly (link_rx.h) */
};

struct Link {
    Transport base;       /* first: a Transport * is a Link * (link_of) */
    LinkTry try;          /* vhost, connect timer, backoff, addresses (see the top) */
    LinkUrl url;
    char *auth; /* "Bearer KEY", or NULL */
    char *extra;          /* the extra headers, "name\0value\0" pairs (checked), or NULL */
    size_t n_extra;
    char *ca_file;
    size_t max_message;
    bool tls_ready;       /* the vhost has its client SSL_CTX (link_tls_ready) */
    LinkProxy proxy;      /* proxy.host "": direct; else lws tunnels through it (CONNECT) */
    Conn *cur;
    Conn *conns;
    OutMsg *q_head, *q_tail;
    size_t q_off; /* bytes of q_head already written */
};

static int link_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len);

/* One lws_protocols entry; the array ends with the zero entry 4.1.6 needs. */
static const struct lws_protocols link_protocols[] = {
    {LINK_PROTOCOL_NAME, link_callback, 0, LINK_RX_BUFFER, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Backoff 0.5 s doubling to 15 s with 10% jitter; ping after 20 s without proof of life,
 * hang up after 60 s (PROTOCOL.md 1.6, 7.1). Static: lws keeps the pointer per wsi. */
static const uint32_t link_backoff_ms[] = {500, 1000, 2000, 4000, 8000, 15000};
static const lws_retry_bo_t link_retry = {
    .retry_ms_table = link_backoff_ms,
    .retry_ms_table_count = sizeof link_backoff_ms / sizeof link_backoff_ms[0],
    .conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
    .secs_since_valid_ping = 20,
    .secs_since_valid_hangup = 60,
    .jitter_percent = 10,
};

/* --- small helpers ------------------------------------------------------------------------ */

static void queue_drop(Link *l)
{
    OutMsg *m = l->q_head;
    while (m) {
        OutMsg *next = m->next;
        free(m);
        m = next;
    }
    l->q_head = l->q_tail = NULL;
    l->q_off = 0;
}

static bool is_current(const Conn *c) { return c->link && c->link->cur == c; }

static void diag_release(Conn *c)
{
    if (c->diag_held) {
        c->diag_held = false;
        link_diag_release();
    }
}

static void conn_free(Conn *c)
{
    if (c->link) {
        if (c->prev)
            c->prev->next = c->next;
        else
            c->link->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        if (c->link->cur == c)
            c->link->cur = NULL;
    }
    diag_release(c);
    link_rx_free(&c->rx);
    free(c);
}

static void release_in(Conn *c) { link_rx_abandon(&c->rx); }

/* transport_hold for one Conn (link_hold.h: the kernel keeps the socket quiet). */
static void conn_hold(Conn *c, bool on)
{
    if (c->rx_held == on || !c->wsi)
        return;
    c->rx_held = on;
    link_hold_socket(lws_get_socket_fd(c->wsi), on);
}

/* The current connection failed or was lost. A connect that got no HTTP answer counts
 * against its address: the next address is tried at once, without a report (the state stays
 * CONNECTING); once every address has failed in a row, Link backs off (WAITING) and
 * re-resolves in the background, in case the host has moved. */
static void conn_lost(Conn *c, const char *why)
{
    conn_hold(c, false);
    c->done = true;
    release_in(c);
    Link *l = c->link;
    if (!l || l->cur != c)
        return;
    l->cur = NULL;
    queue_drop(l);
    if (!c->up && !c->http_status && link_addr_failed(&l->try.addr, why, c->addr)) {
        link_try_arm(&l->try, 0);
        return;
    }
    log_msg("link: down %s (%s%s%s)", why, l->url.endpoint,
            l->try.addr.literal ? "" : " via ", l->try.addr.literal ? "" : c->addr);
    if (c->refused) {
        /* Nothing armed: the same request would be refused the same way. An interrupt (the
         * user asking again) makes one fresh attempt, with the backoff from its start. */
        l->try.retries = 0;
        transport_report_state(&l->base, TRANSPORT_STOPPED, why);
        return;
    }
    link_try_wait(&l->try, why, c->retry_after_ms);
}

static void describe_failure(Conn *c, struct lws *wsi, const char *reason, char *out, size_t n)
{
    unsigned status = wsi ? lws_http_client_http_response(wsi) : 0;
    const char *endpoint = c->link ? c->link->url.endpoint : "server";
    const char *host = c->link ? c->link->url.host : "server";
    c->http_status = status;
    /* Redirects are never followed (LCCSCF_HTTP_NO_FOLLOW_REDIRECT): the API key would go to
     * whatever host the server names. Say where it pointed, without the query. */
    char loc[1024];
    if (status >= 300 && status < 400 &&
        lws_hdr_copy(wsi, loc, sizeof loc, WSI_TOKEN_HTTP_LOCATION) > 0) {
        char shown[160];
        link_url_redact(loc, shown, sizeof shown);
        snprintf(out, n, "server redirected to %s; not followed", shown);
        return;
    }
    /* A 429 on the upgrade (PROTOCOL.md 1.2): wait as long as the server asks, if it does
     * in seconds. The header is read here, while lws still holds the response headers. */
    if (status == 429) {
        char ra[64];
        int secs = lws_hdr_copy(wsi, ra, sizeof ra, WSI_TOKEN_HTTP_RETRY_AFTER) > 0
                       ? link_diag_retry_after(ra) : -1;
        c->retry_after_ms = secs > 0 ? (unsigned)secs * 1000u : 0;
        snprintf(out, n, "rate limited by %s (HTTP 429)", host);
        return;
    }
    if (link_diag_refusal(status, c->link && c->link->auth, endpoint, out, n)) {
        c->refused = true;
        return;
    }
    const LinkProxy *px = c->link && c->link->proxy.host[0] ? &c->link->proxy : NULL;
    if (px && reason && strstr(reason, "proxy")) { /* lws: "proxy not h1", "proxy conn dead" */
        snprintf(out, n, "proxy %.60s refused the tunnel to %.60s (not HTTP 200; a 407 "
                 "wants http://USER:PASSWORD@ in %.12s)", px->display, endpoint, px->source);
        return;
    }
    char via[400];
    if (px && !status) { /* no answer from the server: the trouble may be the proxy's */
        snprintf(via, sizeof via, "%.150s (the proxy for %.150s)", px->display, endpoint);
        endpoint = via;
    }
    link_diag_describe(reason, status, c->diag_mark, endpoint, host, out, n);
}

/* --- connecting --------------------------------------------------------------------------- */

/* wss:// only: gives the vhost its client SSL_CTX (system CAs, plus --ca-file), once. lws
 * only logs a CA file it cannot load (transport_ws_new checked it is readable). False when
 * OpenSSL could not make the context at all. */
static bool link_tls_ready(Link *l)
{
    if (l->tls_ready || !l->url.tls)
        return true;
    uint64_t t0 = clock_now_ns();
    struct lws_context_creation_info vi;
    memset(&vi, 0, sizeof vi);
    vi.port = CONTEXT_PORT_NO_LISTEN;
    vi.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT; /* lws builds the client SSL_CTX only then */
    vi.client_ssl_ca_filepath = l->ca_file;
    if (lws_init_vhost_client_ssl(&vi, l->try.vh))
        return false;
    l->tls_ready = true;
    log_msg("link: TLS client context ready (%.1f ms)", (double)(clock_now_ns() - t0) / 1e6);
    return true;
}

/* LinkTry's connect hook: one attempt, to link_addr_current(). */
static void conn_start(void *owner)
{
    Link *l = owner;
    if (!link_tls_ready(l)) {
        transport_report_state(&l->base, TRANSPORT_STOPPED,
                               "cannot set up TLS (OpenSSL could not make a client context)");
        return;
    }
    Conn *c = xcalloc(1, sizeof *c);
    c->link = l;
    link_rx_init(&c->rx, l->max_message);
    c->next = l->conns;
    if (l->conns)
        l->conns->prev = c;
    l->conns = c;
    l->cur = c;
    snprintf(c->addr, sizeof c->addr, "%s", link_addr_current(&l->try.addr));
    c->diag_mark = link_diag_hold();
    c->diag_held = true;
    if (l->base.state != TRANSPORT_CONNECTING)
        transport_report_state(&l->base, TRANSPORT_CONNECTING, "");
    log_msg("link: connecting %s%s%s%s%s", l->url.display,
            l->proxy.host[0] ? " through proxy " : "", l->proxy.host[0] ? l->proxy.display : "",
            l->try.addr.literal ? "" : " via ",
            l->try.addr.literal ? "" : c->addr);

    /* address: numeric, so lws' own getaddrinfo does no lookup; host: the name, for the Host
     * header, SNI and the certificate check (lws strips the ":port" for the last two). */
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = l->try.ctx;
    ci.vhost = l->try.vh;
    ci.address = c->addr;
    ci.port = l->url.port;
    char target[300];
    if (l->proxy.host[0]) {
        /* lws connects to the proxy (the vhost's, numeric: no lookup inside lws) and sends
         * "CONNECT <address>:<port>": the server's name, resolved by the proxy alone. */
        char px[600];
        bool v6 = strchr(c->addr, ':') != NULL;
        snprintf(px, sizeof px, "%s%s%s%s%s:%d", l->proxy.userpass, l->proxy.userpass[0] ? "@" : "",
                 v6 ? "[" : "", c->addr, v6 ? "]" : "", l->proxy.port);
        lws_set_proxy(l->try.vh, px);
        memset(px, 0, sizeof px);
        bool tv6 = strchr(l->url.host, ':') != NULL; /* "CONNECT [v6]:port" */
        snprintf(target, sizeof target, "%s%s%s", tv6 ? "[" : "", l->url.host, tv6 ? "]" : "");
        ci.address = target;
    }
    ci.path = l->url.path;
    ci.host = l->url.host_header;
    /* Never follow a redirect: lws would send the Authorization header to the new host. */
    ci.ssl_connection = (l->url.tls ? LCCSCF_USE_SSL : 0) | LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
    ci.protocol = NULL; /* no Sec-WebSocket-Protocol (PROTOCOL.md 1.2) */
    ci.local_protocol_name = LINK_PROTOCOL_NAME;
    ci.opaque_user_data = c;
    ci.retry_and_idle_policy = &link_retry;
    ci.pwsi = &c->wsi;

    c->in_connect = true;
    struct lws *wsi = l->try.vh ? lws_client_connect_via_info(&ci) : NULL;
    c->in_connect = false;
    if (wsi && !c->destroyed)
        return;
    /* Failed inside the call (e.g. connect() refused at once). lws may or may not have
     * reported it through CONNECTION_ERROR / WSI_DESTROY already; either way the wsi is
     * gone. conn_lost may only arm the timer for the next address: no recursion. */
    if (!c->done) {
        char why[256];
        describe_failure(c, NULL, NULL, why, sizeof why);
        conn_lost(c, why);
    }
    conn_free(c);
}

/* LinkTry's current hook. */
static bool link_current(const void *owner) { return ((const Link *)owner)->cur != NULL; }

/* --- the protocol callback ---------------------------------------------------------------- */

static void take_peer_close(Conn *c, const unsigned char *in, size_t len)
{
    if (len < 2)
        return;
    c->peer_code = (in[0] << 8) | in[1];
    size_t n = 0;
    for (size_t i = 2; i < len && n < sizeof c->peer_reason - 1; i++)
        c->peer_reason[n++] = (in[i] >= 0x20 && in[i] < 0x7f) ? (char)in[i] : '?';
    c->peer_reason[n] = '\0';
}

static int on_receive(Conn *c, struct lws *wsi, const char *in, size_t len)
{
    Link *l = c->link;
    if (!is_current(c)) {
        release_in(c); /* abandoned: whatever still arrives is dropped */
        return 0;
    }
    uint64_t now = clock_now_ns();
    if (now - c->t_valid > NS_PER_SEC) { /* any inbound frame proves liveness (7.1) */
        c->t_valid = now;
        lws_validity_confirmed(wsi);
    }
    LinkRxAction act = link_rx_feed(&c->rx, lws_is_first_fragment(wsi),
                                    lws_is_final_fragment(wsi), lws_frame_is_binary(wsi),
                                    lws_remaining_packet_payload(wsi), in, len);
    if (act == LINK_RX_BINARY) {
        l->base.stats.messages_dropped++;
        log_msg("link: binary message dropped (text only, PROTOCOL.md 7.1)");
    } else if (act == LINK_RX_OVERSIZE) {
        char why[160];
        snprintf(why, sizeof why, "message over %zu bytes: closed with 1009", l->max_message);
        log_msg("link: %s", why);
        conn_lost(c, why); /* drops the buffer; the Conn is no longer current */
        /* Never return -1 here: lws 4.1.6 would abandon the frame half-parsed, with its rx
         * buffer head not reset, and keep reading the rest of the payload past the end of
         * that buffer. The rest of the message is dropped like every frame of a Conn that is
         * not current; the Close 1009 goes out from WRITEABLE, between two lws reads. */
        c->want_close = true;
        c->close_code = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
        c->close_reason = "message too big";
        lws_callback_on_writable(wsi);
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, INTERRUPT_CLOSE_SECS);
    } else if (act == LINK_RX_MESSAGE) {
        transport_report_message(&l->base, sb_cstr(&c->rx.buf), c->rx.buf.len);
        /* interrupted from inside the hook: nothing kept */
        link_rx_delivered(&c->rx, is_current(c) ? LINK_KEEP_BUFFER : 0);
    }
    return 0;
}

static int on_writeable(Conn *c, struct lws *wsi)
{
    if (c->close_sent)
        return 0; /* lws calls WRITEABLE once more after the -1 that sent the Close */
    if (c->want_close) {
        c->close_sent = true;
        conn_hold(c, false); /* after this write: the server's answer to our Close is read */
        const char *reason = c->close_reason ? c->close_reason : "interrupted";
        int code = c->close_code ? c->close_code : LWS_CLOSE_STATUS_NORMAL;
        lws_close_reason(wsi, (enum lws_close_status)code, (unsigned char *)reason,
                         strlen(reason));
        uint64_t now = clock_now_ns();
        Link *l = c->link;
        if (code == LWS_CLOSE_STATUS_NORMAL) { /* an interrupt or a rotation */
            if (l)
                l->base.stats.interrupt_ns = now;
            log_msg("link: close-sent %d %s (%.3f ms after the request)", code, reason,
                    (double)(now - c->t_interrupt) / 1e6);
        } else {
            log_msg("link: close-sent %d %s", code, reason);
        }
        /* The Close is on the wire: now the fresh socket. (Not after an oversized message:
         * that reconnect waits for the backoff.) */
        if (l && c->connect_after_close && !l->cur)
            link_try_arm(&l->try, 0);
        return -1;
    }
    if (!is_current(c) || !c->up)
        return 0;
    Link *l = c->link;
    OutMsg *m = l->q_head;
    if (!m)
        return 0;
    size_t left = m->len - l->q_off;
    size_t n = left > LINK_FRAME ? LINK_FRAME : left;
    int flags = l->q_off ? LWS_WRITE_CONTINUATION : LWS_WRITE_TEXT;
    if (n < left)
        flags |= LWS_WRITE_NO_FIN;
    /* The LWS_PRE bytes before a continuation chunk are payload already sent: lws may write
     * the frame header there. */
    int w = lws_write(wsi, m->buf + LWS_PRE + l->q_off, n, (enum lws_write_protocol)flags);
    if (w < (int)n) {
        conn_lost(c, "write failed");
        return -1;
    }
    l->q_off += n;
    if (l->q_off == m->len) {
        l->base.stats.messages_out++;
        l->base.stats.bytes_out += m->len;
        l->q_head = m->next;
        if (!l->q_head)
            l->q_tail = NULL;
        l->q_off = 0;
        free(m);
    }
    if (l->q_head)
        lws_callback_on_writable(wsi);
    return 0;
}

static int link_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    (void)user;
    if (link_try_event(wsi, (int)reason, LINK_VHOST_NAME))
        return 0; /* vhost-wide: lookups, the vhost going */
    /* Only wsis of a Link vhost carry a Conn as opaque data. */
    Conn *c = link_try_conn(wsi, LINK_VHOST_NAME);
    if (!c)
        return 0;

    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = in, *end = *p + len;
        Link *l = c->link;
        if (l && l->auth &&
            lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                         (const unsigned char *)l->auth, (int)strlen(l->auth),
                                         p, end))
            return -1;
        const char *h = l ? l->extra : NULL;
        for (size_t i = 0; l && i < l->n_extra; i++) {
            const char *v = h + strlen(h) + 1;
            char name[128];
            snprintf(name, sizeof name, "%s:", h); /* lws wants the colon in the name */
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                            (const unsigned char *)v, (int)strlen(v), p, end))
                return -1;
            h = v + strlen(v) + 1;
        }
        static const char ua[] = "flint/" FLINT_VERSION;
        if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_USER_AGENT,
                                         (const unsigned char *)ua, (int)sizeof ua - 1, p, end))
            return -1;
        return 0;
    }

    case LWS_CALLBACK_CLIENT_ESTABLISHED: {
        diag_release(c);
        c->up = true;
        c->t_valid = clock_now_ns();
        if (!is_current(c)) {
            /* interrupted during the handshake: finish it politely, and never wait long */
            c->want_close = true;
            lws_callback_on_writable(wsi);
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, INTERRUPT_CLOSE_SECS);
            return 0;
        }
        Link *l = c->link;
        link_try_up(&l->try);
        log_msg("link: up %s", l->url.endpoint);
        transport_report_state(&l->base, TRANSPORT_UP, "");
        return 0;
    }

    case LWS_CALLBACK_CLIENT_RECEIVE:
        return on_receive(c, wsi, in, len);

    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return on_writeable(c, wsi);

    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        take_peer_close(c, in, len);
        return 0;

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        if (c->done || !is_current(c)) {
            c->done = true;
            return 0;
        }
        char why[256];
        describe_failure(c, wsi, in, why, sizeof why);
        diag_release(c);
        conn_lost(c, why);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_CLOSED: {
        if (c->done || !is_current(c)) {
            c->done = true;
            return 0;
        }
        char why[160];
        if (c->peer_code)
            snprintf(why, sizeof why, "closed by server (%d%s%s)", c->peer_code,
                     c->peer_reason[0] ? " " : "", c->peer_reason);
        else
            snprintf(why, sizeof why, "connection lost");
        conn_lost(c, why);
        return 0;
    }

    case LWS_CALLBACK_WSI_DESTROY:
        lws_set_opaque_user_data(wsi, NULL);
        c->wsi = NULL;
        if (c->in_connect) {
            c->destroyed = true; /* conn_start frees it when the call returns */
            return 0;
        }
        if (!c->done && is_current(c))
            conn_lost(c, "connection lost");
        conn_free(c);
        return 0;

    default:
        return 0;
    }
}

/* --- the Transport verbs ------------------------------------------------------------------ */

static Link *link_of(Transport *t) { return (Link *)(void *)t; }

static void link_free(Transport *t)
{
    Link *l = link_of(t);
    log_msg("link: closed (%s)", l->url.endpoint);
    /* lws_vhost_destroy leaves client sockets open in 4.1.6: drop each one (no Close
     * handshake; the Conns are freed by their WSI_DESTROY, with link == NULL). */
    for (Conn *c = l->conns; c; c = c->next) {
        c->link = NULL;
        if (c->wsi && l->try.vh)
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
    l->conns = l->cur = NULL;
    link_try_stop(&l->try); /* no lookup, no timer; the vhost closes its sockets at once */
    queue_drop(l);
    link_url_free(&l->url);
    free(l->auth);
    free(l->ca_file);
    free(l->extra);
    memset(&l->proxy, 0, sizeof l->proxy); /* the credentials */
    free(l);
}

static void link_start(Transport *t)
{
    Link *l = link_of(t);
    /* The TLS context (and the first connect) on the loop's next pass: the first frame,
     * drawn right after this call, does not wait for the CA bundle. */
    link_try_start(&l->try, l->url.tls && !l->tls_ready);
}

static bool link_send(Transport *t, const char *data, size_t len)
{
    Link *l = link_of(t);
    if (l->base.state != TRANSPORT_UP || !l->cur || !l->cur->up || !l->cur->wsi)
        return false;
    OutMsg *m = xmalloc(sizeof *m + LWS_PRE + len);
    m->next = NULL;
    m->len = len;
    if (len)
        memcpy(m->buf + LWS_PRE, data, len);
    if (l->q_tail)
        l->q_tail->next = m;
    else
        l->q_head = m;
    l->q_tail = m;
    lws_callback_on_writable(l->cur->wsi);
    return true;
}

/* Interrupt and rotation: drop the current socket (Close 1000 with reason) and open a fresh
 * one at once. */
static void link_restart(Link *l, const char *reason)
{
    uint64_t t0 = clock_now_ns();
    log_msg("link: %s", strcmp(reason, "interrupted") == 0 ? "interrupt" : reason);
    queue_drop(l);
    if (!l->try.started)
        return;
    Conn *c = l->cur;
    l->cur = NULL;
    if (c) {
        release_in(c);
        c->done = true;
        c->t_interrupt = t0;
        c->close_reason = reason;
        if (!c->up || !c->wsi)
            conn_hold(c, false);
        if (c->up && c->wsi) {
            /* Held (transport_hold), it stays so until its Close is written: the pass that
             * writes it does not first read what gathered (released after the write, for
             * the server's answer to our Close). */
            /* Close 1000 "interrupted" from its next WRITEABLE; the new socket (to the cached
             * address: no lookup) starts right after that, or after 2 ms at most, so the
             * Close goes out first. */
            c->want_close = true;
            c->connect_after_close = true;
            lws_callback_on_writable(c->wsi);
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, INTERRUPT_CLOSE_SECS);
            link_try_arm(&l->try, INTERRUPT_CONNECT_US);
        } else {
            if (c->wsi) /* mid-handshake: nothing to tell the server, just drop it */
                lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
            link_try_arm(&l->try, 0);
        }
    } else {
        link_try_arm(&l->try, 0); /* waiting: skip the rest of the backoff (a lookup goes on) */
    }
    transport_report_state(&l->base, TRANSPORT_CONNECTING, reason);
}

static void link_interrupt(Transport *t)
{
    Link *l = link_of(t);
    link_restart(l, l->base.state == TRANSPORT_STOPPED ? "retrying" : "interrupted");
}

static void link_rotate(Transport *t) { link_restart(link_of(t), "rotating"); }

static void link_hold(Transport *t, bool on)
{
    Link *l = link_of(t);
    if (l->cur && l->cur->up)
        conn_hold(l->cur, on);
}

static const TransportOps link_ops = {
    .name = "ws",
    .start = link_start,
    .send = link_send,
    .interrupt = link_interrupt,
    .rotate = link_rotate,
    .hold = link_hold,
    .free = link_free,
};

/* --- construction ------------------------------------------------------------------------- */

void transport_ws_log_install(void) { link_diag_install(); }

Transport *transport_ws_new(void *lws_context, const TransportWsConfig *cfg,
                            const TransportHooks *hooks, void *ud, char *err, size_t err_size)
{
    LinkUrl url;
    if (!link_url_parse(cfg->url, &url, err, err_size))
        return NULL;
    if (!link_url_allowed(&url, cfg->api_key, cfg->allow_insecure, cfg->ca_file, err,
                          err_size)) {
        link_url_free(&url);
        return NULL;
    }
    /* Extra headers: checked now (no CR/LF injection; the transport's own are reserved). */
    static const char *const reserved[] = {"Host", "Authorization", "Connection", "Upgrade",
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding", "User-Agent"};
    StrBuf check = {0};
    bool headers_ok = http_fields_append(&check, cfg->headers, cfg->n_headers, reserved,
                                         sizeof reserved / sizeof reserved[0], err, err_size);
    sb_free(&check);
    for (size_t i = 0; headers_ok && i < cfg->n_headers; i++)
        if (strlen(cfg->headers[i].name) > 100) {
            snprintf(err, err_size, "header \"%.40s...\": name too long", cfg->headers[i].name);
            headers_ok = false;
        }
    if (!headers_ok) {
        link_url_free(&url);
        return NULL;
    }
    LinkProxy proxy;
    if (!link_proxy_pick(url.tls, url.host, url.port, cfg->env, &proxy, err, err_size)) {
        link_url_free(&url);
        return NULL;
    }
    if (strlen(proxy.userpass) > 95) { /* lws' own limit for the Basic credentials */
        snprintf(err, err_size, "the proxy credentials in %s are too long for the WebSocket "
                 "transport (95 bytes at most)", proxy.source);
        memset(&proxy, 0, sizeof proxy);
        link_url_free(&url);
        return NULL;
    }

    Link *l = xcalloc(1, sizeof *l);
    l->url = url;
    l->proxy = proxy;
    memset(&proxy, 0, sizeof proxy);
    if (cfg->n_headers) {
        StrBuf hb = {0};
        for (size_t i = 0; i < cfg->n_headers; i++) {
            sb_append(&hb, cfg->headers[i].name, strlen(cfg->headers[i].name) + 1);
            sb_append(&hb, cfg->headers[i].value, strlen(cfg->headers[i].value) + 1);
        }
        l->extra = sb_steal(&hb, NULL);
        l->n_extra = cfg->n_headers;
    }
    if (l->proxy.host[0])
        log_msg("link: %s goes through proxy %s (%s)", l->url.endpoint, l->proxy.display,
                l->proxy.source);
    transport_init(&l->base, &link_ops, hooks, ud, l->url.endpoint);
    l->max_message = cfg->max_message ? cfg->max_message : LINK_DEFAULT_MAX;
    static const LinkTryHooks try_hooks = {conn_start, link_current};
    /* through a proxy only the proxy's name is resolved here: the server's is the proxy's */
    link_try_init(&l->try, &l->base, lws_context, "link",
                  l->proxy.host[0] ? l->proxy.host : l->url.host, cfg->resolve, &link_retry,
                  &try_hooks, l);
    if (cfg->api_key && *cfg->api_key) {
        StrBuf sb = {0};
        sb_printf(&sb, "Bearer %s", cfg->api_key);
        l->auth = sb_steal(&sb, NULL);
    }
    if (cfg->ca_file && *cfg->ca_file) /* readable: link_url_allowed checked */
        l->ca_file = xstrdup(cfg->ca_file);

    link_diag_install();

    /* No client SSL_CTX yet: link_tls_ready adds it when wss:// needs it; conn_start sets
     * our proxy (link_proxy.h) before each connect. */
    if (!link_try_vhost(&l->try, LINK_VHOST_NAME, link_protocols)) {
        snprintf(err, err_size, "cannot create the libwebsockets client vhost%s%.200s",
                 l->ca_file ? " with CA file " : "", l->ca_file ? l->ca_file : "");
        link_url_free(&l->url);
        free(l->auth);
        free(l->ca_file);
        free(l->extra);
        free(l);
        return NULL;
    }
    return &l->base;
}

