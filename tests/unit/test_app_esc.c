/* The App headless (as test_app.c) and the terminal's answers: until DA1 is answered a lone
 * Esc waits for the Esc window; a terminal without kitty keys then gets Esc at once (the
 * interrupt reaches the transport inside the same app_feed, no timer armed) and the rest of a
 * split sequence right behind it is swallowed; terminal.esc_timeout_ms keeps the timer; a
 * terminal that knows kitty keys sends Esc as CSI 27 u (at once) and a lone ESC waits again;
 * the answers themselves are no keys: they leave an error message in place. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"

/* An App with settings_json as its settings file (NULL: none), the server up. */
static bool rig_open(AppRig *r, const char *settings_json)
{
    app_rig_init(r);
    if (settings_json)
        app_rig_settings(r, settings_json);
    return app_rig_start(r, true);
}

/* A question with an answer streaming. */
static void streaming(AppRig *r)
{
    app_rig_keys(r, "\x0b" "why?" "\r");
    app_rig_server_created(r, "resp_1");
    CHECK(session_busy(app_session(r->app)));
}

static void test_esc_at_once_after_da1(void)
{
    AppRig r;
    if (!rig_open(&r, NULL))
        return;
    app_rig_keys(&r, "\x1b"); /* no answer yet: the window as before */
    CHECK(app_esc_pending(r.app));
    app_tick(r.app);
    CHECK(!app_esc_pending(r.app));
    app_rig_keys(&r, "\x1b[?62;22c"); /* DA1 only: no kitty keys */
    CHECK_TEXT(app_rig_buffer(&r), "");
    streaming(&r);
    int before = r.fake->interrupts;
    app_rig_keys(&r, "\x1b");
    CHECK_INT_EQ(r.fake->interrupts, before + 1); /* at once, inside the feed */
    CHECK(!app_esc_pending(r.app));
    CHECK(!session_busy(app_session(r.app)));
    app_rig_keys(&r, "[A"); /* the rest of a sequence split after its ESC: swallowed */
    app_rig_keys(&r, "x");
    CHECK_TEXT(app_rig_buffer(&r), "x\n");
    app_rig_keys(&r, "\x1bx"); /* Alt-x in one read is still Alt-x, not Esc + x */
    CHECK_TEXT(app_rig_buffer(&r), "x\n");
    app_rig_close(&r);
}

static void test_setting_keeps_timer(void)
{
    AppRig r;
    if (!rig_open(&r, "{ \"terminal\": { \"esc_timeout_ms\": 40 } }"))
        return;
    app_rig_keys(&r, "\x1b[?62;22c");
    streaming(&r);
    int before = r.fake->interrupts;
    app_rig_keys(&r, "\x1b");
    CHECK(app_esc_pending(r.app));
    CHECK_INT_EQ(r.fake->interrupts, before);
    app_rig_keys(&r, "[A"); /* within the timer: the sequence is whole again (Up) */
    CHECK(!app_esc_pending(r.app));
    CHECK(session_busy(app_session(r.app)));
    app_rig_keys(&r, "\x1b");
    app_tick(r.app);
    CHECK_INT_EQ(r.fake->interrupts, before + 1);
    CHECK_TEXT(app_rig_buffer(&r), "");
    app_rig_close(&r);
}

static void test_kitty_terminal(void)
{
    AppRig r;
    if (!rig_open(&r, NULL))
        return;
    app_rig_keys(&r, "\x1b[?0u");
    app_rig_keys(&r, "\x1b[?62;22c");
    streaming(&r);
    int before = r.fake->interrupts;
    app_rig_keys(&r, "\x1b"); /* with kitty keys a lone ESC is a cut sequence: it waits */
    CHECK(app_esc_pending(r.app));
    app_rig_keys(&r, "[B");
    CHECK_INT_EQ(r.fake->interrupts, before);
    app_rig_keys(&r, "\x1b[27u"); /* Esc */
    CHECK_INT_EQ(r.fake->interrupts, before + 1);
    CHECK(!app_esc_pending(r.app));
    app_rig_keys(&r, "\x1b[97;5u"); /* Ctrl-A: select all, nothing typed */
    CHECK_TEXT(app_rig_buffer(&r), "");
    app_rig_close(&r);
}

int main(void)
{
    RUN(test_esc_at_once_after_da1);
    RUN(test_setting_keeps_timer);
    RUN(test_kitty_terminal);
    return harness_done();
}
