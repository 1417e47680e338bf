/* LinkPipe: what lies between a raw TCP socket and the HTTP a transport speaks: a tunnel
 * through an HTTP proxy (CONNECT, link_proxy.h), then TLS (tls_mem.h), each optional. It
 * owns no socket: the transport feeds it the bytes it reads and writes out what it queues, so
 * it works on any socket lws hands over (transport_sse.c uses it for https:// and proxies).
 *
 *   link_pipe_start    TCP is up: queues the CONNECT request or the TLS ClientHello; the
 *                      pipe is UP at once when there is neither (the transport then needs
 *                      no pipe at all, and transport_sse makes none)
 *   link_pipe_rx       bytes from the socket: the proxy's answer, TLS records; plaintext
 *                      for the transport is appended to *plain
 *   link_pipe_tx       plaintext to send (UP only): through TLS into the out buffer
 *   link_pipe_out      bytes waiting for the socket; link_pipe_consume what was written
 *
 * States: OPENING (tunnel or handshake in progress) -> UP -> (FAILED). FAILED carries a
 * sentence a user can act on (link_pipe_error): "proxy P wants credentials (HTTP 407): put
 * them in https_proxy as http://USER:PASSWORD@P", "proxy P refused the tunnel to H:443 (HTTP
 * 403)", "TLS handshake with H:443 failed: certificate verify failed: unable to get local
 * issuer certificate". Credentials are never in an error or a log line; the CONNECT request
 * that holds them is wiped from the out buffer once consumed. Single-threaded. */
#ifndef FLINT_NET_LINK_PIPE_H
#define FLINT_NET_LINK_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "net/link_proxy.h"
#include "net/link_url.h"
#include "net/tls_mem.h"

typedef struct LinkPipe LinkPipe;

/* LinkRoute: how every connection of one transport reaches its server: directly or through
 * the proxy the environment names (link_proxy_pick, at link_route_init), with TLS or not.
 * The TlsCtx is made by link_route_tls_ready when the first connection needs it (parsing the
 * CA bundle costs ~20 ms: not at start-up). link_route_pipe gives each new connection its
 * LinkPipe (NULL for plain and direct: no pipe needed). Holds the proxy's credentials:
 * link_route_free wipes them. */
typedef struct LinkRoute {
    LinkProxy proxy;       /* proxy.host "": direct */
    bool use_tls;
    TlsCtx *tls;           /* NULL until link_route_tls_ready (always, without TLS) */
    char *ca_file;         /* NULL: the system CAs only */
    char *tag;             /* "sse", for log lines */
    const char *host;      /* what TCP resolves and connects to: the proxy or the server */
    int port;
    const char *via;       /* "host:port" of the same, for messages */
} LinkRoute;

/* u must outlive r. False with a message when the proxy setting is unusable. */
bool link_route_init(LinkRoute *r, const LinkUrl *u, const char *ca_file, LinkEnvFn env,
                     const char *tag, char *err, size_t err_size);
bool link_route_tls_ready(LinkRoute *r, char *err, size_t err_size);
/* Only after link_route_tls_ready succeeded (for TLS): aborts otherwise. */
LinkPipe *link_route_pipe(const LinkRoute *r, const LinkUrl *u);
void link_route_free(LinkRoute *r);  /* a zeroed or freed one too */

typedef enum LinkPipeState {
    LINK_PIPE_OPENING,
    LINK_PIPE_UP,
    LINK_PIPE_FAILED,
} LinkPipeState;

/* proxy NULL or proxy->host "": direct. tls NULL: plain. host/port/endpoint: the server's
 * (endpoint "host:port" for messages). Copies what it keeps. */
LinkPipe *link_pipe_new(const LinkProxy *proxy, TlsCtx *tls, const char *host, int port,
                        const char *endpoint);
void link_pipe_free(LinkPipe *p);  /* accepts NULL */

LinkPipeState link_pipe_start(LinkPipe *p);
LinkPipeState link_pipe_rx(LinkPipe *p, const char *in, size_t len, StrBuf *plain);
bool link_pipe_tx(LinkPipe *p, const char *data, size_t len);
const char *link_pipe_out(LinkPipe *p, size_t *len);
void link_pipe_consume(LinkPipe *p, size_t len);

LinkPipeState link_pipe_state(const LinkPipe *p);
const char *link_pipe_error(const LinkPipe *p);
/* The socket closed while OPENING: the sentence for it ("proxy P closed the connection
 * before the tunnel to H was up", "TLS handshake with H failed: the server closed the
 * connection"). */
const char *link_pipe_closed_early(LinkPipe *p);
/* For the log: how long the tunnel and the handshake took (ns, 0: none), and TLS' version and
 * cipher ("" without TLS). */
uint64_t link_pipe_tunnel_ns(const LinkPipe *p);
uint64_t link_pipe_tls_ns(const LinkPipe *p);
void link_pipe_describe(const LinkPipe *p, char *out, size_t size);

#endif
