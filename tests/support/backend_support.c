/* Backend test helpers (backend_support.h): the flint-backend child process, its log, and a
 * minimal lws client. FLINT_BACKEND_BIN comes from tests/CMakeLists.txt. */
#include "support/backend_support.h"

bool backend_start(Backend *b, const char *const *extra, bool with_dump)
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

int backend_wait(Backend *b, int timeout_ms)
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

void backend_stop(Backend *b)
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

void backend_cleanup(Backend *b)
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

bool start_or_fail(Backend *b, const char *const *extra, bool with_dump)
{
    bool ok = backend_start(b, extra, with_dump);
    CHECK(ok);
    if (!ok)
        backend_cleanup(b);
    return ok;
}

char *read_text(const char *path)
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

bool log_has(const Backend *b, const char *needle, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        char *text = read_text(b->log);
        bool found = strstr(text, needle) != NULL;
        if (!found && waited >= timeout_ms)
            fprintf(stderr, "backend log has no \"%s\"; it reads:\n%s\n", needle, text);
        free(text);
        if (found || waited >= timeout_ms)
            return found;
        usleep(20000);
    }
}

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

bool client_run(Client *cl, bool (*done)(Client *, const void *), const void *arg,
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

bool is_up_or_down(Client *cl, const void *arg)
{
    return cl->established || cl->failed;
}

bool client_connect(Client *cl, int port, const char *path)
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

void client_free(Client *cl)
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

void client_send_raw(Client *cl, const void *data, size_t len, bool binary)
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

void client_send(Client *cl, const char *json)
{
    client_send_raw(cl, json, strlen(json), false);
}

void client_create(Client *cl, const char *question, const char *prev_id)
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

const char *ev_type(const cJSON *ev)
{
    const cJSON *t = cJSON_GetObjectItem(ev, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

bool has_terminals(Client *cl, const void *arg)
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

bool wait_terminals(Client *cl, size_t n)
{
    return client_run(cl, has_terminals, &n, 20000) && !cl->closed && !cl->failed;
}

bool is_closed(Client *cl, const void *arg) { return cl->closed || cl->failed; }

void client_close(Client *cl)
{
    cl->want_close = true;
    if (cl->wsi)
        lws_callback_on_writable(cl->wsi);
    client_run(cl, is_closed, NULL, 5000);
}

bool has_deltas(Client *cl, const void *arg)
{
    return cl->deltas >= *(const size_t *)arg || cl->closed || cl->failed;
}

const cJSON *json_at(const cJSON *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && o; tok = strtok(NULL, "."))
        o = (*tok >= '0' && *tok <= '9') ? cJSON_GetArrayItem(o, atoi(tok))
                                         : cJSON_GetObjectItem(o, tok);
    return o;
}

const char *str_at(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double num_at(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

size_t check_answer(Client *cl, size_t from, const char *want_text, char *id,
                                  size_t idcap)
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
