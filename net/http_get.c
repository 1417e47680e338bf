/* HttpGet (see http_get.h). The worker does everything in order on one non-blocking socket,
 * waiting in poll() slices of at most 50 ms so that a cancel (free) or the deadline is seen
 * promptly: resolve (getaddrinfo, the proxy's name when there is one), connect, CONNECT
 * through the proxy, TLS (TlsMem over the socket's bytes), the request, the response through
 * HttpRx until its end (or EOF). `state` is written last with release order; the main thread
 * reads the results only after seeing it DONE. Freeing a running request never waits for it
 * (a name lookup can block for seconds): the free marks it ABANDONED and detaches, and the
 * worker, seeing that at its end, frees it itself. */
#include "net/http_get.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "net/http_rx.h"
#include "net/link_proxy.h"
#include "net/link_url.h"
#include "net/tls_mem.h"

#define BODY_MAX (4u << 20)

enum { RUNNING, DONE, ABANDONED };
#define SLICE_MS 50

struct HttpGet {
    LinkUrl url;
    LinkProxy proxy;
    char *ca_file;
    StrBuf request;         /* the whole request (holds the key: wiped at free) */
    uint64_t deadline_ns;
    pthread_t thread;
    bool started;
    atomic_bool cancel;
    atomic_int state;       /* RUNNING -> DONE (worker) or ABANDONED (free, while running) */
    int fd;
    TlsCtx *tls_ctx;
    TlsMem *tls;
    /* results */
    unsigned status;
    StrBuf body;
    char error[256];
};

/* ---- the socket ------------------------------------------------------------------------- */

/* Sets the error; returns false (so `return fail(...)`). */
__attribute__((format(printf, 2, 3))) static bool fail(HttpGet *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->error, sizeof g->error, fmt, ap);
    va_end(ap);
    return false;
}

/* Waits for events on the socket; false (with error set) on cancel or timeout. */
static bool wait_fd(HttpGet *g, short events)
{
    for (;;) {
        if (atomic_load(&g->cancel))
            return fail(g, "cancelled");
        uint64_t now = clock_now_ns();
        if (now >= g->deadline_ns)
            return fail(g, "timed out");
        struct pollfd p = {.fd = g->fd, .events = events};
        int n = poll(&p, 1, SLICE_MS);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return fail(g, "poll: %s", strerror(errno));
    }
}

static bool send_raw(HttpGet *g, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = send(g->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait_fd(g, POLLOUT))
                return false;
        } else {
            fail(g, "send to %s: %s", g->url.endpoint,
                     strerror(errno));
            return false;
        }
    }
    return true;
}

/* >0 bytes, 0 EOF, -1 failed (error set). */
static ssize_t recv_raw(HttpGet *g, void *buf, size_t size)
{
    for (;;) {
        ssize_t n = recv(g->fd, buf, size, 0);
        if (n >= 0)
            return n;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            fail(g, "receive from %s: %s", g->url.endpoint,
                     strerror(errno));
            return -1;
        }
        if (!wait_fd(g, POLLIN))
            return -1;
    }
}

static bool connect_to(HttpGet *g)
{
    const char *host = g->proxy.host[0] ? g->proxy.host : g->url.host;
    int port = g->proxy.host[0] ? g->proxy.port : g->url.port;
    char ports[16];
    snprintf(ports, sizeof ports, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, ports, &hints, &res);
    if (rc != 0) {
        fail(g, "cannot resolve %s: %s", host, gai_strerror(rc));
        return false;
    }
    int last = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        g->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);
        if (g->fd < 0) {
            last = errno;
            continue;
        }
        if (connect(g->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && wait_fd(g, POLLOUT))) {
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            getsockopt(g->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
            if (soerr == 0) {
                freeaddrinfo(res);
                return true;
            }
            last = soerr;
        } else if (g->error[0]) { /* cancelled or timed out */
            close(g->fd);
            g->fd = -1;
            freeaddrinfo(res);
            return false;
        } else {
            last = errno;
        }
        close(g->fd);
        g->fd = -1;
    }
    freeaddrinfo(res);
    fail(g, "%s by %s:%d",
             last == ECONNREFUSED ? "connection refused" : strerror(last), host, port);
    return false;
}

/* The proxy's CONNECT; bytes after its answer (none expected before our first) are kept. */
static bool tunnel(HttpGet *g)
{
    char req[1024];
    size_t n = link_proxy_connect_request(&g->proxy, g->url.host, g->url.port, req, sizeof req);
    if (!n || !send_raw(g, req, n))
        return g->error[0] ? false : fail(g, "proxy request too long");
    char in[4096];
    size_t len = 0;
    for (;;) {
        ssize_t r = recv_raw(g, in + len, sizeof in - len);
        if (r <= 0) {
            if (r == 0)
                fail(g, "proxy %s closed the connection",
                         g->proxy.display);
            return false;
        }
        len += (size_t)r;
        unsigned status = 0;
        size_t head = link_proxy_reply(in, len, &status);
        if (head) {
            if (status != 200) {
                fail(g, "proxy %s answered CONNECT with %u",
                         g->proxy.display, status);
                return false;
            }
            return true;
        }
        if (len == sizeof in) {
            fail(g, "proxy %s: answer too long", g->proxy.display);
            return false;
        }
    }
}

/* ---- TLS over the socket's bytes ------------------------------------------------------- */

static bool tls_flush(HttpGet *g)
{
    size_t n;
    const void *out;
    while ((out = tls_mem_out(g->tls, &n)) && n) {
        if (!send_raw(g, out, n))
            return false;
        tls_mem_out_consume(g->tls, n);
    }
    return true;
}

static bool tls_fail(HttpGet *g)
{
    fail(g, "TLS with %s: %s", g->url.endpoint,
             tls_mem_error(g->tls));
    return false;
}

static bool tls_up(HttpGet *g)
{
    char err[200];
    g->tls_ctx = tls_ctx_new(g->ca_file, err, sizeof err);
    if (!g->tls_ctx) {
        fail(g, "TLS: %s", err);
        return false;
    }
    g->tls = tls_mem_new(g->tls_ctx, g->url.host, "http/1.1");
    for (;;) {
        TlsMemState st = tls_mem_step(g->tls);
        if (!tls_flush(g))
            return false;
        if (st == TLS_MEM_UP)
            return true;
        if (st == TLS_MEM_FAILED)
            return tls_fail(g);
        char in[16384];
        ssize_t r = recv_raw(g, in, sizeof in);
        if (r <= 0) {
            if (r == 0)
                fail(g, "TLS with %s: connection closed",
                         g->url.endpoint);
            return false;
        }
        tls_mem_feed(g->tls, in, (size_t)r);
    }
}

/* Plaintext in: >0, 0 EOF, -1 failed. */
static ssize_t read_plain(HttpGet *g, char *buf, size_t size)
{
    if (!g->tls)
        return recv_raw(g, buf, size);
    for (;;) {
        ssize_t n = tls_mem_read(g->tls, buf, size);
        if (n > 0)
            return n;
        if (n < 0)
            return tls_fail(g), -1;
        if (!tls_flush(g))
            return -1;
        char in[16384];
        ssize_t r = recv_raw(g, in, sizeof in);
        if (r <= 0)
            return r;
        tls_mem_feed(g->tls, in, (size_t)r);
    }
}

static bool write_plain(HttpGet *g, const char *data, size_t len)
{
    if (!g->tls)
        return send_raw(g, data, len);
    if (!tls_mem_write(g->tls, data, len))
        return tls_fail(g);
    return tls_flush(g);
}

/* ---- the exchange ------------------------------------------------------------------------ */

static bool read_response(HttpGet *g)
{
    HttpRx rx;
    http_rx_init(&rx);
    char buf[16384];
    bool ok = false, over = false;
    while (!over) {
        ssize_t n = read_plain(g, buf, sizeof buf);
        if (n < 0)
            break;
        if (n == 0) {
            HttpRxEventKind k = http_rx_eof(&rx);
            if (k == HTTP_RX_END)
                ok = true;
            else
                fail(g, "%s closed the connection mid-answer",
                         g->url.endpoint);
            break;
        }
        size_t off = 0;
        for (;;) {
            HttpRxEvent ev;
            off += http_rx_feed(&rx, buf + off, (size_t)n - off, &ev);
            if (ev.kind == HTTP_RX_HEAD) {
                g->status = rx.status;
            } else if (ev.kind == HTTP_RX_BODY) {
                if (g->body.len + ev.len > BODY_MAX) {
                    fail(g, "answer over %u MiB", BODY_MAX >> 20);
                    over = true;
                    break;
                }
                sb_append(&g->body, ev.data, ev.len);
            } else if (ev.kind == HTTP_RX_END) {
                ok = over = true;
                break;
            } else if (ev.kind == HTTP_RX_ERROR) {
                fail(g, "%s: %s", g->url.endpoint, rx.error);
                over = true;
                break;
            } else if (off >= (size_t)n) {
                break;
            }
        }
    }
    http_rx_free(&rx);
    if (!ok && !g->error[0])
        fail(g, "no answer from %s", g->url.endpoint);
    return ok;
}

static void release(HttpGet *g)
{
    if (g->fd >= 0)
        close(g->fd);
    tls_mem_free(g->tls);
    tls_ctx_free(g->tls_ctx);
    if (g->request.data) /* it holds the key */
        memset(g->request.data, 0, g->request.len);
    sb_free(&g->request);
    sb_free(&g->body);
    link_url_free(&g->url);
    free(g->ca_file);
    free(g);
}

static void *worker(void *ud)
{
    HttpGet *g = ud;
    bool ok = connect_to(g) && (!g->proxy.host[0] || tunnel(g)) && (!g->url.tls || tls_up(g)) &&
              write_plain(g, sb_cstr(&g->request), g->request.len) && read_response(g);
    if (ok)
        g->error[0] = '\0';
    else if (!g->status)
        sb_reset(&g->body);
    int running = RUNNING;
    if (!atomic_compare_exchange_strong_explicit(&g->state, &running, DONE, memory_order_acq_rel,
                                                 memory_order_acquire))
        release(g); /* abandoned: nobody waits for it */
    return NULL;
}

HttpGet *http_get_start(const HttpGetConfig *cfg, char *err, size_t err_size)
{
    HttpGet *g = xcalloc(1, sizeof *g);
    g->fd = -1;
    if (!link_url_parse_http(cfg->url, cfg->suffix, &g->url, err, err_size) ||
        !link_url_allowed(&g->url, cfg->api_key, cfg->allow_insecure, cfg->ca_file, err,
                          err_size) ||
        !link_proxy_pick(g->url.tls, g->url.host, g->url.port, NULL, &g->proxy, err,
                         err_size)) {
        link_url_free(&g->url);
        free(g);
        return NULL;
    }
    StrBuf *r = &g->request;
    sb_printf(r, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n"
                 "User-Agent: flint\r\nConnection: close\r\n",
              g->url.path, g->url.host_header);
    static const char *const reserved[] = {"Host", "Authorization", "Connection",
                                           "Content-Length", "Transfer-Encoding"};
    if (!http_fields_append(r, cfg->headers, cfg->n_headers, reserved,
                            sizeof reserved / sizeof *reserved, err, err_size)) {
        sb_free(r);
        link_url_free(&g->url);
        free(g);
        return NULL;
    }
    if (cfg->api_key && *cfg->api_key)
        sb_printf(r, "Authorization: Bearer %s\r\n", cfg->api_key);
    sb_puts(r, "\r\n");
    g->ca_file = cfg->ca_file && *cfg->ca_file ? xstrdup(cfg->ca_file) : NULL;
    g->deadline_ns = clock_now_ns() + (uint64_t)(cfg->timeout_ms ? cfg->timeout_ms : 10000) *
                                          NS_PER_MS;
    g->started = pthread_create(&g->thread, NULL, worker, g) == 0;
    if (!g->started) {
        snprintf(err, err_size, "cannot start a thread for the request");
        release(g);
        return NULL;
    }
    return g;
}

bool http_get_done(HttpGet *g)
{
    return atomic_load_explicit(&g->state, memory_order_acquire) == DONE;
}

unsigned http_get_status(const HttpGet *g) { return g->status; }
const char *http_get_error(const HttpGet *g) { return g->error; }
const char *http_get_endpoint(const HttpGet *g) { return g->url.endpoint; }

const char *http_get_body(const HttpGet *g, size_t *len)
{
    *len = g->body.len;
    return sb_cstr(&g->body);
}

void http_get_free(HttpGet *g)
{
    if (!g)
        return;
    atomic_store(&g->cancel, true);
    int running = RUNNING;
    if (atomic_compare_exchange_strong_explicit(&g->state, &running, ABANDONED,
                                                memory_order_acq_rel, memory_order_acquire)) {
        pthread_detach(g->thread); /* the worker frees it when it ends */
        return;
    }
    pthread_join(g->thread, NULL);
    release(g);
}
