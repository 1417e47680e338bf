/* Wire (see wire.h): the dispatchers over a dialect's WireOps, and the helpers every dialect
 * shares. No state here: a Wire is whatever its implementation allocated, with the ops
 * pointer first; the optional ops (end, http_error, encode_steer) may be NULL. */
#include "session/wire.h"

#include "core/xalloc.h"


void wire_encode(Wire *w, const WireRequest *req, StrBuf *out) { w->ops->encode(w, req, out); }
void wire_feed(Wire *w, const char *data, size_t len) { w->ops->feed(w, data, len); }
bool wire_next(Wire *w, WireEvent *ev) { return w->ops->next(w, ev); }
void wire_reset(Wire *w) { w->ops->reset(w); }
WireAction wire_classify(const Wire *w, const WireError *e) { return w->ops->classify(w, e); }
bool wire_can_chain(const Wire *w) { return w->ops->can_chain; }
bool wire_abandoned_answer(const Wire *w) { return w->ops->abandoned_answer; }
const char *wire_name(const Wire *w) { return w->ops->name; }

void wire_end(Wire *w)
{
    if (w->ops->end)
        w->ops->end(w);
}

void wire_http_error(Wire *w, const WireHttpError *h)
{
    if (w->ops->http_error)
        w->ops->http_error(w, h);
}

void wire_free(Wire *w)
{
    if (w)
        w->ops->free(w);
}

WireKind wire_decode(Wire *w, const char *data, size_t len, WireEvent *ev)
{
    wire_feed(w, data, len);
    if (!wire_next(w, ev)) {
        wire_event_init(ev);
        ev->kind = WIRE_IGNORED;
    }
    return ev->kind;
}

void wire_drain(Wire *w)
{
    WireEvent ev;
    while (wire_next(w, &ev))
        ;
}

void wire_error_format(StrBuf *out, const WireError *e, const char *fallback)
{
    if (e->code && *e->code && e->message && *e->message)
        sb_printf(out, "%s: %s", e->code, e->message);
    else if (e->message && *e->message)
        sb_puts(out, e->message);
    else if (e->code && *e->code)
        sb_puts(out, e->code);
    else
        sb_puts(out, fallback);
}

void wire_event_init(WireEvent *ev)
{
    *ev = (WireEvent){.kind = WIRE_MALFORMED, .type = "", .reason = "empty"};
    ev->output_index = ev->content_index = ev->sequence_number = -1;
    ev->error.retry_after_ms = -1;
    ev->error.reset_requests_ms = ev->error.reset_tokens_ms = -1;
    ev->error.remaining_requests = ev->error.remaining_tokens = -1;
}

const char *wire_kind_name(WireKind kind)
{
    static const char *const NAMES[WIRE_KIND_COUNT] = {
        [WIRE_MALFORMED] = "malformed",
        [WIRE_IGNORED] = "ignored",
        [WIRE_CREATED] = "created",
        [WIRE_DELTA] = "delta",
        [WIRE_REFUSAL_DELTA] = "refusal_delta",
        [WIRE_REASONING_DELTA] = "reasoning_delta",
        [WIRE_TEXT_DONE] = "text_done",
        [WIRE_DONE] = "done",
        [WIRE_INCOMPLETE] = "incomplete",
        [WIRE_FAILED] = "failed",
        [WIRE_ERROR] = "error",
        [WIRE_STEER_ACCEPTED] = "steer_accepted",
        [WIRE_STEER_FAILED] = "steer_failed",
    };
    return (unsigned)kind < WIRE_KIND_COUNT ? NAMES[kind] : "?";
}

const char *wire_action_name(WireAction a)
{
    switch (a) {
    case WIRE_ACT_FAIL: return "fail";
    case WIRE_ACT_RESEND: return "resend";
    case WIRE_ACT_RECONNECT: return "reconnect";
    case WIRE_ACT_WAIT: return "wait";
    }
    return "?";
}

bool wire_can_steer(const Wire *w) { return w->ops->encode_steer != NULL; }

void wire_encode_steer(Wire *w, const char *response_id, const char *text, size_t len,
                       StrBuf *out)
{
    BUG_ON(!w->ops->encode_steer);
    w->ops->encode_steer(w, response_id, text, len, out);
}
