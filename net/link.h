/* Link: one persistent WebSocket to a Responses-API server (ws:// or wss://), kept open across
 * turns. Transport only: it moves text messages and reports its state; it knows no JSON.
 *
 * - link_start() connects (and reconnects with jittered backoff, 0.5 s doubling to 15 s, after
 *   a failure or a lost connection). Keepalive: RFC 6455 ping after 20 s of silence, hang up
 *   after 60 s without any inbound frame (lws_retry_bo_t).
 * - link_send() queues one text message (copied); the queue drains on
 *   LWS_CALLBACK_CLIENT_WRITEABLE, one frame of at most 64 KiB per callback.
 *   A message queued while not connected is refused (returns false): the session decides.
 * - Inbound fragments are reassembled; a message over max_message bytes is refused at its first
 *   chunk that crosses the cap: its rest is dropped as it arrives, the socket is closed with
 *   1009 and LINK_WAITING reports the reason (then reconnects after the backoff); a binary
 *   message is dropped, logged and counted in LinkStats.binary_dropped.
 * - A 429 on the upgrade waits at least its Retry-After (delay-seconds, at most 1 h) before the
 *   next attempt: WAITING says "rate limited by HOST (HTTP 429); retry in N s".
 * - A redirect (3xx) on the upgrade is never followed (the API key would go to the host it
 *   names): WAITING says "server redirected to URL; not followed" (URL without its query).
 * - link_interrupt() is the Esc path: it drops everything queued and anything still arriving
 *   from the current socket at once, sends a Close (1000, "interrupted") to the server, and
 *   opens a fresh connection immediately, without waiting for the old one to finish closing.
 *
 * Threading: everything runs on the lws service thread. The lws_context is the app's (made
 * with LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT); Link adds a client vhost "flint-link" of its
 * own to it, so the CA settings stay here, and its connections use that vhost's protocol
 * list (listing link_protocol() in the app's own vhost is harmless but not needed).
 * link_new also routes libwebsockets' own log (errors, warnings) to core/log.h instead of
 * stderr, and reads it to explain failures (TLS, refused, HTTP status). Call link_free before
 * lws_context_destroy. Hooks may call link_send and link_interrupt, not link_free.
 * Errors are states, reported through hooks.
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
 * name from the URL, never the address. link_free does not wait for a lookup in flight.
 *
 * FLINT_LOG lines: "link: resolved HOST -> ADDR, ADDR (N ms)", "link: connecting URL via ADDR",
 * "link: up HOST:PORT", "link: down WHY (HOST:PORT via ADDR)", "link: failed WHY (via ADDR);
 * trying ADDR", "link: interrupt" (when called), "link: close-sent ..." (when the Close frame
 * is written). For IP literals "via ADDR" is left out. */
#ifndef FLINT_NET_LINK_H
#define FLINT_NET_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addrinfo;
struct lws_context;
struct lws_protocols;

typedef enum LinkState {
    LINK_IDLE,        /* not started */
    LINK_CONNECTING,  /* resolving the host name, or handshake in progress */
    LINK_UP,          /* open; messages can be sent */
    LINK_WAITING,     /* lost or failed; reconnecting after a backoff delay */
} LinkState;

typedef struct LinkConfig {
    const char *url;          /* base URL, e.g. ws://127.0.0.1:8787/v1; "/responses" is appended */
    const char *api_key;      /* sent as "Authorization: Bearer KEY"; NULL/"" sends none */
    /* With an api_key and ws:// (or http://), link_new refuses any host that is not loopback
     * by its spelling (link_host_is_loopback: 127.0.0.0/8, ::1, "localhost"; never by what a
     * name resolves to) unless this is set: the key would cross the network in clear text.
     * The app sets it from --insecure, which the refusal names. */
    bool allow_insecure;
    const char *ca_file;      /* extra CA bundle for wss:// (tests); NULL: system CAs */
    size_t max_message;       /* 0: 16 MiB */
    /* NULL: getaddrinfo(3). Tests pass a stand-in with its contract (slow, counting,
     * scripted); it runs on the resolver thread and its list is freed with freeaddrinfo. */
    int (*resolve)(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);
} LinkConfig;

typedef struct LinkHooks {
    /* State changes. detail says why (e.g. "connection refused by HOST:PORT; retry in 0.5 s",
     * "closed by server (1011 reason)"); never NULL, "" when there is nothing to say.
     * CONNECTING right after link_interrupt carries "interrupted". */
    void (*state)(void *ud, LinkState state, const char *detail);
    /* One complete inbound text message. data is valid only during the call, and
     * data[len] == '\0' (the bytes themselves may contain NULs). */
    void (*message)(void *ud, const char *data, size_t len);
} LinkHooks;

typedef struct LinkStats {
    uint64_t connects;        /* successful handshakes */
    uint64_t messages_in, bytes_in, messages_out, bytes_out;
    uint64_t interrupt_ns;    /* clock_now_ns() when the last Close 1000 (interrupt) went out */
    uint64_t binary_dropped;  /* binary messages received and dropped */
    uint64_t dns_lookups;     /* background lookups started (none for IP literals) */
    uint64_t dns_last_ns;     /* how long the last finished lookup took */
} LinkStats;

typedef struct Link Link;

/* Parses cfg->url (ws, wss, http, https; http(s) maps to ws(s)). Returns NULL and fills err
 * (a char[256] or larger) when the URL is not usable, or when it would send the API key in
 * clear text to a host that is not loopback (see allow_insecure). Copies everything it
 * keeps. Neither err nor any log line ever holds the URL's query (it can carry tokens). */
Link *link_new(struct lws_context *ctx, const LinkConfig *cfg, const LinkHooks *hooks, void *ud,
               char *err, size_t err_size);
void link_free(Link *l);  /* closes without waiting; accepts NULL */
void link_start(Link *l);
bool link_send(Link *l, const char *data, size_t len);
void link_interrupt(Link *l);
/* The same as link_interrupt with the Close reason "rotating": for replacing an old socket
 * between turns before the server's age limit closes it (PROTOCOL.md 1.6, 7.1). */
void link_rotate(Link *l);
/* clock_now_ns() when the current socket came up; 0 when not up. */
uint64_t link_up_since_ns(const Link *l);
LinkState link_state(const Link *l);
const char *link_state_name(LinkState s);
const LinkStats *link_stats(const Link *l);
/* "host:port" of the connection, for the status line. */
const char *link_endpoint(const Link *l);

/* Routes libwebsockets' own log into FLINT_LOG (never stderr: the terminal belongs to curses),
 * keeping what Link needs to explain failures. Call it before lws_create_context, so that
 * nothing lws says while starting up reaches the screen; link_new installs it too. */
void link_log_install(void);

/* The lws protocol entry Link connections use (already in Link's own vhost, see above). */
const struct lws_protocols *link_protocol(void);

#endif
