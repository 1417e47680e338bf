/* session/wire_chat: the Chat Completions SSE dialect (PROTOCOL.md 4, 7.3 #14). Golden
 * streams per server variant (llama.cpp: usage and timings on the finish chunk; vLLM: usage
 * in a separate choices:[] chunk, reasoning_content; Ollama's /v1; Cerebras: time_info,
 * reasoning), each decoded whole, one byte at a time and in random splits (fixed seed) with
 * the same events; CRLF and CR line ends, comments and other fields, several data lines,
 * errors mid-stream and before it, non-200 replies, a missing [DONE], EOF before the
 * finish, keep-alive (two streams on one Wire), a BOM, an oversized event; the encoder; and
 * a Session driving turns with this dialect as the SSE transport would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/session.h"
#include "session/wire.h"
#include "session/wire_chat.h"

/* ---- decoding to a summary ------------------------------------------------------------- */

static void describe(StrBuf *o, const WireEvent *ev)
{
    sb_puts(o, wire_kind_name(ev->kind));
    if (ev->response_id)
        sb_printf(o, " id=%s", ev->response_id);
    if (ev->text) {
        sb_puts(o, " \"");
        sb_append(o, ev->text, ev->text_len);
        sb_putc(o, '"');
    }
    if (ev->incomplete_reason)
        sb_printf(o, " reason=%s", ev->incomplete_reason);
    if (ev->usage.present)
        sb_printf(o, " usage=%llu/%llu/%llu", (unsigned long long)ev->usage.input_tokens,
                  (unsigned long long)ev->usage.output_tokens,
                  (unsigned long long)ev->usage.cached_tokens);
    if (ev->usage.server_tokens_per_sec > 0)
        sb_printf(o, " tps=%.1f", ev->usage.server_tokens_per_sec);
    if (ev->kind == WIRE_ERROR || ev->kind == WIRE_FAILED) {
        sb_printf(o, " status=%d", ev->error.status);
        if (ev->error.code)
            sb_printf(o, " code=%s", ev->error.code);
        if (ev->error.message)
            sb_printf(o, " msg=%s", ev->error.message);
        if (ev->error.retry_after_ms >= 0)
            sb_printf(o, " retry=%lld", (long long)ev->error.retry_after_ms);
    }
    if (ev->kind == WIRE_MALFORMED)
        sb_printf(o, " (%s)", ev->reason);
    sb_putc(o, '\n');
}

static void drain_into(Wire *w, StrBuf *out)
{
    WireEvent ev;
    while (wire_next(w, &ev))
        describe(out, &ev);
}

enum { WHOLE, BYTES, RANDOM };

/* The events of `s` fed in pieces (mode), then wire_end when `end`; the caller frees. */
static char *decode_split(const char *s, size_t len, int mode, unsigned seed, bool end)
{
    Wire *w = wire_chat_new();
    StrBuf out = {0};
    sb_puts(&out, ""); /* never NULL */
    for (size_t i = 0; i < len;) {
        size_t n = len - i;
        if (mode == BYTES)
            n = 1;
        else if (mode == RANDOM) {
            seed = seed * 1103515245u + 12345u;
            size_t r = 1 + (seed >> 16) % 23;
            n = r < n ? r : n;
        }
        wire_feed(w, s + i, n);
        drain_into(w, &out);
        i += n;
    }
    if (end) {
        wire_end(w);
        drain_into(w, &out);
    }
    wire_free(w);
    return out.data;
}

/* Decodes whole, byte by byte and in 20 random splits: all equal `want`. */
static void check_stream(const char *s, bool end, const char *want, int line)
{
    size_t len = strlen(s);
    char *whole = decode_split(s, len, WHOLE, 0, end);
    if (strcmp(whole, want) != 0) {
        fprintf(stderr, "line %d: got:\n%s\nwant:\n%s\n", line, whole, want);
        CHECK(!"golden events differ");
    }
    char *bytes = decode_split(s, len, BYTES, 0, end);
    CHECK_STR_EQ(bytes, whole);
    for (unsigned seed = 1; seed <= 20; seed++) {
        char *r = decode_split(s, len, RANDOM, seed, end);
        CHECK_STR_EQ(r, whole);
        free(r);
    }
    free(whole);
    free(bytes);
}

#define CHECK_STREAM(s, end, want) check_stream((s), (end), (want), __LINE__)

/* LF -> CRLF (or CR) for the same stream. */
static char *relined(const char *s, const char *eol)
{
    StrBuf o = {0};
    for (; *s; s++) {
        if (*s == '\n')
            sb_puts(&o, eol);
        else
            sb_putc(&o, *s);
    }
    return o.data;
}

/* ---- golden streams --------------------------------------------------------------------- */

static const char LLAMACPP[] =
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":null}}],\"created\":1754524122,\"id\":\"chatcmpl-ll1\",\"model\":\"qwen\","
    "\"system_fingerprint\":\"b6100\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"reasoning_content\":"
    "\"hmm\"}}],\"id\":\"chatcmpl-ll1\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"Hel\"}}],"
    "\"id\":\"chatcmpl-ll1\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"lo \\u00e9"
    "\xe4\xb8\xad\"}}],\"id\":\"chatcmpl-ll1\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"created\":"
    "1754524123,\"id\":\"chatcmpl-ll1\",\"model\":\"qwen\",\"object\":\"chat.completion.chunk\","
    "\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":12,\"total_tokens\":15},"
    "\"timings\":{\"cache_n\":4,\"prompt_n\":8,\"prompt_ms\":5.1,\"predicted_n\":3,"
    "\"predicted_ms\":30.0,\"predicted_per_second\":100.0}}\n\n"
    "data: [DONE]\n\n";

static const char LLAMACPP_WANT[] = "created id=chatcmpl-ll1\n"
                                    "reasoning_delta \"hmm\"\n"
                                    "delta \"Hel\"\n"
                                    "delta \"lo \xc3\xa9\xe4\xb8\xad\"\n"
                                    "done id=chatcmpl-ll1 usage=12/3/4 tps=100.0\n"
                                    "ignored\n";

static const char VLLM[] =
    "data: {\"id\":\"chatcmpl-v9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
    "\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
    "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-v9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
    "\"m\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"think\"},\"logprobs\":null,"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-v9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
    "\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"int x;\"},\"logprobs\":null,"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-v9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
    "\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,"
    "\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-v9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
    "\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"total_tokens\":22,"
    "\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":16}}}\n\n"
    "data: [DONE]\n\n";

static const char VLLM_WANT[] = "created id=chatcmpl-v9\n"
                                "reasoning_delta \"think\"\n"
                                "delta \"int x;\"\n"
                                "ignored\n"
                                "incomplete id=chatcmpl-v9 reason=max_tokens usage=20/2/16\n"
                                "ignored\n";

static const char OLLAMA[] =
    "data: {\"id\":\"chatcmpl-501\",\"object\":\"chat.completion.chunk\",\"created\":17,"
    "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-501\",\"object\":\"chat.completion.chunk\",\"created\":17,"
    "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\" there\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"chatcmpl-501\",\"object\":\"chat.completion.chunk\",\"created\":17,"
    "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"chatcmpl-501\",\"object\":\"chat.completion.chunk\",\"created\":17,"
    "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[],\"usage\":"
    "{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
    "data: [DONE]\n\n";

static const char OLLAMA_WANT[] = "created id=chatcmpl-501\n"
                                  "delta \"Hi\"\n"
                                  "delta \" there\"\n"
                                  "ignored\n"
                                  "done id=chatcmpl-501 usage=9/2/0\n"
                                  "ignored\n";

static const char CEREBRAS[] =
    "data: {\"id\":\"chatcmpl-c3\",\"choices\":[{\"delta\":{\"role\":\"assistant\"},\"index\":0}],"
    "\"created\":5,\"model\":\"gpt-oss-120b\",\"system_fingerprint\":\"fp_1\",\"object\":"
    "\"chat.completion.chunk\"}\n\n"
    "data: {\"id\":\"chatcmpl-c3\",\"choices\":[{\"delta\":{\"reasoning\":\"plan\"},\"index\":0}],"
    "\"created\":5,\"model\":\"gpt-oss-120b\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"id\":\"chatcmpl-c3\",\"choices\":[{\"delta\":{\"content\":\"fast\"},\"index\":0}],"
    "\"created\":5,\"model\":\"gpt-oss-120b\",\"object\":\"chat.completion.chunk\"}\n\n"
    "data: {\"id\":\"chatcmpl-c3\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\","
    "\"index\":0}],\"created\":5,\"model\":\"gpt-oss-120b\",\"object\":\"chat.completion.chunk\","
    "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40,\"total_tokens\":70},"
    "\"time_info\":{\"queue_time\":0.0001,\"prompt_time\":0.002,\"completion_time\":0.02,"
    "\"total_time\":0.023,\"created\":5}}\n\n"
    "data: [DONE]\n\n";

static const char CEREBRAS_WANT[] = "created id=chatcmpl-c3\n"
                                    "reasoning_delta \"plan\"\n"
                                    "delta \"fast\"\n"
                                    "done id=chatcmpl-c3 usage=30/40/0 tps=2000.0\n"
                                    "ignored\n";

static void test_variants(void)
{
    CHECK_STREAM(LLAMACPP, true, LLAMACPP_WANT);
    CHECK_STREAM(VLLM, true, VLLM_WANT);
    CHECK_STREAM(OLLAMA, true, OLLAMA_WANT);
    CHECK_STREAM(CEREBRAS, true, CEREBRAS_WANT);
    /* Without wire_end too: [DONE] ends each. */
    CHECK_STREAM(OLLAMA, false, OLLAMA_WANT);
}

static void test_line_ends(void)
{
    const char *streams[] = {LLAMACPP, VLLM, OLLAMA, CEREBRAS};
    const char *wants[] = {LLAMACPP_WANT, VLLM_WANT, OLLAMA_WANT, CEREBRAS_WANT};
    for (size_t i = 0; i < 4; i++) {
        char *crlf = relined(streams[i], "\r\n");
        CHECK_STREAM(crlf, true, wants[i]);
        free(crlf);
        char *cr = relined(streams[i], "\r"); /* WHATWG: a lone CR ends a line too */
        CHECK_STREAM(cr, true, wants[i]);
        free(cr);
    }
}

static void test_fields_comments_multiline(void)
{
    CHECK_STREAM(": keep-alive\n\n"
                 ":\n"
                 "event: message\n"
                 "id: 7\n"
                 "retry: 100\n"
                 "data:{\"id\":\"a\",\"choices\":[{\"index\":0,\n"
                 "data:  \"delta\":{\"content\":\"x\"}}]}\n"
                 "unknown: field\n"
                 "\n"
                 "data\n" /* a data field with no colon: an empty data line */
                 "\n"
                 "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                 "\"stop\"}]}\n\n"
                 "data: {\"id\":\"a\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n"
                 ": bye\n"
                 "data: [DONE]\n\n",
                 true,
                 "created id=a\n"
                 "delta \"x\"\n"
                 "malformed (data is not valid JSON)\n"
                 "ignored\n"
                 "done id=a usage=1/0/0\n"
                 "ignored\n");
    /* A BOM at the start of the stream is dropped. */
    CHECK_STREAM("\xEF\xBB\xBF"
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n",
                 false, "created\ndelta \"b\"\n");
    /* Choices other than index 0 are not this answer. */
    CHECK_STREAM("data: {\"id\":\"n\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"no\"}},"
                 "{\"index\":0,\"delta\":{\"content\":\"yes\"}}]}\n\n",
                 false, "created id=n\ndelta \"yes\"\n");
}

static void test_errors_in_stream(void)
{
    /* llama.cpp: an error after deltas, then close: the started response fails. */
    CHECK_STREAM("data: {\"id\":\"e\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"pa\"}}]}"
                 "\n\n"
                 "data: {\"error\":{\"code\":500,\"message\":\"slot died\",\"type\":"
                 "\"server_error\"}}\n\n",
                 true,
                 "created id=e\n"
                 "delta \"pa\"\n"
                 "failed id=e status=500 msg=slot died\n");
    /* vLLM before anything: request-scoped. */
    CHECK_STREAM("data: {\"error\":{\"message\":\"too long\",\"type\":\"BadRequestError\","
                 "\"param\":null,\"code\":\"context_length_exceeded\"}}\n\n"
                 "data: [DONE]\n\n",
                 true,
                 "error status=0 code=context_length_exceeded msg=too long\n"
                 "ignored\n");
    /* Very old vLLM, and older llama.cpp's `error:` line. */
    CHECK_STREAM("data: {\"object\":\"error\",\"message\":\"bad\",\"type\":\"x\",\"code\":400}\n\n",
                 true, "error status=400 msg=bad\n");
    CHECK_STREAM("error: {\"code\":503,\"message\":\"Loading model\",\"type\":"
                 "\"unavailable_error\"}\n\n",
                 true, "error status=503 msg=Loading model\n");
}

static void test_ends(void)
{
    const char *fin = "data: {\"id\":\"f\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}"
                      "\n\n"
                      "data: {\"id\":\"f\",\"choices\":[{\"index\":0,\"delta\":{},"
                      "\"finish_reason\":\"stop\"}]}\n\n";
    /* A missing [DONE]: EOF after the finish_reason is a normal end. */
    CHECK_STREAM(fin, true, "created id=f\ndelta \"ok\"\nignored\ndone id=f\n");
    /* Without the EOF the terminal waits (for usage, [DONE] or the end). */
    CHECK_STREAM(fin, false, "created id=f\ndelta \"ok\"\nignored\n");
    /* EOF before any finish_reason: the stream ended early; a cut line is dropped. */
    CHECK_STREAM("data: {\"id\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"pa\"}}]}"
                 "\n\ndata: {\"id\":\"g\",\"choi",
                 true,
                 "created id=g\ndelta \"pa\"\n"
                 "failed id=g status=0 msg=stream ended early (no finish_reason)\n");
    CHECK_STREAM(": only a comment\n\n", true,
                 "error status=0 msg=stream ended early (before any answer)\n");
    CHECK_STREAM("", true, ""); /* an empty body: nothing */
    /* [DONE] without a finish_reason: the server says the answer is whole. */
    CHECK_STREAM("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                 "data: [DONE]\n\n",
                 true, "created\ndelta \"a\"\ndone\n");
    /* content_filter and unknown reasons. */
    CHECK_STREAM("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                 "\"content_filter\"}]}\n\ndata: [DONE]\n\n",
                 false, "created\nincomplete reason=content_filter\n");
    CHECK_STREAM("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"odd\"}]}\n\n",
                 true, "created\nincomplete reason=odd\n");
}

static void test_keep_alive(void)
{
    /* Two responses on one connection: after [DONE] (or an end) a new stream starts. */
    StrBuf two = {0};
    sb_puts(&two, OLLAMA);
    sb_puts(&two, LLAMACPP);
    StrBuf want = {0};
    sb_puts(&want, OLLAMA_WANT);
    sb_puts(&want, LLAMACPP_WANT);
    CHECK_STREAM(sb_cstr(&two), true, sb_cstr(&want));
    sb_free(&two);
    sb_free(&want);

    Wire *w = wire_chat_new();
    StrBuf out = {0};
    const char *a = "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                    "\"stop\"}]}\n\n";
    wire_feed(w, a, strlen(a));
    wire_end(w);
    const char *b = "data: {\"id\":\"2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"z\"}}]}"
                    "\n\n";
    wire_feed(w, b, strlen(b)); /* fed before the first end was taken: still in order */
    drain_into(w, &out);
    CHECK_STR_EQ(sb_cstr(&out), "created id=1\ndone id=1\ncreated id=2\ndelta \"z\"\n");
    /* A reset (new connection) drops a partial event. */
    sb_reset(&out);
    wire_feed(w, "data: {\"id\":", 12);
    wire_reset(w);
    wire_feed(w, a, strlen(a));
    wire_end(w);
    drain_into(w, &out);
    CHECK_STR_EQ(sb_cstr(&out), "created id=1\ndone id=1\n");
    sb_free(&out);
    wire_free(w);
}

static void test_oversize(void)
{
    size_t big = WIRE_CHAT_MAX_EVENT + 100;
    char *s = malloc(big + 200);
    size_t n = 0;
    n += (size_t)sprintf(s, "data: \"");
    memset(s + n, 'a', big);
    n += big;
    n += (size_t)sprintf(s + n, "\"\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                                "\"k\"}}]}\n\n");
    Wire *w = wire_chat_new();
    StrBuf out = {0};
    for (size_t i = 0; i < n; i += 65536) { /* as a socket would hand it over */
        wire_feed(w, s + i, n - i < 65536 ? n - i : 65536);
        drain_into(w, &out);
    }
    CHECK_STR_EQ(sb_cstr(&out), "malformed (an event over 16 MiB)\ncreated\ndelta \"k\"\n");
    sb_free(&out);
    wire_free(w);
    free(s);
}

/* ---- non-200 replies and classification ---------------------------------------------- */

static void http(Wire *w, int status, const char *body, const char *retry, StrBuf *out)
{
    WireHttpError h = {.status = status, .body = body, .len = body ? strlen(body) : 0,
                       .retry_after = retry};
    wire_http_error(w, &h);
    drain_into(w, out);
}

static void test_http_errors(void)
{
    Wire *w = wire_chat_new();
    StrBuf out = {0};
    http(w, 401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\","
                 "\"code\":\"invalid_api_key\"}}",
         NULL, &out);
    http(w, 429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", "2",
         &out);
    http(w, 502, "Bad Gateway\r\nmore", NULL, &out);
    http(w, 403, NULL, NULL, &out);
    http(w, 404, "{\"detail\":\"Not Found\"}", NULL, &out);
    http(w, 503, "{\"error\":{\"code\":503,\"message\":\"Loading model\"}}", "0.5", &out);
    CHECK_STR_EQ(sb_cstr(&out),
                 "error status=401 code=invalid_api_key msg=HTTP 401: Incorrect API key\n"
                 "error status=429 code=rate_limit_exceeded msg=HTTP 429: slow down retry=2000\n"
                 "error status=502 msg=HTTP 502: Bad Gateway\n"
                 "error status=403 msg=HTTP 403: the server refused the API key (or none was "
                 "sent)\n"
                 "error status=404 msg=HTTP 404: Not Found\n"
                 "error status=503 msg=HTTP 503: Loading model retry=500\n");
    WireError e = {.status = 401};
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_FAIL);
    e.status = 403;
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_FAIL);
    e.status = 429;
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_WAIT);
    e.code = "insufficient_quota";
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_FAIL);
    e = (WireError){.status = 503};
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_WAIT);
    e.status = 500;
    CHECK_INT_EQ(wire_classify(w, &e), WIRE_ACT_FAIL);
    CHECK(!wire_can_chain(w));
    CHECK(!wire_abandoned_answer(w));
    CHECK_STR_EQ(wire_name(w), "chat");
    /* After an error reply the next stream starts fresh; an end adds nothing. */
    sb_reset(&out);
    wire_end(w);
    drain_into(w, &out);
    CHECK_STR_EQ(sb_cstr(&out), "");
    sb_free(&out);
    wire_free(w);
}

/* ---- encoding ----------------------------------------------------------------------------- */

static void test_encode(void)
{
    Wire *w = wire_chat_new();
    WireMessage in[] = {
        {WIRE_ROLE_USER, "q1", 2},
        {WIRE_ROLE_ASSISTANT, "a \"1\"\n", 6},
        {WIRE_ROLE_USER, "q2\xff", 3},
    };
    WireRequest req = {.model = "qwen", .instructions = "be brief", .chain_id = "ignored",
                       .input = in, .n_input = 3};
    StrBuf out = {0};
    wire_encode(w, &req, &out);
    CHECK_STR_EQ(sb_cstr(&out),
                 "{\"model\":\"qwen\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                 "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                 "{\"role\":\"user\",\"content\":\"q1\"},"
                 "{\"role\":\"assistant\",\"content\":\"a \\\"1\\\"\\n\"},"
                 "{\"role\":\"user\",\"content\":\"q2\xef\xbf\xbd\"}]}");
    sb_reset(&out);
    req.instructions = NULL;
    req.n_input = 1;
    wire_encode(w, &req, &out);
    CHECK_STR_EQ(sb_cstr(&out),
                 "{\"model\":\"qwen\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                 "\"messages\":[{\"role\":\"user\",\"content\":\"q1\"}]}");
    /* prompt_cache_key: only once the app says the server takes it (PROTOCOL.md 4). */
    req.prompt_cache_key = "flint-00ff";
    sb_reset(&out);
    wire_encode(w, &req, &out);
    CHECK(strstr(sb_cstr(&out), "prompt_cache_key") == NULL);
    wire_chat_set_cache_key(w, true);
    sb_reset(&out);
    wire_encode(w, &req, &out);
    CHECK_STR_EQ(sb_cstr(&out),
                 "{\"model\":\"qwen\",\"prompt_cache_key\":\"flint-00ff\",\"stream\":true,"
                 "\"stream_options\":{\"include_usage\":true},"
                 "\"messages\":[{\"role\":\"user\",\"content\":\"q1\"}]}");
    sb_free(&out);
    wire_free(w);
}

/* ---- a Session driving turns with this dialect ----------------------------------------- */

static uint64_t now_ns;
static uint64_t fake_clock(void) { return now_ns; }

typedef struct Sent {
    StrBuf msg[8];
    size_t n;
} Sent;

static bool send_hook(void *ud, const char *data, size_t len)
{
    Sent *s = ud;
    if (s->n == 8)
        return false;
    sb_reset(&s->msg[s->n]);
    sb_append(&s->msg[s->n++], data, len);
    return true;
}

/* Hands `s` to the session in pieces of 7 bytes, as a transport's reads would. */
static void body(Session *s, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i += 7)
        session_on_message(s, text + i, len - i < 7 ? len - i : 7);
}

static const char *entry_text(Session *s, size_t i)
{
    return sb_cstr(&transcript_entry(session_transcript(s), i)->text);
}

static void test_session_turns(void)
{
    now_ns = NS_PER_SEC;
    clock_set_source(fake_clock);
    Sent sent = {0};
    SessionConfig cfg = {.model = "qwen", .instructions = "sys", .wire = wire_chat_new(),
                         .stall_ns = SESSION_STALL_NEVER};
    SessionHooks hooks = {.send = send_hook};
    Session *s = session_new(&cfg, &hooks, &sent);
    session_on_link_up(s);
    ErrorBuf err;

    CHECK(session_ask(s, "first?", &err));
    cJSON *req = cJSON_Parse(sb_cstr(&sent.msg[0]));
    CHECK(req != NULL);
    const cJSON *msgs = cJSON_GetObjectItem(req, "messages");
    CHECK_INT_EQ(cJSON_GetArraySize(msgs), 2);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "role")->valuestring, "system");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(req, "stream")));
    cJSON_Delete(req);
    body(s, LLAMACPP);
    CHECK_INT_EQ(session_turn(s), TURN_DONE);
    CHECK_STR_EQ(entry_text(s, 1), "Hello \xc3\xa9\xe4\xb8\xad"); /* reasoning kept apart */
    {
        const TranscriptEntry *ans = transcript_entry(session_transcript(s), 1);
        CHECK_STR_EQ(sb_cstr(&ans->reasoning), "hmm"); /* ... on the answer entry */
        CHECK_INT_EQ(ans->reasoning_deltas, 1);
    }
    CHECK_INT_EQ(session_stats(s)->output_tokens, 3);
    CHECK_INT_EQ(session_stats(s)->input_tokens, 12);

    /* The second request carries the conversation; the body ends without [DONE]. */
    CHECK(session_ask(s, "second?", &err));
    req = cJSON_Parse(sb_cstr(&sent.msg[1]));
    msgs = cJSON_GetObjectItem(req, "messages");
    CHECK_INT_EQ(cJSON_GetArraySize(msgs), 4);
    CHECK(strstr(sb_cstr(&sent.msg[1]), "hmm") == NULL); /* reasoning is never sent back */
    /* The first question as first sent (context and all): the second body starts with the
     * first one's bytes up to its end of messages, so a prefix cache applies. */
    CHECK(strncmp(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "content")->valuestring,
                  "first?\n\n---\n", 12) == 0);
    CHECK(sent.msg[1].len > sent.msg[0].len &&
          memcmp(sent.msg[1].data, sent.msg[0].data, sent.msg[0].len - 2) == 0);
    CHECK(!cJSON_HasObjectItem(req, "prompt_cache_key")); /* not for a server that may refuse it */
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 2), "role")->valuestring,
                 "assistant");
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 2), "content")->valuestring,
                 "Hello \xc3\xa9\xe4\xb8\xad");
    cJSON_Delete(req);
    body(s, "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two\"}}]}\n\n"
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
            "\"stop\"}]}\n\n");
    CHECK_INT_EQ(session_turn(s), TURN_STREAMING);
    session_on_stream_end(s);
    CHECK_INT_EQ(session_turn(s), TURN_DONE);
    CHECK_STR_EQ(entry_text(s, 3), "two");

    /* EOF mid-answer: the partial text stays, the turn fails and says why. */
    CHECK(session_ask(s, "third?", &err));
    body(s, "data: {\"id\":\"y\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n");
    session_on_stream_end(s);
    CHECK_INT_EQ(session_turn(s), TURN_FAILED);
    CHECK_STR_EQ(entry_text(s, 5), "par");
    CHECK(strstr(session_notice(s), "stream ended early") != NULL);

    /* A 429 reply: the question waits for Retry-After, then goes again by itself. */
    CHECK(session_ask(s, "fourth?", &err));
    size_t before = sent.n;
    WireHttpError h = {.status = 429, .body = "{\"error\":{\"message\":\"slow\"}}",
                       .len = 28, .retry_after = "3"};
    session_on_http_error(s, &h);
    CHECK_INT_EQ(session_turn(s), TURN_WAITING);
    CHECK_INT_EQ(session_next_deadline_ns(s), NS_PER_SEC + 3 * NS_PER_SEC);
    now_ns += 3 * NS_PER_SEC;
    session_tick(s);
    CHECK_INT_EQ(sent.n, before + 1);
    CHECK_INT_EQ(session_turn(s), TURN_SENT);
    body(s, OLLAMA);
    CHECK_INT_EQ(session_turn(s), TURN_DONE);
    CHECK_STR_EQ(entry_text(s, 7), "Hi there");

    /* 401: the turn fails at once with the server's words. */
    CHECK(session_ask(s, "fifth?", &err));
    h = (WireHttpError){.status = 401, .body = "{\"error\":{\"message\":\"Invalid API key\"}}",
                        .len = 39};
    session_on_http_error(s, &h);
    CHECK_INT_EQ(session_turn(s), TURN_FAILED);
    CHECK_STR_EQ(session_notice(s), "HTTP 401: Invalid API key");

    /* Interrupt (the transport closes), then a fresh stream on the new connection. */
    CHECK(session_ask(s, "sixth?", &err));
    body(s, "data: {\"id\":\"z\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"st");
    session_interrupt(s);
    session_on_link_lost(s, "interrupted");
    session_on_link_up(s);
    CHECK(session_ask(s, "seventh?", &err));
    body(s, CEREBRAS);
    CHECK_INT_EQ(session_turn(s), TURN_DONE);
    CHECK_STR_EQ(entry_text(s, 13), "fast");
    CHECK_INT_EQ(session_stats(s)->malformed, 0);

    session_free(s);
    for (size_t i = 0; i < 8; i++)
        sb_free(&sent.msg[i]);
    clock_set_source(NULL);
}

int main(void)
{
    RUN(test_variants);
    RUN(test_line_ends);
    RUN(test_fields_comments_multiline);
    RUN(test_errors_in_stream);
    RUN(test_ends);
    RUN(test_keep_alive);
    RUN(test_oversize);
    RUN(test_http_errors);
    RUN(test_encode);
    RUN(test_session_turns);
    return harness_done();
}
