/* The headless-App rig shared by the App tests (test_app.c, test_app_esc.c, test_answer_ui.c,
 * test_hunks_app.c, test_journal_app.c, test_context_app.c): an App from app_new_headless over
 * an in-memory Transport (support/transport_fake.h). The test plays the terminal
 * (app_rig_keys: real key bytes through the decoder and key tables), the server
 * (app_rig_server_*: Responses events handed to the transport as received) and the clock
 * (app_tick, the App's own call).
 *
 * Ownership: the AppRig is the caller's (usually on the stack); it owns its Settings, and the
 * App owns the TransportFake it made (r->fake stays valid until the App is freed).
 * app_rig_close frees both; a test that frees the App itself (app_free(r->app)) leaks nothing
 * as long as it gave no settings. Set r->cfg fields between app_rig_init and app_rig_start;
 * r->cfg must outlive the App (the App borrows it).
 *
 * Errors: every failure is a CHECK (support/harness.h) that counts against the test; the
 * open calls return false when there is no App, and the test returns at once. */
#ifndef FLINT_TESTS_SUPPORT_APP_RIG_H
#define FLINT_TESTS_SUPPORT_APP_RIG_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "session/buffer.h"
#include "session/settings.h"
#include "support/transport_fake.h"

typedef struct AppRig {
    AppConfig cfg;
    Settings settings;
    App *app;
    TransportFake *fake; /* the App's transport (the App frees it) */
} AppRig;

/* The AppTransportFn that makes the TransportFake (address "fake:443") into *(TransportFake **)ud;
 * for a test that calls app_new_headless itself. */
Transport *app_rig_make_fake(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                             void *hooks_ud, ErrorBuf *err);

/* Zeroes r, the default Settings, model "gpt-test"; no App yet. */
void app_rig_init(AppRig *r);
/* Parses json as the settings file "config.json" into r->settings and points r->cfg at it. */
void app_rig_settings(AppRig *r, const char *json);
/* The App with r->cfg (its first frame drawn, the transport started: CONNECTING); up puts
 * the transport UP. False (checked, with app_new_headless's message) when there is none. */
bool app_rig_start(AppRig *r, bool up);
/* app_rig_init + app_rig_start(r, true): an App on an unnamed buffer, the server up. */
bool app_rig_open(AppRig *r);
/* Frees the App (and its transport) and the settings. */
void app_rig_close(AppRig *r);

/* The bytes as the terminal would send them. */
void app_rig_keys(AppRig *r, const char *bytes);
/* The current buffer. */
Buffer *app_rig_buffer(AppRig *r);

/* ---- the server's side: each message is received by the fake transport (checked) --------- */

void app_rig_server_says(AppRig *r, const char *json);
/* response.created with id, in progress. */
void app_rig_server_created(AppRig *r, const char *id);
/* response.output_text.delta for item msg_1 with text (len bytes; _delta: strlen). */
void app_rig_server_delta_n(AppRig *r, const char *text, size_t len);
void app_rig_server_delta(AppRig *r, const char *text);
/* response.completed with id, usage 10 in / 3 out. */
void app_rig_server_completed(AppRig *r, const char *id);

/* ---- the screen ---------------------------------------------------------------------------- */

/* Does any row of the last frame hold s? Quiet: a test may check that s is not there. */
bool app_rig_screen_has(AppRig *r, const char *s);
/* The same, and on a miss writes s and every row of the frame to stderr. */
bool app_rig_screen_shows(AppRig *r, const char *s);

#endif
