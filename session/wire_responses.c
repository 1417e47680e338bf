/* WireResponses: the OpenAI Responses API's WebSocket mode as a Wire dialect (PROTOCOL.md
 * 1.3-1.7, 7.1): response.create encoding, server-event decoding, and the dialect's answers
 * to the turn logic (which errors resend, reconnect or wait; chaining; abandoned requests).
 *
 * Encoding writes JSON by hand (session/wire_json.c: NULs and invalid UTF-8 in editor text),
 * with a fixed key order, so equal requests are byte-identical (golden tests, and the
 * server's prefix cache likes it).
 *
 * Decoding parses one whole message with cJSON_ParseWithLengthOpts (no copy, no NUL needed)
 * into a tree the instance holds; every string of the event points into that tree, or into
 * `own` (a text holding an escaped NUL, decoded again with its length). One message is one
 * event: feed decodes it and holds it, next hands it out once, the next feed (or a next
 * with nothing held) releases the tree. The hot path is
 * response.output_text.delta, tested first.
 *
 * Invariants: held implies ev.kind is set and ev.type is never NULL; every number taken
 * from a message has been range-checked before conversion (a huge or negative count
 * becomes a clamp or "absent", never undefined behaviour). */
#include "session/wire_responses.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"
#include "session/wire_json.h"
#include "session/wire_read.h"

typedef struct WireResponses {
    Wire base;
    WireEvent ev;  /* the event of the last message fed */
    bool held;     /* ...not yet handed out by next */
    cJSON *tree;   /* its parse tree; NULL when released */
    StrBuf *own;   /* its text decoded again when it holds a NUL; NULL when none */
} WireResponses;

/* ---- encoding ------------------------------------------------------------------------- */

static void put_key(StrBuf *out, const char *key)
{
    sb_putc(out, '"');
    sb_puts(out, key);
    sb_append(out, "\":", 2);
}

static void responses_encode(Wire *w, const WireRequest *req, StrBuf *out)
{
    sb_puts(out, "{\"type\":\"response.create\",");
    put_key(out, "model");
    wire_json_cstring(out, req->model ? req->model : "");
    sb_puts(out, ",\"store\":false");
    if (req->warmup)
        sb_puts(out, ",\"generate\":false");
    if (req->prompt_cache_key) {
        sb_putc(out, ',');
        put_key(out, "prompt_cache_key");
        wire_json_cstring(out, req->prompt_cache_key);
    }
    if (req->instructions) {
        sb_putc(out, ',');
        put_key(out, "instructions");
        wire_json_cstring(out, req->instructions);
    }
    if (req->chain_id) {
        sb_putc(out, ',');
        put_key(out, "previous_response_id");
        wire_json_cstring(out, req->chain_id);
    }
    sb_puts(out, ",\"input\":[");
    for (size_t i = 0; i < req->n_input; i++) {
        const WireMessage *m = &req->input[i];
        if (i)
            sb_putc(out, ',');
        if (m->role == WIRE_ROLE_USER) {
            sb_puts(out, "{\"type\":\"message\",\"role\":\"user\","
                         "\"content\":[{\"type\":\"input_text\",\"text\":");
            wire_json_string(out, m->text, m->len);
            sb_puts(out, "}]}");
        } else {
            sb_puts(out, "{\"type\":\"message\",\"role\":\"assistant\",\"content\":");
            wire_json_string(out, m->text, m->len);
            sb_putc(out, '}');
        }
    }
    sb_puts(out, "]}");
}

/* PROTOCOL.md 1.3: only these three fields are allowed; input as a plain string. */
static void responses_encode_steer(Wire *w, const char *response_id, const char *text,
                                   size_t len, StrBuf *out)
{
    (void)w;
    sb_puts(out, "{\"type\":\"response.steer\",");
    put_key(out, "previous_response_id");
    wire_json_cstring(out, response_id ? response_id : "");
    sb_putc(out, ',');
    put_key(out, "input");
    wire_json_string(out, text, len);
    sb_putc(out, '}');
}

/* ---- decoding ------------------------------------------------------------------------- */

/* A Go time.Duration string as OpenAI's x-ratelimit-reset-* headers carry it: one or more
 * number+unit pairs ("1s", "6m0s", "1h2m3.5s", "20ms", "250us"); a bare number is seconds.
 * Milliseconds, capped at a day; -1 when not understood. Hand-parsed: strtod obeys
 * LC_NUMERIC. */
static int64_t parse_duration_ms(const cJSON *it)
{
    if (cJSON_IsNumber(it))
        return wire_json_delay_ms(it, true);
    if (!cJSON_IsString(it))
        return -1;
    const char *p = it->valuestring;
    double total = 0;
    bool any = false;
    while (*p == ' ')
        p++;
    while (*p) {
        double ip = 0, frac = 0, scale = 1;
        bool digits = false;
        for (; *p >= '0' && *p <= '9'; p++, digits = true)
            ip = ip < 1e12 ? ip * 10 + (*p - '0') : ip;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
                if (scale < 1e9)
                    frac = frac * 10 + (*p - '0'), scale *= 10;
        if (!digits)
            return -1;
        double v = ip + frac / scale, unit_ms;
        if (p[0] == 'm' && p[1] == 's')
            unit_ms = 1, p += 2;
        else if ((p[0] == 'u' && p[1] == 's') || (p[0] == 'n' && p[1] == 's'))
            unit_ms = p[0] == 'u' ? 1e-3 : 1e-6, p += 2;
        else if (strncmp(p, "\xc2\xb5s", 3) == 0) /* "µs" */
            unit_ms = 1e-3, p += 3;
        else if (*p == 'h')
            unit_ms = 3600e3, p++;
        else if (*p == 'm')
            unit_ms = 60e3, p++;
        else if (*p == 's')
            unit_ms = 1e3, p++;
        else if (*p == '\0' && !any)
            unit_ms = 1e3; /* a bare number: seconds, like retry-after */
        else
            return -1;
        total += v * unit_ms;
        any = true;
        while (*p == ' ')
            p++;
    }
    if (!any)
        return -1;
    const double cap = 24 * 3600 * 1000.0;
    return total >= cap ? (int64_t)cap : (int64_t)total;
}

/* A header holding a non-negative integer ("0", 12); -1 otherwise. */
static int64_t parse_count(const cJSON *it)
{
    if (cJSON_IsNumber(it))
        return it->valuedouble >= 0 && it->valuedouble < 9007199254740992.0 /* 2^53 */
                   ? (int64_t)it->valuedouble
                   : -1;
    if (!cJSON_IsString(it) || !*it->valuestring)
        return -1;
    int64_t v = 0;
    for (const char *p = it->valuestring; *p; p++) {
        if (*p < '0' || *p > '9' || v > 1000000000000LL)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static void decode_error_payload(WireEvent *ev, const cJSON *e)
{
    ev->error.type = wire_get_str(e, "type");
    ev->error.code = wire_get_str(e, "code");
    ev->error.message = wire_get_str(e, "message");
    ev->error.param = wire_get_str(e, "param");
    const cJSON *h = wire_get(e, "headers");
    if (cJSON_IsObject(h)) {
        /* Header names are case-insensitive (RFC 9110 5.1). */
        int64_t ms = wire_json_delay_ms(cJSON_GetObjectItem(h, "retry-after-ms"), false);
        if (ms < 0)
            ms = wire_json_delay_ms(cJSON_GetObjectItem(h, "retry-after"), true);
        ev->error.retry_after_ms = ms;
        ev->error.reset_requests_ms =
            parse_duration_ms(cJSON_GetObjectItem(h, "x-ratelimit-reset-requests"));
        ev->error.reset_tokens_ms =
            parse_duration_ms(cJSON_GetObjectItem(h, "x-ratelimit-reset-tokens"));
        ev->error.remaining_requests =
            parse_count(cJSON_GetObjectItem(h, "x-ratelimit-remaining-requests"));
        ev->error.remaining_tokens =
            parse_count(cJSON_GetObjectItem(h, "x-ratelimit-remaining-tokens"));
    }
}

static void decode_error_event(WireEvent *ev, const cJSON *root)
{
    const cJSON *st = wire_get(root, "status");
    if (cJSON_IsNumber(st) && st->valuedouble >= 100 && st->valuedouble < 600)
        ev->error.status = (int)st->valuedouble;
    const cJSON *e = wire_get(root, "error");
    if (cJSON_IsObject(e))
        decode_error_payload(ev, e); /* WebSocket shape: error{type,code,message,param,headers} */
    else
        decode_error_payload(ev, root); /* HTTP SSE shape: flat code/message/param */
}

static void decode_usage(WireEvent *ev, const cJSON *resp)
{
    const cJSON *u = wire_get(resp, "usage");
    if (!cJSON_IsObject(u))
        return;
    ev->usage.present = true;
    ev->usage.input_tokens = wire_get_count(u, "input_tokens");
    ev->usage.output_tokens = wire_get_count(u, "output_tokens");
    const cJSON *d = wire_get(u, "input_tokens_details");
    if (cJSON_IsObject(d))
        ev->usage.cached_tokens = wire_get_count(d, "cached_tokens");
}

/* The lifecycle events carry the whole response object; a missing one is tolerated (the
 * event still ends the turn) rather than leaving a stream open forever. */
static void decode_response(WireEvent *ev, const cJSON *root)
{
    const cJSON *resp = wire_get(root, "response");
    if (!cJSON_IsObject(resp))
        return;
    ev->response_id = wire_get_str(resp, "id");
    if (ev->kind == WIRE_CREATED)
        return;
    decode_usage(ev, resp);
    if (ev->kind == WIRE_INCOMPLETE) {
        const cJSON *d = wire_get(resp, "incomplete_details");
        if (cJSON_IsObject(d))
            ev->incomplete_reason = wire_get_str(d, "reason");
    } else if (ev->kind == WIRE_FAILED) {
        const cJSON *e = wire_get(resp, "error");
        if (cJSON_IsObject(e))
            decode_error_payload(ev, e);
    }
}

/* ---- strings with NULs ---------------------------------------------------------------
 *
 * cJSON stores a string NUL-terminated and keeps no length, so a "\u0000" in a delta would
 * cut the text there and drop the rest of the delta. Model text may legitimately hold a NUL
 * (it is shown escaped as ^@), so when the message holds a "\u0000" escape at all (rare:
 * one memmem over a message cJSON has just read anyway), the field is decoded again from the
 * raw bytes, with its length, into the event's own buffer. cJSON has already validated the
 * message, so the scanner below may assume well-formed JSON; it still never reads past len. */

static size_t skip_ws(const char *d, size_t len, size_t i)
{
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
        i++;
    return i;
}

/* d[i] is the opening quote; returns the index just past the closing quote (len if cut). */
static size_t skip_string(const char *d, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (d[i] == '\\')
            i++;
        else if (d[i] == '"')
            return i + 1;
    }
    return len;
}

/* Any value starting at d[i]: the index just past it. */
static size_t skip_value(const char *d, size_t len, size_t i)
{
    if (i < len && d[i] == '"')
        return skip_string(d, len, i);
    int depth = 0;
    while (i < len) {
        char c = d[i];
        if (c == '"') {
            i = skip_string(d, len, i);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return i;
        }
        i++;
    }
    return len;
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* Decodes the JSON string literal d[a, b) (quotes included) into out, NULs and all. */
static bool decode_literal(const char *d, size_t a, size_t b, StrBuf *out)
{
    if (b - a < 2 || d[a] != '"' || d[b - 1] != '"')
        return false;
    for (size_t i = a + 1; i < b - 1; i++) {
        if (d[i] != '\\') {
            sb_putc(out, d[i]);
            continue;
        }
        if (++i >= b - 1)
            return false;
        char c = d[i];
        switch (c) {
        case 'b': sb_putc(out, '\b'); break;
        case 'f': sb_putc(out, '\f'); break;
        case 'n': sb_putc(out, '\n'); break;
        case 'r': sb_putc(out, '\r'); break;
        case 't': sb_putc(out, '\t'); break;
        case 'u': {
            if (b - 1 - i < 5)
                return false;
            uint32_t cp = hex4(d + i + 1);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && b - 1 - i >= 7 && d[i + 1] == '\\' &&
                d[i + 2] == 'u') {
                uint32_t lo = hex4(d + i + 3);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            char enc[4];
            size_t n = utf8_encode(cp, enc);
            if (n == 0)
                return false; /* a lone surrogate: cJSON rejects those, so never here */
            sb_append(out, enc, n);
            break;
        }
        default: sb_putc(out, c); break; /* \" \\ \/ */
        }
    }
    return true;
}

/* The first member named key of the top-level object in d[0, len), decoded with its length
 * into out. False when absent, not a string, or not decodable. */
static bool raw_string_member(const char *d, size_t len, const char *key, StrBuf *out)
{
    size_t i = skip_ws(d, len, 0);
    if (i >= len || d[i] != '{')
        return false;
    StrBuf name = {0};
    bool found = false;
    for (i = skip_ws(d, len, i + 1); i < len && d[i] == '"';) {
        size_t kend = skip_string(d, len, i);
        sb_reset(&name);
        bool named = decode_literal(d, i, kend, &name) && name.len == strlen(key) &&
                     memcmp(name.data, key, name.len) == 0;
        i = skip_ws(d, len, kend);
        if (i >= len || d[i] != ':')
            break;
        i = skip_ws(d, len, i + 1);
        size_t vend = skip_value(d, len, i);
        if (named) { /* the first one, as cJSON_GetObjectItemCaseSensitive picks */
            found = i < len && d[i] == '"' && decode_literal(d, i, vend, out);
            break;
        }
        i = skip_ws(d, len, vend);
        if (i >= len || d[i] != ',')
            break;
        i = skip_ws(d, len, i + 1);
    }
    sb_free(&name);
    return found;
}

/* Does the message hold a "\u0000"? (A "\\u0000", an escaped backslash before "u0000",
 * also answers yes: the slow path then finds no NUL and decodes the same text.) */
static bool has_nul_escape(const char *d, size_t len)
{
    for (const char *p = d, *end = d + len; (p = memchr(p, '\\', (size_t)(end - p)));) {
        if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
            return true;
        p++;
    }
    return false;
}

static bool decode_text(WireResponses *r, const cJSON *root, const char *field, const char *data,
                        size_t len)
{
    WireEvent *ev = &r->ev;
    const cJSON *t = wire_get(root, field);
    if (!cJSON_IsString(t)) {
        ev->kind = WIRE_MALFORMED;
        ev->reason = "text field missing or not a string";
        return false;
    }
    ev->text = t->valuestring;
    ev->text_len = strlen(t->valuestring); /* cJSON strings end at a decoded \u0000 ... */
    if (has_nul_escape(data, len)) { /* ... so decode this one again, with its length */
        StrBuf *own = xcalloc(1, sizeof *own);
        if (raw_string_member(data, len, field, own) && own->len >= ev->text_len) {
            ev->text = sb_cstr(own);
            ev->text_len = own->len;
            r->own = own;
        } else {
            sb_free(own);
            free(own);
        }
    }
    ev->output_index = wire_get_index(root, "output_index");
    ev->content_index = wire_get_index(root, "content_index");
    return true;
}

static const struct {
    const char *type;
    WireKind kind;
} KNOWN[] = {
    {"response.created", WIRE_CREATED},
    {"response.output_text.done", WIRE_TEXT_DONE},
    {"response.refusal.delta", WIRE_REFUSAL_DELTA},
    /* reasoning (summaries, or the raw text where a server sends it): shown apart */
    {"response.reasoning_summary_text.delta", WIRE_REASONING_DELTA},
    {"response.reasoning_text.delta", WIRE_REASONING_DELTA},
    {"response.completed", WIRE_DONE},
    {"response.incomplete", WIRE_INCOMPLETE},
    {"response.failed", WIRE_FAILED},
    {"error", WIRE_ERROR},
    {"response.steer.accepted", WIRE_STEER_ACCEPTED},
    {"response.steer.failed", WIRE_STEER_FAILED},
};

static WireKind kind_of(const char *type)
{
    if (strcmp(type, "response.output_text.delta") == 0)
        return WIRE_DELTA;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (strcmp(type, KNOWN[i].type) == 0)
            return KNOWN[i].kind;
    return WIRE_IGNORED;
}

/* The held storage: the parse tree and a re-decoded text with NULs. */
static void release(WireResponses *r)
{
    cJSON_Delete(r->tree);
    r->tree = NULL;
    if (r->own) {
        sb_free(r->own);
        free(r->own);
        r->own = NULL;
    }
    r->held = false;
}

static WireKind malformed(WireEvent *ev, const char *why)
{
    ev->kind = WIRE_MALFORMED;
    ev->reason = why;
    return ev->kind;
}

static WireKind decode(WireResponses *r, const char *data, size_t len)
{
    WireEvent *ev = &r->ev;
    wire_event_init(ev);
    ev->raw = data;
    ev->raw_len = len;
    if (!data || len == 0)
        return malformed(ev, "empty message");
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!root)
        return malformed(ev, "not valid JSON (truncated?)");
    r->tree = root;
    /* cJSON stops after the first value; anything but whitespace after it is an error. */
    for (const char *p = end; p && p < data + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return malformed(ev, "bytes after the JSON value");
    if (!cJSON_IsObject(root))
        return malformed(ev, "not a JSON object");
    const cJSON *type = wire_get(root, "type");
    if (!type)
        return malformed(ev, "no \"type\" field");
    if (!cJSON_IsString(type))
        return malformed(ev, "\"type\" is not a string");
    ev->type = type->valuestring;
    ev->kind = kind_of(ev->type);
    ev->sequence_number = wire_get_index(root, "sequence_number");
    switch (ev->kind) {
    case WIRE_DELTA:
    case WIRE_REFUSAL_DELTA:
    case WIRE_REASONING_DELTA:
        decode_text(r, root, "delta", data, len);
        break;
    case WIRE_TEXT_DONE:
        decode_text(r, root, "text", data, len);
        break;
    case WIRE_CREATED:
    case WIRE_DONE:
    case WIRE_INCOMPLETE:
    case WIRE_FAILED:
        decode_response(ev, root);
        break;
    case WIRE_ERROR:
        decode_error_event(ev, root);
        break;
    case WIRE_STEER_FAILED: {
        const cJSON *e = wire_get(root, "error");
        if (cJSON_IsObject(e))
            decode_error_payload(ev, e);
        break;
    }
    default:
        break;
    }
    return ev->kind;
}

/* ---- the dialect ------------------------------------------------------------------------ */

static void responses_feed(Wire *w, const char *data, size_t len)
{
    WireResponses *r = (WireResponses *)w;
    release(r);
    decode(r, data, len);
    r->held = true;
}

static bool responses_next(Wire *w, WireEvent *ev)
{
    WireResponses *r = (WireResponses *)w;
    if (!r->held) {
        release(r); /* the event taken last is over: a large response.completed goes now */
        return false;
    }
    *ev = r->ev;
    r->held = false;
    return true;
}

/* Every message is whole, so a new connection leaves nothing behind; the event being
 * handled stays valid (the next feed or next releases it). */
static void responses_reset(Wire *w) {}

/* 429 or rate_limit_exceeded, except the codes that waiting does not cure (an empty quota
 * or a plan's usage limit: Codex does not retry those either). */
static bool is_rate_limit(const WireError *e)
{
    static const char *const final[] = {"insufficient_quota", "usage_limit_reached",
                                        "usage_not_included"};
    for (size_t i = 0; e->code && i < sizeof final / sizeof final[0]; i++)
        if (strcmp(e->code, final[i]) == 0)
            return false;
    return e->status == 429 || (e->code && strcmp(e->code, "rate_limit_exceeded") == 0);
}

static WireAction responses_classify(const Wire *w, const WireError *e)
{
    if (is_rate_limit(e))
        return WIRE_ACT_WAIT; /* PROTOCOL.md 7.3 #6 */
    if (e->code && strcmp(e->code, "websocket_connection_limit_reached") == 0)
        return WIRE_ACT_RECONNECT; /* 1.6: the socket's age limit; 7.1 */
    if (e->code && strcmp(e->code, "previous_response_not_found") == 0)
        return WIRE_ACT_RESEND; /* 1.5: the cache lost the chain; 7.1 */
    return WIRE_ACT_FAIL;
}

static void responses_free(Wire *w)
{
    WireResponses *r = (WireResponses *)w;
    release(r);
    free(r);
}

static const WireOps RESPONSES_OPS = {
    .name = "responses",
    .can_chain = true,          /* previous_response_id (1.5) */
    .abandoned_answer = true,   /* one sequential socket: 1.6, 1.7 (soft cancel), 7.1 */
    .encode = responses_encode,
    .feed = responses_feed,
    .next = responses_next,
    .end = NULL,                /* every message is whole */
    .reset = responses_reset,
    .classify = responses_classify,
    .free = responses_free,
    .encode_steer = responses_encode_steer,
};

Wire *wire_responses_new(void)
{
    WireResponses *r = xcalloc(1, sizeof *r);
    r->base.ops = &RESPONSES_OPS;
    wire_event_init(&r->ev);
    return &r->base;
}
