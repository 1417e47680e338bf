/* session/wire_responses (through the Wire interface): response.create goldens (tests/data/protocol/NAME.json, valid against
 * ResponsesClientEvent: tests/check_schema.sh goldens checks them), decoding of realistic server frames
 * (tests/data/protocol/events/), malformed input, and a quick decode-rate loop. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "harness.h"
#include "session/wire.h"
#include "session/wire_json.h"
#include "session/wire_responses.h"

/* The dialect under test: one instance for the program, as a connection has. */
static Wire *W;

/* One message -> its event (valid until the next decode on W). */
static WireKind decode(WireEvent *ev, const char *data, size_t len)
{
    return wire_decode(W, data, len, ev);
}

static const char INSTR[] = "You are a concise pair programmer. Answer in Markdown.";

/* Reads tests/data/protocol/<name>, without trailing newlines. */
static char *read_data(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/protocol/%s", FLINT_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        *len = 0;
        return xstrdup("");
    }
    StrBuf sb = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_append(&sb, chunk, n);
    fclose(f);
    while (sb.len && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == '\r'))
        sb_truncate(&sb, sb.len - 1);
    return sb_steal(&sb, len);
}

static void check_golden(const StrBuf *got, const char *name)
{
    size_t len;
    char *want = read_data(name, &len);
    CHECK_STR_EQ(sb_cstr(got), want);
    free(want);
}

/* ---- encoding ------------------------------------------------------------------------- */

static void test_encode_first(void)
{
    static const char q[] = "Why does this loop never end?\n\n---\nFile: tick.c\n"
                            "Cursor: line 2, column 9\n\n```c\n"
                            "for (unsigned i = 10; i >= 0; i--)\n\tputs(\"tick\");\n```\n";
    WireMessage in[] = {{WIRE_ROLE_USER, q, sizeof q - 1}};
    WireRequest req = {.model = "gpt-5.3-codex-spark", .instructions = INSTR, .input = in,
                        .n_input = 1};
    StrBuf out = {0};
    wire_encode(W, &req, &out);
    check_golden(&out, "request_first.json");
    CHECK(strstr(out.data, "\"stream\"") == NULL);
    CHECK(strstr(out.data, "\"background\"") == NULL);
    CHECK(strstr(out.data, "\"stream_id\"") == NULL);
    CHECK(strstr(out.data, "previous_response_id") == NULL);
    sb_free(&out);
}

static void test_encode_chained(void)
{
    static const char q[] = "And with a signed int?";
    WireMessage in[] = {{WIRE_ROLE_USER, q, sizeof q - 1}};
    WireRequest req = {.model = "gpt-5.3-codex-spark", .instructions = INSTR,
                        .chain_id = "resp_68c0a1b2c3d4e5f60718293a4b5c6d7e",
                        .input = in, .n_input = 1,
                        .prompt_cache_key = "flint-3f2a9c1d0b8e7a65"};
    StrBuf out = {0};
    wire_encode(W, &req, &out);
    check_golden(&out, "request_chained.json");
    sb_free(&out);
}

static void test_encode_full_history(void)
{
    static const char q1[] = "Why does this loop never end?";
    static const char a1[] = "`i >= 0` is always true for an `unsigned` — it wraps to `UINT_MAX`.";
    static const char q2[] = "Say \"fixed\" in 日本語 🎉\\o/";
    WireMessage in[] = {
        {WIRE_ROLE_USER, q1, sizeof q1 - 1},
        {WIRE_ROLE_ASSISTANT, a1, sizeof a1 - 1},
        {WIRE_ROLE_USER, q2, sizeof q2 - 1},
    };
    WireRequest req = {.model = "gpt-5.3-codex-spark", .instructions = INSTR, .input = in,
                        .n_input = 3};
    StrBuf out = {0};
    wire_encode(W, &req, &out);
    check_golden(&out, "request_full_history.json");
    sb_free(&out);
}

static void test_encode_no_instructions(void)
{
    WireRequest req = {.model = "m", .input = NULL, .n_input = 0};
    StrBuf out = {0};
    wire_encode(W, &req, &out);
    CHECK_STR_EQ(out.data, "{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,"
                           "\"input\":[]}");
    sb_free(&out);
}

/* Every byte string becomes a valid JSON string of valid UTF-8: escapes, NUL, invalid bytes. */
static void test_encode_escapes(void)
{
    static const char in[] = "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f"
                             "\0" /* NUL */
                             "é日🎉e\xCC\x81"   /* valid multi-byte, combining */
                             "\xff\xc3(\xed\xa0\x80" /* invalid: byte, truncated, surrogate */
                             "\xe2\x80\xa8"; /* U+2028 is fine in JSON */
    StrBuf out = {0};
    wire_json_string(&out, in, sizeof in - 1);
    CHECK_STR_EQ(out.data, "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\\u0000"
                           "é日🎉e\xCC\x81"
                           "\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                           "\xe2\x80\xa8\"");
    /* cJSON reads it back (up to the NUL, where its strings end). */
    cJSON *j = cJSON_ParseWithLength(out.data, out.len);
    CHECK(cJSON_IsString(j));
    if (cJSON_IsString(j))
        CHECK_STR_EQ(j->valuestring, "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f");
    cJSON_Delete(j);
    sb_reset(&out);
    wire_json_string(&out, "", 0);
    CHECK_STR_EQ(out.data, "\"\"");
    sb_free(&out);
}

/* ---- decoding realistic frames --------------------------------------------------------- */

static WireKind decode_file(WireEvent *ev, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "events/%s", name);
    size_t len;
    char *data = read_data(rel, &len);
    /* Decode from an exact-size copy: the decoder must not need a NUL (ASan checks). */
    char *exact = xmalloc(len ? len : 1);
    memcpy(exact, data, len);
    free(data);
    WireKind k = decode(ev, exact, len);
    /* The event owns its strings: they must survive the message buffer. */
    memset(exact, 'X', len);
    free(exact);
    return k;
}

static void test_decode_lifecycle(void)
{
    WireEvent ev = {0};
    CHECK_INT_EQ(decode_file(&ev, "created.json"), WIRE_CREATED);
    CHECK_STR_EQ(ev.type, "response.created");
    CHECK_STR_EQ(ev.response_id, "resp_68c0a1b2c3d4e5f60718293a4b5c6d7e");
    CHECK_INT_EQ(ev.sequence_number, 0);
    CHECK(!ev.usage.present);

    static const char *const ignored[] = {
        "in_progress.json", "queued.json", "output_item_added.json",
        "content_part_added.json", "content_part_done.json", "output_item_done.json",
        "unknown_codex_rate_limits.json",
    };
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        WireKind k = decode_file(&ev, ignored[i]);
        if (k != WIRE_IGNORED)
            fprintf(stderr, "  %s -> %s\n", ignored[i], wire_kind_name(k));
        CHECK_INT_EQ(k, WIRE_IGNORED);
        CHECK(ev.text == NULL);
    }

    /* Reasoning (issue 9): its own event kind, shown apart from the answer. */
    CHECK_INT_EQ(decode_file(&ev, "reasoning_summary_delta.json"), WIRE_REASONING_DELTA);
    CHECK(ev.text != NULL && ev.text_len > 0);
    {
        static const char rt[] = "{\"type\":\"response.reasoning_text.delta\","
                                 "\"sequence_number\":3,\"delta\":\"hmm\"}";
        CHECK_INT_EQ(decode(&ev, rt, sizeof rt - 1), WIRE_REASONING_DELTA);
        CHECK_MEM_EQ(ev.text, ev.text_len, "hmm", 3);
    }

    /* The rest of PROTOCOL.md 1.4's table: understood by name, of no use to flint. */
    static const char *const other[] = {
        "response.refusal.done", "response.reasoning_text.done",
        "response.reasoning_summary_text.done", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.custom_tool_call_input.delta",
        "response.custom_tool_call_input.done", "response.processed",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        char frame[160];
        int n = snprintf(frame, sizeof frame, "{\"type\":\"%s\",\"sequence_number\":3,"
                         "\"delta\":\"d\",\"text\":\"t\"}", other[i]);
        CHECK_INT_EQ(decode(&ev, frame, (size_t)n), WIRE_IGNORED);
        CHECK_STR_EQ(ev.type, other[i]);
    }

    CHECK_INT_EQ(decode_file(&ev, "completed.json"), WIRE_DONE);
    CHECK_STR_EQ(ev.response_id, "resp_68c0a1b2c3d4e5f60718293a4b5c6d7e");
    CHECK(ev.usage.present);
    CHECK_INT_EQ(ev.usage.input_tokens, 1523);
    CHECK_INT_EQ(ev.usage.output_tokens, 87);
    CHECK_INT_EQ(ev.usage.cached_tokens, 1280);
    CHECK_INT_EQ(ev.sequence_number, 43);

    CHECK_INT_EQ(decode_file(&ev, "incomplete.json"), WIRE_INCOMPLETE);
    CHECK_STR_EQ(ev.incomplete_reason, "max_output_tokens");
    CHECK_INT_EQ(ev.usage.output_tokens, 16);
    CHECK_INT_EQ(ev.usage.cached_tokens, 0);

    CHECK_INT_EQ(decode_file(&ev, "failed.json"), WIRE_FAILED);
    CHECK_STR_EQ(ev.error.code, "server_error");
    CHECK_STR_EQ(ev.error.message,
                 "The server had an error while processing your request. Sorry about that!");
    CHECK(!ev.usage.present);
    wire_drain(W);
    wire_drain(W); /* twice is fine */
}

static void test_decode_deltas(void)
{
    WireEvent ev = {0};
    CHECK_INT_EQ(decode_file(&ev, "delta.json"), WIRE_DELTA);
    CHECK_MEM_EQ(ev.text, ev.text_len, "Use a signed", 12);
    CHECK_INT_EQ(ev.output_index, 0);
    CHECK_INT_EQ(ev.content_index, 0);
    CHECK_INT_EQ(ev.sequence_number, 4);
    CHECK(ev.response_id == NULL); /* deltas carry no response id (PROTOCOL.md 1.4) */

    static const char esc[] = "\n```c\n\tputs(\"日本語 🎉\");\\";
    CHECK_INT_EQ(decode_file(&ev, "delta_escapes.json"), WIRE_DELTA);
    CHECK_MEM_EQ(ev.text, ev.text_len, esc, sizeof esc - 1);

    CHECK_INT_EQ(decode_file(&ev, "text_done.json"), WIRE_TEXT_DONE);
    static const char full[] = "Use a signed counter:\n\n```c\nfor (int i = 10; i >= 0; i--)\n```\n"
                               "日本語 🎉";
    CHECK_MEM_EQ(ev.text, ev.text_len, full, sizeof full - 1);

    CHECK_INT_EQ(decode_file(&ev, "refusal_delta.json"), WIRE_REFUSAL_DELTA);
    CHECK_STR_EQ(ev.text, "I can’t help with that.");
    CHECK_INT_EQ(ev.content_index, 1);

    /* \uXXXX escapes and surrogate pairs decode to UTF-8. */
    static const char u[] = "{\"type\":\"response.output_text.delta\",\"delta\":"
                            "\"\\u65e5\\ud83c\\udf89e\\u0301\"}";
    CHECK_INT_EQ(decode(&ev, u, sizeof u - 1), WIRE_DELTA);
    CHECK_STR_EQ(ev.text, "日🎉e\xCC\x81");
    CHECK_INT_EQ(ev.output_index, -1);
    CHECK_INT_EQ(ev.sequence_number, -1);

    /* A \u0000 keeps the rest of the delta: text_len counts past the NUL (issue 5 #8). */
    static const char z[] = "{\"type\":\"response.output_text.delta\",\"output_index\":0,"
                            "\"delta\":\"a\\u0000b\\\"\\u00e9\\ud83c\\udf89\\n\\u0000\","
                            "\"delta2\":\"x\",\"content_index\":0}";
    CHECK_INT_EQ(decode(&ev, z, sizeof z - 1), WIRE_DELTA);
    CHECK_MEM_EQ(ev.text, ev.text_len, "a\0b\"\xc3\xa9\xf0\x9f\x8e\x89\n\0", 12);
    CHECK_INT_EQ(ev.output_index, 0);
    /* The same for output_text.done, with the member after others and an escaped key. */
    static const char zd[] = "{\"type\":\"response.output_text.done\",\"obj\":{\"text\":\"no\"},"
                             "\"arr\":[\"t\\u0000\",{\"x\":[1,2]}],\"n\":-1.5e3,\"b\":true,"
                             "\"t\\u0065xt\" : \"\\u0000end\" }";
    CHECK_INT_EQ(decode(&ev, zd, sizeof zd - 1), WIRE_TEXT_DONE);
    CHECK_MEM_EQ(ev.text, ev.text_len, "\0end", 4);
    /* An escaped backslash before u0000 is no NUL: the text is the same as cJSON's. */
    static const char bs[] = "{\"type\":\"response.output_text.delta\",\"delta\":\"\\\\u0000\"}";
    CHECK_INT_EQ(decode(&ev, bs, sizeof bs - 1), WIRE_DELTA);
    CHECK_MEM_EQ(ev.text, ev.text_len, "\\u0000", 6);

    /* An empty delta is a delta. */
    static const char e[] = "{\"type\":\"response.output_text.delta\",\"delta\":\"\"}";
    CHECK_INT_EQ(decode(&ev, e, sizeof e - 1), WIRE_DELTA);
    CHECK_INT_EQ(ev.text_len, 0);
    wire_drain(W);
}

static void test_decode_errors(void)
{
    WireEvent ev = {0};
    CHECK_INT_EQ(decode_file(&ev, "error_ws_not_found.json"), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 400);
    CHECK_STR_EQ(ev.error.type, "invalid_request_error");
    CHECK_STR_EQ(ev.error.code, "previous_response_not_found");
    CHECK_STR_EQ(ev.error.message, "Previous response with id 'resp_abc' not found.");
    CHECK_STR_EQ(ev.error.param, "previous_response_id");
    CHECK_INT_EQ(ev.error.retry_after_ms, -1);

    CHECK_INT_EQ(decode_file(&ev, "error_ws_429.json"), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 429);
    CHECK_STR_EQ(ev.error.code, "rate_limit_exceeded");
    CHECK_INT_EQ(ev.error.retry_after_ms, 2000);
    CHECK(ev.error.param == NULL); /* JSON null */

    CHECK_INT_EQ(decode_file(&ev, "error_ws_connection_limit.json"), WIRE_ERROR);
    CHECK_STR_EQ(ev.error.code, "websocket_connection_limit_reached");

    CHECK_INT_EQ(decode_file(&ev, "error_ws_connection_level.json"), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 0);
    CHECK(ev.error.code == NULL);
    CHECK_STR_EQ(ev.error.message, "The server had an error while processing your request.");
    CHECK_INT_EQ(ev.sequence_number, -1);

    CHECK_INT_EQ(decode_file(&ev, "error_sse_flat.json"), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 0);
    CHECK_STR_EQ(ev.error.code, "rate_limit_exceeded");
    CHECK_STR_EQ(ev.error.message, "Rate limit reached. Please try again in 20ms.");
    CHECK_INT_EQ(ev.sequence_number, 3);

    /* x-ratelimit-reset-* are Go durations (OpenAI: "1s", "6m0s", "20ms"); remaining counts. */
    static const struct {
        const char *v;
        int64_t ms;
    } durations[] = {
        {"1s", 1000}, {"6m0s", 360000}, {"20ms", 20}, {"1h2m3.5s", 3723500}, {"0.5s", 500},
        {"2", 2000},  {"250us", 0},     {"1m30s", 90000}, {"", -1}, {"s", -1}, {"1x", -1},
        {"5 s", -1},  {"1s2", -1},      {"-1s", -1}, {"99999999h", 86400000},
    };
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
        StrBuf m = {0};
        sb_printf(&m, "{\"type\":\"error\",\"status\":429,\"error\":{\"headers\":{"
                      "\"X-RateLimit-Reset-Requests\":\"%s\",\"x-ratelimit-reset-tokens\":\"%s\","
                      "\"x-ratelimit-remaining-requests\":\"0\",\"x-ratelimit-remaining-tokens\":"
                      "\"149984\"}}}", durations[i].v, durations[i].v);
        CHECK_INT_EQ(decode(&ev, m.data, m.len), WIRE_ERROR);
        if (ev.error.reset_requests_ms != durations[i].ms)
            fprintf(stderr, "  duration \"%s\"\n", durations[i].v);
        CHECK_INT_EQ(ev.error.reset_requests_ms, durations[i].ms);
        CHECK_INT_EQ(ev.error.reset_tokens_ms, durations[i].ms);
        CHECK_INT_EQ(ev.error.remaining_requests, 0);
        CHECK_INT_EQ(ev.error.remaining_tokens, 149984);
        CHECK_INT_EQ(ev.error.retry_after_ms, -1);
        sb_free(&m);
    }

    /* retry-after-ms wins; header names are case-insensitive; fractions; HTTP-dates ignored. */
    static const char a[] = "{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"x\",\"message\":"
                            "\"m\",\"headers\":{\"Retry-After\":\"3\",\"retry-after-ms\":\"250\"}}}";
    CHECK_INT_EQ(decode(&ev, a, sizeof a - 1), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.retry_after_ms, 250);
    static const char b[] = "{\"type\":\"error\",\"error\":{\"headers\":{\"Retry-After\":\"1.5\"}}}";
    decode(&ev, b, sizeof b - 1);
    CHECK_INT_EQ(ev.error.retry_after_ms, 1500);
    static const char c[] = "{\"type\":\"error\",\"error\":{\"headers\":{\"retry-after\":"
                            "\"Wed, 21 Oct 2026 07:28:00 GMT\"}}}";
    decode(&ev, c, sizeof c - 1);
    CHECK_INT_EQ(ev.error.retry_after_ms, -1);
    static const char d[] = "{\"type\":\"error\",\"error\":{\"headers\":{\"retry-after\":1e300}}}";
    decode(&ev, d, sizeof d - 1);
    CHECK_INT_EQ(ev.error.retry_after_ms, 24 * 3600 * 1000LL);

    /* An error with nothing in it is still an error (the session shows a generic line). */
    static const char bare[] = "{\"type\":\"error\"}";
    CHECK_INT_EQ(decode(&ev, bare, sizeof bare - 1), WIRE_ERROR);
    CHECK(ev.error.code == NULL && ev.error.message == NULL);

    static const char sf[] = "{\"type\":\"response.steer.failed\",\"sequence_number\":9,\"steer\":"
                             "{\"previous_response_id\":\"resp_1\",\"input\":\"x\"},\"error\":{\"type\":"
                             "\"invalid_request_error\",\"code\":\"steering_not_supported\","
                             "\"message\":\"no\"}}";
    CHECK_INT_EQ(decode(&ev, sf, sizeof sf - 1), WIRE_STEER_FAILED);
    CHECK_STR_EQ(ev.error.code, "steering_not_supported");
    static const char sa[] = "{\"type\":\"response.steer.accepted\",\"sequence_number\":9}";
    CHECK_INT_EQ(decode(&ev, sa, sizeof sa - 1), WIRE_STEER_ACCEPTED);
    wire_drain(W);
}

/* ---- malformed and hostile input ------------------------------------------------------- */

static void expect_malformed(WireEvent *ev, const char *s, size_t len)
{
    WireKind k = decode(ev, s, len);
    if (k != WIRE_MALFORMED)
        fprintf(stderr, "  not malformed (%s): %.*s\n", wire_kind_name(k), (int)len, s);
    CHECK_INT_EQ(k, WIRE_MALFORMED);
    CHECK(ev->reason && *ev->reason);
    CHECK(ev->type != NULL);
}

static void test_decode_malformed(void)
{
    WireEvent ev = {0};
    static const char *const bad[] = {
        "{\"type\":\"response.output_text.delta\",\"delta\":\"Hel",  /* truncated */
        "{\"type\":\"response.output_text.delta\",\"delta\":\"Hello\"",
        "{\"type\":",
        "{",
        "[1,2,3]",
        "\"response.completed\"",
        "42",
        "null",
        "true",
        "{}",
        "{\"delta\":\"x\"}",                          /* no type */
        "{\"type\":7}",                              /* type not a string */
        "{\"type\":null}",
        "{\"type\":[\"error\"]}",
        "{\"type\":\"response.output_text.delta\"}",  /* no delta */
        "{\"type\":\"response.output_text.delta\",\"delta\":5}",
        "{\"type\":\"response.output_text.delta\",\"delta\":null}",
        "{\"type\":\"response.output_text.delta\",\"delta\":[\"x\"]}",
        "{\"type\":\"response.output_text.done\"}",
        "{\"type\":\"error\"} {\"type\":\"error\"}",   /* two values */
        "{\"type\":\"error\"}garbage",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud800\"}", /* lone surrogate */
        "\xEF\xBB\xBF",
        "   ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_malformed(&ev, bad[i], strlen(bad[i]));
    expect_malformed(&ev, "", 0);
    expect_malformed(&ev, NULL, 0);
    /* An embedded NUL: the length is what counts. */
    static const char nul[] = "{\"type\":\"error\"}\0{";
    expect_malformed(&ev, nul, sizeof nul - 1);

    /* Trailing whitespace is fine. */
    static const char ws[] = "{\"type\":\"response.in_progress\"}\r\n \t";
    CHECK_INT_EQ(decode(&ev, ws, sizeof ws - 1), WIRE_IGNORED);

    /* Nesting far deeper than cJSON's limit fails cleanly. */
    StrBuf deep = {0};
    sb_puts(&deep, "{\"type\":\"x\",\"a\":");
    for (int i = 0; i < 5000; i++)
        sb_putc(&deep, '[');
    for (int i = 0; i < 5000; i++)
        sb_putc(&deep, ']');
    sb_putc(&deep, '}');
    expect_malformed(&ev, deep.data, deep.len);
    sb_free(&deep);

    /* Unknown types, however odd, are ignored. */
    static const char *const unknown[] = {
        "{\"type\":\"\"}",
        "{\"type\":\"response.output_text.delta.v2\",\"delta\":5}",
        "{\"type\":\"RESPONSE.CREATED\"}",
        "{\"type\":\"response.audio.delta\",\"delta\":\"AAAA\"}",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        CHECK_INT_EQ(decode(&ev, unknown[i], strlen(unknown[i])), WIRE_IGNORED);
    wire_drain(W);
}

/* Out-of-range numbers are clamped or treated as absent, never converted with UB (UBSan). */
static void test_decode_huge_numbers(void)
{
    WireEvent ev = {0};
    static const char c[] =
        "{\"type\":\"response.completed\",\"sequence_number\":1e400,\"response\":{\"id\":\"r\","
        "\"usage\":{\"input_tokens\":1e30,\"output_tokens\":-5,\"input_tokens_details\":"
        "{\"cached_tokens\":18446744073709551616}}}}";
    CHECK_INT_EQ(decode(&ev, c, sizeof c - 1), WIRE_DONE);
    CHECK_INT_EQ(ev.sequence_number, 9007199254740992LL);
    CHECK_INT_EQ(ev.usage.input_tokens, 9007199254740992LL);
    CHECK_INT_EQ(ev.usage.output_tokens, 0);
    CHECK_INT_EQ(ev.usage.cached_tokens, 9007199254740992LL);
    static const char e[] = "{\"type\":\"error\",\"status\":1e300,\"error\":{\"code\":\"x\"}}";
    CHECK_INT_EQ(decode(&ev, e, sizeof e - 1), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 0);
    static const char n[] = "{\"type\":\"error\",\"status\":-400.5,\"sequence_number\":-1e400}";
    CHECK_INT_EQ(decode(&ev, n, sizeof n - 1), WIRE_ERROR);
    CHECK_INT_EQ(ev.error.status, 0);
    CHECK_INT_EQ(ev.sequence_number, -1);
    static const char d[] = "{\"type\":\"response.output_text.delta\",\"delta\":\"x\","
                            "\"output_index\":1e19,\"content_index\":\"0\"}";
    CHECK_INT_EQ(decode(&ev, d, sizeof d - 1), WIRE_DELTA);
    CHECK_INT_EQ(ev.output_index, 9007199254740992LL);
    CHECK_INT_EQ(ev.content_index, -1);
    wire_drain(W);
}

/* Lifecycle events with a missing or odd response object still end the turn. */
static void test_decode_lenient_lifecycle(void)
{
    WireEvent ev = {0};
    static const char a[] = "{\"type\":\"response.completed\"}";
    CHECK_INT_EQ(decode(&ev, a, sizeof a - 1), WIRE_DONE);
    CHECK(ev.response_id == NULL && !ev.usage.present);
    static const char b[] = "{\"type\":\"response.failed\",\"response\":\"oops\"}";
    CHECK_INT_EQ(decode(&ev, b, sizeof b - 1), WIRE_FAILED);
    CHECK(ev.error.message == NULL);
    static const char c[] = "{\"type\":\"response.incomplete\",\"response\":{\"id\":5,"
                            "\"incomplete_details\":null,\"usage\":[]}}";
    CHECK_INT_EQ(decode(&ev, c, sizeof c - 1), WIRE_INCOMPLETE);
    CHECK(ev.response_id == NULL && ev.incomplete_reason == NULL && !ev.usage.present);
    wire_drain(W);
}

/* Random damage to realistic frames (fixed seed): truncation, flipped and inserted bytes.
 * Whatever comes out must be a valid kind with consistent fields (and ASan/UBSan-clean). */
static void test_decode_mutations(void)
{
    static const char *const files[] = {
        "created.json", "delta.json", "delta_escapes.json", "completed.json", "incomplete.json",
        "failed.json", "error_ws_429.json", "error_sse_flat.json", "text_done.json",
    };
    static const char junk[] = "{}[]\",:0-e.\\u\x00\xff\xc3 tnfr9";
    uint32_t seed = 12345;
    WireEvent ev = {0};
    size_t kinds[WIRE_KIND_COUNT] = {0};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        char rel[128];
        snprintf(rel, sizeof rel, "events/%s", files[f]);
        char *orig = read_data(rel, &len);
        for (int round = 0; round < 3000; round++) {
            char *m = xmemdup(orig, len);
            size_t mlen = len;
            int edits = 1 + round % 4;
            for (int e = 0; e < edits && mlen; e++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 8) % mlen;
                switch ((seed >> 4) % 3) {
                case 0: mlen = at; break;                                       /* truncate */
                case 1: m[at] = junk[(seed >> 16) % (sizeof junk - 1)]; break;  /* replace */
                default: m[at] ^= (char)(1u << ((seed >> 20) % 8)); break;      /* flip */
                }
            }
            WireKind k = decode(&ev, m, mlen);
            free(m);
            CHECK(k < WIRE_KIND_COUNT);
            CHECK(ev.type != NULL);
            if (k == WIRE_MALFORMED)
                CHECK(ev.reason != NULL);
            if (k == WIRE_DELTA || k == WIRE_TEXT_DONE)
                CHECK(ev.text != NULL && strlen(ev.text) <= ev.text_len &&
                      ev.text[ev.text_len] == '\0');
            if (k < WIRE_KIND_COUNT)
                kinds[k]++;
        }
        free(orig);
    }
    wire_drain(W);
    CHECK(kinds[WIRE_MALFORMED] > 0 && kinds[WIRE_DELTA] > 0 && kinds[WIRE_DONE] > 0);
}

/* ---- rate ------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Not a benchmark, a smoke check that the hot path has no gross cost: realistic delta frames
 * (with logprobs and obfuscation) through one reused WireEvent. */
static void test_decode_rate(void)
{
    static const char frame[] =
        "{\"type\":\"response.output_text.delta\",\"item_id\":"
        "\"msg_68c0a1b3f00d4e5f60718293a4b5c6d7e\",\"output_index\":0,\"content_index\":0,"
        "\"delta\":\" token\",\"logprobs\":[],\"obfuscation\":\"k3Pq9\",\"sequence_number\":1234}";
    WireEvent ev = {0};
    size_t n = 200000, bytes = 0;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        if (decode(&ev, frame, sizeof frame - 1) != WIRE_DELTA)
            break;
        bytes += ev.text_len;
    }
    double dt = now_s() - t0;
    CHECK_INT_EQ(bytes, n * 6);
    wire_drain(W);
    printf("decode rate: %.0f deltas/s (%.2f us each)\n", (double)n / dt, dt * 1e6 / (double)n);
    CHECK((double)n / dt > 20000); /* even under ASan */
}

int main(void)
{
    W = wire_responses_new();
    RUN(test_encode_first);
    RUN(test_encode_chained);
    RUN(test_encode_full_history);
    RUN(test_encode_no_instructions);
    RUN(test_encode_escapes);
    RUN(test_decode_lifecycle);
    RUN(test_decode_deltas);
    RUN(test_decode_errors);
    RUN(test_decode_malformed);
    RUN(test_decode_huge_numbers);
    RUN(test_decode_lenient_lifecycle);
    RUN(test_decode_mutations);
    RUN(test_decode_rate);
    wire_free(W);
    return harness_done();
}
