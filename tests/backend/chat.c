/* flint-backend's Chat Completions SSE mode (see chat.h).
 *
 * Data: a ChatConn is lws's per-session storage of one HTTP connection. Its transaction
 * state (the request body being read, the stream being written) is reset at each request;
 * what spans the TCP connection (its number for the log, the deltas it carried) lives in
 * ChatEnv.conn_ids, indexed by the socket fd, because lws may drop and re-bind the
 * per-session storage between keep-alive transactions. A ChatStream is one answer: the
 * scripted Answer cut into pieces, how many are due (--rate, as in conn.c) and sent.
 *
 * Writing: every WRITEABLE builds the events due into `out` (LWS_PRE headroom first) as one
 * HTTP/1.1 chunk ("hex CRLF data CRLF", RFC 9112 7.1) and writes it once; the last one
 * carries the finish chunk(s), `[DONE]` (unless no_done) and the zero-length last chunk,
 * then lws_http_transaction_completed readies the connection for the next request. Chunked
 * framing is written here, not by lws: with no Content-Length lws 4.1 would mark the
 * connection "close", and the point is keep-alive (PROTOCOL.md 4, issue 9 item 1).
 *
 * Invariants: `s` is non-NULL exactly between a stream's headers and its last chunk; the
 * pacer entry is never queued without `s`; nothing is written after a write failed. */
#include "tests/backend/chat.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/backend/script.h"
#include "tests/backend/tokenize.h"

#define BATCH_BYTES (16u << 10) /* event bytes per WRITEABLE before yielding */
#define TICK_MIN_US 2000

typedef struct ChatStream {
    Answer *answer;
    size_t target, sent;
    uint64_t start_ns;
    char id[48];
    char *model;
    long prompt_tokens;
    bool truncated;
    bool role_sent;
    int64_t created;
} ChatStream;

typedef struct ChatConn {
    struct lws *wsi;
    ChatEnv *ce;
    int fd;
    bool chat_post;   /* the request being read is a POST to .../chat/completions */
    bool post_404;    /* ... a POST elsewhere: 404 once its body is read */
    bool failed;      /* a write failed: write nothing more */
    StrBuf body;
    ChatStream *s;
    StrBuf out;
    PacerEntry tick;
} ChatConn;

static const char *const VARIANTS[] = {"llamacpp", "vllm", "ollama", "cerebras"};

bool chat_variant_parse(const char *name, ChatVariant *out)
{
    for (size_t i = 0; i < sizeof VARIANTS / sizeof VARIANTS[0]; i++) {
        if (strcmp(name, VARIANTS[i]) == 0) {
            *out = (ChatVariant)i;
            return true;
        }
    }
    return false;
}

const char *chat_variant_name(ChatVariant v) { return VARIANTS[v]; }

size_t chat_pss_size(void) { return sizeof(ChatConn); }

static unsigned *conn_slot(ChatConn *c)
{
    return c->fd >= 0 && c->fd < CHAT_MAX_FDS ? &c->ce->conn_ids[c->fd] : NULL;
}

static unsigned conn_id(ChatConn *c)
{
    unsigned *slot = conn_slot(c);
    return slot ? *slot : 0;
}

static void stream_free(ChatConn *c)
{
    if (c->s) {
        answer_free(c->s->answer);
        free(c->s->model);
        free(c->s);
        c->s = NULL;
    }
    pacer_cancel(c->ce->env->pacer, &c->tick);
}

/* ---- plain replies --------------------------------------------------------------------- */

/* A whole reply with a Content-Length, then the transaction ends (keep-alive). */
static int reply(ChatConn *c, unsigned status, const char *type, const char *extra_name,
                 const char *extra_value, const char *body)
{
    size_t blen = strlen(body);
    unsigned char *buf = xmalloc(LWS_PRE + 1024 + blen);
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + LWS_PRE + 1024 - 1;
    int rc = -1;
    if (lws_add_http_header_status(c->wsi, status, &p, end) ||
        lws_add_http_header_by_token(c->wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                     (const unsigned char *)type, (int)strlen(type), &p, end) ||
        lws_add_http_header_content_length(c->wsi, blen, &p, end) ||
        (extra_name && lws_add_http_header_by_name(c->wsi, (const unsigned char *)extra_name,
                                                   (const unsigned char *)extra_value,
                                                   (int)strlen(extra_value), &p, end)) ||
        lws_finalize_http_header(c->wsi, &p, end))
        goto out;
    memcpy(p, body, blen);
    p += blen;
    if (lws_write(c->wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) < (int)(p - start))
        goto out;
    rc = lws_http_transaction_completed(c->wsi) ? -1 : 0;
out:
    free(buf);
    return rc;
}

static int reply_error(ChatConn *c, unsigned status, const char *type, const char *code,
                       const char *message, const char *retry_after)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,\"code\":\"%s\"}}",
             message, type, code);
    log_msg("error conn=%u code=%s%s%s", conn_id(c), code, retry_after ? " retry_after=" : "",
            retry_after ? retry_after : "");
    return reply(c, status, "application/json", retry_after ? "retry-after:" : NULL,
                 retry_after, body);
}

/* ---- the request ----------------------------------------------------------------------- */

/* The last user message's text (string content, or the text parts of a content list). */
static void last_user_text(const cJSON *msgs, StrBuf *out)
{
    const cJSON *m, *last = NULL;
    cJSON_ArrayForEach(m, msgs)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        if (cJSON_IsString(role) && strcmp(role->valuestring, "user") == 0)
            last = m;
    }
    const cJSON *content = last ? cJSON_GetObjectItemCaseSensitive(last, "content") : NULL;
    if (cJSON_IsString(content)) {
        sb_puts(out, content->valuestring);
        return;
    }
    const cJSON *part, *parts = cJSON_IsArray(content) ? content : NULL;
    cJSON_ArrayForEach(part, parts)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(part, "text");
        if (cJSON_IsString(t))
            sb_puts(out, t->valuestring);
    }
}

static int start_stream(ChatConn *c)
{
    ConnEnv *env = c->ce->env;
    log_msg("recv conn=%u type=chat.completions bytes=%zu", conn_id(c), c->body.len);
    dump_line(env->dump, 'R', c->body.data ? c->body.data : "", c->body.len);
    dump_flush(env->dump);
    cJSON *root = cJSON_ParseWithLength(c->body.data ? c->body.data : "", c->body.len);
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(msgs) || !cJSON_IsString(model)) {
        cJSON_Delete(root);
        return reply_error(c, 400, "invalid_request_error", "invalid_request",
                           "expected a JSON object with model and messages", NULL);
    }
    if (env->limit_left > 0) { /* --limit: a 429 before any stream (PROTOCOL.md 3, 7.3 #6) */
        env->limit_left--;
        cJSON_Delete(root);
        char ra[32];
        snprintf(ra, sizeof ra, "%g", env->limit_secs);
        return reply_error(c, 429, "rate_limit_error", "rate_limit_exceeded",
                           "Rate limit exceeded", ra);
    }
    StrBuf q = {0};
    last_user_text(msgs, &q);
    ChatStream *s = xcalloc(1, sizeof *s);
    ScriptPick pick = script_pick(sb_cstr(&q), q.len, &env->rotation);
    s->answer = answer_new(pick.text, pick.len);
    if (env->tokens > 0 && s->answer->ntok == 0) {
        answer_free(s->answer);
        pick = script_builtin(env->rotation++);
        s->answer = answer_new(pick.text, pick.len);
    }
    s->target = env->tokens > 0 ? (size_t)env->tokens : s->answer->ntok;
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(root, "max_completion_tokens");
    if (!cJSON_IsNumber(mt))
        mt = cJSON_GetObjectItemCaseSensitive(root, "max_tokens");
    if (cJSON_IsNumber(mt) && mt->valuedouble >= 0 && mt->valuedouble < (double)s->target) {
        s->target = (size_t)mt->valuedouble;
        s->truncated = true;
    }
    s->model = xstrdup(model->valuestring);
    s->prompt_tokens = (long)(c->body.len / 4);
    s->created = (int64_t)time(NULL);
    snprintf(s->id, sizeof s->id, "chatcmpl-%08x%08x", (unsigned)rand(), (unsigned)rand());
    sb_free(&q);
    cJSON_Delete(root);

    unsigned char hdr[LWS_PRE + 512];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr - 1;
    static const char ct[] = "text/event-stream";
    if (lws_add_http_header_status(c->wsi, HTTP_STATUS_OK, &p, end) ||
        lws_add_http_header_by_token(c->wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                     (const unsigned char *)ct, sizeof ct - 1, &p, end) ||
        lws_add_http_header_by_name(c->wsi, (const unsigned char *)"transfer-encoding:",
                                    (const unsigned char *)"chunked", 7, &p, end) ||
        lws_add_http_header_by_name(c->wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-cache", 8, &p, end) ||
        lws_finalize_write_http_header(c->wsi, start, &p, end)) {
        answer_free(s->answer);
        free(s->model);
        free(s);
        return -1;
    }
    c->s = s;
    s->start_ns = clock_now_ns();
    log_msg("stream conn=%u resp=%s deltas=%zu rate=%.*f", conn_id(c), s->id, s->target,
            env->rate == (double)(long long)env->rate ? 0 : 3, env->rate);
    lws_callback_on_writable(c->wsi);
    return 0;
}

/* ---- the event stream ------------------------------------------------------------------ */

static void eol(ChatConn *c) { sb_puts(&c->out, c->ce->opt.crlf ? "\r\n" : "\n"); }

/* `{"id":..,"object":..,"created":..,"model":.., ` up to the choices. */
static void chunk_head(ChatConn *c)
{
    const ChatStream *s = c->s;
    char esc[6 * 64 + 1];
    size_t mlen = strlen(s->model) < 64 ? strlen(s->model) : 64;
    esc[json_escape(esc, s->model, mlen)] = '\0';
    sb_printf(&c->out,
              "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%lld,"
              "\"model\":\"%s\",",
              s->id, (long long)s->created, esc);
    switch (c->ce->opt.variant) {
    case CHAT_LLAMACPP: sb_puts(&c->out, "\"system_fingerprint\":\"b0-flint-backend\","); break;
    case CHAT_OLLAMA: sb_puts(&c->out, "\"system_fingerprint\":\"fp_ollama\","); break;
    case CHAT_CEREBRAS: sb_puts(&c->out, "\"system_fingerprint\":\"fp_flint\","); break;
    case CHAT_VLLM: break;
    }
}

static void chunk_end(ChatConn *c)
{
    sb_putc(&c->out, '}');
    eol(c);
    eol(c);
}

static void choice(ChatConn *c, const char *delta, const char *finish)
{
    sb_printf(&c->out, "\"choices\":[{\"index\":0,\"delta\":{%s},\"logprobs\":null,"
                       "\"finish_reason\":%s}]",
              delta, finish);
}

static void put_usage(ChatConn *c)
{
    const ChatStream *s = c->s;
    sb_printf(&c->out,
              ",\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":%zu,"
              "\"total_tokens\":%zu}",
              s->prompt_tokens, s->target, (size_t)s->prompt_tokens + s->target);
}

static void put_role(ChatConn *c)
{
    chunk_head(c);
    choice(c,
           c->ce->opt.variant == CHAT_LLAMACPP  ? "\"role\":\"assistant\",\"content\":null"
           : c->ce->opt.variant == CHAT_CEREBRAS ? "\"role\":\"assistant\""
                                                 : "\"role\":\"assistant\",\"content\":\"\"",
           "null");
    chunk_end(c);
}

static void put_delta(ChatConn *c, size_t i)
{
    size_t n;
    const char *esc = answer_piece_esc(c->s->answer, i, &n);
    chunk_head(c);
    sb_puts(&c->out, "\"choices\":[{\"index\":0,\"delta\":{");
    if (c->ce->opt.variant == CHAT_OLLAMA)
        sb_puts(&c->out, "\"role\":\"assistant\",");
    sb_puts(&c->out, "\"content\":\"");
    sb_append(&c->out, esc, n);
    sb_puts(&c->out, "\"},\"logprobs\":null,\"finish_reason\":null}]");
    chunk_end(c);
}

static void put_finish(ChatConn *c)
{
    const ChatStream *s = c->s;
    ChatVariant v = c->ce->opt.variant;
    const char *fin = s->truncated ? "\"length\"" : "\"stop\"";
    double secs = (double)(clock_now_ns() - s->start_ns) / 1e9;
    if (secs <= 0)
        secs = 1e-6;
    chunk_head(c);
    choice(c, v == CHAT_OLLAMA ? "\"role\":\"assistant\",\"content\":\"\"" : "", fin);
    if (v == CHAT_LLAMACPP) { /* usage and timings on the finish chunk (llama.cpp#15443) */
        put_usage(c);
        sb_printf(&c->out,
                  ",\"timings\":{\"cache_n\":0,\"prompt_n\":%ld,\"prompt_ms\":1.0,"
                  "\"prompt_per_second\":%ld000.0,\"predicted_n\":%zu,\"predicted_ms\":%.3f,"
                  "\"predicted_per_second\":%.3f}",
                  s->prompt_tokens, s->prompt_tokens, s->target, secs * 1e3,
                  (double)s->target / secs);
    } else if (v == CHAT_CEREBRAS) {
        put_usage(c);
        sb_printf(&c->out,
                  ",\"time_info\":{\"queue_time\":0.0001,\"prompt_time\":0.001,"
                  "\"completion_time\":%.6f,\"total_time\":%.6f,\"created\":%lld}",
                  secs, secs + 0.0011, (long long)s->created);
    }
    chunk_end(c);
    if (v == CHAT_VLLM || v == CHAT_OLLAMA) { /* a separate choices:[] usage chunk */
        chunk_head(c);
        sb_puts(&c->out, "\"choices\":[]");
        put_usage(c);
        chunk_end(c);
    }
    if (!c->ce->opt.no_done) {
        sb_puts(&c->out, "data: [DONE]");
        eol(c);
        eol(c);
    }
}

static void tick_fire(PacerEntry *e)
{
    ChatConn *c = lws_container_of(e, ChatConn, tick);
    if (c->s && !c->failed)
        lws_callback_on_writable(c->wsi);
}

static size_t deltas_due(const ChatConn *c, uint64_t now)
{
    const ChatStream *s = c->s;
    double rate = c->ce->env->rate;
    if (rate <= 0)
        return s->target;
    double due = 1.0 + (double)(now - s->start_ns) * rate / 1e9;
    return due >= (double)s->target ? s->target : (size_t)due;
}

static int writeable(ChatConn *c)
{
    ChatStream *s = c->s;
    if (!s || c->failed)
        return 0;
    ConnEnv *env = c->ce->env;
    sb_reset(&c->out);
    if (!s->role_sent) {
        put_role(c);
        s->role_sent = true;
    }
    uint64_t now = clock_now_ns();
    size_t due = deltas_due(c, now);
    while (s->sent < due && c->out.len < BATCH_BYTES)
        put_delta(c, s->sent++);
    bool last = s->sent == s->target;
    if (last)
        put_finish(c);
    /* Chunked framing (RFC 9112 7.1): size line, data, CRLF; the last adds the 0 chunk. */
    unsigned char *tx = xmalloc(LWS_PRE + 24 + c->out.len + 8);
    unsigned char *start = tx + LWS_PRE;
    size_t n = (size_t)snprintf((char *)start, 24, "%zx\r\n", c->out.len);
    memcpy(start + n, c->out.data, c->out.len);
    n += c->out.len;
    const char *tail = last ? "\r\n0\r\n\r\n" : "\r\n";
    memcpy(start + n, tail, strlen(tail));
    n += strlen(tail);
    int wrote = lws_write(c->wsi, start, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
    free(tx);
    if (wrote < (int)n) {
        c->failed = true;
        return -1; /* the client is gone: CLOSED_HTTP logs the cancel */
    }
    dump_line(env->dump, 'S', c->out.data, c->out.len);
    if (last) {
        log_msg("done conn=%u resp=%s deltas=%zu status=%s", conn_id(c), s->id, s->sent,
                s->truncated ? "incomplete" : "completed");
        dump_flush(env->dump);
        stream_free(c);
        return lws_http_transaction_completed(c->wsi) ? -1 : 0;
    }
    if (s->sent < deltas_due(c, clock_now_ns())) {
        lws_callback_on_writable(c->wsi);
    } else if (!c->tick.queued) {
        uint64_t next = s->start_ns + (uint64_t)((double)s->sent * 1e9 / env->rate);
        uint64_t earliest = now + TICK_MIN_US * 1000ull;
        c->tick.fire = tick_fire;
        pacer_schedule(env->pacer, &c->tick, next > earliest ? next : earliest);
    }
    return 0;
}

/* ---- lws events -------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void note_connection(ChatConn *c, struct lws *wsi, ChatEnv *ce)
{
    c->wsi = wsi;
    c->ce = ce;
    c->fd = lws_get_socket_fd(wsi);
    unsigned *slot = conn_slot(c);
    if (slot && !*slot) {
        *slot = ++ce->env->next_id;
        log_msg("open conn=%u", *slot);
    }
}

int chat_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
    ChatConn *c = user;
    const struct lws_protocols *proto = lws_get_protocol(wsi);
    ChatEnv *ce = proto ? proto->user : NULL;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        note_connection(c, wsi, ce);
        stream_free(c);
        sb_reset(&c->body);
        c->failed = false;
        const char *uri = in ? in : "";
        bool post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
        c->chat_post = post && ends_with(uri, "/chat/completions");
        c->post_404 = post && !c->chat_post;
        if (post) {
            if (c->post_404)
                log_msg("http status=404 POST %s", uri);
            return 0; /* answered once the body is in: lws reads it first */
        }
        if (!post && ends_with(uri, "/models")) {
            log_msg("recv conn=%u type=models bytes=0", conn_id(c));
            char *json = conn_models_json(ce->env);
            int rc = reply(c, HTTP_STATUS_OK, "application/json", NULL, NULL, json);
            free(json);
            return rc;
        }
        log_msg("http status=404 GET %s", uri);
        return reply_error(c, 404, "invalid_request_error", "not_found",
                           "not found: this server speaks POST /v1/chat/completions", NULL);
    }
    case LWS_CALLBACK_HTTP_BODY:
        if (!c->chat_post)
            return 0;
        if (c->body.len + len > CONN_MAX_MESSAGE) {
            c->chat_post = false;
            return reply_error(c, 413, "invalid_request_error", "request_too_large",
                               "request body over 16 MiB", NULL);
        }
        sb_append(&c->body, in, len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (c->post_404) {
            c->post_404 = false;
            return reply_error(c, 404, "invalid_request_error", "not_found",
                               "not found: this server speaks POST /v1/chat/completions", NULL);
        }
        if (!c->chat_post)
            return 0;
        c->chat_post = false;
        return start_stream(c);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return c ? writeable(c) : 0;
    case LWS_CALLBACK_CLOSED_HTTP: {
        int fd = lws_get_socket_fd(wsi);
        unsigned id = fd >= 0 && fd < CHAT_MAX_FDS && ce ? ce->conn_ids[fd] : 0;
        if (c && c->ce) {
            if (c->s)
                log_msg("cancel conn=%u resp=%s after=%zu", id, c->s->id, c->s->sent);
            stream_free(c);
            sb_free(&c->body);
            sb_free(&c->out);
        }
        if (id) {
            log_msg("closed conn=%u", id);
            ce->conn_ids[fd] = 0;
        }
        return 0;
    }
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL: /* lws frees the storage: keep nothing in it */
        if (c && c->ce) {
            if (c->s)
                log_msg("cancel conn=%u resp=%s after=%zu", conn_id(c), c->s->id, c->s->sent);
            stream_free(c);
            sb_free(&c->body);
            sb_free(&c->out);
            c->ce = NULL;
        }
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
