/* WireChat (see wire_chat.h): Chat Completions chunks over Server-Sent Events.
 *
 * Data. Framing: `in` holds the bytes fed and not yet split into lines; in[at..) is
 * unread, in[at..scan) is known to hold no line end. `cr` says the last line ended with a
 * CR, so one LF right after it is skipped (a CRLF split across feeds is one line end).
 * `eof` marks a wire_end at offset eof_at of `in`: the bytes before it are read first,
 * then the end is handled (so feed-after-end is still ordered). `data` gathers the data
 * lines of the event being read (each followed by "\n", WHATWG); `oversize` says it
 * passed WIRE_CHAT_MAX_EVENT and its data is being dropped; `skip_line` drops the rest of
 * an over-long line. `at_start`: a BOM may still come (start of a stream).
 *
 * Response: `phase` READY (no chunk yet) -> STREAMING (CREATED sent) -> FINISHING (a
 * finish_reason seen; the terminal waits for usage) -> OVER (terminal sent; the rest is
 * ignored) -> READY again at [DONE], wire_end or reset. `usage` is the current response's.
 *
 * Events: one SSE event becomes up to MAX_QUEUE WireEvents in `q`, handed out by next; their
 * strings point into `tree` (the chunk's cJSON), `cur` (the event's data, for raw), the
 * two alternating id / reason slots (a chunk may end one response and start the next), or
 * `msg` (an error message built here). Those live until the queue is empty and next is
 * called again (release). Invariants: qi <= nq <= MAX_QUEUE; at <= scan <= in.len; eof_at
 * <= in.len; data.len <= WIRE_CHAT_MAX_EVENT + one line's cap. */
#include "session/wire_chat.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "session/wire_json.h"
#include "session/wire_read.h"

#define MAX_QUEUE 8
#define SLOT_LEN 128

typedef enum ChatPhase { PH_READY, PH_STREAMING, PH_FINISHING, PH_OVER } ChatPhase;

typedef struct WireChat {
    Wire base;
    /* framing */
    StrBuf in;
    size_t at, scan, eof_at;
    bool cr, eof, at_start, skip_line;
    StrBuf data, cur;
    bool has_data, oversize, error_field;
    bool seen_bytes;  /* bytes of this stream since READY (an EOF then is "ended early") */
    /* the response */
    ChatPhase phase;
    char ids[2][SLOT_LEN];
    unsigned id_slot;
    bool has_id;
    char reasons[2][SLOT_LEN];
    unsigned reason_slot;
    const char *fin_reason;  /* static, or a reasons slot */
    WireKind fin_kind;
    WireUsage usage;
    double completion_time;  /* Cerebras time_info.completion_time (s); 0 when absent */
    /* events */
    WireEvent q[MAX_QUEUE];
    size_t nq, qi;
    cJSON *tree;
    StrBuf msg;
    bool send_cache_key;  /* the server accepts prompt_cache_key (wire_chat_set_cache_key) */
} WireChat;

/* ---- encoding ------------------------------------------------------------------------- */

static void put_message(StrBuf *out, const char *role, const char *text, size_t len)
{
    sb_puts(out, "{\"role\":\"");
    sb_puts(out, role);
    sb_puts(out, "\",\"content\":");
    wire_json_string(out, text, len);
    sb_putc(out, '}');
}

/* Fixed key order, compact: equal requests are byte-identical (goldens; prefix caches). */
static void chat_encode(Wire *w, const WireRequest *req, StrBuf *out)
{
    const WireChat *c = (const WireChat *)w;
    sb_puts(out, "{\"model\":");
    wire_json_cstring(out, req->model ? req->model : "");
    if (c->send_cache_key && req->prompt_cache_key) {
        sb_puts(out, ",\"prompt_cache_key\":");
        wire_json_cstring(out, req->prompt_cache_key);
    }
    sb_puts(out, ",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[");
    bool first = true;
    if (req->instructions) {
        put_message(out, "system", req->instructions, strlen(req->instructions));
        first = false;
    }
    for (size_t i = 0; i < req->n_input; i++) {
        const WireMessage *m = &req->input[i];
        if (!first)
            sb_putc(out, ',');
        first = false;
        put_message(out, m->role == WIRE_ROLE_USER ? "user" : "assistant", m->text, m->len);
    }
    sb_puts(out, "]}");
}

/* ---- events ----------------------------------------------------------------------------- */

static WireEvent *push(WireChat *c, WireKind kind, const char *type)
{
    BUG_ON(c->nq >= MAX_QUEUE);
    WireEvent *ev = &c->q[c->nq++];
    wire_event_init(ev);
    ev->kind = kind;
    ev->type = type;
    ev->raw = c->cur.data ? c->cur.data : "";
    ev->raw_len = c->cur.len;
    return ev;
}

static const char *cur_id(const WireChat *c) { return c->has_id ? c->ids[c->id_slot] : NULL; }

static void begin_response(WireChat *c, const char *id)
{
    c->id_slot ^= 1;
    c->has_id = id != NULL;
    if (id)
        snprintf(c->ids[c->id_slot], SLOT_LEN, "%s", id);
    c->phase = PH_STREAMING;
    c->usage = (WireUsage){0};
    c->completion_time = 0;
    c->fin_reason = NULL;
    push(c, WIRE_CREATED, "chat.created")->response_id = cur_id(c);
}

/* The terminal of the current response (after its finish_reason, or at [DONE]). */
static void push_terminal(WireChat *c)
{
    WireKind kind = c->phase == PH_FINISHING ? c->fin_kind : WIRE_DONE;
    WireEvent *ev = push(c, kind, kind == WIRE_DONE ? "chat.done" : "chat.incomplete");
    ev->response_id = cur_id(c);
    ev->incomplete_reason = kind == WIRE_INCOMPLETE ? c->fin_reason : NULL;
    ev->usage = c->usage;
    if (ev->usage.server_tokens_per_sec == 0 && c->completion_time > 0 &&
        c->usage.output_tokens)
        ev->usage.server_tokens_per_sec = (double)c->usage.output_tokens / c->completion_time;
    c->phase = PH_OVER;
}

static void push_failed(WireChat *c, const char *message)
{
    WireEvent *ev = push(c, WIRE_FAILED, "chat.failed");
    ev->response_id = cur_id(c);
    ev->usage = c->usage;
    ev->error.message = message;
    c->phase = PH_OVER;
}

/* ---- JSON helpers ----------------------------------------------------------------------- */

static double get_pos(const cJSON *o, const char *k)
{
    const cJSON *it = wire_get(o, k);
    return cJSON_IsNumber(it) && it->valuedouble > 0 && it->valuedouble < 1e12 ? it->valuedouble
                                                                                : 0;
}

/* The error object's fields into e: message, type, param, and code (a string code; a
 * number code is an HTTP status, as llama.cpp and vLLM send it). */
static void take_error(WireError *e, const cJSON *o)
{
    e->message = wire_get_str(o, "message");
    e->type = wire_get_str(o, "type");
    e->param = wire_get_str(o, "param");
    const cJSON *code = wire_get(o, "code");
    if (cJSON_IsString(code))
        e->code = code->valuestring;
    else if (cJSON_IsNumber(code) && code->valuedouble >= 100 && code->valuedouble < 600)
        e->status = (int)code->valuedouble;
    const cJSON *st = wire_get(o, "status");
    if (!e->status && cJSON_IsNumber(st) && st->valuedouble >= 100 && st->valuedouble < 600)
        e->status = (int)st->valuedouble;
}

/* An error in the stream's JSON (PROTOCOL.md 4: {"error":{...}}, {"error":"text"},
 * {"object":"error",...}, or an `error:` field holding the object itself)? Fills e. */
static bool find_error(WireChat *c, const cJSON *root, WireError *e)
{
    const cJSON *err = wire_get(root, "error");
    if (cJSON_IsObject(err)) {
        take_error(e, err);
    } else if (cJSON_IsString(err)) {
        e->message = err->valuestring;
        take_error(e, root);
        e->message = err->valuestring;
    } else if (c->error_field || (wire_get_str(root, "object") &&
                                  strcmp(wire_get_str(root, "object"), "error") == 0)) {
        take_error(e, root);
    } else {
        return false;
    }
    if (!e->message && cJSON_IsString(wire_get(root, "detail")))
        e->message = wire_get_str(root, "detail");
    return true;
}

static void take_usage(WireChat *c, const cJSON *root)
{
    const cJSON *u = wire_get(root, "usage");
    if (cJSON_IsObject(u)) {
        c->usage.present = true;
        c->usage.input_tokens = wire_get_count(u, "prompt_tokens");
        c->usage.output_tokens = wire_get_count(u, "completion_tokens");
        const cJSON *d = wire_get(u, "prompt_tokens_details");
        if (cJSON_IsObject(d))
            c->usage.cached_tokens = wire_get_count(d, "cached_tokens");
    }
    const cJSON *t = wire_get(root, "timings"); /* llama.cpp */
    if (cJSON_IsObject(t)) {
        c->usage.server_tokens_per_sec = get_pos(t, "predicted_per_second");
        if (!c->usage.present) {
            c->usage.present = true;
            c->usage.input_tokens = wire_get_count(t, "prompt_n");
            c->usage.output_tokens = wire_get_count(t, "predicted_n");
        }
        if (!c->usage.cached_tokens)
            c->usage.cached_tokens = wire_get_count(t, "cache_n");
    }
    const cJSON *ti = wire_get(root, "time_info"); /* Cerebras */
    if (cJSON_IsObject(ti))
        c->completion_time = get_pos(ti, "completion_time");
}

static void set_finish(WireChat *c, const char *reason)
{
    static const struct {
        const char *reason;
        WireKind kind;
        const char *as;
    } MAP[] = {
        {"stop", WIRE_DONE, NULL},
        {"tool_calls", WIRE_DONE, NULL},  /* flint offers no tools; the text so far stands */
        {"function_call", WIRE_DONE, NULL},
        {"length", WIRE_INCOMPLETE, "max_tokens"},
        {"content_filter", WIRE_INCOMPLETE, "content_filter"},
    };
    c->phase = PH_FINISHING;
    for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++) {
        if (strcmp(reason, MAP[i].reason) == 0) {
            c->fin_kind = MAP[i].kind;
            c->fin_reason = MAP[i].as;
            return;
        }
    }
    c->reason_slot ^= 1;
    snprintf(c->reasons[c->reason_slot], SLOT_LEN, "%s", reason);
    c->fin_kind = WIRE_INCOMPLETE;
    c->fin_reason = c->reasons[c->reason_slot];
}

static void push_text(WireChat *c, WireKind kind, const char *type, const cJSON *it)
{
    if (!cJSON_IsString(it) || !*it->valuestring)
        return;
    WireEvent *ev = push(c, kind, type);
    ev->text = it->valuestring;
    ev->text_len = strlen(it->valuestring);
    ev->output_index = 0;
    ev->content_index = kind == WIRE_REFUSAL_DELTA; /* a refusal is a part of its own */
}

/* ---- one SSE event ---------------------------------------------------------------------- */

static void malformed(WireChat *c, const char *why) { push(c, WIRE_MALFORMED, "")->reason = why; }

static void on_done_marker(WireChat *c)
{
    switch (c->phase) {
    case PH_READY: {
        WireEvent *ev = push(c, WIRE_ERROR, "chat.error");
        ev->error.message = "the server ended the stream before any answer";
        break;
    }
    case PH_STREAMING: /* no finish_reason, but the server says the answer is whole */
    case PH_FINISHING:
        push_terminal(c);
        break;
    case PH_OVER:
        push(c, WIRE_IGNORED, "chat.[DONE]");
        break;
    }
    c->phase = PH_READY; /* another stream may follow on this connection */
    c->seen_bytes = false;
}

static void on_chunk(WireChat *c, const cJSON *root)
{
    WireError e = {0};
    e.retry_after_ms = e.reset_requests_ms = e.reset_tokens_ms = -1;
    e.remaining_requests = e.remaining_tokens = -1;
    if (find_error(c, root, &e)) {
        bool started = c->phase == PH_STREAMING || c->phase == PH_FINISHING;
        WireEvent *ev = push(c, started ? WIRE_FAILED : WIRE_ERROR, "chat.error");
        ev->response_id = started ? cur_id(c) : NULL;
        ev->error = e;
        c->phase = PH_OVER; /* the server closes after it (PROTOCOL.md 4) */
        return;
    }
    const char *id = wire_get_str(root, "id");
    bool same = id ? c->has_id && strcmp(c->ids[c->id_slot], id) == 0 : !c->has_id;
    if (c->phase != PH_READY && c->phase != PH_STREAMING && !same) {
        /* A new id after the finish: the previous stream ended without [DONE] or EOF. */
        if (c->phase == PH_FINISHING)
            push_terminal(c);
        c->phase = PH_READY;
    }
    if (c->phase == PH_OVER) {
        push(c, WIRE_IGNORED, "chat.chunk");
        return;
    }
    size_t before = c->nq;
    if (c->phase == PH_READY)
        begin_response(c, id);
    take_usage(c, root);
    const cJSON *choices = wire_get(root, "choices");
    const cJSON *choice = NULL;
    const cJSON *it;
    const cJSON *list = cJSON_IsArray(choices) ? choices : NULL;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *idx = wire_get(it, "index");
        if (cJSON_IsObject(it) && (!idx || (cJSON_IsNumber(idx) && idx->valuedouble == 0))) {
            choice = it;
            break;
        }
    }
    if (choice) {
        const cJSON *d = wire_get(choice, "delta");
        if (cJSON_IsObject(d)) {
            const cJSON *r = wire_get(d, "reasoning_content");
            push_text(c, WIRE_REASONING_DELTA, "chat.reasoning",
                      cJSON_IsString(r) ? r : wire_get(d, "reasoning"));
            push_text(c, WIRE_REFUSAL_DELTA, "chat.refusal", wire_get(d, "refusal"));
            push_text(c, WIRE_DELTA, "chat.delta", wire_get(d, "content"));
        }
        const char *fin = wire_get_str(choice, "finish_reason");
        if (fin && c->phase == PH_STREAMING)
            set_finish(c, fin);
    }
    /* The terminal goes once usage is known: usage on the finish chunk or a later one. */
    if (c->phase == PH_FINISHING && cJSON_IsObject(wire_get(root, "usage")))
        push_terminal(c);
    if (c->nq == before)
        push(c, WIRE_IGNORED, "chat.chunk");
}

/* The event whose data is c->cur (the trailing "\n" removed). */
static void dispatch(WireChat *c)
{
    const char *d = c->cur.data ? c->cur.data : "";
    size_t len = c->cur.len;
    if (c->oversize) {
        malformed(c, "an event over 16 MiB");
        return;
    }
    c->seen_bytes = true;
    while (len && (d[len - 1] == ' ' || d[len - 1] == '\t' || d[len - 1] == '\r'))
        len--;
    if (len == 6 && memcmp(d, "[DONE]", 6) == 0) {
        on_done_marker(c);
        return;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(d, len, &end, 0);
    if (!root) {
        malformed(c, "data is not valid JSON");
        return;
    }
    c->tree = root;
    for (const char *p = end; p && p < d + len; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            malformed(c, "bytes after the JSON value");
            return;
        }
    }
    if (!cJSON_IsObject(root)) {
        malformed(c, "data is not a JSON object");
        return;
    }
    on_chunk(c, root);
}

/* ---- SSE framing (WHATWG HTML, "Server-sent events": event stream interpretation) ------ */

static void reset_event(WireChat *c)
{
    sb_reset(&c->data);
    c->has_data = c->oversize = c->error_field = false;
}

/* One line (no terminator). Returns true when it dispatched an event. */
static bool on_line(WireChat *c, const char *line, size_t len)
{
    if (len == 0) {
        if (!c->has_data) { /* an event with no data is no event */
            reset_event(c);
            return false;
        }
        /* Swap data into cur (the events' raw); drop the final "\n" (WHATWG). */
        StrBuf t = c->cur;
        c->cur = c->data;
        c->data = t;
        if (c->cur.len)
            sb_truncate(&c->cur, c->cur.len - 1);
        bool oversize = c->oversize, error_field = c->error_field;
        reset_event(c);
        c->oversize = oversize;
        c->error_field = error_field;
        dispatch(c);
        c->oversize = c->error_field = false;
        return true;
    }
    c->seen_bytes = true;
    if (line[0] == ':')
        return false; /* a comment: keep-alives */
    const char *colon = memchr(line, ':', len);
    size_t nlen = colon ? (size_t)(colon - line) : len;
    const char *v = colon ? colon + 1 : line + len;
    size_t vlen = (size_t)(line + len - v);
    if (vlen && *v == ' ')
        v++, vlen--;
    bool is_data = nlen == 4 && memcmp(line, "data", 4) == 0;
    /* Old llama.cpp wrote `error: {...}` (PROTOCOL.md 4): read as data that is an error. */
    bool is_error = nlen == 5 && memcmp(line, "error", 5) == 0;
    if (!is_data && !is_error)
        return false; /* event, id, retry and unknown fields: nothing for flint */
    if (is_error)
        c->error_field = true;
    c->has_data = true;
    if (c->oversize || c->data.len + vlen + 1 > WIRE_CHAT_MAX_EVENT) {
        c->oversize = true;
        sb_reset(&c->data);
        return false;
    }
    sb_append(&c->data, v, vlen);
    sb_putc(&c->data, '\n');
    return false;
}

/* The end of a stream (wire_end, as ordered by eof_at): an unfinished line or event is
 * dropped (WHATWG: pending data is discarded at EOF), then the response ends. */
static void on_eof(WireChat *c)
{
    switch (c->phase) {
    case PH_READY:
        if (c->seen_bytes) {
            WireEvent *ev = push(c, WIRE_ERROR, "chat.eof");
            ev->error.message = "stream ended early (before any answer)";
        }
        break;
    case PH_STREAMING:
        push_failed(c, "stream ended early (no finish_reason)");
        break;
    case PH_FINISHING: /* PROTOCOL.md 4: EOF after a finish_reason is the end */
        push_terminal(c);
        break;
    case PH_OVER:
        break;
    }
    reset_event(c);
    c->phase = PH_READY;
    c->seen_bytes = c->cr = c->skip_line = false;
    c->at_start = true;
}

/* Reads lines until one dispatches an event (true) or the input runs out (false). */
static bool read_event(WireChat *c)
{
    for (;;) {
        size_t limit = c->eof ? c->eof_at : c->in.len;
        const char *b = c->in.data;
        if (c->cr && c->at < limit) {
            c->cr = false;
            if (b[c->at] == '\n') /* the LF of a CRLF */
                c->at++;
        }
        if (c->at_start && c->at < limit) {
            /* A UTF-8 BOM at the start of a stream is dropped (WHATWG). */
            static const char BOM[3] = "\xEF\xBB\xBF";
            size_t n = limit - c->at < 3 ? limit - c->at : 3;
            if (memcmp(b + c->at, BOM, n) == 0 && n < 3 && !c->eof)
                return false; /* could still be a BOM: wait for more */
            if (n == 3 && memcmp(b + c->at, BOM, 3) == 0)
                c->at += 3;
            c->at_start = false;
        }
        if (c->scan < c->at)
            c->scan = c->at;
        size_t i = c->scan;
        while (i < limit && b[i] != '\n' && b[i] != '\r')
            i++;
        if (i == limit) {
            c->scan = i;
            if (c->eof) {
                c->at = c->scan = c->eof_at; /* an unterminated last line is dropped */
                c->eof = false;
                on_eof(c);
                if (c->nq)
                    return true;
                continue; /* bytes fed after the end: the next stream */
            }
            if (i - c->at > WIRE_CHAT_MAX_EVENT) { /* a line that never ends: drop it */
                c->at = c->scan = i;
                c->skip_line = c->oversize = c->has_data = true;
            }
            return false;
        }
        const char *line = b + c->at;
        size_t len = i - c->at;
        c->cr = b[i] == '\r';
        c->at = c->scan = i + 1;
        if (c->skip_line) { /* the tail of a dropped line */
            c->skip_line = false;
            continue;
        }
        if (len > WIRE_CHAT_MAX_EVENT) {
            c->oversize = c->has_data = true;
            continue;
        }
        if (on_line(c, line, len))
            return true;
    }
}

/* ---- the dialect ------------------------------------------------------------------------- */

static void release(WireChat *c)
{
    cJSON_Delete(c->tree);
    c->tree = NULL;
    c->nq = c->qi = 0;
    sb_reset(&c->msg);
}

static void chat_feed(Wire *w, const char *data, size_t len)
{
    WireChat *c = (WireChat *)w;
    if (c->at) { /* drop what was read */
        memmove(c->in.data, c->in.data + c->at, c->in.len - c->at);
        sb_truncate(&c->in, c->in.len - c->at);
        c->scan -= c->at;
        c->eof_at = c->eof_at > c->at ? c->eof_at - c->at : 0;
        c->at = 0;
    }
    sb_append(&c->in, data, len);
}

static bool chat_next(Wire *w, WireEvent *ev)
{
    WireChat *c = (WireChat *)w;
    for (;;) {
        if (c->qi < c->nq) {
            *ev = c->q[c->qi++];
            return true;
        }
        release(c);
        if (!read_event(c))
            return false;
    }
}

static void chat_end(Wire *w)
{
    WireChat *c = (WireChat *)w;
    if (c->eof)
        return; /* one end at a time: the one pending covers it */
    c->eof = true;
    c->eof_at = c->in.len;
}

static void chat_reset(Wire *w)
{
    WireChat *c = (WireChat *)w;
    sb_reset(&c->in);
    c->at = c->scan = c->eof_at = 0;
    c->eof = c->cr = c->skip_line = false;
    c->at_start = true;
    reset_event(c);
    c->phase = PH_READY;
    c->seen_bytes = false;
    c->qi = c->nq; /* queued events of the old connection are dropped; the last one stays */
}

/* A non-200 reply: its body is an error document, not a stream. */
static void chat_http_error(Wire *w, const WireHttpError *h)
{
    WireChat *c = (WireChat *)w;
    release(c); /* a new answer: whatever was still queued is over */
    sb_reset(&c->cur);
    if (h->len)
        sb_append(&c->cur, h->body, h->len);
    bool started = c->phase == PH_STREAMING || c->phase == PH_FINISHING;
    WireEvent *ev = push(c, started ? WIRE_FAILED : WIRE_ERROR, "chat.http_error");
    ev->response_id = started ? cur_id(c) : NULL;
    cJSON *root = h->len ? cJSON_ParseWithLength(h->body, h->len) : NULL;
    if (root && cJSON_IsObject(root)) {
        c->tree = root;
        c->error_field = false;
        if (!find_error(c, root, &ev->error) && cJSON_IsString(wire_get(root, "detail")))
            ev->error.message = wire_get_str(root, "detail"); /* FastAPI's {"detail": ...} */
        if (!ev->error.message)
            ev->error.message = wire_get_str(root, "message");
    } else {
        cJSON_Delete(root);
    }
    ev->error.status = h->status; /* the reply's status wins over one in the body */
    sb_printf(&c->msg, "HTTP %d", h->status);
    if (ev->error.message && *ev->error.message) {
        sb_printf(&c->msg, ": %s", ev->error.message);
    } else if (h->len && !c->tree) { /* plain text: its first line, printable, capped */
        sb_puts(&c->msg, ": ");
        for (size_t i = 0; i < h->len && i < 200 && h->body[i] != '\n' && h->body[i] != '\r';
             i++)
            sb_putc(&c->msg, (unsigned char)h->body[i] >= 0x20 ? h->body[i] : '?');
    } else if (h->status == 401 || h->status == 403) {
        sb_puts(&c->msg, ": the server refused the API key (or none was sent)");
    } else if (h->status == 404) {
        sb_puts(&c->msg, ": not found (is this a Chat Completions endpoint?)");
    }
    ev->error.message = sb_cstr(&c->msg);
    int64_t ms = wire_delay_ms(h->retry_after_ms, false);
    ev->error.retry_after_ms = ms >= 0 ? ms : wire_delay_ms(h->retry_after, true);
    c->phase = PH_READY; /* nothing follows an error reply in its body */
    c->seen_bytes = false;
}

static bool code_is(const WireError *e, const char *code)
{
    return e->code && strcmp(e->code, code) == 0;
}

static WireAction chat_classify(const Wire *w, const WireError *e)
{
    (void)w;
    if (e->status == 401 || e->status == 403 || code_is(e, "insufficient_quota") ||
        code_is(e, "invalid_api_key") || code_is(e, "usage_limit_reached"))
        return WIRE_ACT_FAIL; /* waiting does not cure a refused key or an empty quota */
    if (e->status == 429 || code_is(e, "rate_limit_exceeded"))
        return WIRE_ACT_WAIT; /* Cerebras' token bucket, OpenAI's limits: Retry-After */
    if (e->status == 503 || e->status == 529)
        return WIRE_ACT_WAIT; /* overloaded, or llama.cpp still loading the model */
    return WIRE_ACT_FAIL;
}

static void chat_free(Wire *w)
{
    WireChat *c = (WireChat *)w;
    release(c);
    sb_free(&c->in);
    sb_free(&c->data);
    sb_free(&c->cur);
    sb_free(&c->msg);
    free(c);
}

static const WireOps CHAT_OPS = {
    .name = "chat",
    .can_chain = false,        /* no server-side chain: each request carries the conversation */
    .abandoned_answer = false, /* cancel = close the connection (PROTOCOL.md 4, 7.2) */
    .encode = chat_encode,
    .feed = chat_feed,
    .next = chat_next,
    .end = chat_end,
    .reset = chat_reset,
    .classify = chat_classify,
    .free = chat_free,
    .http_error = chat_http_error,
};

void wire_chat_set_cache_key(Wire *w, bool send)
{
    BUG_ON(w->ops != &CHAT_OPS);
    ((WireChat *)w)->send_cache_key = send;
}

Wire *wire_chat_new(void)
{
    WireChat *c = xcalloc(1, sizeof *c);
    c->base.ops = &CHAT_OPS;
    c->at_start = true;
    c->phase = PH_READY;
    return &c->base;
}
