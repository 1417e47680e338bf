/* Link calls: thin forwards to net/link.h, kept together (see the header for why). The
 * link's state is the one app.c's state hook last stored in a->link_state. */
#include "app/link_calls.h"

#include "app/state.h"
#include "net/link.h"

bool app_link_send(App *a, const char *data, size_t len) { return link_send(a->link, data, len); }
void app_link_interrupt(App *a) { link_interrupt(a->link); }
void app_link_rotate(App *a) { link_rotate(a->link); }
uint64_t app_link_up_since_ns(App *a) { return link_up_since_ns(a->link); }
bool app_link_is_up(const App *a) { return a->link_state == LINK_UP; }
