/* HunkParser: a line-at-a-time state machine over the streamed answer.
 *
 * Bytes are gathered into `line` until a '\n'; each complete line (its "\r" dropped) goes to
 * on_line, which acts by `state`. The hunk being built is `cur`; it is queued (flush) the
 * moment the line that ends it arrives, so a hunk is ready one line after its last line at
 * most, and at once when a unified header's counts or ">>>>>>> REPLACE" end it. Nothing
 * depends on how the bytes were split: only complete lines are acted on, and the partial
 * line is a buffer of at most HUNK_MAX_LINE bytes (longer lines are cut there and marked
 * `line_over`, which makes their hunk an error entry).
 *
 * Bare empty lines inside an apply_patch hunk or a count-less unified hunk are counted in
 * `blanks` and become empty kept (or added) lines only when another hunk line follows: the
 * blank line a model leaves before "*** End Patch" or before its prose is not part of the
 * hunk. */
#include "session/hunk_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

typedef enum State {
    ST_TEXT,       /* prose (and fences) between edits */
    ST_AP,         /* inside "*** Begin Patch", between files */
    ST_AP_UPDATE,  /* "*** Update File": hunks */
    ST_AP_ADD,     /* "*** Add File": '+' lines */
    ST_UNI,        /* after "--- "/"+++ ": waiting for "@@" */
    ST_UNI_HUNK,   /* inside a unified hunk */
    ST_SR_SEARCH,  /* after "<<<<<<< SEARCH" */
    ST_SR_REPLACE, /* after "=======" */
} State;

struct HunkParser {
    StrBuf line;
    bool line_over;
    State state;
    ParsedHunk *cur;
    size_t cur_bytes, cur_cap;
    size_t blanks;          /* bare empty lines not yet known to belong to cur */
    char blank_op;          /* what they become: ' ' (update) or '+' (add file) */
    bool counted;           /* unified with counts: ends when both are reached */
    size_t old_left, new_left;
    char *candidate;        /* the last line that named a path (SEARCH/REPLACE) */
    char *ap_path, *ap_move;
    char *uni_path, *minus_path;
    bool have_minus, minus_null, uni_add, uni_delete;
    ParsedHunk **queue;
    size_t q_head, q_len, q_cap;
};

/* --- hunks ----------------------------------------------------------------------------- */

void parsed_hunk_free(ParsedHunk *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_lines; i++)
        free(h->lines[i].s);
    free(h->lines);
    free(h->path);
    free(h->move_to);
    free(h->anchor);
    free(h->error);
    free(h);
}

size_t parsed_hunk_old_count(const ParsedHunk *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n_lines; i++)
        n += h->lines[i].op != '+';
    return n;
}

size_t parsed_hunk_new_count(const ParsedHunk *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n_lines; i++)
        n += h->lines[i].op != '-';
    return n;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void drop_lines(ParsedHunk *h)
{
    for (size_t i = 0; i < h->n_lines; i++)
        free(h->lines[i].s);
    free(h->lines);
    h->lines = NULL;
    h->n_lines = 0;
}

static void set_error(HunkParser *p, const char *why)
{
    if (!p->cur || p->cur->error)
        return;
    p->cur->error = xstrdup(why);
    drop_lines(p->cur);
    p->cur_cap = 0;
}

static ParsedHunk *start(HunkParser *p, HunkFormat f, HunkKind k, const char *path)
{
    ParsedHunk *h = xcalloc(1, sizeof *h);
    h->format = f;
    h->kind = k;
    h->path = dup_or_null(path);
    p->cur = h;
    p->cur_bytes = 0;
    p->cur_cap = 0;
    p->blanks = 0;
    p->counted = false;
    return h;
}

static void push_line(HunkParser *p, char op, const char *s, size_t len)
{
    ParsedHunk *h = p->cur;
    if (h->error)
        return;
    if (h->n_lines >= HUNK_MAX_LINES) {
        set_error(p, "hunk too large: more than 20000 lines");
        return;
    }
    p->cur_bytes += len + 1;
    if (p->cur_bytes > HUNK_MAX_BYTES) {
        set_error(p, "hunk too large: more than 4 MiB");
        return;
    }
    if (h->n_lines == p->cur_cap) {
        p->cur_cap = p->cur_cap ? p->cur_cap * 2 : 16;
        h->lines = xrealloc(h->lines, p->cur_cap * sizeof *h->lines);
    }
    char *c = xmalloc(len + 1);
    memcpy(c, s, len);
    c[len] = '\0';
    h->lines[h->n_lines++] = (HunkLine){op, c, len};
}

static void add_line(HunkParser *p, char op, const char *s, size_t len, bool over)
{
    for (; p->blanks; p->blanks--)
        push_line(p, p->blank_op, "", 0);
    if (over)
        set_error(p, "a line of the hunk is longer than 64 KiB");
    push_line(p, op, s, len);
}

static void enqueue(HunkParser *p, ParsedHunk *h)
{
    if (p->q_head + p->q_len == p->q_cap) {
        if (p->q_head) {
            memmove(p->queue, p->queue + p->q_head, p->q_len * sizeof *p->queue);
            p->q_head = 0;
        } else {
            p->q_cap = p->q_cap ? p->q_cap * 2 : 8;
            p->queue = xrealloc(p->queue, p->q_cap * sizeof *p->queue);
        }
    }
    p->queue[p->q_head + p->q_len++] = h;
}

/* Queues cur (an empty update hunk, "@@" and nothing, is dropped). */
static void flush(HunkParser *p)
{
    ParsedHunk *h = p->cur;
    if (!h)
        return;
    p->cur = NULL;
    p->blanks = 0;
    if (h->error) {
        h->kind = HUNK_BAD;
    } else if (h->kind == HUNK_UPDATE && h->n_lines == 0) {
        parsed_hunk_free(h);
        return;
    } else if (h->kind == HUNK_UPDATE) {
        bool changes = false;
        for (size_t i = 0; i < h->n_lines; i++)
            changes |= h->lines[i].op != ' ';
        if (!changes) {
            parsed_hunk_free(h);
            return;
        }
    }
    enqueue(p, h);
}

static void fail_block(HunkParser *p, const char *why)
{
    if (!p->cur)
        return;
    set_error(p, why);
    flush(p);
}

/* --- lines ------------------------------------------------------------------------------ */

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static bool is_fence(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && i < 3 && s[i] == ' ')
        i++;
    return starts(s + i, len - i, "```") || starts(s + i, len - i, "~~~");
}

/* s[0, len) trimmed of blanks at both ends, copied, or NULL when empty or too long. */
static char *trimmed(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (!len || len > HUNK_MAX_PATH)
        return NULL;
    return xstrndup(s, len);
}

/* A word that looks like a file path: no blanks, a '.' or '/' in it, not all punctuation. */
static bool path_like(const char *s, size_t len)
{
    if (!len || len > HUNK_MAX_PATH)
        return false;
    bool dot = false, alnum = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c) || c == '`' || c == '*' || c < 0x20)
            return false;
        dot |= c == '.' || c == '/';
        alnum |= isalnum(c) != 0;
    }
    return dot && alnum;
}

/* The path a prose line names, for a SEARCH/REPLACE block below it: the whole line
 * ("src/x.c", "**src/x.c**", "src/x.c:") or a `backticked` path in it. NULL when none. */
static char *path_in_line(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    const char *a = s;
    size_t n = len;
    while (n && (*a == '*' || *a == '`' || *a == '#' || *a == ' ')) {
        a++;
        n--;
    }
    while (n && (a[n - 1] == '*' || a[n - 1] == '`' || a[n - 1] == ':'))
        n--;
    if (path_like(a, n))
        return xstrndup(a, n);
    const char *tick = memchr(s, '`', len);
    while (tick) {
        const char *from = tick + 1;
        const char *end = memchr(from, '`', len - (size_t)(from - s));
        if (!end)
            break;
        if (path_like(from, (size_t)(end - from)))
            return xstrndup(from, (size_t)(end - from));
        if ((size_t)(end + 1 - s) >= len)
            break;
        tick = memchr(end + 1, '`', len - (size_t)(end + 1 - s));
    }
    return NULL;
}

/* "a/src/x.c\t2024-..." -> "src/x.c"; "/dev/null" -> NULL (and *devnull). */
static char *unified_path(const char *s, size_t len, bool *devnull)
{
    const char *tab = memchr(s, '\t', len);
    if (tab)
        len = (size_t)(tab - s);
    char *t = trimmed(s, len);
    *devnull = false;
    if (!t)
        return NULL;
    if (strcmp(t, "/dev/null") == 0) {
        *devnull = true;
        free(t);
        return NULL;
    }
    if ((t[0] == 'a' || t[0] == 'b') && t[1] == '/' && t[2]) {
        char *u = xstrdup(t + 2);
        free(t);
        return u;
    }
    return t;
}

static size_t read_num(const char **s, const char *end, bool *ok)
{
    size_t v = 0;
    bool any = false;
    while (*s < end && isdigit((unsigned char)**s)) {
        v = v * 10 + (size_t)(**s - '0');
        if (v > 100000000)
            v = 100000000; /* past any real file: saturate, never overflow */
        (*s)++;
        any = true;
    }
    *ok = any;
    return v;
}

/* "@@ -a[,b] +c[,d] @@": the first old line and the counts. False when it is not one. */
static bool unified_header(const char *s, size_t len, size_t *a, size_t *b, size_t *d)
{
    const char *e = s + len, *q = s + 2;
    bool ok;
    while (q < e && *q == ' ')
        q++;
    if (q >= e || *q != '-')
        return false;
    q++;
    *a = read_num(&q, e, &ok);
    if (!ok)
        return false;
    *b = 1;
    if (q < e && *q == ',') {
        q++;
        *b = read_num(&q, e, &ok);
        if (!ok)
            return false;
    }
    while (q < e && *q == ' ')
        q++;
    if (q >= e || *q != '+')
        return false;
    q++;
    (void)read_num(&q, e, &ok);
    if (!ok)
        return false;
    *d = 1;
    if (q < e && *q == ',') {
        q++;
        *d = read_num(&q, e, &ok);
        if (!ok)
            return false;
    }
    return true;
}

static void set_str(char **dst, char *v)
{
    free(*dst);
    *dst = v;
}

/* A unified "@@" line: a new hunk for the current file (counted when the header parses). */
static void start_unified(HunkParser *p, const char *s, size_t len)
{
    HunkKind k = p->uni_add ? HUNK_ADD_FILE : p->uni_delete ? HUNK_DELETE_FILE : HUNK_UPDATE;
    ParsedHunk *h = start(p, HUNK_FORMAT_UNIFIED, k, p->uni_path);
    size_t a, b, d;
    if (unified_header(s, len, &a, &b, &d)) {
        h->hint_line = b ? a : a + 1;
        p->counted = true;
        p->old_left = b;
        p->new_left = d;
        if (!b && !d)
            p->counted = false;
    }
    p->blank_op = ' ';
    p->state = ST_UNI_HUNK;
}

static void on_line(HunkParser *p, const char *s, size_t len, bool over);

static void text_line(HunkParser *p, const char *s, size_t len)
{
    if (starts(s, len, "*** Begin Patch")) {
        p->state = ST_AP;
        p->have_minus = false;
        return;
    }
    if (starts(s, len, "*** Update File:") || starts(s, len, "*** Add File:")) {
        p->state = ST_AP; /* a patch whose "Begin" line the model left out */
        p->have_minus = false;
        on_line(p, s, len, false);
        return;
    }
    if (p->have_minus && starts(s, len, "+++ ")) {
        bool plus_null;
        char *plus = unified_path(s + 4, len - 4, &plus_null);
        p->uni_add = p->minus_null;
        p->uni_delete = plus_null;
        set_str(&p->uni_path, plus ? plus : dup_or_null(p->minus_path));
        p->have_minus = false;
        p->state = ST_UNI;
        return;
    }
    p->have_minus = false;
    if (starts(s, len, "--- ")) {
        set_str(&p->minus_path, unified_path(s + 4, len - 4, &p->minus_null));
        p->have_minus = true;
        return;
    }
    if (starts(s, len, "<<<<<<< SEARCH") || starts(s, len, "<<<<<<<SEARCH")) {
        start(p, HUNK_FORMAT_SEARCH_REPLACE, HUNK_UPDATE, p->candidate);
        p->state = ST_SR_SEARCH;
        return;
    }
    if (starts(s, len, "@@ -")) {
        size_t a, b, d;
        if (unified_header(s, len, &a, &b, &d)) {
            p->uni_add = p->uni_delete = false;
            start_unified(p, s, len);
            return;
        }
    }
    if (is_fence(s, len) || len == 0)
        return;
    set_str(&p->candidate, path_in_line(s, len));
}

static void ap_line(HunkParser *p, const char *s, size_t len)
{
    char *path;
    if (starts(s, len, "*** Update File:")) {
        set_str(&p->ap_path, trimmed(s + 16, len - 16));
        set_str(&p->ap_move, NULL);
        p->state = ST_AP_UPDATE;
    } else if (starts(s, len, "*** Add File:")) {
        path = trimmed(s + 13, len - 13);
        start(p, HUNK_FORMAT_APPLY_PATCH, HUNK_ADD_FILE, path);
        free(path);
        p->blank_op = '+';
        p->state = ST_AP_ADD;
    } else if (starts(s, len, "*** Delete File:")) {
        path = trimmed(s + 16, len - 16);
        start(p, HUNK_FORMAT_APPLY_PATCH, HUNK_DELETE_FILE, path);
        free(path);
        enqueue(p, p->cur);
        p->cur = NULL;
    } else if (starts(s, len, "*** End Patch")) {
        p->state = ST_TEXT;
    } else if (starts(s, len, "*** Begin Patch") || len == 0) {
        /* nothing */
    } else {
        p->state = ST_TEXT; /* prose or a fence: the patch is over */
        text_line(p, s, len);
    }
}

static void ap_update_line(HunkParser *p, const char *s, size_t len, bool over)
{
    if (starts(s, len, "*** Move to:")) {
        set_str(&p->ap_move, trimmed(s + 12, len - 12));
        return;
    }
    if (starts(s, len, "@@")) {
        flush(p);
        ParsedHunk *h = start(p, HUNK_FORMAT_APPLY_PATCH, HUNK_UPDATE, p->ap_path);
        h->move_to = dup_or_null(p->ap_move);
        size_t a, b, d;
        if (unified_header(s, len, &a, &b, &d))
            h->hint_line = b ? a : a + 1;
        else
            h->anchor = trimmed(s + 2, len - 2);
        p->blank_op = ' ';
        return;
    }
    if (starts(s, len, "*** End of File")) {
        if (p->cur)
            p->cur->at_eof = true;
        flush(p);
        return;
    }
    if (starts(s, len, "***")) {
        flush(p);
        p->state = ST_AP;
        ap_line(p, s, len);
        return;
    }
    if (len && s[0] == '\\')
        return; /* "\ No newline at end of file" */
    if (len && (s[0] == ' ' || s[0] == '-' || s[0] == '+')) {
        if (!p->cur) {
            ParsedHunk *h = start(p, HUNK_FORMAT_APPLY_PATCH, HUNK_UPDATE, p->ap_path);
            h->move_to = dup_or_null(p->ap_move);
            p->blank_op = ' ';
        }
        add_line(p, s[0], s + 1, len - 1, over);
        return;
    }
    if (len == 0) {
        if (p->cur)
            p->blanks++;
        return;
    }
    flush(p);
    p->state = ST_TEXT;
    text_line(p, s, len);
}

static void ap_add_line(HunkParser *p, const char *s, size_t len, bool over)
{
    if (len && s[0] == '+') {
        add_line(p, '+', s + 1, len - 1, over);
        return;
    }
    if (len == 0) {
        p->blanks++;
        return;
    }
    flush(p);
    p->state = ST_AP;
    ap_line(p, s, len);
}

static void uni_hunk_line(HunkParser *p, const char *s, size_t len, bool over)
{
    if (len && s[0] == '\\') {
        if (p->cur)
            p->cur->no_newline = true;
        return;
    }
    if (p->counted) {
        if (starts(s, len, "@@")) {
            fail_block(p, "the hunk has fewer lines than its @@ header says");
            start_unified(p, s, len);
            return;
        }
        char op = len ? s[0] : ' ';
        if (op != ' ' && op != '-' && op != '+') {
            fail_block(p, "the hunk has fewer lines than its @@ header says");
            p->state = ST_TEXT;
            text_line(p, s, len);
            return;
        }
        if ((op != '+' && !p->old_left) || (op != '-' && !p->new_left)) {
            fail_block(p, "the hunk has more lines than its @@ header says");
            p->state = ST_TEXT;
            text_line(p, s, len);
            return;
        }
        add_line(p, op, len ? s + 1 : s, len ? len - 1 : 0, over);
        if (op != '+')
            p->old_left--;
        if (op != '-')
            p->new_left--;
        if (!p->old_left && !p->new_left) {
            flush(p);
            p->state = ST_UNI;
        }
        return;
    }
    if (starts(s, len, "@@")) {
        flush(p);
        start_unified(p, s, len);
        return;
    }
    if (starts(s, len, "--- ") || starts(s, len, "+++ ") || is_fence(s, len)) {
        flush(p);
        p->state = ST_TEXT;
        text_line(p, s, len);
        return;
    }
    if (len && (s[0] == ' ' || s[0] == '-' || s[0] == '+')) {
        add_line(p, s[0], s + 1, len - 1, over);
        return;
    }
    if (len == 0) {
        p->blanks++;
        return;
    }
    flush(p);
    p->state = ST_TEXT;
    text_line(p, s, len);
}

/* ">>>>>>> REPLACE": the lines both sides start and end with are kept lines, so only what
 * changes is shown as removed and added. */
static void finish_search_replace(HunkParser *p)
{
    ParsedHunk *h = p->cur;
    if (!h->error && h->n_lines) {
        size_t n_old = 0;
        while (n_old < h->n_lines && h->lines[n_old].op == '-')
            n_old++;
        size_t n_new = h->n_lines - n_old;
        HunkLine *o = h->lines, *nw = h->lines + n_old;
        size_t pre = 0;
        while (pre < n_old && pre < n_new && o[pre].len == nw[pre].len &&
               memcmp(o[pre].s, nw[pre].s, o[pre].len) == 0)
            pre++;
        size_t suf = 0;
        while (suf < n_old - pre && suf < n_new - pre &&
               o[n_old - 1 - suf].len == nw[n_new - 1 - suf].len &&
               memcmp(o[n_old - 1 - suf].s, nw[n_new - 1 - suf].s, o[n_old - 1 - suf].len) == 0)
            suf++;
        HunkLine *v = xmalloc((h->n_lines ? h->n_lines : 1) * sizeof *v);
        size_t n = 0;
        for (size_t i = 0; i < pre; i++) {
            v[n++] = (HunkLine){' ', o[i].s, o[i].len};
            free(nw[i].s);
        }
        for (size_t i = pre; i < n_old - suf; i++)
            v[n++] = o[i];
        for (size_t i = pre; i < n_new - suf; i++)
            v[n++] = nw[i];
        for (size_t i = 0; i < suf; i++) {
            v[n++] = (HunkLine){' ', o[n_old - suf + i].s, o[n_old - suf + i].len};
            free(nw[n_new - suf + i].s);
        }
        free(h->lines);
        h->lines = v;
        h->n_lines = n;
    }
    flush(p);
    p->state = ST_TEXT;
}

static void on_line(HunkParser *p, const char *s, size_t len, bool over)
{
    switch (p->state) {
    case ST_TEXT:
        text_line(p, s, len);
        break;
    case ST_AP:
        ap_line(p, s, len);
        break;
    case ST_AP_UPDATE:
        ap_update_line(p, s, len, over);
        break;
    case ST_AP_ADD:
        ap_add_line(p, s, len, over);
        break;
    case ST_UNI:
        if (starts(s, len, "@@")) {
            start_unified(p, s, len);
        } else if (!(len && s[0] == '\\')) {
            p->state = ST_TEXT;
            text_line(p, s, len);
        }
        break;
    case ST_UNI_HUNK:
        uni_hunk_line(p, s, len, over);
        break;
    case ST_SR_SEARCH:
        if (starts(s, len, "=======")) {
            p->state = ST_SR_REPLACE;
            /* the kept/removed split is made at the end: new lines are '+' */
        } else {
            add_line(p, '-', s, len, over);
        }
        break;
    case ST_SR_REPLACE:
        if (starts(s, len, ">>>>>>>"))
            finish_search_replace(p);
        else
            add_line(p, '+', s, len, over);
        break;
    }
}

/* --- the stream ------------------------------------------------------------------------- */

HunkParser *hunk_parser_new(void) { return xcalloc(1, sizeof(HunkParser)); }

void hunk_parser_free(HunkParser *p)
{
    if (!p)
        return;
    sb_free(&p->line);
    parsed_hunk_free(p->cur);
    for (size_t i = 0; i < p->q_len; i++)
        parsed_hunk_free(p->queue[p->q_head + i]);
    free(p->queue);
    free(p->candidate);
    free(p->ap_path);
    free(p->ap_move);
    free(p->uni_path);
    free(p->minus_path);
    free(p);
}

static void complete_line(HunkParser *p)
{
    size_t len = p->line.len;
    if (len && p->line.data[len - 1] == '\r')
        len--;
    on_line(p, len ? p->line.data : "", len, p->line_over);
    sb_reset(&p->line);
    p->line_over = false;
}

void hunk_parser_feed(HunkParser *p, const char *s, size_t len)
{
    while (len) {
        const char *nl = memchr(s, '\n', len);
        size_t n = nl ? (size_t)(nl - s) : len;
        size_t room = HUNK_MAX_LINE - (p->line.len < HUNK_MAX_LINE ? p->line.len : HUNK_MAX_LINE);
        if (n > room) {
            p->line_over = true;
            sb_append(&p->line, s, room);
        } else {
            sb_append(&p->line, s, n);
        }
        if (!nl)
            return;
        complete_line(p);
        s += n + 1;
        len -= n + 1;
    }
}

void hunk_parser_finish(HunkParser *p)
{
    if (p->line.len || p->line_over)
        complete_line(p);
    switch (p->state) {
    case ST_AP_UPDATE:
    case ST_AP_ADD:
        flush(p);
        break;
    case ST_UNI_HUNK:
        if (p->counted)
            fail_block(p, "the answer ended inside the hunk");
        else
            flush(p);
        break;
    case ST_SR_SEARCH:
    case ST_SR_REPLACE:
        fail_block(p, "the answer ended inside a SEARCH/REPLACE block");
        break;
    default:
        break;
    }
    p->state = ST_TEXT;
    p->have_minus = false;
}

ParsedHunk *hunk_parser_take(HunkParser *p)
{
    if (!p->q_len)
        return NULL;
    ParsedHunk *h = p->queue[p->q_head++];
    if (--p->q_len == 0)
        p->q_head = 0;
    return h;
}
