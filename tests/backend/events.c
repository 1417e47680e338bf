/* Event builders. Everything but the text delta goes through cJSON: those events are a
 * handful per response, and cJSON guarantees well-formed output. The delta is assembled from
 * precomputed prefix/suffix bytes and a pre-escaped piece (tokenize.h), because at --rate 0
 * it is sent hundreds of thousands of times per second.
 *
 * Field order follows OpenAI's own payloads; JSON object order carries no meaning. */
#include "tests/backend/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/xalloc.h"

void resp_free_fields(Resp *r)
{
    free(r->model);
    free(r->instructions);
    free(r->prev_id);
    free(r->stream_id);
    free(r->text);
    r->model = r->instructions = r->prev_id = r->stream_id = r->text = NULL;
}

static void random_hex(char *dst, size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[32];
    BUG_ON(nbytes > sizeof buf);
    size_t got = 0;
    while (got < nbytes) {
        ssize_t n = getrandom(buf + got, nbytes - got, 0);
        if (n <= 0) { /* no entropy source: fall back to time, ids only need to differ */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            for (; got < nbytes; got++)
                buf[got] = (unsigned char)((uint64_t)ts.tv_nsec >> (got % 8 * 8)) ^ (unsigned char)got;
            break;
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < nbytes; i++) {
        dst[2 * i] = hex[buf[i] >> 4];
        dst[2 * i + 1] = hex[buf[i] & 15];
    }
    dst[2 * nbytes] = '\0';
}

void ev_new_ids(Resp *r)
{
    memcpy(r->id, "resp_", 5);
    random_hex(r->id + 5, 16);
    memcpy(r->item_id, "msg_", 4);
    random_hex(r->item_id + 4, 16);
}

static char *finish(cJSON *root, size_t *len)
{
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s)
        fatal(__FILE__, __LINE__, "out of memory printing JSON");
    *len = strlen(s);
    return s;
}

static cJSON *new_event(const char *type, int seq)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    if (seq >= 0)
        cJSON_AddNumberToObject(o, "sequence_number", seq);
    return o;
}

static void add_string_or_null(cJSON *o, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(o, key, value);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_stream_id(cJSON *o, const Resp *r)
{
    if (r && r->stream_id)
        cJSON_AddStringToObject(o, "stream_id", r->stream_id);
}

static cJSON *text_part(const Resp *r, bool with_text)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "type", "output_text");
    cJSON_AddStringToObject(p, "text", with_text && r->text ? r->text : "");
    cJSON_AddItemToObject(p, "annotations", cJSON_CreateArray());
    cJSON_AddItemToObject(p, "logprobs", cJSON_CreateArray());
    return p;
}

/* The message item; with_content: its final content (output_item.done, completed). */
static cJSON *message_item(const Resp *r, bool with_content)
{
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "id", r->item_id);
    cJSON_AddStringToObject(it, "type", "message");
    cJSON_AddStringToObject(it, "status",
                            !with_content ? "in_progress"
                            : r->truncated || r->incomplete_reason ? "incomplete"
                                                                   : "completed");
    cJSON_AddStringToObject(it, "role", "assistant");
    cJSON *content = cJSON_AddArrayToObject(it, "content");
    if (with_content)
        cJSON_AddItemToArray(content, text_part(r, true));
    return it;
}

static cJSON *usage_object(const Resp *r)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddNumberToObject(u, "input_tokens", (double)r->input_tokens);
    cJSON *in = cJSON_AddObjectToObject(u, "input_tokens_details");
    cJSON_AddNumberToObject(in, "cached_tokens", (double)r->cached_tokens);
    cJSON_AddNumberToObject(in, "cache_write_tokens", 0);
    cJSON_AddNumberToObject(u, "output_tokens", (double)r->output_tokens);
    cJSON *out = cJSON_AddObjectToObject(u, "output_tokens_details");
    cJSON_AddNumberToObject(out, "reasoning_tokens", 0);
    cJSON_AddNumberToObject(u, "total_tokens", (double)(r->input_tokens + r->output_tokens));
    return u;
}

/* The Response object (schema "Response"); terminal adds completed_at, output and usage. */
static cJSON *response_object(const Resp *r, bool terminal)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "object", "response");
    cJSON_AddNumberToObject(o, "created_at", (double)r->created_at);
    cJSON_AddStringToObject(o, "status", r->status);
    bool incomplete = r->truncated || r->incomplete_reason;
    if (terminal && !incomplete)
        cJSON_AddNumberToObject(o, "completed_at", (double)r->completed_at);
    else
        cJSON_AddNullToObject(o, "completed_at");
    cJSON_AddNullToObject(o, "error");
    if (terminal && incomplete) {
        cJSON *d = cJSON_AddObjectToObject(o, "incomplete_details");
        cJSON_AddStringToObject(d, "reason",
                                r->incomplete_reason ? r->incomplete_reason : "max_output_tokens");
    } else {
        cJSON_AddNullToObject(o, "incomplete_details");
    }
    add_string_or_null(o, "instructions", r->instructions);
    if (r->max_output_tokens >= 0)
        cJSON_AddNumberToObject(o, "max_output_tokens", (double)r->max_output_tokens);
    else
        cJSON_AddNullToObject(o, "max_output_tokens");
    cJSON_AddStringToObject(o, "model", r->model ? r->model : "");
    cJSON *output = cJSON_AddArrayToObject(o, "output");
    if (terminal && r->generate)
        cJSON_AddItemToArray(output, message_item(r, true));
    cJSON_AddTrueToObject(o, "parallel_tool_calls");
    add_string_or_null(o, "previous_response_id", r->prev_id);
    cJSON_AddNullToObject(o, "reasoning");
    cJSON_AddFalseToObject(o, "store");
    cJSON_AddNumberToObject(o, "temperature", 1);
    cJSON *text = cJSON_AddObjectToObject(o, "text");
    cJSON *format = cJSON_AddObjectToObject(text, "format");
    cJSON_AddStringToObject(format, "type", "text");
    cJSON_AddStringToObject(o, "tool_choice", "auto");
    cJSON_AddArrayToObject(o, "tools");
    cJSON_AddNumberToObject(o, "top_p", 1);
    cJSON_AddStringToObject(o, "truncation", "disabled");
    if (terminal) /* ResponseUsage is not nullable: absent until the end */
        cJSON_AddItemToObject(o, "usage", usage_object(r));
    cJSON_AddObjectToObject(o, "metadata");
    return o;
}

char *ev_lifecycle(const Resp *r, const char *type, int seq, size_t *len)
{
    bool terminal = strcmp(type, "response.completed") == 0 ||
                    strcmp(type, "response.incomplete") == 0;
    cJSON *o = new_event(type, seq);
    cJSON_AddItemToObject(o, "response", response_object(r, terminal));
    add_stream_id(o, r);
    return finish(o, len);
}

char *ev_output_item(const Resp *r, bool done, int seq, size_t *len)
{
    cJSON *o = new_event(done ? "response.output_item.done" : "response.output_item.added", seq);
    cJSON_AddNumberToObject(o, "output_index", 0);
    cJSON_AddItemToObject(o, "item", message_item(r, done));
    add_stream_id(o, r);
    return finish(o, len);
}

char *ev_content_part(const Resp *r, bool done, int seq, size_t *len)
{
    cJSON *o = new_event(done ? "response.content_part.done" : "response.content_part.added", seq);
    cJSON_AddStringToObject(o, "item_id", r->item_id);
    cJSON_AddNumberToObject(o, "output_index", 0);
    cJSON_AddNumberToObject(o, "content_index", 0);
    cJSON_AddItemToObject(o, "part", text_part(r, done));
    add_stream_id(o, r);
    return finish(o, len);
}

char *ev_text_done(const Resp *r, int seq, size_t *len)
{
    cJSON *o = new_event("response.output_text.done", seq);
    cJSON_AddStringToObject(o, "item_id", r->item_id);
    cJSON_AddNumberToObject(o, "output_index", 0);
    cJSON_AddNumberToObject(o, "content_index", 0);
    cJSON_AddStringToObject(o, "text", r->text ? r->text : "");
    cJSON_AddItemToObject(o, "logprobs", cJSON_CreateArray());
    add_stream_id(o, r);
    return finish(o, len);
}

char *ev_error(int status, const char *type, const char *code, const char *message,
               const char *param, const char *stream_id, size_t *len)
{
    cJSON *o = new_event("error", -1);
    cJSON_AddNumberToObject(o, "status", status);
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "type", type);
    add_string_or_null(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    add_string_or_null(e, "param", param);
    if (stream_id)
        cJSON_AddStringToObject(o, "stream_id", stream_id);
    return finish(o, len);
}

char *ev_rate_limited(const char *retry_after, const char *reset_requests, size_t *len)
{
    cJSON *o = new_event("error", -1);
    cJSON_AddNumberToObject(o, "status", 429);
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "type", "requests");
    cJSON_AddStringToObject(e, "code", "rate_limit_exceeded");
    cJSON_AddStringToObject(e, "message", "Rate limit reached for requests (flint-backend "
                                          "--limit). Please try again later.");
    cJSON_AddNullToObject(e, "param");
    cJSON *h = cJSON_AddObjectToObject(e, "headers");
    cJSON_AddStringToObject(h, "retry-after", retry_after);
    cJSON_AddStringToObject(h, "x-ratelimit-remaining-requests", "0");
    cJSON_AddStringToObject(h, "x-ratelimit-reset-requests", reset_requests);
    return finish(o, len);
}

void ev_delta_prefix(const Resp *r, StrBuf *prefix, StrBuf *suffix)
{
    sb_reset(prefix);
    sb_reset(suffix);
    sb_printf(prefix,
              "{\"type\":\"response.output_text.delta\",\"item_id\":\"%s\","
              "\"output_index\":0,\"content_index\":0,\"delta\":\"",
              r->item_id);
    if (r->stream_id) {
        /* stream_id was checked against ^[A-Za-z0-9_.-]+$: nothing to escape. */
        sb_printf(suffix, ",\"stream_id\":\"%s\"", r->stream_id);
    }
    sb_putc(suffix, '}');
}

size_t ev_delta_write(char *dst, const StrBuf *prefix, const char *esc, size_t esc_len,
                      int seq, const StrBuf *suffix)
{
    static const char mid[] = "\",\"logprobs\":[],\"sequence_number\":";
    char *d = dst;
    memcpy(d, prefix->data, prefix->len);
    d += prefix->len;
    memcpy(d, esc, esc_len);
    d += esc_len;
    memcpy(d, mid, sizeof mid - 1);
    d += sizeof mid - 1;
    char digits[12];
    int n = 0;
    unsigned v = (unsigned)seq;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *d++ = digits[--n];
    memcpy(d, suffix->data, suffix->len);
    d += suffix->len;
    return (size_t)(d - dst);
}
