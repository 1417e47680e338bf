/* Buffer, file half: loading and the atomic save with its changed-on-disk checks (the
 * editing half is buffer.c; the shared struct is in buffer_internal.h; recovery files are
 * session/recovery.c's, this file only keeps the buffer's RecoveryPlan following its path).
 *
 * Invariants:
 *   - path is NULL for an unnamed buffer; it changes only after a successful load/save-as,
 *     and the recovery plan is recomputed with it.
 *   - disk is the identity (device, inode, size, mtime) of the file at path as this buffer
 *     last saw it: at load (fstat of the fd it read) and after each save (fstat of the temp
 *     file just before it was renamed into place, so no one else's write can slip in between).
 *     disk.exists is false for a file that did not exist when it was opened.
 *   - confirm_path/confirm_id: a save to confirm_path was refused (changed on disk, or an
 *     existing file for save-as) while that file looked like confirm_id. A save to the same
 *     path while it still looks the same is the user's "save again": it overwrites. Any
 *     successful save or load clears it.
 *
 * Saving writes a temp file ".NAME.XXXXXX" (mkstemp: O_EXCL, 0600) next to the symlink-
 * resolved target, fsyncs it, gives it the target's mode, renames it over the target and
 * fsyncs the directory (the steps of a crash-safe replace; see rename(2)). */
#include "session/buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/undo.h"
#include "core/xalloc.h"
#include "session/buffer_internal.h"

#define BUFFER_SYMLINK_MAX 40

/* --- loading ----------------------------------------------------------------------------- */

static BufferDiskId buffer_disk_id_of(const struct stat *st)
{
    return (BufferDiskId){.exists = true, .regular = S_ISREG(st->st_mode), .dev = st->st_dev,
                          .ino = st->st_ino, .size = st->st_size, .mtim = st->st_mtim};
}

/* The identity of the file at path now (following symlinks, as a save does). False when
 * stat fails for another reason than "there is no such file": then nothing can be said. */
static bool buffer_disk_id(const char *path, BufferDiskId *id)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        *id = buffer_disk_id_of(&st);
        return true;
    }
    *id = (BufferDiskId){.exists = false};
    return errno == ENOENT || errno == ENOTDIR;
}

static bool buffer_disk_id_equal(const BufferDiskId *a, const BufferDiskId *b)
{
    if (a->exists != b->exists)
        return false;
    return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
                          a->mtim.tv_sec == b->mtim.tv_sec &&
                          a->mtim.tv_nsec == b->mtim.tv_nsec);
}

static void buffer_clear_confirm(Buffer *b)
{
    free(b->confirm_path);
    b->confirm_path = NULL;
}

/* Replaces the contents with data (a fresh history whose savepoint is this text). */
static void buffer_reset(Buffer *b, const char *data, size_t len, const char *path,
                         const BufferDiskId *disk)
{
    text_set(b->text, data, len);
    b->version++;
    undo_clear(b->undo);
    b->cursor = (TextPos){0, 0};
    b->want_valid = false;
    char *copy = xstrdup(path);
    free(b->path);
    b->path = copy;
    b->disk = *disk;
    b->saved = false;
    buffer_clear_confirm(b);
    recovery_plan_set(b->recovery, b->path);
}

bool buffer_open(Buffer *b, const char *path, ErrorBuf *err)
{
    if (!*path)
        return error_set(err, "no file name");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            buffer_reset(b, "", 0, path, &(BufferDiskId){.exists = false});
            return true;
        }
        return error_errno(err, "cannot open %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        error_errno(err, "cannot open %s", path);
        close(fd);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, "cannot open %s: %s", path,
                         S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *data = xmalloc(cap);
    for (;;) {
        if (len == cap)
            data = xgrow(data, &cap, cap + 1, 1); /* the file grew while we read it */
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_errno(err, "cannot read %s", path);
            free(data);
            close(fd);
            return false;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    /* The identity from before the read: if the file changed while we read it, the next
     * save sees a difference and asks first, which is the safe side. */
    BufferDiskId disk = buffer_disk_id_of(&st);
    buffer_reset(b, data, len, path, &disk);
    free(data);
    return true;
}

/* --- saving ------------------------------------------------------------------------------ */

/* Follows symlinks from path to the file a save must replace (which may not exist yet). */
static char *buffer_resolve_target(const char *path, ErrorBuf *err)
{
    char *cur = xstrdup(path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
            return cur; /* a missing file is created; other errors surface on open */
        if (hops == BUFFER_SYMLINK_MAX) {
            errno = ELOOP;
            error_errno(err, "cannot save %s", path);
            free(cur);
            return NULL;
        }
        size_t cap = (size_t)st.st_size + 1;
        char *link = xmalloc(cap > PATH_MAX ? cap : PATH_MAX);
        ssize_t n = readlink(cur, link, (cap > PATH_MAX ? cap : PATH_MAX) - 1);
        if (n < 0) {
            error_errno(err, "cannot save %s", path);
            free(link);
            free(cur);
            return NULL;
        }
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        if (link[0] != '/' && slash) {
            /* A relative link is relative to the directory holding the link. */
            StrBuf sb = {0};
            sb_append(&sb, cur, (size_t)(slash - cur) + 1);
            sb_puts(&sb, link);
            free(link);
            link = sb_steal(&sb, NULL);
        }
        free(cur);
        cur = link;
    }
}

static mode_t buffer_new_file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0644 & ~mask;
}

/* Writes the text over path (see the top of the file); on success *written is the identity
 * of the file now at path. */
static bool buffer_write_file(const Buffer *b, const char *path, BufferDiskId *written,
                              ErrorBuf *err)
{
    char *target = buffer_resolve_target(path, err);
    if (!target)
        return false;
    bool ok = false;
    char *tmp = NULL, *dir = NULL, *iobuf = NULL;
    int fd = -1;

    struct stat st;
    bool exists = stat(target, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        error_set(err, "cannot save %s: %s", path,
                  S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
        goto out;
    }
    mode_t mode = exists ? (st.st_mode & 07777) : buffer_new_file_mode();

    const char *slash = strrchr(target, '/');
    dir = slash ? xstrndup(target, (size_t)(slash - target) + 1) : xstrdup(".");
    const char *base = slash ? slash + 1 : target;
    StrBuf name = {0};
    if (slash)
        sb_puts(&name, dir);
    /* ".NAME.XXXXXX"; a very long NAME is shortened so the temp name still fits NAME_MAX. */
    sb_printf(&name, ".%.200s.XXXXXX", base);
    tmp = sb_steal(&name, NULL);

    fd = mkstemp(tmp); /* O_CREAT | O_EXCL, mode 0600 */
    if (fd < 0) {
        error_errno(err, "cannot save %s", path);
        free(tmp);
        tmp = NULL;
        goto out;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    enum { IOBUF = 64 * 1024 };
    iobuf = xmalloc(IOBUF);
    int e = text_write_fd(b->text, fd, iobuf, IOBUF);
    if (e) {
        errno = e;
        error_errno(err, "cannot save %s", path);
        goto out;
    }
    /* Owner first: chown clears set-id bits, which fchmod then restores. Best effort: only
     * root (or a member of the group) may do it. */
    if (exists && (st.st_uid != geteuid() || st.st_gid != getegid()))
        (void)!fchown(fd, st.st_uid, st.st_gid);
    /* Filesystems without permission bits (vfat) refuse fchmod: not a reason to fail. */
    if (fchmod(fd, mode) < 0 && errno != EPERM && errno != ENOTSUP) {
        error_errno(err, "cannot save %s (chmod)", path);
        goto out;
    }
    if (fsync(fd) < 0) { /* after fchmod, so the mode is as durable as the bytes */
        error_errno(err, "cannot save %s (fsync)", path);
        goto out;
    }
    /* The identity the file will have at path: rename keeps inode, size and mtime. */
    struct stat wst;
    if (fstat(fd, &wst) < 0) {
        error_errno(err, "cannot save %s (fstat)", path);
        goto out;
    }
    *written = buffer_disk_id_of(&wst);
    int fd_to_close = fd;
    fd = -1;
    if (close(fd_to_close) < 0) { /* NFS and quotas may report write errors only here */
        error_errno(err, "cannot save %s", path);
        goto out;
    }
    if (rename(tmp, target) < 0) {
        error_errno(err, "cannot save %s (rename)", path);
        goto out;
    }
    free(tmp);
    tmp = NULL; /* renamed: nothing to clean up */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd); /* makes the rename durable; some filesystems cannot, that is fine */
        close(dfd);
    }
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    free(tmp);
    free(dir);
    free(iobuf);
    free(target);
    return ok;
}

bool buffer_changed_on_disk(const Buffer *b)
{
    BufferDiskId now;
    if (!b->path || !buffer_disk_id(b->path, &now))
        return false;
    return !buffer_disk_id_equal(&now, &b->disk);
}

/* The "save again to overwrite" rule: true when the last refused save was to path and the
 * file there still looks as it did then. Otherwise remembers this refusal and returns false. */
static bool buffer_confirmed(Buffer *b, const char *path, const BufferDiskId *now)
{
    if (b->confirm_path && strcmp(b->confirm_path, path) == 0 &&
        buffer_disk_id_equal(&b->confirm_id, now))
        return true;
    char *copy = xstrdup(path);
    free(b->confirm_path);
    b->confirm_path = copy;
    b->confirm_id = *now;
    return false;
}

/* Refuses (once) to replace a file that is not what this buffer last loaded or saved there:
 * someone else's edits would be lost without a word. */
static bool buffer_check_own_file(Buffer *b, const char *path, const BufferDiskId *now,
                                  ErrorBuf *err)
{
    if (buffer_disk_id_equal(now, &b->disk) || buffer_confirmed(b, path, now))
        return true;
    const char *since = b->saved ? "last saved" : "opened";
    if (!now->exists)
        return error_set(err, "%s was deleted or moved on disk since it was %s; save again to "
                         "write it", buffer_base_name(path), since);
    return error_set(err, "%s changed on disk since it was %s; save again to overwrite",
                     buffer_base_name(path), since);
}

/* Writes to path and makes it the buffer's file. */
static bool buffer_save_to(Buffer *b, const char *path, ErrorBuf *err)
{
    BufferDiskId written;
    if (!buffer_write_file(b, path, &written, err))
        return false;
    if (path != b->path) {
        char *copy = xstrdup(path);
        free(b->path);
        b->path = copy;
        recovery_plan_set(b->recovery, b->path);
    }
    b->disk = written;
    b->saved = true;
    buffer_clear_confirm(b);
    undo_set_savepoint(b->undo);
    return true;
}

bool buffer_save(Buffer *b, ErrorBuf *err)
{
    if (!b->path)
        return error_set(err, "no file name (use save as)");
    BufferDiskId now;
    if (buffer_disk_id(b->path, &now) && !buffer_check_own_file(b, b->path, &now, err))
        return false;
    return buffer_save_to(b, b->path, err);
}

bool buffer_save_as(Buffer *b, const char *path, ErrorBuf *err)
{
    if (!*path)
        return error_set(err, "no file name");
    BufferDiskId now;
    if (buffer_disk_id(path, &now)) {
        /* The buffer's own file under its own or another name (a symlink, "./x"): the
         * changed-on-disk rule. Any other existing file: ask before replacing it. */
        bool own = b->path && (strcmp(path, b->path) == 0 ||
                               (now.exists && b->disk.exists && now.dev == b->disk.dev &&
                                now.ino == b->disk.ino));
        if (own) {
            if (!buffer_check_own_file(b, path, &now, err))
                return false;
        } else if (now.exists && now.regular && !buffer_confirmed(b, path, &now)) {
            return error_set(err, "%s exists; save again to overwrite", buffer_base_name(path));
        }
    }
    return buffer_save_to(b, path, err);
}

bool buffer_write_recovery(const Buffer *b, RecoveryReport *r)
{
    return recovery_write(b->recovery, b->text, r);
}

bool buffer_find_recovery(const Buffer *b, char *out, size_t out_size)
{
    return recovery_find(b->recovery, out, out_size);
}
