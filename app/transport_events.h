/* Transport events: the hooks an App gives its Transport and its Session (ud: the App).
 * See app/transport_events.c. */
#ifndef FLINT_APP_TRANSPORT_EVENTS_H
#define FLINT_APP_TRANSPORT_EVENTS_H

#include "net/transport.h"
#include "session/session.h"

extern const TransportHooks app_transport_hooks;
extern const SessionHooks app_session_hooks;

struct App;
/* The link timer's handler (ud: the App): the WAITING line's "retry in N s", once a second. */
void app_link_timer(void *ud);
/* Reading a fast stream in batches (app/rx_batch.h): the loop's after-pass hook, the rx
 * timer's handler (both ud: the App), and the reset when the transport is replaced. */
void app_after_pass(void *ud);
bool app_rx_release(struct App *a); /* the frame timer: true if it released (no draw now) */
void app_rx_reset(struct App *a);
void app_frame(void *ud);       /* app.c: the frame timer's handler */
void app_frame_draw(struct App *a); /* app.c: draws a frame (the handler's work) */

#endif
