/* Paste: a bracketed (or burst) paste into the buffer, as one undo step. Terminals send
 * pasted newlines as CR: CR and CR LF become LF, so the text's own LF/CRLF convention (the
 * buffer keeps it) is not mixed up by the terminal's. */
#ifndef FLINT_APP_PASTE_H
#define FLINT_APP_PASTE_H

#include <stddef.h>

#include "session/buffer.h"

void paste_into_buffer(Buffer *b, const char *s, size_t n);

#endif
