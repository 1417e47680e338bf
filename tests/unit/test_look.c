/* session/look: the remembered look's file. The writer's text parses back to the same Look
 * (round trip); comments, blanks, spaces and CRLF are fine; unknown keys are ignored; a
 * damaged line, a bad value, a NUL byte or an oversize file is refused whole with the line's
 * number; the default path; saving makes the directory 0700 and the file 0600 atomically (no
 * temp file left), loading a missing file is no error, a directory that cannot be written
 * says so. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/look.h"
#include "support/buffer_support.h"

static bool parse(const char *text, Look *l, ErrorBuf *err)
{
    return look_parse(text, strlen(text), "look.conf", l, err);
}

static void test_round_trip(void)
{
    static const Look looks[] = {
        {.theme = "light", .arrange = LOOK_ARRANGE_SIDE, .split = 60, .swapped = true},
        {.theme = "solarized-dark", .arrange = LOOK_ARRANGE_STACK, .split = 15},
        {.theme = "", .arrange = LOOK_ARRANGE_AUTO, .split = 0},
        {.theme = "high-contrast", .split = 99, .swapped = true},
    };
    for (size_t i = 0; i < sizeof looks / sizeof *looks; i++) {
        StrBuf sb = {0};
        look_format(&looks[i], &sb);
        Look back;
        ErrorBuf err = {{0}};
        CHECK(look_parse(sb.data, sb.len, "look.conf", &back, &err));
        CHECK_STR_EQ(back.theme, looks[i].theme);
        CHECK_INT_EQ(back.arrange, looks[i].arrange);
        CHECK_INT_EQ(back.split, looks[i].split);
        CHECK(back.swapped == looks[i].swapped);
        sb_free(&sb);
    }
    StrBuf sb = {0};
    look_format(&looks[0], &sb);
    CHECK_STR_EQ(sb_cstr(&sb), "# flint: the look chosen in the app (the settings and --theme "
                               "win over it)\ntheme = light\nlayout = side\nsplit = 60\n"
                               "swap = yes\n");
    sb_free(&sb);
}

static void test_lenient(void)
{
    Look l;
    ErrorBuf err = {{0}};
    CHECK(parse("", &l, &err));
    CHECK_STR_EQ(l.theme, "");
    CHECK_INT_EQ(l.split, 0);
    CHECK(parse("\n\n# nothing\n   \t\n", &l, &err));
    CHECK(parse("  theme=dark  # mine\r\nlayout   =stacked\r\n\r\nswap= no\nsplit = 07",
                &l, &err)); /* no final newline, CRLF, spaces anywhere */
    CHECK_STR_EQ(l.theme, "dark");
    CHECK_INT_EQ(l.arrange, LOOK_ARRANGE_STACK);
    CHECK_INT_EQ(l.split, 7);
    CHECK(!l.swapped);
    /* unknown keys (a newer flint's) are ignored; the last of a repeated key wins */
    CHECK(parse("font = big\ntheme = light\nzoom = editor\ntheme = terminal\n", &l, &err));
    CHECK_STR_EQ(l.theme, "terminal");
}

static void test_damaged(void)
{
    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"theme = light\nlayout side\n", "look.conf:2: not 'key = value'"},
        {"theme = light\n= x\n", "look.conf:2: not 'key = value'"},
        {"layout = diagonal\n", "look.conf:1: 'layout' wants auto, side or stacked"},
        {"split = 100\n", "look.conf:1: 'split' wants a percentage"},
        {"split = -5\n", "look.conf:1: 'split' wants a percentage"},
        {"split =\n", "look.conf:1: 'split' wants a percentage"},
        {"split = 99999999999999999999\n", "look.conf:1: 'split' wants a percentage"},
        {"swap = maybe\n", "look.conf:1: 'swap' wants yes or no"},
        {"theme = ../../etc/passwd\n", "look.conf:1: 'theme' wants a theme's name"},
        {"theme =\n", "look.conf:1: 'theme' wants a theme's name"},
        {"theme = two words\n", "look.conf:1: 'theme' wants a theme's name"},
        {"\n\n\ntheme = \xff\xfe\n", "look.conf:4: 'theme' wants a theme's name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Look l = {.split = 42};
        ErrorBuf err = {{0}};
        CHECK(!parse(bad[i].text, &l, &err));
        CHECK_STR_EQ(err.msg, bad[i].msg);
        CHECK_STR_EQ(l.theme, ""); /* the whole file is ignored, the good lines too */
        CHECK_INT_EQ(l.split, 0);
    }
    /* a theme name of 63 bytes is one; 64 is not */
    char name[80];
    memset(name, 'a', 63);
    name[63] = '\0';
    char text[100];
    snprintf(text, sizeof text, "theme = %s\n", name);
    Look l;
    ErrorBuf err = {{0}};
    CHECK(parse(text, &l, &err));
    CHECK_STR_EQ(l.theme, name);
    snprintf(text, sizeof text, "theme = %sa\n", name);
    CHECK(!parse(text, &l, &err));
    /* NUL bytes, and a file of more than LOOK_FILE_MAX bytes */
    CHECK(!look_parse("theme = dark\n\0x", 15, "f", &l, &err));
    CHECK_STR_EQ(err.msg, "f: binary, not a file flint wrote");
    size_t n = LOOK_FILE_MAX + 1;
    char *big = malloc(n);
    memset(big, '#', n);
    CHECK(!look_parse(big, n, "f", &l, &err));
    CHECK(strstr(err.msg, "not a file flint wrote") != NULL);
    CHECK(look_parse(big, n - 1, "f", &l, &err)); /* all comment, at the limit: fine */
    free(big);
}

static void test_default_path(void)
{
    char *xdg = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    StrBuf sb = {0};
    setenv("XDG_STATE_HOME", "/x/state", 1);
    CHECK(look_default_path(&sb));
    CHECK_STR_EQ(sb_cstr(&sb), "/x/state/flint/look.conf");
    sb_reset(&sb);
    setenv("XDG_STATE_HOME", "relative", 1); /* ignored, as the XDG spec says */
    setenv("HOME", "/home/u", 1);
    CHECK(look_default_path(&sb));
    CHECK_STR_EQ(sb_cstr(&sb), "/home/u/.local/state/flint/look.conf");
    sb_reset(&sb);
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    CHECK(!look_default_path(&sb));
    sb_free(&sb);
    if (xdg)
        setenv("XDG_STATE_HOME", xdg, 1);
    if (home)
        setenv("HOME", home, 1);
    free(xdg);
    free(home);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    if (d)
        closedir(d);
    return n;
}

/* look_save as an ordinary user (root writes into a 0555 directory anyway). */
static bool save_as_user(const char *path, const Look *l, ErrorBuf *err)
{
    if (geteuid() != 0)
        return look_save(path, l, err);
    int p[2];
    if (pipe(p) < 0)
        return error_set(err, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (setgid(65534) < 0 || setuid(65534) < 0)
            _exit(2);
        ErrorBuf e = {{0}};
        bool ok = look_save(path, l, &e);
        if (write(p[1], e.msg, strlen(e.msg)) < 0)
            _exit(3);
        _exit(ok ? 0 : 1);
    }
    close(p[1]);
    ssize_t n = read(p[0], err->msg, sizeof err->msg - 1);
    err->msg[n > 0 ? n : 0] = '\0';
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_save_load(void)
{
    CHECK(tmpdir_create("/tmp/flint-look-XXXXXX"));
    char path[160], dir[128];
    snprintf(dir, sizeof dir, "%s/state/flint", tmpdir);
    snprintf(path, sizeof path, "%s/look.conf", dir);
    Look l;
    bool found = true;
    ErrorBuf err = {{0}};
    CHECK(look_load(path, &l, &found, &err)); /* missing: normal */
    CHECK(!found);
    Look want = {.theme = "light", .arrange = LOOK_ARRANGE_STACK, .split = 40};
    CHECK(look_save(path, &want, &err));
    want.swapped = true;
    CHECK(look_save(path, &want, &err)); /* replaces */
    struct stat st;
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_INT_EQ(count_entries(dir), 1); /* no temp file left */
    CHECK(look_load(path, &l, &found, &err));
    CHECK(found);
    CHECK_STR_EQ(l.theme, "light");
    CHECK_INT_EQ(l.arrange, LOOK_ARRANGE_STACK);
    CHECK_INT_EQ(l.split, 40);
    CHECK(l.swapped);
    /* damaged on disk: false, the path and line in the message */
    write_file(path, "theme light\n", 12);
    CHECK(!look_load(path, &l, &found, &err));
    CHECK(found);
    CHECK(strstr(err.msg, "look.conf:1: not 'key = value'") != NULL);
    CHECK_STR_EQ(l.theme, "");
    /* oversize on disk */
    char *big = malloc(3 * LOOK_FILE_MAX);
    memset(big, '\n', 3 * LOOK_FILE_MAX);
    write_file(path, big, 3 * LOOK_FILE_MAX);
    free(big);
    CHECK(!look_load(path, &l, &found, &err));
    CHECK(strstr(err.msg, "not a file flint wrote") != NULL);
    /* not a file */
    char sub[200];
    snprintf(sub, sizeof sub, "%s/dir.conf", dir);
    CHECK(mkdir(sub, 0700) == 0);
    CHECK(!look_load(sub, &l, &found, &err));
    CHECK(strstr(err.msg, "not a file") != NULL);
    /* a state directory that cannot be written: a message that says so, nothing left */
    char state[128];
    snprintf(state, sizeof state, "%s/state", tmpdir);
    CHECK(chmod(tmpdir, 0755) == 0);
    CHECK(chmod(state, 0755) == 0);
    CHECK(chmod(dir, 0555) == 0);
    CHECK(chmod(sub, 0755) == 0);
    CHECK(chmod(path, 0644) == 0);
    CHECK(!save_as_user(path, &want, &err));
    CHECK(strstr(err.msg, "cannot write") != NULL);
    CHECK(strstr(err.msg, "read-only") != NULL);
    CHECK_INT_EQ(count_entries(dir), 2);
    chmod(dir, 0700);
    /* a file where the directory should be */
    char clash[200];
    snprintf(clash, sizeof clash, "%s/look.conf/flint/look.conf", dir);
    CHECK(!look_save(clash, &want, &err));
    CHECK(strstr(err.msg, "cannot write") != NULL);
    tmpdir_remove();
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_lenient);
    RUN(test_damaged);
    RUN(test_default_path);
    RUN(test_save_load);
    return harness_done();
}
