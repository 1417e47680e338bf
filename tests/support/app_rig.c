/* The headless-App rig: see app_rig.h. */
#include "support/app_rig.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "session/session.h"
#include "session/wire_json.h"
#include "support/harness.h"
#include "support/views_support.h"
#include "ui/grid.h"

Transport *app_rig_make_fake(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                             void *hooks_ud, ErrorBuf *err)
{
    (void)ctx, (void)err;
    TransportFake **out = ud;
    *out = transport_fake_new(hooks, hooks_ud, "fake:443");
    return &(*out)->base;
}

void app_rig_init(AppRig *r)
{
    memset(r, 0, sizeof *r);
    settings_init(&r->settings);
    r->cfg.model = "gpt-test";
}

void app_rig_settings(AppRig *r, const char *json)
{
    ErrorBuf err = {{0}};
    CHECK(settings_parse(&r->settings, "config.json", json, strlen(json), &err));
    r->cfg.settings = &r->settings;
}

bool app_rig_start(AppRig *r, bool up)
{
    ErrorBuf err = {{0}};
    r->app = app_new_headless(&r->cfg, app_rig_make_fake, &r->fake, &err);
    CHECK(r->app != NULL);
    if (!r->app) {
        fprintf(stderr, "  app_new_headless: %s\n", err.msg);
        return false;
    }
    if (up)
        transport_fake_set_state(r->fake, TRANSPORT_UP, "");
    return true;
}

bool app_rig_open(AppRig *r)
{
    app_rig_init(r);
    return app_rig_start(r, true);
}

void app_rig_close(AppRig *r)
{
    app_free(r->app);
    r->app = NULL;
    settings_clear(&r->settings);
}

void app_rig_keys(AppRig *r, const char *bytes) { app_feed(r->app, bytes, strlen(bytes)); }

Buffer *app_rig_buffer(AppRig *r) { return session_buffer(app_session(r->app)); }

void app_rig_server_says(AppRig *r, const char *json)
{
    CHECK(transport_fake_receive(r->fake, json, strlen(json)));
}

void app_rig_server_created(AppRig *r, const char *id)
{
    char m[256];
    snprintf(m, sizeof m, "{\"type\":\"response.created\",\"response\":{\"id\":\"%s\","
                          "\"status\":\"in_progress\",\"output\":[]}}", id);
    app_rig_server_says(r, m);
}

void app_rig_server_delta_n(AppRig *r, const char *text, size_t len)
{
    StrBuf m = {0};
    sb_puts(&m, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                "\"output_index\":0,\"content_index\":0,\"delta\":");
    wire_json_string(&m, text, len);
    sb_puts(&m, "}");
    app_rig_server_says(r, m.data);
    sb_free(&m);
}

void app_rig_server_delta(AppRig *r, const char *text)
{
    app_rig_server_delta_n(r, text, strlen(text));
}

void app_rig_server_completed(AppRig *r, const char *id)
{
    char m[256];
    snprintf(m, sizeof m, "{\"type\":\"response.completed\",\"response\":{\"id\":\"%s\","
                          "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":"
                          "10,\"output_tokens\":3}}}", id);
    app_rig_server_says(r, m);
}

bool app_rig_screen_has(AppRig *r, const char *s)
{
    const Grid *g = app_grid(r->app);
    for (int y = 0; y < g->rows; y++)
        if (strstr(row_text(g, y), s))
            return true;
    return false;
}

bool app_rig_screen_shows(AppRig *r, const char *s)
{
    if (app_rig_screen_has(r, s))
        return true;
    const Grid *g = app_grid(r->app);
    fprintf(stderr, "  not on screen: \"%s\"\n", s);
    for (int y = 0; y < g->rows; y++)
        fprintf(stderr, "  |%s|\n", row_text(g, y));
    return false;
}
