/* Transport (see transport.h): the base every implementation shares. It holds no connection
 * of its own; it keeps the reported state and counters consistent with what the hooks were
 * told. Invariant: t->state is the state the state hook last reported (IDLE before any), and
 * up_since_ns is the time of the last report of UP. */
#include "net/transport.h"

#include "core/clock.h"

void transport_init(Transport *t, const TransportOps *ops, const TransportHooks *hooks, void *ud,
                    const char *endpoint)
{
    *t = (Transport){.ops = ops, .ud = ud, .state = TRANSPORT_IDLE,
                     .endpoint = endpoint ? endpoint : ""};
    if (hooks)
        t->hooks = *hooks;
}

void transport_free(Transport *t)
{
    if (t)
        t->ops->free(t);
}

void transport_report_state(Transport *t, TransportState s, const char *detail)
{
    if (s == TRANSPORT_UP)
        t->up_since_ns = clock_now_ns();
    t->state = s;
    if (t->hooks.state)
        t->hooks.state(t->ud, s, detail ? detail : "");
}

void transport_report_message(Transport *t, const char *data, size_t len)
{
    t->stats.messages_in++;
    t->stats.bytes_in += len;
    if (t->hooks.message)
        t->hooks.message(t->ud, data, len);
}

void transport_report_end(Transport *t, const TransportEnd *end)
{
    t->stats.responses++;
    if (t->hooks.end)
        t->hooks.end(t->ud, end);
}

const char *transport_state_name(TransportState s)
{
    switch (s) {
    case TRANSPORT_IDLE: return "idle";
    case TRANSPORT_CONNECTING: return "connecting";
    case TRANSPORT_UP: return "up";
    case TRANSPORT_WAITING: return "waiting";
    case TRANSPORT_STOPPED: return "stopped";
    }
    return "?";
}
