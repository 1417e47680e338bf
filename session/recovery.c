/* Recovery files (see recovery.h for the policy).
 *
 * Data: a RecoveryPlan holds, in fixed arrays, everything recovery_write needs: the file's
 * resolved directory and the name to use there, the state directory, the private temporary
 * directory, the "NAME.HASH" stem for those two, and the user id. It is recomputed whenever
 * the buffer's path changes (recovery_plan_set), never at write time.
 *
 * Invariants:
 *   - named == false: dir, beside and the hash are unused; stem is "unnamed".
 *   - dir is absolute, without a trailing '/' except for "/" itself; beside is a single path
 *     component or "" when ".NAME.flint-recovery" would exceed NAME_MAX.
 *   - state is "" exactly when no_state says why (no HOME, or a path too long).
 *   - recovery_write touches only the plan, the Text, the report and its own stack, and calls
 *     only async-signal-safe functions (open, openat, write, fsync, ftruncate, close, unlinkat,
 *     mkdir, fstat, getpid, geteuid; strlen/memcpy): it runs from crash handlers, possibly
 *     after malloc failed. Messages are built by hand for the same reason (no stdio, and no
 *     strerror, which may translate and allocate). */
#include "session/recovery.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

#define RECOVERY_MAX 99          /* ".1" .. ".99" after the plain name */
#define RECOVERY_NAME_KEEP 100   /* bytes of NAME kept in "NAME.HASH.PID" (fits NAME_MAX) */

struct RecoveryPlan {
    bool named;
    char dir[PATH_MAX];
    char beside[NAME_MAX + 1];
    char state[PATH_MAX];
    const char *no_state;
    char tmp[PATH_MAX];
    char stem[NAME_MAX + 1];
    uid_t uid;
};

/* --- fixed-size string building (no malloc) ----------------------------------------------- */

typedef struct Out {
    char *s;
    size_t cap, len;
    bool overflow;
} Out;

static Out out_on(char *s, size_t cap)
{
    if (cap)
        s[0] = '\0';
    return (Out){.s = s, .cap = cap};
}

static void out_add(Out *o, const char *s, size_t n)
{
    if (o->cap == 0 || o->len + n >= o->cap) {
        o->overflow = true;
        n = o->cap && o->len + 1 < o->cap ? o->cap - 1 - o->len : 0; /* keep what fits */
    }
    memcpy(o->s + o->len, s, n);
    o->len += n;
    if (o->cap)
        o->s[o->len] = '\0';
}

static void out_puts(Out *o, const char *s) { out_add(o, s, strlen(s)); }

static void out_putu(Out *o, unsigned long long v, unsigned base, int min_digits)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v || n < (size_t)min_digits);
    out_add(o, digits + sizeof digits - n, n);
}

static void out_truncate(Out *o, size_t len)
{
    o->len = len;
    o->s[len] = '\0';
    o->overflow = false;
}

/* strerror() may translate and allocate; this runs in crash handlers. */
static const char *recovery_errno_text(int e)
{
    switch (e) {
    case ENOENT: return "No such file or directory";
    case EACCES: return "Permission denied";
    case EPERM: return "Operation not permitted";
    case ENOSPC: return "No space left on device";
    case EDQUOT: return "Disk quota exceeded";
    case EROFS: return "Read-only file system";
    case ENOTDIR: return "Not a directory";
    case EISDIR: return "Is a directory";
    case ENAMETOOLONG: return "File name too long";
    case ELOOP: return "Too many levels of symbolic links";
    case EEXIST: return "File exists";
    case EFBIG: return "File too large";
    case EIO: return "Input/output error";
    case EMFILE: return "Too many open files";
    default: return "I/O error";
    }
}

/* --- the plan ------------------------------------------------------------------------------ */

RecoveryPlan *recovery_plan_new(void)
{
    RecoveryPlan *p = xmalloc(sizeof *p);
    recovery_plan_set(p, NULL);
    return p;
}

void recovery_plan_free(RecoveryPlan *p) { free(p); }

/* FNV-1a, 64 bits: a stable name for a path, not a security boundary (the private
 * directories are what keeps others out). */
static uint64_t recovery_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The absolute form of the directory part of path: resolved with realpath when it exists
 * (so "x.c", "./x.c" and "/abs/x.c" agree), else made absolute lexically. */
static char *recovery_abs_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == path ? xstrdup("/") : slash ? xstrndup(path, (size_t)(slash - path))
                                                     : xstrdup(".");
    char *real = realpath(dir, NULL);
    if (real) {
        free(dir);
        return real;
    }
    if (dir[0] == '/')
        return dir;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return dir;
    StrBuf sb = {0};
    sb_printf(&sb, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, dir);
    free(dir);
    return sb_steal(&sb, NULL);
}

void recovery_plan_set(RecoveryPlan *p, const char *path)
{
    memset(p, 0, sizeof *p);
    p->uid = geteuid();
    Out stem = out_on(p->stem, sizeof p->stem);
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    if (base && *base) {
        p->named = true;
        char *dir = recovery_abs_dir(path);
        Out d = out_on(p->dir, sizeof p->dir);
        out_puts(&d, dir);
        if (d.overflow)
            p->dir[0] = '\0'; /* candidate 1 then fails with "File name too long" */
        Out b = out_on(p->beside, sizeof p->beside);
        out_puts(&b, ".");
        out_puts(&b, base);
        out_puts(&b, ".flint-recovery");
        if (b.overflow)
            p->beside[0] = '\0';
        StrBuf full = {0};
        sb_printf(&full, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, base);
        size_t keep = strlen(base) < RECOVERY_NAME_KEEP ? strlen(base) : RECOVERY_NAME_KEEP;
        out_add(&stem, base, keep);
        out_puts(&stem, ".");
        out_putu(&stem, recovery_hash(full.data), 16, 16);
        sb_free(&full);
        free(dir);
    } else {
        out_puts(&stem, "unnamed");
    }

    Out st = out_on(p->state, sizeof p->state);
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') { /* the XDG spec: relative values are to be ignored */
        out_puts(&st, xdg);
    } else if (home && *home) {
        out_puts(&st, home);
        out_puts(&st, "/.local/state");
    } else {
        p->no_state = "no state directory (HOME and XDG_STATE_HOME are unset)";
    }
    if (!p->no_state) {
        out_puts(&st, "/flint/recovery");
        if (st.overflow) {
            p->state[0] = '\0';
            p->no_state = "the state directory's name is too long";
        }
    }

    Out t = out_on(p->tmp, sizeof p->tmp);
    const char *tmpdir = getenv("TMPDIR");
    out_puts(&t, tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp");
    out_puts(&t, "/flint-recovery-");
    out_putu(&t, (unsigned long long)p->uid, 10, 1);
    if (t.overflow)
        p->tmp[0] = '\0';
}

/* --- writing (async-signal-safe from here to recovery_write) ------------------------------- */

/* Creates name (then name".1" .. ".99") in dfd with O_EXCL, leaving in name the one made.
 * Returns the fd, or -1 with errno (EEXIST when every name is taken). */
static int recovery_create(int dfd, Out *name)
{
    size_t base = name->len;
    for (unsigned long n = 0; n <= RECOVERY_MAX; n++) {
        out_truncate(name, base);
        if (n) {
            out_puts(name, ".");
            out_putu(name, n, 10, 1);
        }
        if (name->overflow) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = openat(dfd, name->s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    out_truncate(name, base);
    errno = EEXIST;
    return -1;
}

/* Writes t to a new file in dfd named from leaf (recovery_create). Returns 0, or the errno of
 * the step that failed, in which case nothing of it is left. */
static int recovery_write_in(int dfd, Out *leaf, const Text *t)
{
    int fd = recovery_create(dfd, leaf);
    if (fd < 0)
        return errno;
    char iobuf[4096];
    int e = text_write_fd(t, fd, iobuf, sizeof iobuf);
    if (!e && fsync(fd) < 0) /* delayed allocation reports ENOSPC/EIO here */
        e = errno;
    if (e)
        (void)!ftruncate(fd, 0); /* should the unlink fail too, it must not look complete */
    if (close(fd) < 0 && !e) /* NFS and quotas may report write errors only here */
        e = errno;
    if (e) {
        if (unlinkat(dfd, leaf->s, 0) < 0) {
            int tfd = openat(dfd, leaf->s, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
            if (tfd >= 0)
                close(tfd);
        }
        return e;
    }
    (void)fsync(dfd); /* the new name too; some filesystems cannot, that is fine */
    return 0;
}

/* mkdir -p of path. Returns the errno of the first mkdir that failed for another reason than
 * "exists" (0 if none): when the directory then cannot be opened, that is the real reason
 * ("Permission denied" rather than "No such file or directory"). */
static int recovery_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    Out o = out_on(buf, sizeof buf);
    out_puts(&o, path);
    if (o.overflow)
        return ENAMETOOLONG;
    int e = 0;
    for (size_t i = 1; i <= o.len; i++) {
        if (i == o.len || buf[i] == '/') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0700) < 0 && errno != EEXIST && !e)
                e = errno; /* the first one: the components after it fail because of it */
            buf[i] = c;
        }
    }
    return e;
}

/* Appends "WHERE: REASON" to why ("; "-separated). */
static void recovery_note(Out *why, const char *dir, const char *leaf, const char *reason)
{
    if (why->len)
        out_puts(why, "; ");
    out_puts(why, dir);
    if (leaf) {
        out_puts(why, strcmp(dir, "/") == 0 ? "" : "/");
        out_puts(why, leaf);
    }
    out_puts(why, ": ");
    out_puts(why, reason);
}

/* Tries one directory (already open in dfd, or -1 with open_errno). True on success, with
 * the file's path in r->path. */
static bool recovery_try(int dfd, int open_errno, const char *dir, const char *leaf,
                         const Text *t, RecoveryReport *r, Out *why)
{
    if (dfd < 0) {
        recovery_note(why, dir, NULL, recovery_errno_text(open_errno));
        return false;
    }
    char name[NAME_MAX + 1];
    Out n = out_on(name, sizeof name);
    out_puts(&n, leaf);
    int e = n.overflow ? ENAMETOOLONG : recovery_write_in(dfd, &n, t);
    close(dfd);
    if (e) {
        recovery_note(why, dir, name, recovery_errno_text(e));
        return false;
    }
    Out path = out_on(r->path, sizeof r->path);
    out_puts(&path, dir);
    out_puts(&path, strcmp(dir, "/") == 0 ? "" : "/");
    out_puts(&path, name);
    return true;
}

static int recovery_open_dir(const char *dir, int extra_flags, int *e)
{
    int fd = dir[0] ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | extra_flags) : -1;
    *e = dir[0] ? errno : ENAMETOOLONG;
    return fd;
}

/* The private temporary directory: created 0700, and used only when it is a directory (not a
 * symlink) owned by this user that no one else can enter; a shared /tmp lets anyone create
 * that name first. */
static int recovery_open_private(const RecoveryPlan *p, int *e)
{
    int made = p->tmp[0] && mkdir(p->tmp, 0700) < 0 && errno != EEXIST ? errno : 0;
    int fd = recovery_open_dir(p->tmp, O_NOFOLLOW, e);
    if (fd < 0 && *e == ENOENT && made)
        *e = made;
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != p->uid || (st.st_mode & 077))) {
        close(fd);
        *e = EPERM; /* "Operation not permitted": someone else's, or open to others */
        return -1;
    }
    return fd;
}

static void recovery_leaf(const RecoveryPlan *p, Out *leaf)
{
    out_puts(leaf, p->stem);
    out_puts(leaf, ".");
    out_putu(leaf, (unsigned long long)getpid(), 10, 1);
}

bool recovery_write(const RecoveryPlan *p, const Text *t, RecoveryReport *r)
{
    r->path[0] = '\0';
    char whybuf[sizeof r->message];
    Out why = out_on(whybuf, sizeof whybuf);
    bool ok = false;
    int e = 0, dfd;
    if (p->named) {
        dfd = recovery_open_dir(p->dir, 0, &e);
        if (!p->beside[0]) {
            if (dfd >= 0)
                close(dfd);
            dfd = -1;
            e = ENAMETOOLONG;
        }
        ok = recovery_try(dfd, e, p->dir, p->beside, t, r, &why);
    }
    char leafbuf[NAME_MAX + 1];
    Out leaf = out_on(leafbuf, sizeof leafbuf);
    recovery_leaf(p, &leaf);
    if (!ok) {
        if (p->state[0]) {
            int made = recovery_mkdirs(p->state);
            dfd = recovery_open_dir(p->state, 0, &e);
            if (dfd < 0 && e == ENOENT && made)
                e = made;
            ok = recovery_try(dfd, e, p->state, leafbuf, t, r, &why);
        } else {
            if (why.len)
                out_puts(&why, "; ");
            out_puts(&why, p->no_state);
        }
    }
    if (!ok) {
        dfd = recovery_open_private(p, &e);
        ok = recovery_try(dfd, e, p->tmp[0] ? p->tmp : "$TMPDIR", leafbuf, t, r, &why);
    }

    Out m = out_on(r->message, sizeof r->message);
    if (ok) {
        out_puts(&m, "unsaved changes written to ");
        out_puts(&m, r->path);
        if (why.len) {
            out_puts(&m, " (could not write ");
            out_puts(&m, whybuf);
            out_puts(&m, ")");
        }
    } else {
        out_puts(&m, "unsaved changes could NOT be saved: ");
        out_puts(&m, whybuf);
    }
    return ok;
}

/* --- finding (start-up only: opendir and lstat are fine) ----------------------------------- */

typedef struct RecoveryBest {
    char path[PATH_MAX];
    struct timespec mtim;
    bool found;
} RecoveryBest;

/* Keeps path in best when it is a regular file newer than best; on a tie the later candidate
 * wins (higher ".N" were written later). */
static void recovery_consider(const char *path, RecoveryBest *best)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    if (best->found && (st.st_mtim.tv_sec < best->mtim.tv_sec ||
                        (st.st_mtim.tv_sec == best->mtim.tv_sec &&
                         st.st_mtim.tv_nsec < best->mtim.tv_nsec)))
        return;
    Out o = out_on(best->path, sizeof best->path);
    out_puts(&o, path);
    best->mtim = st.st_mtim;
    best->found = !o.overflow;
}

/* "STEM.PID" or "STEM.PID.N": what recovery_write makes in the state and temp directories. */
static bool recovery_is_ours(const char *entry, const char *stem)
{
    size_t n = strlen(stem);
    if (strncmp(entry, stem, n) != 0 || entry[n] != '.')
        return false;
    const char *q = entry + n + 1;
    for (int part = 0; part < 2; part++) {
        if (*q < '0' || *q > '9')
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '\0')
            return true;
        if (*q++ != '.')
            return false;
    }
    return false;
}

static void recovery_scan(const char *dir, const char *stem, RecoveryBest *best)
{
    DIR *d = dir[0] ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!recovery_is_ours(e->d_name, stem))
            continue;
        StrBuf path = {0};
        sb_printf(&path, "%s/%s", dir, e->d_name);
        recovery_consider(path.data, best);
        sb_free(&path);
    }
    closedir(d);
}

bool recovery_find(const RecoveryPlan *p, char *out, size_t out_size)
{
    if (!p->named)
        return false;
    RecoveryBest best = {.found = false};
    if (p->beside[0]) {
        StrBuf path = {0};
        sb_printf(&path, "%s/%s", strcmp(p->dir, "/") == 0 ? "" : p->dir, p->beside);
        recovery_consider(path.data, &best); /* the plain name first, else the newest .N */
        if (!best.found)
            for (unsigned n = 1; n <= RECOVERY_MAX; n++) {
                StrBuf numbered = {0};
                sb_printf(&numbered, "%s.%u", path.data, n);
                recovery_consider(numbered.data, &best);
                sb_free(&numbered);
            }
        sb_free(&path);
    }
    if (!best.found)
        recovery_scan(p->state, p->stem, &best);
    if (!best.found) {
        /* Only a directory that is still private and ours: anyone may create it in /tmp. */
        struct stat st;
        if (p->tmp[0] && lstat(p->tmp, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == p->uid &&
            !(st.st_mode & 077))
            recovery_scan(p->tmp, p->stem, &best);
    }
    if (!best.found || !out_size)
        return best.found;
    Out o = out_on(out, out_size);
    out_puts(&o, best.path);
    return true;
}

bool recovery_backup_path(const RecoveryPlan *p, char *out, size_t out_size)
{
    static const char leaf[] = "recovery";
    size_t n = strlen(p->state);
    if (!p->named || n < sizeof leaf || !out_size)
        return false;
    Out o = out_on(out, out_size);
    out_add(&o, p->state, n - (sizeof leaf - 1)); /* ".../flint/" */
    out_puts(&o, "backup/");
    out_puts(&o, p->stem);
    return !o.overflow;
}

bool recovery_swap_path(const RecoveryPlan *p, char *out, size_t out_size)
{
    static const char leaf[] = "recovery";
    size_t n = strlen(p->state);
    if (!p->named || n < sizeof leaf || !out_size)
        return false;
    Out o = out_on(out, out_size);
    out_add(&o, p->state, n - (sizeof leaf - 1)); /* ".../flint/" */
    out_puts(&o, "swap/");
    out_puts(&o, p->stem);
    out_puts(&o, ".swp");
    return !o.overflow;
}
