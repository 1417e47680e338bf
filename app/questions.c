/* Questions: the app's half of a turn. The session owns the turn's state machine; this file
 * decides when a question goes out (pending_question until the link is up and no turn is in
 * flight) and what the app does when the session's state changes (app_take_session_damage:
 * status line, bell, rotation after a turn, the turn timer). Connection calls go to
 * the Transport (net/transport.h). */
#include "app/questions.h"

#include <stdlib.h>
#include <string.h>

#include "net/transport.h"
#include "app/journal_app.h"
#include "app/hunks_app.h"
#include "app/policy.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/terminal_app.h"
#include "app/turn_timer.h"
#include "core/log.h"
#include "core/xalloc.h"

static void arm_turn_timer(App *a)
{
    uint64_t when = turn_timer_next(a->session, clock_now_ns());
    if (when)
        loop_timer_by(a->turn_timer, when); /* never later than armed: cheap per token */
    else
        loop_timer_cancel(a->turn_timer);   /* idle: nothing armed */
}

/* The ask prompt's label says what Enter does now. */
static void prompt_label(App *a)
{
    if (a->mode == MODE_ASK)
        ui_prompt_set_label(a->ui, session_busy(a->session) ? "Steer (Tab: queue): " : "Ask: ");
}

/* A turn just ended: the question to ask next (owned), or NULL. A steer that did not take
 * goes first; then the queue's head if the turn completed, else the queue pauses. */
static char *next_after_turn(App *a)
{
    char *steer = session_take_steer_fallback(a->session);
    if (steer)
        return steer;
    if (!ask_queue_count(a->queue) || ask_queue_paused(a->queue))
        return NULL;
    if (session_turn(a->session) != TURN_DONE) {
        if (a->steering)
            return NULL; /* the steer's own interrupt: its new turn ends the queue's wait */
        ask_queue_set_paused(a->queue, true);
        app_on_queue_changed(a);
        return NULL;
    }
    char *q = ask_queue_take(a->queue);
    journal_app_queue(a, false, q);
    app_on_queue_changed(a);
    return q;
}

void app_prompt_stay(App *a)
{
    if (a->mode != MODE_EDIT || !(session_busy(a->session) || session_waiting(a->session)))
        return;
    a->mode = MODE_ASK;
    ui_prompt_open_opts(a->ui, "Ask: ", PROMPT_MULTILINE);
    prompt_label(a);
}

void app_prompt_leave(App *a)
{
    if (a->mode != MODE_ASK)
        return;
    ui_prompt_commit(a->ui);
    a->mode = MODE_EDIT;
}

/* A turn ended: an empty ask prompt that only followed it closes (see questions.h). */
static void prompt_after_turn(App *a)
{
    if (a->mode != MODE_ASK || session_busy(a->session) || session_waiting(a->session))
        return;
    const char *t = ui_prompt_text(a->ui);
    if (t[strspn(t, " \n\t")] != '\0')
        return;
    ui_prompt_close(a->ui);
    a->mode = MODE_EDIT;
}

/* A connection cut mid-answer: said once, with the one key that asks again (the pane's mark
 * keeps the reason; the partial answer stays). */
static void say_network_cut(App *a)
{
    const Transcript *t = session_transcript(a->session);
    for (size_t i = transcript_count(t); i-- > 0;) {
        const TranscriptEntry *e = transcript_entry(t, i);
        if (e->kind != ENTRY_ANSWER)
            continue;
        if (e->state == ENTRY_NETWORK) {
            app_say(a, true, "Connection lost mid-answer (%s); the partial answer is kept. "
                    "F5 asks again.", e->detail && *e->detail ? e->detail : "connection lost");
            session_clear_notice(a->session); /* said once: then the link's countdown */
        }
        return;
    }
}

void app_take_session_damage(App *a)
{
    arm_turn_timer(a);
    journal_app_sync(a); /* the transcript's news to the journal */
    unsigned d = session_take_damage(a->session);
    if (!d)
        return;
    hunks_app_feed(a); /* proposed edits in the answer so far (app/hunks_app.h) */
    char *next = NULL;
    bool open_before = a->was_busy || a->was_waiting;
    const char *notice = session_notice(a->session);
    if ((d & SESSION_DAMAGE_NOTICE) && notice[0])
        app_say(a, true, "%s", notice);
    if (session_take_reconnect(a->session)) {
        log_msg("app: the server retired the connection; reconnecting");
        transport_rotate(a->transport);
    }
    bool busy = session_busy(a->session);
    /* Only more of the answer: a stream frame (app/screen.h); anything else draws sooner. */
    bool stream_only = busy && a->was_busy && d == (d & (SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS));
    if (!a->was_busy && busy && log_enabled())
        log_msg("turn: start painted=%llu", (unsigned long long)term_stats(a->term).frames_painted);
    if (a->was_busy && !busy) {
        const SessionStats *st = session_stats(a->session);
        log_msg("turn: end state=%d deltas=%zu output_tokens=%zu ttft_ms=%.1f tok_s=%.0f "
                "painted=%llu", (int)session_turn(a->session), st->deltas, st->output_tokens,
                (double)st->ttft_ns / 1e6, st->tokens_per_sec,
                (unsigned long long)term_stats(a->term).frames_painted);
        if (policy_bell(a->session, clock_now_ns()))
            terminal_app_answer_done(a); /* the bell, and a notification when unfocused */
        terminal_app_turn_end(a);
        a->was_busy = false;
        say_network_cut(a);
        app_maybe_rotate(a);
        next = next_after_turn(a);
    } else if (busy) {
        /* A native steer refused mid-stream: the client-side steer, now. */
        next = session_take_steer_fallback(a->session);
    }
    bool steer = next && busy;
    a->was_busy = busy;
    if (a->was_waiting && busy && a->message_error)
        a->message[0] = '\0'; /* the 429's message: the question is on its way now */
    a->was_waiting = session_waiting(a->session);
    prompt_label(a);
    if (stream_only && !next)
        app_damage_stream(a);
    else
        app_damage(a);
    if (next) {
        log_msg("app: asking next (%zu queued)", ask_queue_count(a->queue));
        bool was = a->steering;
        a->steering = a->steering || steer;
        app_ask(a, next); /* after the state above: it re-enters this function */
        a->steering = was;
        if (steer)
            app_say(a, false, "Steer refused by the server; asked again with it.");
        free(next);
    }
    if (open_before && !a->steering)
        prompt_after_turn(a); /* nothing when a turn is open again */
}

void app_send_pending(App *a)
{
    if (!a->pending_question || !(a->link_state == TRANSPORT_UP) || session_busy(a->session))
        return;
    ErrorBuf err;
    if (!session_ask(a->session, a->pending_question, &err)) {
        /* Kept: it goes out when the link is up again (or the user asks something else). */
        app_say(a, true, "Could not ask yet (%s); the question waits.", err.msg);
    } else {
        free(a->pending_question);
        a->pending_question = NULL;
        a->message[0] = '\0';
    }
    app_take_session_damage(a);
}

void app_fail_pending(App *a, const char *why)
{
    bool waiting = session_waiting(a->session);
    if (!a->pending_question && !waiting)
        return;
    free(a->pending_question);
    a->pending_question = NULL;
    session_fail_waiting(a->session, why); /* its entry: "[failed: why]" */
    app_take_session_damage(a);
    app_say(a, true, "Not asked: %s. Ask again or F5 to retry the connection.", why);
}

void app_interrupt(App *a)
{
    if (session_waiting(a->session)) {
        /* Nothing in flight: no socket to close, the wait just ends. */
        session_interrupt(a->session);
        app_take_session_damage(a);
        app_say(a, false, "Cancelled; the question stays in the transcript. F5 asks it again.");
        return;
    }
    if (!session_busy(a->session))
        return;
    /* The session first (a state change: it must own the turn's end before the link reports
     * its reconnect), then close at once; drawing comes after both. */
    session_interrupt(a->session);
    char *steer = session_take_steer_fallback(a->session);
    if (steer) { /* a native steer cut with the answer: kept, asked first when resumed */
        journal_app_queue(a, true, steer);
        ask_queue_push_front(a->queue, steer);
        ask_queue_set_paused(a->queue, true);
        app_on_queue_changed(a);
        free(steer);
    }
    transport_interrupt(a->transport);
    a->interrupted = true; /* app.c's key drain lets the Close go out before drawing */
    log_msg("app: interrupted");
    app_take_session_damage(a);
    app_say(a, false, "Interrupted. F5 asks again.");
}

void app_ask(App *a, const char *question)
{
    while (*question == ' ')
        question++;
    if (!*question)
        return;
    if (session_busy(a->session) || session_waiting(a->session)) {
        /* A new question while an answer streams: stop it, then ask with it as context
         * (while one waits out a rate limit: it replaces it, and waits the same). */
        app_interrupt(a);
    }
    journal_app_question(a, question); /* kept before it is shown or sent */
    hunks_app_tell_model(a);            /* what became of the hunks it proposed before */
    if (a->link_state != TRANSPORT_UP) {
        /* Down: the session holds it as a WAITING turn, so the pane shows it waiting and Esc
         * cancels it like any wait; it goes out on link up (session_on_link_up). */
        free(a->pending_question);
        a->pending_question = NULL;
        ErrorBuf err;
        if (!session_ask_when_up(a->session, question, &err)) {
            app_say(a, true, "Could not ask (%s).", err.msg);
            return;
        }
        app_take_session_damage(a);
        if (a->link_state == TRANSPORT_STOPPED) {
            /* The user asking is the retry the transport would not do on its own; a second
             * refusal fails the question (app_fail_pending) rather than leaving it waiting. */
            app_say(a, false, "Connecting again; the question goes out when it is up.");
            transport_interrupt(a->transport);
        } else {
            app_say(a, false, "Waiting for the connection; the question goes out when it is "
                    "up (Esc cancels).");
        }
        return;
    }
    bool replaced = a->pending_question != NULL;
    free(a->pending_question);
    a->pending_question = xstrdup(question);
    if (replaced)
        app_say(a, false, "The new question replaces the one still waiting for the connection.");
    if (app_maybe_rotate(a))
        return; /* the question goes out on the fresh socket, as soon as it is up */
    if (!session_busy(a->session))
        app_send_pending(a);
}

/* Full context after a stall or a lost link: the chain is gone with the connection. */
void app_retry(App *a)
{
    const char *q = session_last_question(a->session);
    if (!q && a->link_state == TRANSPORT_STOPPED) {
        app_say(a, false, "Connecting again.");
        transport_interrupt(a->transport);
        return;
    }
    if (!q) {
        app_say(a, false, "Nothing to ask again yet: Ctrl-K asks.");
        return;
    }
    char *copy = xstrdup(q); /* app_ask may change the transcript first */
    app_ask(a, copy);
    free(copy);
}

/* ---- steer and queue ------------------------------------------------------------------- */

void app_on_steer(App *a, const char *text, bool native)
{
    journal_app_steer(a, text); /* kept before it goes out */
    log_msg("app: steer (%s)", native ? "native response.steer" : "interrupt and ask again");
    app_damage(a);
}

void app_on_queue_changed(App *a)
{
    log_msg("app: queue %zu%s", ask_queue_count(a->queue),
            ask_queue_paused(a->queue) ? " paused" : "");
    app_damage(a);
}

void app_steer(App *a, const char *text)
{
    while (*text == ' ' || *text == '\n')
        text++;
    if (!*text)
        return;
    bool native = session_busy(a->session) && a->link_state == TRANSPORT_UP &&
                  session_can_steer(a->session);
    app_on_steer(a, text, native); /* before anything goes out */
    ErrorBuf err;
    if (native && session_steer(a->session, text, &err)) {
        app_say(a, false, "Steering: sent to the running answer.");
        app_take_session_damage(a);
        return;
    }
    bool was = a->steering;
    a->steering = true;
    app_ask(a, text); /* interrupts the answer and asks with it as context */
    a->steering = was;
    if (session_busy(a->session) || session_waiting(a->session))
        app_say(a, false, "Steering: stopped the answer; asking again with your correction.");
}

void app_queue(App *a, const char *text)
{
    journal_app_queue(a, true, text); /* kept before it is shown */
    ask_queue_push(a->queue, text);
    app_on_queue_changed(a);
    app_say(a, false, "Queued (%zu): asked when this answer ends.", ask_queue_count(a->queue));
}

static bool blank_text(const char *t)
{
    for (; *t; t++)
        if (*t != ' ' && *t != '\n' && *t != '\t')
            return false;
    return true;
}

bool app_prompt_tab(App *a)
{
    if (!session_busy(a->session) && !session_waiting(a->session))
        return false; /* nothing to queue for: the answer is done */
    const char *text = ui_prompt_text(a->ui);
    if (blank_text(text))
        return false;
    app_queue(a, text);
    ui_prompt_commit(a->ui); /* into the history; the prompt stays open for more */
    ui_prompt_open_opts(a->ui, "Steer (Tab: queue): ", PROMPT_MULTILINE);
    prompt_label(a);
    return true;
}

bool app_queue_drop_last(App *a)
{
    size_t n = ask_queue_count(a->queue);
    if (n)
        journal_app_queue(a, false, ask_queue_at(a->queue, n - 1));
    if (!ask_queue_drop_last(a->queue))
        return false;
    if (!ask_queue_count(a->queue))
        ask_queue_set_paused(a->queue, false);
    app_on_queue_changed(a);
    app_say(a, false, "Dropped the last queued question (%zu left).", ask_queue_count(a->queue));
    return true;
}

bool app_queue_resume(App *a)
{
    if (!ask_queue_count(a->queue) || session_busy(a->session) || session_waiting(a->session))
        return false;
    ask_queue_set_paused(a->queue, false);
    char *q = ask_queue_take(a->queue);
    journal_app_queue(a, false, q);
    app_on_queue_changed(a);
    app_ask(a, q);
    free(q);
    return true;
}
