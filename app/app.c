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
 *   app/search_ui.c     search, replace and go to line (its finds run in frame slices)
 *   app/policy.c        when to rotate the connection and when to ring the bell
 *   app/recovery_app.c  the crash handler and the recovery wording
 *   app/paste.c         a paste into the buffer
 *   app/edit_cmds.c     selection, clipboard (OSC 52), line and word edits
 *   app/clipboard.c     the clipboard and its route to the terminal's (tmux's options)
 *   app/pointer.c       mouse reports, the answer pane's focus
 *   app/config.c        the settings file: found, reported, applied (keys, theme)
 *   app/transport_events.c  the transport's state and messages -> the session, the status
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

#include "app/answer_ui.h"
#include "app/buffers.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/file_rules.h"
#include "app/journal_app.h"
#include "app/hunks_app.h"
#include "app/keymap.h"
#include "app/look_app.h"
#include "app/providers.h"
#include "app/model_pick.h"
#include "app/pointer.h"
#include "app/policy.h"
#include "app/prompt_editor.h"
#include "app/questions.h"
#include "app/recovery_app.h"
#include "app/screen.h"
#include "app/search_ui.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "app/terminal_app.h"
#include "app/theme_app.h"
#include "app/transport_events.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "net/link_url.h"
#include "net/transport_sse.h"
#include "net/transport_ws.h"
#include "session/wire_chat.h"
#include "session/wire_responses.h"
#include "themes/syntax.h"
#include "ui/key_name.h"

/* --- keys ---------------------------------------------------------------------------------- */

/* While the help overlay is open it has the keys, as a pager has: the moving keys scroll it,
 * Esc and q close it (Esc still does what Esc does: it stops an answer), and only the keys
 * bound to help (F1), interrupt, quit and redraw do what they always do. Every other key,
 * a paste included, is swallowed with a word on how to close the help, so that nothing edits
 * the buffer hidden under the box. */
static bool app_help_key(App *a, const KeyEvent *k)
{
    if (!ui_help_open(a->ui) || k->code == KC_FOCUS_IN || k->code == KC_FOCUS_OUT)
        return false;
    int page = (int)ui_editor_rows(a->ui);
    if (!(k->mods & (MOD_CTRL | MOD_ALT))) {
        switch (k->code) {
        case KC_UP: ui_help_scroll(a->ui, -1); return true;
        case KC_DOWN: ui_help_scroll(a->ui, 1); return true;
        case KC_PAGE_UP: ui_help_scroll(a->ui, -page); return true;
        case KC_PAGE_DOWN: ui_help_scroll(a->ui, page); return true;
        case KC_HOME: ui_help_scroll(a->ui, -100000); return true;
        case KC_END: ui_help_scroll(a->ui, 100000); return true;
        case KC_ESC: ui_toggle_help(a->ui); return false;
        case KC_CHAR:
            if (k->cp == 'q') {
                ui_toggle_help(a->ui);
                return true;
            }
            break;
        default: break;
        }
    }
    const Command *c = keymap_lookup(a->keymap, mode_key_table(a->mode), k);
    static const char *const pass[] = {"help", "interrupt", "quit", "redraw"};
    for (size_t i = 0; c && i < sizeof pass / sizeof *pass; i++)
        if (strcmp(c->name, pass[i]) == 0)
            return false;
    app_say(a, false, "The help is open: Esc, q or F1 closes it.");
    return true;
}

/* Ctrl-X Ctrl-E in the ask prompt (readline's chord): the "editor-prefix" command armed it;
 * any other second key does what it always does. */
static bool app_chord_key(App *a, const KeyEvent *k)
{
    if (!a->chord_ctrl_x)
        return false;
    a->chord_ctrl_x = false;
    if (a->mode != MODE_ASK || k->code != KC_CHAR || !(k->mods & MOD_CTRL) ||
        (k->cp != 'e' && k->cp != 'E'))
        return false;
    a->message[0] = '\0';
    app_prompt_edit_external(a);
    return true;
}

static void app_key(App *a, const KeyEvent *k)
{
    if (k->code == KC_FOCUS_IN || k->code == KC_FOCUS_OUT) { /* for the end-of-answer notice */
        a->focus = k->code == KC_FOCUS_IN;
        log_msg("focus: %s", a->focus ? "in" : "out");
    } else {
        a->key_ns = clock_now_ns();
    }
    /* Any key clears an error (bytes that were no key, such as the terminal's answers to
     * our queries, do not). */
    if (a->message_error && mode_key_table(a->mode) != KEYS_CONFIRM)
        a->message_error = false, a->message[0] = '\0';
    if (pointer_key(a, k))
        return;
    if (app_chord_key(a, k))
        return;
    if (app_help_key(a, k))
        return;
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
    else if (!commands_default(a, k) && !c && k->code != KC_FOCUS_IN && k->code != KC_FOCUS_OUT)
        app_say_unbound(a, k); /* never silently nothing */
    search_ui_after_key(a); /* incremental search follows the prompt's text */
    answer_ui_after_key(a); /* the answer's search too; the pane's focus follows the mode */
}

/* --- loop hooks -------------------------------------------------------------------------- */

static void app_drain_keys(App *a)
{
    KeyEvent k;
    while (keys_next(&a->keys, &k))
        app_key(a, &k);
    terminal_app_after_keys(a); /* the terminal's answers came with the keys */
    if (keys_pending(&a->keys))
        loop_timer_after(a->esc_timer, terminal_app_esc_delay_ns(a));
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
    keys_feed(&a->keys, bytes, n);
    app_drain_keys(a);
}

static void app_esc_timeout(void *ud)
{
    App *a = ud;
    keys_timeout(&a->keys);
    app_drain_keys(a);
}

void app_frame_draw(App *a)
{
    app_draw(a);
    if (a->after_frame)
        a->after_frame(a); /* --plain prints what the frame would have shown */
}

void app_frame(void *ud)
{
    App *a = ud;
    if (app_rx_release(a))
        return; /* the next pass reads what gathered, and draws (app/rx_batch.h) */
    rx_batch_reset(&a->rx); /* nothing came after a release: this is its frame */
    app_frame_draw(a);
}

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
    case SIGTSTP: /* kill -TSTP: leave the terminal as found, then stop */
        log_msg("signal %d: suspending", signo);
        term_suspend(a->term);
        kill(getpid(), SIGSTOP);
        break;
    case SIGCONT:
        term_redraw_all(a->term); /* puts paste, mouse and the kitty flags back too */
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

/* The terminal's sources: the tty (the loop owns the fd from this call on, also when the call
 * fails) and the signals. */
static bool app_watch_tty(App *a, ErrorBuf *err)
{
    a->loop_owns_tty = true;
    a->tty_watch = loop_watch_fd(a->loop, a->tty_fd, app_tty_event, a, err);
    return a->tty_watch && (a->signals = loop_watch_signals(a->loop, app_signal, a, err));
}

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

static void set_link(App *a, const AppConfig *cfg, const char *url)
{
    a->link = (AppLink){.url = url, .api_key = cfg->api_key, .headers = cfg->headers,
                        .n_headers = cfg->n_headers, .ca_file = cfg->ca_file,
                        .allow_insecure = cfg->allow_insecure,
                        .provider_name = cfg->provider_name, .providers = cfg->providers};
}

static bool app_switch_provider(App *a, size_t i, ErrorBuf *err);

App *app_alloc(const AppConfig *cfg, StrBuf *notes)
{
    App *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->settings = cfg->settings;
    a->tty_fd = -1;
    a->demo.pid = -1;
    a->demo.stdin_fd = -1;
    a->exit_status = 1;
    a->focus = -1;
    if (cfg->notes)
        sb_puts(notes, cfg->notes);
    return a;
}

/* What every App has, terminal or not, in two steps (app_run opens the tty and starts the
 * demo backend between them). First: the theme (a broken settings-file theme is a note), the
 * key tables (the settings' bindings), the session and its buffer (the file). False with a
 * message. */
bool app_build(App *a, StrBuf *notes, ErrorBuf *err)
{
    const AppConfig *cfg = a->cfg;
    ThemeChoice tc = {.name = cfg->theme_name, .path = cfg->theme_path,
                      .soft = cfg->theme_soft, .automatic = cfg->theme_auto};
    const char *remembered = look_app_load(a, cfg->look_path, /* when nothing else chose one */
                                           cfg->theme_name || cfg->theme_path ||
                                               cfg->theme_explicit,
                                           notes);
    if (remembered) {
        tc.name = remembered;
        tc.automatic = false;
    }
    if (!theme_app_init(a, &tc, notes, err))
        return false;
    config_apply_keys(a, cfg->settings, notes);
    SessionConfig scfg = {.model = cfg->model, .stall_ns = cfg->stall_ns,
                          .wire = cfg->api == APP_API_CHAT ? wire_chat_new() : NULL,
                          .window_tokens = cfg->settings ? (size_t)cfg->settings->window_tokens
                                                         : 0,
                          .warmup = cfg->warmup};
    /* Chat Completions: prompt_cache_key only where the server is OpenAI's (PROTOCOL.md 4
     * names no such field for the local servers). */
    if (cfg->api == APP_API_CHAT && cfg->url && strstr(cfg->url, "://api.openai.com"))
        wire_chat_set_cache_key(scfg.wire, true);
    a->session = session_new(&scfg, &app_session_hooks, a);
    file_rules_apply(session_buffer(a->session), cfg->settings); /* settings, .editorconfig */
    a->mouse_on = cfg->settings ? cfg->settings->mouse : true;
    a->stream_frame_ns = cfg->slow || (cfg->settings && cfg->settings->slow) ? SCREEN_SLOW_NS
                                                                             : SCREEN_STREAM_NS;
    return buffers_open_args(a, cfg->files, cfg->n_files, err); /* each gets its rules too */
}

/* Second: the loop and its timers, the transport (made by make, with the App's hooks). False
 * with a message; *transport_failed tells the transport's failure apart (app_run's exit
 * status 2). */
bool app_connect(App *a, AppTransportFn make, void *make_ud, bool *transport_failed,
                        ErrorBuf *err)
{
    a->loop = loop_new(err);
    if (!a->loop || !(a->frame_timer = loop_timer_new(a->loop, app_frame, a, err)) ||
        !(a->esc_timer = loop_timer_new(a->loop, app_esc_timeout, a, err)) ||
        !(a->turn_timer = loop_timer_new(a->loop, app_turn_timer, a, err)) ||
        !(a->link_timer = loop_timer_new(a->loop, app_link_timer, a, err)) ||
        !swap_app_init(a, err))
        return false;
    JournalAppConfig jcfg = {.dir = a->cfg->journal_dir, .resume_path = a->cfg->resume_path,
                             .pick = a->cfg->resume_pick, .model = a->cfg->model,
                             .provider = a->cfg->provider_name};
    if (!journal_app_init(a, &jcfg, err))
        return false;
    loop_after_pass(a->loop, app_after_pass, a);
    a->make = make;
    a->make_ud = make_ud;
    a->transport = make(make_ud, loop_context(a->loop), &app_transport_hooks, a, err);
    if (!a->transport) {
        *transport_failed = true;
        return false;
    }
    keys_init(&a->keys);
    snprintf(a->link_text, sizeof a->link_text, "connecting");
    return true;
}

/* The screen side over term (NULL: frames are only composed, into the Ui's Grid): help,
 * languages, the greeting; then the transport starts and the first frame is drawn. */
void app_start(App *a, int cols, int rows, const char *notes, const char *url)
{
    set_link(a, a->cfg, url);
    a->switch_provider = app_switch_provider;
    a->rotate_after_ns = policy_rotate_after_ns(url, getenv("FLINT_ROTATE_AFTER"));
    if (a->cfg->lifetime_s > 0 && !getenv("FLINT_ROTATE_AFTER")) /* the provider's setting */
        a->rotate_after_ns = (uint64_t)a->cfg->lifetime_s * NS_PER_SEC;
    a->ui = ui_new(a->term, cols, rows);
    look_app_apply_layout(a); /* the remembered split */
    a->queue = ask_queue_new();
    ui_set_queue(a->ui, a->queue);
    editor_view_set_wrap(ui_editor_view(a->ui), a->settings && a->settings->soft_wrap);
    ui_model_set_code_scroll(a->ui, a->settings && a->settings->answer_code_scroll);
    a->search_ui = search_ui_new(a->ui);
    a->answer_ui = answer_ui_new();
    a->frame_work = search_ui_step;
    hunks_app_init(a);
    a->journal_hunk = journal_app_hunk;
    StrBuf help = {0};
    keymap_help(a->keymap, &help);
    ui_set_help(a->ui, sb_cstr(&help));
    sb_free(&help);
    SyntaxSet *langs = syntax_set_load_default();
    ui_set_languages(a->ui, langs);
    app_greet(a, notes);
    if (syntax_set_error_count(langs)) /* that language stays plain; say why */
        app_say(a, true, "%s", syntax_set_error(langs, 0));
    swap_app_check_all(a); /* a newer swap file for an opened file: ask what to do */
    journal_app_resume(a); /* --resume / --continue: the conversation (or the list) */
    char url_shown[256]; /* never the query: it can carry tokens */
    link_url_redact(url ? url : "-", url_shown, sizeof url_shown);
    log_msg("start: url=%s model=%s files=%zu", url_shown, a->cfg->model, a->cfg->n_files);
}

void app_go(App *a)
{
    transport_start(a->transport);
    app_draw(a);
    if (a->after_frame)
        a->after_frame(a);
}

void app_free(App *a)
{
    if (!a)
        return;
    journal_app_free(a); /* what streamed last, and an open turn's end */
    search_ui_free(a->search_ui); /* before the Ui: its editor view borrows the highlight */
    answer_ui_free(a->answer_ui); /* likewise the answer pane's */
    hunks_app_free(a);            /* before the buffers: it removes its marks */
    ui_free(a->ui);
    ask_queue_free(a->queue);
    term_free(a->term); /* restores the terminal before anything is printed */
    if (a->recovery.message[0])
        fprintf(stderr, "flint: %s\n", a->recovery.message);
    transport_free(a->transport);
    loop_free(a->loop); /* closes the watched tty fd and frees the watches and timers */
    if (!a->loop_owns_tty && a->tty_fd >= 0)
        close(a->tty_fd);
    if (a->demo.pid > 0)
        demo_stop(&a->demo);
    terminal_app_free(a); /* joins the tmux worker, if any */
    keys_free(&a->keys);
    keymap_free(a->keymap);
    clipboard_free(&a->clip);
    swap_app_free(a);
    free(a->pending_question);
    session_free(a->session);
    model_pick_free(a);
    free(a->switched_cfg);
    free(a->switched_key);
    free(a);
}

/* app_run's AppTransportFn, in the loop's context: the WebSocket transport, or with --api
 * chat the HTTP SSE one (it maps ws:// to http://). */
bool app_demo_url(App *a, AppWsMaker *ws, char *url, size_t size, ErrorBuf *err)
{
    const AppConfig *cfg = ws->cfg;
    if (!cfg->demo)
        return true;
    bool chat = cfg->api == APP_API_CHAT;
    if (!demo_start(&a->demo, cfg->demo_rate, chat, err))
        return false;
    snprintf(url, size, "%s://127.0.0.1:%d/v1", chat ? "http" : "ws", a->demo.port);
    ws->url = url;
    return true;
}

Transport *app_make_ws(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                              void *hooks_ud, ErrorBuf *err)
{
    const AppWsMaker *m = ud;
    char lerr[256];
    Transport *t;
    if (m->cfg->api == APP_API_CHAT) {
        /* The provider's headers (the transport copies them). */
        size_t nh = m->cfg->n_headers;
        TransportSseHeader *hs = nh ? xmalloc(nh * sizeof *hs) : NULL;
        for (size_t i = 0; i < nh; i++)
            hs[i] = (TransportSseHeader){m->cfg->headers[i].name, m->cfg->headers[i].value};
        TransportSseConfig scfg = {.url = m->url, .api_key = m->cfg->api_key,
                                   .ca_file = m->cfg->ca_file,
                                   .allow_insecure = m->cfg->allow_insecure,
                                   .headers = hs, .n_headers = nh};
        t = transport_sse_new(ctx, &scfg, hooks, hooks_ud, lerr, sizeof lerr);
        free(hs);
    } else {
        size_t nh = m->cfg->n_headers; /* the provider's headers (copied by the transport) */
        HttpField *hs = nh ? xmalloc(nh * sizeof *hs) : NULL;
        for (size_t i = 0; i < nh; i++)
            hs[i] = (HttpField){m->cfg->headers[i].name, m->cfg->headers[i].value};
        TransportWsConfig lcfg = {.url = m->url, .api_key = m->cfg->api_key,
                                  .ca_file = m->cfg->ca_file,
                                  .allow_insecure = m->cfg->allow_insecure,
                                  .headers = hs, .n_headers = nh};
        t = transport_ws_new(ctx, &lcfg, hooks, hooks_ud, lerr, sizeof lerr);
        free(hs);
    }
    if (!t)
        error_set(err, "%s", lerr);
    return t;
}

/* A new transport for cfg at url, made the way the first was, started; the old one freed. */
static bool switch_transport(App *a, const AppConfig *cfg, const char *url, ErrorBuf *err)
{
    AppWsMaker *m = a->make == app_make_ws ? a->make_ud : NULL;
    AppWsMaker was = m ? *m : (AppWsMaker){0};
    if (m)
        *m = (AppWsMaker){.cfg = cfg, .url = url};
    Transport *t = a->make(a->make_ud, loop_context(a->loop), &app_transport_hooks, a, err);
    if (!t) {
        if (m)
            *m = was;
        return false;
    }
    app_rx_reset(a);
    transport_free(a->transport);
    a->transport = t;
    a->link_state = TRANSPORT_IDLE;
    snprintf(a->link_text, sizeof a->link_text, "connecting");
    a->rotate_after_ns = policy_rotate_after_ns(url, getenv("FLINT_ROTATE_AFTER"));
    if (cfg->lifetime_s > 0 && !getenv("FLINT_ROTATE_AFTER"))
        a->rotate_after_ns = (uint64_t)cfg->lifetime_s * NS_PER_SEC;
    transport_start(t);
    return true;
}

/* a->switch_provider (state.h): provider i's API, URL, key, headers and model; a new Wire
 * and Transport. The conversation stays (session_set_wire resets the chain). */
static bool app_switch_provider(App *a, size_t i, ErrorBuf *err)
{
    const Providers *ps = a->cfg->providers;
    if (!ps || i >= ps->n)
        return error_set(err, "no such provider");
    const Provider *p = &ps->v[i];
    if (session_busy(a->session) || session_waiting(a->session))
        return error_set(err, "an answer is still open (Esc stops it)");
    char *key = NULL;
    if (!provider_key(p, &key, err))
        return false;
    AppConfig *cfg = xmalloc(sizeof *cfg);
    *cfg = *a->cfg;
    cfg->url = p->base_url;
    cfg->api = p->api;
    cfg->model = p->model;
    cfg->api_key = key;
    cfg->headers = p->headers;
    cfg->n_headers = p->n_headers;
    cfg->lifetime_s = p->lifetime_s;
    cfg->allow_insecure = a->cfg->allow_insecure || p->insecure;
    cfg->provider_name = p->name;
    cfg->demo = false;
    if (!switch_transport(a, cfg, p->base_url, err)) {
        free(cfg);
        free(key);
        return false;
    }
    Wire *w = p->api == APP_API_CHAT ? wire_chat_new() : wire_responses_new();
    if (p->api == APP_API_CHAT && strstr(p->base_url, "://api.openai.com"))
        wire_chat_set_cache_key(w, true);
    session_set_wire(a->session, w, NULL); /* no turn is open: checked above */
    session_set_model(a->session, p->model, NULL);
    free(a->switched_cfg); /* the one a->cfg pointed to before, if it was ours */
    free(a->switched_key);
    a->switched_cfg = cfg;
    a->switched_key = key;
    a->cfg = cfg;
    set_link(a, cfg, p->base_url);
    log_msg("app: switched to provider %s (%s), model %s", p->name, p->base_url, p->model);
    return true;
}

App *app_new_headless(const AppConfig *cfg, AppTransportFn make, void *make_ud, ErrorBuf *err)
{
    StrBuf notes = {0};
    App *a = app_alloc(cfg, &notes);
    bool transport_failed = false;
    bool ok = app_build(a, &notes, err) &&
              app_connect(a, make, make_ud, &transport_failed, err);
    if (ok) {
        app_start(a, 80, 24, sb_cstr(&notes), cfg->url);
        app_go(a);
    }
    sb_free(&notes);
    if (!ok) {
        app_free(a);
        return NULL;
    }
    return a;
}

int app_run(const AppConfig *cfg)
{
    StrBuf notes = {0}; /* configuration problems, one per line */
    App *a = app_alloc(cfg, &notes);
    ErrorBuf err = {{0}};
    char demo_url[64];
    bool transport_failed = false;
    int status = 1;
    AppWsMaker ws = {.cfg = cfg, .url = cfg->url};

    loop_block_signals();
    if (!app_build(a, &notes, &err) || !app_open_tty(a, &err))
        goto fail;
    if (!app_demo_url(a, &ws, demo_url, sizeof demo_url, &err))
        goto fail;
    transport_ws_log_install(); /* lws would log to stderr, the terminal curses draws on */
    if (!app_connect(a, app_make_ws, &ws, &transport_failed, &err)) {
        if (transport_failed)
            status = 2;
        goto fail;
    }
    if (!app_watch_tty(a, &err))
        goto fail;
    clipboard_apply(&a->clip, cfg->settings ? cfg->settings->osc52 : true, NULL); /* tmux's
                                     * options come after the first frame */
    recovery_app_arm(a);
    a->term = term_start(&a->theme, &err);
    if (!a->term) {
        recovery_app_disarm();
        goto fail;
    }
    term_set_mouse(a->term, a->mouse_on);
    theme_app_term_started(a); /* 16 colours or fewer: the terminal theme, before any frame */
    int cols = 80, rows = 24;
    term_size(a->term, &cols, &rows);
    app_start(a, cols, rows, sb_cstr(&notes), ws.url);
    app_tell_earlier_recovery(a);
    app_go(a);
    terminal_app_start(a); /* the first frame paints meanwhile */

    loop_run(a->loop);
    status = a->exit_status;
    app_log_summary(a);
    recovery_app_disarm();
    goto out;

fail:
    fprintf(stderr, "flint: %s\n", err.msg);
out:
    app_free(a);
    sb_free(&notes);
    return status;
}

/* --- headless driving (app.h) --------------------------------------------------------------- */

void app_feed(App *a, const char *bytes, size_t n)
{
    if (n)
        app_tty_input(a, bytes, n);
}

/* Fires an armed timer now, the way the loop would at its deadline: disarmed first, so its
 * handler may re-arm it. */
static void app_fire(App *a, LoopTimer *t, LoopTimerFn fn)
{
    if (!loop_timer_armed(t))
        return;
    loop_timer_cancel(t);
    fn(a);
}

void app_tick(App *a)
{
    app_fire(a, a->esc_timer, app_esc_timeout);
    app_fire(a, a->turn_timer, app_turn_timer);
    app_fire(a, a->link_timer, app_link_timer);
    model_pick_tick(a);
    app_fire(a, a->frame_timer, app_frame);
    app_fire(a, a->journal_timer, journal_app_timer_fired);
}

Session *app_session(App *a) { return a->session; }
const Grid *app_grid(const App *a) { return ui_grid(a->ui); }
const char *app_message(const App *a) { return a->message; }
AppMode app_mode(const App *a) { return a->mode; }
const char *app_theme_name(const App *a) { return a->theme.name; }
bool app_esc_pending(const App *a) { return loop_timer_armed(a->esc_timer); }
bool app_quit_requested(const App *a) { return loop_quitting(a->loop); }
int app_exit_status(const App *a) { return a->exit_status; }
