/* Look: see look.h. The parser walks the bytes once, line by line, with no allocation. */
#include "session/look.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdio.h"

static const char *const arrange_words[] = {"auto", "side", "stacked"};

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* [s, e) without the spaces around it. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* A theme's name as flint's themes are named: letters, digits, '-', '_'. */
static bool theme_name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= LOOK_THEME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* One "key = value" line (comment and spaces gone); false with the reason in err. */
static bool parse_line(const char *s, const char *e, Look *l, const char *name, int line,
                       ErrorBuf *err)
{
    const char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq)
        return error_set(err, "%s:%d: not 'key = value'", name, line);
    const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
    trim(&ks, &ke);
    trim(&vs, &ve);
    size_t kn = (size_t)(ke - ks), vn = (size_t)(ve - vs);
    if (word_is(ks, kn, "theme")) {
        if (!theme_name_ok(vs, vn))
            return error_set(err, "%s:%d: 'theme' wants a theme's name", name, line);
        memcpy(l->theme, vs, vn);
        l->theme[vn] = '\0';
    } else if (word_is(ks, kn, "layout")) {
        size_t i = 0;
        while (i < 3 && !word_is(vs, vn, arrange_words[i]))
            i++;
        if (i == 3)
            return error_set(err, "%s:%d: 'layout' wants auto, side or stacked", name, line);
        l->arrange = (LookArrange)i;
    } else if (word_is(ks, kn, "split")) {
        int v = 0;
        for (size_t i = 0; i < vn; i++) {
            if (vs[i] < '0' || vs[i] > '9' || v > 99)
                return error_set(err, "%s:%d: 'split' wants a percentage", name, line);
            v = v * 10 + (vs[i] - '0');
        }
        if (vn == 0 || v > 99)
            return error_set(err, "%s:%d: 'split' wants a percentage", name, line);
        l->split = v;
    } else if (word_is(ks, kn, "swap")) {
        if (word_is(vs, vn, "yes"))
            l->swapped = true;
        else if (word_is(vs, vn, "no"))
            l->swapped = false;
        else
            return error_set(err, "%s:%d: 'swap' wants yes or no", name, line);
    } else if (kn == 0) {
        return error_set(err, "%s:%d: not 'key = value'", name, line);
    } /* else: a key of a newer flint's, ignored */
    return true;
}

bool look_parse(const char *data, size_t len, const char *name, Look *out, ErrorBuf *err)
{
    *out = (Look){0};
    if (!name)
        name = "look.conf";
    if (len > LOOK_FILE_MAX)
        return error_set(err, "%s: %zu bytes, not a file flint wrote", name, len);
    if (len && memchr(data, '\0', len))
        return error_set(err, "%s: binary, not a file flint wrote", name);
    Look l = {0};
    const char *p = data, *end = data + len;
    int line = 0;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *hash = memchr(p, '#', (size_t)(e - p));
        const char *s = p, *ce = hash ? hash : e;
        trim(&s, &ce);
        if (s < ce && !parse_line(s, ce, &l, name, line, err))
            return false;
        p = nl ? nl + 1 : end;
    }
    *out = l;
    return true;
}

void look_format(const Look *l, StrBuf *out)
{
    sb_puts(out, "# flint: the look chosen in the app (the settings and --theme win over it)\n");
    if (l->theme[0])
        sb_printf(out, "theme = %s\n", l->theme);
    unsigned a = (unsigned)l->arrange < 3 ? (unsigned)l->arrange : 0;
    sb_printf(out, "layout = %s\nsplit = %d\nswap = %s\n", arrange_words[a],
              l->split >= 0 && l->split <= 99 ? l->split : 0, l->swapped ? "yes" : "no");
}

bool look_default_path(StrBuf *out)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') /* the XDG spec: a relative value is ignored */
        sb_printf(out, "%s/flint/look.conf", xdg);
    else if (home && home[0])
        sb_printf(out, "%s/.local/state/flint/look.conf", home);
    else
        return false;
    return true;
}

bool look_load(const char *path, Look *out, bool *found, ErrorBuf *err)
{
    *out = (Look){0};
    *found = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        return error_errno(err, "cannot read %s", path);
    }
    *found = true;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return error_errno(err, "cannot read %s", path);
    }
    if (!S_ISREG(st.st_mode)) { /* a FIFO would hold the start up */
        close(fd);
        return error_set(err, "cannot read %s: not a file", path);
    }
    char buf[LOOK_FILE_MAX + 1];
    size_t n = 0;
    if (!fdio_read_upto(fd, buf, sizeof buf, &n)) {
        int e = errno;
        close(fd);
        errno = e;
        return error_errno(err, "cannot read %s", path);
    }
    close(fd);
    return look_parse(buf, n, path, out, err); /* n > LOOK_FILE_MAX: too big */
}

bool look_save(const char *path, const Look *l, ErrorBuf *err)
{
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char dir[4096];
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return error_set(err, "cannot write %s: the path is too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (!fdio_make_dirs(dir, 0700))
            return error_errno(err, "cannot write %s", path);
    }
    StrBuf text = {0};
    look_format(l, &text);
    bool ok = fdio_replace_file(path, text.data, text.len, 0600, false, err);
    sb_free(&text);
    return ok;
}
