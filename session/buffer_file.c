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
 * How the bytes reach the disk (atomic rename, or in place after a backup copy for hard
 * links and others' files) is buffer_save.c's; this file decides whether to ask first. */
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
#include "session/buffer_save.h"


/* --- loading ----------------------------------------------------------------------------- */

BufferDiskId buffer_disk_id_of(const struct stat *st)
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
    b->selecting = false;
    char *copy = xstrdup(path);
    free(b->path);
    b->path = copy;
    b->disk = *disk;
    b->saved = false;
    b->binary = false;
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
    b->binary = buffer_looks_binary(data, len);
    free(data);
    return true;
}

/* A NUL is never text; invalid UTF-8 is counted in bytes, so a Latin-1 file with a few
 * accents stays text while compressed or executable data is binary. A sequence cut by the
 * 8 KiB limit is not held against the file. */
bool buffer_looks_binary(const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t n = len < 8192 ? len : 8192, bad = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == 0)
            return true;
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (k > 1 && i + k > n && n < len)
            break; /* cut by the limit */
        bool ok = k > 0 && i + k <= n && !(k == 2 && c < 0xC2);
        for (size_t j = 1; ok && j < k; j++)
            ok = (p[i + j] & 0xC0) == 0x80;
        if (!ok) {
            bad++;
            i++;
        } else {
            i += k;
        }
    }
    return n > 0 && bad * 8 > n;
}

bool buffer_binary(const Buffer *b) { return b->binary; }

void buffer_load_text(Buffer *b, const char *data, size_t len)
{
    text_set(b->text, data, len);
    b->version++;
    undo_clear(b->undo);
    b->cursor = (TextPos){0, 0};
    b->want_valid = false;
    b->binary = false;
}

bool buffer_swap_path(const Buffer *b, char *out, size_t out_size)
{
    return recovery_swap_path(b->recovery, out, out_size);
}

bool buffer_disk_stamp(const Buffer *b, long long *size, long long *mtime_ns)
{
    if (!b->path || !b->disk.exists)
        return false;
    *size = (long long)b->disk.size;
    *mtime_ns = (long long)b->disk.mtim.tv_sec * 1000000000ll + b->disk.mtim.tv_nsec;
    return true;
}

/* --- saving ------------------------------------------------------------------------------ */

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

/* Why a save to path needs the user's "save again" first, into why (empty: it does not):
 * the file is not what this buffer last loaded or saved there (own), or is another existing
 * file (save-as), so someone else's text would be lost without a word; or the user may not
 * write it (a save would have to go over the owner's "read-only"). */
static void buffer_save_problem(const Buffer *b, const char *path, bool own, bool known,
                                const BufferDiskId *now, const BufferSaveTarget *t,
                                StrBuf *why)
{
    const char *name = buffer_base_name(path);
    const char *since = b->saved ? "last saved" : "opened";
    bool gone = false;
    if (known && own && !buffer_disk_id_equal(now, &b->disk)) {
        gone = !now->exists;
        sb_printf(why, "%s %s on disk since it was %s", name,
                  gone ? "was deleted or moved" : "changed", since);
    } else if (known && !own && now->exists && now->regular) {
        sb_printf(why, "%s exists", name);
    }
    if (t->exists && t->read_only) {
        if (why->len)
            sb_printf(why, " and is read-only (mode %04o)", (unsigned)(t->st.st_mode & 07777));
        else
            sb_printf(why, "%s is read-only (mode %04o%s); save again to write it anyway, or "
                      "save as another name", name, (unsigned)(t->st.st_mode & 07777),
                      t->st.st_uid != geteuid() ? ", another user's" : "");
        if (why->len && !strstr(why->data, "save again"))
            sb_puts(why, "; save again to overwrite");
        return;
    }
    if (why->len)
        sb_puts(why, gone ? "; save again to write it" : "; save again to overwrite");
}

/* Writes to path and makes it the buffer's file. */
static bool buffer_save_to(Buffer *b, const char *path, const BufferSaveTarget *t,
                           ErrorBuf *err)
{
    BufferDiskId written;
    if (!buffer_save_write(b->text, path, t, &written, b->backup, sizeof b->backup, err))
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

/* Both saves: the checks, then the write. own: path is the buffer's own file (by name or by
 * device and inode), so the changed-on-disk rule applies rather than "exists". */
static bool buffer_save_checked(Buffer *b, const char *path, bool own, ErrorBuf *err)
{
    b->refused = false;
    b->backup[0] = '\0';
    BufferDiskId now;
    bool known = buffer_disk_id(path, &now);
    BufferSaveTarget t;
    if (!buffer_save_target(path, &t, err))
        return false;
    StrBuf why = {0};
    buffer_save_problem(b, path, own, known, &now, &t, &why);
    bool ok;
    if (why.len && !buffer_confirmed(b, path, &now)) {
        b->refused = true;
        ok = error_set(err, "%s", why.data);
    } else {
        ok = buffer_save_to(b, path, &t, err);
        if (!ok)
            buffer_clear_confirm(b); /* a failed try used up the "again": ask (and offer) anew */
    }
    sb_free(&why);
    buffer_save_target_free(&t);
    return ok;
}

bool buffer_save(Buffer *b, ErrorBuf *err)
{
    b->refused = false;
    if (!b->path)
        return error_set(err, "no file name (use save as)");
    return buffer_save_checked(b, b->path, true, err);
}

bool buffer_save_as(Buffer *b, const char *path, ErrorBuf *err)
{
    b->refused = false;
    if (!*path)
        return error_set(err, "no file name");
    BufferDiskId now;
    bool own = b->path && (strcmp(path, b->path) == 0 ||
                           (buffer_disk_id(path, &now) && now.exists && b->disk.exists &&
                            now.dev == b->disk.dev && now.ino == b->disk.ino));
    return buffer_save_checked(b, path, own, err);
}

bool buffer_save_refused(const Buffer *b) { return b->refused; }

const char *buffer_save_backup(const Buffer *b) { return b->backup[0] ? b->backup : NULL; }

bool buffer_read_only(const Buffer *b)
{
    BufferSaveTarget t;
    if (!b->path || !buffer_save_target(b->path, &t, NULL))
        return false;
    bool ro = t.exists && t.read_only;
    buffer_save_target_free(&t);
    return ro;
}

bool buffer_write_recovery(const Buffer *b, RecoveryReport *r)
{
    return recovery_write(b->recovery, b->text, r);
}

bool buffer_find_recovery(const Buffer *b, char *out, size_t out_size)
{
    return recovery_find(b->recovery, out, out_size);
}
