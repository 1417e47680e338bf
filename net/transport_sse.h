/* TransportSse: HTTP/1.1 POST answered by a stream (transport.h's second implementation), for
 * OpenAI-compatible Chat Completions over Server-Sent Events (PROTOCOL.md 4, 7.2): llama.cpp's
 * server, vLLM, Ollama, Cerebras. A byte pipe: it knows neither JSON nor SSE.
 *
 * - transport_send(body) POSTs body to BASE/chat/completions with Content-Type:
 *   application/json, Accept: text/event-stream, Authorization: Bearer KEY (when a key is
 *   set) and the configured extra headers. Requests go out one at a time on the one
 *   connection: a second send while a response streams waits in a FIFO and is written when
 *   that response has ended (no pipelining).
 * - The response body reaches the message hook as it arrives, chunk by chunk (chunked
 *   transfer coding removed, RFC 9112 7.1): a "message" here is any slice of the event
 *   stream, and the SSE parsing belongs to the dialect. The end of every response is
 *   reported through the end hook (TransportEnd: status, complete or cut off). A non-2xx
 *   answer (401, 404, 429, a 3xx) is not streamed: the end hook carries its status and the
 *   first 4 KiB of its body, with a line for the status bar. Redirects are never followed
 *   (the key would go to the host the server names); a 3xx's detail says where it pointed
 *   (without the query). A refusal is no state change.
 * - Kept alive between turns: the state is UP while a connection (TCP, and TLS for https) is
 *   open, idle or streaming, and the connection is opened *before* the first question, and
 *   again at once whenever it goes: after an interrupt (transport_interrupt closes it, which
 *   is the only way to cancel a Chat Completions stream, PROTOCOL.md 7.2, and opens a fresh
 *   one in the same call), after a response the server would not keep alive (HTTP/1.0,
 *   "Connection: close", a close-delimited body), and when the server closes an idle
 *   connection that had been up for a while (keep-alive timeouts: llama.cpp's server closes
 *   idle connections after 5 s, so flint reconnects then). So no question waits for TCP or
 *   TLS set-up.
 * - Failures: connect refused, TLS, DNS (resolved in the background, as transport_ws does,
 *   with the same address cache), a connection closed within 2 s of coming up, or lost
 *   mid-response: WAITING with the same backoff (0.5 s doubling to 15 s, 10% jitter) and the
 *   same human reasons as transport_ws; a response cut off is first reported to the end hook
 *   (complete false). A request written but never answered is never resent (POST is not
 *   idempotent: RFC 9110 9.2.2); the end hook says so (status 0) and the app decides.
 *
 * Why not libwebsockets' own HTTP client: in 4.1.6 a client connection exists only with a
 * request (no pre-connected idle socket), keep-alive reuse hands the socket from wsi to wsi
 * through the pipelining queue, and an idle one is closed after keep_warm_secs. So this
 * transport opens a raw lws client socket (method "RAW"; lws does TCP and poll) and speaks
 * HTTP/1.1 itself: it writes the request and reads the response with net/http_rx.h (a pure
 * parser with a fuzz target).
 *
 * https:// and proxies: lws 4.1.6 starts TLS on a RAW client before its socket is connected
 * (core-net/connect.c, without LWS_WITH_SYS_ASYNC_DNS as Debian builds it), so lws does no
 * TLS here. Each connection's bytes go through a LinkPipe (net/link_pipe.h) instead: a
 * CONNECT tunnel when the environment names a proxy (link_proxy.h: https_proxy for https://,
 * http_proxy for http://, no_proxy; only the proxy's name is resolved here), then TLS with
 * OpenSSL over memory BIOs (net/tls_mem.h: the system CAs plus ca_file, SNI and the name
 * checked, the real reason for a failure: "TLS handshake with H:443 failed: certificate
 * verify failed: unable to get local issuer certificate"). That keeps the properties above
 * (pre-connected, kept alive, cancel by close) for https:// too. The TLS context, whose CA
 * bundle takes ~20 ms to parse, is made on the loop's pass after transport_start (after the
 * app's first frame), once. UP means TCP, tunnel and handshake are all done.
 * - A 401 or 403 answer stops the transport (STOPPED, connection closed; the detail says
 *   what to do about the key): the same request would be refused again. transport_interrupt
 *   makes one new connection.
 *
 * Threading, the lws_context, the vhost of its own ("flint-sse"), the log routing and
 * freeing: as transport_ws.h says. FLINT_LOG lines say "sse:"; neither they nor any detail
 * ever hold the URL's query or the key. */
#ifndef FLINT_NET_TRANSPORT_SSE_H
#define FLINT_NET_TRANSPORT_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/http_fields.h"
#include "net/transport.h"

struct addrinfo;

/* An extra header: name an RFC 9110 token, not Host, Content-Length, Transfer-Encoding,
 * Connection, Authorization (they belong to the transport); value visible ASCII, spaces and
 * tabs, no CR, LF or other controls (http_fields.h). */
typedef HttpField TransportSseHeader;

typedef struct TransportSseConfig {
    const char *url;          /* base URL, e.g. http://127.0.0.1:8080/v1; "/chat/completions"
                               * is appended (kept if already there). ws(s):// means http(s). */
    const char *api_key;      /* "Authorization: Bearer KEY"; NULL/"" sends none */
    bool allow_insecure;      /* as TransportWsConfig.allow_insecure (plain http, not loopback) */
    const char *ca_file;      /* extra CA bundle for https://, added to the system CAs; NULL:
                               * the system CAs only */
    const TransportSseHeader *headers; /* extra headers, n_headers of them (copied) */
    size_t n_headers;
    /* NULL: getenv(3). Where the proxy settings come from (link_proxy.h; tests pass theirs). */
    const char *(*env)(const char *name);
    /* NULL: getaddrinfo(3); as TransportWsConfig.resolve. */
    int (*resolve)(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);
} TransportSseConfig;

/* lws_context: the app's struct lws_context * (opaque here). Returns NULL and fills err (a
 * char[256] or larger) when the URL or a header is not usable, the CA file cannot be read, or
 * the key would cross the network in clear text (see allow_insecure). Copies what it keeps.
 * Free with transport_free. */
Transport *transport_sse_new(void *lws_context, const TransportSseConfig *cfg,
                             const TransportHooks *hooks, void *ud, char *err, size_t err_size);

#endif
