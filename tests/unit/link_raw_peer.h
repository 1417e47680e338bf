/* A raw TCP peer for the Link tests that must say what a well-behaved server never would: it
 * reads the upgrade request itself and either answers it with a scripted HTTP reply (401, 429,
 * a 302 redirect) or completes the WebSocket handshake and then writes hand-made bytes, frame
 * headers included (a frame that declares 17 MiB and stalls after 68 KiB, a 20 MiB frame).
 * It also parses the frames the client sends back (masked, RFC 6455 5.2) far enough to record
 * a Close frame's status code.
 *
 * Served between lws_service calls from link_support.h's extra_poll: raw_peer_poll never
 * blocks (non-blocking sockets), writes as much of the script as the socket takes and reads
 * whatever arrived. One connection at a time; a new one replaces the old (the client
 * reconnecting). Connection k (0-based) gets scripts[k], or an empty script beyond the last.
 *
 * Header-only and static inline for the same reason as link_support.h. */
#ifndef FLINT_TESTS_UNIT_LINK_RAW_PEER_H
#define FLINT_TESTS_UNIT_LINK_RAW_PEER_H

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "core/strbuf.h"
#include "net_test.h"

#define RAW_PEER_SCRIPTS 4

typedef struct RawScript {
    const char *http_reply;     /* non-NULL: answer the request with this, then hang up */
    const unsigned char *bytes; /* after a 101: written as they are (frames) */
    size_t len;
} RawScript;

typedef struct RawPeer {
    int listen_fd, fd;
    int port;
    int accepts;              /* connections accepted so far */
    RawScript scripts[RAW_PEER_SCRIPTS];
    StrBuf req;               /* the upgrade request being read */
    StrBuf last_req;          /* the last complete one */
    bool upgraded;            /* 101 sent on the current connection */
    StrBuf out;               /* bytes still to write on the current connection */
    size_t out_off;
    size_t written;           /* script bytes written on the current connection */
    bool write_failed;        /* the client went away while we were writing */
    StrBuf rx;                /* client frames not parsed yet */
    int close_code;           /* status code of the client's Close frame; 0: none yet */
    int close_codes[RAW_PEER_SCRIPTS]; /* the same, per connection (k < RAW_PEER_SCRIPTS) */
    int frames_in;            /* data frames the client sent */
    bool eof;                 /* the current connection was closed by the client */
} RawPeer;

/* Listens on 127.0.0.1, port 0 (a free one). */
static inline bool raw_peer_open(RawPeer *p)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    p->listen_fd = loopback_listen(4, &p->port);
    return p->listen_fd >= 0;
}

static inline void raw_peer_hangup(RawPeer *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
}

static inline void raw_peer_close(RawPeer *p)
{
    raw_peer_hangup(p);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    p->listen_fd = -1;
    sb_free(&p->req);
    sb_free(&p->last_req);
    sb_free(&p->out);
    sb_free(&p->rx);
}

/* The value of header name in the request (case-insensitive name), copied into out. */
static inline bool raw_header(const char *req, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(req, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
        const char *h = l + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            h += nl + 1;
            while (*h == ' ')
                h++;
            size_t len = strcspn(h, "\r\n");
            snprintf(out, n, "%.*s", (int)len, h);
            return true;
        }
    }
    return false;
}

/* RFC 6455 4.2.2: base64(SHA-1(key + GUID)). SHA-1 comes from libcrypto, which lws loads but
 * the test does not link: looked up at run time, like link_support.h's SSL_get_servername. */
static inline bool raw_accept_key(const char *key, char *out, size_t n)
{
    unsigned char *(*sha1)(const unsigned char *, size_t, unsigned char *) = NULL;
    *(void **)&sha1 = dlsym(RTLD_DEFAULT, "SHA1");
    if (!sha1)
        return false;
    char buf[128];
    int len = snprintf(buf, sizeof buf, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    unsigned char md[20];
    sha1((const unsigned char *)buf, (size_t)len, md);
    return lws_b64_encode_string((const char *)md, 20, out, (int)n) > 0;
}

/* Frames from the client: masked, with 7/16/64-bit lengths. Only Close codes are kept. */
static inline void raw_parse_frames(RawPeer *p)
{
    for (;;) {
        const unsigned char *b = (const unsigned char *)p->rx.data;
        size_t have = p->rx.len, hl = 2;
        if (have < 2)
            return;
        uint64_t len = b[1] & 0x7f;
        if (len == 126) {
            hl = 4;
            if (have < hl)
                return;
            len = (uint64_t)b[2] << 8 | b[3];
        } else if (len == 127) {
            hl = 10;
            if (have < hl)
                return;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | b[2 + i];
        }
        const unsigned char *mask = (b[1] & 0x80) ? b + hl : NULL;
        if (mask)
            hl += 4;
        if (have < hl || have - hl < len)
            return;
        const unsigned char *pl = b + hl;
        int op = b[0] & 0x0f;
        if (op == 0x8 && len >= 2) {
            p->close_code = ((pl[0] ^ (mask ? mask[0] : 0)) << 8) | (pl[1] ^ (mask ? mask[1] : 0));
            if (p->accepts >= 1 && p->accepts <= RAW_PEER_SCRIPTS)
                p->close_codes[p->accepts - 1] = p->close_code;
        } else if (op < 0x8)
            p->frames_in++;
        size_t used = hl + (size_t)len;
        memmove(p->rx.data, p->rx.data + used, have - used);
        sb_truncate(&p->rx, have - used);
    }
}

static inline void raw_peer_poll(RawPeer *p)
{
    int fd = accept(p->listen_fd, NULL, NULL);
    if (fd >= 0) {
        raw_peer_hangup(p); /* the client reconnected: the old connection is over */
        p->fd = fd;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        p->accepts++;
        p->upgraded = p->eof = p->write_failed = false;
        p->close_code = p->frames_in = 0;
        p->written = p->out_off = 0;
        sb_reset(&p->req);
        sb_reset(&p->out);
        sb_reset(&p->rx);
    }
    if (p->fd < 0)
        return;
    char buf[65536];
    ssize_t n;
    while ((n = read(p->fd, buf, sizeof buf)) > 0)
        sb_append(p->upgraded ? &p->rx : &p->req, buf, (size_t)n);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        p->eof = true;
        raw_parse_frames(p);
        raw_peer_hangup(p);
        return;
    }
    if (!p->upgraded && p->req.len && strstr(p->req.data, "\r\n\r\n")) {
        int k = p->accepts - 1;
        RawScript none = {NULL, NULL, 0};
        const RawScript *s = k < RAW_PEER_SCRIPTS ? &p->scripts[k] : &none;
        sb_reset(&p->last_req);
        sb_append(&p->last_req, p->req.data, p->req.len);
        if (s->http_reply) {
            ssize_t w = write(p->fd, s->http_reply, strlen(s->http_reply));
            (void)w;
            raw_peer_hangup(p);
            return;
        }
        char key[128] = "", acc[64] = "";
        raw_header(p->req.data, "Sec-WebSocket-Key", key, sizeof key);
        raw_accept_key(key, acc, sizeof acc);
        sb_printf(&p->out,
                  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
        if (s->len)
            sb_append(&p->out, (const char *)s->bytes, s->len);
        p->written = 0;
        p->out_off = 0;
        p->upgraded = true;
        raw_parse_frames(p);
    }
    if (p->upgraded) {
        raw_parse_frames(p);
        while (p->out_off < p->out.len && !p->write_failed) {
            size_t chunk = p->out.len - p->out_off;
            if (chunk > 65536)
                chunk = 65536;
            ssize_t w = send(p->fd, p->out.data + p->out_off, chunk, MSG_NOSIGNAL);
            if (w > 0) {
                p->out_off += (size_t)w;
                continue;
            }
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                p->write_failed = true;
            break;
        }
    }
}

/* A server frame header (unmasked, RFC 6455 5.2) for a payload of len bytes. */
static inline size_t raw_frame_header(unsigned char *h, bool fin, int opcode, uint64_t len)
{
    h[0] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0f));
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++)
        h[2 + i] = (unsigned char)(len >> (56 - 8 * i));
    return 10;
}

/* Appends one frame: header declaring declared bytes, then sent bytes of payload (fill). */
static inline void raw_frame(StrBuf *sb, bool fin, int opcode, uint64_t declared, size_t sent,
                             char fill)
{
    unsigned char h[10];
    size_t hl = raw_frame_header(h, fin, opcode, declared);
    sb_append(sb, (const char *)h, hl);
    sb_reserve(sb, sent);
    memset(sb->data + sb->len, fill, sent);
    sb->len += sent;
    sb->data[sb->len] = '\0';
}

#endif
