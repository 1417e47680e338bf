/* Whole writes to a descriptor: see fdio.h. */
#include "core/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

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

bool fdio_read_upto(int fd, void *buf, size_t cap, size_t *got)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, (char *)buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *got = n;
            return false;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return true;
}

bool fdio_make_dirs(const char *dir, mode_t mode)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return errno = ENAMETOOLONG, false;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return false;
        buf[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) < 0)
        return false;
    if (!S_ISDIR(st.st_mode))
        return errno = ENOTDIR, false;
    return true;
}

/* "cannot write PATH: why", with the likely cause of a permission error. */
static bool replace_failed(ErrorBuf *err, const char *path, int e)
{
    return error_set(err, "cannot write %s: %s%s", path, strerror(e),
                     e == EACCES || e == EROFS || e == EPERM ? " (is the directory read-only?)"
                                                             : "");
}

bool fdio_replace_file(const char *path, const void *data, size_t len, mode_t mode,
                       bool durable, ErrorBuf *err)
{
    if (!path || !*path)
        return error_set(err, "no file name");
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    /* dir/.base.XXXXXX: hidden beside the target, on the same file system for the rename */
    size_t tlen = strlen(path) + 16;
    char *tmp = xmalloc(tlen);
    char dir[4096];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(dlen ? dlen : 1), path);
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(tmp, tlen, "%.*s%s.%s.XXXXXX", (int)dlen, path, slash ? "/" : "", base);
    int fd = mkstemp(tmp); /* 0600, O_EXCL */
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return replace_failed(err, path, e);
    }
    mode_t um = umask(0);
    umask(um);
    int e = 0;
    if (!fdio_write_all(fd, data, len) || fchmod(fd, mode & ~um) < 0 ||
        (durable && fsync(fd) < 0))
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno; /* NFS and quotas report late */
    if (!e && rename(tmp, path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return replace_failed(err, path, e);
    }
    free(tmp);
    if (durable) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    return true;
}
