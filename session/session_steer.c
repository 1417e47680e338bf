/* The Session's native steering (PROTOCOL.md 1.3, 1.7; the Turn's steer states in turn.h)
 * and the switching of the model or the dialect while running (the conversation is kept and
 * resent whole). Split from session.c (session/session_internal.h has the struct and the
 * helpers they share). Errors: tier 3 (bool + ErrorBuf). */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "session/session.h"
#include "session/session_internal.h"

/* ---- switching model or dialect ----------------------------------------------------------- */

bool session_set_model(Session *s, const char *model, ErrorBuf *err)
{
    if (!model || !*model)
        return error_set(err, "no model named");
    if (session_in_turn(s))
        return error_set(err, "an answer is still open (Esc stops it)");
    if (strcmp(model, s->model) != 0) {
        free(s->model);
        s->model = xstrdup(model);
        session_reset_chain(s); /* the chain is another model's: the next request carries it all */
        s->warm_hist_end = SIZE_MAX; /* a warm-up still running was the old model's */
        log_msg("session: model is now %s", model);
    }
    s->damage |= SESSION_DAMAGE_STATUS | SESSION_DAMAGE_TRANSCRIPT;
    return true;
}

bool session_set_wire(Session *s, Wire *wire, ErrorBuf *err)
{
    if (session_in_turn(s)) {
        wire_free(wire);
        return error_set(err, "an answer is still open (Esc stops it)");
    }
    wire_free(s->wire);
    s->wire = wire;
    session_forget_connection(s); /* a new server: nothing of the old connection's is ours */
    return true;
}

/* ---- native steering ---------------------------------------------------------------------- */

bool session_can_steer(const Session *s)
{
    return wire_can_steer(s->wire) && !session_model_refused_steer(s) && s->turn &&
           turn_can_steer(s->turn);
}

bool session_steer_refused(const Session *s) { return session_model_refused_steer(s); }

bool session_steer(Session *s, const char *text, ErrorBuf *err)
{
    if (!text || session_blank(text))
        return error_set(err, "the steer is empty");
    if (!wire_can_steer(s->wire))
        return error_set(err, "this server has no native steering");
    if (session_model_refused_steer(s))
        return error_set(err, "the model refused native steering before");
    if (!s->turn || !turn_can_steer(s->turn))
        return error_set(err, "no answer to steer yet");
    if (session_rate_limited_now(s))
        return error_set(err, "rate limited: nothing goes out before the deadline");
    sb_reset(&s->json);
    wire_encode_steer(s->wire, turn_response_id(s->turn), text, strlen(text), &s->json);
    if (!s->hooks.send || !s->hooks.send(s->ud, sb_cstr(&s->json), s->json.len))
        return error_set(err, "could not send the steer (not connected?)");
    log_msg("session: sent a steer for %s (%zu bytes)", turn_response_id(s->turn), s->json.len);
    turn_steer_sent(s->turn, text, strlen(text));
    session_set_notice(s, "steering...");
    s->damage |= SESSION_DAMAGE_STATUS;
    return true;
}

bool session_steering(const Session *s)
{
    return s->turn && turn_open(s->turn) && turn_steer_state(s->turn) != TURN_STEER_NONE;
}

char *session_take_steer_fallback(Session *s)
{
    char *t = s->steer_fallback;
    s->steer_fallback = NULL;
    return t;
}
