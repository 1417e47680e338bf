/* Notify: the bytes of a desktop notification a terminal shows (an answer ended while the
 * terminal was not focused). Pure: it builds bytes, term_notify writes them.
 *
 *   OSC 9 ; body BEL                  iTerm2, WezTerm, kitty, Ghostty, Windows Terminal
 *   OSC 777 ; notify ; title ; body BEL   VTE terminals (GNOME Terminal, Tilix), foot, urxvt
 *
 * Which one: notify_kind_for (777 where VTE_VERSION is set or TERM is foot* / rxvt*, else 9;
 * sending both would show two on a terminal that knows both). Inside tmux the sequence is
 * wrapped in tmux's passthrough (ESC P tmux; ... ESC \, each ESC doubled), which tmux forwards
 * with `allow-passthrough on` and drops otherwise. Title and body are flint's own words, made
 * printable ASCII here (anything else, and ';', becomes a space or '?') so that no byte of
 * them can end the sequence. */
#ifndef FLINT_UI_NOTIFY_H
#define FLINT_UI_NOTIFY_H

#include <stdbool.h>

#include "core/strbuf.h"

typedef enum NotifyKind { NOTIFY_OSC9, NOTIFY_OSC777 } NotifyKind;

/* term: $TERM (NULL: unset); vte_version: $VTE_VERSION (NULL: unset). */
NotifyKind notify_kind_for(const char *term, const char *vte_version);
/* Appends the notification's bytes to out. */
void notify_sequence(StrBuf *out, NotifyKind kind, const char *title, const char *body,
                     bool tmux);

#endif
