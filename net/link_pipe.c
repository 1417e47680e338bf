/* LinkPipe (link_pipe.h): a small state machine over a proxy tunnel and a TlsMem.
 *
 * Invariants: stage TUNNEL only with a proxy, and then nothing but the CONNECT request is in
 * out; stage TLS only with a TlsCtx; out holds bytes for the socket in order (the CONNECT
 * request, then TLS records, or plaintext when neither applies); once FAILED nothing more is
 * queued. LinkRoute (at the end) holds what all pipes of one transport share: the proxy and
 * the TlsCtx. */
#include "net/link_pipe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

typedef enum { STAGE_IDLE, STAGE_TUNNEL, STAGE_TLS, STAGE_UP, STAGE_FAILED } Stage;

struct LinkPipe {
    Stage stage;
    LinkProxy proxy;       /* host "": direct */
    TlsCtx *tls_ctx;       /* NULL: plain */
    TlsMem *tls;
    char *host, *endpoint;
    int port;
    StrBuf out;            /* for the socket */
    size_t out_off;
    size_t secret_len;     /* the first bytes of out hold credentials: wipe when consumed */
    StrBuf reply;          /* the proxy's answer so far */
    uint64_t t0, tunnel_ns, tls_ns;
    char err[320];
};

LinkPipe *link_pipe_new(const LinkProxy *proxy, TlsCtx *tls, const char *host, int port,
                        const char *endpoint)
{
    LinkPipe *p = xcalloc(1, sizeof *p);
    if (proxy && proxy->host[0])
        p->proxy = *proxy;
    p->tls_ctx = tls;
    p->host = xstrdup(host);
    p->endpoint = xstrdup(endpoint);
    p->port = port;
    return p;
}

static void wipe_out(LinkPipe *p)
{
    if (p->out.data)
        memset(p->out.data, 0, p->out.cap);
    sb_free(&p->out);
    p->out_off = p->secret_len = 0;
}

void link_pipe_free(LinkPipe *p)
{
    if (!p)
        return;
    wipe_out(p);
    sb_free(&p->reply);
    tls_mem_free(p->tls);
    memset(&p->proxy, 0, sizeof p->proxy);
    free(p->host);
    free(p->endpoint);
    free(p);
}

static LinkPipeState state_of(const LinkPipe *p)
{
    return p->stage == STAGE_UP ? LINK_PIPE_UP
           : p->stage == STAGE_FAILED ? LINK_PIPE_FAILED : LINK_PIPE_OPENING;
}

LinkPipeState link_pipe_state(const LinkPipe *p) { return state_of(p); }
const char *link_pipe_error(const LinkPipe *p) { return p->err; }
uint64_t link_pipe_tunnel_ns(const LinkPipe *p) { return p->tunnel_ns; }
uint64_t link_pipe_tls_ns(const LinkPipe *p) { return p->tls_ns; }

void link_pipe_describe(const LinkPipe *p, char *out, size_t size)
{
    if (p->tls && tls_mem_state(p->tls) == TLS_MEM_UP)
        tls_mem_describe(p->tls, out, size);
    else if (size)
        out[0] = '\0';
}

/* TLS' bytes for the socket, moved into out. */
static void pull_tls(LinkPipe *p)
{
    size_t n;
    const void *b = tls_mem_out(p->tls, &n);
    if (n) {
        sb_append(&p->out, b, n);
        tls_mem_out_consume(p->tls, n);
    }
}

static void fail(LinkPipe *p)
{
    p->stage = STAGE_FAILED;
}

static void tls_begin(LinkPipe *p)
{
    p->stage = STAGE_TLS;
    p->t0 = clock_now_ns();
    p->tls = tls_mem_new(p->tls_ctx, p->host, "http/1.1");
    tls_mem_step(p->tls);
    pull_tls(p);
}

/* After the tunnel (or at once): TLS, or up. */
static void after_tunnel(LinkPipe *p)
{
    if (p->tls_ctx)
        tls_begin(p);
    else
        p->stage = STAGE_UP;
}

LinkPipeState link_pipe_start(LinkPipe *p)
{
    if (p->stage != STAGE_IDLE)
        return state_of(p);
    if (p->proxy.host[0]) {
        char req[1024];
        size_t n = link_proxy_connect_request(&p->proxy, p->host, p->port, req, sizeof req);
        if (!n) {
            snprintf(p->err, sizeof p->err, "the proxy credentials in %s are too long",
                     p->proxy.source ? p->proxy.source : "the proxy setting");
            fail(p);
            return LINK_PIPE_FAILED;
        }
        sb_append(&p->out, req, n);
        memset(req, 0, sizeof req);
        p->secret_len = p->proxy.userpass[0] ? n : 0;
        p->stage = STAGE_TUNNEL;
        p->t0 = clock_now_ns();
    } else {
        after_tunnel(p);
    }
    return state_of(p);
}

static void tls_failed(LinkPipe *p, const char *stage)
{
    snprintf(p->err, sizeof p->err, "TLS %s %.100s failed: %.160s", stage, p->endpoint,
             tls_mem_error(p->tls));
    fail(p);
}

/* TLS records in: the handshake, then plaintext. */
static void tls_rx(LinkPipe *p, const char *in, size_t len, StrBuf *plain)
{
    tls_mem_feed(p->tls, in, len);
    if (p->stage == STAGE_TLS) {
        TlsMemState st = tls_mem_step(p->tls);
        pull_tls(p);
        if (st == TLS_MEM_FAILED) {
            tls_failed(p, "handshake with");
            return;
        }
        if (st != TLS_MEM_UP)
            return;
        p->tls_ns = clock_now_ns() - p->t0;
        p->stage = STAGE_UP;
    }
    char buf[16384];
    ssize_t n;
    while ((n = tls_mem_read(p->tls, buf, sizeof buf)) > 0)
        sb_append(plain, buf, (size_t)n);
    pull_tls(p);
    if (n < 0)
        tls_failed(p, "record from");
}

static void tunnel_rx(LinkPipe *p, const char *in, size_t len, StrBuf *plain)
{
    sb_append(&p->reply, in, len);
    unsigned status;
    size_t head = link_proxy_reply(p->reply.data, p->reply.len, &status);
    if (!head && p->reply.len < 8192)
        return;
    if (!head || status < 200 || status >= 300) {
        if (status == 407)
            snprintf(p->err, sizeof p->err, "proxy %.100s wants credentials (HTTP 407): put them "
                     "in %.20s as http://USER:PASSWORD@%.100s", p->proxy.display,
                     p->proxy.source ? p->proxy.source : "the proxy setting", p->proxy.display);
        else if (status)
            snprintf(p->err, sizeof p->err, "proxy %.100s refused the tunnel to %.100s (HTTP %u)",
                     p->proxy.display, p->endpoint, status);
        else
            snprintf(p->err, sizeof p->err, "proxy %.100s did not answer CONNECT with HTTP",
                     p->proxy.display);
        fail(p);
        return;
    }
    p->tunnel_ns = clock_now_ns() - p->t0;
    StrBuf rest = p->reply; /* what followed the answer is the server's */
    p->reply = (StrBuf){0};
    after_tunnel(p);
    if (rest.len > head) {
        if (p->stage == STAGE_TLS)
            tls_rx(p, rest.data + head, rest.len - head, plain);
        else
            sb_append(plain, rest.data + head, rest.len - head);
    }
    sb_free(&rest);
}

LinkPipeState link_pipe_rx(LinkPipe *p, const char *in, size_t len, StrBuf *plain)
{
    switch (p->stage) {
    case STAGE_TUNNEL:
        tunnel_rx(p, in, len, plain);
        break;
    case STAGE_TLS:
        tls_rx(p, in, len, plain);
        break;
    case STAGE_UP:
        if (p->tls)
            tls_rx(p, in, len, plain);
        else
            sb_append(plain, in, len);
        break;
    case STAGE_IDLE:
    case STAGE_FAILED:
        break;
    }
    return state_of(p);
}

bool link_pipe_tx(LinkPipe *p, const char *data, size_t len)
{
    if (p->stage != STAGE_UP)
        return false;
    if (!p->tls) {
        sb_append(&p->out, data, len);
        return true;
    }
    if (!tls_mem_write(p->tls, data, len)) {
        tls_failed(p, "write to");
        return false;
    }
    pull_tls(p);
    return true;
}

const char *link_pipe_out(LinkPipe *p, size_t *len)
{
    *len = p->out.len - p->out_off;
    return *len ? p->out.data + p->out_off : NULL;
}

void link_pipe_consume(LinkPipe *p, size_t len)
{
    p->out_off += len;
    if (p->out_off < p->out.len)
        return;
    if (p->secret_len)
        wipe_out(p);
    p->out_off = 0;
    sb_reset(&p->out);
    if (p->out.cap > (1u << 18))
        sb_free(&p->out);
}

const char *link_pipe_closed_early(LinkPipe *p)
{
    if (p->stage == STAGE_TUNNEL)
        snprintf(p->err, sizeof p->err, "proxy %.100s closed the connection before the tunnel to "
                 "%.100s was up", p->proxy.display, p->endpoint);
    else if (p->stage == STAGE_TLS)
        snprintf(p->err, sizeof p->err, "TLS handshake with %.100s failed: the server closed the "
                 "connection", p->endpoint);
    else if (!p->err[0])
        snprintf(p->err, sizeof p->err, "connection to %.100s closed", p->endpoint);
    return p->err;
}

/* --- LinkRoute ------------------------------------------------------------------------------ */

bool link_route_init(LinkRoute *r, const LinkUrl *u, const char *ca_file, LinkEnvFn env,
                     const char *tag, char *err, size_t err_size)
{
    memset(r, 0, sizeof *r);
    if (!link_proxy_pick(u->tls, u->host, u->port, env, &r->proxy, err, err_size))
        return false;
    r->use_tls = u->tls;
    r->ca_file = ca_file && *ca_file ? xstrdup(ca_file) : NULL;
    r->tag = xstrdup(tag);
    bool px = r->proxy.host[0] != '\0';
    r->host = px ? r->proxy.host : u->host;
    r->port = px ? r->proxy.port : u->port;
    r->via = px ? r->proxy.display : u->endpoint;
    if (px)
        log_msg("%s: %s goes through proxy %s (%s)", tag, u->endpoint, r->proxy.display,
                r->proxy.source);
    return true;
}

bool link_route_tls_ready(LinkRoute *r, char *err, size_t err_size)
{
    if (!r->use_tls || r->tls)
        return true;
    uint64_t t0 = clock_now_ns();
    r->tls = tls_ctx_new(r->ca_file, err, err_size);
    if (r->tls)
        log_msg("%s: TLS client context ready (%.1f ms)", r->tag,
                (double)(clock_now_ns() - t0) / 1e6);
    return r->tls != NULL;
}

LinkPipe *link_route_pipe(const LinkRoute *r, const LinkUrl *u)
{
    if (!r->proxy.host[0] && !r->use_tls)
        return NULL;
    if (r->use_tls && !r->tls) { /* a caller's bug: it would speak plain text to https:// */
        fprintf(stderr, "flint: link_route_pipe before link_route_tls_ready\n");
        abort();
    }
    return link_pipe_new(&r->proxy, r->tls, u->host, u->port, u->endpoint);
}

void link_route_free(LinkRoute *r)
{
    tls_ctx_free(r->tls); /* each SSL still lingering holds a reference of its own */
    free(r->ca_file);
    free(r->tag);
    memset(r, 0, sizeof *r); /* the proxy's credentials */
}
