/* session/recovery through the Buffer: where unsaved text goes when flint is killed, in order
 * (next to the file, the state directory, a private temporary directory), that every failure
 * falls through to the next place and leaves nothing half-written behind, that the report
 * always says where the text went or plainly that it could not be saved, and that recovery
 * files are matched to a file by its full path. Files live in a fresh mkdtemp directory;
 * failures are forced with paths that cannot exist and with RLIMIT_FSIZE (a real EFBIG from
 * the kernel on write), so this runs the same as root and as anyone else. The cases that need
 * an ordinary user (a 0555 directory) are in test_buffer_user.c; a really full disk in
 * tests/e2e/test_recovery_diskfull.sh. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
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

/* Regular files in dir (recursively), so "nothing was left behind" can be checked. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        StrBuf p = {0};
        sb_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p.data, &st) == 0)
            n += S_ISDIR(st.st_mode) ? count_files(p.data) : 1;
        sb_free(&p);
    }
    if (d)
        closedir(d);
    return n;
}

static void set_mtime(const char *path, time_t sec)
{
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

/* Points the state and temp directories into the test directory (fresh names each time). */
static void set_dirs(const char *state, const char *tmp)
{
    char *s = path_in(state), *t = path_in(tmp);
    CHECK(setenv("XDG_STATE_HOME", s, 1) == 0);
    CHECK(setenv("TMPDIR", t, 1) == 0);
    mkdir(t, 0755);
    free(s);
    free(t);
}

/* The private temp directory's path for this user under TMPDIR. */
static char *private_dir(const char *tmp)
{
    StrBuf sb = {0};
    sb_printf(&sb, "%s/%s/flint-recovery-%ld", tmpdir, tmp, (long)geteuid());
    return sb_steal(&sb, NULL);
}

static Buffer *edited(const char *path, const char *typed)
{
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, path, &err));
    type(b, typed);
    return b;
}

/* --- next to the file ------------------------------------------------------------------------ */

static void test_beside(void)
{
    set_dirs("state-beside", "tmp-beside");
    RecoveryReport r;
    char found[4096];
    char *p = path_in("precious.txt");
    write_file(p, "saved\n", 6);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    CHECK(buffer_open(b, p, &err));
    CHECK(!buffer_find_recovery(b, found, sizeof found)); /* none yet */
    type(b, "unsaved ");
    CHECK(buffer_write_recovery(b, &r));
    char *want = path_in(".precious.txt.flint-recovery");
    CHECK_STR_EQ(r.path, want);
    StrBuf msg = {0};
    sb_printf(&msg, "unsaved changes written to %s", want);
    CHECK_STR_EQ(r.message, msg.data); /* nothing failed: no reasons */
    CHECK_FILE(want, "unsaved saved\n");
    CHECK_FILE(p, "saved\n"); /* never over the real file */
    struct stat st;
    CHECK(stat(want, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want);

    /* A second crash (or a second instance) never overwrites the first one's text. */
    type(b, "more ");
    CHECK(buffer_write_recovery(b, &r));
    char *want1 = path_in(".precious.txt.flint-recovery.1");
    CHECK_STR_EQ(r.path, want1);
    CHECK_FILE(want, "unsaved saved\n");
    CHECK_FILE(want1, "unsaved more saved\n");
    type(b, "x");
    CHECK(buffer_write_recovery(b, &r));
    char *want2 = path_in(".precious.txt.flint-recovery.2");
    CHECK_STR_EQ(r.path, want2);

    /* find: the plain name first; without it the newest numbered one. */
    set_mtime(want, 1000);
    set_mtime(want1, 3000);
    set_mtime(want2, 2000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want);
    CHECK(unlink(want) == 0);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, want1);

    /* The freed plain name is used again; a symlink planted there is not followed. */
    char *decoy = path_in("decoy.txt");
    write_file(decoy, "decoy\n", 6);
    CHECK(symlink("decoy.txt", want) == 0);
    CHECK(unlink(want1) == 0);
    CHECK(buffer_write_recovery(b, &r));
    CHECK_STR_EQ(r.path, want1);
    CHECK_FILE(decoy, "decoy\n");
    CHECK(unlink(want) == 0);
    /* A small out buffer gets a truncated, terminated path. */
    char tiny[8];
    CHECK(buffer_find_recovery(b, tiny, sizeof tiny));
    CHECK_INT_EQ(strlen(tiny), sizeof tiny - 1);
    unlink(want1);
    unlink(want2);
    sb_free(&msg);
    free(decoy);
    free(want);
    free(want1);
    free(want2);
    free(p);
    buffer_free(b);
}

/* --- the state directory ------------------------------------------------------------------- */

static void test_state_dir(void)
{
    set_dirs("state", "tmp-state");
    RecoveryReport r;
    char found[4096];
    /* Its directory does not exist: $XDG_STATE_HOME/flint/recovery/NAME.HASH.PID (created). */
    Buffer *b = edited("/nonexistent-flint-dir/deep/notes.md", "lost?");
    CHECK(buffer_write_recovery(b, &r));
    char *state = path_in("state/flint/recovery");
    StrBuf prefix = {0};
    sb_printf(&prefix, "%s/notes.md.", state);
    CHECK(strncmp(r.path, prefix.data, prefix.len) == 0);
    StrBuf suffix = {0};
    sb_printf(&suffix, ".%ld", (long)getpid());
    CHECK(strlen(r.path) == prefix.len + 16 + suffix.len); /* 16 hex digits of the path's hash */
    CHECK_STR_EQ(r.path + strlen(r.path) - suffix.len, suffix.data);
    CHECK_FILE(r.path, "lost?\n");
    struct stat st;
    CHECK(stat(state, &st) == 0 && (st.st_mode & 0777) == 0700);
    /* The message names the file and says why it is not next to the file. */
    CHECK(strstr(r.message, "unsaved changes written to ") == r.message);
    CHECK(strstr(r.message, r.path) != NULL);
    CHECK(strstr(r.message, "/nonexistent-flint-dir/deep: No such file or directory") != NULL);
    char first[4096];
    strcpy(first, r.path);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, first);

    /* There too an existing file (same PID: an earlier crash of this process, or a PID reused
     * after a reboot) is never truncated: the next free ".N" is used. */
    type(b, " again");
    CHECK(buffer_write_recovery(b, &r));
    StrBuf one = {0};
    sb_printf(&one, "%s.1", first);
    CHECK_STR_EQ(r.path, one.data);
    CHECK_FILE(first, "lost?\n");
    CHECK_FILE(one.data, "lost? again\n");
    /* find reports the newest of this file's, and only this file's. */
    set_mtime(first, 5000);
    set_mtime(one.data, 4000);
    StrBuf other = {0};
    sb_printf(&other, "%s/notes.md.bak.1", state);
    write_file(other.data, "not ours\n", 9);
    set_mtime(other.data, 9000);
    sb_reset(&other);
    sb_printf(&other, "%s/notes.md.12345", state); /* the old NAME.PID form: no path in it */
    write_file(other.data, "not ours\n", 9);
    set_mtime(other.data, 9000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, first);
    set_mtime(one.data, 6000);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, one.data);
    buffer_free(b);

    /* An unnamed buffer goes there too, and is never "found" for a file. */
    b = buffer_new();
    type(b, "scratch");
    CHECK(buffer_write_recovery(b, &r));
    CHECK(strstr(r.path, "/flint/recovery/unnamed.") != NULL);
    CHECK_FILE(r.path, "scratch\n");
    CHECK(!buffer_find_recovery(b, found, sizeof found));
    buffer_free(b);
    sb_free(&prefix);
    sb_free(&suffix);
    sb_free(&one);
    sb_free(&other);
    free(state);
}

/* Two files with the same name in different directories never pick up each other's recovery;
 * the same file named relatively and absolutely does. */
static void test_full_path_matching(void)
{
    set_dirs("state-match", "tmp-match");
    RecoveryReport r;
    char found[4096];
    Buffer *a = edited("/nonexistent-flint-a/config.h", "a's text");
    Buffer *b = edited("/nonexistent-flint-b/config.h", "b's text");
    CHECK(buffer_write_recovery(a, &r));
    CHECK(!buffer_find_recovery(b, found, sizeof found));
    CHECK(buffer_find_recovery(a, found, sizeof found));
    CHECK_STR_EQ(found, r.path);
    char a_path[4096];
    strcpy(a_path, r.path);
    CHECK(buffer_write_recovery(b, &r));
    CHECK(strcmp(r.path, a_path) != 0);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, r.path);
    CHECK_FILE(found, "b's text\n");
    CHECK(buffer_find_recovery(a, found, sizeof found));
    CHECK_FILE(found, "a's text\n");
    buffer_free(a);
    buffer_free(b);

    /* "sub/x.txt" from tmpdir and tmpdir"/sub/x.txt" are one file (sub does not exist, so
     * the recovery goes to the state directory, where only the hash can tell them apart). */
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(tmpdir) == 0);
    Buffer *rel = edited("sub/x.txt", "relative");
    CHECK(buffer_write_recovery(rel, &r));
    CHECK(chdir(cwd) == 0);
    char *abs = path_in("sub/x.txt");
    Buffer *ab = edited(abs, "absolute");
    CHECK(buffer_find_recovery(ab, found, sizeof found));
    CHECK_STR_EQ(found, r.path);
    buffer_free(rel);
    buffer_free(ab);
    free(abs);

    /* Next to the file the directory is the match: a file of the same name elsewhere has
     * its own. */
    char *d1 = path_in("d1"), *d2 = path_in("d2");
    CHECK(mkdir(d1, 0755) == 0 && mkdir(d2, 0755) == 0);
    char *f1 = path_in("d1/same.txt"), *f2 = path_in("d2/same.txt");
    a = edited(f1, "one");
    b = edited(f2, "two");
    CHECK(buffer_write_recovery(a, &r));
    CHECK(!buffer_find_recovery(b, found, sizeof found));
    buffer_free(a);
    buffer_free(b);
    free(d1);
    free(d2);
    free(f1);
    free(f2);
}

/* --- the private temporary directory --------------------------------------------------------- */

static void test_tmp_fallback(void)
{
    /* The state directory cannot exist (a path through a regular file). */
    char *plain = path_in("plain");
    write_file(plain, "x", 1);
    StrBuf bad = {0};
    sb_printf(&bad, "%s/state", plain);
    set_dirs("unused", "tmp");
    CHECK(setenv("XDG_STATE_HOME", bad.data, 1) == 0);
    RecoveryReport r;
    char found[4096];
    Buffer *b = edited("/nonexistent-flint-dir/todo.txt", "last chance");
    CHECK(buffer_write_recovery(b, &r));
    char *priv = private_dir("tmp");
    CHECK(strncmp(r.path, priv, strlen(priv)) == 0 && r.path[strlen(priv)] == '/');
    CHECK_FILE(r.path, "last chance\n");
    struct stat st;
    CHECK(lstat(priv, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
    CHECK(strstr(r.message, r.path) != NULL);
    CHECK(strstr(r.message, "/nonexistent-flint-dir: No such file or directory") != NULL);
    CHECK(strstr(r.message, "/state/flint/recovery: Not a directory") != NULL);
    CHECK(buffer_find_recovery(b, found, sizeof found));
    CHECK_STR_EQ(found, r.path);
    buffer_free(b);

    /* No HOME and no XDG_STATE_HOME: said so, and the temp directory takes it. */
    unsetenv("XDG_STATE_HOME");
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    unsetenv("HOME");
    b = edited("/nonexistent-flint-dir/nohome.txt", "homeless");
    CHECK(buffer_write_recovery(b, &r));
    CHECK(strncmp(r.path, priv, strlen(priv)) == 0);
    CHECK(strstr(r.message, "no state directory") != NULL);
    buffer_free(b);
    if (home)
        setenv("HOME", home, 1);
    free(home);

    /* A directory of that name that is open to others is not used (anyone can create it
     * first in a shared /tmp); neither is a symlink to a directory. Nothing is left then,
     * and the report says plainly that the text could not be saved, with every reason. */
    set_dirs("unused", "tmp-open");
    CHECK(setenv("XDG_STATE_HOME", bad.data, 1) == 0);
    char *open_priv = private_dir("tmp-open");
    CHECK(mkdir(open_priv, 0777) == 0 && chmod(open_priv, 0777) == 0);
    b = edited("/nonexistent-flint-dir/shared.txt", "careful");
    CHECK(!buffer_write_recovery(b, &r));
    CHECK_STR_EQ(r.path, "");
    CHECK(strstr(r.message, "unsaved changes could NOT be saved: ") == r.message);
    CHECK(strstr(r.message, "/nonexistent-flint-dir: No such file or directory") != NULL);
    CHECK(strstr(r.message, "Not a directory") != NULL);
    CHECK(strstr(r.message, open_priv) != NULL);
    CHECK(strstr(r.message, "Operation not permitted") != NULL);
    CHECK_INT_EQ(count_files(open_priv), 0);
    CHECK(rmdir(open_priv) == 0);
    char *real = path_in("tmp-open/elsewhere");
    CHECK(mkdir(real, 0700) == 0);
    CHECK(symlink(real, open_priv) == 0);
    CHECK(!buffer_write_recovery(b, &r));
    CHECK_INT_EQ(count_files(real), 0);
    CHECK(!buffer_find_recovery(b, found, sizeof found));
    buffer_free(b);
    free(real);
    free(open_priv);
    free(priv);
    free(plain);
    sb_free(&bad);
}

/* Every place can be created but not written (RLIMIT_FSIZE: the kernel fails the write with
 * EFBIG, as a full disk fails it with ENOSPC): each half-written file is removed, the next
 * place is tried, and the report says it could not be saved and why, place by place. */
static void test_write_failures_fall_through(void)
{
    set_dirs("state-full", "tmp-full");
    char *dir = path_in("full");
    CHECK(mkdir(dir, 0755) == 0);
    char *p = path_in("full/big.txt");
    Buffer *b = edited(p, "");
    StrBuf sb = {0};
    for (int i = 0; i < 1000; i++)
        sb_puts(&sb, "0123456789abcdef0123456789abcdef\n");
    buffer_insert(b, sb.data, sb.len);
    sb_free(&sb);
    struct rlimit old, small;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = 8192;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    RecoveryReport r;
    bool ok = buffer_write_recovery(b, &r);
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, prev);
    CHECK(!ok);
    CHECK_STR_EQ(r.path, "");
    CHECK(strstr(r.message, "unsaved changes could NOT be saved: ") == r.message);
    StrBuf want = {0};
    sb_printf(&want, "%s/.big.txt.flint-recovery: File too large", dir);
    CHECK(strstr(r.message, want.data) != NULL);
    char *state = path_in("state-full/flint/recovery/big.txt.");
    CHECK(strstr(r.message, state) != NULL);
    char *priv = private_dir("tmp-full");
    CHECK(strstr(r.message, priv) != NULL);
    int efbig = 0;
    for (const char *q = r.message; (q = strstr(q, "File too large")); q++)
        efbig++;
    CHECK_INT_EQ(efbig, 3);
    CHECK_INT_EQ(count_files(dir), 0); /* no partial recovery anywhere */
    char *statedir = path_in("state-full");
    CHECK_INT_EQ(count_files(statedir), 0);
    CHECK_INT_EQ(count_files(priv), 0);
    /* Once there is room again it works, next to the file. */
    CHECK(buffer_write_recovery(b, &r));
    CHECK(strncmp(r.path, dir, strlen(dir)) == 0);
    buffer_free(b);
    sb_free(&want);
    free(state);
    free(statedir);
    free(priv);
    free(dir);
    free(p);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-test-recovery-XXXXXX"))
        return 1;
    RUN(test_beside);
    RUN(test_state_dir);
    RUN(test_full_path_matching);
    RUN(test_tmp_fallback);
    RUN(test_write_failures_fall_through);
    tmpdir_remove();
    return harness_done();
}
