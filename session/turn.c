/* Turn (see turn.h): one request's life.
 *
 * Data: the state, the stats, `message` (the full user message, kept for resends), the
 * indices of its two transcript entries, and the binding: `bound` is true between the
 * WIRE_CREATED that answers the request and that response's terminal event, with the
 * response's id in `response_id` (PROTOCOL.md 1.4: deltas carry no response id, so
 * everything after a created belongs to that response until its terminal). Deltas and
 * terminals are taken only while bound (terminals also only when their id, if any, matches),
 * so nothing of another response reaches the transcript. `conn` is the connection
 * generation the last request went out on.
 *
 * Errors (a WIRE_ERROR while busy): request-scoped when not bound (the request was refused,
 * never run, PROTOCOL.md 7.1). The dialect's class decides, with the turn's own conditions:
 * WAIT (request-scoped) puts the turn into WAITING; RECONNECT (request-scoped, first time)
 * marks it to go again on the next connection; RESEND (request-scoped, chained, first time)
 * asks the caller to resend unchained; the rest fail the turn, partial text kept. `resent`
 * makes each resend happen once per turn.
 *
 * Stalls: `last_event_ns` is the send time or the last server message while busy (one store
 * per message, nothing re-armed per token).
 *
 * Steering (turn.h): `steer` and `steer_text`; an accepted steer turns the response's
 * terminal into an unbind (the turn stays STREAMING, its stall clock running) and the next
 * created into a rebind with a marker line in the answer.
 *
 * Invariants: open (SENT, STREAMING, WAITING) <=> the answer entry is ENTRY_OPEN; bound
 * implies busy; the turn ends exactly once (finish), which unbinds it. */
#include "session/turn.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

struct Turn {
    Transcript *tr;  /* borrowed */
    TurnState state;
    TurnStats stats;
    StrBuf message;
    size_t user_entry, answer_entry;
    uint64_t stall_ns;
    uint64_t last_event_ns;
    uint64_t conn;
    bool chained;          /* its current request names a chain */
    bool resent;           /* already resent once (chain lost, or connection retired) */
    bool resend_on_conn;   /* ...and that resend waits for the next connection */
    bool bound;
    char *response_id;     /* from the created while bound; may be NULL */
    char *done_id;         /* the id of the response that completed it */
    int64_t last_output_index, last_content_index;
    StrBuf notice;
    TurnSteer steer;
    StrBuf steer_text;
    size_t steers;         /* committed */
};

Turn *turn_new(Transcript *tr, const char *question, const char *message, size_t len,
               uint64_t stall_ns)
{
    Turn *t = xcalloc(1, sizeof *t);
    t->tr = tr;
    t->state = TURN_SENT;
    t->stall_ns = stall_ns;
    sb_append(&t->message, message, len);
    t->last_output_index = t->last_content_index = -1;
    t->user_entry = transcript_add(tr, ENTRY_USER, ENTRY_DONE, question, strlen(question));
    t->answer_entry = transcript_add(tr, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    return t;
}

void turn_free(Turn *t)
{
    if (!t)
        return;
    sb_free(&t->message);
    sb_free(&t->notice);
    sb_free(&t->steer_text);
    free(t->response_id);
    free(t->done_id);
    free(t);
}

TurnState turn_state(const Turn *t) { return t->state; }
bool turn_busy(const Turn *t) { return t->state == TURN_SENT || t->state == TURN_STREAMING; }
bool turn_waiting(const Turn *t) { return t->state == TURN_WAITING; }
bool turn_open(const Turn *t) { return turn_busy(t) || turn_waiting(t); }
bool turn_bound(const Turn *t) { return t->bound; }
const TurnStats *turn_stats(const Turn *t) { return &t->stats; }
const StrBuf *turn_message(const Turn *t) { return &t->message; }
size_t turn_user_entry(const Turn *t) { return t->user_entry; }
size_t turn_answer_entry(const Turn *t) { return t->answer_entry; }
bool turn_chained(const Turn *t) { return t->chained; }
uint64_t turn_conn(const Turn *t) { return t->conn; }
const char *turn_done_id(const Turn *t) { return t->done_id; }

EntryState turn_entry_state(const Turn *t)
{
    return transcript_entry(t->tr, t->answer_entry)->state;
}

static void unbind(Turn *t)
{
    t->bound = false;
    free(t->response_id);
    t->response_id = NULL;
}

void turn_sent(Turn *t, uint64_t now, bool chained, uint64_t conn)
{
    t->state = TURN_SENT;
    t->chained = chained;
    t->conn = conn;
    t->stats.sent_ns = t->last_event_ns = now;
    unbind(t);
}

void turn_wait(Turn *t)
{
    unbind(t);
    t->state = TURN_WAITING;
}

void turn_touch(Turn *t, uint64_t now)
{
    if (turn_busy(t))
        t->last_event_ns = now;
}

static TurnResult result(TurnOutcome o) { return (TurnResult){.outcome = o}; }

static TurnResult noticed(Turn *t, TurnOutcome o, const char *notice)
{
    sb_reset(&t->notice);
    sb_puts(&t->notice, notice);
    return (TurnResult){.outcome = o, .notice = sb_cstr(&t->notice)};
}

/* Ends the turn: the answer entry gets its final state and detail. */
static void finish(Turn *t, TurnState state, EntryState entry, const char *detail)
{
    BUG_ON(!turn_open(t));
    transcript_finish(t->tr, t->answer_entry, entry, detail);
    t->state = state;
    unbind(t);
}

/* ---- events ----------------------------------------------------------------------------- */

static void update_rate(Turn *t, uint64_t units)
{
    TurnStats *st = &t->stats;
    uint64_t span = st->last_delta_ns > st->first_delta_ns ? st->last_delta_ns - st->first_delta_ns
                                                           : 0;
    st->tokens_per_sec = span ? (double)units * (double)NS_PER_SEC / (double)span : 0.0;
}

/* The line the answer gets where a steer took effect: its first line, cut at 60 bytes. */
static void steer_marker(Turn *t)
{
    const char *s = sb_cstr(&t->steer_text);
    size_t n = strcspn(s, "\n");
    bool cut = n > 60 || s[n] == '\n';
    if (n > 60) {
        n = 60;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* never inside a character */
    }
    StrBuf m = {0};
    if (transcript_entry(t->tr, t->answer_entry)->text.len)
        sb_puts(&m, "\n\n");
    sb_puts(&m, "\xe2\x86\xaa steer: "); /* ↪ */
    sb_append(&m, s, n);
    if (cut)
        sb_puts(&m, "\xe2\x80\xa6"); /* … */
    sb_puts(&m, "\n\n");
    transcript_append(t->tr, t->answer_entry, m.data, m.len);
    sb_free(&m);
    t->last_output_index = t->last_content_index = -1; /* no paragraph break before more */
}

static TurnResult on_created(Turn *t, const WireEvent *ev)
{
    if (turn_busy(t) && !t->bound && t->steer == TURN_STEER_ACCEPTED) {
        /* The steered successor (PROTOCOL.md 1.7): the commit point. */
        t->bound = true;
        t->response_id = ev->response_id ? xstrdup(ev->response_id) : NULL;
        t->steer = TURN_STEER_NONE;
        t->steers++;
        steer_marker(t);
        return noticed(t, TURN_STEERED, "steered");
    }
    if (turn_busy(t) && !t->bound) {
        t->bound = true;
        t->response_id = ev->response_id ? xstrdup(ev->response_id) : NULL;
        return result(TURN_STARTED);
    }
    log_msg("session: dropped a stale %s (%s)", ev->type, ev->response_id ? ev->response_id : "no id");
    return result(TURN_NOTHING);
}

static TurnResult on_delta(Turn *t, const WireEvent *ev, uint64_t now)
{
    if (!t->bound)
        return result(TURN_NOTHING); /* stale: another response's, or before its created */
    TurnStats *st = &t->stats;
    if (t->state == TURN_SENT) {
        t->state = TURN_STREAMING;
        st->first_delta_ns = now;
        st->ttft_ns = now > st->sent_ns ? now - st->sent_ns : 0;
    }
    st->last_delta_ns = now;
    st->deltas++;
    /* A new output item or content part (e.g. a refusal after text) starts a new paragraph. */
    bool new_part = (ev->output_index != t->last_output_index ||
                     ev->content_index != t->last_content_index) &&
                    t->last_output_index != -1;
    t->last_output_index = ev->output_index;
    t->last_content_index = ev->content_index;
    if (new_part && transcript_entry(t->tr, t->answer_entry)->text.len)
        transcript_append(t->tr, t->answer_entry, "\n\n", 2);
    if (ev->text_len)
        transcript_append(t->tr, t->answer_entry, ev->text, ev->text_len);
    update_rate(t, st->deltas);
    return result(TURN_UPDATED);
}

/* Reasoning: kept on the answer entry apart from its text (never sent back as answer text);
 * it does not start the answer's clock (TTFT is the first answer delta). */
static TurnResult on_reasoning(Turn *t, const WireEvent *ev)
{
    if (!t->bound)
        return result(TURN_NOTHING);
    transcript_append_reasoning(t->tr, t->answer_entry, ev->text ? ev->text : "", ev->text_len);
    return result(TURN_UPDATED);
}

/* A terminal event for the bound response? (Anything else is stale and dropped.) */
static bool terminal_is_ours(const Turn *t, const WireEvent *ev)
{
    if (!t->bound) {
        log_msg("session: dropped a stale %s", ev->type);
        return false;
    }
    if (ev->response_id && t->response_id && strcmp(ev->response_id, t->response_id) != 0) {
        log_msg("session: dropped %s for %s (current response is %s)", ev->type, ev->response_id,
                t->response_id);
        return false;
    }
    return true;
}

static void take_usage(Turn *t, const WireUsage *u)
{
    TurnStats *st = &t->stats;
    if (u->present) {
        st->input_tokens = (size_t)u->input_tokens;
        st->output_tokens = (size_t)u->output_tokens;
        st->cached_tokens = (size_t)u->cached_tokens;
    }
    update_rate(t, st->output_tokens ? st->output_tokens : st->deltas);
}

static TurnResult on_terminal(Turn *t, const WireEvent *ev)
{
    if (!terminal_is_ours(t, ev))
        return result(TURN_NOTHING);
    take_usage(t, &ev->usage);
    bool steered = ev->kind == WIRE_INCOMPLETE && ev->incomplete_reason &&
                   strcmp(ev->incomplete_reason, "steered") == 0;
    if (steered || (t->steer == TURN_STEER_ACCEPTED && ev->kind == WIRE_DONE)) {
        /* Not the turn's end: a successor follows on its own (1.7); no create to send. */
        t->steer = TURN_STEER_ACCEPTED;
        unbind(t);
        return result(TURN_UPDATED);
    }
    if (ev->kind == WIRE_DONE) {
        const char *id = ev->response_id ? ev->response_id : t->response_id;
        free(t->done_id);
        t->done_id = id ? xstrdup(id) : NULL;
        finish(t, TURN_DONE, ENTRY_DONE, NULL);
        return result(TURN_FINISHED);
    }
    StrBuf msg = {0};
    if (ev->kind == WIRE_INCOMPLETE) {
        const char *why = ev->incomplete_reason ? ev->incomplete_reason : "unknown reason";
        sb_printf(&msg, "incomplete: %s", why);
        finish(t, TURN_DONE, ENTRY_INCOMPLETE, why);
    } else {
        wire_error_format(&msg, &ev->error, "the response failed");
        finish(t, TURN_FAILED, ENTRY_FAILED, sb_cstr(&msg));
    }
    TurnResult r = noticed(t, TURN_FINISHED, sb_cstr(&msg));
    sb_free(&msg);
    return r;
}

TurnResult turn_fail(Turn *t, const char *detail, int64_t retry_after_ms)
{
    if (!turn_open(t))
        return result(TURN_NOTHING);
    finish(t, TURN_FAILED, ENTRY_FAILED, detail);
    StrBuf msg = {0};
    sb_puts(&msg, detail);
    if (retry_after_ms >= 0)
        sb_printf(&msg, " (retry after %.1f s)", (double)retry_after_ms / 1000.0);
    TurnResult r = noticed(t, TURN_FINISHED, sb_cstr(&msg));
    sb_free(&msg);
    return r;
}

static TurnResult on_error(Turn *t, const WireEvent *ev, WireAction act)
{
    const WireError *e = &ev->error;
    bool request_scoped = !t->bound;
    StrBuf msg = {0};
    TurnResult r;
    if (act == WIRE_ACT_WAIT && request_scoped) {
        /* The request was refused, not run: the question waits for the deadline and then
         * goes again, with the whole conversation. Mid-stream, the answer fails below. */
        turn_wait(t);
        wire_error_format(&msg, e, "rate limited");
        r = noticed(t, TURN_WAIT, sb_cstr(&msg));
    } else if (act == WIRE_ACT_RECONNECT && request_scoped && !t->resent) {
        /* The connection is retired (PROTOCOL.md 7.1); the refused request never ran, so
         * it goes again, unchained, once the new connection is up. */
        t->resent = true;
        t->resend_on_conn = true;
        r = noticed(t, TURN_RECONNECT,
                    "the connection reached its age limit; reconnecting and resending");
    } else if (act == WIRE_ACT_RESEND && request_scoped && t->chained && !t->resent) {
        /* PROTOCOL.md 7.1: once, with the whole conversation and no chain. */
        t->resent = true;
        unbind(t);
        r = result(TURN_RESEND);
    } else {
        /* Request-scoped, or an error ending a stream mid-way: the turn is over either
         * way; the partial text stays. */
        wire_error_format(&msg, e, "error");
        r = turn_fail(t, sb_cstr(&msg), e->retry_after_ms);
    }
    sb_free(&msg);
    return r;
}

static TurnResult on_steer_reply(Turn *t, const WireEvent *ev)
{
    if (ev->kind == WIRE_STEER_ACCEPTED) {
        if (t->steer != TURN_STEER_SENT || !turn_busy(t)) {
            log_msg("session: dropped a %s (no steer waits for it)", ev->type);
            return result(TURN_NOTHING);
        }
        t->steer = TURN_STEER_ACCEPTED;
        return noticed(t, TURN_UPDATED, "steer accepted");
    }
    if (t->steer == TURN_STEER_NONE) {
        log_msg("session: dropped a %s (no steer waits for it)", ev->type);
        return result(TURN_NOTHING);
    }
    t->steer = TURN_STEER_NONE;
    StrBuf msg = {0};
    sb_puts(&msg, "steer refused (");
    wire_error_format(&msg, &ev->error, "no reason given");
    sb_puts(&msg, "): asking again with the correction");
    TurnResult r = noticed(t, TURN_STEER_REFUSED, sb_cstr(&msg));
    sb_free(&msg);
    return r;
}

TurnResult turn_on_event(Turn *t, const WireEvent *ev, WireAction act, uint64_t now)
{
    if (ev->kind == WIRE_STEER_ACCEPTED || ev->kind == WIRE_STEER_FAILED)
        return on_steer_reply(t, ev); /* a refusal may come after the turn's end */
    if (!turn_busy(t))
        return result(TURN_NOTHING);
    switch (ev->kind) {
    case WIRE_CREATED: return on_created(t, ev);
    case WIRE_DELTA:
    case WIRE_REFUSAL_DELTA: return on_delta(t, ev, now);
    case WIRE_DONE:
    case WIRE_INCOMPLETE:
    case WIRE_FAILED: return on_terminal(t, ev);
    case WIRE_ERROR: return on_error(t, ev, act);
    case WIRE_REASONING_DELTA: return on_reasoning(t, ev);
    case WIRE_TEXT_DONE:       /* the deltas already built the same text */
    case WIRE_STEER_ACCEPTED:  /* on_steer_reply */
    case WIRE_STEER_FAILED:
    case WIRE_IGNORED:
    case WIRE_MALFORMED:       /* the Session counts and notes those */
    case WIRE_KIND_COUNT:
        break;
    }
    return result(TURN_NOTHING);
}

/* ---- the connection, the user, the clock ------------------------------------------------ */

bool turn_take_resend(Turn *t, uint64_t conn)
{
    bool due = t->resend_on_conn && turn_busy(t) && !t->bound && conn != t->conn;
    t->resend_on_conn = false;
    return due;
}

TurnResult turn_on_link_lost(Turn *t, const char *why)
{
    if (!turn_busy(t))
        return result(TURN_NOTHING);
    /* The entry keeps the reason only: the pane already says "interrupted by network". */
    const char *reason = why && *why ? why : "connection lost";
    StrBuf msg = {0};
    sb_printf(&msg, "interrupted by network: %s", reason);
    finish(t, TURN_INTERRUPTED, ENTRY_NETWORK, reason);
    TurnResult r = noticed(t, TURN_FINISHED, sb_cstr(&msg));
    sb_free(&msg);
    return r;
}

TurnResult turn_interrupt(Turn *t)
{
    if (turn_waiting(t)) {
        /* Nothing in flight: the wait is cancelled, the question stays in the transcript. */
        finish(t, TURN_INTERRUPTED, ENTRY_INTERRUPTED, NULL);
        return noticed(t, TURN_FINISHED, "cancelled");
    }
    if (!turn_busy(t))
        return result(TURN_NOTHING);
    bool abandoned = !t->bound; /* its created (or its error) may still come */
    finish(t, TURN_INTERRUPTED, ENTRY_INTERRUPTED, NULL);
    TurnResult r = noticed(t, TURN_FINISHED, "interrupted");
    r.abandoned = abandoned;
    return r;
}

uint64_t turn_stall_deadline_ns(const Turn *t)
{
    if (!turn_busy(t) || t->stall_ns == UINT64_MAX)
        return 0;
    return t->last_event_ns + t->stall_ns;
}

TurnResult turn_check_stall(Turn *t, uint64_t now)
{
    if (!turn_busy(t) || t->stall_ns == UINT64_MAX || now - t->last_event_ns < t->stall_ns)
        return result(TURN_NOTHING);
    bool abandoned = !t->bound; /* the caller closes the socket; until then, as an interrupt */
    double silent = (double)(now - t->last_event_ns) / 1e9;
    StrBuf msg = {0};
    sb_printf(&msg, "no data from the server for %.0f s", silent);
    log_msg("session: stalled: %s", sb_cstr(&msg));
    finish(t, TURN_STALLED, ENTRY_STALLED, sb_cstr(&msg));
    sb_reset(&msg);
    sb_printf(&msg, "stalled: no data from the server for %.0f s", silent);
    TurnResult r = noticed(t, TURN_FINISHED, sb_cstr(&msg));
    r.abandoned = abandoned;
    sb_free(&msg);
    return r;
}

/* ---- native steering ---------------------------------------------------------------------- */

bool turn_can_steer(const Turn *t)
{
    return turn_busy(t) && t->bound && t->response_id &&
           t->steer == TURN_STEER_NONE;
}

const char *turn_response_id(const Turn *t) { return t->bound ? t->response_id : NULL; }

void turn_steer_sent(Turn *t, const char *text, size_t len)
{
    BUG_ON(!turn_can_steer(t));
    sb_reset(&t->steer_text);
    sb_append(&t->steer_text, text, len);
    t->steer = TURN_STEER_SENT;
}

TurnSteer turn_steer_state(const Turn *t) { return t->steer; }
const char *turn_steer_text(const Turn *t) { return sb_cstr(&t->steer_text); }
size_t turn_steers(const Turn *t) { return t->steers; }
bool turn_steer_pending(const Turn *t) { return !turn_open(t) && t->steer != TURN_STEER_NONE; }

void turn_steer_clear(Turn *t)
{
    t->steer = TURN_STEER_NONE;
    sb_reset(&t->steer_text);
}
