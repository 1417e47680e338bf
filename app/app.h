/* App: the composition root. Owns the Loop (and registers its sources: the tty, the signals,
 * the frame, Esc and turn timers), the Transport, Session, Term, Ui and Theme, and wires their
 * callbacks: tty bytes -> keys -> commands -> session/buffer/transport; transport messages ->
 * session; damage -> the frame timer -> ui_render. Nothing depends on app/. */
#ifndef FLINT_APP_APP_H
#define FLINT_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "session/settings.h"

typedef struct AppConfig {
    const char *const *files; /* the command line's files ("a.c", "b.c:120", "+120 c.c"); */
    size_t n_files;           /* none: a new unnamed buffer */
    const char *url;         /* base URL; NULL with demo */
    const char *model;
    const char *api_key;     /* NULL or "" sends no Authorization header */
    const char *theme_path;  /* NULL: the built-in theme */
    bool theme_soft;         /* theme_path came from the settings file: if it cannot be
                              * loaded, warn and use the built-in theme (--theme: an error) */
    const char *ca_file;     /* extra CA bundle for wss:// */
    bool allow_insecure;     /* --insecure: the key may go over ws:// to a non-loopback host */
    bool demo;               /* start flint-backend and connect to it */
    unsigned demo_rate;      /* tokens/s for the demo backend (0 = unthrottled) */
    uint64_t stall_ns;       /* silence that ends a turn as stalled (0: the default, 30 s;
                              * SESSION_STALL_NEVER: never) */
    const Settings *settings;  /* the settings file's (NULL: defaults); keys, editor */
    const char *notes;       /* configuration problems already told on stderr, one per line
                              * ("config.json:3: ..."), for the status line at start; or NULL */
} AppConfig;

/* Runs flint until the user quits. Returns the process exit status. */
int app_run(const AppConfig *cfg);

#endif
