/* StatusView: the bottom line when no prompt is open.
 *
 * The name carries the buffer's facts: " name [+]  2/3  CRLF  no final newline  binary, not
 * sent" (the count only when several buffers are open).
 *
 *   " name [+]  12:5   message ...   model  connected  ttft 182ms  1043 tok/s  5234 tok  ctx 23% cache 91% "
 *
 * Everything is plain data (StatusLine) so that the view is testable without a Session.
 * When the line is too narrow, parts are dropped from the least important up: token count,
 * TTFT, context use, model, tok/s, line:col, link state. A message has priority over the
 * figures at every width: they go until the whole message fits (it is read once; the figures
 * are back on the next frame without it), and the file name shrinks to 12 columns before the
 * message is truncated ("…"). A question ("Save changes? y/n/Esc") or an error
 * (message_is_error) also takes the place of line:col and the link state; a notice takes
 * line:col's before it is cut (at start the greeting and the tmux notice are then whole at
 * 80 columns), the link state's only while it would have fewer than 32 columns. Without a message a long file name is
 * truncated last. Texts from outside (file name, message, link detail) are escaped by the Grid. */
#ifndef FLINT_UI_STATUS_VIEW_H
#define FLINT_UI_STATUS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/grid.h"
#include "ui/layout.h"

typedef struct StatusLine {
    const char *file;      /* buffer name */
    bool modified;
    size_t buffer_index;   /* 1-based; shown as "2/3" when buffer_count > 1 */
    size_t buffer_count;
    bool crlf;             /* the file's lines end in CRLF */
    bool no_final_newline; /* the last line has no terminator */
    bool binary;           /* its bytes are not sent to the model */
    bool wrap;             /* the editor soft-wraps long lines (Alt-Z) */
    size_t line, col;      /* 1-based; line 0 hides the position */
    const char *model;     /* NULL or "" hides it */
    const char *link;      /* NULL hides it */
    bool link_ok;
    uint64_t ttft_ns;      /* 0: unknown */
    double tok_per_sec;    /* 0: unknown */
    size_t tokens;         /* 0: unknown */
    bool show_ctx;         /* "ctx 23%": the last request's share of the window */
    int ctx_percent;
    bool show_cache;       /* "cache 91%": its input tokens the server had cached */
    int cache_percent;
    const char *message;   /* NULL or "": none */
    bool message_is_error;
} StatusLine;

void status_view_draw(Grid *g, Rect r, const StatusLine *sl);

#endif
