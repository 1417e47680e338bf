/* Paths as typed. path_complete lists the directory once per Tab (readdir; no cache: a Tab is
 * rare and directories change under us), keeps the matches in a sorted array and extends the
 * typed text by their longest common prefix. The typed text keeps its own form ("~/sr" stays
 * "~/src/"): only the directory that is read is expanded. */
#include "session/path.h"

#include <dirent.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

bool path_expand_home(const char *in, StrBuf *out)
{
    if (in[0] != '~') {
        sb_puts(out, in);
        return true;
    }
    const char *rest = in + 1 + strcspn(in + 1, "/");
    const char *home = NULL;
    if (rest == in + 1) {
        home = getenv("HOME");
        if (!home || !*home) {
            struct passwd *pw = getpwuid(getuid());
            home = pw ? pw->pw_dir : NULL;
        }
    } else {
        char *user = xstrndup(in + 1, (size_t)(rest - in - 1));
        struct passwd *pw = getpwnam(user);
        free(user);
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home) {
        sb_puts(out, in);
        return false;
    }
    sb_puts(out, home);
    sb_puts(out, rest);
    return true;
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

void path_parse_location(const char *arg, StrBuf *out, size_t *line, size_t *col)
{
    *line = *col = 0;
    struct stat st;
    StrBuf exp = {0};
    path_expand_home(arg, &exp);
    bool exists = stat(sb_cstr(&exp), &st) == 0;
    sb_free(&exp);
    size_t len = strlen(arg);
    const char *c1 = exists ? NULL : strrchr(arg, ':');
    if (c1 && c1 > arg && all_digits(c1 + 1, len - (size_t)(c1 + 1 - arg))) {
        /* "f:12" or "f:12:7": the last number is a column when another one precedes it. */
        const char *c0 = c1 - 1;
        while (c0 > arg && *c0 != ':')
            c0--;
        if (*c0 == ':' && c0 > arg && all_digits(c0 + 1, (size_t)(c1 - c0 - 1))) {
            *line = strtoul(c0 + 1, NULL, 10);
            *col = strtoul(c1 + 1, NULL, 10);
            sb_append(out, arg, (size_t)(c0 - arg));
        } else {
            *line = strtoul(c1 + 1, NULL, 10);
            sb_append(out, arg, (size_t)(c1 - arg));
        }
        return;
    }
    sb_puts(out, arg);
}

bool path_parse_plus_line(const char *arg, size_t *line)
{
    if (arg[0] != '+' || !all_digits(arg + 1, strlen(arg + 1)))
        return false;
    *line = strtoul(arg + 1, NULL, 10);
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t path_complete(const char *typed, StrBuf *out, StrBuf *names)
{
    const char *slash = strrchr(typed, '/');
    size_t dir_len = slash ? (size_t)(slash - typed) + 1 : 0; /* with the '/' */
    const char *leaf = typed + dir_len;
    size_t leaf_len = strlen(leaf);
    StrBuf dir = {0};
    if (dir_len) {
        char *d = xstrndup(typed, dir_len);
        path_expand_home(d, &dir);
        free(d);
    } else if (typed[0] == '~') { /* "~user" alone: nothing to list */
        sb_puts(out, typed);
        return 0;
    } else {
        sb_puts(&dir, "./");
    }
    char **match = NULL;
    size_t n = 0, cap = 0;
    DIR *dp = opendir(sb_cstr(&dir));
    for (struct dirent *e; dp && (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.' && leaf[0] != '.')
            continue;
        if (strncmp(e->d_name, leaf, leaf_len) != 0)
            continue;
        StrBuf full = {0};
        sb_printf(&full, "%s%s", sb_cstr(&dir), e->d_name);
        struct stat st;
        bool is_dir = stat(sb_cstr(&full), &st) == 0 && S_ISDIR(st.st_mode);
        sb_free(&full);
        match = xgrow(match, &cap, n + 1, sizeof *match);
        size_t nl = strlen(e->d_name);
        match[n] = xmalloc(nl + 2);
        memcpy(match[n], e->d_name, nl);
        match[n][nl] = is_dir ? '/' : '\0';
        match[n][nl + 1] = '\0';
        n++;
    }
    if (dp)
        closedir(dp);
    sb_free(&dir);
    sb_puts(out, typed);
    if (n == 0)
        return 0;
    qsort(match, n, sizeof *match, cmp_names);
    /* The longest common prefix; a lone directory keeps its '/'. */
    size_t common = strlen(match[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && match[i][k] == match[0][k])
            k++;
        common = k;
    }
    if (n > 1 && common && match[0][common - 1] == '/')
        common--;
    if (common > leaf_len)
        sb_append(out, match[0] + leaf_len, common - leaf_len);
    for (size_t i = 0; i < n; i++) {
        if (names) {
            sb_puts(names, match[i]);
            sb_putc(names, '\n');
        }
        free(match[i]);
    }
    free(match);
    return n;
}

bool path_same_file(const char *p, const char *q)
{
    struct stat sp, sq;
    if (stat(p, &sp) == 0 && stat(q, &sq) == 0)
        return sp.st_dev == sq.st_dev && sp.st_ino == sq.st_ino;
    char rp[PATH_MAX], rq[PATH_MAX];
    /* Not both there: compare what they name (the directory resolved, when it exists). */
    const char *ap = realpath(p, rp) ? rp : p, *aq = realpath(q, rq) ? rq : q;
    return strcmp(ap, aq) == 0;
}
