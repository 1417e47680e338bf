/* The App headless (as test_app.c) and the terminal's answers: until DA1 is answered a lone
 * Esc waits for the Esc window; a terminal without kitty keys then gets Esc at once (the
 * interrupt reaches the transport inside the same app_feed, no timer armed) and the rest of a
 * split sequence right behind it is swallowed; terminal.esc_timeout_ms keeps the timer; a
 * terminal that knows kitty keys sends Esc as CSI 27 u (at once) and a lone ESC waits again;
 * the answers themselves are no keys: they leave an error message in place. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"

typedef struct Rig {
    AppConfig cfg;
    Settings settings;
    App *app;
    TransportFake *fake;
} Rig;

static Transport *make_fake(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                            void *hooks_ud, ErrorBuf *err)
{
    (void)ctx, (void)err;
    TransportFake **out = ud;
    *out = transport_fake_new(hooks, hooks_ud, "fake:443");
    return &(*out)->base;
}

static bool rig_open(Rig *r, const char *settings_json)
{
    memset(r, 0, sizeof *r);
    settings_init(&r->settings);
    r->cfg.model = "gpt-test";
    if (settings_json) {
        ErrorBuf err = {{0}};
        CHECK(settings_parse(&r->settings, "config.json", settings_json, strlen(settings_json),
                             &err));
        r->cfg.settings = &r->settings;
    }
    ErrorBuf err = {{0}};
    r->app = app_new_headless(&r->cfg, make_fake, &r->fake, &err);
    CHECK(r->app != NULL);
    if (!r->app)
        return false;
    transport_fake_set_state(r->fake, TRANSPORT_UP, "");
    return true;
}

static void rig_close(Rig *r)
{
    app_free(r->app);
    settings_clear(&r->settings);
}

static void keys(Rig *r, const char *bytes) { app_feed(r->app, bytes, strlen(bytes)); }

static Buffer *buf(Rig *r) { return session_buffer(app_session(r->app)); }

/* A question with an answer streaming. */
static void streaming(Rig *r)
{
    keys(r, "\x0b" "why?" "\r");
    static const char created[] = "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\","
                                  "\"status\":\"in_progress\",\"output\":[]}}";
    CHECK(transport_fake_receive(r->fake, created, sizeof created - 1));
    CHECK(session_busy(app_session(r->app)));
}

static void test_esc_at_once_after_da1(void)
{
    Rig r;
    if (!rig_open(&r, NULL))
        return;
    keys(&r, "\x1b"); /* no answer yet: the window as before */
    CHECK(app_esc_pending(r.app));
    app_tick(r.app);
    CHECK(!app_esc_pending(r.app));
    keys(&r, "\x1b[?62;22c"); /* DA1 only: no kitty keys */
    CHECK_TEXT(buf(&r), "");
    streaming(&r);
    int before = r.fake->interrupts;
    keys(&r, "\x1b");
    CHECK_INT_EQ(r.fake->interrupts, before + 1); /* at once, inside the feed */
    CHECK(!app_esc_pending(r.app));
    CHECK(!session_busy(app_session(r.app)));
    keys(&r, "[A"); /* the rest of a sequence split after its ESC: swallowed */
    keys(&r, "x");
    CHECK_TEXT(buf(&r), "x\n");
    keys(&r, "\x1bx"); /* Alt-x in one read is still Alt-x, not Esc + x */
    CHECK_TEXT(buf(&r), "x\n");
    rig_close(&r);
}

static void test_setting_keeps_timer(void)
{
    Rig r;
    if (!rig_open(&r, "{ \"terminal\": { \"esc_timeout_ms\": 40 } }"))
        return;
    keys(&r, "\x1b[?62;22c");
    streaming(&r);
    int before = r.fake->interrupts;
    keys(&r, "\x1b");
    CHECK(app_esc_pending(r.app));
    CHECK_INT_EQ(r.fake->interrupts, before);
    keys(&r, "[A"); /* within the timer: the sequence is whole again (Up) */
    CHECK(!app_esc_pending(r.app));
    CHECK(session_busy(app_session(r.app)));
    keys(&r, "\x1b");
    app_tick(r.app);
    CHECK_INT_EQ(r.fake->interrupts, before + 1);
    CHECK_TEXT(buf(&r), "");
    rig_close(&r);
}

static void test_kitty_terminal(void)
{
    Rig r;
    if (!rig_open(&r, NULL))
        return;
    keys(&r, "\x1b[?0u");
    keys(&r, "\x1b[?62;22c");
    streaming(&r);
    int before = r.fake->interrupts;
    keys(&r, "\x1b"); /* with kitty keys a lone ESC is a cut sequence: it waits */
    CHECK(app_esc_pending(r.app));
    keys(&r, "[B");
    CHECK_INT_EQ(r.fake->interrupts, before);
    keys(&r, "\x1b[27u"); /* Esc */
    CHECK_INT_EQ(r.fake->interrupts, before + 1);
    CHECK(!app_esc_pending(r.app));
    keys(&r, "\x1b[97;5u"); /* Ctrl-A: select all, nothing typed */
    CHECK_TEXT(buf(&r), "");
    rig_close(&r);
}

int main(void)
{
    RUN(test_esc_at_once_after_da1);
    RUN(test_setting_keeps_timer);
    RUN(test_kitty_terminal);
    return harness_done();
}
