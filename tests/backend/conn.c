/* The per-connection state machine of flint-backend (see conn.h for the data it owns).
 *
 * Everything is driven from WRITEABLE by conn_pump(), which loops over, in priority order:
 *   1. queued events (out), oldest first;
 *   2. the active stream's next delta, if it is due;
 *   3. finishing the active stream (queues output_text.done ... response.completed);
 *   4. starting the next queued request (queues response.created ... or an error event).
 * It stops when the socket is choked (or the client has sent something, see conn_may_write),
 * when a paced stream has to wait for its next delta (the Pacer asks for WRITEABLE again),
 * after a bounded batch, or when there is nothing left to do.
 *
 * Pacing (--rate R): delta k (from 0) is due R^-1 * k seconds after the stream started, so
 * the first goes out at once and a late tick catches up in a burst. The timer sleeps until
 * the next delta is due, but at least 2 ms, so high rates send small bursts per tick
 * instead of one wake-up per delta. Rate 0 writes back to back while the pipe accepts. */
#include "tests/backend/conn.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "tests/backend/events.h"
#include "tests/backend/script.h"
#include "tests/backend/steer.h"
#include "tests/backend/tokenize.h"
#include "tests/backend/wsframe.h"

#define PUMP_BATCH 4096          /* messages per WRITEABLE before yielding to the loop */
#define TICK_MIN_US 2000         /* pacing timer granularity */

struct OutMsg {
    OutMsg *next;
    size_t len;
    unsigned char buf[]; /* LWS_PRE headroom, then len bytes of JSON, then NUL */
};

struct Stream {
    Resp r;
    Answer *answer;
    size_t target;      /* deltas to send */
    size_t sent;
    int seq;            /* next sequence_number */
    uint64_t start_ns;
    uint64_t first_at_ns; /* --prefill-ms: nothing before this (0: no wait) */
    StrBuf prefix, suffix;
    unsigned char *tx;  /* LWS_PRE + one delta */
    long stall_at;      /* --stall: go silent after this many deltas; -1 never */
    bool stall_logged;
    char *steer_text;   /* an accepted steer (steer.c): the successor's question */
    size_t steer_len;
    size_t steer_at;    /* ... the response ends as steered after this many deltas */
};

/* ---- queues ------------------------------------------------------------------------- */

static void out_push(Conn *c, char *json, size_t len)
{
    OutMsg *m = xmalloc(sizeof *m + LWS_PRE + len + 1);
    m->next = NULL;
    m->len = len;
    memcpy(m->buf + LWS_PRE, json, len + 1);
    free(json);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
}

static OutMsg *out_pop(Conn *c)
{
    OutMsg *m = c->out_head;
    c->out_head = m->next;
    if (!c->out_head)
        c->out_tail = NULL;
    return m;
}

static void req_push(Conn *c, Request *r)
{
    r->next = NULL;
    if (c->req_tail)
        c->req_tail->next = r;
    else
        c->req_head = r;
    c->req_tail = r;
}

static Request *req_pop(Conn *c)
{
    Request *r = c->req_head;
    c->req_head = r->next;
    if (!c->req_head)
        c->req_tail = NULL;
    return r;
}

static void stream_free(Stream *s)
{
    if (!s)
        return;
    resp_free_fields(&s->r);
    answer_free(s->answer);
    sb_free(&s->prefix);
    sb_free(&s->suffix);
    free(s->tx);
    free(s->steer_text);
    free(s);
}

/* ---- starting and finishing responses ------------------------------------------------ */

static void queue_error(Conn *c, int status, const char *code, const char *param,
                        const char *message, const char *stream_id)
{
    size_t len;
    char *json = ev_error(status, "invalid_request_error", code, message, param, stream_id, &len);
    out_push(c, json, len);
    log_msg("error conn=%u code=%s", c->id, code ? code : "null");
}

static void queue_event(Conn *c, char *json, size_t len)
{
    out_push(c, json, len);
    c->active->seq++;
}

/* The full text for the done/completed events: the first target pieces of the answer,
 * repeating it if needed. */
static void stream_build_text(Stream *s)
{
    StrBuf text = {0};
    if (s->answer->ntok) {
        if (s->target == s->answer->ntok) {
            sb_append(&text, s->answer->text, s->answer->len);
        } else {
            for (size_t i = 0; i < s->target; i++) {
                size_t n;
                const char *p = answer_piece(s->answer, i, &n);
                sb_append(&text, p, n);
            }
        }
    }
    s->r.text_len = text.len;
    s->r.text = sb_steal(&text, NULL);
}

static void start_request(Conn *c, Request *q)
{
    if (q->kind == REQ_ERROR) {
        /* A continuation that fails with a 4xx evicts the response it names, so a retry
         * cannot resume from a broken state; a failed fork from another lane keeps the
         * shared parent (PROTOCOL.md 1.5). */
        lanes_evict(&c->lanes, q->stream_id, q->prev_id);
        queue_error(c, q->err_status, q->err_code, q->err_param, q->err_message, q->stream_id);
        return;
    }
    ConnEnv *env = c->env;
    if (env->limit_left > 0) {
        /* --limit: a request-scoped 429 before response.created (PROTOCOL.md 7.3 #6). */
        env->limit_left--;
        char ra[32], rr[32];
        snprintf(ra, sizeof ra, "%g", env->limit_secs);
        snprintf(rr, sizeof rr, "%gs", env->limit_secs);
        size_t len;
        char *json = ev_rate_limited(ra, rr, &len);
        out_push(c, json, len);
        log_msg("error conn=%u code=rate_limit_exceeded retry_after=%s", c->id, ra);
        return;
    }
    if (fault_start(c, q, fault_for(c, q)))
        return;
    const Lane *parent = lanes_by_id(&c->lanes, q->prev_id);
    if (q->prev_id && !parent) {
        /* store:false - only a lane's most recent response can be continued. */
        char msg[400];
        snprintf(msg, sizeof msg, "Previous response with id '%.300s' not found.", q->prev_id);
        queue_error(c, 400, "previous_response_not_found", "previous_response_id", msg,
                    q->stream_id);
        return;
    }
    Stream *s = xcalloc(1, sizeof *s);
    Resp *r = &s->r;
    ev_new_ids(r);
    r->model = q->model;
    r->instructions = q->instructions;
    r->prev_id = q->prev_id;
    r->stream_id = q->stream_id;
    q->model = q->instructions = q->prev_id = q->stream_id = NULL;
    r->max_output_tokens = q->max_output_tokens;
    r->generate = q->generate;
    r->created_at = (int64_t)time(NULL);
    r->status = "in_progress";

    ScriptPick pick = script_pick(q->question, q->question_len, &env->rotation);
    s->answer = answer_new(pick.text, pick.len);
    if (env->tokens > 0 && s->answer->ntok == 0) { /* nothing to repeat: use a canned one */
        answer_free(s->answer);
        pick = script_builtin(env->rotation++);
        s->answer = answer_new(pick.text, pick.len);
    }
    s->target = env->tokens > 0 ? (size_t)env->tokens : s->answer->ntok;
    if (!r->generate)
        s->target = 0; /* warm-up: state only, no output (PROTOCOL.md 1.3) */
    if (r->max_output_tokens >= 0 && s->target > (size_t)r->max_output_tokens) {
        s->target = (size_t)r->max_output_tokens;
        r->truncated = true;
    }
    bool chained = r->prev_id != NULL;
    r->cached_tokens = chained ? parent->total_tokens : 0;
    r->input_tokens = q->input_tokens + r->cached_tokens;
    r->output_tokens = (long)s->target;

    ev_delta_prefix(r, &s->prefix, &s->suffix);
    size_t max_esc = 0;
    for (size_t i = 0; i < s->answer->ntok; i++) {
        size_t n = s->answer->esc_off[i + 1] - s->answer->esc_off[i];
        if (n > max_esc)
            max_esc = n;
    }
    s->tx = xmalloc(LWS_PRE + s->prefix.len + max_esc + EV_DELTA_SLACK + s->suffix.len);

    c->active = s;
    size_t len;
    char *json;
    json = ev_lifecycle(r, "response.created", s->seq, &len);
    queue_event(c, json, len);
    json = ev_lifecycle(r, "response.in_progress", s->seq, &len);
    queue_event(c, json, len);
    if (r->generate) {
        json = ev_output_item(r, false, s->seq, &len);
        queue_event(c, json, len);
        json = ev_content_part(r, false, s->seq, &len);
        queue_event(c, json, len);
    }
    s->stall_at = -1;
    if (env->stall_left > 0 && r->generate) {
        env->stall_left--;
        s->stall_at = env->stall_after;
    }
    s->start_ns = clock_now_ns();
    /* --prefill-ms: a prefix not seen on this connection costs a prefill before the first
     * delta (a warm-up pays it itself, before its completed); a chained request, or one with
     * the instructions of the last response here, was warmed. */
    bool warmed = r->prev_id != NULL ||
                  (c->warm_instructions && r->instructions &&
                   strcmp(c->warm_instructions, r->instructions) == 0);
    if (env->prefill_ns && !warmed)
        s->first_at_ns = s->start_ns + env->prefill_ns;
    free(c->warm_instructions);
    c->warm_instructions = r->instructions ? xstrdup(r->instructions) : NULL;
    log_msg("create conn=%u resp=%s model=%s generate=%d warmed=%d", c->id, r->id,
            r->model ? r->model : "-", (int)r->generate, (int)warmed);
    /* rate as given: "1000", "0", "2.5" (never 1e+06) */
    log_msg("stream conn=%u resp=%s deltas=%zu rate=%.*f", c->id, r->id, s->target,
            env->rate == (double)(long long)env->rate ? 0 : 3, env->rate);
}

static void finish_stream(Conn *c)
{
    Stream *s = c->active;
    Resp *r = &s->r;
    r->status = r->truncated ? "incomplete" : "completed";
    r->completed_at = (int64_t)time(NULL);
    stream_build_text(s); /* only now: a long --tokens text would delay the first delta */
    size_t len;
    char *json;
    if (r->generate) {
        json = ev_text_done(r, s->seq, &len);
        queue_event(c, json, len);
        json = ev_content_part(r, true, s->seq, &len);
        queue_event(c, json, len);
        json = ev_output_item(r, true, s->seq, &len);
        queue_event(c, json, len);
    }
    json = ev_lifecycle(r, r->truncated ? "response.incomplete" : "response.completed", s->seq,
                        &len);
    fault_terminal(c, &json, &len);
    queue_event(c, json, len);
    lanes_set(&c->lanes, r->stream_id, r->id, r->input_tokens + r->output_tokens);
    log_msg("done conn=%u resp=%s deltas=%zu status=%s", c->id, r->id, s->sent, r->status);
    stream_free(s);
    c->active = NULL;
}

/* An accepted steer's turn (PROTOCOL.md 1.7): the response ends with response.incomplete
 * (reason "steered") and a successor with the same settings answers the steer's text; no
 * create from the client. */
static void steer_switch(Conn *c)
{
    Stream *s = c->active;
    Resp *r = &s->r;
    s->target = s->sent;
    r->status = "incomplete";
    r->incomplete_reason = "steered";
    r->output_tokens = (long)s->sent;
    r->completed_at = (int64_t)time(NULL);
    stream_build_text(s);
    size_t len;
    char *json = ev_text_done(r, s->seq, &len);
    queue_event(c, json, len);
    json = ev_content_part(r, true, s->seq, &len);
    queue_event(c, json, len);
    json = ev_output_item(r, true, s->seq, &len);
    queue_event(c, json, len);
    json = ev_lifecycle(r, "response.incomplete", s->seq, &len);
    queue_event(c, json, len);
    log_msg("steer conn=%u steered resp=%s successor follows", c->id, r->id);
    Request *q = xcalloc(1, sizeof *q);
    q->kind = REQ_CREATE;
    q->model = xstrdup(r->model ? r->model : "");
    q->instructions = r->instructions ? xstrdup(r->instructions) : NULL;
    q->stream_id = r->stream_id ? xstrdup(r->stream_id) : NULL;
    q->question = s->steer_text;
    q->question_len = s->steer_len;
    s->steer_text = NULL;
    q->max_output_tokens = r->max_output_tokens;
    q->generate = true;
    q->input_tokens = (long)(q->question_len / 4);
    stream_free(s);
    c->active = NULL;
    start_request(c, q);
    request_free(q);
}

const char *conn_active_id(const Conn *c) { return c->active ? c->active->r.id : NULL; }
int conn_take_seq(Conn *c) { return c->active ? c->active->seq++ : 0; }
bool conn_steer_pending(const Conn *c) { return c->active && c->active->steer_text; }

void conn_queue(Conn *c, char *json, size_t len)
{
    out_push(c, json, len);
    lws_callback_on_writable(c->wsi);
}

void conn_steer_accept(Conn *c, const char *text, size_t len)
{
    Stream *s = c->active;
    BUG_ON(!s || s->steer_text);
    s->steer_text = xstrndup(text, len);
    s->steer_len = len;
    s->steer_at = s->sent + STEER_TAIL_DELTAS;
    lws_callback_on_writable(c->wsi);
}

/* ---- pacing --------------------------------------------------------------------------- */

static void conn_tick(PacerEntry *e)
{
    Conn *c = lws_container_of(e, Conn, tick);
    if (!c->closing && c->active)
        lws_callback_on_writable(c->wsi);
}

/* How many deltas of the active stream may have been sent by now. */
static size_t deltas_due(const Conn *c, uint64_t now)
{
    const Stream *s = c->active;
    if (c->env->rate <= 0)
        return s->target;
    double due = 1.0 + (double)(now - s->start_ns) * c->env->rate / 1e9;
    return due >= (double)s->target ? s->target : (size_t)due;
}

static void arm_timer(Conn *c, uint64_t now)
{
    if (c->tick.queued)
        return;
    const Stream *s = c->active;
    uint64_t next = s->start_ns + (uint64_t)((double)s->sent * 1e9 / c->env->rate);
    uint64_t earliest = now + TICK_MIN_US * 1000ull;
    c->tick.fire = conn_tick;
    pacer_schedule(c->env->pacer, &c->tick, next > earliest ? next : earliest);
}

/* ---- writing -------------------------------------------------------------------------- */

/* Looks in the socket's receive queue, without consuming it, for a Close frame from the
 * client (wsframe.h). Returns the unmasked payload length, or -1.
 *
 * The queue starts where lws stopped reading, and lws reads in chunks regardless of frame
 * boundaries: after a partial read the queue starts inside a frame (a fragment of a large
 * create, say), whose bytes could parse as a bogus Close. So the peek is only trusted when
 * the parser is between frames: no message is being reassembled (no fragment of it seen
 * yet) and lws has no payload left of the current frame. One gap remains: a read that ends
 * inside a frame header leaves lws_remaining_packet_payload() at 0 (the new frame's length
 * is not known yet); a peek from there fails ws_scan_close()'s checks all but by chance. */
static int peek_close_frame(Conn *c, unsigned char *payload, size_t cap)
{
    if (c->rx_in_message || lws_remaining_packet_payload(c->wsi) != 0)
        return -1;
    unsigned char buf[4096];
    ssize_t n = recv(lws_get_socket_fd(c->wsi), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 ? ws_scan_close(buf, (size_t)n, payload, cap) : -1;
}

/* A failed write means the client is gone: typically it sent Close and dropped the TCP
 * connection at once, and our unread deltas turned the drop into a RST. lws would now
 * discard the Close frame still queued in our socket without calling
 * LWS_CALLBACK_WS_PEER_INITIATED_CLOSE, and the "close conn=N code=..." line that the tests
 * and the benchmark rely on would be lost, so we read the frame from the queue ourselves.
 * When that cannot be done reliably (see peek_close_frame) the line is
 * "error conn=N code=write_failed" instead: no close code is made up. Then stop writing and
 * let lws find the reset on its next read. */
static bool send_text(Conn *c, unsigned char *buf, size_t len)
{
    bool ok = c->fault.frag ? fault_send_fragments(c, buf, len)
                            : lws_write(c->wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) >= (int)len;
    if (!ok) {
        unsigned char payload[125];
        int n = peek_close_frame(c, payload, sizeof payload);
        if (n >= 0)
            conn_peer_close(c, payload, (size_t)n);
        else
            log_msg("error conn=%u code=write_failed", c->id);
        c->closing = true;
        pacer_cancel(c->env->pacer, &c->tick);
        return false;
    }
    dump_line(c->env->dump, 'S', (const char *)buf + LWS_PRE, len);
    return true;
}

static bool send_delta(Conn *c)
{
    Stream *s = c->active;
    size_t esc_len;
    const char *esc = answer_piece_esc(s->answer, s->sent, &esc_len);
    size_t len = ev_delta_write((char *)s->tx + LWS_PRE, &s->prefix, esc, esc_len, s->seq,
                                &s->suffix);
    if (!send_text(c, s->tx, len))
        return false;
    s->seq++;
    s->sent++;
    c->deltas_sent++;
    return true;
}

/* lws_send_pipe_choked() plus one more question in the same poll(2): has the client sent
 * something? If so we yield before writing, so that lws reads it first. This matters for a
 * client that sends Close and drops the TCP connection at once (the lws client does, and
 * its unread deltas turn the drop into a RST): if we keep writing, the write fails and lws
 * discards the queued Close frame without LWS_CALLBACK_WS_PEER_INITIATED_CLOSE, so the
 * "close conn=N code=..." line the tests and the benchmark rely on would be lost. Reading
 * first also lets lws answer a ping, or take a queued create, during a long burst. */
static bool conn_may_write(Conn *c)
{
    if (lws_partial_buffered(c->wsi))
        return false;
    struct pollfd p = {lws_get_socket_fd(c->wsi), POLLIN | POLLOUT, 0};
    if (poll(&p, 1, 0) != 1)
        return false;
    /* Insurance against a livelock should lws ever leave readable input unread: after 64
     * yields in a row with input still pending, stop deferring to it. */
    if (!(p.revents & (POLLIN | POLLERR | POLLHUP)))
        c->input_yields = 0;
    else if (c->input_yields < 64) {
        c->input_yields++;
        return false;
    }
    return (p.revents & POLLOUT) != 0;
}

static int conn_pump(Conn *c)
{
    for (int batch = 0; !c->closing && !c->fault.hung; batch++) {
        if (c->fault.cut && !c->out_head && !c->fault.pend &&
            (!c->active || c->active->sent >= (size_t)c->fault.cut_at))
            return fault_cut(c);
        if (batch == PUMP_BATCH || !conn_may_write(c)) {
            lws_callback_on_writable(c->wsi);
            return 0;
        }
        if (c->fault.pend) { /* the rest of a fragmented message first (fault.h) */
            if (!fault_send_pending(c)) {
                log_msg("error conn=%u code=write_failed", c->id);
                c->closing = true;
                return 0;
            }
            continue;
        }
        if (c->out_head) {
            OutMsg *m = out_pop(c);
            bool ok = send_text(c, m->buf, m->len);
            bool flush = !c->out_head;
            free(m);
            if (!ok)
                return 0;
            if (flush)
                dump_flush(c->env->dump);
            continue;
        }
        if (c->active) {
            Stream *s = c->active;
            if (s->steer_text && (s->sent >= s->steer_at || s->sent >= s->target)) {
                steer_switch(c);
                continue;
            }
            if (s->stall_at >= 0 && s->sent >= (size_t)s->stall_at) {
                /* --stall: silent from here on; only a Close (or the next request's
                 * arrival, which waits behind this one) wakes the connection. */
                if (!s->stall_logged)
                    log_msg("stall conn=%u resp=%s after=%zu", c->id, s->r.id, s->sent);
                s->stall_logged = true;
                dump_flush(c->env->dump);
                return 0;
            }
            if (s->first_at_ns) { /* --prefill-ms: the model is still reading the prompt */
                uint64_t t = clock_now_ns();
                if (t < s->first_at_ns) {
                    if (!c->tick.queued) {
                        c->tick.fire = conn_tick;
                        pacer_schedule(c->env->pacer, &c->tick, s->first_at_ns);
                    }
                    return 0;
                }
                s->first_at_ns = 0;
                s->start_ns = t; /* pacing counts from the first delta */
            }
            if (s->sent < s->target) {
                uint64_t now = c->env->rate > 0 ? clock_now_ns() : 0;
                if (s->sent >= deltas_due(c, now)) {
                    arm_timer(c, now);
                    return 0;
                }
                if (!send_delta(c))
                    return 0;
                continue;
            }
            finish_stream(c);
            continue;
        }
        if (c->req_head) {
            Request *q = req_pop(c);
            start_request(c, q);
            request_free(q);
            continue;
        }
        dump_flush(c->env->dump);
        if (c->fault.close_after)
            return fault_close(c);
        return 0;
    }
    return 0;
}

/* ---- lws events ----------------------------------------------------------------------- */

void conn_open(Conn *c, struct lws *wsi, ConnEnv *env)
{
    memset(c, 0, sizeof *c);
    c->wsi = wsi;
    c->env = env;
    c->id = ++env->next_id;
    c->open = true;
    log_msg("open conn=%u", c->id);
}

/* A received message that is not JSON goes into the dump as a JSON string, so the dump
 * stays one JSON value per line (and the schema check flags it). */
static void dump_raw(Dump *d, const char *data, size_t len, bool binary)
{
    if (!d)
        return;
    char note[64];
    if (binary) {
        snprintf(note, sizeof note, "<binary frame, %zu bytes>", len);
        data = note;
        len = strlen(note);
    }
    char *buf = xmalloc(6 * len + 3);
    buf[0] = '"';
    size_t n = 1 + json_escape(buf + 1, data, len);
    buf[n++] = '"';
    dump_line(d, 'R', buf, n);
    free(buf);
}

static void conn_message(Conn *c, const char *data, size_t len, bool binary)
{
    if (c->fault.hung) /* fault hang: whatever was already read is ignored too */
        return;
    Incoming in;
    request_parse(data, len, binary, &in);
    log_msg("recv conn=%u type=%s prev=%s bytes=%zu", c->id, in.type, in.prev, len);
    if (in.dump)
        dump_line(c->env->dump, 'R', in.dump, strlen(in.dump));
    else
        dump_raw(c->env->dump, data, len, binary);
    dump_flush(c->env->dump);
    free(in.dump);
    if (in.req && fault_gateway_refuse(c, in.req)) {
        /* --gateway strict: refused at once */
    } else if (in.req) {
        req_push(c, in.req);
        lws_callback_on_writable(c->wsi);
    } else if (!strcmp(in.type, "response.steer")) {
        steer_on_message(c, data, len);
    }
}

int conn_receive(Conn *c, const void *in, size_t len)
{
    if (c->closing)
        return 0;
    if (!c->rx_in_message) {
        c->rx_in_message = true;
        c->rx_binary = lws_frame_is_binary(c->wsi) != 0;
        sb_reset(&c->rx);
    }
    if (c->rx.len + len > CONN_MAX_MESSAGE) {
        static const char reason[] = "message too large";
        log_msg("error conn=%u code=message_too_large", c->id);
        lws_close_reason(c->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)reason,
                         sizeof reason - 1);
        c->closing = true;
        return -1;
    }
    sb_append(&c->rx, in, len);
    if (!lws_is_final_fragment(c->wsi) || lws_remaining_packet_payload(c->wsi) > 0)
        return 0;
    c->rx_in_message = false;
    conn_message(c, c->rx.data ? c->rx.data : "", c->rx.len, c->rx_binary);
    if (c->rx.cap > 1u << 20) /* don't keep a huge buffer around after one big message */
        sb_free(&c->rx);
    return 0;
}

int conn_writeable(Conn *c)
{
    if (c->closing) /* lws calls WRITEABLE again after a close: write nothing */
        return 0;
    return conn_pump(c);
}

void conn_peer_close(Conn *c, const unsigned char *payload, size_t len)
{
    if (c->close_logged)
        return;
    c->close_logged = true;
    int code = len >= 2 ? (payload[0] << 8 | payload[1]) : 1005; /* 1005: no status (RFC 6455 7.4.1) */
    char reason[128];
    size_t n = 0;
    for (size_t i = 2; i < len && n + 1 < sizeof reason; i++)
        reason[n++] = (payload[i] >= 0x20 && payload[i] < 0x7f) ? (char)payload[i] : '?';
    reason[n] = '\0';
    log_msg("close conn=%u code=%d reason=%s", c->id, code, reason);
    c->closing = true; /* stop at once: no more deltas for a client that is leaving */
    pacer_cancel(c->env->pacer, &c->tick);
}

void conn_closed(Conn *c)
{
    if (!c->open)
        return;
    pacer_cancel(c->env->pacer, &c->tick);
    log_msg("closed conn=%u deltas_sent=%llu", c->id, (unsigned long long)c->deltas_sent);
    dump_flush(c->env->dump);
    while (c->out_head)
        free(out_pop(c));
    while (c->req_head)
        request_free(req_pop(c));
    stream_free(c->active);
    lanes_free(&c->lanes);
    free(c->fault.pend);
    c->fault.pend = NULL;
    sb_free(&c->rx);
    free(c->warm_instructions);
    c->warm_instructions = NULL;
    c->active = NULL;
    c->open = false;
}

char *conn_models_json(const ConnEnv *env)
{
    StrBuf b = {0};
    sb_puts(&b, "{\"object\":\"list\",\"data\":[");
    const char *list = env->models && *env->models ? env->models : "flint-backend";
    bool first = true;
    while (*list) {
        size_t n = strcspn(list, ",");
        if (n) {
            sb_printf(&b, "%s{\"id\":\"%.*s\",\"object\":\"model\",\"created\":0,"
                          "\"owned_by\":\"flint\"}", first ? "" : ",", (int)n, list);
            first = false;
        }
        list += n;
        if (*list == ',')
            list++;
    }
    sb_puts(&b, "]}");
    return b.data;
}
