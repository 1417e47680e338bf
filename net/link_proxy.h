/* LinkProxy: which HTTP proxy, if any, a connection goes through, from the environment as
 * curl and most tools read it, and the CONNECT request that opens a tunnel through it.
 *
 *   wss:// and https://   https_proxy, else HTTPS_PROXY
 *   ws:// and http://     http_proxy, else HTTP_PROXY
 *   no_proxy / NO_PROXY   comma- or space-separated: "*" (no proxy at all), a host name
 *                         ("example.com" and ".example.com" both match example.com and every
 *                         name under it), an IP literal, an IPv4 or IPv6 CIDR block
 *                         ("10.0.0.0/8"), each optionally with ":PORT" (then only that port)
 *   loopback              always direct (127.0.0.0/8, ::1, "localhost": a local model server
 *                         is never sent through a corporate proxy)
 *
 * A proxy value is http://[user[:password]@]host[:port][/] or the same without "http://"
 * (port 1080 when none, as curl). user and password may be percent-encoded; they become
 * "Proxy-Authorization: Basic ..." and are never logged or shown (LinkProxy.display has none).
 * Proxies spoken to over TLS (https://) and SOCKS are not supported: link_proxy_pick says so.
 *
 * Both transports tunnel with HTTP CONNECT (RFC 9110 9.3.6) to the target's *name*: the name
 * is resolved by the proxy, never locally (a corporate network may have no outside DNS), and
 * TLS (SNI, the certificate check) runs end to end inside the tunnel.
 *
 * Pure apart from the getenv it is given; error tier 3 (false and a line in err). */
#ifndef FLINT_NET_LINK_PROXY_H
#define FLINT_NET_LINK_PROXY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct LinkProxy {
    char host[256];      /* "": connect directly; no brackets around an IPv6 literal */
    int port;
    char userpass[256];  /* "user:password" decoded, "" when none: a secret */
    char display[300];   /* "host:port" (brackets for IPv6) for logs and messages */
    const char *source;  /* the variable it came from ("https_proxy", ...), NULL when direct */
} LinkProxy;

typedef const char *(*LinkEnvFn)(const char *name);

/* The proxy for a connection to host:port (host as LinkUrl.host), tls or not. env NULL:
 * getenv. True with out->host "" for a direct connection; false with a message when the
 * variable that applies cannot be used (names the variable, never the credentials). */
bool link_proxy_pick(bool tls, const char *host, int port, LinkEnvFn env, LinkProxy *out,
                     char *err, size_t err_size);

/* Whether no_proxy (a value as above; NULL: none) exempts host:port. */
bool link_proxy_exempt(const char *no_proxy, const char *host, int port);

/* The CONNECT request for host:port through p (with Proxy-Authorization when p has
 * credentials), NUL-terminated into out; its length, or 0 when it does not fit. */
size_t link_proxy_connect_request(const LinkProxy *p, const char *host, int port, char *out,
                                  size_t size);

/* The proxy's answer to CONNECT, read so far (in[0..len)): 0 when its head is not complete
 * yet, else the head's length (what follows is the tunnel's), with *status its status code
 * (0: not an HTTP answer). */
size_t link_proxy_reply(const char *in, size_t len, unsigned *status);

#endif
