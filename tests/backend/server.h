/* The flint-backend server: one lws context with one vhost on 127.0.0.1 that speaks the
 * Responses API WebSocket mode (PROTOCOL.md 1) at any path ending in /responses, or with
 * api_chat the Chat Completions SSE mode (PROTOCOL.md 4, tests/backend/chat.h) instead.
 *
 * Server owns the lws context and every connection; the Dump in ServerConfig is borrowed.
 * server_run() services lws until a watched fd says stop (a signalfd, or stdin at EOF).
 * Error tier 3 for creation (returns NULL / false and fills err). */
#ifndef FLINT_BACKEND_SERVER_H
#define FLINT_BACKEND_SERVER_H

#include <stdbool.h>

#include "core/error.h"
#include "tests/backend/chat.h"
#include "tests/backend/dump.h"

typedef struct ServerConfig {
    int port;       /* 0: any free port */
    double rate;    /* deltas per second; 0: as fast as the socket takes them */
    long tokens;    /* > 0: every answer is exactly this many deltas; 0: natural length */
    Dump *dump;     /* borrowed; NULL for none */
    long limit_count;   /* --limit: the first limit_count creates get a 429 ... */
    double limit_secs;  /* ... with retry-after limit_secs */
    long stall_count;   /* --stall: the first stall_count responses go silent ... */
    long stall_after;   /* ... after this many deltas (the socket stays up, pings answered) */
    bool api_chat;      /* --api chat: HTTP SSE Chat Completions instead of the WebSocket */
    ChatOptions chat;   /* its variant, line ends, [DONE] */
    int steer;          /* --steer: SteerMode (tests/backend/steer.h); 0: ignore */
    int fault;          /* --fault NAME:N: FaultKind (tests/backend/fault.h) for ... */
    long fault_count;   /* ... the first N creates */
    bool strict;        /* --gateway strict: response_already_in_flight (fault.h) */
    long prefill_ms;    /* --prefill-ms: model prefill time for a prefix not warmed */
    const char *models; /* --models a,b,c: GET .../models (NULL: flint-backend) */
} ServerConfig;

typedef struct Server Server;

Server *server_new(const ServerConfig *cfg, ErrorBuf *err);
/* Closes every connection (without Close frames: lws_context_destroy sends none) and frees.
 * NULL is fine. */
void server_free(Server *srv);
int server_port(const Server *srv);

typedef enum ServerWatch {
    SERVER_WATCH_SIGNALS, /* a signalfd: any signal read from it stops the server */
    SERVER_WATCH_EOF,     /* a pipe or tty: EOF or hang-up stops the server */
} ServerWatch;

/* Hands fd to the lws loop (LWS_ADOPT_RAW_FILE_DESC); lws owns and closes it from now on. */
bool server_watch_fd(Server *srv, int fd, ServerWatch kind, ErrorBuf *err);

/* Services the loop until stopped. Returns false if lws failed. */
bool server_run(Server *srv);

#endif
