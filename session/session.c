/* Session: the aggregate of one flint run: the buffers (a list with a current one), the
 * Transcript, the Wire dialect, the turn (the active one, or the last), the connection's
 * state and the server's rate limit. The turn's own life (state, binding, stats, stall
 * clock, resend-once) is a Turn (session/turn.c), which reports by return value; the
 * bytes are the Wire's (session/wire.h). This file holds what outlives a turn.
 *
 * History: the Transcript is the conversation record; a request that cannot be chained
 * carries the conversation read back from it (ENTRY_USER -> the user message exactly as it
 * was first sent, kept by the Conversation; non-empty ENTRY_ANSWER -> assistant message as
 * it stands, an interrupted one as it was cut; notes are not sent), its newest whole turns
 * within the token window (session/conversation.h: the oldest are dropped first), then the
 * turn's full message. So a resend after an interrupt, a steer (interrupt + ask) or a
 * reconnect repeats the earlier requests byte for byte up to the new part, and every request
 * carries the conversation's prompt_cache_key. A message is composed (session/context.c)
 * from the Conversation's seen files: a file the model has seen goes as a diff.
 *
 * The connection (bumped by link up/lost: `conn` is its generation, which a Turn records
 * when its request goes out): `chain_id` is the id of the last response that completed on
 * it, when the dialect can chain (PROTOCOL.md 1.5, 7.1), and is NULL after link up/lost and
 * after any turn that did not complete (a failed continuation evicts its parent).
 * `stale_pending` counts requests abandoned before their start (interrupted, stalled) that
 * may still be answered on this connection, when the dialect says abandoned requests are
 * answered (Responses: one sequential socket, the expected-outcome FIFO of PROTOCOL.md
 * 7.1): the next start events or request-scoped errors are theirs and are dropped.
 *
 * Rate limits (PROTOCOL.md 7.3 #6): an error the dialect classifies WIRE_ACT_WAIT sets
 * `wait_until_ns`, before which no request goes out, the user's next question included
 * (whichever request it answered: the limit is the account's). A request-scoped one makes
 * its turn WAITING; session_tick sends it again, with the whole conversation, once the
 * deadline has passed. `strikes` counts them in a row for the back-off used when no header
 * gives a delay.
 *
 * The queue: asks are refused while a turn is open, so there is only `turn` today; the
 * questions queued behind it are the app's (session/ask_queue.h), asked one by one.
 *
 * Native steering (PROTOCOL.md 1.3, 1.7; the Turn's TurnSteer): session_steer sends
 * response.steer for the bound response when the dialect can and the model has not refused
 * it on this run (`no_steer`: models that answered steering_not_supported); a refusal, or a
 * turn that ends with its steer not committed, leaves the steer's text in `steer_fallback`
 * for the app to ask again (session_take_steer_fallback).
 *
 * Invariants: open turn (busy or WAITING) <=> its answer entry is the one OPEN entry;
 * `stats` is refreshed from the turn at the end of every public call; a deferred
 * malformed-message note is added when the turn ends, so a note never lands in the middle
 * of a streaming answer; n_buffers >= 1 and current < n_buffers.
 *
 * The context calls live in session_context.c, steering and switching in session_steer.c
 * (session/session_internal.h: the struct and the helpers the three share). */
#include "session/session.h"
#include "session/session_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "session/context.h"
#include "session/conversation.h"
#include "session/wire_responses.h"

static const char DEFAULT_INSTRUCTIONS[] =
    "You are a concise pair programmer inside flint, a terminal text editor. Each user "
    "message starts with a question (after any notes from flint) and ends with context from "
    "the editor: the open file's name (its path in parentheses when that differs), the "
    "cursor position, the selection, and the file's text (or a window of it around the "
    "cursor; once you have seen the file, only a diff of what changed since, or a line "
    "saying it is unchanged), then any files the user attached. Answer in Markdown. Be "
    "brief and specific: lead with the answer, then only the explanation that is needed.\n\n"
    "To change the user's code, write the change as a patch in the apply_patch format; flint "
    "shows each hunk in the editor for the user to accept or reject:\n"
    "*** Begin Patch\n"
    "*** Update File: PATH\n"
    "@@ a line above the change, to place it (optional)\n"
    " an unchanged line\n"
    "-a removed line\n"
    "+an added line\n"
    "*** End Patch\n"
    "PATH is the file's path as the context gives it (the one in parentheses, else the "
    "name). Copy about three unchanged lines before and after each change exactly, with "
    "their indentation; change only what is needed; several @@ hunks may follow in file "
    "order. A new file is \"*** Add File: PATH\" with every line starting with '+'. Put "
    "other code (examples, commands) in fenced code blocks with a language tag. Lines such "
    "as \"hunk 2 in x.c: rejected\" at the start of a message say what became of your "
    "earlier hunks. Refer to code by line number or function name. If the question is "
    "ambiguous, say what you assumed.";


Session *session_new(const SessionConfig *cfg, const SessionHooks *hooks, void *ud)
{
    Session *s = xcalloc(1, sizeof *s);
    s->model = xstrdup(cfg && cfg->model && *cfg->model ? cfg->model : SESSION_DEFAULT_MODEL);
    s->instructions = xstrdup(cfg && cfg->instructions ? cfg->instructions : DEFAULT_INSTRUCTIONS);
    s->max_context_bytes = cfg && cfg->max_context_bytes ? cfg->max_context_bytes
                                                         : CONTEXT_DEFAULT_MAX_BYTES;
    s->stall_ns = cfg && cfg->stall_ns ? cfg->stall_ns : SESSION_STALL_DEFAULT_NS;
    s->wire = cfg && cfg->wire ? cfg->wire : wire_responses_new();
    if (hooks)
        s->hooks = *hooks;
    s->ud = ud;
    session_buffer_add(s, buffer_new());
    s->transcript = transcript_new();
    s->convo = conversation_new(cfg ? cfg->cache_key : NULL, cfg ? cfg->window_tokens : 0);
    s->warmup = cfg && cfg->warmup;
    return s;
}

void session_free(Session *s)
{
    if (!s)
        return;
    turn_free(s->turn);
    wire_free(s->wire);
    free(s->steer_fallback);
    for (size_t i = 0; i < s->n_no_steer; i++)
        free(s->no_steer[i]);
    free(s->no_steer);
    for (size_t i = 0; i < s->n_buffers; i++)
        buffer_free(s->buffers[i]);
    free(s->buffers);
    transcript_free(s->transcript);
    sb_free(&s->notice);
    sb_free(&s->json);
    free(s->msgs);
    conversation_free(s->convo);
    free(s->chain_id);
    free(s->warm_id);
    free(s->model);
    free(s->instructions);
    free(s);
}

/* ---- buffers ------------------------------------------------------------------------------ */

Buffer *session_buffer(Session *s) { return s->buffers[s->current]; }
size_t session_buffer_count(const Session *s) { return s->n_buffers; }
size_t session_buffer_current(const Session *s) { return s->current; }

Buffer *session_buffer_at(Session *s, size_t i)
{
    BUG_ON(i >= s->n_buffers);
    return s->buffers[i];
}

size_t session_buffer_add(Session *s, Buffer *b)
{
    s->buffers = xgrow(s->buffers, &s->buffers_cap, s->n_buffers + 1, sizeof *s->buffers);
    s->buffers[s->n_buffers] = b;
    return s->n_buffers++;
}

void session_buffer_set_current(Session *s, size_t i)
{
    BUG_ON(i >= s->n_buffers);
    s->current = i;
}

Buffer *session_buffer_take(Session *s, size_t i)
{
    BUG_ON(i >= s->n_buffers);
    Buffer *b = s->buffers[i];
    memmove(&s->buffers[i], &s->buffers[i + 1], (s->n_buffers - i - 1) * sizeof *s->buffers);
    s->n_buffers--;
    if (s->n_buffers == 0)
        session_buffer_add(s, buffer_new()); /* never without a buffer */
    if (s->current > i || (s->current == i && i > 0))
        s->current--;
    if (s->current >= s->n_buffers)
        s->current = 0;
    return b;
}

/* ---- state ------------------------------------------------------------------------------- */

const Transcript *session_transcript(const Session *s) { return s->transcript; }
TurnState session_turn(const Session *s) { return s->turn ? turn_state(s->turn) : TURN_IDLE; }
bool session_busy(const Session *s) { return s->turn && turn_busy(s->turn); }
bool session_waiting(const Session *s) { return s->turn && turn_waiting(s->turn); }
uint64_t session_wait_until_ns(const Session *s) { return s->wait_until_ns; }
bool session_in_turn(const Session *s) { return s->turn && turn_open(s->turn); }
const SessionStats *session_stats(const Session *s) { return &s->stats; }
const char *session_model(const Session *s) { return s->model; }
const char *session_notice(const Session *s) { return sb_cstr(&s->notice); }
const Wire *session_wire(const Session *s) { return s->wire; }

void session_clear_notice(Session *s)
{
    sb_reset(&s->notice);
    s->damage |= SESSION_DAMAGE_STATUS;
}

unsigned session_take_damage(Session *s)
{
    unsigned d = s->damage;
    s->damage = 0;
    return d;
}

/* ---- small helpers ---------------------------------------------------------------------- */

void session_set_notice(Session *s, const char *text)
{
    sb_reset(&s->notice);
    sb_puts(&s->notice, text);
    s->damage |= SESSION_DAMAGE_STATUS | SESSION_DAMAGE_NOTICE;
}

static void add_note(Session *s, const char *text)
{
    transcript_add(s->transcript, ENTRY_NOTE, ENTRY_DONE, text, strlen(text));
    s->damage |= SESSION_DAMAGE_TRANSCRIPT;
}

void session_reset_chain(Session *s)
{
    free(s->chain_id);
    s->chain_id = NULL;
    s->chain_is_warm = false;
}

/* The turn's numbers as the app reads them: while a question waits for its first send, the
 * last request's send time stays; malformed counts the whole session. */
static void sync_stats(Session *s)
{
    if (!s->turn)
        return;
    const TurnStats *t = turn_stats(s->turn);
    SessionStats *st = &s->stats;
    st->sent_ns = t->sent_ns ? t->sent_ns : st->sent_ns;
    st->first_delta_ns = t->first_delta_ns;
    st->last_delta_ns = t->last_delta_ns;
    st->ttft_ns = t->ttft_ns;
    st->deltas = t->deltas;
    st->output_tokens = t->output_tokens;
    st->input_tokens = t->input_tokens;
    st->cached_tokens = t->cached_tokens;
    st->tokens_per_sec = t->tokens_per_sec;
}

/* Log a short, printable excerpt of a message that was not understood. */
static void log_excerpt(const char *what, const char *data, size_t len)
{
    if (!log_enabled())
        return;
    char buf[161];
    size_t n = 0;
    for (size_t i = 0; i < len && n < sizeof buf - 1; i++) {
        unsigned char c = (unsigned char)data[i];
        buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
    }
    buf[n] = '\0';
    log_msg("session: %s (%zu bytes): %s%s", what, len, buf, len > n ? "..." : "");
}

/* A steer that did not take: its text goes to the app (session_take_steer_fallback). */
static void keep_steer_fallback(Session *s)
{
    free(s->steer_fallback);
    s->steer_fallback = xstrdup(turn_steer_text(s->turn));
    turn_steer_clear(s->turn);
    s->damage |= SESSION_DAMAGE_STATUS;
}

/* What every turn's end shares: a chain only from a completed response, the deferred note,
 * damage; a turn abandoned before its start may still be answered on this connection; a
 * steer that never took effect goes back to the app. */
static void apply(Session *s, TurnResult r)
{
    if (r.notice)
        session_set_notice(s, r.notice);
    switch (r.outcome) {
    case TURN_STEERED:
        s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
        break;
    case TURN_STEER_REFUSED:
        keep_steer_fallback(s);
        break;
    case TURN_FINISHED: {
        if (turn_steer_pending(s->turn))
            keep_steer_fallback(s); /* never applied: its fate died with the response */
        const char *id = turn_entry_state(s->turn) == ENTRY_DONE ? turn_done_id(s->turn) : NULL;
        session_reset_chain(s);
        if (id && wire_can_chain(s->wire))
            s->chain_id = xstrdup(id);
        if (r.abandoned && wire_abandoned_answer(s->wire))
            s->stale_pending++;
        if (s->note_deferred) {
            add_note(s, "Some messages from the server could not be understood and were "
                        "skipped (see FLINT_LOG).");
            s->note_deferred = false;
        }
        s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
        break;
    }
    case TURN_UPDATED:
        s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
        break;
    case TURN_STARTED:
        s->strikes = 0; /* the server took a request: the next 429 backs off from 1 s again */
        break;
    case TURN_WAIT:
    case TURN_RECONNECT:
        session_reset_chain(s);
        break;
    case TURN_NOTHING:
    case TURN_RESEND:
        break;
    }
}

/* ---- sending ------------------------------------------------------------------------------ */

static WireMessage *msg_slot(Session *s, size_t n)
{
    s->msgs = xgrow(s->msgs, &s->msgs_cap, n + 1, sizeof *s->msgs);
    return &s->msgs[n];
}

static size_t history_start(const Session *s, size_t hist_end, size_t message_len)
{
    return conversation_history_start(s->convo, s->transcript, hist_end,
                                      strlen(s->instructions) + message_len);
}

/* The history [start, hist_end) as input items in s->msgs (notes and empty answers left
 * out); returns their count. */
static size_t history_items(Session *s, size_t start, size_t hist_end)
{
    size_t n = 0;
    for (size_t i = start; i < hist_end; i++) {
        const TranscriptEntry *e = transcript_entry(s->transcript, i);
        if (e->kind == ENTRY_NOTE || (e->kind == ENTRY_ANSWER && e->text.len == 0))
            continue;
        size_t len;
        const char *text = conversation_entry_text(s->convo, s->transcript, i, &len);
        *msg_slot(s, n++) = (WireMessage){
            .role = e->kind == ENTRY_USER ? WIRE_ROLE_USER : WIRE_ROLE_ASSISTANT,
            .text = text,
            .len = len,
        };
    }
    return n;
}

/* Encodes `message` into s->json: chained (the chain id + the message) when chain_id is set,
 * allowed, and the whole conversation still fits the window (else the chain is left and
 * the oldest turns dropped), else the history (history_start) before hist_end, then the
 * message. *chained says which; *n_input counts the items. */
void session_encode_request(Session *s, const char *message, size_t message_len, size_t hist_end,
                           bool allow_chain, bool *chained, size_t *n_input, size_t *first)
{
    size_t n = 0;
    size_t start = history_start(s, hist_end, message_len);
    const char *prev = allow_chain && wire_can_chain(s->wire) ? s->chain_id : NULL;
    if (prev && start > conversation_first_question(s->convo, s->transcript, hist_end))
        prev = NULL; /* over the budget: the server's chain would hold the dropped turns */
    if (prev && s->chain_is_warm && (start != s->warm_first || hist_end != s->warm_hist_end))
        prev = NULL; /* the warm-up carried another history: its prefix is not this one */
    if (!prev)
        n = history_items(s, start, hist_end);
    *msg_slot(s, n++) = (WireMessage){WIRE_ROLE_USER, message, message_len};
    WireRequest req = {
        .model = s->model,
        .instructions = s->instructions,
        .chain_id = prev,
        .input = s->msgs,
        .n_input = n,
        .prompt_cache_key = conversation_cache_key(s->convo),
    };
    sb_reset(&s->json);
    wire_encode(s->wire, &req, &s->json);
    *chained = prev != NULL;
    *n_input = n;
    *first = start;
}

/* Encodes and sends `message` (encode_request). *chained says how. */
static bool send_request(Session *s, const StrBuf *message, size_t hist_end, bool allow_chain,
                         bool *chained)
{
    size_t n, first;
    bool ch;
    session_encode_request(s, sb_cstr(message), message->len, hist_end, allow_chain, &ch, &n,
                           &first);
    if (!s->hooks.send || !s->hooks.send(s->ud, sb_cstr(&s->json), s->json.len))
        return false;
    if (!ch)
        conversation_set_floor(s->convo, first); /* the next whole requests start there too */
    else if (s->chain_is_warm)
        conversation_set_floor(s->convo, s->warm_first); /* what the warm-up carried */
    *chained = ch;
    s->request_tokens = context_tokens(s->json.len);
    log_msg("session: sent a %s request (%zu bytes, %zu input items%s%s)", wire_name(s->wire),
            s->json.len, n, ch ? ", chained to " : "", ch ? s->chain_id : "");
    return true;
}

/* The user message for question, to become the question at hist_end (see
 * conversation_compose); the file versions it shows go to updates. */
void session_compose_message(Session *s, const char *question, size_t hist_end, StrBuf *message,
                            ContextSeen *updates)
{
    ConversationCompose cc = {
        .current = session_buffer(s),
        .buffers = (const Buffer *const *)s->buffers,
        .n_buffers = s->n_buffers,
        .max_bytes = s->max_context_bytes,
        .fixed_bytes = strlen(s->instructions),
    };
    conversation_compose(s->convo, s->transcript, &cc, question, hist_end, message, updates);
}

/* The open turn's request again, whole conversation, unchained (a refused request was never
 * run). False when it could not be handed over. */
static bool resend(Session *s)
{
    bool chained;
    if (!send_request(s, turn_message(s->turn), turn_user_entry(s->turn), false, &chained))
        return false;
    turn_sent(s->turn, clock_now_ns(), chained, s->conn);
    return true;
}

bool session_rate_limited_now(const Session *s)
{
    return s->wait_until_ns && clock_now_ns() < s->wait_until_ns;
}

/* Now, or after a rate limit's deadline (WAITING; session_tick sends it). */
static bool resend_or_wait(Session *s)
{
    if (session_rate_limited_now(s)) {
        turn_wait(s->turn);
        return true;
    }
    return resend(s);
}

bool session_blank(const char *q)
{
    for (; *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
            return false;
    return true;
}

/* hold: never send now; the turn starts WAITING and goes out on link up (session_on_link_up
 * ticks a WAITING turn whose deadline has passed, and "no deadline" has). */
static bool ask(Session *s, const char *question, bool hold, ErrorBuf *err)
{
    if (session_in_turn(s))
        return error_set(err, "a question is still being answered");
    if (!question || session_blank(question))
        return error_set(err, "the question is empty");

    StrBuf message = {0};
    ContextSeen updates = {0};
    session_compose_message(s, question, transcript_count(s->transcript), &message, &updates);
    bool wait = hold || session_rate_limited_now(s); /* it goes out at the deadline (session_tick) */
    bool chained = false;
    if (!wait &&
        !send_request(s, &message, transcript_count(s->transcript), true, &chained)) {
        sb_free(&message);
        context_seen_clear(&updates);
        return error_set(err, "could not send the request (not connected?)");
    }
    turn_free(s->turn);
    s->turn = turn_new(s->transcript, question, sb_cstr(&message), message.len, s->stall_ns);
    /* From here the message is part of the conversation: every later request repeats it as
     * it is, and the files it showed are what the model has seen. */
    conversation_store(s->convo, turn_user_entry(s->turn), sb_cstr(&message), message.len);
    context_seen_commit(conversation_seen(s->convo), &updates, turn_user_entry(s->turn));
    conversation_clear_notes(s->convo);
    sb_free(&message);
    if (wait)
        turn_wait(s->turn);
    else
        turn_sent(s->turn, clock_now_ns(), chained, s->conn);
    s->malformed_noted = false;
    s->note_deferred = false;
    sb_reset(&s->notice);
    s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
    sync_stats(s);
    return true;
}

bool session_restore_entry(Session *s, EntryKind kind, EntryState state, const char *text,
                           size_t len, const char *detail)
{
    if (session_in_turn(s))
        return false;
    if (state == ENTRY_OPEN) /* only the open turn's answer may be OPEN */
        state = ENTRY_INTERRUPTED;
    size_t i = transcript_add(s->transcript, kind, ENTRY_OPEN, text, len);
    transcript_finish(s->transcript, i, state, detail);
    s->damage |= SESSION_DAMAGE_TRANSCRIPT;
    return true;
}

bool session_ask(Session *s, const char *question, ErrorBuf *err)
{
    return ask(s, question, false, err);
}

bool session_ask_when_up(Session *s, const char *question, ErrorBuf *err)
{
    return ask(s, question, true, err);
}

bool session_waiting_for_link(const Session *s)
{
    return session_waiting(s) && !session_rate_limited_now(s);
}

void session_fail_waiting(Session *s, const char *why)
{
    if (!session_waiting(s))
        return;
    apply(s, turn_fail(s->turn, why, -1));
    sync_stats(s);
}

/* ---- receiving ---------------------------------------------------------------------------- */

#define RATE_WAIT_MIN_NS (250 * NS_PER_MS) /* even "retry-after: 0" is not a busy loop */
#define RATE_BACKOFF_NS NS_PER_SEC         /* no header: 1 s, doubling per 429 in a row */

/* The longest applicable delay: retry-after(-ms), and each x-ratelimit-reset-* whose
 * remaining count is 0 or not given (a limit with requests left is not what refused us).
 * No usable header: exponential back-off. Capped at SESSION_RATE_WAIT_MAX_NS. */
static uint64_t rate_delay_ns(Session *s, const WireError *e)
{
    int64_t ms = e->retry_after_ms;
    if (e->reset_requests_ms > ms && e->remaining_requests <= 0)
        ms = e->reset_requests_ms;
    if (e->reset_tokens_ms > ms && e->remaining_tokens <= 0)
        ms = e->reset_tokens_ms;
    if (s->strikes < 16)
        s->strikes++;
    uint64_t ns = ms >= 0 ? (uint64_t)ms * NS_PER_MS : RATE_BACKOFF_NS << (s->strikes - 1);
    if (ns < RATE_WAIT_MIN_NS)
        ns = RATE_WAIT_MIN_NS;
    return ns > SESSION_RATE_WAIT_MAX_NS ? SESSION_RATE_WAIT_MAX_NS : ns;
}

/* A start event or request-scoped error of a request abandoned on this connection? */
static bool take_stale(Session *s, const char *what)
{
    if (!s->stale_pending)
        return false;
    s->stale_pending--;
    log_msg("session: dropped %s of an abandoned request", what);
    return true;
}

static void on_error(Session *s, const WireEvent *ev)
{
    const WireError *e = &ev->error;
    WireAction act = wire_classify(s->wire, e);
    bool busy = session_busy(s);
    bool request_scoped = busy && !turn_bound(s->turn);
    if (act == WIRE_ACT_WAIT) {
        /* The account is limited, whichever request this answers (an abandoned one's
         * included): no request goes out before the deadline. */
        uint64_t delay = rate_delay_ns(s, e);
        s->wait_until_ns = clock_now_ns() + delay;
        log_msg("session: rate limited for %.3f s", (double)delay / 1e9);
    }
    if ((request_scoped || !busy) && take_stale(s, e->code ? e->code : "an error"))
        return;
    StrBuf msg = {0};
    wire_error_format(&msg, e, "error");
    log_msg("session: server error (status %d, retry after %lld ms, %s): %s", e->status,
            (long long)e->retry_after_ms, wire_action_name(act), sb_cstr(&msg));
    if (act == WIRE_ACT_RECONNECT)
        s->wants_reconnect = true;
    if (busy) {
        TurnResult r = turn_on_event(s->turn, ev, act, clock_now_ns());
        apply(s, r);
        if (r.outcome == TURN_RESEND) {
            session_reset_chain(s);
            if (resend_or_wait(s))
                s->damage |= SESSION_DAMAGE_STATUS;
            else
                apply(s, turn_fail(s->turn, "previous response not found, and the full "
                                            "resend could not be sent", e->retry_after_ms));
        }
    } else {
        /* Connection-level (no turn in flight), e.g. the connection retired. A waiting
         * question's entry is still open, so then the status line alone says it. */
        if (!session_waiting(s)) {
            StrBuf note = {0};
            sb_printf(&note, "Server error: %s", sb_cstr(&msg));
            add_note(s, sb_cstr(&note));
            sb_free(&note);
        }
        session_reset_chain(s);
        if (e->retry_after_ms >= 0)
            sb_printf(&msg, " (retry after %.1f s)", (double)e->retry_after_ms / 1000.0);
        session_set_notice(s, sb_cstr(&msg));
    }
    sb_free(&msg);
}

/* The warm-up's events (session_on_link_up). The socket answers requests in order, so while
 * it is pending every lifecycle event is its own, before anything of a later request. True
 * when ev was the warm-up's (it never shows, and is no turn). */
static bool on_warm_event(Session *s, const WireEvent *ev)
{
    switch (ev->kind) {
    case WIRE_CREATED:
        if (!s->warm_id && ev->response_id)
            s->warm_id = xstrdup(ev->response_id);
        return true;
    case WIRE_DELTA:          /* none expected from generate:false; never an answer's */
    case WIRE_REFUSAL_DELTA:
    case WIRE_REASONING_DELTA:
    case WIRE_TEXT_DONE:
    case WIRE_IGNORED:
        return true;
    case WIRE_DONE: {
        s->warm_pending = false;
        const char *id = ev->response_id ? ev->response_id : s->warm_id;
        if (id && !session_in_turn(s) && !s->chain_id) {
            s->chain_id = xstrdup(id);
            s->chain_is_warm = true;
        }
        log_msg("session: warm-up %s completed%s", id ? id : "(no id)",
                s->chain_is_warm ? "; the next question chains to it" : "");
        return true;
    }
    case WIRE_INCOMPLETE:
    case WIRE_FAILED:
        s->warm_pending = false;
        log_msg("session: the warm-up ended %s", wire_kind_name(ev->kind));
        return true;
    case WIRE_ERROR: {
        s->warm_pending = false;
        WireAction act = wire_classify(s->wire, &ev->error);
        StrBuf msg = {0};
        wire_error_format(&msg, &ev->error, "error");
        log_msg("session: the warm-up was refused (%s): %s", wire_action_name(act),
                sb_cstr(&msg));
        sb_free(&msg);
        if (act == WIRE_ACT_WAIT) /* the account's limit holds for the next question too */
            s->wait_until_ns = clock_now_ns() + rate_delay_ns(s, &ev->error);
        else if (act == WIRE_ACT_RECONNECT)
            s->wants_reconnect = true;
        return true;
    }
    default: /* malformed messages and steer replies: as ever */
        return false;
    }
}

static void on_malformed(Session *s, const WireEvent *ev)
{
    s->stats.malformed++;
    s->damage |= SESSION_DAMAGE_STATUS;
    StrBuf what = {0};
    sb_printf(&what, "malformed server message (%s)", ev->reason);
    log_excerpt(sb_cstr(&what), ev->raw ? ev->raw : "", ev->raw_len);
    sb_free(&what);
    if (s->malformed_noted)
        return;
    s->malformed_noted = true;
    session_set_notice(s, "skipped a malformed message from the server");
    if (session_in_turn(s))
        s->note_deferred = true; /* never split a streaming (or waiting) answer with a note */
    else
        add_note(s, "A message from the server could not be understood and was skipped "
                    "(see FLINT_LOG).");
}

bool session_model_refused_steer(const Session *s)
{
    for (size_t i = 0; i < s->n_no_steer; i++)
        if (strcmp(s->no_steer[i], s->model) == 0)
            return true;
    return false;
}

static void remember_no_steer(Session *s)
{
    if (session_model_refused_steer(s))
        return;
    log_msg("session: %s does not support native steering; steering client-side from now on",
            s->model);
    s->no_steer = xgrow(s->no_steer, &s->no_steer_cap, s->n_no_steer + 1, sizeof *s->no_steer);
    s->no_steer[s->n_no_steer++] = xstrdup(s->model);
}

static void on_event(Session *s, const WireEvent *ev)
{
    if (s->warm_pending && on_warm_event(s, ev))
        return;
    switch (ev->kind) {
    case WIRE_MALFORMED:
        on_malformed(s, ev);
        return;
    case WIRE_ERROR:
        on_error(s, ev);
        return;
    case WIRE_CREATED:
        if (session_busy(s) && !turn_bound(s->turn) &&
            turn_steer_state(s->turn) != TURN_STEER_ACCEPTED && take_stale(s, "the start"))
            return;
        break;
    case WIRE_STEER_FAILED:
    case WIRE_STEER_ACCEPTED: /* a refusal may come after the turn ended */
        if (ev->kind == WIRE_STEER_FAILED && ev->error.code &&
            strcmp(ev->error.code, "steering_not_supported") == 0)
            remember_no_steer(s);
        if (s->turn)
            apply(s, turn_on_event(s->turn, ev, WIRE_ACT_FAIL, clock_now_ns()));
        return;
    default:
        break;
    }
    if (session_busy(s))
        apply(s, turn_on_event(s->turn, ev, WIRE_ACT_FAIL, clock_now_ns()));
}

void session_on_message(Session *s, const char *data, size_t len)
{
    if (session_busy(s))
        turn_touch(s->turn, clock_now_ns()); /* any message proves the server is alive */
    wire_feed(s->wire, data, len);
    WireEvent ev;
    while (wire_next(s->wire, &ev)) /* the last next releases the event's storage */
        on_event(s, &ev);
    sync_stats(s);
}

void session_on_stream_end(Session *s)
{
    wire_end(s->wire);
    WireEvent ev;
    while (wire_next(s->wire, &ev))
        on_event(s, &ev);
    sync_stats(s);
}

void session_on_http_error(Session *s, const WireHttpError *h)
{
    if (session_busy(s))
        turn_touch(s->turn, clock_now_ns());
    wire_http_error(s->wire, h);
    WireEvent ev;
    bool any = false;
    while (wire_next(s->wire, &ev)) {
        any = true;
        on_event(s, &ev);
    }
    if (!any && session_busy(s)) { /* the dialect has no HTTP: the status alone */
        StrBuf msg = {0};
        sb_printf(&msg, "HTTP %d", h->status);
        apply(s, turn_fail(s->turn, sb_cstr(&msg), -1));
        sb_free(&msg);
    }
    sync_stats(s);
}

/* ---- connection and user events ----------------------------------------------------------- */

void session_forget_connection(Session *s)
{
    s->conn++;
    session_reset_chain(s);
    s->stale_pending = 0;
    s->warm_pending = false;
    free(s->warm_id);
    s->warm_id = NULL;
    wire_reset(s->wire);
}

/* session_on_link_up's warm-up (session.h): the instructions and the history the next
 * unchained request would start with, generate:false. Unsent (the link refused it): none. */
static void send_warmup(Session *s)
{
    size_t hist_end = transcript_count(s->transcript);
    size_t start = history_start(s, hist_end, 0);
    size_t n = history_items(s, start, hist_end);
    WireRequest req = {
        .model = s->model,
        .instructions = s->instructions,
        .input = s->msgs,
        .n_input = n,
        .prompt_cache_key = conversation_cache_key(s->convo),
        .warmup = true,
    };
    sb_reset(&s->json);
    wire_encode(s->wire, &req, &s->json);
    if (!s->hooks.send || !s->hooks.send(s->ud, sb_cstr(&s->json), s->json.len))
        return;
    s->warm_pending = true;
    s->warm_first = start;
    s->warm_hist_end = hist_end;
    log_msg("session: sent a warm-up (%zu bytes, %zu input items)", s->json.len, n);
}

bool session_warming(const Session *s) { return s->warm_pending; }

void session_on_link_up(Session *s)
{
    session_forget_connection(s);
    if (s->turn && turn_take_resend(s->turn, s->conn)) {
        if (!resend_or_wait(s)) {
            TurnResult r = turn_fail(s->turn, "could not resend on the new connection", -1);
            r.notice = NULL; /* the status line keeps saying what happened to the socket */
            apply(s, r);
        }
        s->damage |= SESSION_DAMAGE_STATUS;
    } else {
        if (session_busy(s))
            apply(s, turn_on_link_lost(s->turn, "reconnected"));
        if (session_waiting(s) && !session_rate_limited_now(s))
            session_tick(s); /* its deadline passed while the link was down */
    }
    if (s->warmup && wire_can_chain(s->wire) && !session_in_turn(s) && !session_rate_limited_now(s))
        send_warmup(s);
    sync_stats(s);
}

bool session_take_reconnect(Session *s)
{
    bool r = s->wants_reconnect;
    s->wants_reconnect = false;
    return r;
}

void session_on_link_lost(Session *s, const char *why)
{
    if (session_busy(s))
        apply(s, turn_on_link_lost(s->turn, why));
    session_forget_connection(s);
    sync_stats(s);
}

uint64_t session_next_deadline_ns(const Session *s)
{
    if (session_waiting(s))
        return session_rate_limited_now(s) ? s->wait_until_ns : 0;
    return s->turn ? turn_stall_deadline_ns(s->turn) : 0;
}

bool session_tick(Session *s)
{
    if (session_waiting(s) && !session_rate_limited_now(s)) {
        /* Whole conversation: the refused request may have been chained to a response the
         * server evicted with it (PROTOCOL.md 1.5). Unsent (no link): it goes on link up. */
        if (resend(s)) {
            sb_reset(&s->notice); /* the 429's message is over, as a new question's start */
            s->damage |= SESSION_DAMAGE_STATUS | SESSION_DAMAGE_TRANSCRIPT;
        }
        sync_stats(s);
        return false;
    }
    if (!session_busy(s))
        return false;
    TurnResult r = turn_check_stall(s->turn, clock_now_ns());
    apply(s, r);
    sync_stats(s);
    return r.outcome == TURN_FINISHED;
}

const char *session_last_question(const Session *s)
{
    for (size_t i = transcript_count(s->transcript); i-- > 0;) {
        const TranscriptEntry *e = transcript_entry(s->transcript, i);
        if (e->kind == ENTRY_USER)
            return sb_cstr(&e->text);
    }
    return NULL;
}

void session_interrupt(Session *s)
{
    if (!session_in_turn(s))
        return;
    apply(s, turn_interrupt(s->turn));
    sync_stats(s);
}
