/* Syntax: the rule-file parser, the PCRE2 line scanner and the SyntaxSet (format and rules of
 * the game: themes/syntax.h).
 *
 * Data. A Syntax is its names (name + aliases), file globs, an optional shebang regex, the
 * comment rule, and two rule lists: `outer`, in file order, the rules tried outside any region
 * (every token, and every region's START), and `region`, each region's class, END and
 * optional escape regex. The state a line starts in is 0 (outside) or 1 + a region index, so
 * states fit the uint16 the highlighter stores (at most MAX_REGIONS regions).
 *
 * Scanning (syntax_line). Outside a region every outer rule is searched from the scan
 * position; each rule's next match is remembered (hit[]) and searched again only when the
 * scan has passed its start, so a line costs about one search per rule and per token, not
 * per byte. The leftmost match wins, ties go to the earlier rule. Empty matches are refused
 * (PCRE2_NOTEMPTY), so every step advances or changes the state, and the scan ends. Inside a
 * region only END and the escape are searched. A failed or aborted match (the match limits
 * below, which bound a pathological rule) counts as no match.
 *
 * Invariants: tokens come out in order, non-overlapping, within [0, min(len, LINE_MAX)); a
 * Syntax's scratch (match data, hit[]) is only valid during one syntax_line call.
 *
 * Parsing works on a fresh Syntax and frees it on the first error, which names file:line;
 * nothing is half-added to a set. */
#define _GNU_SOURCE /* memrchr */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "themes/syntax.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xalloc.h"

#define MAX_RULES 256
#define MAX_REGIONS 250
#define MAX_NAMES 32
#define MAX_PATTERN 2000
#define MATCH_LIMIT 200000 /* PCRE2 backtracking steps per match */
#define HEAP_LIMIT_KB 4096
#define SYNTAX_FILE_MAX (1 << 20)

static const char *const class_names[SYN__COUNT] = {
    "none",     "keyword", "type",     "string", "comment", "number",   "preproc",
    "function", "operator", "constant", "escape", "variable", "key",    "heading",
    "emphasis", "link",    "added",    "removed", "hunk",
};
/* One letter each for golden files (tests/data/syntax). */
static const char class_letters[SYN__COUNT + 1] = ".ktscnpfoCevKhml+-@";

typedef struct OuterRule {
    pcre2_code *re;
    uint8_t cls;
    int region; /* -1: a token; else the region this START opens */
} OuterRule;

typedef struct Region {
    pcre2_code *end, *escape;
    uint8_t cls;
    bool oneline;
} Region;

typedef struct Hit {
    int state;          /* HIT_UNKNOWN, HIT_NONE or HIT_FOUND */
    size_t ms, me;      /* the match (after \K, if the regex uses it) */
} Hit;
enum { HIT_UNKNOWN, HIT_NONE, HIT_FOUND };

struct Syntax {
    char *name;
    char *alias[MAX_NAMES];
    size_t nalias;
    char *glob[MAX_NAMES];
    size_t nglob;
    pcre2_code *shebang;
    char comment[3][16];
    OuterRule outer[MAX_RULES];
    size_t nouter;
    Region region[MAX_REGIONS];
    size_t nregion;
    /* scratch for syntax_line */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    Hit hit[MAX_RULES];
};

const char *syntax_class_name(SyntaxClass c)
{
    return (unsigned)c < SYN__COUNT ? class_names[c] : "?";
}

char syntax_class_letter(SyntaxClass c)
{
    return (unsigned)c < SYN__COUNT ? class_letters[c] : '?';
}

/* --- matching ----------------------------------------------------------------------------- */

/* Searches re in line[0, len) from `from`; fills h (HIT_FOUND or HIT_NONE). */
static void search(Syntax *sy, pcre2_code *re, const char *line, size_t len, size_t from, Hit *h)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)line, len, from, PCRE2_NOTEMPTY, sy->md, sy->mctx);
    if (rc <= 0) {
        h->state = HIT_NONE;
        return;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sy->md);
    h->state = HIT_FOUND;
    h->ms = ov[0];
    h->me = ov[1];
    if (h->me <= h->ms || h->me > len) /* \K in a lookahead can put the start after the end */
        h->state = HIT_NONE;
}

static void emit(SyntaxTokens *out, size_t s, size_t e, uint8_t cls)
{
    if (!out || e <= s || cls == SYN_NONE)
        return;
    if (out->n && out->v[out->n - 1].end == s && out->v[out->n - 1].cls == cls) {
        out->v[out->n - 1].end = (uint32_t)e; /* one token for "abc" + "def" of a class */
        return;
    }
    out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
    out->v[out->n++] = (SyntaxToken){(uint32_t)s, (uint32_t)e, cls};
}

unsigned syntax_line(const Syntax *csy, unsigned state, const char *line, size_t len,
                     SyntaxTokens *out)
{
    Syntax *sy = (Syntax *)csy; /* scratch only: see the top of the file */
    if (state > sy->nregion)
        state = 0;
    if (len > SYNTAX_LINE_MAX)
        len = SYNTAX_LINE_MAX;
    for (size_t i = 0; i < sy->nouter; i++)
        sy->hit[i].state = HIT_UNKNOWN;
    size_t p = 0;
    while (p <= len) {
        if (state) {
            const Region *r = &sy->region[state - 1];
            Hit end = {0}, esc = {.state = HIT_NONE};
            search(sy, r->end, line, len, p, &end);
            if (r->escape)
                search(sy, r->escape, line, len, p, &esc);
            if (esc.state == HIT_FOUND && (end.state != HIT_FOUND || esc.ms <= end.ms)) {
                emit(out, p, esc.ms, r->cls);
                emit(out, esc.ms, esc.me, SYN_ESCAPE);
                p = esc.me;
                continue;
            }
            if (end.state == HIT_FOUND) {
                emit(out, p, end.me, r->cls);
                p = end.me;
                state = 0;
                for (size_t i = 0; i < sy->nouter; i++) /* hits from before the region */
                    if (sy->hit[i].state == HIT_FOUND && sy->hit[i].ms < p)
                        sy->hit[i].state = HIT_UNKNOWN;
                continue;
            }
            emit(out, p, len, r->cls);
            if (r->oneline)
                state = 0;
            break;
        }
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < sy->nouter; i++) {
            Hit *h = &sy->hit[i];
            if (h->state == HIT_UNKNOWN || (h->state == HIT_FOUND && h->ms < p))
                search(sy, sy->outer[i].re, line, len, p, h);
            if (h->state == HIT_FOUND && (best == SIZE_MAX || h->ms < sy->hit[best].ms))
                best = i;
        }
        if (best == SIZE_MAX)
            break;
        const OuterRule *o = &sy->outer[best];
        const Hit *h = &sy->hit[best];
        if (o->region >= 0) {
            emit(out, h->ms, h->me, o->cls);
            p = h->me;
            state = (unsigned)o->region + 1;
        } else {
            emit(out, h->ms, h->me, o->cls);
            p = h->me;
        }
    }
    return state;
}

void syntax_tokens_free(SyntaxTokens *t)
{
    free(t->v);
    *t = (SyntaxTokens){0};
}

/* --- parsing ------------------------------------------------------------------------------ */

void syntax_free(Syntax *s)
{
    if (!s)
        return;
    free(s->name);
    for (size_t i = 0; i < s->nalias; i++)
        free(s->alias[i]);
    for (size_t i = 0; i < s->nglob; i++)
        free(s->glob[i]);
    pcre2_code_free(s->shebang);
    for (size_t i = 0; i < s->nouter; i++)
        pcre2_code_free(s->outer[i].re);
    for (size_t i = 0; i < s->nregion; i++) {
        pcre2_code_free(s->region[i].end);
        pcre2_code_free(s->region[i].escape);
    }
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    free(s);
}

const char *syntax_name(const Syntax *s) { return s->name; }

void syntax_comment(const Syntax *s, const char **line, const char **bs, const char **be)
{
    if (line)
        *line = s->comment[0];
    if (bs)
        *bs = s->comment[1];
    if (be)
        *be = s->comment[2];
}

typedef struct Parser {
    const char *file;
    int line;
    ErrorBuf *err;
    const char *s; /* the rest of the current line */
    size_t n;
} Parser;

#define SHOWN(len) ((int)((len) > 40 ? 40 : (len)))

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static void skip_blanks(Parser *p)
{
    while (p->n && is_blank(*p->s))
        p->s++, p->n--;
}

/* The next blank-separated word; false at the end of the line. */
static bool next_word(Parser *p, const char **w, size_t *wl)
{
    skip_blanks(p);
    if (!p->n)
        return false;
    *w = p->s;
    while (p->n && !is_blank(*p->s))
        p->s++, p->n--;
    *wl = (size_t)(p->s - *w);
    return true;
}

static bool word_is(const char *w, size_t wl, const char *lit)
{
    return strlen(lit) == wl && memcmp(w, lit, wl) == 0;
}

static bool compile(Parser *p, const char *pat, size_t len, pcre2_code **out)
{
    if (len > MAX_PATTERN)
        return error_set(p->err, "%s:%d: regex longer than %d bytes", p->file, p->line,
                         MAX_PATTERN);
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, 0, &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", code);
        return error_set(p->err, "%s:%d: regex: %s at offset %zu", p->file, p->line,
                         (const char *)msg, (size_t)off);
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* the interpreter when JIT is missing */
    *out = re;
    return true;
}

static bool parse_class(Parser *p, uint8_t *cls)
{
    const char *w;
    size_t wl;
    if (!next_word(p, &w, &wl))
        return error_set(p->err, "%s:%d: expected a class", p->file, p->line);
    for (int c = 1; c < SYN__COUNT; c++) {
        if (word_is(w, wl, class_names[c])) {
            *cls = (uint8_t)c;
            return true;
        }
    }
    return error_set(p->err,
                     "%s:%d: unknown class '%.*s' (keyword type string comment number preproc "
                     "function operator constant escape variable key heading emphasis link "
                     "added removed hunk)",
                     p->file, p->line, SHOWN(wl), w);
}

static bool add_names(Parser *p, char **list, size_t *n, const char *what)
{
    const char *w;
    size_t wl;
    bool any = false;
    while (next_word(p, &w, &wl)) {
        if (*n >= MAX_NAMES)
            return error_set(p->err, "%s:%d: more than %d %s", p->file, p->line, MAX_NAMES, what);
        list[(*n)++] = xstrndup(w, wl);
        any = true;
    }
    return any || error_set(p->err, "%s:%d: expected %s", p->file, p->line, what);
}

static bool parse_comment(Parser *p, Syntax *sy)
{
    const char *w;
    size_t wl;
    for (int i = 0; i < 3; i++) {
        if (!next_word(p, &w, &wl))
            break;
        if (wl >= sizeof sy->comment[i])
            return error_set(p->err, "%s:%d: comment marker longer than %zu bytes", p->file,
                             p->line, sizeof sy->comment[i] - 1);
        if (!word_is(w, wl, "-"))
            memcpy(sy->comment[i], w, wl);
    }
    if (next_word(p, &w, &wl) || (sy->comment[1][0] != '\0') != (sy->comment[2][0] != '\0'))
        return error_set(p->err, "%s:%d: expected 'comment LINE [BLOCK-START BLOCK-END]'",
                         p->file, p->line);
    return true;
}

static bool parse_token(Parser *p, Syntax *sy)
{
    uint8_t cls;
    if (!parse_class(p, &cls))
        return false;
    skip_blanks(p);
    if (!p->n)
        return error_set(p->err, "%s:%d: expected 'token CLASS REGEX'", p->file, p->line);
    if (sy->nouter >= MAX_RULES)
        return error_set(p->err, "%s:%d: more than %d rules", p->file, p->line, MAX_RULES);
    OuterRule *o = &sy->outer[sy->nouter];
    if (!compile(p, p->s, p->n, &o->re))
        return false;
    o->cls = cls;
    o->region = -1;
    sy->nouter++;
    return true;
}

static bool parse_region(Parser *p, Syntax *sy)
{
    uint8_t cls;
    const char *st, *en, *w;
    size_t stl, enl, wl;
    if (!parse_class(p, &cls))
        return false;
    if (!next_word(p, &st, &stl) || !next_word(p, &en, &enl))
        return error_set(p->err, "%s:%d: expected 'region CLASS START END [escape REGEX] "
                                 "[oneline]'", p->file, p->line);
    if (sy->nouter >= MAX_RULES || sy->nregion >= MAX_REGIONS)
        return error_set(p->err, "%s:%d: more than %d regions or %d rules", p->file, p->line,
                         MAX_REGIONS, MAX_RULES);
    OuterRule *o = &sy->outer[sy->nouter];
    Region *r = &sy->region[sy->nregion];
    *r = (Region){.cls = cls};
    bool ok = compile(p, st, stl, &o->re);
    if (ok) {
        o->cls = cls;
        o->region = (int)sy->nregion;
        sy->nouter++; /* owned by the Syntax from here, whatever follows */
        ok = compile(p, en, enl, &r->end);
    }
    while (ok && next_word(p, &w, &wl)) {
        if (word_is(w, wl, "oneline")) {
            r->oneline = true;
        } else if (word_is(w, wl, "escape") && !r->escape) {
            const char *e;
            size_t el;
            ok = next_word(p, &e, &el)
                     ? compile(p, e, el, &r->escape)
                     : error_set(p->err, "%s:%d: expected a regex after 'escape'", p->file,
                                 p->line);
        } else {
            ok = error_set(p->err, "%s:%d: unexpected '%.*s' (escape REGEX, oneline)", p->file,
                           p->line, SHOWN(wl), w);
        }
    }
    if (r->end)
        sy->nregion++; /* its END (and escape) are freed with the Syntax */
    else if (r->escape)
        pcre2_code_free(r->escape);
    return ok;
}

static bool parse_directive(Parser *p, Syntax *sy)
{
    const char *w;
    size_t wl;
    next_word(p, &w, &wl);
    if (word_is(w, wl, "name")) {
        const char *v;
        size_t vl;
        if (sy->name || !next_word(p, &v, &vl) || next_word(p, &w, &wl))
            return error_set(p->err, "%s:%d: expected one 'name WORD' line", p->file, p->line);
        sy->name = xstrndup(v, vl);
        return true;
    }
    if (!sy->name)
        return error_set(p->err, "%s:%d: the first directive must be 'name WORD'", p->file,
                         p->line);
    if (word_is(w, wl, "alias"))
        return add_names(p, sy->alias, &sy->nalias, "aliases");
    if (word_is(w, wl, "files"))
        return add_names(p, sy->glob, &sy->nglob, "file globs");
    if (word_is(w, wl, "shebang")) {
        skip_blanks(p);
        if (sy->shebang || !p->n)
            return error_set(p->err, "%s:%d: expected one 'shebang REGEX' line", p->file,
                             p->line);
        return compile(p, p->s, p->n, &sy->shebang);
    }
    if (word_is(w, wl, "comment"))
        return parse_comment(p, sy);
    if (word_is(w, wl, "token"))
        return parse_token(p, sy);
    if (word_is(w, wl, "region"))
        return parse_region(p, sy);
    return error_set(p->err,
                     "%s:%d: unknown directive '%.*s' (name alias files shebang comment token "
                     "region)",
                     p->file, p->line, SHOWN(wl), w);
}

Syntax *syntax_parse(const char *text, size_t len, const char *filename, ErrorBuf *err)
{
    Parser p = {.file = filename ? filename : "<syntax>", .err = err};
    Syntax *sy = xcalloc(1, sizeof *sy);
    size_t pos = 0;
    while (pos < len) {
        p.line++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        p.s = text + pos;
        p.n = end - pos;
        pos = end + 1;
        while (p.n && (is_blank(p.s[p.n - 1]) || p.s[p.n - 1] == '\r'))
            p.n--;
        skip_blanks(&p);
        if (!p.n || p.s[0] == '#')
            continue;
        if (memchr(p.s, '\0', p.n)) {
            error_set(err, "%s:%d: NUL byte in a rule", p.file, p.line);
            goto fail;
        }
        if (!parse_directive(&p, sy))
            goto fail;
    }
    if (!sy->name) {
        error_set(err, "%s:%d: no 'name WORD' line", p.file, p.line ? p.line : 1);
        goto fail;
    }
    sy->md = pcre2_match_data_create(8, NULL);
    sy->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(sy->mctx, MATCH_LIMIT);
    pcre2_set_heap_limit(sy->mctx, HEAP_LIMIT_KB);
    return sy;
fail:
    syntax_free(sy);
    return NULL;
}

/* --- sets --------------------------------------------------------------------------------- */

struct SyntaxSet {
    Syntax **v;
    size_t n, cap;
    char **errors;
    size_t nerr, errcap;
};

SyntaxSet *syntax_set_new(void) { return xcalloc(1, sizeof(SyntaxSet)); }

void syntax_set_free(SyntaxSet *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        syntax_free(set->v[i]);
    for (size_t i = 0; i < set->nerr; i++)
        free(set->errors[i]);
    free(set->v);
    free(set->errors);
    free(set);
}

static void keep_error(SyntaxSet *set, const char *msg)
{
    set->errors = xgrow(set->errors, &set->errcap, set->nerr + 1, sizeof *set->errors);
    set->errors[set->nerr++] = xstrdup(msg);
    log_msg("syntax: %s (that language is plain text)", msg);
}

bool syntax_set_add(SyntaxSet *set, const char *text, size_t len, const char *name,
                    ErrorBuf *err)
{
    Syntax *sy = syntax_parse(text, len, name, err);
    if (!sy) {
        keep_error(set, err->msg);
        return false;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->v[i]->name, sy->name) == 0) {
            syntax_free(set->v[i]);
            set->v[i] = sy;
            return true;
        }
    }
    set->v = xgrow(set->v, &set->cap, set->n + 1, sizeof *set->v);
    set->v[set->n++] = sy;
    return true;
}

bool syntax_set_add_file(SyntaxSet *set, const char *path, ErrorBuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        error_errno(err, "%s", path);
        keep_error(set, err->msg);
        return false;
    }
    char *buf = xmalloc(SYNTAX_FILE_MAX + 1);
    size_t n = fread(buf, 1, SYNTAX_FILE_MAX + 1, f);
    bool bad = ferror(f);
    fclose(f);
    bool ok;
    if (bad || n > SYNTAX_FILE_MAX) {
        error_set(err, "%s: %s", path, bad ? "read error" : "larger than 1 MB: not a rule file");
        keep_error(set, err->msg);
        ok = false;
    } else {
        ok = syntax_set_add(set, buf, n, path, err);
    }
    free(buf);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool syntax_set_load_dir(SyntaxSet *set, const char *dir, size_t *loaded, ErrorBuf *err)
{
    *loaded = 0;
    DIR *d = opendir(dir);
    if (!d)
        return error_errno(err, "%s", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 7 && e->d_name[0] != '.' && strcmp(e->d_name + l - 7, ".syntax") == 0) {
            names = xgrow(names, &cap, n + 1, sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2;
        char *path = xmalloc(pl);
        snprintf(path, pl, "%s/%s", dir, names[i]);
        ErrorBuf e1;
        if (syntax_set_add_file(set, path, &e1))
            (*loaded)++;
        free(path);
        free(names[i]);
    }
    free(names);
    return true;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return path && path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool syntax_default_dir(char *out, size_t size)
{
    const char *env = getenv("FLINT_SYNTAX_DIR");
    if (is_dir(env))
        return snprintf(out, size, "%s", env) < (int)size;
    /* An installed binary: PREFIX/bin/flint -> PREFIX/share/flint/syntax, wherever PREFIX
     * went (a moved or DESTDIR install too). A build-tree binary has no share/ beside it. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (snprintf(out, size, "%s/../share/flint/syntax", exe) < (int)size && is_dir(out))
                return true;
        }
    }
    const char *cand[] = {
#ifdef FLINT_SYNTAX_SOURCE_DIR
        FLINT_SYNTAX_SOURCE_DIR,
#endif
#ifdef FLINT_SYNTAX_INSTALL_DIR
        FLINT_SYNTAX_INSTALL_DIR,
#endif
        NULL,
    };
    for (size_t i = 0; cand[i]; i++)
        if (is_dir(cand[i]))
            return snprintf(out, size, "%s", cand[i]) < (int)size;
    return false;
}

SyntaxSet *syntax_set_load_default(void)
{
    SyntaxSet *set = syntax_set_new();
    char dir[4096];
    ErrorBuf err;
    size_t n = 0;
    if (!syntax_default_dir(dir, sizeof dir))
        log_msg("syntax: no rule directory found (FLINT_SYNTAX_DIR, share/flint/syntax): "
                "plain text");
    else if (!syntax_set_load_dir(set, dir, &n, &err))
        log_msg("syntax: %s: plain text", err.msg);
    else
        log_msg("syntax: %zu languages from %s, %zu files failed", n, dir, set->nerr);
    return set;
}

size_t syntax_set_count(const SyntaxSet *set) { return set->n; }
const Syntax *syntax_set_at(const SyntaxSet *set, size_t i) { return i < set->n ? set->v[i] : NULL; }
size_t syntax_set_error_count(const SyntaxSet *set) { return set->nerr; }
const char *syntax_set_error(const SyntaxSet *set, size_t i)
{
    return i < set->nerr ? set->errors[i] : NULL;
}

static bool name_is(const char *name, const char *w, size_t wl)
{
    return strlen(name) == wl && strncasecmp(name, w, wl) == 0;
}

const Syntax *syntax_set_find(const SyntaxSet *set, const char *w, size_t wl)
{
    if (!set || wl == 0)
        return NULL;
    for (size_t i = 0; i < set->n; i++) {
        const Syntax *sy = set->v[i];
        if (name_is(sy->name, w, wl))
            return sy;
        for (size_t k = 0; k < sy->nalias; k++)
            if (name_is(sy->alias[k], w, wl))
                return sy;
    }
    return NULL;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '+' || c == '-' || c == '.';
}

/* "#!/usr/bin/env -S python3 -u" -> "python3": the interpreter's base name. */
static const Syntax *by_shebang(const SyntaxSet *set, const char *s, size_t len)
{
    if (len < 2 || s[0] != '#' || s[1] != '!')
        return NULL;
    Parser p = {.s = s + 2, .n = len - 2};
    const char *w;
    size_t wl;
    while (next_word(&p, &w, &wl)) {
        const char *slash = memrchr(w, '/', wl);
        if (slash) {
            wl -= (size_t)(slash + 1 - w);
            w = slash + 1;
        }
        if (word_is(w, wl, "env") || (wl && w[0] == '-') || memchr(w, '=', wl))
            continue; /* env, its options and VAR=value assignments */
        const Syntax *sy = syntax_set_find(set, w, wl);
        while (!sy && wl && ((w[wl - 1] >= '0' && w[wl - 1] <= '9') || w[wl - 1] == '.'))
            sy = syntax_set_find(set, w, --wl); /* python3.12 -> python */
        if (sy)
            return sy;
        break;
    }
    for (size_t i = 0; i < set->n; i++) {
        Syntax *sy = set->v[i];
        if (sy->shebang && pcre2_match(sy->shebang, (PCRE2_SPTR)s, len, 0, 0, sy->md,
                                       sy->mctx) > 0)
            return sy;
    }
    return NULL;
}

static const char *find_mem(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(s + i, lit, l) == 0)
            return s + i;
    return NULL;
}

/* The word after `key` in s (a modeline's "ft=c", "mode: python"). */
static const Syntax *word_after(const SyntaxSet *set, const char *s, size_t n, const char *key)
{
    const char *k = find_mem(s, n, key);
    if (!k)
        return NULL;
    const char *v = k + strlen(key), *end = s + n;
    while (v < end && is_blank(*v))
        v++;
    const char *w = v;
    while (v < end && is_name_char(*v) && *v != '.')
        v++;
    return syntax_set_find(set, w, (size_t)(v - w));
}

static const Syntax *by_modeline(const SyntaxSet *set, const char *s, size_t n)
{
    static const char *const vim_tags[] = {"vim:", "vi:", "ex:"};
    for (size_t t = 0; t < 3; t++) {
        const char *m = find_mem(s, n, vim_tags[t]);
        if (!m || (m > s && !is_blank(m[-1])))
            continue;
        size_t rest = n - (size_t)(m - s);
        static const char *const keys[] = {"filetype=", "ft=", "syntax=", "syn="};
        for (size_t k = 0; k < 4; k++) {
            const Syntax *sy = word_after(set, m, rest, keys[k]);
            if (sy)
                return sy;
        }
    }
    const char *a = find_mem(s, n, "-*-");
    if (!a)
        return NULL;
    a += 3;
    const char *b = find_mem(a, n - (size_t)(a - s), "-*-");
    if (!b)
        return NULL;
    size_t in = (size_t)(b - a);
    if (find_mem(a, in, ":"))
        return word_after(set, a, in, "mode:");
    while (in && is_blank(*a))
        a++, in--;
    while (in && is_blank(a[in - 1]))
        in--;
    return syntax_set_find(set, a, in);
}

const Syntax *syntax_set_detect(const SyntaxSet *set, const char *path,
                                const char *const *lines, const size_t *lens, size_t n)
{
    if (!set)
        return NULL;
    if (path) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        for (size_t i = 0; i < set->n; i++)
            for (size_t k = 0; k < set->v[i]->nglob; k++)
                if (fnmatch(set->v[i]->glob[k], base, 0) == 0)
                    return set->v[i];
    }
    const Syntax *sy = n ? by_shebang(set, lines[0], lens[0]) : NULL;
    for (size_t i = 0; !sy && i < n; i++)
        sy = by_modeline(set, lines[i], lens[i]);
    return sy;
}
