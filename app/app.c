/* App: the composition root (see app.h). It builds the parts, wires their callbacks and owns
 * the loop's hooks; what the parts do lives beside it:
 *
 *   app/commands.c      the command table and its handlers (every key ends there)
 *   app/keymap.c        the key tables per mode (defaults + the settings file), F1's text
 *   app/questions.c     asking, interrupting, retrying; reacting to the session's changes
 *   app/saving.c        save, Save As, quit and its question
 *   app/buffers.c       several files: open, switch, list, close
 *   app/swap_app.c      swap files: when they are written and removed, the question at start
 *   app/screen.c        damage, frames, the status line message
 *   app/policy.c        when to rotate the connection and when to ring the bell
 *   app/recovery_app.c  the crash handler and the recovery wording
 *   app/paste.c         a paste into the buffer
 *   app/config.c        the settings file: found, reported, applied (keys, theme)
 *
 * One thread runs everything here: lws_service() dispatches tty bytes, signals, timers and
 * WebSocket traffic to the handlers below. Handlers only change state and mark damage; the
 * frame timer turns damage into at most one ui_render per frame, and a keypress renders at
 * once, except an interrupt: its frame waits a millisecond, for the Close frame to go out.
 *
 * Keys: the decoder's events go through the current mode's key table to a command
 * (app_key); a key no usable command is bound to gets the mode's default action (typing).
 * The turn timer (app/turn_timer.h) serves the session's deadlines: while a rate-limited
 * question waits it redraws the countdown every tenth of a second and sends the question at
 * the deadline; while a turn is in flight it is the stall watchdog. */
#include "app/app.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app/buffers.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/keymap.h"
#include "app/policy.h"
#include "app/questions.h"
#include "app/recovery_app.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "net/link_url.h"
#include "net/transport_ws.h"
#include "themes/syntax.h"
#include "ui/key_name.h"

#define ESC_DELAY_NS (25 * NS_PER_MS)

/* --- the transport ------------------------------------------------------------------------ */

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

/* --- keys ---------------------------------------------------------------------------------- */

static void app_key(App *a, const KeyEvent *k)
{
    AppMode mode = a->mode;
    const Command *c = keymap_lookup(a->keymap, mode_key_table(mode), k);
    bool usable = c && command_works_in(c, mode);
    if (mode_key_table(mode) == KEYS_CONFIRM) { /* its commands clear the question themselves */
        if (usable)
            c->run(a, k);
        else
            commands_default(a, k);
        return;
    }
    /* A key that means something clears the last (non-error) message; an interrupt keeps
     * "Interrupted." visible. */
    bool clears = c ? !(c->flags & CMD_KEEP_MESSAGE)
                    : (k->code == KC_PASTE ||
                       (k->code == KC_CHAR && !(k->mods & (MOD_CTRL | MOD_ALT))));
    if (clears && !a->message_error)
        a->message[0] = '\0';
    if (usable)
        c->run(a, k);
    else
        commands_default(a, k);
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
    swap_app_after_keys(a); /* edits: the swap timer (never a write here) */
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
    if (a->message_error && mode_key_table(a->mode) != KEYS_CONFIRM)
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
        transport_interrupt(a->transport);
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
           (a->turn_timer = loop_timer_new(a->loop, app_turn_timer, a, err)) &&
           swap_app_init(a, err);
}

static const TransportHooks app_link_hooks = {
    .state = app_link_state,
    .message = app_link_message,
};

static const SessionHooks app_session_hooks = {
    .send = app_session_send,
};

static void app_log_summary(App *a)
{
    if (!log_enabled())
        return;
    TermStats ts = term_stats(a->term);
    const TransportStats *ls = transport_stats(a->transport);
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
    StrBuf notes = {0}; /* configuration problems, one per line */
    if (cfg->notes)
        sb_puts(&notes, cfg->notes);

    loop_block_signals();
    theme_default(&a->theme);
    if (cfg->theme_path && !theme_load_file(&a->theme, cfg->theme_path, &err)) {
        if (!cfg->theme_soft) {
            fprintf(stderr, "flint: %s\n", err.msg);
            goto out;
        }
        /* The settings file's theme: a warning, and the built-in one. */
        fprintf(stderr, "flint: %s\n", err.msg);
        sb_printf(&notes, "%s\n", err.msg);
        theme_default(&a->theme);
    }
    config_apply_keys(a, cfg->settings, &notes);
    SessionConfig scfg = {.model = cfg->model, .stall_ns = cfg->stall_ns};
    a->session = session_new(&scfg, &app_session_hooks, a);
    if (cfg->settings) {
        buffer_set_tab_width(session_buffer(a->session), cfg->settings->tab_width);
        buffer_set_expand_tabs(session_buffer(a->session), cfg->settings->expand_tabs);
    }
    if (!buffers_open_args(a, cfg->files, cfg->n_files, &err)) {
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
    a->transport = transport_ws_new(loop_context(a->loop), &lcfg, &app_link_hooks, a, lerr,
                               sizeof lerr);
    if (!a->transport) {
        fprintf(stderr, "flint: %s\n", lerr);
        status = 2;
        goto out;
    }
    keys_init(&a->keys);
    snprintf(a->link_text, sizeof a->link_text, "connecting");
    a->rotate_after_ns = policy_rotate_after_ns(url, getenv("FLINT_ROTATE_AFTER"));

    recovery_app_arm(a);
    a->term = term_start(&a->theme, &err);
    if (!a->term) {
        recovery_app_disarm();
        fprintf(stderr, "flint: %s\n", err.msg);
        goto out;
    }
    int cols = 80, rows = 24;
    term_size(a->term, &cols, &rows);
    a->ui = ui_new(a->term, cols, rows);
    StrBuf help = {0};
    keymap_help(a->keymap, &help);
    ui_set_help(a->ui, sb_cstr(&help));
    sb_free(&help);
    SyntaxSet *langs = syntax_set_load_default();
    ui_set_languages(a->ui, langs);
    app_greet(a, sb_cstr(&notes));
    if (syntax_set_error_count(langs)) /* that language stays plain; say why */
        app_say(a, true, "%s", syntax_set_error(langs, 0));
    app_tell_earlier_recovery(a);
    swap_app_check_all(a);
    char url_shown[256]; /* never the query: it can carry tokens */
    link_url_redact(url, url_shown, sizeof url_shown);
    log_msg("start: url=%s model=%s files=%zu", url_shown, cfg->model, cfg->n_files);
    transport_start(a->transport);
    app_draw(a);

    loop_run(a->loop);
    status = a->exit_status;
    app_log_summary(a);

out:
    recovery_app_disarm();
    ui_free(a->ui);
    term_free(a->term); /* restores the terminal before anything is printed */
    if (a->recovery.message[0])
        fprintf(stderr, "flint: %s\n", a->recovery.message);
    transport_free(a->transport);
    loop_free(a->loop); /* closes the watched tty fd and frees the watches and timers */
    if (tty_owned && a->tty_fd >= 0)
        close(a->tty_fd);
    if (a->demo.pid > 0)
        demo_stop(&a->demo);
    keys_free(&a->keys);
    keymap_free(a->keymap);
    swap_app_free(a);
    free(a->pending_question);
    session_free(a->session);
    sb_free(&notes);
    free(a);
    return status;
}
