/* Whole writes to a descriptor: see fdio.h. */
#include "core/fdio.h"

#include <errno.h>
#include <unistd.h>

bool fdio_write_all_with(FdioWriteFn write_fn, int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write_fn(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static ssize_t sys_write(int fd, const void *buf, size_t n) { return write(fd, buf, n); }

bool fdio_write_all(int fd, const void *buf, size_t n)
{
    return fdio_write_all_with(sys_write, fd, buf, n);
}
