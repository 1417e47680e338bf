/* Protocol: response.create encoding and server-event decoding (PROTOCOL.md 1.3, 1.4, 7.1).
 *
 * Encoding is a hand-written JSON writer, not cJSON: the text we send comes from an editor
 * buffer and may hold NULs and invalid UTF-8, while a WebSocket text message must be valid
 * UTF-8 (RFC 6455 8.1) and cJSON's strings stop at the first NUL. The writer escapes what
 * JSON requires (RFC 8259 7), writes valid multi-byte sequences unchanged, and replaces each
 * byte that is not part of a valid sequence by U+FFFD. The key order is fixed, so equal
 * requests are byte-identical (golden tests, and the server's prefix cache likes it).
 *
 * Decoding parses the message with cJSON_ParseWithLengthOpts (no copy, no NUL needed) into a
 * tree owned by the ProtoEvent; every string in the event points into that tree. The tree is
 * released by the next decode or by proto_event_clear, so a reused ProtoEvent costs nothing
 * beyond cJSON's own nodes. The hot path is response.output_text.delta, tested first.
 *
 * Invariants: after proto_decode, ev->kind is set, ev->type is never NULL, and every number
 * taken from the message has been range-checked before conversion (a huge or negative count
 * becomes a clamp or "absent", never undefined behaviour). */
#include "session/protocol.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xalloc.h"

/* ---- encoding ------------------------------------------------------------------------- */

static const char HEX[] = "0123456789abcdef";

void proto_append_json_string(StrBuf *out, const char *s, size_t len)
{
    sb_reserve(out, len + 2);
    sb_putc(out, '"');
    size_t i = 0, run = 0; /* s[run..i) is a stretch that needs no escaping */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (!UTF8_IS_RAW(cp)) {
                i += n;
                continue;
            }
        }
        sb_append(out, s + run, i - run);
        switch (c) {
        case '"': sb_append(out, "\\\"", 2); break;
        case '\\': sb_append(out, "\\\\", 2); break;
        case '\n': sb_append(out, "\\n", 2); break;
        case '\r': sb_append(out, "\\r", 2); break;
        case '\t': sb_append(out, "\\t", 2); break;
        case '\b': sb_append(out, "\\b", 2); break;
        case '\f': sb_append(out, "\\f", 2); break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
                sb_append(out, u, sizeof u);
            } else {
                sb_append(out, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte of invalid UTF-8 */
            }
            break;
        }
        run = ++i;
    }
    sb_append(out, s + run, i - run);
    sb_putc(out, '"');
}

static void put_key(StrBuf *out, const char *key)
{
    sb_putc(out, '"');
    sb_puts(out, key);
    sb_append(out, "\":", 2);
}

static void put_cstring(StrBuf *out, const char *s) { proto_append_json_string(out, s, strlen(s)); }

void proto_encode_create(const ProtoRequest *req, StrBuf *out)
{
    sb_puts(out, "{\"type\":\"response.create\",");
    put_key(out, "model");
    put_cstring(out, req->model ? req->model : "");
    sb_puts(out, ",\"store\":false");
    if (req->instructions) {
        sb_putc(out, ',');
        put_key(out, "instructions");
        put_cstring(out, req->instructions);
    }
    if (req->previous_response_id) {
        sb_putc(out, ',');
        put_key(out, "previous_response_id");
        put_cstring(out, req->previous_response_id);
    }
    sb_puts(out, ",\"input\":[");
    for (size_t i = 0; i < req->n_input; i++) {
        const ProtoMessage *m = &req->input[i];
        if (i)
            sb_putc(out, ',');
        if (m->role == PROTO_ROLE_USER) {
            sb_puts(out, "{\"type\":\"message\",\"role\":\"user\","
                         "\"content\":[{\"type\":\"input_text\",\"text\":");
            proto_append_json_string(out, m->text, m->len);
            sb_puts(out, "}]}");
        } else {
            sb_puts(out, "{\"type\":\"message\",\"role\":\"assistant\",\"content\":");
            proto_append_json_string(out, m->text, m->len);
            sb_putc(out, '}');
        }
    }
    sb_puts(out, "]}");
}

/* ---- decoding ------------------------------------------------------------------------- */

#define SAFE_INT_MAX 9007199254740992.0 /* 2^53: every smaller integer is exact in a double */

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *get_str(const cJSON *obj, const char *key)
{
    const cJSON *it = get(obj, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A non-negative integer field; -1 when absent, not a number, negative or NaN. */
static int64_t get_index(const cJSON *obj, const char *key)
{
    const cJSON *it = get(obj, key);
    if (!cJSON_IsNumber(it))
        return -1;
    double d = it->valuedouble;
    if (!(d >= 0))
        return -1;
    return d >= SAFE_INT_MAX ? (int64_t)SAFE_INT_MAX : (int64_t)d;
}

static uint64_t get_count(const cJSON *obj, const char *key)
{
    int64_t v = get_index(obj, key);
    return v < 0 ? 0 : (uint64_t)v;
}

/* Retry-After as delay-seconds (RFC 9110 10.2.3, fractions tolerated) or milliseconds; an
 * HTTP-date or garbage gives -1. Parsed by hand: strtod would obey LC_NUMERIC. */
static int64_t parse_delay_ms(const cJSON *it, bool seconds)
{
    const int64_t cap = 24 * 3600 * 1000LL;
    double v = -1;
    if (cJSON_IsNumber(it)) {
        v = it->valuedouble;
    } else if (cJSON_IsString(it)) {
        const char *p = it->valuestring;
        while (*p == ' ')
            p++;
        double ip = 0, frac = 0, scale = 1;
        bool digits = false;
        for (; *p >= '0' && *p <= '9'; p++, digits = true)
            ip = ip < 1e12 ? ip * 10 + (*p - '0') : ip;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
                if (scale < 1e9)
                    frac = frac * 10 + (*p - '0'), scale *= 10;
        while (*p == ' ')
            p++;
        if (digits && *p == '\0')
            v = ip + frac / scale;
    }
    if (!(v >= 0))
        return -1;
    double ms = seconds ? v * 1000.0 : v;
    return ms >= (double)cap ? cap : (int64_t)ms;
}

/* A Go time.Duration string as OpenAI's x-ratelimit-reset-* headers carry it: one or more
 * number+unit pairs ("1s", "6m0s", "1h2m3.5s", "20ms", "250us"); a bare number is seconds.
 * Milliseconds, capped at a day; -1 when not understood. Hand-parsed: strtod obeys
 * LC_NUMERIC. */
static int64_t parse_duration_ms(const cJSON *it)
{
    if (cJSON_IsNumber(it))
        return parse_delay_ms(it, true);
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
        return it->valuedouble >= 0 && it->valuedouble < SAFE_INT_MAX ? (int64_t)it->valuedouble
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

static void decode_error_payload(ProtoEvent *ev, const cJSON *e)
{
    ev->error.type = get_str(e, "type");
    ev->error.code = get_str(e, "code");
    ev->error.message = get_str(e, "message");
    ev->error.param = get_str(e, "param");
    const cJSON *h = get(e, "headers");
    if (cJSON_IsObject(h)) {
        /* Header names are case-insensitive (RFC 9110 5.1). */
        int64_t ms = parse_delay_ms(cJSON_GetObjectItem(h, "retry-after-ms"), false);
        if (ms < 0)
            ms = parse_delay_ms(cJSON_GetObjectItem(h, "retry-after"), true);
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

static void decode_error_event(ProtoEvent *ev, const cJSON *root)
{
    const cJSON *st = get(root, "status");
    if (cJSON_IsNumber(st) && st->valuedouble >= 100 && st->valuedouble < 600)
        ev->error.status = (int)st->valuedouble;
    const cJSON *e = get(root, "error");
    if (cJSON_IsObject(e))
        decode_error_payload(ev, e); /* WebSocket shape: error{type,code,message,param,headers} */
    else
        decode_error_payload(ev, root); /* HTTP SSE shape: flat code/message/param */
}

static void decode_usage(ProtoEvent *ev, const cJSON *resp)
{
    const cJSON *u = get(resp, "usage");
    if (!cJSON_IsObject(u))
        return;
    ev->usage.present = true;
    ev->usage.input_tokens = get_count(u, "input_tokens");
    ev->usage.output_tokens = get_count(u, "output_tokens");
    const cJSON *d = get(u, "input_tokens_details");
    if (cJSON_IsObject(d))
        ev->usage.cached_tokens = get_count(d, "cached_tokens");
}

/* The lifecycle events carry the whole response object; a missing one is tolerated (the
 * event still ends the turn) rather than leaving a stream open forever. */
static void decode_response(ProtoEvent *ev, const cJSON *root)
{
    const cJSON *resp = get(root, "response");
    if (!cJSON_IsObject(resp))
        return;
    ev->response_id = get_str(resp, "id");
    if (ev->kind == PROTO_CREATED)
        return;
    decode_usage(ev, resp);
    if (ev->kind == PROTO_INCOMPLETE) {
        const cJSON *d = get(resp, "incomplete_details");
        if (cJSON_IsObject(d))
            ev->incomplete_reason = get_str(d, "reason");
    } else if (ev->kind == PROTO_FAILED) {
        const cJSON *e = get(resp, "error");
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

static bool decode_text(ProtoEvent *ev, const cJSON *root, const char *field, const char *data,
                        size_t len)
{
    const cJSON *t = get(root, field);
    if (!cJSON_IsString(t)) {
        ev->kind = PROTO_MALFORMED;
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
            ev->own_ = own;
        } else {
            sb_free(own);
            free(own);
        }
    }
    ev->output_index = get_index(root, "output_index");
    ev->content_index = get_index(root, "content_index");
    return true;
}

static const struct {
    const char *type;
    ProtoKind kind;
} KNOWN[] = {
    {"response.created", PROTO_CREATED},
    {"response.output_text.done", PROTO_TEXT_DONE},
    {"response.refusal.delta", PROTO_REFUSAL_DELTA},
    {"response.completed", PROTO_COMPLETED},
    {"response.incomplete", PROTO_INCOMPLETE},
    {"response.failed", PROTO_FAILED},
    {"error", PROTO_ERROR},
    {"response.steer.accepted", PROTO_STEER_ACCEPTED},
    {"response.steer.failed", PROTO_STEER_FAILED},
};

static ProtoKind kind_of(const char *type)
{
    if (strcmp(type, "response.output_text.delta") == 0)
        return PROTO_DELTA;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (strcmp(type, KNOWN[i].type) == 0)
            return KNOWN[i].kind;
    return PROTO_IGNORED;
}

void proto_event_clear(ProtoEvent *ev)
{
    cJSON_Delete(ev->tree_);
    if (ev->own_) {
        sb_free(ev->own_);
        free(ev->own_);
    }
    *ev = (ProtoEvent){.kind = PROTO_MALFORMED, .type = "", .reason = "empty"};
    ev->output_index = ev->content_index = ev->sequence_number = -1;
    ev->error.retry_after_ms = -1;
    ev->error.reset_requests_ms = ev->error.reset_tokens_ms = -1;
    ev->error.remaining_requests = ev->error.remaining_tokens = -1;
}

static ProtoKind malformed(ProtoEvent *ev, const char *why)
{
    ev->kind = PROTO_MALFORMED;
    ev->reason = why;
    return ev->kind;
}

ProtoKind proto_decode(ProtoEvent *ev, const char *data, size_t len)
{
    proto_event_clear(ev);
    if (!data || len == 0)
        return malformed(ev, "empty message");
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!root)
        return malformed(ev, "not valid JSON (truncated?)");
    ev->tree_ = root;
    /* cJSON stops after the first value; anything but whitespace after it is an error. */
    for (const char *p = end; p && p < data + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return malformed(ev, "bytes after the JSON value");
    if (!cJSON_IsObject(root))
        return malformed(ev, "not a JSON object");
    const cJSON *type = get(root, "type");
    if (!type)
        return malformed(ev, "no \"type\" field");
    if (!cJSON_IsString(type))
        return malformed(ev, "\"type\" is not a string");
    ev->type = type->valuestring;
    ev->kind = kind_of(ev->type);
    ev->sequence_number = get_index(root, "sequence_number");
    switch (ev->kind) {
    case PROTO_DELTA:
    case PROTO_REFUSAL_DELTA:
        decode_text(ev, root, "delta", data, len);
        break;
    case PROTO_TEXT_DONE:
        decode_text(ev, root, "text", data, len);
        break;
    case PROTO_CREATED:
    case PROTO_COMPLETED:
    case PROTO_INCOMPLETE:
    case PROTO_FAILED:
        decode_response(ev, root);
        break;
    case PROTO_ERROR:
        decode_error_event(ev, root);
        break;
    case PROTO_STEER_FAILED: {
        const cJSON *e = get(root, "error");
        if (cJSON_IsObject(e))
            decode_error_payload(ev, e);
        break;
    }
    default:
        break;
    }
    return ev->kind;
}

const char *proto_kind_name(ProtoKind kind)
{
    static const char *const NAMES[PROTO_KIND_COUNT] = {
        [PROTO_MALFORMED] = "malformed",
        [PROTO_IGNORED] = "ignored",
        [PROTO_CREATED] = "created",
        [PROTO_DELTA] = "delta",
        [PROTO_REFUSAL_DELTA] = "refusal_delta",
        [PROTO_TEXT_DONE] = "text_done",
        [PROTO_COMPLETED] = "completed",
        [PROTO_INCOMPLETE] = "incomplete",
        [PROTO_FAILED] = "failed",
        [PROTO_ERROR] = "error",
        [PROTO_STEER_ACCEPTED] = "steer_accepted",
        [PROTO_STEER_FAILED] = "steer_failed",
    };
    return (unsigned)kind < PROTO_KIND_COUNT ? NAMES[kind] : "?";
}
