/* EditorConfig: an INI-like reader that applies matching sections as it goes (no tree is
 * built), and a recursive glob matcher.
 *
 * The matcher works on the pattern text directly; `{a,b}` is tried alternative by
 * alternative with the rest of the pattern appended, through a bounded buffer (patterns
 * longer than EC_PATTERN_MAX are never matched), and recursion is bounded by EC_DEPTH so
 * hostile files (`{{{{...`, many `*`) cost bounded time and stack. */
#include "session/editorconfig.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

#define EC_PATTERN_MAX 256
#define EC_DEPTH 64
#define EC_FILE_MAX (256 * 1024)
#define EC_LEVELS 32

void editorconfig_init(EditorConfig *ec)
{
    *ec = (EditorConfig){EC_UNSET, EC_UNSET, EC_UNSET, EC_UNSET, EC_UNSET, EC_UNSET};
}

/* --- globs ---------------------------------------------------------------------------------- */

static bool match(const char *p, const char *s, int depth);

/* p points at '{': tries each alternative followed by what comes after the closing '}'. */
static bool match_brace(const char *p, const char *s, int depth)
{
    const char *close = NULL;
    int level = 0;
    for (const char *q = p; *q; q++) {
        if (*q == '\\' && q[1]) {
            q++;
            continue;
        }
        if (*q == '{')
            level++;
        else if (*q == '}' && --level == 0) {
            close = q;
            break;
        }
    }
    if (!close) /* an unclosed brace is a literal '{' */
        return *s == '{' && match(p + 1, s + 1, depth + 1);
    const char *alt = p + 1;
    level = 0;
    for (const char *q = p + 1; q <= close; q++) {
        if (*q == '\\' && q < close) {
            q++;
            continue;
        }
        if (*q == '{')
            level++;
        else if (*q == '}' && level > 0)
            level--;
        else if ((*q == ',' && level == 0) || q == close) {
            char buf[EC_PATTERN_MAX];
            size_t a = (size_t)(q - alt), rest = strlen(close + 1);
            if (a + rest + 1 > sizeof buf)
                return false;
            memcpy(buf, alt, a);
            memcpy(buf + a, close + 1, rest + 1);
            if (match(buf, s, depth + 1))
                return true;
            alt = q + 1;
        }
    }
    return false;
}

static bool match_class(const char **pp, char c)
{
    const char *p = *pp + 1;
    bool neg = *p == '!' || *p == '^';
    if (neg)
        p++;
    bool hit = false;
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            if (c >= p[0] && c <= p[2])
                hit = true;
            p += 3;
        } else {
            if (*p == c)
                hit = true;
            p++;
        }
    }
    if (*p != ']')
        return false; /* unclosed: treated as no match */
    *pp = p + 1;
    return hit != neg && c != '/';
}

static bool match(const char *p, const char *s, int depth)
{
    if (depth > EC_DEPTH)
        return false;
    while (*p) {
        switch (*p) {
        case '*': {
            bool any = p[1] == '*'; /* ** crosses '/' */
            while (*p == '*') /* a run of stars is one: no exponential retries */
                p++;
            for (const char *t = s;; t++) {
                if (match(p, t, depth + 1))
                    return true;
                if (!*t || (!any && *t == '/'))
                    return false;
            }
        }
        case '?':
            if (!*s || *s == '/')
                return false;
            p++, s++;
            break;
        case '[': {
            if (!*s)
                return false;
            const char *q = p;
            if (!match_class(&q, *s)) {
                if (!strchr(p, ']') && *s == '[') { /* a lone '[' is literal */
                    p++, s++;
                    break;
                }
                return false;
            }
            p = q, s++;
            break;
        }
        case '{': return match_brace(p, s, depth);
        case '\\':
            if (p[1])
                p++;
            /* fall through */
        default:
            if (*p != *s)
                return false;
            p++, s++;
        }
    }
    return *s == '\0';
}

bool editorconfig_glob(const char *pattern, const char *rel_path)
{
    if (strlen(pattern) >= EC_PATTERN_MAX)
        return false;
    if (pattern[0] == '/')
        return match(pattern + 1, rel_path, 0);
    if (strchr(pattern, '/'))
        return match(pattern, rel_path, 0);
    /* No '/': the file's name, in any directory below. */
    const char *base = strrchr(rel_path, '/');
    return match(pattern, base ? base + 1 : rel_path, 0);
}

/* --- the file ---------------------------------------------------------------------------------- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_bool(const char *v) { return strcasecmp(v, "true") == 0 ? 1 : strcasecmp(v, "false") == 0 ? 0 : -2; }

static int parse_width(const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    return *v && !*end && n >= 1 && n <= 16 ? (int)n : -2;
}

static void set(int *field, int value, const char *v)
{
    if (strcasecmp(v, "unset") == 0)
        *field = EC_UNSET;
    else if (value != -2)
        *field = value;
}

static void property(EditorConfig *ec, const char *k, const char *v)
{
    if (strcasecmp(k, "indent_style") == 0)
        set(&ec->indent_style, strcasecmp(v, "tab") == 0 ? 0 : strcasecmp(v, "space") == 0 ? 1 : -2, v);
    else if (strcasecmp(k, "indent_size") == 0)
        set(&ec->indent_size, strcasecmp(v, "tab") == 0 ? 0 : parse_width(v), v);
    else if (strcasecmp(k, "tab_width") == 0)
        set(&ec->tab_width, parse_width(v), v);
    else if (strcasecmp(k, "end_of_line") == 0)
        set(&ec->end_of_line, strcasecmp(v, "lf") == 0 ? 0 : strcasecmp(v, "crlf") == 0 ? 1
                              : strcasecmp(v, "cr") == 0 ? 2 : -2, v);
    else if (strcasecmp(k, "insert_final_newline") == 0)
        set(&ec->insert_final_newline, parse_bool(v), v);
    else if (strcasecmp(k, "trim_trailing_whitespace") == 0)
        set(&ec->trim_trailing_whitespace, parse_bool(v), v);
}

bool editorconfig_apply(EditorConfig *ec, const char *text, size_t len, const char *rel_path)
{
    bool root = false, preamble = true, on = false;
    size_t i = 0;
    char line[1024];
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        size_t n = j - i < sizeof line - 1 ? j - i : sizeof line - 1; /* longer: cut */
        memcpy(line, text + i, n);
        line[n] = '\0';
        if (memchr(line, '\0', n)) /* a NUL inside: the line is junk */
            line[0] = '\0';
        i = j + 1;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        size_t sl = strlen(s);
        if (*s == '[' && s[sl - 1] == ']') {
            s[sl - 1] = '\0';
            preamble = false;
            on = editorconfig_glob(s + 1, rel_path);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        if (preamble) {
            if (strcasecmp(k, "root") == 0 && strcasecmp(v, "true") == 0)
                root = true;
        } else if (on) {
            property(ec, k, v);
        }
    }
    return root;
}

static char *read_small(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    StrBuf sb = {0};
    char buf[4096];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0 && sb.len < EC_FILE_MAX)
        sb_append(&sb, buf, (size_t)r);
    close(fd);
    return sb_steal(&sb, len);
}

void editorconfig_for(const char *file, EditorConfig *ec)
{
    if (!file || file[0] != '/')
        return;
    /* Collect the directories from the file's up to the root (or "/"), nearest first. */
    char *dirs[EC_LEVELS];
    size_t nd = 0;
    char *dir = xstrdup(file);
    char *slash;
    while (nd < EC_LEVELS && (slash = strrchr(dir, '/')) != NULL) {
        *slash = '\0';
        dirs[nd++] = xstrdup(dir); /* "" is "/" */
        if (slash == dir)
            break;
    }
    free(dir);
    /* Find how far up to read: the nearest root = true. */
    char *texts[EC_LEVELS] = {0};
    size_t lens[EC_LEVELS] = {0};
    size_t top = nd;
    for (size_t i = 0; i < nd; i++) {
        StrBuf p = {0};
        sb_printf(&p, "%s/.editorconfig", dirs[i]);
        texts[i] = read_small(sb_cstr(&p), &lens[i]);
        sb_free(&p);
        if (texts[i]) {
            EditorConfig probe;
            editorconfig_init(&probe);
            if (editorconfig_apply(&probe, texts[i], lens[i], "")) {
                top = i + 1;
                break;
            }
        }
    }
    for (size_t i = top; i-- > 0;) {
        if (texts[i]) {
            size_t dl = strlen(dirs[i]);
            editorconfig_apply(ec, texts[i], lens[i], file + dl + 1);
        }
    }
    for (size_t i = 0; i < nd; i++) {
        free(texts[i]);
        free(dirs[i]);
    }
}
