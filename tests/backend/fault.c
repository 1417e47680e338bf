/* Scripted faults of flint-backend (see fault.h). The connection side (when to cut, when to
 * close, where a message is written) is hooked into conn.c; this file decides and acts. */
#include "tests/backend/fault.h"

#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libwebsockets.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "tests/backend/conn.h"
#include "tests/backend/events.h"
#include "tests/backend/request.h"

static const char *const names[] = {
    [FAULT_NONE] = "none",           [FAULT_HANG] = "hang",
    [FAULT_RST_BEFORE] = "rst-before", [FAULT_RST_MID] = "rst-mid",
    [FAULT_DROP_BEFORE] = "drop-before", [FAULT_DROP_MID] = "drop-mid",
    [FAULT_HUGE] = "huge",           [FAULT_BIG] = "big",
    [FAULT_FRAG] = "frag",           [FAULT_LIMIT] = "limit",
    [FAULT_LIMIT_IDLE] = "limit-idle", [FAULT_PREV_LOST] = "prev-lost",
};
enum { NAME_COUNT = sizeof names / sizeof names[0] };

bool fault_parse(const char *name, FaultKind *out)
{
    for (int k = 1; k < NAME_COUNT; k++)
        if (strcmp(name, names[k]) == 0) {
            *out = (FaultKind)k;
            return true;
        }
    return false;
}

const char *fault_name(FaultKind k) { return (unsigned)k < NAME_COUNT ? names[k] : "?"; }

/* "fault:NAME" in the question (before flint's context rule). */
static FaultKind keyword(const char *q, size_t len)
{
    for (size_t i = 0; len >= 6 && i <= len - 6; i++) {
        if (memcmp(q + i, "\n\n---\n", 6) == 0)
            len = i;
    }
    for (size_t i = 0; len >= 6 && i + 6 <= len; i++) {
        if (memcmp(q + i, "fault:", 6) != 0)
            continue;
        char name[16];
        size_t n = 0;
        for (size_t j = i + 6; j < len && n + 1 < sizeof name; j++) {
            char ch = q[j];
            if (!((ch >= 'a' && ch <= 'z') || ch == '-'))
                break;
            name[n++] = ch;
        }
        name[n] = '\0';
        FaultKind k;
        if (fault_parse(name, &k))
            return k;
    }
    return FAULT_NONE;
}

FaultKind fault_for(Conn *c, const Request *q)
{
    FaultKind k = keyword(q->question, q->question_len);
    if (k == FAULT_NONE && c->env->fault_left > 0) {
        c->env->fault_left--;
        k = (FaultKind)c->env->fault;
    }
    return k;
}

static char *print(cJSON *o, size_t *len)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        abort();
    *len = strlen(s);
    return s;
}

/* A response.completed whose one message carries bytes of text: over any sane cap. */
static char *huge_event(size_t bytes, size_t *len)
{
    static const char head[] =
        "{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{\"id\":"
        "\"resp_huge\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":"
        "\"message\",\"id\":\"msg_huge\",\"role\":\"assistant\",\"status\":\"completed\","
        "\"content\":[{\"type\":\"output_text\",\"annotations\":[],\"text\":\"";
    static const char tail[] = "\"}]}]}}";
    size_t n = sizeof head - 1 + bytes + sizeof tail - 1;
    char *s = xmalloc(n + 1);
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'x', bytes);
    memcpy(s + sizeof head - 1 + bytes, tail, sizeof tail);
    *len = n;
    return s;
}

static void queue_limit_error(Conn *c, const char *stream_id)
{
    size_t len;
    char *json = ev_error(400, "invalid_request_error", "websocket_connection_limit_reached",
                         "Responses websocket connection limit reached (60 minutes). Create a "
                         "new websocket connection to continue.", NULL, stream_id, &len);
    conn_queue(c, json, len);
    c->fault.close_after = true;
}

bool fault_start(Conn *c, const Request *q, FaultKind k)
{
    if (k == FAULT_NONE)
        return false;
    if (k == FAULT_PREV_LOST && !q->prev_id)
        return false;
    log_msg("fault conn=%u %s", c->id, fault_name(k));
    FaultState *f = &c->fault;
    switch (k) {
    case FAULT_HANG:
        f->hung = true;
        lws_rx_flow_control(c->wsi, 0); /* pings stay unread: no pong */
        return true;
    case FAULT_RST_BEFORE:
    case FAULT_DROP_BEFORE:
    case FAULT_RST_MID:
    case FAULT_DROP_MID: {
        bool mid = k == FAULT_RST_MID || k == FAULT_DROP_MID;
        f->cut = true;
        f->cut_rst = k == FAULT_RST_BEFORE || k == FAULT_RST_MID;
        f->cut_at = mid ? FAULT_MID_DELTAS : 0;
        return !mid;
    }
    case FAULT_HUGE: {
        size_t len;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "response.created");
        cJSON_AddNumberToObject(o, "sequence_number", 0);
        cJSON *r = cJSON_AddObjectToObject(o, "response");
        cJSON_AddStringToObject(r, "id", "resp_huge");
        cJSON_AddStringToObject(r, "object", "response");
        cJSON_AddStringToObject(r, "status", "in_progress");
        cJSON_AddArrayToObject(r, "output");
        char *json = print(o, &len);
        conn_queue(c, json, len);
        json = huge_event(FAULT_HUGE_BYTES, &len);
        conn_queue(c, json, len);
        return true;
    }
    case FAULT_BIG:
        f->big = true;
        return false;
    case FAULT_FRAG:
        f->frag = true;
        return false;
    case FAULT_LIMIT:
        queue_limit_error(c, q->stream_id);
        return true;
    case FAULT_LIMIT_IDLE:
        f->limit_idle = true;
        return false;
    case FAULT_PREV_LOST: {
        char msg[400];
        snprintf(msg, sizeof msg, "Previous response with id '%.300s' not found.", q->prev_id);
        size_t len;
        char *json = ev_error(400, "invalid_request_error", "previous_response_not_found", msg,
                             "previous_response_id", q->stream_id, &len);
        conn_queue(c, json, len);
        return true;
    }
    case FAULT_NONE:
        break;
    }
    return false;
}

int fault_cut(Conn *c)
{
    FaultState *f = &c->fault;
    int fd = lws_get_socket_fd(c->wsi);
    log_msg("fault conn=%u %s after=%ld", c->id, f->cut_rst ? "rst" : "drop", f->cut_at);
    if (f->cut_rst) {
        /* SO_LINGER 0, and a disconnect now: Linux answers connect(AF_UNSPEC) on an
         * established socket with a RST at once, before lws can shut it down with a FIN. */
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        struct sockaddr sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_family = AF_UNSPEC;
        (void)connect(fd, &sa, sizeof sa);
    } else {
        shutdown(fd, SHUT_RDWR); /* FIN; the Close frame lws may try next cannot go out */
    }
    f->cut = false;
    c->closing = true;
    return -1;
}

int fault_close(Conn *c)
{
    static const char reason[] = "connection limit reached";
    log_msg("fault conn=%u close code=1000", c->id);
    lws_close_reason(c->wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)reason,
                     sizeof reason - 1);
    c->fault.close_after = false;
    c->closing = true;
    return -1;
}

bool fault_send_fragments(Conn *c, unsigned char *buf, size_t len)
{
    FaultState *f = &c->fault;
    BUG_ON(f->pend);
    f->pend = xmalloc(LWS_PRE + len + 1);
    memcpy(f->pend + LWS_PRE, buf + LWS_PRE, len);
    f->pend_len = len;
    f->pend_off = 0;
    f->pend_i = 0;
    return fault_send_pending(c);
}

bool fault_send_pending(Conn *c)
{
    FaultState *f = &c->fault;
    static const size_t sizes[] = {1, 1, 1, 1, 2, 3, 1, 5, 7, 1, 2};
    unsigned char *p = f->pend + LWS_PRE;
    size_t len = f->pend_len;
    while (f->pend_off < len || (len == 0 && f->pend_i == 0)) {
        if (lws_send_pipe_choked(c->wsi)) { /* the rest from the next WRITEABLE */
            lws_callback_on_writable(c->wsi);
            return true;
        }
        size_t off = f->pend_off, i = f->pend_i;
        /* a large message (the huge fault's) in 4 KiB fragments after the first few */
        size_t n = i < 8 ? 1 : len > 65536 ? 4096 : sizes[i % (sizeof sizes / sizeof sizes[0])];
        if (n > len - off)
            n = len - off;
        bool first = off == 0 && i == 0, last = off + n == len;
        int proto = first ? LWS_WRITE_TEXT : LWS_WRITE_CONTINUATION;
        if (!last)
            proto |= LWS_WRITE_NO_FIN;
        /* lws writes the frame header into the bytes before p + off: LWS_PRE of headroom
         * for the first fragment, already-sent bytes of the message for the others. */
        if (lws_write(c->wsi, p + off, n, (enum lws_write_protocol)proto) < (int)n)
            return false;
        f->pend_off += n;
        f->pend_i++;
        if (++f->frag_n % 16 == 0 && !last) {
            unsigned char ping[LWS_PRE + 4];
            memcpy(ping + LWS_PRE, "frag", 4);
            if (lws_write(c->wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 4)
                return false;
        }
        if (len == 0)
            break;
    }
    free(f->pend);
    f->pend = NULL;
    return true;
}

void fault_terminal(Conn *c, char **json, size_t *len)
{
    FaultState *f = &c->fault;
    if (f->big) {
        f->big = false;
        static const char key[] = "\"output\":[";
        char *at = strstr(*json, key);
        if (at) {
            static const char head[] = "{\"type\":\"reasoning\",\"id\":\"rs_big\",\"summary\":"
                                       "[{\"type\":\"summary_text\",\"text\":\"";
            static const char tail[] = "\"}]},";
            size_t pre = (size_t)(at - *json) + sizeof key - 1;
            size_t n = *len + sizeof head - 1 + FAULT_BIG_BYTES + sizeof tail - 1;
            char *s = xmalloc(n + 1);
            char *w = s;
            memcpy(w, *json, pre), w += pre;
            memcpy(w, head, sizeof head - 1), w += sizeof head - 1;
            memset(w, 'y', FAULT_BIG_BYTES), w += FAULT_BIG_BYTES;
            memcpy(w, tail, sizeof tail - 1), w += sizeof tail - 1;
            memcpy(w, *json + pre, *len - pre + 1);
            free(*json);
            *json = s;
            *len = n;
        }
    }
    if (f->limit_idle) { /* the socket goes idle; the error comes a little later */
        f->limit_idle = false;
        lws_set_timer_usecs(c->wsi, FAULT_IDLE_US);
    }
}

int fault_timer(Conn *c)
{
    if (!c->closing && !c->fault.hung) {
        log_msg("fault conn=%u unsolicited websocket_connection_limit_reached", c->id);
        queue_limit_error(c, NULL);
    }
    return 0;
}

bool fault_gateway_refuse(Conn *c, Request *q)
{
    if (!c->env->strict || q->kind != REQ_CREATE || (!conn_active_id(c) && !c->req_head))
        return false;
    size_t len;
    char *json = ev_error(409, "invalid_request_error", "response_already_in_flight",
                         "A response is already in flight on this connection; wait for its "
                         "terminal event before sending another response.create.",
                         NULL, q->stream_id, &len);
    conn_queue(c, json, len);
    log_msg("error conn=%u code=response_already_in_flight", c->id);
    request_free(q);
    return true;
}
