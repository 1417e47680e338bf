/* ErrorBuf: error tier 3 (expected failures). A function that can fail returns bool and fills
 * a caller-owned ErrorBuf with one human-readable line (with file:line for config errors). */
#ifndef FLINT_CORE_ERROR_H
#define FLINT_CORE_ERROR_H

#include <stdbool.h>

typedef struct ErrorBuf {
    char msg[512];
} ErrorBuf;

/* Always returns false, so callers can write `return error_set(err, ...);`. err may be NULL. */
bool error_set(ErrorBuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like error_set, appending ": strerror(errno)". */
bool error_errno(ErrorBuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void error_clear(ErrorBuf *err);

#endif
