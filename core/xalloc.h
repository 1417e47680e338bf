/* xalloc: allocation that never returns NULL, and the programmer-error macros.
 *
 * Error tier 2 (out of memory) and tier 1 (BUG_ON/UNREACHABLE): both restore the terminal
 * through the hook registered with fatal_set_cleanup(), print a message to stderr and abort.
 * Callers never check these results for NULL. */
#ifndef FLINT_CORE_XALLOC_H
#define FLINT_CORE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* Grow *cap geometrically until it holds need elements of elem bytes; returns the new block. */
void *xgrow(void *ptr, size_t *cap, size_t need, size_t elem);

/* The one process-wide hook (set once at start-up by app/): called before a fatal abort so
 * that the terminal is restored and unsaved text is written to a recovery file. */
void fatal_set_cleanup(void (*fn)(void));
_Noreturn void fatal(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define BUG_ON(cond) \
    do { if (cond) fatal(__FILE__, __LINE__, "BUG: %s", #cond); } while (0)
#define UNREACHABLE() fatal(__FILE__, __LINE__, "BUG: unreachable")

#endif
