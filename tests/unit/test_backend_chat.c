/* flint-backend --api chat (issue 9 item 6): a raw HTTP/1.1 client in the test POSTs to
 * /v1/chat/completions and reads the chunked text/event-stream as it arrives, feeding each
 * piece to flint's own Chat dialect (session/wire_chat.c); the deltas must add up to the
 * scripted answer and the stream must end with its terminal, for every --variant (and
 * --crlf --no-done). Also: two requests on one kept-alive connection; GET /v1/models; a
 * --limit 429 with Retry-After decoded by wire_http_error; a client that closes mid-stream
 * is logged as a cancel; and in the WebSocket mode a POST to the /responses path is a 426.
 * Timeouts are only safety nets (20 s), never assertions about speed. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "support/backend_support.h"
#include "session/wire.h"
#include "session/wire_chat.h"
#include "core/xalloc.h"

#define SAFETY_MS 20000

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        CHECK(!"connect");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void send_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

static void post(int fd, const char *path, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Accept: text/event-stream\r\nContent-Length: %zu\r\n\r\n",
                     path, strlen(body));
    send_all(fd, head, (size_t)n);
    send_all(fd, body, strlen(body));
}

/* Buffered reads with a safety deadline. */
typedef struct Reader {
    int fd;
    StrBuf buf;
    size_t at;
} Reader;

static bool fill(Reader *r)
{
    struct pollfd p = {r->fd, POLLIN, 0};
    if (poll(&p, 1, SAFETY_MS) != 1)
        return false;
    char tmp[4096];
    ssize_t n = read(r->fd, tmp, sizeof tmp);
    if (n <= 0)
        return false;
    if (r->at) {
        memmove(r->buf.data, r->buf.data + r->at, r->buf.len - r->at);
        sb_truncate(&r->buf, r->buf.len - r->at);
        r->at = 0;
    }
    sb_append(&r->buf, tmp, (size_t)n);
    return true;
}

/* Up to and including "\r\n" (which is not returned); NULL at EOF. */
static char *read_line(Reader *r)
{
    for (;;) {
        const char *s = r->buf.data ? r->buf.data + r->at : NULL;
        size_t left = r->buf.len - r->at;
        const char *nl = NULL;
        for (size_t i = 0; s && i + 1 < left && !nl; i++)
            if (s[i] == '\r' && s[i + 1] == '\n')
                nl = s + i;
        if (nl) {
            size_t n = (size_t)(nl - s);
            char *line = xmalloc(n + 1);
            memcpy(line, s, n);
            line[n] = '\0';
            r->at += n + 2;
            return line;
        }
        if (!fill(r))
            return NULL;
    }
}

typedef struct Reply {
    int status;
    char retry_after[32];
    bool chunked;
    long content_length;
    StrBuf body;      /* the whole body */
    StrBuf events;    /* the dialect's events, one "kind text" line each */
    StrBuf text;      /* the deltas, concatenated */
    WireEvent last;   /* kind of the last event (terminal) */
    WireKind last_kind;
    uint64_t output_tokens;
} Reply;

static void take_events(Wire *w, Reply *rep)
{
    WireEvent ev;
    while (wire_next(w, &ev)) {
        sb_printf(&rep->events, "%s\n", wire_kind_name(ev.kind));
        if (ev.kind == WIRE_DELTA)
            sb_append(&rep->text, ev.text, ev.text_len);
        if (ev.kind != WIRE_IGNORED) {
            rep->last_kind = ev.kind;
            rep->output_tokens = ev.usage.output_tokens;
        }
    }
}

/* Reads one response; a 200 body is fed to w piece by piece as it arrives. `stop_after`
 * > 0: return once that many body bytes came (the caller then closes mid-stream). */
static bool read_reply(Reader *r, Wire *w, Reply *rep, size_t stop_after)
{
    memset(rep, 0, sizeof *rep);
    rep->content_length = -1;
    char *line = read_line(r);
    if (!line || sscanf(line, "HTTP/1.1 %d", &rep->status) != 1) {
        free(line);
        return false;
    }
    free(line);
    while ((line = read_line(r)) && *line) {
        for (char *p = line; *p && *p != ':'; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!strncmp(line, "transfer-encoding:", 18) && strstr(line, "chunked"))
            rep->chunked = true;
        else if (!strncmp(line, "content-length:", 15))
            rep->content_length = atol(line + 15);
        else if (!strncmp(line, "retry-after:", 12))
            snprintf(rep->retry_after, sizeof rep->retry_after, "%s", line + 13);
        free(line);
    }
    if (!line)
        return false;
    free(line);
    for (;;) {
        size_t want;
        if (rep->chunked) {
            line = read_line(r);
            if (!line)
                return false;
            want = strtoul(line, NULL, 16);
            free(line);
            if (want == 0) {
                free(read_line(r)); /* the CRLF after the last chunk */
                break;
            }
        } else {
            want = rep->content_length > 0 ? (size_t)rep->content_length : 0;
            if (!want)
                break;
        }
        while (want) {
            if (r->buf.len == r->at && !fill(r))
                return false;
            size_t n = r->buf.len - r->at < want ? r->buf.len - r->at : want;
            sb_append(&rep->body, r->buf.data + r->at, n);
            if (rep->status == 200 && w) {
                wire_feed(w, r->buf.data + r->at, n);
                take_events(w, rep);
            }
            r->at += n;
            want -= n;
            if (stop_after && rep->body.len >= stop_after)
                return true;
        }
        if (rep->chunked)
            free(read_line(r)); /* the chunk's CRLF */
        else
            break;
    }
    if (rep->status == 200 && w) {
        wire_end(w); /* the body ended: a missing [DONE] is a normal end */
        take_events(w, rep);
    }
    return true;
}

static void reply_free(Reply *rep)
{
    sb_free(&rep->body);
    sb_free(&rep->events);
    sb_free(&rep->text);
}

#define ANSWER "Hello, w\xc3\xb6rld \xe4\xb8\xad {x} \\\"quoted\\\" end"
#define ANSWER_PLAIN "Hello, w\xc3\xb6rld \xe4\xb8\xad {x} \"quoted\" end"

static const char ECHO_BODY[] =
    "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
    "\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
    "{\"role\":\"user\",\"content\":\"echo: " ANSWER "\"}]}";

static void check_variant(const char *variant, bool crlf_no_done)
{
    Backend b;
    const char *extra[] = {"--api", "chat", "--variant", variant, "--rate", "0",
                           crlf_no_done ? "--crlf" : NULL, "--no-done", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    Reader r = {.fd = connect_to(b.port)};
    Wire *w = wire_chat_new();
    Reply rep;
    post(r.fd, "/v1/chat/completions", ECHO_BODY);
    CHECK(read_reply(&r, w, &rep, 0));
    CHECK_INT_EQ(rep.status, 200);
    CHECK(rep.chunked);
    CHECK_STR_EQ(sb_cstr(&rep.text), ANSWER_PLAIN);
    CHECK_INT_EQ(rep.last_kind, WIRE_DONE);
    CHECK(rep.output_tokens > 0);
    CHECK(strstr(sb_cstr(&rep.events), "malformed") == NULL);
    CHECK_INT_EQ(strstr(sb_cstr(&rep.body), "\r\n") != NULL, crlf_no_done);
    CHECK_INT_EQ(strstr(sb_cstr(&rep.body), "[DONE]") != NULL, !crlf_no_done);
    if (!strcmp(variant, "llamacpp"))
        CHECK(strstr(sb_cstr(&rep.body), "\"timings\"") != NULL);
    if (!strcmp(variant, "vllm") || !strcmp(variant, "ollama"))
        CHECK(strstr(sb_cstr(&rep.body), "\"choices\":[],\"usage\"") != NULL);
    if (!strcmp(variant, "cerebras"))
        CHECK(strstr(sb_cstr(&rep.body), "\"time_info\"") != NULL);
    CHECK(log_has(&b, "done conn=1 ", SAFETY_MS));
    reply_free(&rep);
    wire_free(w);
    close(r.fd);
    sb_free(&r.buf);
    backend_cleanup(&b);
}

static void test_variants(void)
{
    check_variant("llamacpp", false);
    check_variant("vllm", false);
    check_variant("ollama", false);
    check_variant("cerebras", false);
    check_variant("llamacpp", true);
}

static void test_keep_alive_models_and_limit(void)
{
    Backend b;
    const char *extra[] = {"--api", "chat", "--variant", "vllm", "--rate", "0",
                           "--limit", "1:2", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    Reader r = {.fd = connect_to(b.port)};
    Wire *w = wire_chat_new();
    Reply rep;
    /* The first request is rate limited: a JSON error with Retry-After. */
    post(r.fd, "/v1/chat/completions", ECHO_BODY);
    CHECK(read_reply(&r, w, &rep, 0));
    CHECK_INT_EQ(rep.status, 429);
    CHECK_STR_EQ(rep.retry_after, "2");
    WireHttpError h = {.status = rep.status, .body = rep.body.data, .len = rep.body.len,
                       .retry_after = rep.retry_after};
    wire_http_error(w, &h);
    WireEvent ev;
    CHECK(wire_next(w, &ev));
    CHECK_INT_EQ(ev.kind, WIRE_ERROR);
    CHECK_INT_EQ(ev.error.retry_after_ms, 2000);
    CHECK_INT_EQ(wire_classify(w, &ev.error), WIRE_ACT_WAIT);
    wire_drain(w);
    reply_free(&rep);
    /* Then two answers and the model list, all on the same connection. */
    for (int i = 0; i < 2; i++) {
        post(r.fd, "/v1/chat/completions", ECHO_BODY);
        CHECK(read_reply(&r, w, &rep, 0));
        CHECK_INT_EQ(rep.status, 200);
        CHECK_STR_EQ(sb_cstr(&rep.text), ANSWER_PLAIN);
        CHECK_INT_EQ(rep.last_kind, WIRE_DONE);
        reply_free(&rep);
    }
    static const char get_models[] = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    send_all(r.fd, get_models, sizeof get_models - 1);
    CHECK(read_reply(&r, NULL, &rep, 0));
    CHECK_INT_EQ(rep.status, 200);
    CHECK(strstr(sb_cstr(&rep.body), "\"data\":[{\"id\":\"flint-backend\"") != NULL);
    reply_free(&rep);
    post(r.fd, "/v1/nothing", "{}");
    CHECK(read_reply(&r, NULL, &rep, 0));
    CHECK_INT_EQ(rep.status, 404);
    reply_free(&rep);
    CHECK(log_has(&b, "error conn=1 code=rate_limit_exceeded retry_after=2", SAFETY_MS));
    CHECK(log_has(&b, "recv conn=1 type=models", SAFETY_MS));
    char *log = read_text(b.log);
    CHECK(strstr(log, "open conn=2") == NULL); /* one TCP connection throughout */
    free(log);
    wire_free(w);
    close(r.fd);
    sb_free(&r.buf);
    backend_cleanup(&b);
}

static void test_cancel_by_close(void)
{
    Backend b;
    const char *extra[] = {"--api", "chat", "--rate", "20", "--tokens", "100000", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    Reader r = {.fd = connect_to(b.port)};
    Wire *w = wire_chat_new();
    Reply rep;
    post(r.fd, "/v1/chat/completions", ECHO_BODY);
    CHECK(read_reply(&r, w, &rep, 1)); /* the stream has started */
    CHECK_INT_EQ(rep.status, 200);
    close(r.fd); /* cancel = close (PROTOCOL.md 4) */
    CHECK(log_has(&b, "cancel conn=1 resp=chatcmpl-", SAFETY_MS));
    CHECK(log_has(&b, "closed conn=1", SAFETY_MS));
    reply_free(&rep);
    wire_free(w);
    sb_free(&r.buf);
    backend_cleanup(&b);
}

static void test_ws_mode_post_is_426(void)
{
    Backend b;
    if (!start_or_fail(&b, NULL, false))
        return;
    Reader r = {.fd = connect_to(b.port)};
    Reply rep;
    post(r.fd, "/v1/responses", "{}");
    CHECK(read_reply(&r, NULL, &rep, 0));
    CHECK_INT_EQ(rep.status, 426);
    reply_free(&rep);
    close(r.fd);
    sb_free(&r.buf);
    CHECK(log_has(&b, "http status=426 POST /v1/responses", SAFETY_MS));
    backend_cleanup(&b);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* a backend that closes shows as a failed check, not a kill */
    RUN(test_variants);
    RUN(test_keep_alive_models_and_limit);
    RUN(test_cancel_by_close);
    RUN(test_ws_mode_post_is_426);
    return harness_done();
}
