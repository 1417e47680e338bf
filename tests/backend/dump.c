/* Dump file writer: a fully buffered stdio stream with a large buffer, because at --rate 0
 * a dump line is written for each of hundreds of thousands of deltas per second. */
#include "tests/backend/dump.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct Dump {
    FILE *f;
};

Dump *dump_open(const char *path, ErrorBuf *err)
{
    FILE *f = fopen(path, "we");
    if (!f) {
        error_errno(err, "cannot open dump file %s", path);
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    Dump *d = xmalloc(sizeof *d);
    d->f = f;
    return d;
}

void dump_close(Dump *d)
{
    if (!d)
        return;
    fclose(d->f);
    free(d);
}

void dump_line(Dump *d, char kind, const char *json, size_t len)
{
    if (!d)
        return;
    putc(kind, d->f);
    putc(' ', d->f);
    fwrite(json, 1, len, d->f);
    putc('\n', d->f);
}

void dump_flush(Dump *d)
{
    if (d)
        fflush(d->f);
}
