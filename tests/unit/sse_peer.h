/* A raw HTTP/1.1 server for the SSE transport tests (test_transport_sse.c), in the style of
 * link_raw_peer.h: plain non-blocking sockets on 127.0.0.1, served between lws_service calls
 * (sse_peer_poll never blocks). It accepts any number of connections (up to SSE_PEER_CONNS,
 * each remembered with whether the client closed it), reads requests (head up to a blank
 * line, then a Content-Length body), keeps every request it read, and answers request k
 * (0-based, counted across connections) with scripts[k]: bytes written `pace` at a time per
 * poll (0: as fast as the socket takes them), then, as `after` says, keep the connection,
 * close it, or hold it (write nothing more, never close: a stream that is still going).
 * With sse_peer_tls() the same over TLS (OpenSSL on the non-blocking socket: the handshake
 * and every read and write step between polls; a handshake that fails is counted in
 * tls_failures and the connection closed).
 *
 * Header-only and static inline, like link_raw_peer.h. */
#ifndef FLINT_TESTS_UNIT_SSE_PEER_H
#define FLINT_TESTS_UNIT_SSE_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "net_test.h"

#define SSE_PEER_CONNS 16
#define SSE_PEER_REQS 16

enum { AFTER_KEEP, AFTER_CLOSE, AFTER_HOLD };

typedef struct PeerScript {
    const char *resp;  /* the whole response as bytes */
    size_t len;        /* 0: strlen(resp) */
    size_t pace;       /* bytes per poll; 0: all */
    int after;
} PeerScript;

typedef struct PeerConn {
    int fd;            /* -1 when closed */
    bool eof;          /* the client closed it (read 0 or an error) */
    int nreqs;         /* requests read on it */
    StrBuf in;
    const PeerScript *script; /* being written */
    size_t out_off;
    SSL *ssl;          /* with sse_peer_tls */
} PeerConn;

typedef struct PeerReq {
    int conn;          /* index of the connection it came on */
    char *head;        /* request line and headers, NUL-terminated */
    char *body;
    size_t body_len;
} PeerReq;

typedef struct SsePeer {
    int listen_fd, port;
    int accepts;
    PeerConn conns[SSE_PEER_CONNS];
    int nreqs;
    PeerReq reqs[SSE_PEER_REQS];
    PeerScript scripts[SSE_PEER_REQS];
    SSL_CTX *tls;      /* NULL: plain TCP */
    int tls_failures;  /* handshakes that failed */
    int tls_up;        /* handshakes that completed */
} SsePeer;

/* Serves TLS from now on, with this certificate chain and key; false if they do not load. */
static inline bool sse_peer_tls(SsePeer *p, const char *cert, const char *key)
{
    p->tls = SSL_CTX_new(TLS_server_method());
    if (!p->tls || SSL_CTX_use_certificate_chain_file(p->tls, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(p->tls, key, SSL_FILETYPE_PEM) != 1)
        return false;
    SSL_CTX_set_mode(p->tls, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return true;
}

static inline bool sse_peer_open(SsePeer *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < SSE_PEER_CONNS; i++)
        p->conns[i].fd = -1;
    p->listen_fd = loopback_listen(8, &p->port);
    return p->listen_fd >= 0;
}

static inline void peer_conn_close(PeerConn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static inline void sse_peer_close(SsePeer *p)
{
    for (int i = 0; i < SSE_PEER_CONNS; i++) {
        peer_conn_close(&p->conns[i]);
        sb_free(&p->conns[i].in);
    }
    for (int i = 0; i < p->nreqs && i < SSE_PEER_REQS; i++) {
        free(p->reqs[i].head);
        free(p->reqs[i].body);
    }
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    p->listen_fd = -1;
    SSL_CTX_free(p->tls);
    p->tls = NULL;
}

/* read(2)/send(2) or their TLS forms: >0 bytes, 0 EOF, -1 with errno EAGAIN for "not now". */
static inline ssize_t peer_read(PeerConn *c, void *buf, size_t n)
{
    if (!c->ssl)
        return read(c->fd, buf, n);
    ERR_clear_error();
    int r = SSL_read(c->ssl, buf, (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(c->ssl, r);
    errno = (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? EAGAIN : EPIPE;
    return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static inline ssize_t peer_send(PeerConn *c, const void *buf, size_t n)
{
    if (!c->ssl)
        return send(c->fd, buf, n, MSG_NOSIGNAL);
    ERR_clear_error();
    int r = SSL_write(c->ssl, buf, (int)n);
    return r > 0 ? r : -1;
}

/* The value of a header in a request head (case-insensitive name), or "" (static buffer). */
static inline const char *peer_header(const char *head, const char *name)
{
    static char out[512];
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *l = strstr(head, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
        const char *h = l + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            h += nl + 1;
            while (*h == ' ')
                h++;
            snprintf(out, sizeof out, "%.*s", (int)strcspn(h, "\r\n"), h);
            break;
        }
    }
    return out;
}

/* A complete request at the start of c->in: taken into p->reqs, its script started. */
static inline void peer_take_requests(SsePeer *p, int ci)
{
    PeerConn *c = &p->conns[ci];
    while (!c->script && c->in.len) {
        char *end = strstr(c->in.data, "\r\n\r\n");
        if (!end)
            return;
        size_t hl = (size_t)(end - c->in.data) + 4;
        c->in.data[hl - 2] = '\0';
        size_t blen = (size_t)strtoul(peer_header(c->in.data, "Content-Length"), NULL, 10);
        c->in.data[hl - 2] = '\r';
        if (c->in.len < hl + blen)
            return;
        int k = p->nreqs++;
        if (k < SSE_PEER_REQS) {
            PeerReq *r = &p->reqs[k];
            r->conn = ci;
            r->head = strndup(c->in.data, hl);
            r->body = malloc(blen + 1);
            memcpy(r->body, c->in.data + hl, blen);
            r->body[blen] = '\0';
            r->body_len = blen;
            c->script = &p->scripts[k];
            c->out_off = 0;
        }
        c->nreqs++;
        memmove(c->in.data, c->in.data + hl + blen, c->in.len - hl - blen);
        sb_truncate(&c->in, c->in.len - hl - blen);
    }
}

static inline void sse_peer_poll(SsePeer *p)
{
    int fd;
    while ((fd = accept(p->listen_fd, NULL, NULL)) >= 0) {
        if (p->accepts >= SSE_PEER_CONNS) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        PeerConn *nc = &p->conns[p->accepts++];
        nc->fd = fd;
        if (p->tls) {
            nc->ssl = SSL_new(p->tls);
            SSL_set_fd(nc->ssl, fd);
            SSL_set_accept_state(nc->ssl);
        }
    }
    for (int i = 0; i < p->accepts; i++) {
        PeerConn *c = &p->conns[i];
        if (c->fd < 0)
            continue;
        if (c->ssl && !SSL_is_init_finished(c->ssl)) {
            ERR_clear_error();
            int r = SSL_do_handshake(c->ssl);
            if (r != 1) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    continue;
                p->tls_failures++;
                c->eof = true;
                peer_conn_close(c);
                continue;
            }
            p->tls_up++;
        }
        char buf[65536];
        ssize_t n;
        while ((n = peer_read(c, buf, sizeof buf)) > 0)
            sb_append(&c->in, buf, (size_t)n);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            c->eof = true;
            peer_conn_close(c);
            continue;
        }
        peer_take_requests(p, i);
        const PeerScript *s = c->script;
        if (!s || !s->resp)
            continue;
        size_t len = s->len ? s->len : strlen(s->resp);
        while (c->out_off < len) {
            size_t k = len - c->out_off;
            if (s->pace && k > s->pace)
                k = s->pace;
            ssize_t w = peer_send(c, s->resp + c->out_off, k);
            if (w <= 0)
                break;
            c->out_off += (size_t)w;
            if (s->pace)
                break; /* the next bytes on a later poll: separate reads for the client */
        }
        if (c->out_off < len)
            continue;
        if (s->after == AFTER_CLOSE) {
            peer_conn_close(c);
        } else if (s->after == AFTER_KEEP) {
            c->script = NULL;
            peer_take_requests(p, i);
        }
    }
}

#endif
