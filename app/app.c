/* App: the composition root (see app.h).
 *
 * One thread runs everything here: lws_service() dispatches tty bytes, signals, timers and
 * WebSocket traffic to the handlers below. Handlers only change state and mark damage; the
 * frame timer turns damage into at most one ui_render per FRAME_NS, and a keypress renders at
 * once, except an interrupt: its frame waits a millisecond, for the Close frame to go out.
 *
 * Modes: EDIT (keys go to the buffer), PROMPT (keys go to the ask / save-as line), CONFIRM_QUIT
 * (y/n/Esc). A question asked while no connection is up waits in pending_question and goes
 * out when the link comes up; a question submitted while an answer streams interrupts it
 * first and is then asked with the partial answer in the history (a client-side steer,
 * PROTOCOL.md 7.2).
 *
 * The turn timer (app/turn_timer.h) serves the session's deadlines: while a rate-limited
 * question waits it redraws the countdown every tenth of a second and sends the question at
 * the deadline; while a turn is in flight it is the stall watchdog. Esc cancels a wait (the
 * question stays in the transcript, marked interrupted); F5 asks the last question again. */
#include "app/app.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "app/demo.h"
#include "app/loop.h"
#include "app/turn_timer.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "net/transport_ws.h"
#include "net/link_url.h"
#include "session/session.h"
#include "themes/theme.h"
#include "ui/keys.h"
#include "ui/term.h"
#include "ui/ui.h"

#define FRAME_NS (NS_PER_SEC / 60)
/* Servers close a WebSocket at an age limit (OpenAI 60 min, xAI 25: PROTOCOL.md 1.6); flint
 * replaces an older socket between turns so that no answer is ever cut by it. */
#define ROTATE_DEFAULT_NS (55ull * 60 * NS_PER_SEC)
#define ROTATE_XAI_NS (23ull * 60 * NS_PER_SEC)
#define ESC_DELAY_NS (25 * NS_PER_MS)
#define BELL_AFTER_NS (10 * NS_PER_SEC)

typedef enum AppMode { MODE_EDIT, MODE_ASK, MODE_SAVE_AS, MODE_CONFIRM_QUIT } AppMode;

typedef struct App {
    const AppConfig *cfg;
    Demo demo;
    int tty_fd;
    Loop *loop;
    LoopWatch *tty_watch, *signals;
    LoopTimer *frame_timer;  /* damage -> at most one frame per FRAME_NS */
    LoopTimer *esc_timer;    /* a lone ESC waiting for the rest of a sequence */
    LoopTimer *turn_timer;   /* the session's deadlines (app/turn_timer.h) */
    Transport *link;
    Session *session;
    Theme theme;
    Term *term;
    Ui *ui;
    KeyDecoder keys;
    AppMode mode;
    TransportState link_state;
    char link_text[192];
    char message[512];
    bool message_error;
    char *pending_question;
    bool quit_after_save;
    bool was_busy;
    bool was_waiting;      /* a rate-limited question was waiting at the last look */
    uint64_t last_frame_ns;
    uint64_t frames;
    uint64_t rotate_after_ns;
    bool interrupted;      /* an interrupt in this batch of keys: draw after the Close */
    int exit_status;
    struct termios saved_tios;
    bool have_tios;
    RecoveryReport recovery;   /* after a fatal signal: told on stderr once the terminal is back */
} App;

/* The fatal paths (BUG_ON, out of memory, a crash signal) must restore the terminal and save
 * the user's text without any context argument: this is the one file-scope pointer. */
static _Atomic(App *) fatal_app;

static void app_draw(App *a);

/* --- messages and frames --------------------------------------------------------------- */

static void app_damage(App *a)
{
    if (!loop_timer_armed(a->frame_timer))
        loop_timer_at(a->frame_timer, a->last_frame_ns + FRAME_NS);
}

__attribute__((format(printf, 3, 4))) static void app_say(App *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    log_msg("message: %s", a->message);
    app_damage(a);
}

/* Between turns only: an old socket is closed (1000 "rotating") and a fresh one opened. */
static bool app_maybe_rotate(App *a)
{
    uint64_t since = transport_up_since_ns(a->link);
    if (!since || session_busy(a->session) || clock_now_ns() - since < a->rotate_after_ns)
        return false;
    log_msg("app: rotating a connection %.0f s old", (double)(clock_now_ns() - since) / 1e9);
    transport_rotate(a->link);
    return true;
}

static void app_arm_turn_timer(App *a)
{
    uint64_t when = turn_timer_next(a->session, clock_now_ns());
    if (when)
        loop_timer_by(a->turn_timer, when); /* never later than armed: cheap per token */
    else
        loop_timer_cancel(a->turn_timer);   /* idle: nothing armed */
}

static void app_take_session_damage(App *a)
{
    app_arm_turn_timer(a);
    unsigned d = session_take_damage(a->session);
    if (!d)
        return;
    const char *notice = session_notice(a->session);
    if ((d & SESSION_DAMAGE_NOTICE) && notice[0])
        app_say(a, true, "%s", notice);
    if (session_take_reconnect(a->session)) {
        log_msg("app: the server retired the connection; reconnecting");
        transport_rotate(a->link);
    }
    bool busy = session_busy(a->session);
    if (!a->was_busy && busy && log_enabled())
        log_msg("turn: start painted=%llu", (unsigned long long)term_stats(a->term).frames_painted);
    if (a->was_busy && !busy) {
        const SessionStats *st = session_stats(a->session);
        log_msg("turn: end state=%d deltas=%zu output_tokens=%zu ttft_ms=%.1f tok_s=%.0f "
                "painted=%llu", (int)session_turn(a->session), st->deltas, st->output_tokens,
                (double)st->ttft_ns / 1e6, st->tokens_per_sec,
                (unsigned long long)term_stats(a->term).frames_painted);
        /* A long answer that ended by itself: ring, the user may be in another window. Not
         * after an interrupt, nor for the usual second-long answer. */
        if (session_turn(a->session) != TURN_INTERRUPTED && !session_waiting(a->session) &&
            st->sent_ns && clock_now_ns() - st->sent_ns > BELL_AFTER_NS)
            term_bell(a->term);
        a->was_busy = false;
        app_maybe_rotate(a);
    }
    a->was_busy = busy;
    if (a->was_waiting && busy && a->message_error)
        a->message[0] = '\0'; /* the 429's message: the question is on its way now */
    a->was_waiting = session_waiting(a->session);
    app_damage(a);
}

static void app_draw(App *a)
{
    UiStatus st = {
        .link = a->link_text,
        .link_ok = a->link_state == TRANSPORT_UP,
        .message = a->message[0] ? a->message : NULL,
        .message_is_error = a->message_error,
    };
    char wait[128];
    if (turn_timer_status(a->session, clock_now_ns(), wait, sizeof wait)) {
        st.message = wait; /* the countdown, current at every frame */
        st.message_is_error = true;
    }
    ui_render(a->ui, a->session, &st);
    loop_timer_cancel(a->frame_timer); /* this frame covers whatever a pending one would draw */
    a->last_frame_ns = clock_now_ns();
    a->frames++;
}

/* --- the link ---------------------------------------------------------------------------- */

static void app_send_pending(App *a)
{
    if (!a->pending_question || a->link_state != TRANSPORT_UP || session_busy(a->session))
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

static bool app_link_send(void *ud, const char *json, size_t len)
{
    App *a = ud;
    return transport_send(a->link, json, len);
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

static void app_link_state(void *ud, TransportState st, const char *detail)
{
    App *a = ud;
    TransportState prev = a->link_state;
    a->link_state = st;
    switch (st) {
    case TRANSPORT_UP:
        snprintf(a->link_text, sizeof a->link_text, "connected");
        break;
    case TRANSPORT_CONNECTING:
        snprintf(a->link_text, sizeof a->link_text, "connecting");
        break;
    case TRANSPORT_WAITING:
        snprintf(a->link_text, sizeof a->link_text, "offline: %s", detail && *detail ? detail : "retrying");
        break;
    case TRANSPORT_IDLE:
        snprintf(a->link_text, sizeof a->link_text, "offline");
        break;
    }
    if (st == TRANSPORT_UP) {
        session_on_link_up(a->session);
        app_send_pending(a);
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

static void app_link_message(void *ud, const char *data, size_t len)
{
    App *a = ud;
    session_on_message(a->session, data, len);
    app_take_session_damage(a);
}

/* --- commands ---------------------------------------------------------------------------- */

static void app_interrupt(App *a)
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
    transport_interrupt(a->link);
    a->interrupted = true; /* app_drain_keys lets the Close go out before drawing */
    log_msg("app: interrupted");
    app_take_session_damage(a);
    app_say(a, false, "Interrupted. F5 asks again.");
}

static void app_ask(App *a, const char *question)
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
    bool replaced = a->pending_question != NULL;
    free(a->pending_question);
    a->pending_question = xstrdup(question);
    if (replaced)
        app_say(a, false, "The new question replaces the one still waiting for the connection.");
    if (app_maybe_rotate(a))
        return; /* the question goes out on the fresh socket, as soon as it is up */
    if (a->link_state == TRANSPORT_UP && !session_busy(a->session))
        app_send_pending(a);
    else if (!replaced)
        app_say(a, false, "Waiting for the connection; the question goes out when it is up.");
}

/* F5: the last question again, as a new turn (full context after a stall or a lost link:
 * the chain is gone with the connection). */
static void app_retry(App *a)
{
    const char *q = session_last_question(a->session);
    if (!q) {
        app_say(a, false, "Nothing to ask again yet: Ctrl-K asks.");
        return;
    }
    char *copy = xstrdup(q); /* app_ask may change the transcript first */
    app_ask(a, copy);
    free(copy);
}

static bool app_save(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_path(b)) {
        a->mode = MODE_SAVE_AS;
        ui_prompt_open(a->ui, "Save as: ");
        return false;
    }
    ErrorBuf err;
    if (!buffer_save(b, &err)) {
        app_say(a, true, "Not saved: %s", err.msg);
        if (buffer_save_refused(b) && buffer_read_only(b)) {
            /* Offer Save As; Ctrl-S in it is the explicit second step (write it anyway). The
             * prompt covers the status line, so its label carries the gist. */
            a->mode = MODE_SAVE_AS;
            ui_prompt_open(a->ui, "Read-only. Save as (Ctrl-S: write it anyway): ");
        }
        return false;
    }
    const Text *t = buffer_text(b);
    const char *backup = buffer_save_backup(b);
    app_say(a, false, "Saved %s (%zu lines, %zu bytes%s%s)", buffer_path(b), text_line_count(t),
            text_byte_count(t), backup ? "; in place, old contents in " : "",
            backup ? backup : "");
    return true;
}

static void app_quit(App *a)
{
    a->exit_status = 0;
    loop_quit(a->loop);
}

static void app_request_quit(App *a)
{
    if (!buffer_modified(session_buffer(a->session))) {
        app_quit(a);
        return;
    }
    a->mode = MODE_CONFIRM_QUIT;
    app_say(a, true, "Save changes to %s?  y: save and quit   n: quit without saving   Esc: cancel",
            buffer_name(session_buffer(a->session)));
}

static void app_insert_paste(Buffer *b, const char *s, size_t n)
{
    /* Terminals send pasted newlines as CR; keep the text's own LF/CRLF out of it. */
    char *copy = xmalloc(n ? n : 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            copy[m++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            copy[m++] = s[i];
        }
    }
    buffer_group_begin(b);
    buffer_insert(b, copy, m);
    buffer_group_end(b);
    free(copy);
}

static void app_edit_command(App *a, Command cmd, const KeyEvent *k)
{
    Buffer *b = session_buffer(a->session);
    size_t page = ui_editor_rows(a->ui);
    switch (cmd) {
    case CMD_INSERT: {
        char enc[4];
        size_t n = utf8_encode(k->cp, enc);
        if (n)
            buffer_insert(b, enc, n);
        break;
    }
    case CMD_PASTE: app_insert_paste(b, k->text, k->text_len); break;
    case CMD_NEWLINE: buffer_newline(b); break;
    case CMD_TAB: buffer_tab(b); break;
    case CMD_BACKSPACE: buffer_backspace(b); break;
    case CMD_DELETE: buffer_delete(b); break;
    case CMD_LEFT: buffer_move(b, BUFFER_LEFT, page); break;
    case CMD_RIGHT: buffer_move(b, BUFFER_RIGHT, page); break;
    case CMD_UP: buffer_move(b, BUFFER_UP, page); break;
    case CMD_DOWN: buffer_move(b, BUFFER_DOWN, page); break;
    case CMD_WORD_LEFT: buffer_move(b, BUFFER_WORD_LEFT, page); break;
    case CMD_WORD_RIGHT: buffer_move(b, BUFFER_WORD_RIGHT, page); break;
    case CMD_HOME: buffer_move(b, BUFFER_HOME, page); break;
    case CMD_END: buffer_move(b, BUFFER_END, page); break;
    case CMD_PAGE_UP: buffer_move(b, BUFFER_PAGE_UP, page); break;
    case CMD_PAGE_DOWN: buffer_move(b, BUFFER_PAGE_DOWN, page); break;
    case CMD_TOP: buffer_move(b, BUFFER_TOP, page); break;
    case CMD_BOTTOM: buffer_move(b, BUFFER_BOTTOM, page); break;
    case CMD_UNDO:
        if (!buffer_undo(b))
            app_say(a, false, "Nothing to undo.");
        break;
    case CMD_REDO:
        if (!buffer_redo(b))
            app_say(a, false, "Nothing to redo.");
        break;
    case CMD_SAVE: app_save(a); break;
    case CMD_QUIT: app_request_quit(a); break;
    case CMD_ASK:
        a->mode = MODE_ASK;
        ui_prompt_open(a->ui, session_busy(a->session) ? "Steer: " : "Ask: ");
        break;
    case CMD_RETRY: app_retry(a); break;
    case CMD_INTERRUPT:
        if (session_busy(a->session) || session_waiting(a->session))
            app_interrupt(a);
        else if (k->code == KC_CHAR && k->cp == 'c')
            app_say(a, false, "Nothing to stop. Ctrl-Q quits.");
        break;
    case CMD_MODEL_SCROLL_UP: ui_model_scroll(a->ui, (int)(page / 2 ? page / 2 : 1)); break;
    case CMD_MODEL_SCROLL_DOWN: ui_model_scroll(a->ui, -(int)(page / 2 ? page / 2 : 1)); break;
    case CMD_MODEL_FOLLOW: ui_model_follow(a->ui); break;
    case CMD_REDRAW: term_redraw_all(a->term); break;
    case CMD_HELP: ui_toggle_help(a->ui); break;
    default: break;
    }
}

static void app_prompt_command(App *a, Command cmd, const KeyEvent *k)
{
    switch (cmd) {
    case CMD_SUBMIT: {
        char *text = xstrdup(ui_prompt_text(a->ui));
        AppMode mode = a->mode;
        ui_prompt_commit(a->ui);
        a->mode = MODE_EDIT;
        if (mode == MODE_ASK) {
            app_ask(a, text);
        } else if (text[0]) {
            ErrorBuf err;
            if (buffer_save_as(session_buffer(a->session), text, &err)) {
                app_say(a, false, "Saved %s", text);
                if (a->quit_after_save)
                    app_quit(a);
            } else {
                app_say(a, true, "Not saved: %s", err.msg);
            }
        }
        a->quit_after_save = false;
        free(text);
        break;
    }
    case CMD_CANCEL:
        ui_prompt_close(a->ui);
        a->mode = MODE_EDIT;
        a->quit_after_save = false;
        break;
    case CMD_INTERRUPT: app_interrupt(a); break;
    case CMD_SAVE: /* in the Save As a read-only file offered: save it anyway */
        if (a->mode != MODE_SAVE_AS || !buffer_path(session_buffer(a->session)))
            break;
        ui_prompt_close(a->ui);
        a->mode = MODE_EDIT;
        if (app_save(a) && a->quit_after_save)
            app_quit(a);
        if (a->mode != MODE_SAVE_AS)
            a->quit_after_save = false;
        break;
    case CMD_QUIT:
        ui_prompt_close(a->ui);
        a->mode = MODE_EDIT;
        a->quit_after_save = false;
        app_request_quit(a);
        break;
    case CMD_REDRAW: term_redraw_all(a->term); break;
    default: ui_prompt_key(a->ui, cmd, k); break;
    }
}

static void app_confirm_quit(App *a, const KeyEvent *k)
{
    a->mode = MODE_EDIT;
    a->message[0] = '\0';
    a->quit_after_save = false;
    if (k->code == KC_CHAR && !(k->mods & MOD_CTRL) && (k->cp == 'y' || k->cp == 'Y')) {
        a->quit_after_save = true;
        if (app_save(a))
            app_quit(a);
        else if (a->mode != MODE_SAVE_AS)
            a->quit_after_save = false;
    } else if (k->code == KC_CHAR && !(k->mods & MOD_CTRL) && (k->cp == 'n' || k->cp == 'N')) {
        app_quit(a);
    } else {
        app_say(a, false, "Quit cancelled.");
    }
}

static void app_key(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_CONFIRM_QUIT) {
        app_confirm_quit(a, k);
        return;
    }
    bool prompt = a->mode == MODE_ASK || a->mode == MODE_SAVE_AS;
    Command cmd = keys_command(prompt ? KEYMODE_PROMPT : KEYMODE_EDIT, k);
    if (cmd != CMD_NONE && cmd != CMD_INTERRUPT && !a->message_error)
        a->message[0] = '\0';
    if (prompt)
        app_prompt_command(a, cmd, k);
    else
        app_edit_command(a, cmd, k);
}

/* --- loop hooks -------------------------------------------------------------------------- */

static void app_drain_keys(App *a)
{
    KeyEvent k;
    while (keys_next(&a->keys, &k))
        app_key(a, &k);
    if (keys_pending(&a->keys))
        loop_timer_after(a->esc_timer, ESC_DELAY_NS);
    else
        loop_timer_cancel(a->esc_timer);
    app_take_session_damage(a);
    if (a->interrupted) {
        /* The Close frame is written on the socket's next WRITEABLE, in the next service
         * pass; the frame follows it a millisecond later (ARCHITECTURE: close first). */
        a->interrupted = false;
        loop_timer_by(a->frame_timer, clock_now_ns() + NS_PER_MS);
    } else {
        app_draw(a); /* a keypress draws at once */
    }
}

static void app_tty_input(void *ud, const char *bytes, size_t n)
{
    App *a = ud;
    if (log_enabled())
        log_msg("tty: %zu bytes, first %02x", n, (unsigned char)bytes[0]);
    if (a->message_error && a->mode != MODE_CONFIRM_QUIT)
        a->message_error = false, a->message[0] = '\0';
    keys_feed(&a->keys, bytes, n);
    app_drain_keys(a);
}

static void app_esc_timeout(void *ud)
{
    App *a = ud;
    keys_timeout(&a->keys);
    app_drain_keys(a);
}

static void app_frame(void *ud) { app_draw(ud); }

static void app_turn_timer(void *ud)
{
    App *a = ud;
    bool stalled = session_tick(a->session);
    if (stalled) {
        /* The response may still be running on the server: closing is the only way to stop
         * it (PROTOCOL.md 1.7), and the new socket comes up for the retry. */
        transport_interrupt(a->link);
    }
    app_take_session_damage(a); /* re-arms the timer */
    if (stalled)
        app_say(a, true, "Stalled (see the answer pane). F5 asks again.");
    app_damage(a); /* the countdown */
}

static void app_resize(App *a)
{
    struct winsize ws;
    if (ioctl(a->tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        ui_resize(a->ui, ws.ws_col, ws.ws_row); /* resizes the Term too */
    }
    app_draw(a);
}

static void app_save_recovery(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_modified(b) || a->recovery.message[0])
        return; /* nothing to keep, or already tried (the tty closing, then SIGHUP) */
    buffer_write_recovery(b, &a->recovery); /* the message says where, or that it failed */
    log_msg("recovery: %s", a->recovery.message);
}

static void app_tty_closed(void *ud)
{
    App *a = ud;
    log_msg("tty: closed");
    app_save_recovery(a);
    a->exit_status = 129;
    loop_quit(a->loop);
}

/* The tty watch: read what is there (a paste arrives in few reads, so it is drawn few
 * times); EOF, an error or a hang-up means the terminal went away. */
static void app_tty_event(void *ud, int fd, LoopFdEvent ev)
{
    char buf[65536];
    while (ev == LOOP_FD_READABLE) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            app_tty_input(ud, buf, (size_t)n);
            if ((size_t)n < sizeof buf)
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break;
    }
    app_tty_closed(ud);
}

static void app_signal(void *ud, int signo)
{
    App *a = ud;
    switch (signo) {
    case SIGWINCH: app_resize(a); break;
    case SIGCONT:
        term_redraw_all(a->term);
        app_draw(a);
        break;
    default: /* TERM, HUP, INT, QUIT: leave cleanly, keeping the user's text */
        log_msg("signal %d: quitting", signo);
        app_save_recovery(a);
        a->exit_status = 128 + signo;
        loop_quit(a->loop);
        break;
    }
}

/* --- fatal paths ------------------------------------------------------------------------- */

static void app_fatal_cleanup(void)
{
    App *a = atomic_exchange(&fatal_app, NULL);
    if (!a)
        return;
    term_stop(a->term);
    app_save_recovery(a);
    if (a->recovery.message[0])
        fprintf(stderr, "flint: %s\n", a->recovery.message);
}

static void app_crash_handler(int signo)
{
    /* Best effort from a signal handler: the recovery writer uses only open/write/close. It
     * runs on its own stack, so a stack overflow can still save the text. */
    App *a = atomic_exchange(&fatal_app, NULL);
    if (a) {
        static const char reset[] = "\033[?2004l\033[?25h\033[?1049l\r\n";
        if (a->have_tios)
            tcsetattr(a->tty_fd, TCSAFLUSH, &a->saved_tios);
        ssize_t w = write(a->tty_fd, reset, sizeof reset - 1);
        (void)w;
        if (buffer_modified(session_buffer(a->session))) {
            RecoveryReport r; /* where the text went, or that it could not be saved: always said */
            buffer_write_recovery(session_buffer(a->session), &r);
            static const char msg[] = "flint crashed; ";
            w = write(2, msg, sizeof msg - 1);
            w = write(2, r.message, strlen(r.message));
            w = write(2, "\n", 1);
        }
    }
    signal(signo, SIG_DFL);
    raise(signo);
}

static void app_install_crash_handlers(void)
{
#if defined(FLINT_SANITIZE)
    /* AddressSanitizer has its own SIGSEGV/SIGBUS/SIGFPE handler, which prints the report that
     * says where the bad access was; ours would replace it and hide that report. The sanitizer
     * build keeps those, and saves the user's text on the signals it leaves alone. */
    static const int sigs[] = {SIGILL, SIGABRT};
#else
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#endif
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = app_crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* --- set-up and tear-down ---------------------------------------------------------------- */

static bool app_open_tty(App *a, ErrorBuf *err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return error_set(err, "needs a terminal: stdin and stdout must be a tty");
    const char *name = ttyname(STDIN_FILENO);
    /* A separate open file description: lws makes the fd it watches non-blocking, and that
     * must not leak into stdout, where curses writes (it would spin on EAGAIN). */
    a->tty_fd = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (a->tty_fd < 0)
        return error_errno(err, "cannot open the terminal %s", name ? name : "(unknown)");
    a->have_tios = tcgetattr(a->tty_fd, &a->saved_tios) == 0;
    return true;
}

/* The loop's sources: the tty (the loop owns the fd from this call on), the signals and the
 * three timers. */
static bool app_watch(App *a, ErrorBuf *err)
{
    a->tty_watch = loop_watch_fd(a->loop, a->tty_fd, app_tty_event, a, err);
    return a->tty_watch && (a->signals = loop_watch_signals(a->loop, app_signal, a, err)) &&
           (a->frame_timer = loop_timer_new(a->loop, app_frame, a, err)) &&
           (a->esc_timer = loop_timer_new(a->loop, app_esc_timeout, a, err)) &&
           (a->turn_timer = loop_timer_new(a->loop, app_turn_timer, a, err));
}

static const TransportHooks app_link_hooks = {
    .state = app_link_state,
    .message = app_link_message,
};

static const SessionHooks app_session_hooks = {
    .send = app_link_send,
};

/* xAI closes sockets at 25 minutes, not 60: is the URL's host x.ai or one of its names? */
static bool app_is_xai(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t n = strcspn(host, ":/?");
    return (n == 4 && strncmp(host, "x.ai", 4) == 0) ||
           (n > 5 && strncmp(host + n - 5, ".x.ai", 5) == 0);
}

static void app_log_summary(App *a)
{
    if (!log_enabled())
        return;
    TermStats ts = term_stats(a->term);
    const TransportStats *ls = transport_stats(a->link);
    log_msg("summary: frames_rendered=%llu published=%llu painted=%llu rows_painted=%llu "
            "messages_in=%llu bytes_in=%llu connects=%llu",
            (unsigned long long)a->frames, (unsigned long long)ts.frames_published,
            (unsigned long long)ts.frames_painted, (unsigned long long)ts.rows_painted,
            (unsigned long long)ls->messages_in, (unsigned long long)ls->bytes_in,
            (unsigned long long)ls->connects);
}

int app_run(const AppConfig *cfg)
{
    App *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->tty_fd = -1;
    a->demo.pid = -1;
    a->demo.stdin_fd = -1;
    a->exit_status = 1;
    ErrorBuf err = {{0}};
    char demo_url[64];
    bool tty_owned = true; /* until the loop watches the tty fd */
    int status = 1;

    loop_block_signals();
    theme_default(&a->theme);
    if (cfg->theme_path && !theme_load_file(&a->theme, cfg->theme_path, &err)) {
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    SessionConfig scfg = {.model = cfg->model, .stall_ns = cfg->stall_ns};
    a->session = session_new(&scfg, &app_session_hooks, a);
    if (cfg->file && !buffer_open(session_buffer(a->session), cfg->file, &err)) {
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    if (!app_open_tty(a, &err)) {
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    if (cfg->demo) {
        if (!demo_start(&a->demo, cfg->demo_rate, &err)) {
            fprintf(stderr, "flint: %s\n", err.msg);
            goto out;
        }
        snprintf(demo_url, sizeof demo_url, "ws://127.0.0.1:%d/v1", a->demo.port);
    }
    const char *url = cfg->demo ? demo_url : cfg->url;
    transport_ws_log_install(); /* lws would log to stderr, the terminal curses draws on */
    a->loop = loop_new(&err);
    tty_owned = !a->loop;
    if (!a->loop || !app_watch(a, &err)) {
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    char lerr[256];
    TransportWsConfig lcfg = {.url = url, .api_key = cfg->api_key, .ca_file = cfg->ca_file,
                              .allow_insecure = cfg->allow_insecure};
    a->link = transport_ws_new(loop_context(a->loop), &lcfg, &app_link_hooks, a, lerr,
                               sizeof lerr);
    if (!a->link) {
        fprintf(stderr, "flint: %s\n", lerr);
        status = 2;
        goto out;
    }
    keys_init(&a->keys);
    snprintf(a->link_text, sizeof a->link_text, "connecting");
    a->rotate_after_ns = app_is_xai(url) ? ROTATE_XAI_NS : ROTATE_DEFAULT_NS;
    const char *rot = getenv("FLINT_ROTATE_AFTER"); /* seconds; for tests and odd servers */
    unsigned long long rot_s = rot ? strtoull(rot, NULL, 10) : 0;
    if (rot_s > 0 && rot_s < 100ull * 365 * 86400)
        a->rotate_after_ns = rot_s * NS_PER_SEC;

    atomic_store(&fatal_app, a);
    fatal_set_cleanup(app_fatal_cleanup);
    app_install_crash_handlers();
    a->term = term_start(&a->theme, &err);
    if (!a->term) {
        atomic_store(&fatal_app, NULL);
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    int cols = 80, rows = 24;
    term_size(a->term, &cols, &rows);
    a->ui = ui_new(a->term, cols, rows);
    if (cfg->demo)
        app_say(a, false, "Demo backend on 127.0.0.1:%d (offline).  Ctrl-K ask · Esc stop · "
                          "Ctrl-S save · Ctrl-Q quit · F1 help", a->demo.port);
    else
        app_say(a, false, "Ctrl-K ask · Esc stop · Ctrl-S save · Ctrl-Q quit · F1 help");
    char found[4096];
    if (buffer_find_recovery(session_buffer(a->session), found, sizeof found)) {
        /* Next to the file: its name is enough; in the state directory: the whole path. */
        const char *slash = strrchr(found, '/');
        const char *path = buffer_path(session_buffer(a->session));
        const char *pslash = path ? strrchr(path, '/') : NULL;
        bool beside = slash && (pslash ? (size_t)(slash - found) == (size_t)(pslash - path) &&
                                             strncmp(found, path, (size_t)(pslash - path)) == 0
                                       : strchr(found, '/') == slash && found[0] == '.');
        app_say(a, true, "Unsaved text from an earlier session is in %s: compare, then delete it.",
                beside ? slash + 1 : found);
    }
    char url_shown[256]; /* never the query: it can carry tokens */
    link_url_redact(url, url_shown, sizeof url_shown);
    log_msg("start: url=%s model=%s file=%s", url_shown, cfg->model, cfg->file ? cfg->file : "-");
    transport_start(a->link);
    app_draw(a);

    loop_run(a->loop);
    status = a->exit_status;
    app_log_summary(a);

out:
    atomic_store(&fatal_app, NULL);
    fatal_set_cleanup(NULL);
    ui_free(a->ui);
    term_free(a->term); /* restores the terminal before anything is printed */
    if (a->recovery.message[0])
        fprintf(stderr, "flint: %s\n", a->recovery.message);
    transport_free(a->link);
    loop_free(a->loop); /* closes the watched tty fd and frees the watches and timers */
    if (tty_owned && a->tty_fd >= 0)
        close(a->tty_fd);
    if (a->demo.pid > 0)
        demo_stop(&a->demo);
    keys_free(&a->keys);
    free(a->pending_question);
    session_free(a->session);
    free(a);
    return status;
}
