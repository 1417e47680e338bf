/* lws plumbing for flint-backend: the context, the vhost on 127.0.0.1, the protocol
 * callback that routes WebSocket events to conn.c, the HTTP answers for everything that is
 * not a WebSocket upgrade to .../responses, and the raw fds (signalfd, stdin) that stop
 * the loop.
 *
 * lws 4.1.6 facts relied on (ARCHITECTURE.md): protocol arrays end with a zero entry; a
 * vhost on port 0 binds a free port, read back with lws_get_vhost_listen_port; no
 * permessage-deflate is offered (no extensions are configured), since it collapses loopback
 * throughput; fd_limit_per_thread is set explicitly. With no Sec-WebSocket-Protocol from
 * the client, lws binds the connection to protocols[0], so no subprotocol is needed. */
#include "tests/backend/server.h"

#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "tests/backend/conn.h"
#include "tests/backend/pacer.h"

struct Server {
    struct lws_context *ctx;
    struct lws_vhost *vh;
    int port;
    bool stop;
    ConnEnv env;
    ChatEnv chat;                       /* --api chat: the protocol's user */
    struct lws_protocols protocols[3];  /* [0] serves (ws or chat), [1] raw fds, [2] end */
};

/* The pacer's timerfd is watched like the fds of server_watch_fd. */
#define WATCH_PACER ((ServerWatch)(SERVER_WATCH_EOF + 1))

/* Identifies an adopted raw fd in its wsi's opaque user data. */
typedef struct Watch {
    Server *srv;
    int fd;
    ServerWatch kind;
} Watch;

/* Any path ending in /responses is the Responses endpoint (/v1/responses, /openai/v1/...).
 * lws keeps a POST's path in WSI_TOKEN_POST_URI, not GET_URI: a POST there (a Chat or
 * Responses-over-HTTP client) must get the same 426 as a GET, not a 404. */
static bool path_ok(struct lws *wsi)
{
    char uri[512];
    int n = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
    if (n <= 0)
        n = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI);
    static const char suffix[] = "/responses";
    size_t k = sizeof suffix - 1;
    return n >= (int)k && memcmp(uri + n - k, suffix, k) == 0;
}

static int http_status(struct lws *wsi, unsigned status)
{
    if (lws_return_http_status(wsi, status, NULL))
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* GET .../models in the WebSocket mode: the same list as the chat mode (one port serves the
 * upgrade and plain HTTP), written with its headers in one go. */
static int models_reply(struct lws *wsi, const ConnEnv *env)
{
    char *body = conn_models_json(env);
    size_t blen = strlen(body);
    unsigned char *buf = xmalloc(LWS_PRE + 1024 + blen);
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + LWS_PRE + 1024 - 1;
    static const char type[] = "application/json";
    int rc = -1;
    if (!lws_add_http_header_status(wsi, HTTP_STATUS_OK, &p, end) &&
        !lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                      (const unsigned char *)type, (int)sizeof type - 1, &p,
                                      end) &&
        !lws_add_http_header_content_length(wsi, blen, &p, end) &&
        !lws_finalize_http_header(wsi, &p, end)) {
        memcpy(p, body, blen);
        p += blen;
        if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) >= (int)(p - start))
            rc = lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    free(buf);
    free(body);
    return rc;
}

static bool is_models_get(struct lws *wsi, const char *uri)
{
    static const char suffix[] = "/models";
    size_t n = uri ? strlen(uri) : 0, k = sizeof suffix - 1;
    return lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) <= 0 && n >= k &&
           memcmp(uri + n - k, suffix, k) == 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    Conn *c = user;
    struct lws_context *ctx = lws_get_context(wsi);
    Server *srv = ctx ? lws_context_user(ctx) : NULL;

    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        /* in: the upgrade name. Reject other paths with a real 404 (the caller completes
         * the transaction when we return > 0). */
        if (!path_ok(wsi)) {
            log_msg("http status=404 upgrade to a path not ending in /responses");
            lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
            return 1;
        }
        return 0;
    case LWS_CALLBACK_HTTP: {
        if (srv && is_models_get(wsi, in)) {
            log_msg("recv conn=0 type=models bytes=0");
            return models_reply(wsi, &srv->env);
        }
        /* A plain HTTP request: the endpoint exists but only as a WebSocket (426, Upgrade
         * Required), anything else is 404. Chat SSE is served by --api chat instead. */
        unsigned st = path_ok(wsi) ? 426 : HTTP_STATUS_NOT_FOUND;
        log_msg("http status=%u %s %s", st,
                lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0 ? "POST" : "GET",
                in ? (const char *)in : "");
        return http_status(wsi, st);
    }
    case LWS_CALLBACK_ESTABLISHED:
        conn_open(c, wsi, &srv->env);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        return conn_receive(c, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return conn_writeable(c);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        conn_peer_close(c, in, len);
        return 0; /* lws echoes the Close and closes */
    case LWS_CALLBACK_CLOSED:
        conn_closed(c);
        return 0;
    case LWS_CALLBACK_TIMER:
        return fault_timer(c);
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static void watch_fire(Watch *w, bool hangup)
{
    if (w->kind == WATCH_PACER) {
        if (!hangup)
            pacer_expire(w->srv->env.pacer);
        return;
    }
    if (w->kind == SERVER_WATCH_SIGNALS) {
        struct signalfd_siginfo si;
        ssize_t n = hangup ? 0 : read(w->fd, &si, sizeof si);
        if (n == (ssize_t)sizeof si) {
            log_msg("signal %u: exiting", (unsigned)si.ssi_signo);
            w->srv->stop = true;
        }
        return;
    }
    char buf[4096];
    ssize_t n = hangup ? 0 : read(w->fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        if (!w->srv->stop)
            log_msg("stdin closed: exiting");
        w->srv->stop = true;
    }
}

static int raw_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len)
{
    Watch *w = lws_get_opaque_user_data(wsi);
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        if (w)
            watch_fire(w, false);
        return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE: /* POLLHUP on a pipe: the writer went away */
        if (w) {
            lws_set_opaque_user_data(wsi, NULL);
            if (w->kind == SERVER_WATCH_EOF)
                watch_fire(w, true);
            free(w);
        }
        return 0;
    default:
        return 0;
    }
}


/* Keepalive: ping a client that has been silent for 30 s, drop it after 120 s without any
 * frame (lws answers the client's pings on its own). */
static const lws_retry_bo_t retry_policy = {
    .secs_since_valid_ping = 30,
    .secs_since_valid_hangup = 120,
};

static void lws_log_to_ours(int level, const char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    log_msg("lws: %.*s", (int)n, line);
}

Server *server_new(const ServerConfig *cfg, ErrorBuf *err)
{
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_to_ours);
    Server *srv = xcalloc(1, sizeof *srv);
    srv->env.rate = cfg->rate;
    srv->env.tokens = cfg->tokens;
    srv->env.limit_left = cfg->limit_count;
    srv->env.limit_secs = cfg->limit_secs;
    srv->env.stall_left = cfg->stall_count;
    srv->env.stall_after = cfg->stall_after;
    srv->env.steer = cfg->steer;
    srv->env.fault = cfg->fault;
    srv->env.fault_left = cfg->fault_count;
    srv->env.strict = cfg->strict;
    srv->env.prefill_ns = (uint64_t)cfg->prefill_ms * 1000000ull;
    srv->env.models = cfg->models;
    srv->env.dump = cfg->dump;
    /* name, callback, per_session_data_size, rx_buffer_size, id, user, tx_packet_size */
    if (cfg->api_chat) {
        srv->chat.env = &srv->env;
        srv->chat.opt = cfg->chat;
        srv->chat.conn_ids = xcalloc(CHAT_MAX_FDS, sizeof *srv->chat.conn_ids);
        srv->protocols[0] = (struct lws_protocols){"chat", chat_callback, chat_pss_size(),
                                                   65536, 0, &srv->chat, 0};
    } else {
        srv->protocols[0] = (struct lws_protocols){"responses", ws_callback, sizeof(Conn),
                                                   65536, 0, NULL, 0};
    }
    srv->protocols[1] = (struct lws_protocols){"flint-backend-raw", raw_callback, 0, 0, 0, NULL, 0};

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = cfg->port;
    info.iface = "127.0.0.1";
    info.protocols = srv->protocols;
    info.vhost_name = "flint-backend";
    info.user = srv;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
    info.fd_limit_per_thread = CHAT_MAX_FDS;
    info.retry_and_idle_policy = &retry_policy;
    srv->ctx = lws_create_context(&info);
    if (!srv->ctx) {
        free(srv->chat.conn_ids);
        free(srv);
        error_set(err, "cannot listen on 127.0.0.1:%d (lws_create_context failed)", cfg->port);
        return NULL;
    }
    srv->env.ctx = srv->ctx;
    srv->vh = lws_get_vhost_by_name(srv->ctx, "flint-backend");
    srv->port = srv->vh ? lws_get_vhost_listen_port(srv->vh) : -1;
    if (srv->port <= 0) {
        server_free(srv);
        error_set(err, "no listening port on 127.0.0.1 (asked for %d)", cfg->port);
        return NULL;
    }
    srv->env.pacer = pacer_new(err);
    if (!srv->env.pacer) {
        server_free(srv);
        return NULL;
    }
    pacer_adopted(srv->env.pacer); /* from here lws closes the fd, even if adoption fails */
    if (!server_watch_fd(srv, pacer_fd(srv->env.pacer), WATCH_PACER, err)) {
        server_free(srv);
        return NULL;
    }
    return srv;
}

void server_free(Server *srv)
{
    if (!srv)
        return;
    if (srv->ctx)
        lws_context_destroy(srv->ctx); /* closes connections, then the watched fds */
    pacer_free(srv->env.pacer);
    free(srv->chat.conn_ids);
    free(srv);
}

int server_port(const Server *srv) { return srv->port; }

bool server_watch_fd(Server *srv, int fd, ServerWatch kind, ErrorBuf *err)
{
    Watch *w = xmalloc(sizeof *w);
    w->srv = srv;
    w->fd = fd;
    w->kind = kind;
    lws_sock_file_fd_type u;
    u.filefd = fd;
    struct lws *wsi = lws_adopt_descriptor_vhost(srv->vh, LWS_ADOPT_RAW_FILE_DESC, u,
                                                 "flint-backend-raw", NULL);
    if (!wsi) {
        free(w);
        return error_set(err, "cannot watch fd %d (lws_adopt_descriptor_vhost failed)", fd);
    }
    lws_set_opaque_user_data(wsi, w);
    return true;
}

bool server_run(Server *srv)
{
    while (!srv->stop) {
        if (lws_service(srv->ctx, 0) < 0)
            return false;
    }
    return true;
}
