/* Notify (see notify.h): builds the sequence in a scratch buffer, then copies it into out,
 * wrapped for tmux when asked. */
#include "ui/notify.h"

#include <string.h>

NotifyKind notify_kind_for(const char *term, const char *vte_version)
{
    if (vte_version && *vte_version)
        return NOTIFY_OSC777;
    if (term && (strncmp(term, "foot", 4) == 0 || strncmp(term, "rxvt", 4) == 0))
        return NOTIFY_OSC777;
    return NOTIFY_OSC9;
}

/* s as printable ASCII without ';' (the OSC 777 separator), at most 200 bytes. */
static void notify_text(StrBuf *out, const char *s)
{
    size_t n = 0;
    for (; s && *s && n < 200; s++, n++) {
        unsigned char c = (unsigned char)*s;
        char k = c == ';' ? ',' : c >= 0x20 && c < 0x7f ? (char)c : c >= 0x80 ? '?' : ' ';
        if (c >= 0x80) /* one '?' per UTF-8 character, not per byte */
            while ((unsigned char)s[1] >= 0x80 && ((unsigned char)s[1] & 0xc0) == 0x80)
                s++;
        sb_append(out, &k, 1);
    }
}

void notify_sequence(StrBuf *out, NotifyKind kind, const char *title, const char *body,
                     bool tmux)
{
    StrBuf seq = {0};
    if (kind == NOTIFY_OSC777) {
        sb_puts(&seq, "\033]777;notify;");
        notify_text(&seq, title);
        sb_puts(&seq, ";");
    } else {
        sb_puts(&seq, "\033]9;");
        notify_text(&seq, title);
        sb_puts(&seq, ": ");
    }
    notify_text(&seq, body);
    sb_puts(&seq, "\007");
    if (!tmux) {
        sb_append(out, seq.data, seq.len);
    } else {
        sb_puts(out, "\033Ptmux;");
        for (size_t i = 0; i < seq.len; i++) {
            if (seq.data[i] == '\033')
                sb_append(out, "\033", 1);
            sb_append(out, &seq.data[i], 1);
        }
        sb_puts(out, "\033\\");
    }
    sb_free(&seq);
}
