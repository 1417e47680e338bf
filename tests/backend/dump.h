/* The --dump file: every event the backend sends ("S <json>") and every message it
 * receives ("R <json>"), one per line, for validate_schema.py and for debugging.
 * A Dump owns its FILE; dump_close flushes and frees (NULL is fine). Lines are buffered and
 * flushed at the points where a reader may look (terminal events, errors, receipt).
 * Error tier 3 for dump_open (returns NULL and fills err). */
#ifndef FLINT_BACKEND_DUMP_H
#define FLINT_BACKEND_DUMP_H

#include <stddef.h>

#include "core/error.h"

typedef struct Dump Dump;

Dump *dump_open(const char *path, ErrorBuf *err);
void dump_close(Dump *d);
/* Writes "<kind> " + json + "\n"; json must not contain a raw newline (compact JSON never
 * does). d may be NULL (no dump). */
void dump_line(Dump *d, char kind, const char *json, size_t len);
void dump_flush(Dump *d);

#endif
