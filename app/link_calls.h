/* Link calls: every call the app's commands and reactions make on the connection, in one
 * place (app.c keeps only the Link's construction, start, stats and free). A command that
 * needs the connection calls one of these, never net/ directly, so that replacing the Link
 * (by a Transport, issue 6 item 1) changes this file and app.c's set-up only. */
#ifndef FLINT_APP_LINK_CALLS_H
#define FLINT_APP_LINK_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct App App;

/* Queue one message; false when the link is not up (the session keeps the question). */
bool app_link_send(App *a, const char *data, size_t len);
/* Close at once (code 1000) and reconnect: drops what is queued or arriving. */
void app_link_interrupt(App *a);
/* Close between turns ("rotating") and reconnect. */
void app_link_rotate(App *a);
/* CLOCK_MONOTONIC time the current connection came up; 0 when none is up. */
uint64_t app_link_up_since_ns(App *a);
/* The last state the link reported is "up". */
bool app_link_is_up(const App *a);

#endif
