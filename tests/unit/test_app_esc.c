/* The App headless (as test_app.c) and the terminal's answers: until DA1 is answered a lone
 * Esc waits for the Esc window; a terminal without kitty keys then gets Esc at once (the
 * interrupt reaches the transport inside the same app_feed, no timer armed) and the rest of a
 * split sequence right behind it is swallowed; terminal.esc_timeout_ms keeps the timer; a
 * terminal that knows kitty keys sends Esc as CSI 27 u (at once) and a lone ESC waits again;
 * the answers themselves are no keys: they leave an error message in place. Inside tmux with
 * escape-time 500 the one-time notice follows the greeting (after the first key, or once the
 * first question is sent), never replaces it, and never covers another message. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/state.h" /* the tmux options, as terminal_app's worker would set them */
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

#define NOTICE "Esc lags 500 ms: tmux set -sg escape-time 10, or Ctrl-G"

/* An App that learnt it runs in tmux with escape-time 500 ms and got DA1 (no kitty keys). */
static bool tmux_rig(AppRig *r)
{
    if (!rig_open(r, NULL))
        return false;
    r->app->term_tmux.known = true;
    r->app->term_tmux.escape_time_ms = 500;
    app_rig_keys(r, "\x1b[?62;22c");
    return true;
}

static void test_tmux_notice_follows_greeting(void)
{
    AppRig r;
    if (!tmux_rig(&r))
        return;
    CHECK(strstr(app_message(r.app), "ask") != NULL); /* the greeting stays */
    app_rig_keys(&r, "x"); /* the first key clears it: the notice follows */
    CHECK_STR_EQ(app_message(r.app), NOTICE);
    app_rig_keys(&r, "y");
    CHECK_STR_EQ(app_message(r.app), ""); /* once */
    app_rig_close(&r);

    /* The first key opens the ask prompt: not while typing the question (the next letter
     * would clear it), but once it is sent, above the steer prompt. */
    if (!tmux_rig(&r))
        return;
    app_rig_keys(&r, "\x0b");
    CHECK_STR_EQ(app_message(r.app), "");
    app_rig_keys(&r, "why?");
    CHECK_STR_EQ(app_message(r.app), "");
    app_rig_keys(&r, "\r");
    CHECK(session_busy(app_session(r.app)));
    CHECK_STR_EQ(app_message(r.app), NOTICE);
    app_rig_close(&r);

    /* Another message (an error here) is never covered; the notice waits for a free line. */
    if (!tmux_rig(&r))
        return;
    app_rig_keys(&r, "\x1b[24;5~"); /* Ctrl-F12: no command, "... is not bound" */
    const char *m = app_message(r.app);
    CHECK(m[0] != '\0' && strcmp(m, NOTICE) != 0);
    app_rig_keys(&r, "x");
    CHECK_STR_EQ(app_message(r.app), NOTICE);
    app_rig_close(&r);
}

int main(void)
{
    RUN(test_esc_at_once_after_da1);
    RUN(test_setting_keeps_timer);
    RUN(test_kitty_terminal);
    RUN(test_tmux_notice_follows_greeting);
    return harness_done();
}
