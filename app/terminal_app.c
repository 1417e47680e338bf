/* Terminal app (see terminal_app.h): the kitty/DA1 queries and their answer, tmux's options,
 * the escape-time notice. State lives in App (term_* fields); everything runs on the loop's
 * thread. */
#include "app/terminal_app.h"

#include "app/clipboard.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/clock.h"
#include "core/log.h"

/* The kitty keyboard protocol's query, then DA1 (ECMA-48 DA; xterm ctlseqs). */
#define KEYBOARD_QUERY "\033[?u\033[c"

/* The escape-time notice, once: in place of the greeting, never over an error or another
 * message (then it waits until a key has cleared the status line). */
static void say_tmux_notice(App *a)
{
    char notice[256];
    if (a->term_notice_told || !a->term_decided || !a->term_tmux.known ||
        !tmux_esc_notice(&a->term_tmux, a->term_kitty, notice, sizeof notice))
        return;
    if (a->message_error || (a->message[0] && !a->term_greeting_shown))
        return;
    a->term_notice_told = true;
    app_say(a, false, "%s", notice);
}

void terminal_app_start(App *a)
{
    if (!a->term)
        return;
    term_send_control(a->term, KEYBOARD_QUERY);
    a->term_queried = true;
    a->term_greeting_shown = !a->message_error; /* the status line holds the greeting */
    bool osc52 = a->settings ? a->settings->osc52 : true;
    if (tmux_inside()) {
        tmux_options_read(&a->term_tmux);
        log_msg("tmux: known=%d escape-time=%d extended-keys=%s set-clipboard=%s "
                "allow-passthrough=%s default-terminal=%s",
                a->term_tmux.known, a->term_tmux.escape_time_ms, a->term_tmux.extended_keys,
                a->term_tmux.set_clipboard, a->term_tmux.allow_passthrough,
                a->term_tmux.default_terminal);
        clipboard_apply(&a->clip, osc52, &a->term_tmux);
    }
}

void terminal_app_after_keys(App *a)
{
    if (a->term_decided) {
        a->term_greeting_shown = false; /* a key has been handled: the greeting is gone */
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
