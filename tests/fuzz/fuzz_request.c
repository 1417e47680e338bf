/* Fuzz target: response.create encoding round trip. The input is cut into strings (model,
 * instructions, previous_response_id, and up to 8 messages with roles), each any bytes: NULs,
 * invalid UTF-8, quotes, backslashes, control characters; the last one takes the rest of the
 * input, so it can be huge. The request is encoded (the Responses dialect's wire_encode), then checked three
 * ways against the encoder's documented escaping (wire_json.h: valid UTF-8 sequences
 * unchanged, each byte of an invalid one replaced by U+FFFD, JSON escapes for the rest):
 *   1. the whole output is valid UTF-8 with no raw control character (a legal WebSocket text
 *      message, RFC 6455 8.1) and has the documented fixed layout;
 *   2. every string literal decodes (by the small decoder here, independent of the encoder)
 *      to exactly the expected bytes, NULs included;
 *   3. cJSON parses it back into the documented structure, and each of its strings equals the
 *      expected bytes up to the first NUL (cJSON's strings are C strings). */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/strbuf.h"
#include "session/wire.h"
#include "session/wire_responses.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, <= U+10FFFF),
 * or 0 if the byte there does not start one. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0) lo = 0xA0;
        if (s[0] == 0xED) hi = 0x9F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0) lo = 0x90;
        if (s[0] == 0xF4) hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* What the string must decode to: invalid bytes become U+FFFD, one each. */
static void expected(const char *s, size_t n, StrBuf *out)
{
    sb_reset(out);
    for (size_t i = 0; i < n;) {
        size_t k = valid_seq((const unsigned char *)s + i, n - i);
        if (k) {
            sb_append(out, s + i, k);
            i += k;
        } else {
            sb_append(out, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
}

static unsigned hexval(char c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
}

/* Decodes the JSON string literal at p (p[0] == '"'); returns the index past it. Only the
 * escapes RFC 8259 allows; \u must be a BMP non-surrogate here (the encoder escapes only
 * control characters that way). */
static size_t decode_literal(const char *p, size_t n, StrBuf *out)
{
    REQUIRE(n >= 2 && p[0] == '"');
    sb_reset(out);
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        REQUIRE(c >= 0x20);
        if (c == '"')
            return i + 1;
        if (c != '\\') {
            sb_putc(out, (char)c);
            continue;
        }
        REQUIRE(++i < n);
        switch (p[i]) {
        case '"': sb_putc(out, '"'); break;
        case '\\': sb_putc(out, '\\'); break;
        case '/': sb_putc(out, '/'); break;
        case 'b': sb_putc(out, '\b'); break;
        case 'f': sb_putc(out, '\f'); break;
        case 'n': sb_putc(out, '\n'); break;
        case 'r': sb_putc(out, '\r'); break;
        case 't': sb_putc(out, '\t'); break;
        case 'u': {
            REQUIRE(i + 4 < n);
            unsigned v = 0;
            for (int k = 1; k <= 4; k++) {
                unsigned h = hexval(p[i + k]);
                REQUIRE(h < 16);
                v = v * 16 + h;
            }
            REQUIRE(v < 0x20); /* the encoder uses \u only for C0 controls */
            sb_putc(out, (char)v);
            i += 4;
            break;
        }
        default: REQUIRE(0);
        }
    }
    REQUIRE(0); /* unterminated */
    return n;
}

/* Expects the literal text `lit` at out[*at], advancing. */
static void expect_text(const StrBuf *out, size_t *at, const char *lit)
{
    size_t n = strlen(lit);
    REQUIRE(out->len - *at >= n && memcmp(out->data + *at, lit, n) == 0);
    *at += n;
}

/* Expects a JSON string literal at out[*at] decoding to exactly the escaped form of s. */
static void expect_string(const StrBuf *out, size_t *at, const char *s, size_t n, StrBuf *tmp,
                          StrBuf *want)
{
    *at += decode_literal(out->data + *at, out->len - *at, tmp);
    expected(s, n, want);
    REQUIRE(tmp->len == want->len && memcmp(sb_cstr(tmp), sb_cstr(want), want->len) == 0);
}

/* cJSON's view: equal to the expected bytes up to the first NUL. */
static void check_cjson(const cJSON *it, const char *s, size_t n, StrBuf *want)
{
    REQUIRE(cJSON_IsString(it));
    expected(s, n, want);
    size_t upto = strnlen(sb_cstr(want), want->len);
    REQUIRE(strlen(it->valuestring) == upto && memcmp(it->valuestring, sb_cstr(want), upto) == 0);
}

typedef struct Piece {
    const char *s;
    size_t n;
} Piece;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* Byte 0: which optional fields are present and how many messages; then pieces, each a
     * 2-byte length (capped by what is left), the last one the rest. */
    unsigned flags = data[0];
    size_t n_msgs = (flags >> 2) % 9;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    Piece pc[3 + 8];
    size_t npieces = 3 + n_msgs;
    for (size_t i = 0; i < npieces; i++) {
        size_t left = (size_t)(end - p), n;
        if (i + 1 == npieces || left < 2) {
            n = left;
        } else {
            n = ((size_t)(unsigned char)p[0] << 8 | (unsigned char)p[1]) % (left - 1);
            p += 2;
            left -= 2;
            if (n > left)
                n = left;
        }
        pc[i] = (Piece){p, n};
        p += n;
    }
    /* model, instructions and chain_id are C strings in WireRequest. */
    char *cs[3];
    for (int i = 0; i < 3; i++) {
        cs[i] = malloc(pc[i].n + 1);
        memcpy(cs[i], pc[i].s, pc[i].n);
        cs[i][pc[i].n] = '\0';
        pc[i].n = strlen(cs[i]);
    }
    WireMessage msgs[8];
    for (size_t i = 0; i < n_msgs; i++)
        msgs[i] = (WireMessage){(flags >> (i % 8)) & 1 ? WIRE_ROLE_ASSISTANT : WIRE_ROLE_USER,
                                 pc[3 + i].s, pc[3 + i].n};
    WireRequest req = {
        .model = cs[0],
        .instructions = flags & 1 ? cs[1] : NULL,
        .chain_id = flags & 2 ? cs[2] : NULL,
        .input = msgs,
        .n_input = n_msgs,
        .prompt_cache_key = flags & 0x40 ? cs[2] : NULL, /* the third string again */
    };
    static Wire *wire;
    if (!wire)
        wire = wire_responses_new();
    StrBuf out = {0}, tmp = {0}, want = {0};
    wire_encode(wire, &req, &out);

    /* 1. valid UTF-8 throughout, no raw controls */
    for (size_t i = 0; i < out.len;) {
        size_t k = valid_seq((const unsigned char *)out.data + i, out.len - i);
        REQUIRE(k > 0 && (unsigned char)out.data[i] >= 0x20);
        i += k;
    }
    /* 2. the documented layout, every string exactly */
    size_t at = 0;
    expect_text(&out, &at, "{\"type\":\"response.create\",\"model\":");
    expect_string(&out, &at, cs[0], pc[0].n, &tmp, &want);
    expect_text(&out, &at, ",\"store\":false");
    if (req.prompt_cache_key) {
        expect_text(&out, &at, ",\"prompt_cache_key\":");
        expect_string(&out, &at, cs[2], pc[2].n, &tmp, &want);
    }
    if (req.instructions) {
        expect_text(&out, &at, ",\"instructions\":");
        expect_string(&out, &at, cs[1], pc[1].n, &tmp, &want);
    }
    if (req.chain_id) {
        expect_text(&out, &at, ",\"previous_response_id\":");
        expect_string(&out, &at, cs[2], pc[2].n, &tmp, &want);
    }
    expect_text(&out, &at, ",\"input\":[");
    for (size_t i = 0; i < n_msgs; i++) {
        if (i)
            expect_text(&out, &at, ",");
        if (msgs[i].role == WIRE_ROLE_USER) {
            expect_text(&out, &at, "{\"type\":\"message\",\"role\":\"user\",\"content\":"
                                   "[{\"type\":\"input_text\",\"text\":");
            expect_string(&out, &at, msgs[i].text, msgs[i].len, &tmp, &want);
            expect_text(&out, &at, "}]}");
        } else {
            expect_text(&out, &at, "{\"type\":\"message\",\"role\":\"assistant\",\"content\":");
            expect_string(&out, &at, msgs[i].text, msgs[i].len, &tmp, &want);
            expect_text(&out, &at, "}");
        }
    }
    expect_text(&out, &at, "]}");
    REQUIRE(at == out.len);

    /* 3. cJSON agrees */
    cJSON *root = cJSON_ParseWithLength(out.data, out.len);
    REQUIRE(root);
    check_cjson(cJSON_GetObjectItemCaseSensitive(root, "type"), "response.create", 15, &want);
    check_cjson(cJSON_GetObjectItemCaseSensitive(root, "model"), cs[0], pc[0].n, &want);
    REQUIRE(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "store")));
    if (req.instructions)
        check_cjson(cJSON_GetObjectItemCaseSensitive(root, "instructions"), cs[1], pc[1].n, &want);
    if (req.prompt_cache_key)
        check_cjson(cJSON_GetObjectItemCaseSensitive(root, "prompt_cache_key"), cs[2], pc[2].n,
                    &want);
    if (req.chain_id)
        check_cjson(cJSON_GetObjectItemCaseSensitive(root, "previous_response_id"), cs[2],
                    pc[2].n, &want);
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    REQUIRE(cJSON_IsArray(input) && (size_t)cJSON_GetArraySize(input) == n_msgs);
    for (size_t i = 0; i < n_msgs; i++) {
        const cJSON *item = cJSON_GetArrayItem(input, (int)i);
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(item, "content");
        if (msgs[i].role == WIRE_ROLE_USER)
            content = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(content, 0), "text");
        check_cjson(content, msgs[i].text, msgs[i].len, &want);
    }
    cJSON_Delete(root);
    for (int i = 0; i < 3; i++)
        free(cs[i]);
    sb_free(&out);
    sb_free(&tmp);
    sb_free(&want);
    return 0;
}
