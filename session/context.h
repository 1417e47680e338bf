/* Context: the user message for one question - the question, then what the editor knows that
 * the model needs: the file's name and path, the cursor position, and the file's text (all of
 * it, or a window of whole lines around the cursor when it is larger than the budget), in a
 * fenced block whose fence is longer than any backtick run inside it.
 *
 * Errors: none (allocation aborts, tier 2). */
#ifndef FLINT_SESSION_CONTEXT_H
#define FLINT_SESSION_CONTEXT_H

#include <stddef.h>

#include "core/strbuf.h"
#include "session/buffer.h"

#define CONTEXT_DEFAULT_MAX_BYTES ((size_t)64 * 1024)

/* Appends the whole user message to out. max_bytes bounds the file text (0: the default). */
void context_build(const Buffer *b, const char *question, size_t max_bytes, StrBuf *out);

#endif
