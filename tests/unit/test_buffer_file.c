/* session/buffer, the file side: opening, atomic save (mode, symlinks, bytes kept as they
 * are, failures that leave the original alone), and the "changed on disk / exists: save
 * again to overwrite" rule of save and save-as (recovery files: test_recovery.c). Editing, motion and undo are
 * tested in test_buffer.c; the helpers both use are in buffer_support.h. Files live in a
 * fresh mkdtemp directory under /tmp. The tests run as root, where permission bits do not
 * stop writes, so failures are forced with paths that cannot exist. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "harness.h"
#include "support/buffer_support.h"

/* --- helpers -------------------------------------------------------------------------------- */

/* Entries in tmpdir whose name starts with prefix. */
static int count_entries(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

/* Sets path's mtime to sec (nanoseconds 0): tests never depend on the clock's granularity. */
static void set_mtime(const char *path, time_t sec)
{
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

/* --- files ------------------------------------------------------------------------------------ */

static void test_open_cases(void)
{
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    char *p = path_in("does-not-exist-yet.txt");
    CHECK(buffer_open(b, p, &err));
    CHECK_STR_EQ(buffer_name(b), "does-not-exist-yet.txt");
    CHECK_STR_EQ(buffer_path(b), p);
    CHECK_TEXT(b, "");
    CHECK(!buffer_modified(b));
    type(b, "new");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "new\n");
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == (0644 & ~022));
    free(p);

    error_clear(&err);
    CHECK(!buffer_open(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    CHECK(buffer_path(b) != NULL && strstr(buffer_path(b), "does-not-exist-yet") != NULL);

    Buffer *u = buffer_new();
    error_clear(&err);
    CHECK(!buffer_save(u, &err)); /* unnamed */
    CHECK(err.msg[0] != '\0');
    buffer_free(u);
    buffer_free(b);
}

static void test_save_atomic_and_mode(void)
{
    char *p = path_in("atomic.txt");
    write_file(p, "old contents\n", 13);
    CHECK(chmod(p, 0751) == 0);
    struct stat before, after;
    CHECK(stat(p, &before) == 0);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    buffer_move(b, BUFFER_END, 0);
    type(b, " + new");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "old contents + new\n");
    CHECK(stat(p, &after) == 0);
    CHECK_INT_EQ(after.st_mode & 07777, 0751);
    CHECK(after.st_ino != before.st_ino); /* replaced by rename, never rewritten in place */
    CHECK_INT_EQ(count_entries(".atomic.txt."), 0);

    /* save_as renames the buffer; the old file stays as it was. */
    char *q = path_in("renamed.txt");
    CHECK(buffer_save_as(b, q, &err));
    CHECK_STR_EQ(buffer_name(b), "renamed.txt");
    CHECK_FILE(q, "old contents + new\n");
    buffer_free(b);
    free(p);
    free(q);
}

static void test_save_symlink(void)
{
    char *target = path_in("real.txt");
    char *link = path_in("link.txt");
    write_file(target, "real\n", 5);
    CHECK(symlink("real.txt", link) == 0); /* relative: resolved from the link's directory */
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, link, &err));
    type(b, ">");
    CHECK(buffer_save(b, &err));
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_FILE(target, ">real\n");
    buffer_free(b);
    free(target);
    free(link);
}

static void test_bytes_survive(void)
{
    static const char data[] = "\xff\xfe bom-ish\n\x80\xc3 lone\r mid\nnul\0byte\n\xed\xa0\x80\n"
                               "last line without newline \xe4\xb8";
    char *p = path_in("binary.txt");
    write_file(p, data, sizeof data - 1);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    CHECK(!text_crlf(buffer_text(b)));
    buffer_set_cursor(b, (TextPos){3, 0}); /* edit the surrogate line only */
    type(b, "ok ");
    CHECK(buffer_save(b, &err));
    static const char want[] = "\xff\xfe bom-ish\n\x80\xc3 lone\r mid\nnul\0byte\nok \xed\xa0\x80\n"
                               "last line without newline \xe4\xb8";
    size_t len;
    char *got = read_file(p, &len);
    CHECK(got != NULL);
    if (got)
        CHECK_MEM_EQ(got, len, want, sizeof want - 1);
    free(got);
    buffer_free(b);

    /* A CRLF file stays CRLF, pasted "\r\n" included. */
    write_file(p, "a\r\nb\r\n", 6);
    b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    CHECK(text_crlf(buffer_text(b)));
    buffer_move(b, BUFFER_BOTTOM, 0);
    buffer_insert(b, "x\r\ny", 4);
    buffer_newline(b);
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "a\r\nbx\r\ny\r\n\r\n");
    buffer_free(b);
    free(p);
}

static void test_save_failures(void)
{
    ErrorBuf err = {{0}};
    /* A path component that is a regular file: the directory can never exist. */
    char *plain = path_in("plainfile");
    write_file(plain, "keep\n", 5);
    char *bad = path_in("plainfile/inside.txt");
    Buffer *b = buffer_with("text\n");
    const char *orig = buffer_path(b);
    char *orig_copy = strdup(orig);
    type(b, "more ");
    CHECK(!buffer_save_as(b, bad, &err));
    CHECK(strstr(err.msg, "Not a directory") != NULL);
    CHECK_STR_EQ(buffer_path(b), orig_copy); /* still named as before */
    CHECK(buffer_modified(b));
    CHECK_FILE(plain, "keep\n");

    /* A directory that does not exist. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, "/nonexistent-flint-dir/sub/file.txt", &err));
    CHECK(strstr(err.msg, "No such file or directory") != NULL);

    /* The disk fills up mid-write (simulated with RLIMIT_FSIZE: writes past it fail with
     * EFBIG as ENOSPC would): the original stays as it was and no temp file is left. */
    char *victim = path_in("victim.txt");
    write_file(victim, "original\n", 9);
    Buffer *big = buffer_new();
    CHECK(buffer_open(big, victim, &err));
    StrBuf sb = {0};
    for (int i = 0; i < 4000; i++)
        sb_puts(&sb, "0123456789abcdef0123456789abcdef\n");
    buffer_insert(big, sb.data, sb.len);
    sb_free(&sb);
    struct rlimit old, small;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 8192;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    error_clear(&err);
    bool saved = buffer_save(big, &err);
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, prev);
    CHECK(!saved);
    CHECK(strstr(err.msg, "victim.txt") != NULL);
    CHECK(strstr(err.msg, "File too large") != NULL);
    CHECK_FILE(victim, "original\n");
    CHECK_INT_EQ(count_entries(".victim.txt."), 0);
    CHECK(buffer_modified(big));
    /* Once there is room again the same buffer saves fine. */
    CHECK(buffer_save(big, &err));
    CHECK(!buffer_modified(big));
    buffer_free(big);
    free(victim);
    free(orig_copy);
    free(plain);
    free(bad);
    buffer_free(b);
}

/* --- the save policy: read-only files, hard links ------------------------------------------ */

/* A file the user may not write (for root: no write bit at all) is refused once with a clear
 * message; saving again writes it, keeping its mode and owner. */
static void test_save_read_only(void)
{
    char *p = path_in("ro.txt");
    write_file(p, "frozen\n", 7);
    CHECK(chmod(p, 0444) == 0);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    CHECK(buffer_read_only(b));
    type(b, "thawed ");
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save_refused(b));
    CHECK_STR_EQ(err.msg, "ro.txt is read-only (mode 0444); save again to write it anyway, or "
                          "save as another name");
    CHECK_FILE(p, "frozen\n");
    CHECK(buffer_modified(b));
    /* Save as another name works at once. */
    char *q = path_in("ro-copy.txt");
    error_clear(&err);
    CHECK(buffer_save_as(b, q, &err));
    CHECK_FILE(q, "thawed frozen\n");
    CHECK_FILE(p, "frozen\n");
    buffer_free(b);

    /* Saving again is the explicit second step. */
    b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    type(b, "forced ");
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save(b, &err));
    CHECK(!buffer_save_refused(b));
    CHECK_FILE(p, "forced frozen\n");
    struct stat st;
    CHECK(stat(p, &st) == 0);
    CHECK_INT_EQ(st.st_mode & 07777, 0444);
    CHECK_INT_EQ(st.st_uid, geteuid());
    /* Changed on disk and read-only: one refusal naming both, one confirmation. */
    write_file(p, "outside\n", 8);
    CHECK(chmod(p, 0444) == 0);
    set_mtime(p, 7000);
    type(b, "again ");
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg, "ro.txt changed on disk since it was last saved and is read-only "
                          "(mode 0444); save again to overwrite");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "forced again frozen\n");
    buffer_free(b);
    free(p);
    free(q);
}

/* A file with several hard links is written in place after a backup copy: the other names
 * see the new text, the inode and link count stay. Through a symlink too. */
static void test_save_hard_links(void)
{
    char *state = path_in("state-links");
    CHECK(setenv("XDG_STATE_HOME", state, 1) == 0);
    char *p = path_in("linked.txt"), *other = path_in("other-name.txt");
    char *sym = path_in("sym-to-linked.txt");
    write_file(p, "shared text\n", 12);
    CHECK(chmod(p, 0640) == 0);
    CHECK(link(p, other) == 0);
    CHECK(symlink("linked.txt", sym) == 0);
    struct stat before, after;
    CHECK(stat(p, &before) == 0);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, sym, &err));
    CHECK(!buffer_read_only(b));
    type(b, "new ");
    CHECK(buffer_save(b, &err));
    CHECK(stat(p, &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK_INT_EQ(after.st_nlink, 2);
    CHECK_INT_EQ(after.st_mode & 07777, 0640);
    CHECK_FILE(other, "new shared text\n");
    struct stat lst;
    CHECK(lstat(sym, &lst) == 0 && S_ISLNK(lst.st_mode));
    const char *backup = buffer_save_backup(b);
    CHECK(backup != NULL);
    StrBuf want = {0};
    sb_printf(&want, "%s/flint/backup/linked.txt.", state);
    CHECK(backup && strncmp(backup, want.data, want.len) == 0);
    if (backup) {
        CHECK_FILE(backup, "shared text\n");
        CHECK(stat(backup, &lst) == 0 && (lst.st_mode & 0777) == 0600);
    }
    /* A shorter text truncates; the next save keeps one backup (the previous contents). */
    buffer_move(b, BUFFER_TOP, 0);
    for (int i = 0; i < 10; i++)
        buffer_delete(b);
    CHECK(buffer_save(b, &err));
    CHECK_FILE(other, " text\n");
    if (buffer_save_backup(b))
        CHECK_FILE(buffer_save_backup(b), "new shared text\n");
    CHECK(!buffer_changed_on_disk(b));
    CHECK(stat(p, &after) == 0 && after.st_ino == before.st_ino);
    /* No state directory for the backup: refused, the file untouched. */
    unsetenv("XDG_STATE_HOME");
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    unsetenv("HOME");
    type(b, "x");
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK(strstr(err.msg, "in place (it has other hard links) needs a backup copy") != NULL);
    CHECK_FILE(other, " text\n");
    if (home)
        setenv("HOME", home, 1);
    free(home);
    buffer_free(b);
    sb_free(&want);
    free(state);
    free(p);
    free(other);
    free(sym);
}

/* --- changed on disk ------------------------------------------------------------------------ */

static void test_changed_on_disk(void)
{
    ErrorBuf err = {{0}};
    char *p = path_in("shared.txt");
    write_file(p, "theirs\n", 7);
    set_mtime(p, 1000);
    Buffer *b = buffer_new();
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "mine ");

    /* Someone else rewrites it (another size): the first save refuses and says why. */
    write_file(p, "theirs, edited\n", 15);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg,
                 "shared.txt changed on disk since it was opened; save again to overwrite");
    CHECK_FILE(p, "theirs, edited\n");
    CHECK(buffer_modified(b));
    /* The second save is the confirmation. */
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine theirs\n");
    CHECK(!buffer_modified(b));
    CHECK(!buffer_changed_on_disk(b));
    /* Our own saves are not "changes on disk": save, edit, save, save. */
    type(b, "a");
    CHECK(buffer_save(b, &err));
    type(b, "b");
    CHECK(buffer_save(b, &err));
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Same size and inode, only the mtime differs (an in-place rewrite). */
    struct stat st;
    CHECK(stat(p, &st) == 0);
    write_file(p, "MINE ABTHEIRS\n", 14);
    set_mtime(p, st.st_mtim.tv_sec + 10);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg,
                 "shared.txt changed on disk since it was last saved; save again to overwrite");
    CHECK_FILE(p, "MINE ABTHEIRS\n");
    /* It changes yet again before the second save: that is news, so it is refused again. */
    write_file(p, "third version\n", 14);
    set_mtime(p, st.st_mtim.tv_sec + 20);
    CHECK(!buffer_save(b, &err));
    CHECK_FILE(p, "third version\n");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Replaced by another file (new inode) with the same size and mtime: still noticed. */
    CHECK(stat(p, &st) == 0);
    char *q = path_in("shared.new");
    write_file(q, "MINE ABTHEIRS\n", 14);
    struct timespec ts[2] = {st.st_mtim, st.st_mtim};
    CHECK(utimensat(AT_FDCWD, q, ts, 0) == 0);
    CHECK(rename(q, p) == 0);
    CHECK(buffer_changed_on_disk(b));
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save(b, &err));

    /* Deleted (or moved away): refused once, then written again. */
    CHECK(unlink(p) == 0);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK_STR_EQ(err.msg, "shared.txt was deleted or moved on disk since it was last saved; "
                          "save again to write it");
    CHECK(access(p, F_OK) != 0);
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "mine abtheirs\n");

    /* Opening it again makes the version on disk the reference. */
    write_file(p, "x\n", 2);
    CHECK(buffer_changed_on_disk(b));
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "y");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(p, "yx\n");
    buffer_free(b);

    /* A new file that someone else creates before our first save. */
    char *n = path_in("not-yet.txt");
    b = buffer_new();
    CHECK(buffer_open(b, n, &err));
    CHECK(!buffer_changed_on_disk(b));
    type(b, "ours");
    write_file(n, "theirs\n", 7);
    CHECK(buffer_changed_on_disk(b));
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK(strstr(err.msg, "not-yet.txt changed on disk") != NULL);
    CHECK_FILE(n, "theirs\n");
    CHECK(buffer_save(b, &err));
    CHECK_FILE(n, "ours\n");
    buffer_free(b);

    /* Nothing to compare for an unnamed buffer. */
    b = buffer_new();
    CHECK(!buffer_changed_on_disk(b));
    buffer_free(b);
    free(n);
    free(q);
    free(p);
}

static void test_save_as_existing(void)
{
    ErrorBuf err = {{0}};
    char *mine = path_in("mine.txt");
    char *other = path_in("other.txt");
    char *third = path_in("third.txt");
    write_file(mine, "mine\n", 5);
    write_file(other, "other\n", 6);
    write_file(third, "third\n", 6);
    Buffer *b = buffer_new();
    CHECK(buffer_open(b, mine, &err));
    type(b, "edited ");

    /* Onto another existing file: refused once, nothing changes. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, other, &err));
    CHECK_STR_EQ(err.msg, "other.txt exists; save again to overwrite");
    CHECK_FILE(other, "other\n");
    CHECK_STR_EQ(buffer_path(b), mine);
    CHECK(buffer_modified(b));
    /* The confirmation belongs to that path: another target, or our own save in between,
     * does not carry it over. */
    CHECK(!buffer_save_as(b, third, &err));
    CHECK(!buffer_save_as(b, other, &err));
    CHECK_FILE(other, "other\n");
    CHECK(buffer_save(b, &err)); /* our own file is unchanged: saves at once */
    CHECK_FILE(mine, "edited mine\n");
    CHECK(!buffer_save_as(b, other, &err));
    /* Again to the same path: overwrites, and the buffer is now that file. */
    CHECK(buffer_save_as(b, other, &err));
    CHECK_FILE(other, "edited mine\n");
    CHECK_STR_EQ(buffer_path(b), other);
    CHECK(!buffer_changed_on_disk(b));
    CHECK_FILE(third, "third\n");

    /* A new name: no question. Our own file under another spelling: no question either. */
    char *fresh = path_in("fresh.txt");
    CHECK(buffer_save_as(b, fresh, &err));
    CHECK_FILE(fresh, "edited mine\n");
    StrBuf alias = {0};
    sb_printf(&alias, "%s/./fresh.txt", tmpdir);
    type(b, "x");
    CHECK(buffer_save_as(b, alias.data, &err));
    CHECK_FILE(fresh, "edited xmine\n");
    /* ... unless it changed on disk: then the changed-on-disk rule applies. */
    write_file(fresh, "changed under us\n", 17);
    error_clear(&err);
    CHECK(!buffer_save_as(b, fresh, &err));
    CHECK(strstr(err.msg, "fresh.txt changed on disk") != NULL);
    CHECK(buffer_save_as(b, fresh, &err));
    CHECK_FILE(fresh, "edited xmine\n");

    /* A directory is not "a file to overwrite": the save fails with the real reason. */
    error_clear(&err);
    CHECK(!buffer_save_as(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    CHECK(!buffer_save_as(b, tmpdir, &err));
    CHECK(strstr(err.msg, "directory") != NULL);
    sb_free(&alias);
    buffer_free(b);
    free(fresh);
    free(mine);
    free(other);
    free(third);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-test-buffer-file-XXXXXX"))
        return 1;
    RUN(test_open_cases);
    RUN(test_save_atomic_and_mode);
    RUN(test_save_symlink);
    RUN(test_bytes_survive);
    RUN(test_save_failures);
    RUN(test_save_read_only);
    RUN(test_save_hard_links);
    RUN(test_changed_on_disk);
    RUN(test_save_as_existing);
    tmpdir_remove();
    return harness_done();
}
