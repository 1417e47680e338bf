/* Swap files (see swap.h for the format and the policy).
 *
 * swap_write streams the header and then the text through text_write_fd into a mkstemp file
 * next to the swap, then renames it over the old one: a reader (the next start) sees the old
 * swap or the new one, never half of one. swap_read checks the magic line, every field it
 * needs and that exactly `length` bytes follow the blank line. */
#include "session/swap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdio.h"
#include "core/xalloc.h"
#include "session/diff.h"

#define SWAP_MAGIC "flint swap 1\n"
#define SWAP_IOBUF (64 * 1024)

static void mkdirs_for(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        (void)mkdir(p, 0700);
        *s = '/';
    }
    free(p);
}

/* 0, or the errno of the write that failed. */
static int write_all(int fd, const char *p, size_t n)
{
    return fdio_write_all(fd, p, n) ? 0 : errno;
}

/* One of t or (data, len) is the text. */
static bool swap_write_any(const char *swap_path, const SwapInfo *h, const Text *t,
                           const char *data, size_t len, ErrorBuf *err)
{
    mkdirs_for(swap_path);
    StrBuf tmpl = {0};
    sb_printf(&tmpl, "%s.XXXXXX", swap_path);
    char *tmp = sb_steal(&tmpl, NULL);
    int fd = mkstemp(tmp); /* 0600, O_EXCL */
    if (fd < 0) {
        error_errno(err, "cannot write the swap file %s", swap_path);
        free(tmp);
        return false;
    }
    StrBuf head = {0};
    sb_printf(&head, SWAP_MAGIC "path %s\nsize %lld\nmtime %lld\npid %ld\ntime %lld\nlength %zu\n\n",
              h->path, h->size, h->mtime_ns, h->pid, h->time, t ? text_byte_count(t) : len);
    int e = write_all(fd, head.data, head.len);
    sb_free(&head);
    if (!e && !t)
        e = write_all(fd, data, len);
    if (!e && t) {
        char *buf = xmalloc(SWAP_IOBUF);
        e = text_write_fd(t, fd, buf, SWAP_IOBUF);
        free(buf);
    }
    if (close(fd) < 0 && !e)
        e = errno; /* NFS and quotas report late */
    if (!e && rename(tmp, swap_path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        errno = e;
        return error_errno(err, "cannot write the swap file %s", swap_path);
    }
    free(tmp);
    return true;
}

bool swap_write(const char *swap_path, const SwapInfo *h, const Text *t, ErrorBuf *err)
{
    return swap_write_any(swap_path, h, t, NULL, 0, err);
}

bool swap_write_bytes(const char *swap_path, const SwapInfo *h, const char *data, size_t len,
                      ErrorBuf *err)
{
    return swap_write_any(swap_path, h, NULL, data, len, err);
}

/* "NAME VALUE\n" at *p: the value's bytes (up to the newline). */
static bool field(const char **p, const char *end, const char *name, const char **val,
                  size_t *len)
{
    size_t n = strlen(name);
    if ((size_t)(end - *p) <= n || memcmp(*p, name, n) != 0 || (*p)[n] != ' ')
        return false;
    const char *v = *p + n + 1;
    const char *nl = memchr(v, '\n', (size_t)(end - v));
    if (!nl)
        return false;
    *val = v;
    *len = (size_t)(nl - v);
    *p = nl + 1;
    return true;
}

static bool number(const char **p, const char *end, const char *name, long long *out)
{
    const char *v;
    size_t len;
    if (!field(p, end, name, &v, &len) || len == 0 || len > 20)
        return false;
    char buf[24];
    memcpy(buf, v, len);
    buf[len] = '\0';
    char *stop;
    errno = 0;
    *out = strtoll(buf, &stop, 10);
    return *stop == '\0' && errno == 0;
}

bool swap_read(const char *swap_path, SwapInfo *h, StrBuf *text, ErrorBuf *err)
{
    int fd = open(swap_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_errno(err, "cannot read %s", swap_path);
    StrBuf all = {0};
    char buf[SWAP_IOBUF];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_errno(err, "cannot read %s", swap_path);
            close(fd);
            sb_free(&all);
            return false;
        }
        if (n == 0)
            break;
        sb_append(&all, buf, (size_t)n);
    }
    close(fd);
    const char *p = all.data ? all.data : "", *end = p + all.len;
    const char *path;
    size_t plen;
    long long pid, length;
    *h = (SwapInfo){0};
    bool ok = all.len >= strlen(SWAP_MAGIC) && memcmp(p, SWAP_MAGIC, strlen(SWAP_MAGIC)) == 0;
    if (ok)
        p += strlen(SWAP_MAGIC);
    ok = ok && field(&p, end, "path", &path, &plen) && plen < sizeof h->path &&
         number(&p, end, "size", &h->size) && number(&p, end, "mtime", &h->mtime_ns) &&
         number(&p, end, "pid", &pid) && number(&p, end, "time", &h->time) &&
         number(&p, end, "length", &length) && p < end && *p == '\n' && length >= 0 &&
         (long long)(end - p - 1) == length;
    if (!ok) {
        sb_free(&all);
        return error_set(err, "%s is not a complete flint swap file", swap_path);
    }
    memcpy(h->path, path, plen);
    h->path[plen] = '\0';
    h->pid = (long)pid;
    sb_append(text, p + 1, (size_t)length);
    sb_free(&all);
    return true;
}

bool swap_pid_alive(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static bool same_line(const char **a, size_t i, const char **b, size_t j)
{
    size_t la = (size_t)(a[i + 1] - a[i]), lb = (size_t)(b[j + 1] - b[j]);
    return la == lb && memcmp(a[i], b[j], la) == 0;
}

static void put_lines(StrBuf *out, char mark, const char **v, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        sb_putc(out, mark);
        size_t len = (size_t)(v[i + 1] - v[i]);
        sb_append(out, v[i], len);
        if (!len || v[i][len - 1] != '\n')
            sb_puts(out, "\n\\ No newline at end of file\n");
    }
}

void swap_diff(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
               const char *name_b, StrBuf *out)
{
    const char **la, **lb;
    size_t na = diff_split_lines(a, alen, &la), nb = diff_split_lines(b, blen, &lb);
    size_t pre = 0;
    while (pre < na && pre < nb && same_line(la, pre, lb, pre))
        pre++;
    size_t suf = 0;
    while (suf < na - pre && suf < nb - pre && same_line(la, na - 1 - suf, lb, nb - 1 - suf))
        suf++;
    if (pre == na && pre == nb) {
        free(la);
        free(lb);
        return;
    }
    /* Three lines of context on each side, as diff -u shows. */
    size_t ctx_lo = pre > 3 ? pre - 3 : 0;
    size_t ctx_hi = suf > 3 ? 3 : suf;
    size_t a_from = ctx_lo, a_to = na - suf + ctx_hi, b_to = nb - suf + ctx_hi;
    sb_printf(out, "--- %s\n+++ %s\n@@ -%zu,%zu +%zu,%zu @@\n", name_a, name_b,
              a_from + (a_to > a_from), a_to - a_from, a_from + (b_to > a_from), b_to - a_from);
    put_lines(out, ' ', la, ctx_lo, pre);
    put_lines(out, '-', la, pre, na - suf);
    put_lines(out, '+', lb, pre, nb - suf);
    put_lines(out, ' ', la, na - suf, a_to);
    free(la);
    free(lb);
}
