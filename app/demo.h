/* Demo: starts the bundled flint-backend on a free loopback port so that flint works with no
 * account and no network (`flint --demo`, or no --url and no API key).
 *
 * The backend binary is looked up as $FLINT_BACKEND, then next to the flint executable
 * (installed: DIR/flint-backend; build tree: DIR/tests/backend/flint-backend). Its stdin is a
 * pipe that flint holds: when flint dies for any reason, the backend sees EOF and exits.
 * Its stdout gives the port; its log goes to $FLINT_BACKEND_LOG or nowhere. Errors: tier 3. */
#ifndef FLINT_APP_DEMO_H
#define FLINT_APP_DEMO_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

typedef struct Demo {
    pid_t pid;
    int stdin_fd;   /* write end of the backend's stdin */
    int port;
} Demo;

/* chat: the backend serves Chat Completions over SSE (--api chat) instead of the Responses
 * WebSocket mode. */
bool demo_start(Demo *d, unsigned rate, bool chat, ErrorBuf *err);
void demo_stop(Demo *d);

#endif
