/* Search: PCRE2 over the lines of a Text (see search.h for what it promises).
 *
 * Data: the compiled pattern (code, NULL when there is none), one match data block and one
 * match context (limits, a JIT stack) reused by every match, and two resumable walks:
 *   - find: a two-pass walk over lines. Forward pass 1 is from.line (from from.col) to the
 *     last line, pass 2 (wrapped) the first line to from.line whole; backward pass 1 is
 *     from.line (matches starting before from.col) down to the first line, pass 2 the last
 *     line down to from.line whole. `line` is the next line to look at, `pass` which pass.
 *   - count: lines [0, line) are counted, their total is `total`, and ckpt[k] is the number
 *     of matches in lines [0, k * SEARCH_CKPT), so the number of the current match is a
 *     short walk from the nearest checkpoint. Valid for (text, version, pattern_gen).
 *
 * Invariants: code == NULL <=> !search_has_pattern; every walk over a line's matches
 * advances (see line_next), so no input loops; the subject of a line is its bytes minus one
 * trailing '\r' (subject_len). */
#include "session/search.h"

#include <stdlib.h>
#include <string.h>

#include <pcre2.h> /* PCRE2_CODE_UNIT_WIDTH=8 comes from CMake (flint_session) */
#include <stdio.h>

#include "core/xalloc.h"

#define SEARCH_CKPT 256                  /* lines per count checkpoint */
#define SEARCH_MATCH_LIMIT 2000000u      /* PCRE2 default is 10M: ~1 s on a bad pattern */
#define SEARCH_DEPTH_LIMIT 100000u
#define SEARCH_JIT_STACK (1024 * 1024)

struct Search {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    unsigned flags;
    bool caseless, jit, limit_error;
    uint32_t groups;      /* capture groups in the pattern */
    uint64_t pattern_gen; /* bumps with every new pattern: counts of an old one are stale */

    struct {
        bool active;
        SearchDir dir;
        TextPos from;
        uint32_t from_opts; /* PCRE2_NOTEMPTY_ATSTART: no empty match at from (Next) */
        int pass;           /* 1, then 2 after wrapping */
        size_t line;
    } find;

    struct {
        const Text *text;
        uint64_t version, gen;
        bool started, complete;
        size_t line, total;
        size_t *ckpt;
        size_t nckpt, ckpt_cap;
    } count;
};

Search *search_new(void)
{
    Search *s = xcalloc(1, sizeof *s);
    s->mctx = pcre2_match_context_create(NULL);
    if (!s->mctx)
        fatal(__FILE__, __LINE__, "out of memory");
    pcre2_set_match_limit(s->mctx, SEARCH_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, SEARCH_DEPTH_LIMIT);
    return s;
}

static void search_drop_code(Search *s)
{
    pcre2_code_free(s->code);
    pcre2_match_data_free(s->md);
    s->code = NULL;
    s->md = NULL;
}

void search_free(Search *s)
{
    if (!s)
        return;
    search_drop_code(s);
    pcre2_jit_stack_free(s->jit_stack);
    pcre2_match_context_free(s->mctx);
    free(s->count.ckpt);
    free(s);
}

/* --- the pattern ---------------------------------------------------------------------------- */

static bool has_capital(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] >= 'A' && p[i] <= 'Z')
            return true;
    return false;
}

bool search_set_pattern(Search *s, const char *pat, size_t len, unsigned flags, ErrorBuf *err)
{
    bool caseless = (flags & SEARCH_ICASE) ||
                    ((flags & SEARCH_SMART_CASE) && !has_capital(pat, len));
    pcre2_code *code = NULL;
    if (len > 0) {
        uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
        if (!(flags & SEARCH_REGEX))
            opts |= PCRE2_LITERAL;
        if (caseless)
            opts |= PCRE2_CASELESS;
        int rc;
        PCRE2_SIZE off;
        code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &rc, &off, NULL);
        if (!code) {
            if (rc == PCRE2_ERROR_NOMEMORY)
                fatal(__FILE__, __LINE__, "out of memory");
            PCRE2_UCHAR msg[256];
            if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
                snprintf((char *)msg, sizeof msg, "error %d", rc);
            return error_set(err, "%s: %s at offset %zu", (flags & SEARCH_REGEX) ? "regex" : "search",
                             (const char *)msg, (size_t)off);
        }
    }
    search_drop_code(s);
    s->code = code;
    s->flags = flags;
    s->caseless = caseless;
    s->limit_error = false;
    s->jit = false;
    s->groups = 0;
    s->pattern_gen++;
    s->find.active = false;
    s->count.started = false;
    if (!code)
        return true;
    /* JIT for both kinds of match we make; a platform without it (or out of executable
     * memory) falls back to the interpreter with the same results. */
    s->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    if (s->jit && !s->jit_stack) {
        s->jit_stack = pcre2_jit_stack_create(32 * 1024, SEARCH_JIT_STACK, NULL);
        if (s->jit_stack)
            pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    }
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &s->groups);
    s->md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!s->md)
        fatal(__FILE__, __LINE__, "out of memory");
    return true;
}

bool search_has_pattern(const Search *s) { return s->code != NULL; }
unsigned search_flags(const Search *s) { return s->flags; }
bool search_caseless(const Search *s) { return s->caseless; }
bool search_jit(const Search *s) { return s->jit; }
bool search_had_limit_error(const Search *s) { return s->limit_error; }

/* --- matching one line ---------------------------------------------------------------------- */

static size_t subject_len(const char *line, size_t len)
{
    return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
}

/* One pcre2_match on subj[0..len) from off. True with [*ms, *me) on a match; a limit error
 * is remembered and counts as no match. */
static bool search_exec(Search *s, const char *subj, size_t len, size_t off, uint32_t opts,
                        size_t *ms, size_t *me)
{
    if (off > len)
        return false;
    int rc = pcre2_match(s->code, (PCRE2_SPTR)subj, len, off, opts, s->md, s->mctx);
    if (rc < 0) {
        if (rc != PCRE2_ERROR_NOMATCH)
            s->limit_error = true; /* match/depth/heap/JIT-stack limits */
        return false;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    *ms = ov[0];
    /* \K in an assertion could put the start after the end; PCRE2 forbids that by default,
     * but never trust it with an offset we walk on. */
    *me = ov[1] < ov[0] ? ov[0] : ov[1];
    return true;
}

/* The walk over a line's match sequence. */
typedef struct LineWalk {
    size_t off;
    bool after_empty;
} LineWalk;

/* The next match of the sequence. Always advances: after a match ending at e the next
 * attempt starts at e, and after an empty match at e it may not be empty at e
 * (PCRE2_NOTEMPTY_ATSTART), so it ends later or there is none; a result that would not
 * advance ends the walk instead (belt and braces: no input can loop). */
static bool line_next(Search *s, const char *subj, size_t len, LineWalk *w, size_t *ms,
                      size_t *me)
{
    if (w->off > len)
        return false;
    bool was_empty = w->after_empty;
    if (!search_exec(s, subj, len, w->off, was_empty ? PCRE2_NOTEMPTY_ATSTART : 0, ms, me))
        return false;
    if (*me < w->off || (*me == w->off && (was_empty || *ms != *me)))
        return false;
    w->after_empty = *ms == *me;
    w->off = *me;
    return true;
}

size_t search_line_matches(Search *s, const char *line, size_t len, SearchSpan *out, size_t cap)
{
    if (!s->code)
        return 0;
    len = subject_len(line, len);
    LineWalk w = {0};
    size_t n = 0, ms, me;
    while (n < cap && line_next(s, line, len, &w, &ms, &me))
        out[n++] = (SearchSpan){ms, me};
    return n;
}

/* Matches of the sequence in the line starting before limit (all: SIZE_MAX). */
static size_t line_count(Search *s, const char *subj, size_t len, size_t limit)
{
    LineWalk w = {0};
    size_t n = 0, ms, me;
    while (line_next(s, subj, len, &w, &ms, &me) && ms < limit)
        n++;
    return n;
}

/* The last match of the sequence starting before limit. */
static bool line_last_before(Search *s, const char *subj, size_t len, size_t limit, size_t *ms,
                             size_t *me)
{
    LineWalk w = {0};
    size_t a, b;
    bool found = false;
    while (line_next(s, subj, len, &w, &a, &b) && a < limit) {
        *ms = a;
        *me = b;
        found = true;
    }
    return found;
}

/* --- finding -------------------------------------------------------------------------------- */

void search_begin(Search *s, TextPos from, SearchDir dir)
{
    s->find.active = true;
    s->find.dir = dir;
    s->find.from = from;
    s->find.from_opts = 0;
    s->find.pass = 1;
    s->find.line = from.line;
}

void search_begin_next(Search *s, const SearchResult *cur, SearchDir dir)
{
    if (dir == SEARCH_FORWARD) {
        search_begin(s, cur->end, dir);
        /* After an empty match, the next one may not be that same empty match again. */
        if (text_pos_cmp(cur->start, cur->end) == 0)
            s->find.from_opts = PCRE2_NOTEMPTY_ATSTART;
    } else {
        search_begin(s, cur->start, dir);
    }
}

/* Looks at one line of the walk; true with *out on a match. */
static bool find_line(Search *s, const Text *t, size_t ln, SearchResult *out)
{
    size_t len;
    const char *line = text_line(t, ln, &len);
    len = subject_len(line, len);
    size_t ms, me;
    bool found;
    bool first = s->find.pass == 1 && ln == s->find.from.line;
    if (s->find.dir == SEARCH_FORWARD) {
        size_t off = first ? s->find.from.col : 0;
        found = search_exec(s, line, len, off, first ? s->find.from_opts : 0, &ms, &me);
    } else {
        found = line_last_before(s, line, len, first ? s->find.from.col : SIZE_MAX, &ms, &me);
    }
    if (found)
        *out = (SearchResult){{ln, ms}, {ln, me}, s->find.pass == 2};
    return found;
}

SearchStatus search_step(Search *s, const Text *t, size_t budget_bytes, SearchResult *out)
{
    if (!s->code || !s->find.active)
        return SEARCH_NOT_FOUND;
    size_t n = text_line_count(t);
    /* The text shrank since the find began (the caller should begin again): stay inside. */
    if (s->find.from.line >= n)
        s->find.from = text_clamp(t, s->find.from);
    if (s->find.line >= n)
        s->find.line = n - 1;
    size_t spent = 0;
    do {
        size_t ln = s->find.line;
        if (find_line(s, t, ln, out)) {
            s->find.active = false;
            return SEARCH_FOUND;
        }
        spent += text_line_len(t, ln) + SEARCH_LINE_COST;
        bool forward = s->find.dir == SEARCH_FORWARD;
        bool pass_done;
        if (s->find.pass == 2) {
            pass_done = ln == s->find.from.line;
        } else {
            pass_done = forward ? ln + 1 >= n : ln == 0;
            if (pass_done) {
                s->find.pass = 2;
                s->find.line = forward ? 0 : n - 1;
                continue;
            }
        }
        if (pass_done) {
            s->find.active = false;
            return SEARCH_NOT_FOUND;
        }
        s->find.line = forward ? ln + 1 : ln - 1;
    } while (spent < budget_bytes);
    return SEARCH_MORE;
}

SearchStatus search_find(Search *s, const Text *t, TextPos from, SearchDir dir, SearchResult *out)
{
    search_begin(s, from, dir);
    SearchStatus st;
    while ((st = search_step(s, t, SIZE_MAX, out)) == SEARCH_MORE) {
    }
    return st;
}

/* --- counting ------------------------------------------------------------------------------- */

static bool count_current(const Search *s, const Text *t, uint64_t version)
{
    return s->count.started && s->count.text == t && s->count.version == version &&
           s->count.gen == s->pattern_gen;
}

bool search_count_step(Search *s, const Text *t, uint64_t version, size_t budget_bytes)
{
    if (!count_current(s, t, version)) {
        s->count.text = t;
        s->count.version = version;
        s->count.gen = s->pattern_gen;
        s->count.started = true;
        s->count.complete = !s->code;
        s->count.line = 0;
        s->count.total = 0;
        s->count.nckpt = 0;
    }
    size_t n = text_line_count(t), spent = 0;
    while (!s->count.complete) {
        if (spent >= budget_bytes && spent > 0)
            break;
        size_t ln = s->count.line;
        if (ln % SEARCH_CKPT == 0) {
            s->count.ckpt = xgrow(s->count.ckpt, &s->count.ckpt_cap, s->count.nckpt + 1,
                                  sizeof *s->count.ckpt);
            s->count.ckpt[s->count.nckpt++] = s->count.total;
        }
        size_t len;
        const char *line = text_line(t, ln, &len);
        s->count.total += line_count(s, line, subject_len(line, len), SIZE_MAX);
        spent += len + SEARCH_LINE_COST;
        s->count.line = ln + 1;
        s->count.complete = s->count.line >= n;
    }
    return s->count.complete;
}

SearchCount search_count_get(Search *s, const Text *t, uint64_t version, TextPos at)
{
    SearchCount c = {0};
    if (!count_current(s, t, version))
        return c;
    c.total = s->count.total;
    c.complete = s->count.complete;
    if (!s->code || at.line >= s->count.line || at.line >= text_line_count(t))
        return c;
    size_t k = at.line / SEARCH_CKPT;
    size_t before = s->count.ckpt[k];
    for (size_t ln = k * SEARCH_CKPT; ln < at.line; ln++) {
        size_t len;
        const char *line = text_line(t, ln, &len);
        before += line_count(s, line, subject_len(line, len), SIZE_MAX);
    }
    size_t len;
    const char *line = text_line(t, at.line, &len);
    before += line_count(s, line, subject_len(line, len), at.col);
    c.index = before + 1;
    return c;
}

/* --- replacing ------------------------------------------------------------------------------ */

/* Appends group g of the last match to out (nothing when it did not take part). */
static void put_group(const Search *s, const char *subj, uint32_t g, StrBuf *out)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
        return;
    sb_append(out, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* Expands repl for the last match of subj into out (out NULL: only checks). The one parser
 * of the replacement syntax, so checking and expanding never disagree. */
static bool expand(const Search *s, const char *subj, const char *repl, size_t rlen, StrBuf *out,
                   ErrorBuf *err)
{
    if (!(s->flags & SEARCH_REGEX)) {
        if (out)
            sb_append(out, repl, rlen);
        return true;
    }
    for (size_t i = 0; i < rlen; i++) {
        char c = repl[i], d = i + 1 < rlen ? repl[i + 1] : '\0';
        long g = -1;
        if ((c == '$' || c == '\\') && d >= '0' && d <= '9') {
            g = d - '0';
            i++;
        } else if (c == '$' && d == '{') {
            const char *close = memchr(repl + i + 2, '}', rlen - i - 2);
            size_t nlen = close ? (size_t)(close - (repl + i + 2)) : 0;
            if (!close || nlen == 0 || nlen > 64) {
                if (out)
                    sb_putc(out, c);
                continue;
            }
            char name[65];
            memcpy(name, repl + i + 2, nlen);
            name[nlen] = '\0';
            bool digits = strspn(name, "0123456789") == nlen;
            if (digits) {
                g = nlen > 6 ? 1000000 : strtol(name, NULL, 10);
            } else {
                int num = s->code ? pcre2_substring_number_from_name(s->code, (PCRE2_SPTR)name)
                                  : PCRE2_ERROR_NOSUBSTRING;
                if (num < 0)
                    return error_set(err, "replacement: no group named '%s' in the pattern", name);
                g = num;
            }
            i += nlen + 2;
        } else if ((c == '$' && d == '$') || (c == '\\' && d == '\\')) {
            if (out)
                sb_putc(out, c);
            i++;
            continue;
        } else if (c == '\\' && (d == 'n' || d == 't')) {
            if (out)
                sb_putc(out, d == 'n' ? '\n' : '\t');
            i++;
            continue;
        } else {
            if (out)
                sb_putc(out, c);
            continue;
        }
        if (g > (long)s->groups)
            return error_set(err, "replacement: no group %ld in the pattern", g);
        if (out)
            put_group(s, subj, (uint32_t)g, out);
    }
    return true;
}

bool search_check_replacement(const Search *s, const char *repl, size_t rlen, ErrorBuf *err)
{
    return expand(s, NULL, repl, rlen, NULL, err);
}

/* Makes the match data describe exactly [ms, me) of the subject; false when the text there
 * no longer matches. Tried cheapest first; the sequence walk catches \K matches. */
static bool rematch(Search *s, const char *subj, size_t len, size_t ms, size_t me)
{
    size_t a, b;
    if (search_exec(s, subj, len, ms, 0, &a, &b) && a == ms && b == me)
        return true;
    if (search_exec(s, subj, len, ms, PCRE2_NOTEMPTY_ATSTART, &a, &b) && a == ms && b == me)
        return true;
    LineWalk w = {0};
    while (line_next(s, subj, len, &w, &a, &b) && a <= ms)
        if (a == ms && b == me)
            return true;
    return false;
}

bool search_replace(Search *s, Buffer *b, const SearchResult *cur, const char *repl, size_t rlen,
                    TextPos *after, ErrorBuf *err)
{
    if (!s->code)
        return error_set(err, "no search pattern");
    const Text *t = buffer_text(b);
    if (cur->start.line != cur->end.line || cur->start.line >= text_line_count(t) ||
        cur->end.col < cur->start.col)
        return error_set(err, "the match is gone; search again");
    size_t len;
    const char *line = text_line(t, cur->start.line, &len);
    len = subject_len(line, len);
    if (cur->end.col > len || !rematch(s, line, len, cur->start.col, cur->end.col))
        return error_set(err, "the match is gone; search again");
    StrBuf rep = {0};
    bool ok = expand(s, line, repl, rlen, &rep, err);
    if (ok) {
        buffer_replace(b, cur->start, cur->end, rep.data ? rep.data : "", rep.len);
        if (after)
            *after = buffer_cursor(b);
    }
    sb_free(&rep);
    return ok;
}

bool search_replace_all(Search *s, Buffer *b, const char *repl, size_t rlen, size_t *count,
                        ErrorBuf *err)
{
    *count = 0;
    if (!s->code)
        return error_set(err, "no search pattern");
    if (!search_check_replacement(s, repl, rlen, err))
        return false;
    StrBuf mid = {0};
    bool grouped = false;
    /* One edit per changed line, from its first match's start to its last match's end:
     * undo records and text edits scale with changed lines, not matches. */
    for (size_t ln = 0; ln < text_line_count(buffer_text(b)); ln++) {
        size_t len;
        const char *line = text_line(buffer_text(b), ln, &len);
        len = subject_len(line, len);
        LineWalk w = {0};
        size_t ms, me, first = 0, prev_end = 0, n = 0;
        sb_reset(&mid);
        while (line_next(s, line, len, &w, &ms, &me)) {
            if (n++ == 0)
                first = prev_end = ms;
            sb_append(&mid, line + prev_end, ms - prev_end);
            expand(s, line, repl, rlen, &mid, NULL); /* checked above: cannot fail */
            prev_end = me;
        }
        if (n == 0)
            continue;
        if (!grouped) {
            buffer_group_begin(b);
            grouped = true;
        }
        *count += n;
        /* line points into the Text: mid is a copy, so the edit cannot pull it from under
         * itself. */
        size_t lines_added = 0;
        for (size_t i = 0; i < mid.len; i++)
            lines_added += mid.data[i] == '\n';
        buffer_replace(b, (TextPos){ln, first}, (TextPos){ln, prev_end},
                       mid.data ? mid.data : "", mid.len);
        ln += lines_added;
    }
    if (grouped)
        buffer_group_end(b);
    sb_free(&mid);
    return true;
}
