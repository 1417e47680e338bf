/* test_backend_steer: flint-backend's scripted steering (tests/backend/steer.h), through the
 * minimal lws client of backend_support.h: --steer refuse answers response.steer with
 * response.steer.failed (steering_not_supported, the input returned); --steer accept answers
 * steer.accepted, ends the running response with response.incomplete (reason "steered") and
 * starts a successor on its own (no create from the client) whose answer is the steer's text;
 * a steer for a response that is not running is refused (response_not_active); the default
 * ignores the message (test_backend_requests). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "support/backend_support.h"
#include "harness.h"

typedef struct Want {
    const char *type;
    size_t n;
} Want;

/* done() for client_run: n events of a type have arrived. */
static bool has_events(Client *cl, const void *arg)
{
    const Want *w = arg;
    size_t n = 0;
    for (size_t i = 0; i < cl->nevents; i++)
        if (strcmp(ev_type(cl->events[i]), w->type) == 0)
            n++;
    return n >= w->n || cl->closed || cl->failed;
}

static const cJSON *find(Client *cl, const char *type, size_t nth)
{
    for (size_t i = 0; i < cl->nevents; i++)
        if (strcmp(ev_type(cl->events[i]), type) == 0 && nth-- == 0)
            return cl->events[i];
    return NULL;
}

static void send_steer(Client *cl, const char *prev, const char *input)
{
    char m[512];
    snprintf(m, sizeof m, "{\"type\":\"response.steer\",\"previous_response_id\":\"%s\","
                          "\"input\":\"%s\"}", prev, input);
    client_send(cl, m);
}

/* A long answer streaming slowly; returns its response id (in id). */
static bool long_answer(Client *cl, int port, char *id, size_t cap)
{
    if (!client_connect(cl, port, "/v1/responses"))
        return false;
    client_create(cl, "Write a C function that reverses a linked list", NULL);
    size_t two = 2;
    CHECK(client_run(cl, has_deltas, &two, 5000));
    const cJSON *created = find(cl, "response.created", 0);
    CHECK(created != NULL);
    snprintf(id, cap, "%s", created ? str_at(created, "response.id") : "");
    return created != NULL;
}

static void test_refuse(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "50", "--steer", "refuse", NULL},
                       false))
        return;
    Client cl;
    char id[64];
    if (long_answer(&cl, b.port, id, sizeof id)) {
        send_steer(&cl, id, "keep it short");
        CHECK(client_run(&cl, has_events, &(Want){"response.steer.failed", 1}, 5000));
        const cJSON *f = find(&cl, "response.steer.failed", 0);
        CHECK_STR_EQ(str_at(f, "error.code"), "steering_not_supported");
        CHECK_STR_EQ(str_at(f, "error.type"), "invalid_request_error");
        CHECK_STR_EQ(str_at(f, "steer.input"), "keep it short");
        CHECK_STR_EQ(str_at(f, "steer.previous_response_id"), id);
        CHECK(log_has(&b, "steer conn=1 refused code=steering_not_supported", 2000));
    }
    client_free(&cl);
    backend_stop(&b);
    backend_cleanup(&b);
}

static void test_accept(void)
{
    Backend b;
    if (!start_or_fail(&b, (const char *const[]){"--rate", "50", "--steer", "accept", NULL},
                       false))
        return;
    Client cl;
    char id[64];
    if (long_answer(&cl, b.port, id, sizeof id)) {
        send_steer(&cl, "resp_nope", "wrong one");
        CHECK(client_run(&cl, has_events, &(Want){"response.steer.failed", 1}, 5000));
        CHECK_STR_EQ(str_at(find(&cl, "response.steer.failed", 0), "error.code"),
                     "response_not_active");
        send_steer(&cl, id, "echo: steered text");
        CHECK(client_run(&cl, has_events, &(Want){"response.completed", 1}, 10000));
        const cJSON *acc = find(&cl, "response.steer.accepted", 0);
        CHECK(acc != NULL);
        CHECK_STR_EQ(str_at(acc, "steer.previous_response_id"), id);
        const cJSON *inc = find(&cl, "response.incomplete", 0);
        CHECK_STR_EQ(str_at(inc, "response.id"), id);
        CHECK_STR_EQ(str_at(inc, "response.incomplete_details.reason"), "steered");
        const cJSON *succ = find(&cl, "response.created", 1);
        CHECK(succ && strcmp(str_at(succ, "response.id"), id) != 0);
        const cJSON *done = find(&cl, "response.completed", 0);
        CHECK_STR_EQ(str_at(done, "response.id"), str_at(succ, "response.id"));
        CHECK_STR_EQ(str_at(done, "response.output.0.content.0.text"), "steered text");
        /* The order: accepted, then the steered end, then the successor. */
        size_t ia = 0, ii = 0, is = 0, seen = 0;
        for (size_t i = 0; i < cl.nevents; i++) {
            const char *t = ev_type(cl.events[i]);
            if (!strcmp(t, "response.steer.accepted"))
                ia = i;
            else if (!strcmp(t, "response.incomplete"))
                ii = i;
            else if (!strcmp(t, "response.created") && seen++ == 1)
                is = i;
        }
        CHECK(ia < ii && ii < is);
        CHECK(log_has(&b, "steer conn=1 accepted resp=", 2000));
        CHECK(log_has(&b, "steer conn=1 steered resp=", 2000));
        /* One create from the client, two responses. */
        CHECK(!log_has(&b, "recv conn=1 type=response.create prev=resp_", 200));
    }
    client_free(&cl);
    backend_stop(&b);
    backend_cleanup(&b);
}

int main(int argc, char **argv)
{
    lws_set_log_level(LLL_ERR, NULL);
    signal(SIGPIPE, SIG_IGN);
    RUN_IF(test_refuse);
    RUN_IF(test_accept);
    return harness_done();
}
