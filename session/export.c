/* Export: see export.h. The Markdown is built in one pass over the entries; the write is the
 * usual crash-safe replace (session/buffer_save.c explains the steps), without the mode and
 * owner keeping a user's own file needs: an export is a new file. */
#define _GNU_SOURCE
#include "session/export.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "session/answer_blocks.h"

/* The question's first line, shortened, for its heading. */
static void heading_words(StrBuf *out, const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != '\n')
        n++;
    bool cut = n < len;
    if (n > 60) {
        n = 60;
        while (n > 40 && s[n] != ' ')
            n--;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* never inside a character */
            n--;
        cut = true;
    }
    sb_append(out, s, n);
    if (cut)
        sb_puts(out, " ...");
}

/* s as a block quote: each line prefixed ("> ", the first with first; an empty line ">"). */
static void quoted(StrBuf *out, const char *s, size_t len, const char *first)
{
    if (len && s[len - 1] == '\n')
        len--;
    size_t p = 0;
    for (bool lead = true;; lead = false) {
        const char *nl = memchr(s + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - s) : len;
        sb_puts(out, lead ? first : e > p ? "> " : ">");
        sb_append(out, s + p, e - p);
        sb_putc(out, '\n');
        if (!nl)
            break;
        p = e + 1;
    }
}

static const char *state_word(EntryState st)
{
    switch (st) {
    case ENTRY_OPEN: return "still streaming when exported";
    case ENTRY_DONE: return NULL;
    case ENTRY_INTERRUPTED: return "interrupted";
    case ENTRY_NETWORK: return "interrupted by network";
    case ENTRY_INCOMPLETE: return "incomplete";
    case ENTRY_FAILED: return "failed";
    case ENTRY_STALLED: return "stalled";
    }
    return NULL;
}

static void answer(StrBuf *out, const TranscriptEntry *en)
{
    const char *s = en->text.data ? en->text.data : "";
    size_t len = en->text.len;
    sb_append(out, s, len);
    if (len && s[len - 1] != '\n')
        sb_putc(out, '\n');
    AnswerBlock b;
    if (answer_block_last(s, len, &b) && !b.closed) {
        /* Cut off inside a block: close it with the fence that opened it. */
        AnswerFence f;
        const char *nl = memchr(s + b.start, '\n', len - b.start);
        size_t fl = nl ? (size_t)(nl - (s + b.start)) : len - b.start;
        if (answer_fence_open(s + b.start, fl, &f)) {
            for (size_t i = 0; i < f.run; i++)
                sb_putc(out, f.ch);
            sb_putc(out, '\n');
        }
    }
    const char *w = state_word(en->state);
    if (w) {
        sb_printf(out, "%s*[%s", len ? "\n" : "", w);
        if (en->detail && *en->detail && en->state != ENTRY_INTERRUPTED)
            sb_printf(out, ": %s", en->detail);
        sb_puts(out, "]*\n");
    }
}

void export_markdown(const Transcript *t, const char *model, const char *when, StrBuf *out)
{
    sb_puts(out, "# flint conversation\n\n");
    if (model && *model)
        sb_printf(out, "Model: %s", model);
    if (when && *when)
        sb_printf(out, "%sExported: %s", model && *model ? "  \n" : "", when);
    if ((model && *model) || (when && *when))
        sb_puts(out, "\n\n");
    size_t n = transcript_count(t), q = 0;
    for (size_t i = 0; i < n; i++) {
        const TranscriptEntry *en = transcript_entry(t, i);
        const char *s = en->text.data ? en->text.data : "";
        switch (en->kind) {
        case ENTRY_USER:
            sb_printf(out, "## %zu. ", ++q);
            heading_words(out, s, en->text.len);
            sb_puts(out, "\n\n");
            quoted(out, s, en->text.len, "> ");
            sb_putc(out, '\n');
            break;
        case ENTRY_ANSWER:
            answer(out, en);
            sb_putc(out, '\n');
            break;
        case ENTRY_NOTE:
            quoted(out, s, en->text.len, "> **flint:** ");
            sb_putc(out, '\n');
            break;
        }
    }
}

void export_default_name(time_t now, char *out, size_t size)
{
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, size, "flint-conversation-%Y%m%d-%H%M.md", &tm);
}

bool export_write(const char *path, const char *data, size_t len, ErrorBuf *err)
{
    if (!path || !*path)
        return error_set(err, "export: no file name");
    char *dcopy = xstrdup(path), *bcopy = xstrdup(path);
    const char *dir = dirname(dcopy), *base = basename(bcopy);
    char *tmp = xmalloc(strlen(dir) + strlen(base) + 16);
    sprintf(tmp, "%s/.%s.XXXXXX", dir, base);
    bool ok = false;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        error_set(err, "cannot write %s: %s%s", path, strerror(e),
                  e == EACCES || e == EROFS || e == EPERM ? " (is the directory read-only?)"
                                                          : "");
        goto out;
    }
    mode_t um = umask(0);
    umask(um);
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            error_errno(err, "cannot write %s", path);
            goto fail;
        }
        done += (size_t)w;
    }
    if (fchmod(fd, 0644 & ~um) < 0 || fsync(fd) < 0) {
        error_errno(err, "cannot write %s", path);
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        error_errno(err, "cannot write %s", path);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        error_errno(err, "cannot write %s", path);
        goto fail;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    ok = true;
    goto out;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out:
    free(tmp);
    free(dcopy);
    free(bcopy);
    return ok;
}
