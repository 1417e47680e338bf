/* Buffer, saving: how the bytes reach the disk (the policy is in buffer_save.h; the checks
 * that come first, "changed on disk" and "read-only: save again", are buffer_file.c's).
 *
 * Two ways to write:
 *   - atomic: a temp file ".NAME.XXXXXX" (mkstemp: O_EXCL, 0600) next to the symlink-
 *     resolved target, written, given the target's mode (and group where allowed), fsynced,
 *     renamed over the target, the directory fsynced (the steps of a crash-safe replace; see
 *     rename(2)). A failure before the rename leaves the original untouched.
 *   - in place: first a copy of the old contents goes to "STATE/flint/backup/NAME.HASH"
 *     (itself written atomically, 0600); then the file is opened for writing (no O_TRUNC),
 *     checked to be the same inode that was examined, overwritten from offset 0, truncated
 *     to the new length and fsynced. Inode, links, owner, group, mode, ACLs stay. A failure
 *     part-way leaves a damaged file, and the message names the backup to restore from.
 *     An owner's read-only file (saving again forced it) gets u+w for the write only.
 *
 * Invariant: nothing here changes the Buffer; the caller records the new identity. */
#include "session/buffer_save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdio.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "session/recovery.h"

#define BUFFER_SYMLINK_MAX 40
#define BUFFER_IOBUF (64 * 1024)

/* --- where and how --------------------------------------------------------------------------- */

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


static bool buffer_in_group(gid_t gid)
{
    if (gid == getegid())
        return true;
    gid_t groups[256];
    int n = getgroups(256, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return true;
    return false;
}

/* access(2) with the effective ids, as the write itself will be checked. Root passes every
 * permission check, so for root a file is read-only when it has no write bit at all: the
 * owner marked it so, and a save should not go over that without a second word. */
static bool buffer_may(const char *path, const struct stat *st, int how)
{
    if (geteuid() == 0)
        return how != W_OK || (st->st_mode & 0222) != 0;
    return faccessat(AT_FDCWD, path, how, AT_EACCESS) == 0;
}

bool buffer_save_target(const char *path, BufferSaveTarget *t, ErrorBuf *err)
{
    *t = (BufferSaveTarget){0};
    t->target = buffer_resolve_target(path, err);
    if (!t->target)
        return false;
    t->exists = stat(t->target, &t->st) == 0;
    if (!t->exists)
        return true; /* a new file: atomic create (or the error the create gives) */
    if (!S_ISREG(t->st.st_mode)) {
        error_set(err, "cannot save %s: %s", path,
                  S_ISDIR(t->st.st_mode) ? "is a directory" : "not a regular file");
        buffer_save_target_free(t);
        return false;
    }
    t->read_only = !buffer_may(t->target, &t->st, W_OK);
    const char *slash = strrchr(t->target, '/');
    char *dir = slash == t->target ? xstrdup("/")
                : slash ? xstrndup(t->target, (size_t)(slash - t->target)) : xstrdup(".");
    bool root = geteuid() == 0;
    if (t->st.st_nlink > 1)
        t->why = "it has other hard links";
    else if (t->st.st_uid != geteuid())
        t->why = "it belongs to another user";
    else if (!root && !buffer_in_group(t->st.st_gid))
        t->why = "a new file could not keep its group";
    else if (!root && faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0)
        t->why = "its directory is not writable";
    t->in_place = t->why != NULL;
    free(dir);
    return true;
}

void buffer_save_target_free(BufferSaveTarget *t)
{
    free(t->target);
    t->target = NULL;
}

/* --- atomic -------------------------------------------------------------------------------- */

/* The atomic replace: temp file next to the target, fsync, the old mode (and group, where
 * allowed), rename over the target, fsync the directory. */
static bool buffer_write_atomic(const Text *text, const char *path, const BufferSaveTarget *t,
                                BufferDiskId *written, ErrorBuf *err)
{
    const char *target = t->target;
    const struct stat st = t->st;
    bool exists = t->exists;
    bool ok = false;
    char *tmp = NULL, *dir = NULL, *iobuf = NULL;
    int fd = -1;

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
    int e = text_write_fd(text, fd, iobuf, IOBUF);
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
    return ok;
}

/* --- in place ------------------------------------------------------------------------------ */

/* mkdir -p of the directory part of path, 0700. */
static void buffer_mkdirs_for(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        (void)mkdir(p, 0700);
        *s = '/';
    }
    free(p);
}

/* Copies the file at target to backup (atomically: temp, fsync, rename), 0600. */
static bool buffer_backup_copy(const char *target, const char *backup, ErrorBuf *err)
{
    buffer_mkdirs_for(backup);
    StrBuf tmpl = {0};
    sb_printf(&tmpl, "%s.XXXXXX", backup);
    char *tmp = sb_steal(&tmpl, NULL);
    int in = open(target, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : mkstemp(tmp);
    bool ok = false;
    if (in < 0 || out < 0) {
        error_errno(err, "%s", in < 0 ? target : backup);
        goto done;
    }
    char *buf = xmalloc(BUFFER_IOBUF);
    for (;;) {
        ssize_t n = read(in, buf, BUFFER_IOBUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_errno(err, "%s", target);
            break;
        }
        if (n == 0) {
            ok = true;
            break;
        }
        if (!fdio_write_all(out, buf, (size_t)n)) {
            error_errno(err, "%s", backup);
            break;
        }
    }
    free(buf);
    if (ok && fsync(out) < 0)
        ok = error_errno(err, "%s", backup);
    int fd = out;
    out = -1;
    if (close(fd) < 0 && ok)
        ok = error_errno(err, "%s", backup);
    if (ok && rename(tmp, backup) < 0)
        ok = error_errno(err, "%s", backup);
done:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

static bool buffer_write_in_place(const Text *text, const char *path, const BufferSaveTarget *t,
                                  BufferDiskId *written, char *backup_out, size_t backup_size,
                                  ErrorBuf *err)
{
    char backup[PATH_MAX];
    RecoveryPlan *plan = recovery_plan_new();
    recovery_plan_set(plan, t->target);
    bool have_backup_path = recovery_backup_path(plan, backup, sizeof backup);
    recovery_plan_free(plan);
    if (!have_backup_path)
        return error_set(err, "cannot save %s: writing it in place (%s) needs a backup copy "
                         "first, and there is no state directory (HOME is unset)", path, t->why);
    ErrorBuf why;
    if (!buffer_backup_copy(t->target, backup, &why))
        return error_set(err, "cannot save %s: writing it in place (%s) needs a backup copy "
                         "first, which failed: %s", path, t->why, why.msg);

    int fd = open(t->target, O_WRONLY | O_CLOEXEC);
    bool chmodded = false;
    if (fd < 0 && errno == EACCES && t->st.st_uid == geteuid() &&
        chmod(t->target, (t->st.st_mode & 07777) | S_IWUSR) == 0) {
        /* The owner's read-only file, and saving again said "anyway": writable for the write
         * only, the mode comes back below. */
        chmodded = true;
        fd = open(t->target, O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        int e = errno;
        if (chmodded)
            (void)chmod(t->target, t->st.st_mode & 07777);
        errno = e;
        return error_errno(err, "cannot save %s", path);
    }
    struct stat now;
    int e = 0;
    if (fstat(fd, &now) < 0)
        e = errno;
    else if (now.st_dev != t->st.st_dev || now.st_ino != t->st.st_ino)
        e = ESTALE; /* replaced since it was examined: write nothing into a stranger */
    char *iobuf = e ? NULL : xmalloc(BUFFER_IOBUF);
    if (!e)
        e = text_write_fd(text, fd, iobuf, BUFFER_IOBUF);
    free(iobuf);
    if (!e && ftruncate(fd, (off_t)text_byte_count(text)) < 0)
        e = errno;
    if (chmodded && fchmod(fd, t->st.st_mode & 07777) < 0 && !e)
        e = errno;
    if (!e && fsync(fd) < 0)
        e = errno;
    struct stat wst;
    if (!e && fstat(fd, &wst) < 0)
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno;
    if (e == ESTALE)
        return error_set(err, "cannot save %s: it was replaced while saving; nothing was "
                         "written", path);
    if (e) {
        errno = e;
        return error_errno(err, "cannot save %s (its old contents are in %s)", path, backup);
    }
    *written = buffer_disk_id_of(&wst);
    if (backup_out && backup_size)
        snprintf(backup_out, backup_size, "%s", backup);
    return true;
}

bool buffer_save_write(const Text *text, const char *path, const BufferSaveTarget *t,
                       BufferDiskId *written, char *backup, size_t backup_size, ErrorBuf *err)
{
    if (backup && backup_size)
        backup[0] = '\0';
    if (t->exists && t->in_place)
        return buffer_write_in_place(text, path, t, written, backup, backup_size, err);
    return buffer_write_atomic(text, path, t, written, err);
}
