/* test_backend_requests: what flint-backend does with requests it must reject, through the
 * minimal lws client of backend_support.h. Covers PROTOCOL.md 7.3 #9 (malformed and binary
 * frames, missing parameters, ignored types, a 404 for another path), --exit-on-eof,
 * max_output_tokens validation, 1.5 (a rejected continuation evicts the cached id; one that
 * names another id, or a failed fork from another lane, does not), and the --tokens cap with
 * the size of the largest final event under it. Streaming and Close: test_backend.c. */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "support/backend_support.h"
#include "harness.h"

static void test_bad_input_and_paths(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    /* Another path: a 404 at the handshake, no WebSocket. */
    Client bad;
    CHECK(!client_connect(&bad, b.port, "/v1/chat/completions"));
    CHECK(bad.failed);
    client_free(&bad);

    Client cl;
    CHECK(client_connect(&cl, b.port, "/openai/v1/responses"));
    client_send(&cl, "{\"type\":\"response.create\",");           /* truncated JSON */
    client_send_raw(&cl, "\x01\x02\x03", 3, true);                 /* binary frame */
    client_send(&cl, "{\"type\":\"response.create\",\"input\":\"hi\"}");  /* no model */
    client_send(&cl, "{\"type\":\"response.create\",\"model\":\"m\"}");   /* no input */
    client_send(&cl, "{\"type\":\"response.processed\",\"response_id\":\"x\"}"); /* ignored */
    /* Ignored too: the stable schema has no response.steer.failed to answer with (request.h). */
    client_send(&cl, "{\"type\":\"response.steer\",\"previous_response_id\":\"resp_1\","
                     "\"input\":\"keep it short\"}");
    client_send(&cl, "[1,2,3]");
    client_create(&cl, "echo: still alive", NULL);
    CHECK(wait_terminals(&cl, 6));
    static const char *const codes[] = {"invalid_json", "invalid_message",
                                        "missing_required_parameter",
                                        "missing_required_parameter", "invalid_json"};
    for (size_t i = 0; i < 5 && i < cl.nevents; i++) {
        CHECK_STR_EQ(ev_type(cl.events[i]), "error");
        CHECK_STR_EQ(str_at(cl.events[i], "error.code"), codes[i]);
        CHECK_STR_EQ(str_at(cl.events[i], "error.type"), "invalid_request_error");
    }
    if (cl.nevents > 3) {
        CHECK_STR_EQ(str_at(cl.events[2], "error.param"), "model");
        CHECK_STR_EQ(str_at(cl.events[3], "error.param"), "input");
    }
    /* Nothing for response.processed: the next event is the create's response.created. */
    size_t next = check_answer(&cl, 5, "still alive", NULL, 0);
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "recv conn=1 type=response.processed prev=- bytes=", 2000));
    CHECK(log_has(&b, "recv conn=1 type=response.steer prev=resp_1 bytes=", 2000));
    CHECK(log_has(&b, "recv conn=1 type=binary prev=- bytes=3", 2000));

    /* A keyword picks a canned answer: markdown with a fenced C block. */
    client_create(&cl, "How do I reverse a linked list in C?", NULL);
    CHECK(wait_terminals(&cl, 7));
    const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                           "response.output.0.content.0.text") : NULL;
    CHECK(text && strstr(text, "```c\n") && strstr(text, "list_reverse"));
    client_free(&cl); /* drop without a Close frame */
    CHECK(log_has(&b, "closed conn=1 deltas_sent=", 3000));

    /* --exit-on-eof: closing its stdin ends the backend cleanly. */
    close(b.stdin_fd);
    b.stdin_fd = -1;
    int st = backend_wait(&b, 5000);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    backend_cleanup(&b);
}

/* A create for an echo question, naming previous_response_id prev and max_output_tokens
 * given as raw JSON (either NULL: absent). */
static void client_create_with(Client *cl, const char *echo, const char *prev, const char *max)
{
    char buf[1024], p[256] = "", m[128] = "";
    if (prev)
        snprintf(p, sizeof p, "\"previous_response_id\":\"%s\",", prev);
    if (max)
        snprintf(m, sizeof m, "\"max_output_tokens\":%s,", max);
    snprintf(buf, sizeof buf,
             "{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,%s%s"
             "\"input\":\"echo: %s\"}", p, m, echo);
    client_send(cl, buf);
}

/* Checks that events[at] exists and is a 400 error with this code and param. */
static void check_error_at(const Client *cl, size_t at, const char *code, const char *param)
{
    CHECK(at < cl->nevents);
    if (at >= cl->nevents)
        return;
    const cJSON *e = cl->events[at];
    CHECK_STR_EQ(ev_type(e), "error");
    CHECK_INT_EQ(num_at(e, "status"), 400);
    CHECK_STR_EQ(str_at(e, "error.type"), "invalid_request_error");
    CHECK_STR_EQ(str_at(e, "error.code"), code);
    CHECK_STR_EQ(str_at(e, "error.param"), param);
}

static void test_max_tokens_and_eviction(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    size_t terminals = 0, next = 0;

    /* max_output_tokens must be an integer in [1, INT_MAX]: fractions, huge values (which
     * would be undefined behaviour to convert), zero, negatives and non-numbers are
     * invalid_type, and no response starts. */
    static const char *const bad[] = {"2.5", "1e300", "1e400", "-1e400", "0", "-3",
                                      "2147483648", "0.5", "\"16\"", "true", "[]", "{}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        client_create_with(&cl, "never", NULL, bad[i]);
        CHECK(wait_terminals(&cl, ++terminals));
        CHECK_INT_EQ(cl.nevents, next + 1);
        check_error_at(&cl, next, "invalid_type", "max_output_tokens");
        if (cl.nevents > next)
            CHECK_STR_EQ(str_at(cl.events[next], "error.message"),
                         "Invalid type for 'max_output_tokens': expected a positive integer "
                         "or null.");
        next = cl.nevents;
    }
    /* ...while INT_MAX, 1.6e1 (an integer written as a float) and null are accepted. */
    static const char *const good[] = {"2147483647", "1.6e1", "null"};
    for (size_t i = 0; i < 3; i++) {
        client_create_with(&cl, "a b c", NULL, good[i]);
        CHECK(wait_terminals(&cl, ++terminals));
        next = check_answer(&cl, next, "a b c", NULL, 0);
    }
    CHECK_INT_EQ(next, cl.nevents);

    /* PROTOCOL.md 1.5: a rejected continuation evicts the cached response it names... */
    char id1[64] = "";
    client_create_with(&cl, "one", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "one", id1, sizeof id1);
    client_create_with(&cl, "rejected", id1, "2.5");
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "invalid_type", "max_output_tokens");
    client_create_with(&cl, "retry", id1, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "previous_response_not_found", "previous_response_id");
    CHECK_INT_EQ(next, cl.nevents);
    CHECK(log_has(&b, "error conn=1 code=previous_response_not_found", 2000));

    /* ...as does any other request-scoped rejection (here: no input)... */
    char id2[64] = "";
    client_create_with(&cl, "two", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "two", id2, sizeof id2);
    char msg[256];
    snprintf(msg, sizeof msg,
             "{\"type\":\"response.create\",\"model\":\"m\",\"previous_response_id\":\"%s\"}",
             id2);
    client_send(&cl, msg);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "missing_required_parameter", "input");
    client_create_with(&cl, "retry", id2, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "previous_response_not_found", "previous_response_id");

    /* ...but one that names another id leaves the cache alone, and so does a failed fork
     * from another lane (it keeps the shared parent). */
    char id3[64] = "";
    client_create_with(&cl, "three", NULL, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    next = check_answer(&cl, next, "three", id3, sizeof id3);
    client_create_with(&cl, "rejected", "resp_other", "0");
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next++, "invalid_type", "max_output_tokens");
    snprintf(msg, sizeof msg,
             "{\"type\":\"response.create\",\"model\":\"m\",\"stream_id\":\"fork\","
             "\"previous_response_id\":\"%s\",\"max_output_tokens\":2.5,\"input\":\"x\"}", id3);
    client_send(&cl, msg);
    CHECK(wait_terminals(&cl, ++terminals));
    check_error_at(&cl, next, "invalid_type", "max_output_tokens");
    if (cl.nevents > next)
        CHECK_STR_EQ(str_at(cl.events[next], "stream_id"), "fork");
    next++;
    client_create_with(&cl, "four", id3, NULL);
    CHECK(wait_terminals(&cl, ++terminals));
    size_t at = next;
    next = check_answer(&cl, next, "four", NULL, 0);
    if (next == cl.nevents && next > at)
        CHECK_STR_EQ(str_at(cl.events[next - 1], "response.previous_response_id"), id3);
    CHECK_INT_EQ(next, cl.nevents);

    /* An empty previous_response_id never matches the empty cache of a new connection. */
    Client cl2;
    CHECK(client_connect(&cl2, b.port, "/v1/responses"));
    client_create_with(&cl2, "x", "", NULL);
    CHECK(wait_terminals(&cl2, 1));
    CHECK_INT_EQ(cl2.nevents, 1);
    check_error_at(&cl2, 0, "previous_response_not_found", "previous_response_id");
    client_free(&cl2);

    client_free(&cl);
    backend_cleanup(&b);
}

/* Runs flint-backend with args to its exit; returns the exit status (-1 if it did not exit
 * normally) and its stdout and stderr, merged, in out. */
static int backend_exit_status(const char *const *args, char *out, size_t cap)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = FLINT_BACKEND_BIN;
    for (; *args && n < 15; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int p[2];
    out[0] = '\0';
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(p[0], out + len, cap - 1 - len)) > 0 && len + (size_t)r < cap - 1)
        len += (size_t)r;
    if (r > 0)
        len += (size_t)r;
    out[len] = '\0';
    close(p[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* --tokens is capped at 1,000,000 so that the final events, which repeat the whole text,
 * stay under a client's 16 MiB message cap: checked with the worst case, pieces of four
 * tabs (8 bytes each once escaped). */
static void test_tokens_cap(void)
{
    char out[4096];
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--tokens", "1000001", NULL}, out,
                                     sizeof out), 2);
    CHECK(strstr(out, "--tokens 1000001: expected 1..1000000") != NULL);
    CHECK(strstr(out, "16 MiB") != NULL);
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--tokens", "0", NULL}, out,
                                     sizeof out), 2);
    CHECK_INT_EQ(backend_exit_status((const char *const[]){"--help", NULL}, out, sizeof out), 0);
    CHECK(strstr(out, "N is 1..1000000") != NULL);

    enum { N = 1000000 };
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "0", "--tokens", "1000000", "--quiet",
                                                NULL}, false))
        return;
    Client cl;
    CHECK(client_connect(&cl, b.port, "/v1/responses"));
    cl.count_only = true;
    client_create(&cl, "echo: \t\t\t\t", NULL);
    CHECK(wait_terminals(&cl, 1));
    CHECK_INT_EQ(cl.deltas, N);
    const char *text = cl.nevents ? str_at(cl.events[cl.nevents - 1],
                                           "response.output.0.content.0.text") : NULL;
    CHECK(text && strlen(text) == 4u * N && strspn(text, "\t") == 4u * N);
    printf("tokens cap: largest event at --tokens %d of 4-tab pieces: %zu bytes\n", N,
           cl.max_message);
    CHECK(cl.max_message > 8u * N && cl.max_message < (16u << 20));
    client_free(&cl);
    backend_cleanup(&b);
}

int main(int argc, char **argv)
{
    lws_set_log_level(LLL_ERR, NULL);
    signal(SIGPIPE, SIG_IGN);
    RUN_IF(test_bad_input_and_paths);
    RUN_IF(test_max_tokens_and_eviction);
    RUN_IF(test_tokens_cap);
    return harness_done();
}
