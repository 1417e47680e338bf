/* Screen: the frame clock is the loop's one-shot frame timer; app_damage arms it no earlier
 * than SCREEN_FRAME_NS after the last frame, and a frame drawn for any other reason (a key)
 * cancels a pending one, since it covers whatever that would have drawn. Work done in slices
 * (a search: app/search_ui.c, wired in as a->frame_work so that this file need not know it)
 * runs one slice before each frame and asks for the next frame until it is done. Without a
 * Loop (unit tests drive the commands) nothing is armed. */
#include "app/screen.h"

#include <stdarg.h>
#include <stdio.h>

#include "app/state.h"
#include "app/turn_timer.h"
#include "core/log.h"
#include "ui/key_name.h"

void app_damage(App *a)
{
    /* Never later than armed; a stream frame armed for later comes sooner. */
    if (a->frame_timer)
        loop_timer_by(a->frame_timer, a->last_frame_ns + SCREEN_FRAME_NS);
}

void app_damage_stream(App *a)
{
    uint64_t pace = a->stream_frame_ns ? a->stream_frame_ns : SCREEN_FRAME_NS;
    if (a->frame_timer && !loop_timer_armed(a->frame_timer))
        loop_timer_at(a->frame_timer, a->last_frame_ns + pace);
}

void app_say(App *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->message_seq++;
    log_msg("message: %s", a->message);
    app_damage(a);
}

void app_draw(App *a)
{
    /* First: a slice may move the caret and say something this frame must show. */
    bool more = a->frame_work && a->frame_work(a);
    UiStatus st = {
        .link = a->link_text,
        .link_ok = a->link_state == TRANSPORT_UP,
        .message = a->message[0] ? a->message : NULL,
        .message_is_error = a->message_error,
        .typing = a->key_ns && clock_now_ns() - a->key_ns < UI_TYPING_NS,
    };
    char note[256]; /* asked every frame: it also re-checks what the editor will show */
    bool noted = a->status_note && a->status_note(a, note, sizeof note);
    if (!st.message && noted)
        st.message = note; /* "2 hunks pending (Ctrl-R review)" (app/hunks_app.c) */
    char wait[128];
    if (turn_timer_status(a->session, clock_now_ns(), wait, sizeof wait)) {
        st.message = wait; /* the countdown, current at every frame */
        st.message_is_error = true;
    }
    ui_render(a->ui, a->session, &st);
    const SessionStats *ss = session_stats(a->session);
    if (ss->first_delta_ns && ss->sent_ns != a->first_delta_drawn_for) {
        /* make bench: a turn's first delta -> the first frame holding it, handed to the
         * terminal (the render thread writes it; see term.c) */
        a->first_delta_drawn_for = ss->sent_ns;
        log_msg("turn: first delta drawn %.3f ms after it arrived",
                (double)(clock_now_ns() - ss->first_delta_ns) / 1e6);
    }
    if (a->frame_timer)
        loop_timer_cancel(a->frame_timer); /* this frame covers whatever a pending one would draw */
    if (ui_wants_frame(a->ui))
        more = true; /* syntax states still arriving: draw again next frame */
    a->last_frame_ns = clock_now_ns();
    a->frames++;
    if (more)
        app_damage(a); /* the next slice, a frame from now */
}

void app_say_unbound(App *a, const struct KeyEvent *k)
{
    char name[64];
    keys_describe(k, name, sizeof name);
    app_say(a, false, "%s is not bound to anything (F1 lists the keys).", name);
}
