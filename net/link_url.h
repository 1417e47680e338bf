/* LinkUrl: the parsed form of LinkConfig.url, as Link needs it to open a WebSocket.
 *
 * Accepted: ws:// wss:// http:// https:// (scheme case-insensitive; http maps to ws, https to
 * wss, as the OpenAI SDKs do, PROTOCOL.md 1.2), then host[:port][/path][?query].
 * host is a DNS name, an IPv4 literal or an IPv6 literal in brackets. Default ports 80/443.
 * The request path is the base path without trailing slashes plus "/responses" (a path that
 * already ends in "/responses" is kept as is), then the query if any. Rejected: other schemes,
 * user:password@, a '#fragment', empty host or port, port 0 or > 65535, whitespace and control
 * characters anywhere.
 *
 * Error tier 3: link_url_parse returns false and writes one line to err. */
#ifndef FLINT_NET_LINK_URL_H
#define FLINT_NET_LINK_URL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct LinkUrl {
    bool tls;           /* wss (or https) */
    int port;
    char *host;         /* for connect(): no brackets around an IPv6 literal */
    char *host_header;  /* Host: value, brackets kept, ":port" when not the default */
    char *endpoint;     /* "host:port" for the status line ("[::1]:8787") */
    char *path;         /* request path: base + "/responses" + "?query" */
    char *display;      /* "ws://host:port/path" for logs (query elided) */
} LinkUrl;

/* Copies url into out (size > 0) for logs and the status line: the first '?' or '#' and
 * everything after it become "?..." (a query can carry tokens), bytes outside printable ASCII
 * become '?', and the copy is cut to fit. Any bytes are accepted (a server's Location). */
void link_url_redact(const char *url, char *out, size_t size);

/* Fills *u (owned: release with link_url_free) or returns false with a message in err, which
 * quotes the URL redacted (link_url_redact). */
bool link_url_parse(const char *url, LinkUrl *u, char *err, size_t err_size);
/* The same for an HTTP API (transport_sse.c): suffix (e.g. "/chat/completions") takes the
 * place of "/responses", and display says http:// or https:// (ws:// and wss:// are accepted
 * and mean the same two). */
bool link_url_parse_http(const char *url, const char *suffix, LinkUrl *u, char *err,
                         size_t err_size);
void link_url_free(LinkUrl *u); /* accepts a zeroed or already freed LinkUrl */

/* Whether host (LinkUrl.host: no brackets) is a loopback address by its spelling alone: an
 * IPv4 literal in 127.0.0.0/8, the IPv6 literal ::1 (or ::ffff:127.x.y.z), or the name
 * "localhost" (any case). Never a lookup: a DNS answer must not decide where a secret may go
 * in clear text, so any other name is not loopback, whatever it resolves to. */
bool link_host_is_loopback(const char *host);

/* What both transports refuse before they exist: an API key (non-empty api_key) in clear
 * text (ws:// or http://) to a host that is not loopback by its spelling, unless
 * allow_insecure ("refusing to send the API key in clear text to H (http://): use https://,
 * or --insecure to allow it"); and a ca_file (NULL/"": none) that cannot be opened ("CA file
 * F: No such file or directory"; lws would only log it and fail every handshake). */
bool link_url_allowed(const LinkUrl *u, const char *api_key, bool allow_insecure,
                      const char *ca_file, char *err, size_t err_size);

#endif
