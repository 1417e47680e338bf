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

#endif
