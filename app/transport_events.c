/* Transport events: the App's side of the Transport's hooks (net/transport.h) and of the
 * Session's send hook. A state change becomes the status line's link text and, on the way up
 * or down, a session event (a question waiting for the link goes out when it is up); a message
 * goes to the session; the end of an HTTP response (transport_sse only) becomes the stream
 * dialect's end of body, or its HTTP error. All end by taking the session's damage, so the
 * status line and the frame follow. The hooks' ud is the App. */
#include "app/transport_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/questions.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/clock.h"
#include "core/log.h"

static bool app_session_send(void *ud, const char *json, size_t len)
{
    App *a = ud;
    return transport_send(a->transport, json, len);
}

/* Transport details end in "; retry in 0.5 s" (transport.h): true in the status line, stale the
 * moment it is written into the transcript, which keeps the reason only. */
static void app_link_reason(const char *detail, char *out, size_t size)
{
    if (!detail || !*detail)
        detail = "connection lost";
    const char *cut = strstr(detail, "; retry in ");
    int len = (int)(cut ? (size_t)(cut - detail) : strlen(detail));
    snprintf(out, size, "%.*s", len, detail);
}

/* "offline: WHY; retry in N s" with N the whole seconds left (rounded up), and the timer
 * armed for the next whole second; nothing is armed once the deadline is reached. */
static void link_countdown(App *a)
{
    uint64_t now = clock_now_ns();
    if (a->link_state != TRANSPORT_WAITING || a->link_retry_ns <= now) {
        if (a->link_state == TRANSPORT_WAITING)
            snprintf(a->link_text, sizeof a->link_text, "offline: %s; retrying", a->link_why);
        return;
    }
    uint64_t left = a->link_retry_ns - now;
    unsigned long long secs = (left + NS_PER_SEC - 1) / NS_PER_SEC;
    snprintf(a->link_text, sizeof a->link_text, "offline: %s; retry in %llu s", a->link_why,
             secs);
    uint64_t step = left % NS_PER_SEC;
    if (a->link_timer)
        loop_timer_at(a->link_timer, now + (step ? step : NS_PER_SEC));
}

void app_link_timer(void *ud)
{
    App *a = ud;
    link_countdown(a);
    app_damage(a);
}

/* A WAITING detail: "WHY; retry in 2.1 s" -> the reason and the deadline. False when it
 * names no delay (then the detail is shown as it is). */
static bool parse_retry(App *a, const char *detail)
{
    const char *cut = detail ? strstr(detail, "; retry in ") : NULL;
    if (!cut)
        return false;
    char *end;
    double secs = strtod(cut + strlen("; retry in "), &end);
    if (end == cut + strlen("; retry in ") || secs < 0 || secs > 86400)
        return false;
    snprintf(a->link_why, sizeof a->link_why, "%.*s", (int)(cut - detail), detail);
    a->link_retry_ns = clock_now_ns() + (uint64_t)(secs * 1e9);
    return true;
}

/* loop_after_pass: the frame a release put off, then whether to hold the socket until the
 * next frame (app/rx_batch.h). */
void app_after_pass(void *ud)
{
    App *a = ud;
    const SessionStats *ss = session_stats(a->session);
    bool streaming =
        session_turn(a->session) == TURN_STREAMING && ss && ss->deltas >= RX_WARM;
    bool draw;
    bool hold = rx_batch_pass_end(&a->rx, streaming, &draw);
    if (draw) { /* never app_frame here: the hold just decided is not for it to release */
        loop_timer_cancel(a->frame_timer);
        app_frame_draw(a);
    }
    if (hold) {
        transport_hold(a->transport, true);
        app_damage_stream(a); /* the frame timer releases it */
    }
}

/* The frame timer, with the socket held: release it and draw after the read it allows. */
bool app_rx_release(App *a)
{
    if (!a->rx.held)
        return false;
    rx_batch_released(&a->rx);
    transport_hold(a->transport, false);
    loop_timer_after(a->frame_timer, RX_DRAW_WAIT_NS);
    return true;
}

/* A new connection or none: the transport has dropped its hold (transport.h). */
void app_rx_reset(App *a) { rx_batch_reset(&a->rx); }

static void app_link_state(void *ud, TransportState st, const char *detail)
{
    App *a = ud;
    TransportState prev = a->link_state;
    app_rx_reset(a);
    a->link_state = st;
    switch (st) {
    case TRANSPORT_UP:
        snprintf(a->link_text, sizeof a->link_text, "connected");
        break;
    case TRANSPORT_CONNECTING:
        snprintf(a->link_text, sizeof a->link_text, "connecting");
        break;
    case TRANSPORT_WAITING:
        if (parse_retry(a, detail))
            link_countdown(a); /* ticks once a second until the retry */
        else
            snprintf(a->link_text, sizeof a->link_text, "offline: %s",
                     detail && *detail ? detail : "retrying");
        break;
    case TRANSPORT_IDLE:
        snprintf(a->link_text, sizeof a->link_text, "offline");
        break;
    case TRANSPORT_STOPPED:
        snprintf(a->link_text, sizeof a->link_text, "stopped: %s",
                 detail && *detail ? detail : "refused");
        break;
    }
    if (st != TRANSPORT_WAITING && a->link_timer)
        loop_timer_cancel(a->link_timer); /* no countdown: no timer */
    if (st == TRANSPORT_UP) {
        session_on_link_up(a->session);
        app_send_pending(a);
    } else if (st == TRANSPORT_STOPPED) {
        /* No retry is coming: whatever waits for the link fails now, with what to do. */
        if (session_busy(a->session))
            session_on_link_lost(a->session, detail);
        app_fail_pending(a, detail);
    } else if (st == TRANSPORT_WAITING || st == TRANSPORT_IDLE) {
        /* CONNECTING right after UP is our own interrupt reconnecting, not a loss. */
        if (prev == TRANSPORT_UP || session_busy(a->session)) {
            char reason[192];
            app_link_reason(detail, reason, sizeof reason);
            session_on_link_lost(a->session, reason);
        }
    }
    app_take_session_damage(a);
    app_damage(a);
}

/* An answer's first token is drawn at once, as a key is, not at the next frame tick (up to
 * 16 ms later: make bench's "first delta -> frame drawn"); one extra frame per turn. */
static void app_draw_first_delta(App *a)
{
    const SessionStats *ss = session_stats(a->session);
    if (a->ui && ss->first_delta_ns && ss->sent_ns != a->first_delta_drawn_for)
        app_draw(a);
}

static void app_link_message(void *ud, const char *data, size_t len)
{
    App *a = ud;
    rx_batch_message(&a->rx, clock_now_ns(), len);
    session_on_message(a->session, data, len);
    app_take_session_damage(a);
    app_draw_first_delta(a);
}

/* One response is over (transport.h, TransportEnd). A whole 2xx body: the dialect's end of
 * stream (Chat: EOF after a finish_reason is a normal end, before it "stream ended early").
 * A refusal (401, 404, 429, ...): its body goes to the dialect, which says what it means and
 * whether to wait. A body cut off, or no response at all: nothing here, since the state hook
 * reports WAITING next and session_on_link_lost says it once, with the transport's reason. */
static void app_link_end(void *ud, const TransportEnd *e)
{
    App *a = ud;
    if (e->status >= 200 && e->status < 300) {
        if (e->complete)
            session_on_stream_end(a->session);
        app_draw_first_delta(a);
    } else if (e->status != 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%u", e->retry_after_s);
        WireHttpError h = {.status = (int)e->status,
                           .body = e->body_len ? e->body : NULL,
                           .len = e->body_len,
                           .retry_after = e->retry_after_s ? ra : NULL};
        log_msg("app: %s", e->detail);
        session_on_http_error(a->session, &h);
    }
    app_take_session_damage(a);
}

const TransportHooks app_transport_hooks = {
    .state = app_link_state,
    .message = app_link_message,
    .end = app_link_end,
};

const SessionHooks app_session_hooks = {
    .send = app_session_send,
};
