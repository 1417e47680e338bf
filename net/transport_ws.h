/* TransportWs: the Responses WebSocket mode (transport.h's first implementation): one
 * persistent WebSocket to a Responses-API server (ws:// or wss://), kept open across turns.
 * It moves text messages and reports its state; it knows no JSON. Inside (transport_ws.c) the
 * object is still called Link and its sockets Conns, and its log lines say "link:".
 *
 * - transport_start() connects (and reconnects with jittered backoff, 0.5 s doubling to 15 s, after
 *   a failure or a lost connection). Keepalive: RFC 6455 ping after 20 s of silence, hang up
 *   after 60 s without any inbound frame (lws_retry_bo_t).
 * - transport_send() queues one text message (copied); the queue drains on the socket's
 *   WRITEABLE callback, one frame of at most 64 KiB per callback.
 *   A message queued while not connected is refused (returns false): the session decides.
 * - Inbound fragments are reassembled; a message over max_message bytes is refused at its first
 *   chunk that crosses the cap: its rest is dropped as it arrives, the socket is closed with
 *   1009 and WAITING reports the reason (then reconnects after the backoff); a binary
 *   message is dropped, logged and counted in TransportStats.messages_dropped.
 * - A 429 on the upgrade waits at least its Retry-After (delay-seconds, at most 1 h) before the
 *   next attempt: WAITING says "rate limited by HOST (HTTP 429); retry in N s".
 * - A 401/403 or 404/405/426 on the upgrade stops retrying (STOPPED; link_diag_refusal says what
 *   to do: set or check the key, or try --api chat): the same request would be refused again.
 *   transport_interrupt() makes one new attempt ("retrying").
 * - A redirect (3xx) on the upgrade is never followed (the API key would go to the host it
 *   names): WAITING says "server redirected to URL; not followed" (URL without its query).
 * - transport_interrupt() is the Esc path: it drops everything queued and anything still
 *   arriving from the current socket at once, sends a Close (1000, "interrupted") to the
 *   server, and opens a fresh connection immediately, without waiting for the old one to
 *   finish closing. transport_rotate() does the same with the reason "rotating", for
 *   replacing an old socket between turns before the server's age limit closes it
 *   (PROTOCOL.md 1.6, 7.1). TransportStats.interrupt_ns counts those Closes only (not 1009).
 *
 * TLS (wss://): verified against the system CAs (plus ca_file). The vhost's client SSL_CTX is
 * made only for wss://, on the loop's pass after transport_start (the app draws its first
 * frame in between): parsing the CA bundle takes ~20 ms, which ws:// never pays.
 * Proxies: https_proxy for wss://, http_proxy for ws://, no_proxy (net/link_proxy.h); lws
 * connects to the proxy (its address resolved here, in the background) and sends CONNECT
 * with the server's name, then TLS and the upgrade go through the tunnel. A refused tunnel
 * is WAITING with "proxy P refused the tunnel to H ...". lws' own reading of http_proxy is
 * turned off (it would use it for wss:// too).
 *
 * Threading: everything runs on the lws service thread. The lws_context is the app's (app/
 * loop.c makes it, with LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT, and is its only owner); it
 * crosses into net/ as an opaque pointer, so no libwebsockets type appears in a net/ header.
 * The transport adds a client vhost "flint-link" of its own to it, so the CA settings and the
 * lws protocol list stay private to net/. transport_ws_new also routes libwebsockets' own log
 * (errors, warnings) to core/log.h instead of stderr, and reads it to explain failures (TLS,
 * refused, HTTP status). Free the transport before lws_context_destroy (the other order is
 * memory-safe, tested). Hooks: as transport.h says. Errors are states, reported through hooks.
 *
 * DNS never blocks the service thread. (This lws build would resolve synchronously inside
 * lws_client_connect_via_info, so Link gives lws numeric addresses only.) A host name is
 * resolved on a background thread (getaddrinfo, IPv4 and IPv6, AI_ADDRCONFIG) while the
 * state is CONNECTING; the result is picked up on the service thread through
 * lws_cancel_service. The addresses are cached: reconnects (interrupt, drop, backoff) use them
 * at once, with no lookup; a failed connect tries the next address before backing off; after
 * every address has failed, or once the cache is 5 minutes old, Link re-resolves in the
 * background and keeps using the cache meanwhile. A failed lookup is WAITING with the
 * resolver's message ("cannot resolve HOST: Name or service not known; retry in 0.5 s").
 * IP literals are never resolved. The Host header, TLS SNI and certificate check use the
 * name from the URL, never the address. transport_free does not wait for a lookup in flight.
 *
 * FLINT_LOG lines: "link: resolved HOST -> ADDR, ADDR (N ms)", "link: connecting URL via ADDR",
 * "link: up HOST:PORT", "link: down WHY (HOST:PORT via ADDR)", "link: failed WHY (via ADDR);
 * trying ADDR", "link: interrupt" (when called), "link: close-sent ..." (when the Close frame
 * is written). For IP literals "via ADDR" is left out. */
#ifndef FLINT_NET_TRANSPORT_WS_H
#define FLINT_NET_TRANSPORT_WS_H

#include <stdbool.h>
#include <stddef.h>

#include "net/http_fields.h"
#include "net/transport.h"

struct addrinfo;

typedef struct TransportWsConfig {
    const char *url;          /* base URL, e.g. ws://127.0.0.1:8787/v1; "/responses" is appended */
    const char *api_key;      /* sent as "Authorization: Bearer KEY"; NULL/"" sends none */
    /* With an api_key and ws:// (or http://), transport_ws_new refuses any host that is not
     * loopback by its spelling (link_host_is_loopback: 127.0.0.0/8, ::1, "localhost"; never
     * by what a name resolves to) unless this is set: the key would cross the network in
     * clear text. The app sets it from --insecure, which the refusal names. */
    bool allow_insecure;
    const char *ca_file;      /* extra CA bundle for wss://, added to the system CAs */
    /* Extra headers on the upgrade request (a provider's `headers`), copied. A name must be
     * an RFC 9110 token and not one the transport sends itself (Host, Authorization,
     * Connection, Upgrade, Sec-WebSocket-*, User-Agent, ...); a value has no CR, LF or other
     * control character (http_fields.h): transport_ws_new refuses anything else. */
    const HttpField *headers;
    size_t n_headers;
    size_t max_message;       /* 0: 16 MiB */
    /* NULL: getenv(3). Where the proxy settings come from (link_proxy.h: https_proxy for
     * wss://, http_proxy for ws://, no_proxy; tests pass theirs). Through a proxy only the
     * proxy's name is resolved (by resolve); lws sends CONNECT with the server's name. */
    const char *(*env)(const char *name);
    /* NULL: getaddrinfo(3). Tests pass a stand-in with its contract (slow, counting,
     * scripted); it runs on the resolver thread and its list is freed with freeaddrinfo. */
    int (*resolve)(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);
} TransportWsConfig;

/* lws_context: the app's struct lws_context * (opaque here). Parses cfg->url (ws, wss, http,
 * https; http(s) maps to ws(s)). Returns NULL and fills err (a char[256] or larger) when the
 * URL is not usable, or when it would send the API key in clear text to a host that is not
 * loopback (see allow_insecure). Copies everything it keeps. Neither err nor any log line
 * ever holds the URL's query (it can carry tokens). Free with transport_free. */
Transport *transport_ws_new(void *lws_context, const TransportWsConfig *cfg,
                            const TransportHooks *hooks, void *ud, char *err, size_t err_size);

/* Routes libwebsockets' own log into FLINT_LOG (never stderr: the terminal belongs to curses),
 * keeping what the transport needs to explain failures. Call it before the app creates its
 * lws_context, so that nothing lws says while starting up reaches the screen;
 * transport_ws_new installs it too. */
void transport_ws_log_install(void);

#endif
