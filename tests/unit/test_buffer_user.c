/* session/buffer as an ordinary user (nobody), where permissions really stop writes: the
 * save policy (a file the user may not write is refused, then tried only on a second save,
 * and never changes owner; another user's writable file and a file in a directory the user
 * may not write are written in place, owner and inode kept) and recovery next to a 0555
 * directory. Root sets up files owned by root and by nobody, then a child process drops to
 * uid/gid 65534 and runs the checks. Not root: another user's files cannot be made, so the
 * test says so and skips (77); root that cannot drop privileges skips too. */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "harness.h"
#include "support/buffer_support.h"

#define NOBODY 65534

static void fixture(const char *name, const char *data, mode_t mode, uid_t uid)
{
    char *p = path_in(name);
    write_file(p, data, strlen(data));
    CHECK(chown(p, uid, uid) == 0);
    CHECK(chmod(p, mode) == 0);
    free(p);
}

static void fixture_dir(const char *name, mode_t mode, uid_t uid)
{
    char *p = path_in(name);
    CHECK(mkdir(p, 0700) == 0);
    CHECK(chown(p, uid, uid) == 0);
    CHECK(chmod(p, mode) == 0);
    free(p);
}

static Buffer *open_typed(const char *name, const char *typed)
{
    char *p = path_in(name);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    type(b, typed);
    free(p);
    return b;
}

static struct stat stat_of(const char *name)
{
    char *p = path_in(name);
    struct stat st = {0};
    CHECK(stat(p, &st) == 0);
    free(p);
    return st;
}

#define CHECK_FILE_IN(name, lit)                                                              \
    do {                                                                                      \
        char *cf_ = path_in(name);                                                            \
        CHECK_FILE(cf_, lit);                                                                 \
        free(cf_);                                                                            \
    } while (0)

/* Root's 0644 file in a world-writable directory: a rename would work and make it nobody's.
 * Refused first; saving again tries in place, which the OS refuses: the file, its owner and
 * inode are untouched and no temp file is left. */
static void test_roots_file_in_open_dir(void)
{
    struct stat before = stat_of("ww/roots.txt");
    Buffer *b = open_typed("ww/roots.txt", "mine now? ");
    CHECK(buffer_read_only(b));
    ErrorBuf err = {{0}};
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save_refused(b));
    CHECK_STR_EQ(err.msg, "roots.txt is read-only (mode 0644, another user's); save again to "
                          "write it anyway, or save as another name");
    error_clear(&err);
    CHECK(!buffer_save(b, &err));
    CHECK(!buffer_save_refused(b));
    CHECK(strstr(err.msg, "cannot save") != NULL && strstr(err.msg, "Permission denied") != NULL);
    CHECK_FILE_IN("ww/roots.txt", "root's\n");
    struct stat after = stat_of("ww/roots.txt");
    CHECK_INT_EQ(after.st_uid, 0);
    CHECK(after.st_ino == before.st_ino);
    char *dir = path_in("ww");
    char *cmd = NULL;
    StrBuf sb = {0};
    sb_printf(&sb, "test -z \"$(ls -A '%s' | grep -v -e '^roots.txt$' -e '^roots666.txt$')\"", dir);
    cmd = sb_steal(&sb, NULL);
    CHECK(system(cmd) == 0); /* no temp file left behind */
    /* Save As is the way out. */
    char *mine = path_in("own/copy.txt");
    CHECK(buffer_save_as(b, mine, &err));
    CHECK_FILE(mine, "mine now? root's\n");
    free(mine);
    free(cmd);
    free(dir);
    buffer_free(b);
}

/* The user's own 0444 file: refused, then saved on the second try with mode and owner kept. */
static void test_own_read_only(void)
{
    Buffer *b = open_typed("own/ro.txt", "edited ");
    ErrorBuf err = {{0}};
    CHECK(buffer_read_only(b));
    CHECK(!buffer_save(b, &err));
    CHECK(strstr(err.msg, "ro.txt is read-only (mode 0444); save again") == err.msg);
    CHECK_FILE_IN("own/ro.txt", "mine\n");
    CHECK(buffer_save(b, &err));
    CHECK_FILE_IN("own/ro.txt", "edited mine\n");
    struct stat st = stat_of("own/ro.txt");
    CHECK_INT_EQ(st.st_mode & 07777, 0444);
    CHECK_INT_EQ(st.st_uid, NOBODY);
    buffer_free(b);

    /* The same with a second hard link: written in place (u+w for the write only). */
    struct stat before = stat_of("own/ro-linked.txt");
    b = open_typed("own/ro-linked.txt", "both ");
    CHECK(!buffer_save(b, &err));
    CHECK(buffer_save(b, &err));
    CHECK_FILE_IN("own/ro-link2.txt", "both mine\n");
    st = stat_of("own/ro-linked.txt");
    CHECK(st.st_ino == before.st_ino);
    CHECK_INT_EQ(st.st_mode & 07777, 0444);
    CHECK_INT_EQ(st.st_nlink, 2);
    buffer_free(b);
}

/* Root's 0666 file: nobody may write it, so no question, but a rename would make it
 * nobody's: it is written in place, root keeps it, and a backup copy is made first. */
static void test_others_writable_file(void)
{
    struct stat before = stat_of("ww/roots666.txt");
    Buffer *b = open_typed("ww/roots666.txt", "added ");
    ErrorBuf err = {{0}};
    CHECK(!buffer_read_only(b));
    CHECK(buffer_save(b, &err));
    CHECK_FILE_IN("ww/roots666.txt", "added shared\n");
    struct stat after = stat_of("ww/roots666.txt");
    CHECK_INT_EQ(after.st_uid, 0);
    CHECK_INT_EQ(after.st_mode & 07777, 0666);
    CHECK(after.st_ino == before.st_ino);
    const char *backup = buffer_save_backup(b);
    CHECK(backup != NULL);
    if (backup) {
        CHECK_FILE(backup, "shared\n");
        struct stat bs;
        CHECK(stat(backup, &bs) == 0 && bs.st_uid == NOBODY && (bs.st_mode & 0777) == 0600);
    }
    buffer_free(b);
}

/* The user's file in root's 0755 directory: no temp file can be made there, so it is
 * written in place instead of failing. */
static void test_dir_not_writable(void)
{
    struct stat before = stat_of("rodir/mine.txt");
    Buffer *b = open_typed("rodir/mine.txt", "kept ");
    ErrorBuf err = {{0}};
    CHECK(buffer_save(b, &err));
    CHECK_FILE_IN("rodir/mine.txt", "kept mine\n");
    CHECK(stat_of("rodir/mine.txt").st_ino == before.st_ino);
    buffer_free(b);
}

/* Recovery as nobody: the file's directory is 0555 -> the state directory; HOME unusable as
 * well -> the private temp directory. */
static void test_recovery_0555(void)
{
    char *home = path_in("home");
    char *tmp = path_in("home/tmp");
    CHECK(setenv("HOME", home, 1) == 0);
    unsetenv("XDG_STATE_HOME");
    CHECK(setenv("TMPDIR", tmp, 1) == 0);
    CHECK(mkdir(tmp, 0755) == 0);
    Buffer *b = open_typed("ro/f.txt", "unsaved ");
    RecoveryReport r;
    CHECK(buffer_write_recovery(b, &r));
    StrBuf want = {0};
    sb_printf(&want, "%s/.local/state/flint/recovery/f.txt.", home);
    CHECK(strncmp(r.path, want.data, want.len) == 0);
    CHECK_FILE(r.path, "unsaved root's\n");
    CHECK(strstr(r.message, "/ro/.f.txt.flint-recovery: Permission denied") != NULL);
    buffer_free(b);

    CHECK(setenv("HOME", "/nonexistent-flint-home", 1) == 0);
    b = open_typed("ro/f.txt", "homeless ");
    CHECK(buffer_write_recovery(b, &r));
    sb_reset(&want);
    sb_printf(&want, "%s/flint-recovery-%d/f.txt.", tmp, NOBODY);
    CHECK(strncmp(r.path, want.data, want.len) == 0);
    CHECK(strstr(r.message, "/nonexistent-flint-home/.local/state/flint/recovery: Permission "
                            "denied") != NULL);
    buffer_free(b);
    sb_free(&want);
    free(home);
    free(tmp);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP: needs root to create another user's files and then become nobody\n");
        return 77;
    }
    if (!tmpdir_create("/tmp/flint-test-buffer-user-XXXXXX"))
        return 1;
    CHECK(chmod(tmpdir, 0755) == 0);
    fixture_dir("ww", 0777, 0);
    fixture("ww/roots.txt", "root's\n", 0644, 0);
    fixture("ww/roots666.txt", "shared\n", 0666, 0);
    fixture_dir("rodir", 0755, 0);
    fixture("rodir/mine.txt", "mine\n", 0644, NOBODY);
    fixture_dir("own", 0755, NOBODY);
    fixture("own/ro.txt", "mine\n", 0444, NOBODY);
    fixture("own/ro-linked.txt", "mine\n", 0444, NOBODY);
    char *l1 = path_in("own/ro-linked.txt"), *l2 = path_in("own/ro-link2.txt");
    CHECK(link(l1, l2) == 0);
    free(l1);
    free(l2);
    fixture_dir("ro", 0755, 0);
    fixture("ro/f.txt", "root's\n", 0644, 0);
    char *ro = path_in("ro");
    CHECK(chmod(ro, 0555) == 0);
    free(ro);
    fixture_dir("home", 0755, NOBODY);
    if (harness_failed_checks) {
        tmpdir_remove();
        return 1;
    }

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
            printf("SKIP: cannot become nobody: %s\n", strerror(errno));
            _exit(77);
        }
        char *state = path_in("home/state");
        setenv("XDG_STATE_HOME", state, 1);
        free(state);
        RUN(test_roots_file_in_open_dir);
        RUN(test_own_read_only);
        RUN(test_others_writable_file);
        RUN(test_dir_not_writable);
        RUN(test_recovery_0555);
        int rc = harness_done();
        fflush(stdout);
        _exit(rc);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    tmpdir_remove();
    if (!WIFEXITED(status)) {
        printf("child died (status %d)\n", status);
        return 1;
    }
    return WEXITSTATUS(status);
}
