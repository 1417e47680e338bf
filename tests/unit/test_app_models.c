/* The model picker headless (app/model_pick.c): a real flint-backend child answers GET
 * /v1/models (--models m-one,m-two) over the picker's own HTTP request; the conversation
 * runs over an in-memory transport (tests/support/transport_fake.h). Switching the model
 * mid-conversation: the next request names the new model and carries the whole
 * conversation, with no previous_response_id; F8 while an answer streams is refused;
 * switching provider (llamacpp: Chat Completions) makes a new transport and dialect and
 * resends the conversation as Chat messages; a server without /models says so in the list. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/providers.h"
#include "session/transcript.h"
#include "session/wire_json.h"
#include "support/backend_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

#define F8 "\x1b[19~"
#define DOWN "\x1b[B"

typedef struct Rig {
    AppConfig cfg;
    Providers providers;
    char url[64];
    App *app;
    TransportFake *fake;
    int makes;
} Rig;

static Transport *make_fake(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                            void *hooks_ud, ErrorBuf *err)
{
    (void)ctx, (void)err;
    Rig *r = ud;
    r->makes++;
    r->fake = transport_fake_new(hooks, hooks_ud, "fake:443");
    return &r->fake->base;
}

static bool rig_open(Rig *r, int port)
{
    memset(r, 0, sizeof *r);
    providers_init(&r->providers, NULL, NULL);
    snprintf(r->url, sizeof r->url, "ws://127.0.0.1:%d/v1", port);
    r->cfg.url = r->url;
    r->cfg.model = "gpt-test";
    r->cfg.providers = &r->providers;
    ErrorBuf err = {{0}};
    r->app = app_new_headless(&r->cfg, make_fake, r, &err);
    CHECK(r->app != NULL);
    if (!r->app) {
        fprintf(stderr, "  app_new_headless: %s\n", err.msg);
        providers_free(&r->providers);
        return false;
    }
    transport_fake_set_state(r->fake, TRANSPORT_UP, "");
    return true;
}

static void rig_close(Rig *r)
{
    app_free(r->app);
    providers_free(&r->providers);
}

static void keys(Rig *r, const char *bytes) { app_feed(r->app, bytes, strlen(bytes)); }

static bool screen_has(Rig *r, const char *s)
{
    const Grid *g = app_grid(r->app);
    for (int y = 0; y < g->rows; y++)
        if (strstr(row_text(g, y), s))
            return true;
    return false;
}

static void server_says(Rig *r, const char *json)
{
    CHECK(transport_fake_receive(r->fake, json, strlen(json)));
}

static void answer(Rig *r, const char *id, const char *text)
{
    char m[512];
    snprintf(m, sizeof m, "{\"type\":\"response.created\",\"response\":{\"id\":\"%s\","
                          "\"status\":\"in_progress\",\"output\":[]}}", id);
    server_says(r, m);
    snprintf(m, sizeof m, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                          "\"output_index\":0,\"content_index\":0,\"delta\":\"%s\"}", text);
    server_says(r, m);
    snprintf(m, sizeof m, "{\"type\":\"response.completed\",\"response\":{\"id\":\"%s\","
                          "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":"
                          "10,\"output_tokens\":3}}}", id);
    server_says(r, m);
}

/* F8, then the list as the backend's answer fills it (the picker polls its request from the
 * turn of the loop that app_tick plays; bounded by the request's own 10 s timeout). */
static bool open_picker(Rig *r, const char *want)
{
    keys(r, F8);
    CHECK_INT_EQ(app_mode(r->app), MODE_MODEL_LIST);
    for (int i = 0; i < 1200 && !screen_has(r, want); i++) {
        usleep(10000);
        app_tick(r->app);
    }
    CHECK(screen_has(r, want));
    return screen_has(r, want);
}

static cJSON *sent(Rig *r, int i)
{
    size_t len = 0;
    const char *raw = transport_fake_sent(r->fake, i, &len);
    CHECK(raw != NULL);
    return raw ? cJSON_ParseWithLength(raw, len) : NULL;
}

static const char *jstr(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The text of input (or messages) item i, whatever the dialect's shape. */
static char *item_text(const cJSON *arr, int i)
{
    const cJSON *it = cJSON_GetArrayItem(arr, i);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "content");
    if (cJSON_IsString(c))
        return c->valuestring;
    const cJSON *part = cJSON_GetArrayItem(c, 0);
    return (char *)jstr(part, "text");
}

static void test_switch_model_mid_conversation(void)
{
    Backend b;
    const char *extra[] = {"--models", "m-one,m-two", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    Rig r;
    if (!rig_open(&r, b.port)) {
        backend_stop(&b);
        return;
    }
    keys(&r, "\x0b" "first question" "\r");
    CHECK_INT_EQ(r.fake->nsent, 1);
    answer(&r, "resp_1", "first answer");
    /* Chained, as usual, while nothing changes. */
    keys(&r, "\x0b" "second question" "\r");
    CHECK_INT_EQ(r.fake->nsent, 2);
    cJSON *j = sent(&r, 1);
    CHECK_STR_EQ(jstr(j, "previous_response_id"), "resp_1");
    cJSON_Delete(j);
    /* While it streams, F8 (from the ask prompt that stays open) is refused. */
    keys(&r, F8);
    CHECK(app_mode(r.app) != MODE_MODEL_LIST);
    CHECK(strstr(app_message(r.app), "Esc stops it") != NULL);
    answer(&r, "resp_2", "second answer");

    if (open_picker(&r, "m-two")) {
        CHECK(screen_has(&r, "m-one"));
        CHECK(screen_has(&r, "provider llamacpp"));
        keys(&r, DOWN "\r"); /* m-one is first (gpt-test is not listed): m-two */
        CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
        CHECK_STR_EQ(session_model(app_session(r.app)), "m-two");
        keys(&r, "x"); /* a frame */
        CHECK(screen_has(&r, "m-two"));     /* the status line names it */
        keys(&r, "\x0b" "third question" "\r");
        CHECK_INT_EQ(r.fake->nsent, 3);
        j = sent(&r, 2);
        CHECK_STR_EQ(jstr(j, "model"), "m-two");
        CHECK(cJSON_GetObjectItemCaseSensitive(j, "previous_response_id") == NULL);
        const cJSON *input = cJSON_GetObjectItemCaseSensitive(j, "input");
        CHECK_INT_EQ(cJSON_GetArraySize(input), 5); /* q1 a1 q2 a2 q3 */
        CHECK(item_text(input, 0) && strstr(item_text(input, 0), "first question"));
        CHECK(item_text(input, 1) && strcmp(item_text(input, 1), "first answer") == 0);
        CHECK(item_text(input, 3) && strcmp(item_text(input, 3), "second answer") == 0);
        CHECK(item_text(input, 4) && strstr(item_text(input, 4), "third question"));
        cJSON_Delete(j);
        answer(&r, "resp_3", "third answer");
    }
    char *log = read_text(b.log);
    CHECK(strstr(log, "recv conn=0 type=models") != NULL);
    free(log);
    rig_close(&r);
    backend_stop(&b);
    backend_cleanup(&b);
}

static void test_switch_provider(void)
{
    Backend b;
    const char *extra[] = {"--models", "m-one", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    Rig r;
    if (!rig_open(&r, b.port)) {
        backend_stop(&b);
        return;
    }
    keys(&r, "\x0b" "hello there" "\r");
    answer(&r, "resp_1", "hi");
    if (open_picker(&r, "m-one")) {
        /* rows: m-one, then openai xai cerebras ollama llamacpp vllm */
        keys(&r, DOWN DOWN DOWN DOWN DOWN "\r");
        CHECK_INT_EQ(r.makes, 2); /* a new transport */
        CHECK_STR_EQ(session_model(app_session(r.app)), "default");
        CHECK_STR_EQ(wire_name(session_wire(app_session(r.app))), "chat");
        CHECK(strstr(app_message(r.app), "Provider llamacpp") != NULL);
        CHECK_INT_EQ(r.fake->starts, 1);
        transport_fake_set_state(r.fake, TRANSPORT_UP, "");
        keys(&r, "\x0b" "and now?" "\r");
        CHECK_INT_EQ(r.fake->nsent, 1);
        cJSON *j = sent(&r, 0);
        CHECK_STR_EQ(jstr(j, "model"), "default");
        const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(j, "messages");
        CHECK_INT_EQ(cJSON_GetArraySize(msgs), 4); /* system, hello, hi, and now? */
        CHECK(item_text(msgs, 1) && strstr(item_text(msgs, 1), "hello there"));
        CHECK(item_text(msgs, 2) && strcmp(item_text(msgs, 2), "hi") == 0);
        cJSON_Delete(j);
        /* The list of the new server (nothing listens at 127.0.0.1:8080 here, or something
         * that is not it): a status row, never a crash. */
        keys(&r, "\x07"); /* Ctrl-G: the answer stops */
        keys(&r, F8);
        CHECK_INT_EQ(app_mode(r.app), MODE_MODEL_LIST);
        keys(&r, "\x1b");
        app_tick(r.app);
        CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    }
    rig_close(&r);
    backend_stop(&b);
    backend_cleanup(&b);
}

int main(void)
{
    RUN(test_switch_model_mid_conversation);
    RUN(test_switch_provider);
    return harness_done();
}
