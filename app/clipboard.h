/* Clipboard: the internal clipboard (Ctrl-C / Ctrl-X fill it, Ctrl-V pastes it: works
 * everywhere) and the copy to the terminal's clipboard with OSC 52 (xterm ctlseqs,
 * "Manipulate Selection Data": ESC ] 52 ; c ; BASE64 BEL), so that a copy over SSH lands in
 * the local clipboard.
 *
 * Inside tmux (TMUX set) the route depends on two tmux options, asked once at start with the
 * others flint needs (app/tmux_opts.h: one child process, after the first frame, never on
 * the key path; until they are known a copy stays internal):
 *   set-clipboard on          plain OSC 52: tmux keeps a buffer and forwards it outside;
 *   allow-passthrough on/all  OSC 52 wrapped in tmux's DCS passthrough (ESC P tmux; ... ESC \,
 *                             every ESC inside doubled), which tmux hands to the outer
 *                             terminal as is;
 *   neither                   no OSC 52 (tmux's default "external" drops an application's
 *                             OSC 52); the first copy says once how to enable it.
 * Outside tmux the sequence goes out as is. editor.osc52 = false turns it all off.
 * Copies larger than CLIPBOARD_OSC52_MAX bytes stay internal (terminals cap the sequence).
 *
 * Ownership: the Clipboard owns its text. Errors: none (a failed probe means "neither"). */
#ifndef FLINT_APP_CLIPBOARD_H
#define FLINT_APP_CLIPBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "app/tmux_opts.h"
#include "core/strbuf.h"

#define CLIPBOARD_OSC52_MAX (100 * 1000)

typedef enum ClipRoute {
    CLIP_OFF,              /* editor.osc52 false */
    CLIP_DIRECT,           /* no tmux: plain OSC 52 */
    CLIP_TMUX_PLAIN,       /* tmux with set-clipboard on */
    CLIP_TMUX_PASSTHROUGH, /* tmux with allow-passthrough on */
    CLIP_TMUX_NONE,        /* tmux that would drop it */
} ClipRoute;

typedef struct Clipboard {
    char *text;
    size_t len;
    ClipRoute route;
    bool told;   /* the one-time notice for CLIP_TMUX_NONE was given */
} Clipboard;

/* Pure: the route for these answers (in_tmux false ignores the two options). */
ClipRoute clipboard_route(bool osc52, bool in_tmux, const char *set_clipboard,
                          const char *allow_passthrough);
/* Sets c->route from the environment and, inside tmux, tmux's options (tmux: NULL while they
 * are not known yet: the copy stays internal, and nothing is said). */
void clipboard_apply(Clipboard *c, bool osc52, const TmuxOptions *tmux);
void clipboard_set(Clipboard *c, const char *s, size_t n);
void clipboard_free(Clipboard *c);
/* Pure: the bytes to write for s[0..n) on this route; false (out untouched) when none. */
bool clipboard_osc52(ClipRoute route, const char *s, size_t n, StrBuf *out);

#endif
