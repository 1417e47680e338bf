/* A tiny HTTP CONNECT proxy for the transport tests (test_transport_sse_proxy.c,
 * test_link_tunnel.c): plain non-blocking sockets on 127.0.0.1, served between lws_service
 * calls (proxy_peer_poll never blocks, except a connect(2) to a loopback listener, which
 * completes from the backlog). Each accepted connection reads one CONNECT request, records
 * its target ("name:port", resolved by nobody: every name means 127.0.0.1) and its
 * Proxy-Authorization, answers 407 when want_auth is set and differs, 502 when the port does
 * not answer, else "200 Connection established", and from then on relays bytes both ways;
 * when either side closes, both are closed (the server sees EOF when the client hangs up).
 * Counts accepts and tunnels.
 *
 * Header-only and static inline, like sse_peer.h; its last part is the state both proxy tests
 * keep (one proxy X, a fake environment). */
#ifndef FLINT_TESTS_UNIT_PROXY_PEER_H
#define FLINT_TESTS_UNIT_PROXY_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "net_test.h"
#include "support/harness.h"

#define PROXY_PEER_CONNS 16

typedef struct ProxyConn {
    int cfd, sfd;          /* client side, server side; -1 when closed */
    bool open;             /* the tunnel is up */
    StrBuf head;           /* the CONNECT request so far */
    StrBuf to_s, to_c;     /* bytes not yet written */
} ProxyConn;

typedef struct ProxyPeer {
    int listen_fd, port;
    int accepts, tunnels, refused;
    char last_target[256];
    char last_auth[256];
    const char *want_auth; /* e.g. "Basic dTpw"; NULL: none needed */
    uint64_t t_accept_ns;  /* clock_now_ns() of the last accept */
    uint64_t t_tunnel_ns;  /* ... and of the last 200 written */
    ProxyConn c[PROXY_PEER_CONNS];
} ProxyPeer;

static inline bool proxy_peer_open(ProxyPeer *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < PROXY_PEER_CONNS; i++)
        p->c[i].cfd = p->c[i].sfd = -1;
    p->listen_fd = loopback_listen(8, &p->port);
    return p->listen_fd >= 0;
}

static inline void proxy_conn_close(ProxyConn *c)
{
    if (c->cfd >= 0)
        close(c->cfd);
    if (c->sfd >= 0)
        close(c->sfd);
    c->cfd = c->sfd = -1;
    c->open = false;
    sb_free(&c->head);
    sb_free(&c->to_s);
    sb_free(&c->to_c);
}

static inline void proxy_peer_close(ProxyPeer *p)
{
    for (int i = 0; i < PROXY_PEER_CONNS; i++)
        proxy_conn_close(&p->c[i]);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    p->listen_fd = -1;
}

/* Writes what is pending in *q to fd; false when fd is gone. */
static inline bool proxy_flush(int fd, StrBuf *q)
{
    while (q->len) {
        ssize_t w = send(fd, q->data, q->len, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK;
        memmove(q->data, q->data + w, q->len - (size_t)w);
        sb_truncate(q, q->len - (size_t)w);
    }
    return true;
}

/* Reads all fd has into q; false on EOF or error. */
static inline bool proxy_drain(int fd, StrBuf *q)
{
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        sb_append(q, buf, (size_t)n);
    return !(n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK));
}

static inline void proxy_answer(ProxyPeer *p, ProxyConn *c)
{
    char *end = strstr(c->head.data, "\r\n\r\n");
    if (!end)
        return;
    size_t hl = (size_t)(end - c->head.data) + 4;
    char target[256] = "";
    sscanf(c->head.data, "CONNECT %255s HTTP/1.", target);
    snprintf(p->last_target, sizeof p->last_target, "%s", target);
    p->last_auth[0] = '\0';
    const char *a = NULL;
    for (const char *l = strstr(c->head.data, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, "Proxy-Authorization:", 20) == 0) {
            a = l;
            break;
        }
    if (a) {
        a += 22;
        while (*a == ' ')
            a++;
        snprintf(p->last_auth, sizeof p->last_auth, "%.*s", (int)strcspn(a, "\r\n"), a);
    }
    const char *colon = strrchr(target, ':');
    int port = colon ? atoi(colon + 1) : 0;
    if (p->want_auth && strcmp(p->last_auth, p->want_auth) != 0) {
        const char r[] = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                         "Proxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\n\r\n";
        (void)!send(c->cfd, r, sizeof r - 1, MSG_NOSIGNAL);
        p->refused++;
        proxy_conn_close(c);
        return;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    if (s < 0 || port <= 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (s >= 0)
            close(s);
        const char r[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        (void)!send(c->cfd, r, sizeof r - 1, MSG_NOSIGNAL);
        p->refused++;
        proxy_conn_close(c);
        return;
    }
    fcntl(s, F_SETFL, O_NONBLOCK);
    c->sfd = s;
    const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
    sb_append(&c->to_c, ok, sizeof ok - 1);
    if (c->head.len > hl) /* the client did not wait for the answer */
        sb_append(&c->to_s, c->head.data + hl, c->head.len - hl);
    c->open = true;
    p->tunnels++;
    p->t_tunnel_ns = clock_now_ns();
}

static inline void proxy_peer_poll(ProxyPeer *p)
{
    int fd;
    while ((fd = accept(p->listen_fd, NULL, NULL)) >= 0) {
        if (p->accepts >= PROXY_PEER_CONNS) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        p->c[p->accepts++].cfd = fd;
        p->t_accept_ns = clock_now_ns();
    }
    for (int i = 0; i < p->accepts; i++) {
        ProxyConn *c = &p->c[i];
        if (c->cfd < 0)
            continue;
        if (!c->open) {
            bool alive = proxy_drain(c->cfd, &c->head);
            if (c->head.len)
                proxy_answer(p, c);
            if (!alive && c->cfd >= 0 && !c->open)
                proxy_conn_close(c);
            if (!c->open)
                continue;
        }
        bool ok = proxy_drain(c->cfd, &c->to_s);
        ok = proxy_flush(c->sfd, &c->to_s) && ok;
        ok = proxy_drain(c->sfd, &c->to_c) && ok;
        ok = proxy_flush(c->cfd, &c->to_c) && ok;
        if (!ok) {
            proxy_flush(c->cfd, &c->to_c); /* what the server said last */
            proxy_conn_close(c);
        }
    }
}

/* ---- the tests' proxy and the environment the transport under test reads ------------------- */
/* (test_link_tunnel.c, test_transport_sse_proxy.c: each gives its transport .env = test_env and
 * polls the proxy between lws_service calls with poll_proxy.) */

static ProxyPeer X;                /* the proxy, while proxy_on */
static bool proxy_on;
static const char *env_vars[8][2]; /* {name, value}, up to the first NULL name */

static inline void poll_proxy(void)
{
    if (proxy_on)
        proxy_peer_poll(&X);
}

static inline const char *test_env(const char *name)
{
    for (int i = 0; i < 8 && env_vars[i][0]; i++)
        if (strcmp(env_vars[i][0], name) == 0)
            return env_vars[i][1];
    return NULL;
}

/* The environment: k1=v1 and k2=v2 (k2 NULL: k1 alone), nothing else. */
static inline void set_env(const char *k1, const char *v1, const char *k2, const char *v2)
{
    memset(env_vars, 0, sizeof env_vars);
    env_vars[0][0] = k1, env_vars[0][1] = v1;
    env_vars[1][0] = k2, env_vars[1][1] = v2;
}

/* A fresh proxy (the old one closed). */
static inline void proxy_restart(void)
{
    if (proxy_on)
        proxy_peer_close(&X);
    proxy_on = proxy_peer_open(&X);
    CHECK(proxy_on);
}

/* "http://[auth@]127.0.0.1:PORT" of the proxy (a static buffer, valid until the next call). */
static inline const char *proxy_url(const char *auth)
{
    static char proxy_value[128];
    snprintf(proxy_value, sizeof proxy_value, "http://%s%s127.0.0.1:%d", auth ? auth : "",
             auth ? "@" : "", X.port);
    return proxy_value;
}

#endif
