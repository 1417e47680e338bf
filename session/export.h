/* Export: the conversation (the Transcript) as a Markdown file.
 *
 * Format: a "# flint conversation" heading with the model and the time, then per question a
 * "## N. first words" heading with the whole question quoted below it ("> " lines), the
 * answer verbatim (answers are Markdown already; an answer cut off inside a code block gets
 * the closing fence it lacks, so the rest of the file is not swallowed by it), the state of
 * an answer that did not complete in italics ("*[interrupted]*", "*[failed: detail]*"), and
 * flint's notes as "> **flint:** text" lines.
 *
 * export_write is an atomic create-or-replace: a temp file next to the target (mkstemp, 0600
 * then 0644 less the umask), written, fsynced, renamed, the directory fsynced; a failure
 * leaves no temp file behind and the target untouched.
 *
 * Ownership: nothing kept. Errors: export_write is tier 3 ("cannot write DIR: Permission
 * denied (is the directory read-only?)"); the rest cannot fail. */
#ifndef FLINT_SESSION_EXPORT_H
#define FLINT_SESSION_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "session/transcript.h"

/* Appends the Markdown of t to out. model may be NULL; when is printed as given ("" omits). */
void export_markdown(const Transcript *t, const char *model, const char *when, StrBuf *out);
/* "flint-conversation-YYYYMMDD-HHMM.md" for now (local time). */
void export_default_name(time_t now, char *out, size_t size);
/* Writes data[0, len) to path atomically (see above). */
bool export_write(const char *path, const char *data, size_t len, ErrorBuf *err);

#endif
