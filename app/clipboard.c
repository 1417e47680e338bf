/* Clipboard: base64 (RFC 4648, with padding) into an OSC 52 sequence, optionally wrapped in
 * tmux's passthrough; the route from tmux's options (see clipboard.h for the rules).
 * tmux's options come from app/tmux_opts.h. */
#include "app/clipboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"

ClipRoute clipboard_route(bool osc52, bool in_tmux, const char *set_clipboard,
                          const char *allow_passthrough)
{
    if (!osc52)
        return CLIP_OFF;
    if (!in_tmux)
        return CLIP_DIRECT;
    if (set_clipboard && strcmp(set_clipboard, "on") == 0)
        return CLIP_TMUX_PLAIN;
    if (allow_passthrough &&
        (strcmp(allow_passthrough, "on") == 0 || strcmp(allow_passthrough, "all") == 0))
        return CLIP_TMUX_PASSTHROUGH;
    return CLIP_TMUX_NONE;
}

void clipboard_apply(Clipboard *c, bool osc52, const TmuxOptions *tmux)
{
    bool in_tmux = tmux_inside();
    if (osc52 && in_tmux && !tmux) {
        c->route = CLIP_OFF; /* not known yet */
        return;
    }
    const char *setc = tmux ? tmux->set_clipboard : "", *pass = tmux ? tmux->allow_passthrough : "";
    c->route = clipboard_route(osc52, in_tmux, setc, pass);
    log_msg("clipboard: osc52=%d tmux=%d set-clipboard=%s allow-passthrough=%s route=%d", osc52,
            in_tmux, setc, pass, (int)c->route);
}

void clipboard_set(Clipboard *c, const char *s, size_t n)
{
    char *copy = xmalloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    free(c->text);
    c->text = copy;
    c->len = n;
}

void clipboard_free(Clipboard *c)
{
    free(c->text);
    c->text = NULL;
    c->len = 0;
}

static void base64(const unsigned char *s, size_t n, StrBuf *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        sb_putc(out, tab[(v >> 18) & 63]);
        sb_putc(out, tab[(v >> 12) & 63]);
        sb_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        sb_putc(out, i + 2 < n ? tab[v & 63] : '=');
    }
}

bool clipboard_osc52(ClipRoute route, const char *s, size_t n, StrBuf *out)
{
    if (route == CLIP_OFF || route == CLIP_TMUX_NONE || n > CLIPBOARD_OSC52_MAX)
        return false;
    /* BEL ends it rather than ST: the one terminator every OSC 52 terminal accepts, and in
     * the passthrough it needs no doubling. */
    if (route == CLIP_TMUX_PASSTHROUGH)
        sb_puts(out, "\033Ptmux;\033\033]52;c;");
    else
        sb_puts(out, "\033]52;c;");
    base64((const unsigned char *)s, n, out);
    sb_putc(out, '\a');
    if (route == CLIP_TMUX_PASSTHROUGH)
        sb_puts(out, "\033\\");
    return true;
}
