/* Session: the turn state machine between the user, the Transcript and the wire.
 *
 * Data: the Transcript is the conversation record; history for a full-context request is
 * read back from it (ENTRY_USER -> user message with the question only, non-empty
 * ENTRY_ANSWER -> assistant message, whatever its end state; notes are not sent). The
 * in-flight turn keeps its full user message (question + editor context) in `pending`, so
 * it can be resent, and the indices of its two transcript entries.
 *
 * Binding (PROTOCOL.md 1.4: deltas carry no response id): `bound` is true between the
 * response.created that answers the in-flight request and that response's terminal event.
 * Deltas and terminals are applied only while bound (terminals also only when their
 * response id matches), so nothing from an abandoned response can reach the transcript.
 * `stale_pending` counts abandoned requests (interrupted before their response.created) that
 * may still produce a response.created or a request-scoped error on this connection; on a
 * sequential connection those arrive first (the expected-outcome FIFO of PROTOCOL.md 7.1)
 * and are dropped. A new connection (link up or lost) clears all of it.
 *
 * Chaining (PROTOCOL.md 1.5, 7.1): `chain_id` is the id of the last response that completed
 * on the current connection, and is NULL after link up/lost and after any turn that did not
 * complete (a failed continuation evicts its parent, so chaining past it is never safe).
 *
 * Rate limits (PROTOCOL.md 7.3 #6): a 429 sets `wait_until`, before which no request goes
 * out, the user's next question included. A request-scoped 429 puts its turn into WAITING
 * (nothing in flight, the question kept); session_tick sends it again, with the full history,
 * once the deadline has passed. `strikes` counts 429s in a row for the back-off used when no
 * header gives a delay.
 *
 * Stalls: `last_event_ns` is the send time or the last server message of the turn in flight
 * (one store per message; nothing is re-armed per token). session_tick ends the turn as
 * STALLED when it is older than the stall time.
 *
 * Invariants: in a turn (SENT, STREAMING or WAITING) <=> `answer_entry` is an OPEN entry;
 * bound implies busy (SENT or STREAMING); a turn ends exactly once (finish_turn), which
 * clears bound and flushes the deferred malformed-message note, so a note never lands in the
 * middle of a streaming answer. */
#include "session/session.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "session/context.h"
#include "session/protocol.h"

static const char DEFAULT_INSTRUCTIONS[] =
    "You are a concise pair programmer inside flint, a terminal text editor. Each user "
    "message starts with a question and ends with context from the editor: the open file's "
    "name, the cursor position and the file's text (or a window of it around the cursor). "
    "Answer in Markdown. Be brief and specific: lead with the answer, then only the "
    "explanation that is needed. Put code in fenced code blocks with a language tag, and "
    "show only the lines that change with enough surrounding lines to place them, not the "
    "whole file, unless asked. Refer to code by line number or function name. If the "
    "question is ambiguous, say what you assumed.";

struct Session {
    char *model;
    char *instructions;
    size_t max_context_bytes;
    uint64_t stall_ns;
    SessionHooks hooks;
    void *ud;

    Buffer *buffer;
    Transcript *transcript;
    TurnState turn;
    SessionStats stats;
    StrBuf notice;
    unsigned damage;

    /* the in-flight turn */
    StrBuf pending;        /* its user message with context */
    size_t user_entry, answer_entry;
    bool chained;          /* its current request carries previous_response_id */
    bool resent;           /* already resent once after previous_response_not_found */
    bool bound;
    char *response_id;     /* id from response.created while bound; may be NULL */
    int64_t last_output_index, last_content_index;

    char *chain_id;
    size_t stale_pending;
    bool wants_reconnect;  /* websocket_connection_limit_reached: the app should reconnect */
    bool resend_on_up;     /* ...and the refused request goes out again on the new socket */
    bool malformed_noted;  /* at most one malformed-message note per turn */
    bool note_deferred;    /* ...added when the turn ends */
    uint64_t wait_until_ns; /* a 429's back-off: no request before it (0: none) */
    unsigned strikes;      /* 429s in a row (the back-off doubles when no header says) */
    uint64_t last_event_ns; /* the turn in flight: its send time or last server message */

    ProtoEvent ev;         /* reused for every message */
    StrBuf json;           /* reused for every request */
    ProtoMessage *msgs;
    size_t msgs_cap;
};

Session *session_new(const SessionConfig *cfg, const SessionHooks *hooks, void *ud)
{
    Session *s = xcalloc(1, sizeof *s);
    s->model = xstrdup(cfg && cfg->model && *cfg->model ? cfg->model : SESSION_DEFAULT_MODEL);
    s->instructions = xstrdup(cfg && cfg->instructions ? cfg->instructions : DEFAULT_INSTRUCTIONS);
    s->max_context_bytes = cfg && cfg->max_context_bytes ? cfg->max_context_bytes
                                                         : CONTEXT_DEFAULT_MAX_BYTES;
    s->stall_ns = cfg && cfg->stall_ns ? cfg->stall_ns : SESSION_STALL_DEFAULT_NS;
    if (hooks)
        s->hooks = *hooks;
    s->ud = ud;
    s->buffer = buffer_new();
    s->transcript = transcript_new();
    s->turn = TURN_IDLE;
    proto_event_clear(&s->ev);
    return s;
}

void session_free(Session *s)
{
    if (!s)
        return;
    proto_event_clear(&s->ev);
    buffer_free(s->buffer);
    transcript_free(s->transcript);
    sb_free(&s->notice);
    sb_free(&s->pending);
    sb_free(&s->json);
    free(s->msgs);
    free(s->response_id);
    free(s->chain_id);
    free(s->model);
    free(s->instructions);
    free(s);
}

Buffer *session_buffer(Session *s) { return s->buffer; }
const Transcript *session_transcript(const Session *s) { return s->transcript; }
TurnState session_turn(const Session *s) { return s->turn; }
bool session_busy(const Session *s) { return s->turn == TURN_SENT || s->turn == TURN_STREAMING; }
bool session_waiting(const Session *s) { return s->turn == TURN_WAITING; }
uint64_t session_wait_until_ns(const Session *s) { return s->wait_until_ns; }
static bool in_turn(const Session *s) { return session_busy(s) || session_waiting(s); }
const SessionStats *session_stats(const Session *s) { return &s->stats; }
const char *session_model(const Session *s) { return s->model; }
const char *session_notice(const Session *s) { return sb_cstr(&s->notice); }

unsigned session_take_damage(Session *s)
{
    unsigned d = s->damage;
    s->damage = 0;
    return d;
}

/* ---- small helpers ---------------------------------------------------------------------- */

static void set_notice(Session *s, const char *text)
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

static void reset_chain(Session *s)
{
    free(s->chain_id);
    s->chain_id = NULL;
}

static void unbind(Session *s)
{
    s->bound = false;
    free(s->response_id);
    s->response_id = NULL;
}

/* "code: message", or whichever of the two exists. */
static void format_error(StrBuf *out, const ProtoError *e, const char *fallback)
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

/* Ends the in-flight turn: the answer entry gets its final state and detail. */
static void finish_turn(Session *s, TurnState turn, EntryState entry, const char *detail)
{
    BUG_ON(!in_turn(s));
    transcript_finish(s->transcript, s->answer_entry, entry, detail);
    s->turn = turn;
    unbind(s);
    sb_reset(&s->pending);
    if (entry != ENTRY_DONE)
        reset_chain(s);
    if (s->note_deferred) {
        add_note(s, "Some messages from the server could not be understood and were "
                    "skipped (see FLINT_LOG).");
        s->note_deferred = false;
    }
    s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
}

/* ---- sending ------------------------------------------------------------------------------ */

static ProtoMessage *msg_slot(Session *s, size_t n)
{
    s->msgs = xgrow(s->msgs, &s->msgs_cap, n + 1, sizeof *s->msgs);
    return &s->msgs[n];
}

/* Earlier turns resent after a reconnect are the newest whole turns (a question and its
 * answer) that fit in this many bytes: a long session must not make every reconnect upload
 * megabytes, and the model needs the recent turns most. The new question always goes. */
#define HISTORY_MAX_BYTES (256u * 1024u)

static size_t history_start(const Session *s, size_t hist_end)
{
    size_t start = hist_end, bytes = 0;
    for (size_t i = hist_end; i-- > 0;) {
        const TranscriptEntry *e = transcript_entry(s->transcript, i);
        if (e->kind == ENTRY_NOTE)
            continue;
        bytes += e->text.len;
        if (bytes > HISTORY_MAX_BYTES)
            break;
        if (e->kind == ENTRY_USER)
            start = i; /* a turn starts at its question */
    }
    return start;
}

/* Encodes and sends the in-flight request: chained (previous_response_id + the new message)
 * when chain_id is set and allowed, else the history (history_start) before hist_end. */
static bool send_request(Session *s, size_t hist_end, bool allow_chain)
{
    size_t n = 0;
    const char *prev = allow_chain ? s->chain_id : NULL;
    if (!prev) {
        for (size_t i = history_start(s, hist_end); i < hist_end; i++) {
            const TranscriptEntry *e = transcript_entry(s->transcript, i);
            if (e->kind == ENTRY_NOTE || (e->kind == ENTRY_ANSWER && e->text.len == 0))
                continue;
            *msg_slot(s, n++) = (ProtoMessage){
                .role = e->kind == ENTRY_USER ? PROTO_ROLE_USER : PROTO_ROLE_ASSISTANT,
                .text = sb_cstr(&e->text),
                .len = e->text.len,
            };
        }
    }
    *msg_slot(s, n++) = (ProtoMessage){PROTO_ROLE_USER, sb_cstr(&s->pending), s->pending.len};
    ProtoRequest req = {
        .model = s->model,
        .instructions = s->instructions,
        .previous_response_id = prev,
        .input = s->msgs,
        .n_input = n,
    };
    sb_reset(&s->json);
    proto_encode_create(&req, &s->json);
    if (!s->hooks.send || !s->hooks.send(s->ud, sb_cstr(&s->json), s->json.len))
        return false;
    s->chained = prev != NULL;
    s->stats.sent_ns = s->last_event_ns = clock_now_ns();
    log_msg("session: sent response.create (%zu bytes, %zu input items%s%s)", s->json.len, n,
            prev ? ", previous_response_id " : "", prev ? prev : "");
    return true;
}

static bool blank(const char *q)
{
    for (; *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
            return false;
    return true;
}

static bool rate_limited_now(const Session *s)
{
    return s->wait_until_ns && clock_now_ns() < s->wait_until_ns;
}

bool session_ask(Session *s, const char *question, ErrorBuf *err)
{
    if (in_turn(s))
        return error_set(err, "a question is still being answered");
    if (!question || blank(question))
        return error_set(err, "the question is empty");

    sb_reset(&s->pending);
    context_build(s->buffer, question, s->max_context_bytes, &s->pending);
    bool wait = rate_limited_now(s); /* it goes out at the deadline (session_tick) */
    if (!wait && !send_request(s, transcript_count(s->transcript), true)) {
        sb_reset(&s->pending);
        return error_set(err, "could not send the request (not connected?)");
    }
    /* A new turn's numbers; malformed counts the whole session. */
    s->stats = (SessionStats){.sent_ns = s->stats.sent_ns, .malformed = s->stats.malformed};
    s->resent = false;
    s->malformed_noted = false;
    s->note_deferred = false;
    s->last_output_index = s->last_content_index = -1;
    unbind(s);
    s->user_entry = transcript_add(s->transcript, ENTRY_USER, ENTRY_DONE, question,
                                   strlen(question));
    s->answer_entry = transcript_add(s->transcript, ENTRY_ANSWER, ENTRY_OPEN, NULL, 0);
    s->turn = wait ? TURN_WAITING : TURN_SENT;
    sb_reset(&s->notice);
    s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
    return true;
}

/* ---- receiving ---------------------------------------------------------------------------- */

static void update_rate(Session *s, uint64_t units)
{
    SessionStats *st = &s->stats;
    uint64_t span = st->last_delta_ns > st->first_delta_ns ? st->last_delta_ns - st->first_delta_ns
                                                           : 0;
    st->tokens_per_sec = span ? (double)units * (double)NS_PER_SEC / (double)span : 0.0;
}

static void on_created(Session *s)
{
    if (session_busy(s) && !s->bound) {
        if (s->stale_pending) {
            s->stale_pending--;
            log_msg("session: dropped response.created of an abandoned request");
            return;
        }
        s->bound = true;
        s->strikes = 0; /* the server took a request: the next 429 backs off from 1 s again */
        s->response_id = s->ev.response_id ? xstrdup(s->ev.response_id) : NULL;
        return;
    }
    log_msg("session: dropped a stale response.created (%s)",
            s->ev.response_id ? s->ev.response_id : "no id");
}

static void on_delta(Session *s)
{
    if (!s->bound)
        return; /* stale: from an abandoned response, or before response.created */
    const ProtoEvent *ev = &s->ev;
    uint64_t now = clock_now_ns();
    SessionStats *st = &s->stats;
    if (s->turn == TURN_SENT) {
        s->turn = TURN_STREAMING;
        st->first_delta_ns = now;
        st->ttft_ns = now > st->sent_ns ? now - st->sent_ns : 0;
    }
    st->last_delta_ns = now;
    st->deltas++;
    /* A new output item or content part (e.g. a refusal after text) starts a new paragraph. */
    bool new_part = (ev->output_index != s->last_output_index ||
                     ev->content_index != s->last_content_index) &&
                    s->last_output_index != -1;
    s->last_output_index = ev->output_index;
    s->last_content_index = ev->content_index;
    if (new_part && transcript_entry(s->transcript, s->answer_entry)->text.len)
        transcript_append(s->transcript, s->answer_entry, "\n\n", 2);
    if (ev->text_len)
        transcript_append(s->transcript, s->answer_entry, ev->text, ev->text_len);
    update_rate(s, st->deltas);
    s->damage |= SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS;
}

/* A terminal event for the bound response? (Anything else is stale and dropped.) */
static bool terminal_is_ours(Session *s)
{
    if (!s->bound) {
        log_msg("session: dropped a stale %s", s->ev.type);
        return false;
    }
    if (s->ev.response_id && s->response_id && strcmp(s->ev.response_id, s->response_id) != 0) {
        log_msg("session: dropped %s for %s (current response is %s)", s->ev.type,
                s->ev.response_id, s->response_id);
        return false;
    }
    return true;
}

static void take_usage(Session *s)
{
    const ProtoUsage *u = &s->ev.usage;
    SessionStats *st = &s->stats;
    if (u->present) {
        st->input_tokens = (size_t)u->input_tokens;
        st->output_tokens = (size_t)u->output_tokens;
        st->cached_tokens = (size_t)u->cached_tokens;
    }
    update_rate(s, st->output_tokens ? st->output_tokens : st->deltas);
}

static void on_completed(Session *s)
{
    if (!terminal_is_ours(s))
        return;
    take_usage(s);
    const char *id = s->ev.response_id ? s->ev.response_id : s->response_id;
    char *keep = id ? xstrdup(id) : NULL;
    finish_turn(s, TURN_DONE, ENTRY_DONE, NULL);
    free(s->chain_id);
    s->chain_id = keep;
}

static void on_incomplete(Session *s)
{
    if (!terminal_is_ours(s))
        return;
    take_usage(s);
    const char *why = s->ev.incomplete_reason ? s->ev.incomplete_reason : "unknown reason";
    StrBuf msg = {0};
    sb_printf(&msg, "incomplete: %s", why);
    finish_turn(s, TURN_DONE, ENTRY_INCOMPLETE, why);
    set_notice(s, sb_cstr(&msg));
    sb_free(&msg);
}

static void on_failed(Session *s)
{
    if (!terminal_is_ours(s))
        return;
    take_usage(s);
    StrBuf msg = {0};
    format_error(&msg, &s->ev.error, "the response failed");
    finish_turn(s, TURN_FAILED, ENTRY_FAILED, sb_cstr(&msg));
    set_notice(s, sb_cstr(&msg));
    sb_free(&msg);
}

/* ---- rate limits ------------------------------------------------------------------------ */

/* 429 or rate_limit_exceeded, except the codes that waiting does not cure (an empty quota
 * or a plan's usage limit: Codex does not retry those either). */
static bool is_rate_limit(const ProtoError *e)
{
    static const char *const final[] = {"insufficient_quota", "usage_limit_reached",
                                        "usage_not_included"};
    for (size_t i = 0; e->code && i < sizeof final / sizeof final[0]; i++)
        if (strcmp(e->code, final[i]) == 0)
            return false;
    return e->status == 429 || (e->code && strcmp(e->code, "rate_limit_exceeded") == 0);
}

#define RATE_WAIT_MIN_NS (250 * NS_PER_MS) /* even "retry-after: 0" is not a busy loop */
#define RATE_BACKOFF_NS NS_PER_SEC         /* no header: 1 s, doubling per 429 in a row */

/* The longest applicable delay: retry-after(-ms), and each x-ratelimit-reset-* whose
 * remaining count is 0 or not given (a limit with requests left is not what refused us).
 * No usable header: exponential back-off. Capped at SESSION_RATE_WAIT_MAX_NS. */
static uint64_t rate_delay_ns(Session *s, const ProtoError *e)
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

/* The in-flight request again, full history, unchained (a refused request was never run):
 * now, or after a rate limit's deadline (WAITING; session_tick sends it). */
static bool resend_or_wait(Session *s)
{
    unbind(s);
    if (rate_limited_now(s)) {
        s->turn = TURN_WAITING;
        return true;
    }
    return send_request(s, s->user_entry, false);
}

static void on_error(Session *s)
{
    const ProtoError *e = &s->ev.error;
    bool request_scoped = session_busy(s) && !s->bound;
    bool limited = is_rate_limit(e);
    if (limited) {
        /* The account is limited, whichever request the 429 answers (an abandoned one's
         * included): no request goes out before the deadline. */
        uint64_t delay = rate_delay_ns(s, e);
        s->wait_until_ns = clock_now_ns() + delay;
        log_msg("session: rate limited for %.3f s", (double)delay / 1e9);
    }
    if ((request_scoped || !session_busy(s)) && s->stale_pending) {
        s->stale_pending--;
        log_msg("session: dropped an error for an abandoned request: %s",
                e->code ? e->code : "(no code)");
        return;
    }
    StrBuf msg = {0};
    format_error(&msg, e, "error");
    log_msg("session: server error (status %d, retry after %lld ms): %s", e->status,
            (long long)e->retry_after_ms, sb_cstr(&msg));

    if (limited) {
        if (request_scoped) {
            /* The request was refused, not run: the question waits for the deadline and then
             * goes again by itself (session_tick), with the full history. */
            unbind(s);
            reset_chain(s);
            s->turn = TURN_WAITING;
            sb_reset(&msg);
            format_error(&msg, e, "rate limited");
            set_notice(s, sb_cstr(&msg));
            sb_free(&msg);
            return;
        }
        /* Mid-stream, or with no turn: the answer (if any) fails below; the deadline holds
         * for the next question. */
    }

    if (e->code && strcmp(e->code, "websocket_connection_limit_reached") == 0) {
        /* PROTOCOL.md 7.1: the socket reached its age limit; reconnect. A request it refused
         * was never run, so it is resent (full history) once the new socket is up. */
        s->wants_reconnect = true;
        if (request_scoped && !s->resent) {
            s->resent = true;
            s->resend_on_up = true;
            reset_chain(s);
            set_notice(s, "the connection reached its age limit; reconnecting and resending");
            sb_free(&msg);
            return;
        }
    }
    if (request_scoped && e->code && strcmp(e->code, "previous_response_not_found") == 0 &&
        s->chained && !s->resent) {
        /* PROTOCOL.md 7.1: resend once with the full transcript and no chain. */
        reset_chain(s);
        s->resent = true;
        if (resend_or_wait(s)) {
            s->damage |= SESSION_DAMAGE_STATUS;
            sb_free(&msg);
            return;
        }
        sb_reset(&msg);
        sb_puts(&msg, "previous response not found, and the full resend could not be sent");
    }

    if (session_busy(s)) {
        /* Request-scoped (before response.created), or an error ending a stream mid-way: the
         * turn is over either way; the partial text stays. */
        finish_turn(s, TURN_FAILED, ENTRY_FAILED, sb_cstr(&msg));
    } else {
        /* Connection-level (no turn in flight), e.g. websocket_connection_limit_reached. A
         * waiting question's entry is still open, so then the status line alone says it. */
        if (!session_waiting(s)) {
            StrBuf note = {0};
            sb_printf(&note, "Server error: %s", sb_cstr(&msg));
            add_note(s, sb_cstr(&note));
            sb_free(&note);
        }
        reset_chain(s);
    }
    if (e->retry_after_ms >= 0)
        sb_printf(&msg, " (retry after %.1f s)", (double)e->retry_after_ms / 1000.0);
    set_notice(s, sb_cstr(&msg));
    sb_free(&msg);
}

static void on_malformed(Session *s, const char *data, size_t len)
{
    s->stats.malformed++;
    s->damage |= SESSION_DAMAGE_STATUS;
    StrBuf what = {0};
    sb_printf(&what, "malformed server message (%s)", s->ev.reason);
    log_excerpt(sb_cstr(&what), data, len);
    sb_free(&what);
    if (s->malformed_noted)
        return;
    s->malformed_noted = true;
    set_notice(s, "skipped a malformed message from the server");
    if (in_turn(s))
        s->note_deferred = true; /* never split a streaming (or waiting) answer with a note */
    else
        add_note(s, "A message from the server could not be understood and was skipped "
                    "(see FLINT_LOG).");
}

void session_on_message(Session *s, const char *data, size_t len)
{
    if (session_busy(s))
        s->last_event_ns = clock_now_ns(); /* any message proves the server is alive */
    switch (proto_decode(&s->ev, data, len)) {
    case PROTO_DELTA:
    case PROTO_REFUSAL_DELTA:
        on_delta(s);
        break;
    case PROTO_CREATED:
        on_created(s);
        break;
    case PROTO_COMPLETED:
        on_completed(s);
        break;
    case PROTO_INCOMPLETE:
        on_incomplete(s);
        break;
    case PROTO_FAILED:
        on_failed(s);
        break;
    case PROTO_ERROR:
        on_error(s);
        break;
    case PROTO_MALFORMED:
        on_malformed(s, data, len);
        break;
    case PROTO_TEXT_DONE:       /* the deltas already built the same text */
    case PROTO_STEER_ACCEPTED:  /* flint never steers (PROTOCOL.md 7.2: Spark cannot) */
    case PROTO_STEER_FAILED:
    case PROTO_IGNORED:
    case PROTO_KIND_COUNT:
        break;
    }
    proto_event_clear(&s->ev); /* a large response.completed tree is not kept around */
}

/* ---- connection and user events ----------------------------------------------------------- */

static void forget_connection(Session *s)
{
    reset_chain(s);
    s->stale_pending = 0;
}

void session_on_link_up(Session *s)
{
    if (s->resend_on_up && session_busy(s) && !s->bound) {
        s->resend_on_up = false;
        forget_connection(s);
        if (!resend_or_wait(s))
            finish_turn(s, TURN_FAILED, ENTRY_FAILED, "could not resend on the new connection");
        s->damage |= SESSION_DAMAGE_STATUS;
        return;
    }
    s->resend_on_up = false;
    if (session_busy(s))
        session_on_link_lost(s, "reconnected");
    forget_connection(s);
    if (session_waiting(s) && !rate_limited_now(s))
        session_tick(s); /* its deadline passed while the link was down */
}

bool session_take_reconnect(Session *s)
{
    bool r = s->wants_reconnect;
    s->wants_reconnect = false;
    return r;
}

void session_on_link_lost(Session *s, const char *why)
{
    if (session_busy(s)) {
        /* The entry keeps the reason only: the pane already says "interrupted by network". */
        const char *reason = why && *why ? why : "connection lost";
        StrBuf msg = {0};
        sb_printf(&msg, "interrupted by network: %s", reason);
        finish_turn(s, TURN_INTERRUPTED, ENTRY_NETWORK, reason);
        set_notice(s, sb_cstr(&msg));
        sb_free(&msg);
    }
    forget_connection(s);
}

uint64_t session_next_deadline_ns(const Session *s)
{
    if (session_waiting(s))
        return rate_limited_now(s) ? s->wait_until_ns : 0;
    if (session_busy(s) && s->stall_ns != SESSION_STALL_NEVER)
        return s->last_event_ns + s->stall_ns;
    return 0;
}

bool session_tick(Session *s)
{
    uint64_t now = clock_now_ns();
    if (session_waiting(s) && !rate_limited_now(s)) {
        /* Full history: the refused request may have been chained to a response the server
         * evicted with it (PROTOCOL.md 1.5). Unsent (no link): it goes on link up. */
        if (send_request(s, s->user_entry, false)) {
            s->turn = TURN_SENT;
            sb_reset(&s->notice); /* the 429's message is over, as a new question's start */
            s->damage |= SESSION_DAMAGE_STATUS | SESSION_DAMAGE_TRANSCRIPT;
        }
        return false;
    }
    if (!session_busy(s) || s->stall_ns == SESSION_STALL_NEVER ||
        now - s->last_event_ns < s->stall_ns)
        return false;
    if (!s->bound)
        s->stale_pending++; /* the app closes the socket; until then, as for an interrupt */
    StrBuf msg = {0};
    sb_printf(&msg, "no data from the server for %.0f s", (double)(now - s->last_event_ns) / 1e9);
    log_msg("session: stalled: %s", sb_cstr(&msg));
    finish_turn(s, TURN_STALLED, ENTRY_STALLED, sb_cstr(&msg));
    sb_reset(&msg);
    sb_printf(&msg, "stalled: no data from the server for %.0f s",
              (double)(now - s->last_event_ns) / 1e9);
    set_notice(s, sb_cstr(&msg));
    sb_free(&msg);
    return true;
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
    if (session_waiting(s)) {
        /* Nothing in flight: the wait is cancelled, the question stays in the transcript. */
        finish_turn(s, TURN_INTERRUPTED, ENTRY_INTERRUPTED, NULL);
        set_notice(s, "cancelled");
        return;
    }
    if (!session_busy(s))
        return;
    if (!s->bound)
        s->stale_pending++; /* its response.created or error may still come */
    finish_turn(s, TURN_INTERRUPTED, ENTRY_INTERRUPTED, NULL);
    set_notice(s, "interrupted");
}
