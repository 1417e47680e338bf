/* test_backend: flint-backend as a black box, through its CLI, stdout line, log and --dump,
 * with a minimal libwebsockets client of its own (one lws_context per Client). Covers
 * PROTOCOL.md 7.3 #1 (event order, UTF-8 split into deltas), #2 (chaining and
 * previous_response_not_found), #9 (malformed/binary frames, ignored types), #13 (FIFO),
 * 1.5 (a rejected continuation evicts the cached id), max_output_tokens validation, the
 * --tokens cap and the size of the largest final event under it, 404s, Close mid-stream,
 * pacing, the log lines other tests grep, --rate 0 throughput, validate_schema.py over the
 * dump (skipped with a note if python3 lacks jsonschema), and the Close-frame scanner the
 * backend uses when a write fails (tests/backend/wsframe.h, tested directly). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "harness.h"
#include "tests/backend/wsframe.h"

/* ---- the backend process ------------------------------------------------------------ */

typedef struct Backend {
    pid_t pid;
    int port;
    int stdin_fd;   /* our end of its stdin: closing it ends a --exit-on-eof backend */
    int stdout_fd;  /* its stdout after the "listening" line: must stay silent */
    char dir[64];
    char log[128];
    char dump[128];
    double cpu_secs; /* user + system time of the exited process */
} Backend;

static void backend_cleanup(Backend *b);

static bool backend_start(Backend *b, const char *const *extra, bool with_dump)
{
    memset(b, 0, sizeof *b);
    b->pid = -1;
    strcpy(b->dir, "/tmp/test_backend.XXXXXX");
    if (!mkdtemp(b->dir))
        return false;
    snprintf(b->log, sizeof b->log, "%s/backend.log", b->dir);
    snprintf(b->dump, sizeof b->dump, "%s/backend.dump", b->dir);
    const char *argv[32];
    int n = 0;
    argv[n++] = FLINT_BACKEND_BIN;
    argv[n++] = "--log";
    argv[n++] = b->log;
    argv[n++] = "--exit-on-eof";
    if (with_dump) {
        argv[n++] = "--dump";
        argv[n++] = b->dump;
    }
    for (; extra && *extra && n < 30; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;

    int out[2], in[2];
    if (pipe(out) || pipe(in))
        return false;
    b->pid = fork();
    if (b->pid < 0)
        return false;
    if (b->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    b->stdin_fd = in[1];
    fcntl(b->stdin_fd, F_SETFD, FD_CLOEXEC);

    /* Exactly one line on stdout, then nothing. */
    char line[128];
    size_t len = 0;
    uint64_t deadline = clock_now_ns() + 10 * 1000000000ull;
    while (len < sizeof line - 1 && clock_now_ns() < deadline) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t r = read(out[0], line + len, 1);
        if (r <= 0)
            break;
        if (line[len++] == '\n')
            break;
    }
    line[len] = '\0';
    b->stdout_fd = out[0];
    fcntl(b->stdout_fd, F_SETFD, FD_CLOEXEC);
    if (sscanf(line, "listening 127.0.0.1:%d\n", &b->port) != 1 || b->port <= 0) {
        fprintf(stderr, "backend said: \"%s\"\n", line);
        return false;
    }
    return true;
}

/* Waits up to timeout_ms for the process to exit; returns its wait status or -1. */
static int backend_wait(Backend *b, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int st;
        struct rusage ru;
        pid_t r = wait4(b->pid, &st, WNOHANG, &ru);
        if (r == b->pid) {
            b->pid = -1;
            b->cpu_secs = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
            return st;
        }
        usleep(10000);
    }
    return -1;
}

static void backend_stop(Backend *b)
{
    if (b->stdin_fd > 0)
        close(b->stdin_fd);
    b->stdin_fd = -1;
    if (b->pid > 0) {
        kill(b->pid, SIGTERM);
        if (backend_wait(b, 5000) < 0) {
            kill(b->pid, SIGKILL);
            backend_wait(b, 5000);
        }
    }
}

static void backend_cleanup(Backend *b)
{
    backend_stop(b);
    if (b->stdout_fd > 0) { /* "nothing else on stdout afterwards" */
        char extra[64];
        CHECK_INT_EQ(read(b->stdout_fd, extra, sizeof extra), 0);
        close(b->stdout_fd);
    }
    unlink(b->log);
    unlink(b->dump);
    rmdir(b->dir);
}

/* Starts a backend for a test; on failure records it and cleans up. */
static bool start_or_fail(Backend *b, const char *const *extra, bool with_dump)
{
    bool ok = backend_start(b, extra, with_dump);
    CHECK(ok);
    if (!ok)
        backend_cleanup(b);
    return ok;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    StrBuf sb = {0};
    if (f) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            sb_append(&sb, buf, n);
        fclose(f);
    }
    return sb_steal(&sb, NULL);
}

/* Polls the backend log for up to timeout_ms for a line containing needle. */
static bool log_has(const Backend *b, const char *needle, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        char *text = read_file(b->log);
        bool found = strstr(text, needle) != NULL;
        if (!found && waited >= timeout_ms)
            fprintf(stderr, "backend log has no \"%s\"; it reads:\n%s\n", needle, text);
        free(text);
        if (found || waited >= timeout_ms)
            return found;
        usleep(20000);
    }
}

/* ---- a minimal lws client ----------------------------------------------------------- */

typedef struct OutFrame {
    struct OutFrame *next;
    bool binary;
    size_t len;
    unsigned char buf[]; /* LWS_PRE + payload */
} OutFrame;

typedef struct Client {
    struct lws_context *ctx;
    struct lws *wsi;
    lws_sorted_usec_list_t tick;
    bool established, closed, failed;
    char fail_msg[256];
    OutFrame *out_head, *out_tail;
    bool want_close;
    StrBuf rx;
    cJSON **events;       /* every event, except deltas when count_only */
    size_t nevents, cap;
    bool count_only;      /* throughput mode: count deltas, keep the rest */
    size_t deltas;
    uint64_t first_delta_ns, last_delta_ns;
    size_t max_message;   /* largest message received, in bytes */
} Client;

static void client_tick(lws_sorted_usec_list_t *sul)
{
    Client *cl = lws_container_of(sul, Client, tick);
    lws_sul_schedule(cl->ctx, 0, &cl->tick, client_tick, 20 * LWS_US_PER_MS);
}

static void client_event(Client *cl, const char *data, size_t len)
{
    /* Throughput mode relies on the backend writing "type" first (it always does). */
    static const char delta_head[] = "{\"type\":\"response.output_text.delta\"";
    if (cl->count_only && len > sizeof delta_head && !memcmp(data, delta_head, sizeof delta_head - 1)) {
        uint64_t t = clock_now_ns();
        if (!cl->deltas++)
            cl->first_delta_ns = t;
        cl->last_delta_ns = t;
        return;
    }
    cJSON *ev = cJSON_ParseWithLength(data, len);
    if (!ev) {
        fprintf(stderr, "client: unparsable event: %.*s\n", (int)(len > 200 ? 200 : len), data);
        ev = cJSON_CreateString("<unparsable>");
    }
    if (cl->nevents == cl->cap) {
        cl->cap = cl->cap ? 2 * cl->cap : 256;
        cl->events = realloc(cl->events, cl->cap * sizeof *cl->events);
    }
    cl->events[cl->nevents++] = ev;
    const cJSON *type = cJSON_GetObjectItem(ev, "type");
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "response.output_text.delta")) {
        uint64_t t = clock_now_ns();
        if (!cl->deltas++)
            cl->first_delta_ns = t;
        cl->last_delta_ns = t;
    }
}

static int client_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                           void *in, size_t len)
{
    struct lws_context *ctx = lws_get_context(wsi);
    Client *cl = ctx ? lws_context_user(ctx) : NULL;
    if (!cl)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        /* What real clients send: the backend must accept and ignore both. */
        unsigned char **p = in, *end = *p + len;
        static const char auth[] = "Bearer sk-test-not-a-key", beta[] = "responses_websockets=2026-02-06";
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"authorization:",
                                        (const unsigned char *)auth, sizeof auth - 1, p, end) ||
            lws_add_http_header_by_name(wsi, (const unsigned char *)"openai-beta:",
                                        (const unsigned char *)beta, sizeof beta - 1, p, end))
            return -1;
        return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        cl->established = true;
        if (cl->out_head)
            lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        cl->failed = true;
        snprintf(cl->fail_msg, sizeof cl->fail_msg, "%.*s", in ? (int)len : 0,
                 in ? (const char *)in : "");
        cl->wsi = NULL;
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        sb_append(&cl->rx, in, len);
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            if (cl->rx.len > cl->max_message)
                cl->max_message = cl->rx.len;
            client_event(cl, cl->rx.data, cl->rx.len);
            sb_reset(&cl->rx);
        }
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (cl->out_head) {
            OutFrame *f = cl->out_head;
            cl->out_head = f->next;
            if (!cl->out_head)
                cl->out_tail = NULL;
            /* lws_write masks the payload in place: f is ours and freed right after. */
            int n = lws_write(wsi, f->buf + LWS_PRE, f->len,
                              f->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
            free(f);
            if (n < 0)
                return -1;
            if (cl->out_head || cl->want_close)
                lws_callback_on_writable(wsi);
            return 0;
        }
        if (cl->want_close) {
            static const char bye[] = "bye";
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)bye, sizeof bye - 1);
            return -1;
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        cl->closed = true;
        cl->wsi = NULL;
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols client_protocols[] = {
    {"test-client", client_callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Services the client until done(cl, arg) or timeout; returns done's last answer. */
static bool client_run(Client *cl, bool (*done)(Client *, const void *), const void *arg,
                       int timeout_ms)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * 1000000ull;
    while (!done(cl, arg)) {
        if (clock_now_ns() > deadline)
            return false;
        if (lws_service(cl->ctx, 0) < 0)
            return false;
    }
    return true;
}

static bool is_up_or_down(Client *cl, const void *arg) { return cl->established || cl->failed; }

static bool client_connect(Client *cl, int port, const char *path)
{
    memset(cl, 0, sizeof *cl);
    struct lws_context_creation_info info = {
        .port = CONTEXT_PORT_NO_LISTEN, .protocols = client_protocols,
        .fd_limit_per_thread = 64, .user = cl};
    cl->ctx = lws_create_context(&info);
    if (!cl->ctx)
        return false;
    lws_sul_schedule(cl->ctx, 0, &cl->tick, client_tick, 20 * LWS_US_PER_MS);
    struct lws_client_connect_info ci = {
        .context = cl->ctx, .address = "127.0.0.1", .port = port, .path = path,
        .host = "127.0.0.1", .origin = "127.0.0.1", .pwsi = &cl->wsi};
    if (!lws_client_connect_via_info(&ci) && !cl->failed)
        return false;
    client_run(cl, is_up_or_down, NULL, 5000);
    return cl->established;
}

static void client_free(Client *cl)
{
    if (cl->ctx) {
        lws_sul_cancel(&cl->tick);
        lws_context_destroy(cl->ctx);
    }
    while (cl->out_head) {
        OutFrame *f = cl->out_head;
        cl->out_head = f->next;
        free(f);
    }
    for (size_t i = 0; i < cl->nevents; i++)
        cJSON_Delete(cl->events[i]);
    free(cl->events);
    sb_free(&cl->rx);
    memset(cl, 0, sizeof *cl);
}

static void client_send_raw(Client *cl, const void *data, size_t len, bool binary)
{
    OutFrame *f = malloc(sizeof *f + LWS_PRE + len);
    f->next = NULL;
    f->binary = binary;
    f->len = len;
    memcpy(f->buf + LWS_PRE, data, len);
    if (cl->out_tail)
        cl->out_tail->next = f;
    else
        cl->out_head = f;
    cl->out_tail = f;
    if (cl->wsi && cl->established)
        lws_callback_on_writable(cl->wsi);
}

static void client_send(Client *cl, const char *json)
{
    client_send_raw(cl, json, strlen(json), false);
}

/* A response.create in the shape flint sends: store:false, one user message. */
static void client_create(Client *cl, const char *question, const char *prev_id)
{
    cJSON *q = cJSON_CreateString(question);
    char *qs = cJSON_PrintUnformatted(q), buf[4096];
    snprintf(buf, sizeof buf,
             "{\"type\":\"response.create\",\"model\":\"gpt-5.3-codex-spark\",\"store\":false,"
             "\"instructions\":\"You are a terse pair programmer.\",%s%s%s\"input\":[{\"type\":"
             "\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":%s}]}]}",
             prev_id ? "\"previous_response_id\":\"" : "", prev_id ? prev_id : "",
             prev_id ? "\"," : "", qs);
    client_send(cl, buf);
    free(qs);
    cJSON_Delete(q);
}

static const char *ev_type(const cJSON *ev)
{
    const cJSON *t = cJSON_GetObjectItem(ev, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* done() for client_run: `arg` events of a terminal type (completed/incomplete/failed/error)
 * have arrived in total. */
static bool has_terminals(Client *cl, const void *arg)
{
    size_t want = *(const size_t *)arg, n = 0;
    for (size_t i = 0; i < cl->nevents; i++) {
        const char *t = ev_type(cl->events[i]);
        if (!strcmp(t, "response.completed") || !strcmp(t, "response.incomplete") ||
            !strcmp(t, "response.failed") || !strcmp(t, "error"))
            n++;
    }
    return n >= want || cl->closed || cl->failed;
}

static bool wait_terminals(Client *cl, size_t n)
{
    return client_run(cl, has_terminals, &n, 20000) && !cl->closed && !cl->failed;
}

static bool is_closed(Client *cl, const void *arg) { return cl->closed || cl->failed; }

static void client_close(Client *cl)
{
    cl->want_close = true;
    if (cl->wsi)
        lws_callback_on_writable(cl->wsi);
    client_run(cl, is_closed, NULL, 5000);
}

static bool has_deltas(Client *cl, const void *arg)
{
    return cl->deltas >= *(const size_t *)arg || cl->closed || cl->failed;
}

/* ---- checks on one answer ----------------------------------------------------------- */

/* The value at a dot-separated path; digits index arrays ("response.output.0.id"). */
static const cJSON *json_at(const cJSON *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && o; tok = strtok(NULL, "."))
        o = (*tok >= '0' && *tok <= '9') ? cJSON_GetArrayItem(o, atoi(tok))
                                         : cJSON_GetObjectItem(o, tok);
    return o;
}

static const char *str_at(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_at(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Checks events[from..] hold exactly one complete text answer; returns the index after its
 * terminal event, stores the response id in id (if non-NULL) and the text in text. */
static size_t check_answer(Client *cl, size_t from, const char *want_text, char *id, size_t idcap)
{
    static const char *const before[] = {"response.created", "response.in_progress",
                                         "response.output_item.added",
                                         "response.content_part.added"};
    static const char *const after[] = {"response.output_text.done", "response.content_part.done",
                                        "response.output_item.done", "response.completed"};
    size_t i = from;
    double last_seq = -1;
    StrBuf deltas = {0};
    for (size_t k = 0; k < 4; k++, i++) {
        CHECK(i < cl->nevents);
        if (i >= cl->nevents)
            return i;
        CHECK_STR_EQ(ev_type(cl->events[i]), before[k]);
        double seq = num_at(cl->events[i], "sequence_number");
        CHECK(seq > last_seq);
        last_seq = seq;
    }
    const cJSON *created = cl->events[from];
    const char *resp_id = str_at(created, "response.id");
    CHECK(resp_id && !strncmp(resp_id, "resp_", 5));
    CHECK_STR_EQ(str_at(created, "response.status"), "in_progress");
    CHECK_STR_EQ(str_at(created, "response.object"), "response");
    const char *item_id = str_at(cl->events[from + 2], "item.id");
    CHECK(item_id && !strncmp(item_id, "msg_", 4));
    size_t ndeltas = 0;
    for (; i < cl->nevents && !strcmp(ev_type(cl->events[i]), "response.output_text.delta"); i++) {
        const cJSON *ev = cl->events[i];
        const char *d = str_at(ev, "delta");
        CHECK(d != NULL);
        if (d) {
            CHECK(strlen(d) >= 1 && strlen(d) <= 6);
            sb_puts(&deltas, d);
        }
        CHECK_STR_EQ(str_at(ev, "item_id"), item_id);
        CHECK(num_at(ev, "output_index") == 0 && num_at(ev, "content_index") == 0);
        CHECK(cJSON_IsArray(cJSON_GetObjectItem(ev, "logprobs")));
        double seq = num_at(ev, "sequence_number");
        CHECK(seq > last_seq);
        last_seq = seq;
        ndeltas++;
    }
    CHECK(ndeltas > 0);
    for (size_t k = 0; k < 4; k++, i++) {
        CHECK(i < cl->nevents);
        if (i >= cl->nevents)
            break;
        CHECK_STR_EQ(ev_type(cl->events[i]), after[k]);
        double seq = num_at(cl->events[i], "sequence_number");
        CHECK(seq > last_seq);
        last_seq = seq;
    }
    CHECK_STR_EQ(sb_cstr(&deltas), want_text);
    if (i == from + 8 + ndeltas) {
        const cJSON *done = cl->events[from + 4 + ndeltas];
        const cJSON *completed = cl->events[i - 1];
        CHECK_STR_EQ(str_at(done, "text"), want_text);
        CHECK_STR_EQ(str_at(completed, "response.output.0.content.0.text"), want_text);
        CHECK_STR_EQ(str_at(completed, "response.id"), resp_id);
        CHECK_STR_EQ(str_at(completed, "response.status"), "completed");
        CHECK_INT_EQ(num_at(completed, "response.usage.output_tokens"), ndeltas);
        CHECK_INT_EQ(num_at(completed, "response.usage.total_tokens"),
                     num_at(completed, "response.usage.input_tokens") + ndeltas);
    }
    if (id && resp_id)
        snprintf(id, idcap, "%s", resp_id);
    sb_free(&deltas);
    return i;
}

/* ---- tests -------------------------------------------------------------------------- */

/* The source tree's tests/ directory: from this file's path when the compiler saw an
 * absolute one (CMake passes absolute paths), else from FLINT_TEST_DATA (<src>/tests/data).
 * Computed textually: the data directory need not exist, so ".." through it would fail. */
static void tests_dir(char *dst, size_t cap)
{
    static const char self[] = "/unit/test_backend.c";
    const char *file = __FILE__;
    size_t n = strlen(file), k = sizeof self - 1;
    if (file[0] == '/' && n > k && !strcmp(file + n - k, self)) {
        snprintf(dst, cap, "%.*s", (int)(n - k), file);
        return;
    }
    snprintf(dst, cap, "%s", FLINT_TEST_DATA);
    char *slash = strrchr(dst, '/');
    if (slash)
        *slash = '\0';
}

static void validate_dump(const char *dump)
{
    /* tests/check_schema.sh finds the yml and the validator, and exits 77 to skip. */
    char tests[512], cmd[2048];
    tests_dir(tests, sizeof tests);
    snprintf(cmd, sizeof cmd, "'%s/check_schema.sh' dump '%s'", tests, dump);
    fflush(stdout);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 77));
}

static void test_stream_chain_and_close(void)
{
    static const char *const args[] = {"--rate", "0", NULL};
    Backend b;
    if (!start_or_fail(&b, args, true))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));

    /* 1. One answer with CJK, an emoji and an accent, split into pieces. */
    client_create(&cl, "echo: héllo 世界 🙂", NULL);
    CHECK(wait_terminals(&cl, 1));
    char id1[64] = "";
    size_t next = check_answer(&cl, 0, "héllo 世界 🙂", id1, sizeof id1);
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "open conn=1", 2000));
    CHECK(log_has(&b, "recv conn=1 type=response.create prev=- bytes=", 2000));
    CHECK(log_has(&b, "stream conn=1 resp=", 2000));
    char want[128];
    snprintf(want, sizeof want, "done conn=1 resp=%s deltas=", id1);
    CHECK(log_has(&b, want, 2000));

    /* 2. A chained turn naming the cached response works... */
    client_create(&cl, "echo: second turn", id1);
    CHECK(wait_terminals(&cl, 2));
    char id2[64] = "";
    next = check_answer(&cl, next, "second turn", id2, sizeof id2);
    CHECK(strcmp(id1, id2) != 0);
    if (next == cl.nevents && next > 0) {
        const cJSON *completed = cl.events[next - 1];
        CHECK_STR_EQ(str_at(completed, "response.previous_response_id"), id1);
        CHECK(num_at(completed, "response.usage.input_tokens_details.cached_tokens") > 0);
    }
    snprintf(want, sizeof want, "recv conn=1 type=response.create prev=%s bytes=", id1);
    CHECK(log_has(&b, want, 2000));

    /* 3. ...naming any other id is previous_response_not_found, and no response starts. */
    client_create(&cl, "echo: never", "resp_doesnotexist");
    CHECK(wait_terminals(&cl, 3));
    CHECK_INT_EQ(cl.nevents, next + 1);
    if (cl.nevents == next + 1) {
        const cJSON *e = cl.events[next];
        CHECK_STR_EQ(ev_type(e), "error");
        CHECK_INT_EQ(num_at(e, "status"), 400);
        CHECK_STR_EQ(str_at(e, "error.type"), "invalid_request_error");
        CHECK_STR_EQ(str_at(e, "error.code"), "previous_response_not_found");
        CHECK_STR_EQ(str_at(e, "error.param"), "previous_response_id");
        CHECK_STR_EQ(str_at(e, "error.message"),
                     "Previous response with id 'resp_doesnotexist' not found.");
    }
    next = cl.nevents;
    CHECK(log_has(&b, "error conn=1 code=previous_response_not_found", 2000));

    /* 4. Two creates back to back run FIFO: all of #1, then all of #2. */
    client_create(&cl, "echo: first of two", NULL);
    client_create(&cl, "echo: second of two", NULL);
    CHECK(wait_terminals(&cl, 5));
    next = check_answer(&cl, next, "first of two", NULL, 0);
    next = check_answer(&cl, next, "second of two", NULL, 0);
    CHECK_INT_EQ(next, cl.nevents);

    /* 5. A generate:false warm-up: the lifecycle with an empty output, chainable. */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"gpt-5.3-codex-spark\","
                     "\"store\":false,\"generate\":false,\"input\":\"prefix only\"}");
    CHECK(wait_terminals(&cl, 6));
    CHECK_INT_EQ(cl.nevents, next + 3);
    if (cl.nevents == next + 3) {
        CHECK_STR_EQ(ev_type(cl.events[next]), "response.created");
        CHECK_STR_EQ(ev_type(cl.events[next + 1]), "response.in_progress");
        CHECK_STR_EQ(ev_type(cl.events[next + 2]), "response.completed");
        CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(cl.events[next + 2], "response"), "output")), 0);
    }
    next = cl.nevents;

    /* 6. max_output_tokens (the schema's minimum is 16) cuts the answer: response.incomplete, reason max_output_tokens,
     * and a stream_id is echoed on every event of that response. */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"m\",\"stream_id\":\"lane_1\","
                     "\"max_output_tokens\":16,\"input\":\"echo: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 "
                     "w13 w14 w15 w16 w17 w18 w19 w20\"}");
    CHECK(wait_terminals(&cl, 7));
    CHECK_INT_EQ(cl.nevents, next + 24);
    if (cl.nevents == next + 24) {
        for (size_t i = next; i < cl.nevents; i++)
            CHECK_STR_EQ(str_at(cl.events[i], "stream_id"), "lane_1");
        const cJSON *last = cl.events[cl.nevents - 1];
        CHECK_STR_EQ(ev_type(last), "response.incomplete");
        CHECK_STR_EQ(str_at(last, "response.status"), "incomplete");
        CHECK_STR_EQ(str_at(last, "response.incomplete_details.reason"), "max_output_tokens");
        CHECK_STR_EQ(str_at(last, "response.output.0.status"), "incomplete");
        CHECK_STR_EQ(str_at(last, "response.output.0.content.0.text"),
                     "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16");
    }
    next = cl.nevents;

    /* 7. A canned answer with CJK, emoji and combining accents: every delta is whole UTF-8
     * characters, and the deltas add up to the final text. */
    client_create(&cl, "Why is the unicode width of my string wrong?", NULL);
    CHECK(wait_terminals(&cl, 8));
    if (cl.nevents > next) {
        const char *text = str_at(cl.events[cl.nevents - 1], "response.output.0.content.0.text");
        CHECK(text && strstr(text, "世界") && strstr(text, "🙂") && strstr(text, "e\xcc\x81"));
        check_answer(&cl, next, text ? text : "", NULL, 0);
        for (size_t i = next; i < cl.nevents; i++) {
            const char *d = str_at(cl.events[i], "delta");
            if (d)
                CHECK(((unsigned char)d[0] & 0xC0) != 0x80);
        }
    }
    next = cl.nevents;

    /* 8. The other canned answers: Markdown with a fenced block, chosen by keyword. */
    static const char *const asks[][2] = {
        {"write a python script that counts words", "```python\n"},
        {"explain this bash one-liner", "```sh\n"},
        {"please refactor my function", "static bool config_apply_line"},
    };
    for (size_t k = 0; k < 3; k++) {
        client_create(&cl, asks[k][0], NULL);
        CHECK(wait_terminals(&cl, 9 + k));
        const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                               "response.output.0.content.0.text") : NULL;
        CHECK(text && strstr(text, asks[k][1]));
        next = check_answer(&cl, next, text ? text : "", NULL, 0);
    }
    CHECK_INT_EQ(next, cl.nevents);

    /* 9. Close with 1000: the backend logs the code and the reason. */
    client_close(&cl);
    CHECK(cl.closed);
    CHECK(log_has(&b, "close conn=1 code=1000 reason=bye", 3000));
    CHECK(log_has(&b, "closed conn=1 deltas_sent=", 3000));
    client_free(&cl);

    /* SIGTERM: a clean exit with status 0, then the dump is complete. */
    kill(b.pid, SIGTERM);
    int st = backend_wait(&b, 5000);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    validate_dump(b.dump);
    backend_cleanup(&b);
}

static void test_bad_input_and_paths(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    /* Another path: a 404 at the handshake, no WebSocket. */
    Client bad;
    CHECK(!client_connect(&bad, b.port, "/v1/chat/completions"));
    CHECK(bad.failed);
    client_free(&bad);

    Client cl;
    CHECK(client_connect(&cl, b.port, "/openai/v1/responses"));
    client_send(&cl, "{\"type\":\"response.create\",");           /* truncated JSON */
    client_send_raw(&cl, "\x01\x02\x03", 3, true);                 /* binary frame */
    client_send(&cl, "{\"type\":\"response.create\",\"input\":\"hi\"}");  /* no model */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"m\"}");   /* no input */
    client_send(&cl, "{\"type\":\"response.processed\",\"response_id\":\"x\"}"); /* ignored */
    /* Ignored too: the stable schema has no response.steer.failed to answer with (request.h). */
    client_send(&cl, "{\"type\":\"response.steer\",\"previous_response_id\":\"resp_1\","
                     "\"input\":\"keep it short\"}");
    client_send(&cl, "[1,2,3]");
    client_create(&cl, "echo: still alive", NULL);
    CHECK(wait_terminals(&cl, 6));
    static const char *const codes[] = {"invalid_json", "invalid_message",
                                        "missing_required_parameter",
                                        "missing_required_parameter", "invalid_json"};
    for (size_t i = 0; i < 5 && i < cl.nevents; i++) {
        CHECK_STR_EQ(ev_type(cl.events[i]), "error");
        CHECK_STR_EQ(str_at(cl.events[i], "error.code"), codes[i]);
        CHECK_STR_EQ(str_at(cl.events[i], "error.type"), "invalid_request_error");
    }
    if (cl.nevents > 3) {
        CHECK_STR_EQ(str_at(cl.events[2], "error.param"), "model");
        CHECK_STR_EQ(str_at(cl.events[3], "error.param"), "input");
    }
    /* Nothing for response.processed: the next event is the create's response.created. */
    size_t next = check_answer(&cl, 5, "still alive", NULL, 0);
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "recv conn=1 type=response.processed prev=- bytes=", 2000));
    CHECK(log_has(&b, "recv conn=1 type=response.steer prev=resp_1 bytes=", 2000));
    CHECK(log_has(&b, "recv conn=1 type=binary prev=- bytes=3", 2000));

    /* A keyword picks a canned answer: markdown with a fenced C block. */
    client_create(&cl, "How do I reverse a linked list in C?", NULL);
    CHECK(wait_terminals(&cl, 7));
    const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                           "response.output.0.content.0.text") : NULL;
    CHECK(text && strstr(text, "```c\n") && strstr(text, "list_reverse"));
    client_free(&cl); /* drop without a Close frame */
    CHECK(log_has(&b, "closed conn=1 deltas_sent=", 3000));

    /* --exit-on-eof: closing its stdin ends the backend cleanly. */
    close(b.stdin_fd);
    b.stdin_fd = -1;
    int st = backend_wait(&b, 5000);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    backend_cleanup(&b);
}

/* Closes with 1000 mid-stream: the backend stops at once (min <= deltas sent < total, no
 * "done") and logs both the close and the closed line. Frees the client and the backend. */
static void close_midstream(Backend *b, Client *cl, long min, long total)
{
    client_close(cl);
    CHECK(log_has(b, "close conn=1 code=1000 reason=bye", 3000));
    CHECK(log_has(b, "closed conn=1 deltas_sent=", 3000));
    char *log = read_file(b->log);
    const char *p = strstr(log, "closed conn=1 deltas_sent=");
    long sent = p ? atol(p + strlen("closed conn=1 deltas_sent=")) : -1;
    CHECK(sent >= min && sent < total);
    CHECK(strstr(log, "done conn=1") == NULL);
    free(log);
    client_free(cl);
    backend_cleanup(b);
}

static void test_pacing_and_cancel(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "2000", "--tokens", "100000", NULL},
                       false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    client_create(&cl, "echo: paced", NULL);
    size_t want = 200;
    CHECK(client_run(&cl, has_deltas, &want, 10000));
    /* 199 intervals at 2000/s = 99.5 ms; allow generous scheduling slack. */
    double ms = (double)(cl.last_delta_ns - cl.first_delta_ns) / 1e6;
    printf("pacing: 200 deltas at --rate 2000 took %.1f ms (ideal 99.5)\n", ms);
    CHECK(ms > 60); /* it paces (a behaviour); how closely is a figure, printed above */
    CHECK(log_has(&b, "stream conn=1 resp=", 2000));
    CHECK(log_has(&b, "deltas=100000 rate=2000", 2000));
    close_midstream(&b, &cl, 200, 100000);
}

/* The benchmark's case: the client closes while deltas pour in as fast as TCP takes them. */
static void test_cancel_rate0(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "1000000", NULL},
                       false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: fast", NULL);
    size_t want = 20000;
    CHECK(client_run(&cl, has_deltas, &want, 10000));
    close_midstream(&b, &cl, 20000, 1000000);
}

static void test_throughput_rate0(void)
{
    enum { N = 400000 };
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "400000", "--quiet",
                                                NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: abc def ghi jkl", NULL);
    CHECK(wait_terminals(&cl, 1));
    CHECK_INT_EQ(cl.deltas, N);
    double secs = (double)(cl.last_delta_ns - cl.first_delta_ns) / 1e9;
    double rate = secs > 0 ? (double)cl.deltas / secs : 0;
    printf("throughput: %zu deltas at --rate 0 in %.3f s = %.0f deltas/s\n", cl.deltas, secs, rate);
    CHECK(rate > 0); /* the figure is printed; speed is not asserted in tests (noisy CI) */
    client_free(&cl);
    backend_stop(&b);
    /* The backend's own cost, independent of how fast this client reads. */
    printf("throughput: backend used %.3f CPU s = %.0f deltas per CPU second\n", b.cpu_secs,
           b.cpu_secs > 0 ? N / b.cpu_secs : 0);
    backend_cleanup(&b);
}

/* A create for an echo question, naming previous_response_id prev and max_output_tokens
 * given as raw JSON (either NULL: absent). */
static void client_create_with(Client *cl, const char *echo, const char *prev, const char *max)
{
    char buf[1024], p[256] = "", m[128] = "";
    if (prev)
        snprintf(p, sizeof p, "\"previous_response_id\":\"%s\",", prev);
    if (max)
        snprintf(m, sizeof m, "\"max_output_tokens\":%s,", max);
    snprintf(buf, sizeof buf,
             "{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,%s%s"
             "\"input\":\"echo: %s\"}", p, m, echo);
    client_send(cl, buf);
}

/* Checks that events[at] exists and is a 400 error with this code and param. */
static void check_error_at(const Client *cl, size_t at, const char *code, const char *param)
{
    CHECK(at < cl->nevents);
    if (at >= cl->nevents)
        return;
    const cJSON *e = cl->events[at];
    CHECK_STR_EQ(ev_type(e), "error");
    CHECK_INT_EQ(num_at(e, "status"), 400);
    CHECK_STR_EQ(str_at(e, "error.type"), "invalid_request_error");
    CHECK_STR_EQ(str_at(e, "error.code"), code);
    CHECK_STR_EQ(str_at(e, "error.param"), param);
}

static void test_max_tokens_and_eviction(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    size_t terminals = 0, next = 0;

    /* max_output_tokens must be an integer in [1, INT_MAX]: fractions, huge values (which
     * would be undefined behaviour to convert), zero, negatives and non-numbers are
     * invalid_type, and no response starts. */
    static const char *const bad[] = {"2.5", "1e300", "1e400", "-1e400", "0", "-3",
                                      "2147483648", "0.5", "\"16\"", "true", "[]", "{}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        client_create_with(&cl, "never", NULL, bad[i]);
        CHECK(wait_terminals(&cl, ++terminals));
        CHECK_INT_EQ(cl.nevents, next + 1);
        check_error_at(&cl, next, "invalid_type", "max_output_tokens");
        if (cl.nevents > next)
            CHECK_STR_EQ(str_at(cl.events[next], "error.message"),
                         "Invalid type for 'max_output_tokens': expected a positive integer "
                         "or null.");
        next = cl.nevents;
    }
    /* ...while INT_MAX, 1.6e1 (an integer written as a float) and null are accepted. */
    static const char *const good[] = {"2147483647", "1.6e1", "null"};
    for (size_t i = 0; i < 3; i++) {
        client_create_with(&cl, "a b c", NULL, good[i]);
        CHECK(wait_terminals(&cl, ++terminals));
        next = check_answer(&cl, next, "a b c", NULL, 0);
    }
    CHECK_INT_EQ(next, cl.nevents);

    /* PROTOCOL.md 1.5: a rejected continuation evicts the cached response it names... */
    char id1[64] = "";
    client_create_with(&cl, "one", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "one", id1, sizeof id1);
    client_create_with(&cl, "rejected", id1, "2.5");
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "invalid_type", "max_output_tokens");
    client_create_with(&cl, "retry", id1, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "previous_response_not_found", "previous_response_id");
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "error conn=1 code=previous_response_not_found", 2000));

    /* ...as does any other request-scoped rejection (here: no input)... */
    char id2[64] = "";
    client_create_with(&cl, "two", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "two", id2, sizeof id2);
    char msg[256];
    snprintf(msg, sizeof msg,
             "{\"type\":\"response.create\",\"model\":\"m\",\"previous_response_id\":\"%s\"}",
             id2);
    client_send(&cl, msg);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "missing_required_parameter", "input");
    client_create_with(&cl, "retry", id2, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "previous_response_not_found", "previous_response_id");

    /* ...but one that names another id leaves the cache alone, and so does a failed fork
     * from another lane (it keeps the shared parent). */
    char id3[64] = "";
    client_create_with(&cl, "three", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "three", id3, sizeof id3);
    client_create_with(&cl, "rejected", "resp_other", "0");
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "invalid_type", "max_output_tokens");
    snprintf(msg, sizeof msg,
             "{\"type\":\"response.create\",\"model\":\"m\",\"stream_id\":\"fork\","
             "\"previous_response_id\":\"%s\",\"max_output_tokens\":2.5,\"input\":\"x\"}", id3);
    client_send(&cl, msg);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next, "invalid_type", "max_output_tokens");
    if (cl.nevents > next)
        CHECK_STR_EQ(str_at(cl.events[next], "stream_id"), "fork");
    next++;
    client_create_with(&cl, "four", id3, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    size_t at = next;
    next = check_answer(&cl, next, "four", NULL, 0);
    if (next == cl.nevents && next > at)
        CHECK_STR_EQ(str_at(cl.events[next - 1], "response.previous_response_id"), id3);
    CHECK_INT_EQ(next, cl.nevents);

    /* An empty previous_response_id never matches the empty cache of a new connection. */
    Client cl2;
    CHECK(client_connect(&cl2, b.port, "/v1/responses"));
    client_create_with(&cl2, "x", "", NULL);
    CHECK(wait_terminals(&cl2, 1));
    CHECK_INT_EQ(cl2.nevents, 1);
    check_error_at(&cl2, 0, "previous_response_not_found", "previous_response_id");
    client_free(&cl2);

    client_free(&cl);
    backend_cleanup(&b);
}

/* Runs flint-backend with args to its exit; returns the exit status (-1 if it did not exit
 * normally) and its stdout and stderr, merged, in out. */
static int backend_exit_status(const char *const *args, char *out, size_t cap)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = FLINT_BACKEND_BIN;
    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int p[2];
    out[0] = '\0';
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(p[0], out + len, cap - 1 - len)) > 0 && len + (size_t)r < cap - 1)
        len += (size_t)r;
    if (r > 0)
        len += (size_t)r;
    out[len] = '\0';
    close(p[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* --tokens is capped at 1,000,000 so that the final events, which repeat the whole text,
 * stay under a client's 16 MiB message cap: checked with the worst case, pieces of four
 * tabs (8 bytes each once escaped). */
static void test_tokens_cap(void)
{
    char out[4096];
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--tokens", "1000001", NULL}, out,
                                     sizeof out), 2);
    CHECK(strstr(out, "--tokens 1000001: expected 1..1000000") != NULL);
    CHECK(strstr(out, "16 MiB") != NULL);
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--tokens", "0", NULL}, out,
                                     sizeof out), 2);
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--help", NULL}, out, sizeof out), 0);
    CHECK(strstr(out, "N is 1..1000000") != NULL);

    enum { N = 1000000 };
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "1000000", "--quiet",
                                                NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: \t\t\t\t", NULL);
    CHECK(wait_terminals(&cl, 1));
    CHECK_INT_EQ(cl.deltas, N);
    const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                           "response.output.0.content.0.text") : NULL;
    CHECK(text && strlen(text) == 4u * N && strspn(text, "\t") == 4u * N);
    printf("tokens cap: largest event at --tokens %d of 4-tab pieces: %zu bytes\n", N,
           cl.max_message);
    CHECK(cl.max_message > 8u * N && cl.max_message < (16u << 20));
    client_free(&cl);
    backend_cleanup(&b);
}

/* A masked client frame (RFC 6455 5.2) with the minimal length encoding; returns its size. */
static size_t ws_frame(unsigned char *dst, unsigned b0, const void *payload, size_t len,
                       const unsigned char key[4])
{
    size_t n = 0;
    dst[n++] = (unsigned char)b0;
    if (len < 126) {
        dst[n++] = (unsigned char)(0x80 | len);
    } else if (len <= 0xffff) {
        dst[n++] = 0x80 | 126;
        dst[n++] = (unsigned char)(len >> 8);
        dst[n++] = (unsigned char)len;
    } else {
        dst[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            dst[n++] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    memcpy(dst + n, key, 4);
    n += 4;
    for (size_t i = 0; i < len; i++)
        dst[n + i] = ((const unsigned char *)payload)[i] ^ key[i % 4];
    return n + len;
}

/* The scanner behind the backend's "close conn=N code=..." line after a failed write. */
static void test_close_frame_scan(void)
{
    static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d}, zero[4] = {0, 0, 0, 0};
    static const unsigned char bye[] = {0x03, 0xe8, 'b', 'y', 'e'}; /* 1000 "bye" */
    unsigned char buf[1024], pl[125];
    char json[300];
    memset(json, 'x', sizeof json);
    memcpy(json, "{\"type\":\"response.create\",\"input\":\"", 36);

    /* A Close alone, after a text frame and a ping, after a fragmented message. */
    size_t n = ws_frame(buf, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 5);
    CHECK_MEM_EQ(pl, 5, bye, 5);
    n = ws_frame(buf, 0x81, json, sizeof json, key);
    size_t text_len = n;
    n += ws_frame(buf + n, 0x89, "hi", 2, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 5);
    CHECK_MEM_EQ(pl, 5, bye, 5);
    n = ws_frame(buf, 0x01, json, 100, key);
    n += ws_frame(buf + n, 0x80, json + 100, 200, key);
    n += ws_frame(buf + n, 0x88, "", 0, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 0);
    CHECK_INT_EQ(ws_scan_close(buf, n - 1, pl, sizeof pl), -1); /* incomplete */

    /* Started anywhere inside the text frame (lws stopped reading mid-frame), the bytes
     * are not taken for frames, the Close after them included. */
    n = ws_frame(buf, 0x81, json, sizeof json, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    for (size_t off = 1; off < text_len; off++)
        CHECK_INT_EQ(ws_scan_close(buf + off, n - off, pl, sizeof pl), -1);

    /* Malformed for a client: unmasked, RSV bits, a continuation or a new message where it
     * cannot be, a fragmented or long control frame, a non-minimal length, a 1-byte Close. */
    n = ws_frame(buf, 0x88, bye, sizeof bye, key);
    buf[1] &= 0x7f;
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0xC8, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x80, "x", 1, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x01, "x", 1, key);
    n += ws_frame(buf + n, 0x81, "y", 1, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x08, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x88, json, 126, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    static const unsigned char long5[] = {0x81, 0x80 | 126, 0, 5, 0, 0, 0, 0, 'a', 'b', 'c',
                                          'd', 'e'};
    memcpy(buf, long5, sizeof long5);
    n = sizeof long5 + ws_frame(buf + sizeof long5, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x88, bye, 1, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    CHECK_INT_EQ(ws_scan_close(buf, 1, pl, sizeof pl), -1);

    /* What the checks cannot catch, and why conn.c scans only at a frame boundary: a text
     * payload that holds a well-formed Close frame (here unmasked by a zero key). */
    unsigned char inner[16];
    size_t k = ws_frame(inner, 0x88, bye, sizeof bye, key);
    n = ws_frame(buf, 0x81, inner, k, zero);
    CHECK_INT_EQ(ws_scan_close(buf + 6, n - 6, pl, sizeof pl), 5);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
}

/* test_backend [NAME-SUBSTRING]: runs every test, or those whose name contains the word. */
#define RUN_IF(fn)                                    \
    do {                                              \
        if (argc < 2 || strstr(#fn, argv[1]))         \
            RUN(fn);                                  \
    } while (0)

int main(int argc, char **argv)
{
    lws_set_log_level(LLL_ERR, NULL);
    signal(SIGPIPE, SIG_IGN);
    RUN_IF(test_stream_chain_and_close);
    RUN_IF(test_bad_input_and_paths);
    RUN_IF(test_max_tokens_and_eviction);
    RUN_IF(test_tokens_cap);
    RUN_IF(test_close_frame_scan);
    RUN_IF(test_pacing_and_cancel);
    RUN_IF(test_cancel_rate0);
    RUN_IF(test_throughput_rate0);
    return harness_done();
}
