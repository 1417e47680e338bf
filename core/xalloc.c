#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_cleanup)(void);

void fatal_set_cleanup(void (*fn)(void)) { fatal_cleanup = fn; }

void fatal(const char *file, int line, const char *fmt, ...)
{
    void (*fn)(void) = fatal_cleanup;
    fatal_cleanup = NULL; /* a fault inside the hook must not recurse */
    if (fn)
        fn();
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "flint: %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void *check(void *p, size_t size)
{
    if (!p && size)
        fatal(__FILE__, __LINE__, "out of memory (%zu bytes)", size);
    return p;
}

void *xmalloc(size_t size) { return check(malloc(size ? size : 1), size); }

void *xcalloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        fatal(__FILE__, __LINE__, "allocation overflow");
    return check(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *ptr, size_t size) { return check(realloc(ptr, size ? size : 1), size); }

char *xstrdup(const char *s) { return xmemdup(s, strlen(s) + 1); }

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);
    if (n)
        memcpy(q, p, n);
    return q;
}

void *xgrow(void *ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return ptr;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > (size_t)-1 / 2)
            fatal(__FILE__, __LINE__, "allocation overflow");
        c *= 2;
    }
    if (elem && c > (size_t)-1 / elem)
        fatal(__FILE__, __LINE__, "allocation overflow");
    *cap = c;
    return xrealloc(ptr, c * elem);
}
