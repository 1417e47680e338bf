/* Terminal app (see terminal_app.h): the kitty/DA1 queries and their answer, tmux's options,
 * the escape-time notice. State lives in App (term_* fields); everything runs on the loop's
 * thread except `tmux show`, which a worker thread runs (a fork+exec and tmux's answer: ~3 ms
 * that neither the first frame nor the connection should wait for); a timer polls for its end
 * every TMUX_POLL_NS, as swap_app polls its writer, and stops once it is in. */
#include "app/terminal_app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/clipboard.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/theme_app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ui/notify.h"

/* The background colour (OSC 11 ; ?, xterm ctlseqs), the kitty keyboard protocol's query,
 * then DA1 (ECMA-48 DA): terminals answer in order, so every answer that will come has come
 * once DA1's has. */
#define KEYBOARD_QUERY "\033]11;?\033\\\033[?u\033[c"
#define TMUX_POLL_NS (5 * NS_PER_MS)

struct TermTmuxJob {
    pthread_t thread;
    TmuxOptions opts;   /* the worker's until done */
    atomic_bool done;
};

static void *tmux_worker(void *arg)
{
    struct TermTmuxJob *j = arg;
    tmux_options_read(&j->opts);
    atomic_store(&j->done, true);
    return NULL;
}

/* The escape-time notice, once, when the status line is next free and in sight: never over
 * the greeting (a newcomer reads the keys to ask with first; the first key that clears it
 * lets the notice follow), an error or another message. Not while the user types into a
 * prompt (the next letter would clear it) unless an answer is running: the steer prompt
 * after the first question keeps the status line above it, and that is when Esc is pressed.
 * Until then it waits (checked after every batch of keys). */
static void say_tmux_notice(App *a)
{
    char notice[256];
    if (a->term_notice_told || !a->term_decided || !a->term_tmux.known ||
        !tmux_esc_notice(&a->term_tmux, a->term_kitty, notice, sizeof notice))
        return;
    bool typing = a->mode != MODE_EDIT && a->mode != MODE_ANSWER &&
                  !(a->mode == MODE_ASK && session_busy(a->session));
    if (a->message_error || a->message[0] || typing || (a->ui && !ui_status_visible(a->ui)))
        return;
    a->term_notice_told = true;
    app_say(a, false, "%s", notice);
    a->term_notice_seq = a->message_seq;
}

void terminal_app_turn_end(App *a)
{
    /* Said while an answer ran (that is when Esc matters): it goes with the answer, so that
     * what the end brings ("2 hunks pending", the figures) is not hidden behind it. */
    if (a->term_notice_seq && a->term_notice_seq == a->message_seq && !a->message_error)
        a->message[0] = '\0';
    a->term_notice_seq = 0;
}

/* Joins a finished (with wait: any) tmux job and applies what it found. False while it runs. */
static bool tmux_job_finish(App *a, bool wait)
{
    struct TermTmuxJob *j = a->term_job;
    if (!j)
        return true;
    if (!wait && !atomic_load(&j->done))
        return false;
    pthread_join(j->thread, NULL);
    a->term_tmux = j->opts;
    free(j);
    a->term_job = NULL;
    return true;
}

static void tmux_applied(App *a)
{
    log_msg("tmux: known=%d escape-time=%d extended-keys=%s set-clipboard=%s "
            "allow-passthrough=%s default-terminal=%s",
            a->term_tmux.known, a->term_tmux.escape_time_ms, a->term_tmux.extended_keys,
            a->term_tmux.set_clipboard, a->term_tmux.allow_passthrough,
            a->term_tmux.default_terminal);
    clipboard_apply(&a->clip, a->settings ? a->settings->osc52 : true, &a->term_tmux);
    say_tmux_notice(a);
    app_damage(a);
}

static void tmux_poll(void *ud)
{
    App *a = ud;
    if (!tmux_job_finish(a, false)) {
        loop_timer_after(a->term_timer, TMUX_POLL_NS);
        return;
    }
    tmux_applied(a);
}

void terminal_app_start(App *a)
{
    if (!a->term)
        return;
    term_send_control(a->term, KEYBOARD_QUERY);
    a->term_queried = true;
    if (!tmux_inside())
        return;
    ErrorBuf err = {{0}};
    struct TermTmuxJob *j = xcalloc(1, sizeof *j);
    a->term_timer = loop_timer_new(a->loop, tmux_poll, a, &err);
    if (!a->term_timer || pthread_create(&j->thread, NULL, tmux_worker, j) != 0) {
        free(j); /* no thread or timer: the options stay unknown (copies stay internal) */
        log_msg("tmux: cannot ask (%s)", err.msg[0] ? err.msg : "no thread");
        return;
    }
    a->term_job = j;
    loop_timer_after(a->term_timer, TMUX_POLL_NS);
}

void terminal_app_free(App *a)
{
    tmux_job_finish(a, true); /* at most TMUX_ASK_TIMEOUT_MS */
}

void terminal_app_after_keys(App *a)
{
    theme_app_background(a);
    if (a->term_decided) {
        say_tmux_notice(a);
        return;
    }
    if (a->keys.replies.da1 == 0)
        return;
    a->term_decided = true;
    const KeysReplies *r = &a->keys.replies;
    int timeout = a->settings ? a->settings->esc_timeout_ms : 0;
    a->term_kitty = r->kitty;
    if (a->term_kitty)
        term_set_kitty_keys(a->term, true); /* Esc is CSI 27 u: the timer only for cut ones */
    else
        keys_set_esc_at_once(&a->keys, timeout == 0);
    log_msg("term: kitty=%d flags=%u esc=%s", r->kitty, r->kitty_flags,
            a->term_kitty ? "kitty" : timeout == 0 ? "at-once" : "timer");
    say_tmux_notice(a);
}

uint64_t terminal_app_esc_delay_ns(const App *a)
{
    int ms = a->settings ? a->settings->esc_timeout_ms : 0;
    return (uint64_t)(ms > 0 ? ms : KEYS_ESC_WINDOW_MS) * NS_PER_MS;
}

void terminal_app_answer_done(App *a)
{
    if (a->focus == 1) {
        log_msg("notify: the terminal has the focus: no bell");
        return;
    }
    term_bell(a->term);
    if (a->focus != 0) {
        log_msg("notify: bell (the terminal never reported its focus)");
        return;
    }
    bool tmux = tmux_inside();
    NotifyKind kind = notify_kind_for(getenv("TERM"), getenv("VTE_VERSION"));
    char body[160];
    snprintf(body, sizeof body, "the answer is done (%s)",
             buffer_name(session_buffer(a->session)));
    StrBuf seq = {0};
    notify_sequence(&seq, kind, "flint", body, tmux);
    term_notify(a->term, seq.data, seq.len);
    sb_free(&seq);
    log_msg("notify: bell and OSC %s%s", kind == NOTIFY_OSC9 ? "9" : "777",
            tmux ? " through tmux's passthrough" : "");
}
