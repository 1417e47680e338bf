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
#include <string.h>

#include "core/utf8.h"

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

static bool decode_text(ProtoEvent *ev, const cJSON *root, const char *field)
{
    const cJSON *t = get(root, field);
    if (!cJSON_IsString(t)) {
        ev->kind = PROTO_MALFORMED;
        ev->reason = "text field missing or not a string";
        return false;
    }
    ev->text = t->valuestring;
    ev->text_len = strlen(t->valuestring); /* cJSON strings end at a decoded \u0000 */
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
    *ev = (ProtoEvent){.kind = PROTO_MALFORMED, .type = "", .reason = "empty"};
    ev->output_index = ev->content_index = ev->sequence_number = -1;
    ev->error.retry_after_ms = -1;
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
        decode_text(ev, root, "delta");
        break;
    case PROTO_TEXT_DONE:
        decode_text(ev, root, "text");
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
