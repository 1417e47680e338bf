/* test_backend: flint-backend as a black box streaming answers, through its CLI, stdout line,
 * log and --dump, with the minimal lws client of backend_support.h. Covers PROTOCOL.md 7.3 #1
 * (event order, UTF-8 split into deltas), #2 (chaining and previous_response_not_found),
 * #13 (FIFO), generate:false, max_output_tokens cutting an answer (response.incomplete),
 * stream_id, the canned answers, Close (at the end and mid-stream), pacing, the log lines
 * other tests grep, --rate 0 throughput, validate_schema.py over the dump (skipped with a
 * note if python3 lacks jsonschema), and the Close-frame scanner the backend uses when a
 * write fails (tests/backend/wsframe.h, tested directly). Request validation, eviction and
 * the --tokens cap: test_backend_requests.c. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "support/backend_support.h"
#include "harness.h"
#include "tests/backend/wsframe.h"

/* ---- tests -------------------------------------------------------------------------- */

/* The source tree's tests/ directory: from this file's path when the compiler saw an
 * absolute one (CMake passes absolute paths), else from FLINT_TEST_DATA (<src>/tests/data).
 * Computed textually: the data directory need not exist, so ".." through it would fail. */
static void tests_dir(char *dst, size_t cap)
{
    static const char self[] = "/unit/test_backend.c";
    const char *file = __FILE__;
    size_t n = strlen(file), k = sizeof self - 1;
    if (file[0] == '/' && n > k && !strcmp(file + n - k, self)) {
        snprintf(dst, cap, "%.*s", (int)(n - k), file);
        return;
    }
    snprintf(dst, cap, "%s", FLINT_TEST_DATA);
    char *slash = strrchr(dst, '/');
    if (slash)
        *slash = '\0';
}

static void validate_dump(const char *dump)
{
    /* tests/check_schema.sh finds the yml and the validator, and exits 77 to skip. */
    char tests[512], cmd[2048];
    tests_dir(tests, sizeof tests);
    snprintf(cmd, sizeof cmd, "'%s/check_schema.sh' dump '%s'", tests, dump);
    fflush(stdout);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 77));
}

static void test_stream_chain_and_close(void)
{
    static const char *const args[] = {"--rate", "0", NULL};
    Backend b;
    if (!start_or_fail(&b, args, true))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));

    /* 1. One answer with CJK, an emoji and an accent, split into pieces. */
    client_create(&cl, "echo: héllo 世界 🙂", NULL);
    CHECK(wait_terminals(&cl, 1));
    char id1[64] = "";
    size_t next = check_answer(&cl, 0, "héllo 世界 🙂", id1, sizeof id1);
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "open conn=1", 2000));
    CHECK(log_has(&b, "recv conn=1 type=response.create prev=- bytes=", 2000));
    CHECK(log_has(&b, "stream conn=1 resp=", 2000));
    char want[128];
    snprintf(want, sizeof want, "done conn=1 resp=%s deltas=", id1);
    CHECK(log_has(&b, want, 2000));

    /* 2. A chained turn naming the cached response works... */
    client_create(&cl, "echo: second turn", id1);
    CHECK(wait_terminals(&cl, 2));
    char id2[64] = "";
    next = check_answer(&cl, next, "second turn", id2, sizeof id2);
    CHECK(strcmp(id1, id2) != 0);
    if (next == cl.nevents && next > 0) {
        const cJSON *completed = cl.events[next - 1];
        CHECK_STR_EQ(str_at(completed, "response.previous_response_id"), id1);
        CHECK(num_at(completed, "response.usage.input_tokens_details.cached_tokens") > 0);
    }
    snprintf(want, sizeof want, "recv conn=1 type=response.create prev=%s bytes=", id1);
    CHECK(log_has(&b, want, 2000));

    /* 3. ...naming any other id is previous_response_not_found, and no response starts. */
    client_create(&cl, "echo: never", "resp_doesnotexist");
    CHECK(wait_terminals(&cl, 3));
    CHECK_INT_EQ(cl.nevents, next + 1);
    if (cl.nevents == next + 1) {
        const cJSON *e = cl.events[next];
        CHECK_STR_EQ(ev_type(e), "error");
        CHECK_INT_EQ(num_at(e, "status"), 400);
        CHECK_STR_EQ(str_at(e, "error.type"), "invalid_request_error");
        CHECK_STR_EQ(str_at(e, "error.code"), "previous_response_not_found");
        CHECK_STR_EQ(str_at(e, "error.param"), "previous_response_id");
        CHECK_STR_EQ(str_at(e, "error.message"),
                     "Previous response with id 'resp_doesnotexist' not found.");
    }
    next = cl.nevents;
    CHECK(log_has(&b, "error conn=1 code=previous_response_not_found", 2000));

    /* 4. Two creates back to back run FIFO: all of #1, then all of #2. */
    client_create(&cl, "echo: first of two", NULL);
    client_create(&cl, "echo: second of two", NULL);
    CHECK(wait_terminals(&cl, 5));
    next = check_answer(&cl, next, "first of two", NULL, 0);
    next = check_answer(&cl, next, "second of two", NULL, 0);
    CHECK_INT_EQ(next, cl.nevents);

    /* 5. A generate:false warm-up: the lifecycle with an empty output, chainable. */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"gpt-5.3-codex-spark\","
                     "\"store\":false,\"generate\":false,\"input\":\"prefix only\"}");
    CHECK(wait_terminals(&cl, 6));
    CHECK_INT_EQ(cl.nevents, next + 3);
    if (cl.nevents == next + 3) {
        CHECK_STR_EQ(ev_type(cl.events[next]), "response.created");
        CHECK_STR_EQ(ev_type(cl.events[next + 1]), "response.in_progress");
        CHECK_STR_EQ(ev_type(cl.events[next + 2]), "response.completed");
        CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(cl.events[next + 2], "response"), "output")), 0);
    }
    next = cl.nevents;

    /* 6. max_output_tokens (the schema's minimum is 16) cuts the answer: response.incomplete, reason max_output_tokens,
     * and a stream_id is echoed on every event of that response. */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"m\",\"stream_id\":\"lane_1\","
                     "\"max_output_tokens\":16,\"input\":\"echo: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 "
                     "w13 w14 w15 w16 w17 w18 w19 w20\"}");
    CHECK(wait_terminals(&cl, 7));
    CHECK_INT_EQ(cl.nevents, next + 24);
    if (cl.nevents == next + 24) {
        for (size_t i = next; i < cl.nevents; i++)
            CHECK_STR_EQ(str_at(cl.events[i], "stream_id"), "lane_1");
        const cJSON *last = cl.events[cl.nevents - 1];
        CHECK_STR_EQ(ev_type(last), "response.incomplete");
        CHECK_STR_EQ(str_at(last, "response.status"), "incomplete");
        CHECK_STR_EQ(str_at(last, "response.incomplete_details.reason"), "max_output_tokens");
        CHECK_STR_EQ(str_at(last, "response.output.0.status"), "incomplete");
        CHECK_STR_EQ(str_at(last, "response.output.0.content.0.text"),
                     "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16");
    }
    next = cl.nevents;

    /* 7. A canned answer with CJK, emoji and combining accents: every delta is whole UTF-8
     * characters, and the deltas add up to the final text. */
    client_create(&cl, "Why is the unicode width of my string wrong?", NULL);
    CHECK(wait_terminals(&cl, 8));
    if (cl.nevents > next) {
        const char *text = str_at(cl.events[cl.nevents - 1], "response.output.0.content.0.text");
        CHECK(text && strstr(text, "世界") && strstr(text, "🙂") && strstr(text, "e\xcc\x81"));
        check_answer(&cl, next, text ? text : "", NULL, 0);
        for (size_t i = next; i < cl.nevents; i++) {
            const char *d = str_at(cl.events[i], "delta");
            if (d)
                CHECK(((unsigned char)d[0] & 0xC0) != 0x80);
        }
    }
    next = cl.nevents;

    /* 8. The other canned answers: Markdown with a fenced block, chosen by keyword. */
    static const char *const asks[][2] = {
        {"write a python script that counts words", "```python\n"},
        {"explain this bash one-liner", "```sh\n"},
        {"please refactor my function", "static bool config_apply_line"},
    };
    for (size_t k = 0; k < 3; k++) {
        client_create(&cl, asks[k][0], NULL);
        CHECK(wait_terminals(&cl, 9 + k));
        const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                               "response.output.0.content.0.text") : NULL;
        CHECK(text && strstr(text, asks[k][1]));
        next = check_answer(&cl, next, text ? text : "", NULL, 0);
    }
    CHECK_INT_EQ(next, cl.nevents);

    /* 9. Close with 1000: the backend logs the code and the reason. */
    client_close(&cl);
    CHECK(cl.closed);
    CHECK(log_has(&b, "close conn=1 code=1000 reason=bye", 3000));
    CHECK(log_has(&b, "closed conn=1 deltas_sent=", 3000));
    client_free(&cl);

    /* SIGTERM: a clean exit with status 0, then the dump is complete. */
    kill(b.pid, SIGTERM);
    int st = backend_wait(&b, 5000);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    validate_dump(b.dump);
    backend_cleanup(&b);
}

/* Closes with 1000 mid-stream: the backend stops at once (min <= deltas sent < total, no
 * "done") and logs both the close and the closed line. Frees the client and the backend. */
static void close_midstream(Backend *b, Client *cl, long min, long total)
{
    client_close(cl);
    CHECK(log_has(b, "close conn=1 code=1000 reason=bye", 3000));
    CHECK(log_has(b, "closed conn=1 deltas_sent=", 3000));
    char *log = read_text(b->log);
    const char *p = strstr(log, "closed conn=1 deltas_sent=");
    long sent = p ? atol(p + strlen("closed conn=1 deltas_sent=")) : -1;
    CHECK(sent >= min && sent < total);
    CHECK(strstr(log, "done conn=1") == NULL);
    free(log);
    client_free(cl);
    backend_cleanup(b);
}

static void test_pacing_and_cancel(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "2000", "--tokens", "100000", NULL},
                       false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    client_create(&cl, "echo: paced", NULL);
    size_t want = 200;
    CHECK(client_run(&cl, has_deltas, &want, 10000));
    /* 199 intervals at 2000/s = 99.5 ms; allow generous scheduling slack. */
    double ms = (double)(cl.last_delta_ns - cl.first_delta_ns) / 1e6;
    printf("pacing: 200 deltas at --rate 2000 took %.1f ms (ideal 99.5)\n", ms);
    CHECK(ms > 60); /* it paces (a behaviour); how closely is a figure, printed above */
    CHECK(log_has(&b, "stream conn=1 resp=", 2000));
    CHECK(log_has(&b, "deltas=100000 rate=2000", 2000));
    close_midstream(&b, &cl, 200, 100000);
}

/* The benchmark's case: the client closes while deltas pour in as fast as TCP takes them. */
static void test_cancel_rate0(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "1000000", NULL},
                       false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: fast", NULL);
    size_t want = 20000;
    CHECK(client_run(&cl, has_deltas, &want, 10000));
    close_midstream(&b, &cl, 20000, 1000000);
}

static void test_throughput_rate0(void)
{
    enum { N = 400000 };
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "400000", "--quiet",
                                                NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: abc def ghi jkl", NULL);
    CHECK(wait_terminals(&cl, 1));
    CHECK_INT_EQ(cl.deltas, N);
    double secs = (double)(cl.last_delta_ns - cl.first_delta_ns) / 1e9;
    double rate = secs > 0 ? (double)cl.deltas / secs : 0;
    printf("throughput: %zu deltas at --rate 0 in %.3f s = %.0f deltas/s\n", cl.deltas, secs, rate);
    CHECK(rate > 0); /* the figure is printed; speed is not asserted in tests (noisy CI) */
    client_free(&cl);
    backend_stop(&b);
    /* The backend's own cost, independent of how fast this client reads. */
    printf("throughput: backend used %.3f CPU s = %.0f deltas per CPU second\n", b.cpu_secs,
           b.cpu_secs > 0 ? N / b.cpu_secs : 0);
    backend_cleanup(&b);
}

/* A masked client frame (RFC 6455 5.2) with the minimal length encoding; returns its size. */
static size_t ws_frame(unsigned char *dst, unsigned b0, const void *payload, size_t len,
                       const unsigned char key[4])
{
    size_t n = 0;
    dst[n++] = (unsigned char)b0;
    if (len < 126) {
        dst[n++] = (unsigned char)(0x80 | len);
    } else if (len <= 0xffff) {
        dst[n++] = 0x80 | 126;
        dst[n++] = (unsigned char)(len >> 8);
        dst[n++] = (unsigned char)len;
    } else {
        dst[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            dst[n++] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    memcpy(dst + n, key, 4);
    n += 4;
    for (size_t i = 0; i < len; i++)
        dst[n + i] = ((const unsigned char *)payload)[i] ^ key[i % 4];
    return n + len;
}

/* The scanner behind the backend's "close conn=N code=..." line after a failed write. */
static void test_close_frame_scan(void)
{
    static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d}, zero[4] = {0, 0, 0, 0};
    static const unsigned char bye[] = {0x03, 0xe8, 'b', 'y', 'e'}; /* 1000 "bye" */
    unsigned char buf[1024], pl[125];
    char json[300];
    memset(json, 'x', sizeof json);
    memcpy(json, "{\"type\":\"response.create\",\"input\":\"", 36);

    /* A Close alone, after a text frame and a ping, after a fragmented message. */
    size_t n = ws_frame(buf, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 5);
    CHECK_MEM_EQ(pl, 5, bye, 5);
    n = ws_frame(buf, 0x81, json, sizeof json, key);
    size_t text_len = n;
    n += ws_frame(buf + n, 0x89, "hi", 2, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 5);
    CHECK_MEM_EQ(pl, 5, bye, 5);
    n = ws_frame(buf, 0x01, json, 100, key);
    n += ws_frame(buf + n, 0x80, json + 100, 200, key);
    n += ws_frame(buf + n, 0x88, "", 0, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), 0);
    CHECK_INT_EQ(ws_scan_close(buf, n - 1, pl, sizeof pl), -1); /* incomplete */

    /* Started anywhere inside the text frame (lws stopped reading mid-frame), the bytes
     * are not taken for frames, the Close after them included. */
    n = ws_frame(buf, 0x81, json, sizeof json, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    for (size_t off = 1; off < text_len; off++)
        CHECK_INT_EQ(ws_scan_close(buf + off, n - off, pl, sizeof pl), -1);

    /* Malformed for a client: unmasked, RSV bits, a continuation or a new message where it
     * cannot be, a fragmented or long control frame, a non-minimal length, a 1-byte Close. */
    n = ws_frame(buf, 0x88, bye, sizeof bye, key);
    buf[1] &= 0x7f;
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0xC8, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x80, "x", 1, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x01, "x", 1, key);
    n += ws_frame(buf + n, 0x81, "y", 1, key);
    n += ws_frame(buf + n, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x08, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x88, json, 126, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    static const unsigned char long5[] = {0x81, 0x80 | 126, 0, 5, 0, 0, 0, 0, 'a', 'b', 'c',
                                          'd', 'e'};
    memcpy(buf, long5, sizeof long5);
    n = sizeof long5 + ws_frame(buf + sizeof long5, 0x88, bye, sizeof bye, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    n = ws_frame(buf, 0x88, bye, 1, key);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
    CHECK_INT_EQ(ws_scan_close(buf, 1, pl, sizeof pl), -1);

    /* What the checks cannot catch, and why conn.c scans only at a frame boundary: a text
     * payload that holds a well-formed Close frame (here unmasked by a zero key). */
    unsigned char inner[16];
    size_t k = ws_frame(inner, 0x88, bye, sizeof bye, key);
    n = ws_frame(buf, 0x81, inner, k, zero);
    CHECK_INT_EQ(ws_scan_close(buf + 6, n - 6, pl, sizeof pl), 5);
    CHECK_INT_EQ(ws_scan_close(buf, n, pl, sizeof pl), -1);
}

int main(int argc, char **argv)
{
    lws_set_log_level(LLL_ERR, NULL);
    signal(SIGPIPE, SIG_IGN);
    RUN_IF(test_stream_chain_and_close);
    RUN_IF(test_close_frame_scan);
    RUN_IF(test_pacing_and_cancel);
    RUN_IF(test_cancel_rate0);
    RUN_IF(test_throughput_rate0);
    return harness_done();
}
