/* App: the composition root. Owns the Loop (and registers its sources: the tty, the signals,
 * the frame, Esc and turn timers), the Transport, Session, Term, Ui and Theme, and wires their
 * callbacks: tty bytes -> keys -> commands -> session/buffer/transport; transport messages ->
 * session; damage -> the frame timer -> ui_render. Nothing depends on app/.
 *
 * Two ways to build one, through the same construction code:
 *   app_run            the program: the tty, the signals, the demo backend, the WebSocket
 *                      transport (or, with APP_API_CHAT, the HTTP SSE one and the Chat
 *                      dialect), curses; runs the loop until the user quits.
 *   app_new_headless   for tests (dte's headless tests are the model): no terminal (the Ui
 *                      composes frames into its Grid, app_grid), no tty or signal watch, a
 *                      transport of the caller's making (tests/support/transport_fake.h), and
 *                      the real Session, command table and key tables (with the settings
 *                      file's bindings). The test plays the terminal with app_feed and the
 *                      clock with app_tick.
 *
 * Time in a headless App: it has a real Loop (an lws_context with no fd watched) so that its
 * timers are the real ones, armed and cancelled by the same code as in app_run, but nobody
 * runs the loop. app_tick fires, once each, the timers that are armed -- the Esc decoder's
 * window, the turn timer, the frame clock -- whatever their deadlines: what the loop would
 * do once time reached them, without the test waiting for it. Deadlines that matter to the
 * outcome (the stall watchdog, a rate limit's wait) are checked against clock_now_ns by the
 * handlers themselves, so a test that needs them moves core/clock's source. */
#ifndef FLINT_APP_APP_H
#define FLINT_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app_api.h"
#include "app/mode.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "net/transport.h"
#include "session/session.h"
#include "session/settings.h"
#include "ui/grid.h"

struct lws_context;
typedef struct App App;


typedef struct AppConfig {
    const char *const *files; /* the command line's files ("a.c", "b.c:120", "+120 c.c"); */
    size_t n_files;           /* none: a new unnamed buffer */
    const char *url;         /* base URL; NULL with demo */
    AppApi api;              /* what the server at url speaks */
    const char *model;
    const char *api_key;     /* NULL or "" sends no Authorization header */
    const SettingsHeader *headers; /* the provider's extra headers: the Chat (SSE) transport
                              * sends them; the WebSocket transport has no such setting yet */
    size_t n_headers;
    int lifetime_s;          /* the provider's connection lifetime (0: by URL; see policy.h) */
    const char *theme_name;  /* a built-in theme's name (themes/theme_builtin.h), or NULL */
    bool theme_auto;         /* no theme set: dark, or light on a light background (OSC 11) */
    const char *theme_path;  /* NULL: the built-in theme */
    bool theme_soft;         /* theme_path came from the settings file: if it cannot be
                              * loaded, warn and use the built-in theme (--theme: an error) */
    bool theme_explicit;     /* the settings or --theme said "auto" (or "default") in so many
                              * words: the remembered theme does not apply */
    const char *look_path;   /* the remembered look's file (session/look.h; NULL: none, as in
                              * tests): read at start, written when the user changes it */
    const char *ca_file;     /* extra CA bundle for wss:// */
    bool allow_insecure;     /* --insecure: the key may go over ws:// to a non-loopback host */
    bool demo;               /* start flint-backend and connect to it */
    unsigned demo_rate;      /* tokens/s for the demo backend (0 = unthrottled) */
    bool slow;               /* --slow (or terminal.slow): stream frames at SCREEN_SLOW_NS */
    uint64_t stall_ns;       /* silence that ends a turn as stalled (0: the default, 30 s;
                              * SESSION_STALL_NEVER: never) */
    const Settings *settings;  /* the settings file's (NULL: defaults); keys, editor */
    const char *journal_dir; /* where conversations are kept (NULL: not kept, as in tests) */
    const char *resume_path; /* a journal to reopen and go on with (--resume ID, --continue) */
    bool resume_pick;        /* --resume: list this directory's conversations to choose one */
    const char *provider_name; /* for the journal's header (NULL: none) */
    bool plain;              /* --plain: main runs plain_run (app/plain.h), not app_run */
    bool warmup;             /* a generate:false warm-up on each new Responses connection
                              * (settings context.warmup, FLINT_WARMUP=0 turns it off) */
    const struct Providers *providers; /* the model picker's providers (app/providers.h;
                              * NULL: none listed, as in headless tests) */
    const char *notes;       /* configuration problems already told on stderr, one per line
                              * ("config.json:3: ..."), for the status line at start; or NULL */
} AppConfig;

/* Runs flint until the user quits. Returns the process exit status. */
int app_run(const AppConfig *cfg);

/* Makes the App's transport with the App's hooks (hooks, hooks_ud), in the loop's lws
 * context (ctx: for transports on sockets; a fake ignores it). NULL with a message in err
 * when it cannot. */
typedef Transport *(*AppTransportFn)(void *ud, struct lws_context *ctx,
                                     const TransportHooks *hooks, void *hooks_ud,
                                     ErrorBuf *err);

/* The construction steps app_run takes, shared with app/plain.c (plain_run), which builds the
 * same App without a Term: app_alloc; app_build (theme, keys, session, files); app_connect
 * (loop, timers, journal, the transport made by make); app_start (the Ui at cols x rows, over
 * no terminal when a->term is NULL); app_go (start the transport, draw). app_make_ws is
 * app_run's AppTransportFn (ud: an AppWsMaker): WebSocket, or HTTP SSE with APP_API_CHAT. */
typedef struct AppWsMaker {
    const AppConfig *cfg;
    const char *url;
} AppWsMaker;
/* --demo: starts the demo backend and points ws at it (url: the caller's buffer, size bytes).
 * Nothing without --demo. False with a message when it cannot start. */
bool app_demo_url(struct App *a, AppWsMaker *ws, char *url, size_t size, ErrorBuf *err);Transport *app_make_ws(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                       void *hooks_ud, ErrorBuf *err);
App *app_alloc(const AppConfig *cfg, StrBuf *notes);
bool app_build(App *a, StrBuf *notes, ErrorBuf *err);
bool app_connect(App *a, AppTransportFn make, void *make_ud, bool *transport_failed,
                 ErrorBuf *err);
void app_start(App *a, int cols, int rows, const char *notes, const char *url);
void app_go(App *a);

/* A started App at 80x24 with no terminal (see the header). cfg is borrowed for the App's
 * life; cfg->url may be NULL. make is called once, before the App returns, and the App owns
 * (and frees) what it makes; the transport has been started and the first frame drawn.
 * NULL with a message in err (a theme or file that cannot be loaded, no loop, no transport). */
App *app_new_headless(const AppConfig *cfg, AppTransportFn make, void *make_ud, ErrorBuf *err);
void app_free(App *a);  /* accepts NULL */
/* Bytes as the tty would deliver them: decoder -> the mode's key table -> commands, then a
 * frame, exactly as app_run's tty watch does. */
void app_feed(App *a, const char *bytes, size_t n);
/* Fires every armed timer once (Esc window, turn timer, frame clock; see the header). */
void app_tick(App *a);

Session *app_session(App *a);
const Grid *app_grid(const App *a);         /* the last frame drawn */
const char *app_message(const App *a);      /* the status line's message ("" none) */
AppMode app_mode(const App *a);
const char *app_theme_name(const App *a);   /* the theme in use (app/theme_app.h) */
bool app_esc_pending(const App *a);         /* a lone Esc waits for the rest of a sequence */
bool app_quit_requested(const App *a);      /* the loop was told to quit */
int app_exit_status(const App *a);          /* what app_run would return (1 until a quit) */

#endif
