/* Tmux options: what flint needs to know about the tmux it runs in ($TMUX set), read once per
 * run with ONE child process, `tmux show -s ; show -g ; show -gw` (server, session and window
 * options in one fork+exec; the TMUX variable names the server):
 *   escape-time        how long tmux holds a lone ESC before passing it on: Esc lags by it
 *                      (tmux's built-in default 500 ms);
 *   extended-keys      whether tmux passes modified keys as CSI u;
 *   set-clipboard, allow-passthrough   the OSC 52 route (app/clipboard.h);
 *   default-terminal   the TERM panes get.
 * The app asks after its first frame is handed to the render thread (the frame paints while
 * tmux answers: ~2 ms; keys typed meanwhile wait in the tty), and flint --doctor asks too;
 * never more than TMUX_ASK_TIMEOUT_MS (a hung tmux server must not hang flint: the child is
 * killed). tmux_options_parse is the pure part.
 *
 * Errors: none; a tmux that cannot be run or does not answer leaves the options unknown
 * (known false). */
#ifndef FLINT_APP_TMUX_OPTS_H
#define FLINT_APP_TMUX_OPTS_H

#include <stdbool.h>
#include <stddef.h>

/* Above this, the one-time notice says Esc will lag (and how to fix it). */
#define TMUX_ESCAPE_TIME_NOTICE_MS 20

typedef struct TmuxOptions {
    bool known;               /* tmux answered with at least one option */
    int escape_time_ms;       /* -1: not said */
    char extended_keys[16];   /* "" when not said */
    char set_clipboard[16];
    char allow_passthrough[16];
    char default_terminal[64];
} TmuxOptions;

/* Running inside tmux: TMUX is set and not empty. */
bool tmux_inside(void);
/* Pure: fills *out from `tmux show` output ("name value" lines; values may be quoted). */
void tmux_options_parse(const char *text, size_t n, TmuxOptions *out);
#define TMUX_ASK_TIMEOUT_MS 500

/* Runs tmux and waits for it, at most TMUX_ASK_TIMEOUT_MS. False when tmux gave nothing. */
bool tmux_options_read(TmuxOptions *out);
/* Pure: the status line notice for these options, or false when none is due (escape-time at
 * most TMUX_ESCAPE_TIME_NOTICE_MS, unknown, or kitty keys on, which make Esc unambiguous). */
bool tmux_esc_notice(const TmuxOptions *o, bool kitty_keys, char *out, size_t size);

#endif
