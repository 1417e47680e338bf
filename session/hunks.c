/* HunkSet: an array of separately allocated Hunks (their TextPos marks are registered with a
 * Text by address, so a Hunk never moves), in id order.
 *
 * A placed hunk (`placed`) has two marks in its buffer: `start` at column 0 of its first old
 * line and `end` at the end of its last old line (a hunk with no old lines, a pure insertion,
 * has only `start`: column 0 of the line it goes above, or the end of the last line when it
 * goes after it, `at_end`). It still holds when start is at column 0, end is n_old - 1 lines
 * below at its line's end, and the lines between match the hunk's old lines as they did when
 * it was placed (exactly, or ignoring whitespace when it was found that way). Anything else
 * is an edit of the region by the user: the hunk turns STALE and is never applied.
 *
 * For the display, each placed hunk keeps per old line its op (kept or removed) and, per gap
 * between old lines, the added lines shown there (adds[add_off[k] .. add_off[k + 1]) go
 * above old line k; k == n_old: below the last one). */
#include "session/hunks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "session/hunk_locate.h"

typedef struct Hunk {
    size_t id;
    unsigned answer;
    char *path;
    ParsedHunk *ph;
    const HunkLine *ops;     /* ph->lines without the lines fuzz dropped */
    size_t n_ops, n_old, n_new, n_removed;
    Buffer *buf;
    bool placed, at_end, loose;
    TextPos start, end;      /* marks while placed */
    uint64_t version;        /* buffer_version when last found to hold */
    char *old_op;            /* n_old: ' ' or '-' */
    const HunkLine **adds;   /* the '+' lines in order */
    size_t *add_off;         /* n_old + 2 offsets into adds */
    HunkState state;
    char reason[320];
    /* ACCEPTED: what the edit wrote (lines joined with '\n') between two marks, so that the
     * report can tell an accepted hunk the user undid or changed afterwards. */
    bool acc_marked;
    TextPos acc_start, acc_end;
    char *acc_text;
} Hunk;

struct HunkSet {
    Hunk **v;
    size_t n, cap;
    size_t next_id;
    unsigned answer;
    uint64_t generation;
};

HunkSet *hunks_new(void)
{
    HunkSet *hs = xcalloc(1, sizeof *hs);
    hs->next_id = 1;
    return hs;
}

static void unplace(Hunk *h)
{
    if (!h->placed)
        return;
    buffer_mark_remove(h->buf, &h->start);
    if (h->n_old)
        buffer_mark_remove(h->buf, &h->end);
    h->placed = false;
}

static void unmark_accepted(Hunk *h)
{
    if (!h->acc_marked)
        return;
    buffer_mark_remove(h->buf, &h->acc_start);
    buffer_mark_remove(h->buf, &h->acc_end);
    h->acc_marked = false;
}

/* The accepted text is still there, as written. */
static bool accepted_holds(const Hunk *h)
{
    if (!h->acc_marked)
        return true; /* nothing to compare (a pure deletion): as accepted */
    StrBuf now = {0};
    const Text *t = buffer_text(h->buf);
    bool ok = h->acc_start.col == 0 && text_pos_cmp(h->acc_start, h->acc_end) <= 0 &&
              h->acc_end.col == text_line_len(t, h->acc_end.line);
    if (ok) {
        text_copy(t, h->acc_start, h->acc_end, &now);
        ok = strcmp(sb_cstr(&now), h->acc_text) == 0;
    }
    sb_free(&now);
    return ok;
}

static void hunk_free(Hunk *h)
{
    unplace(h);
    unmark_accepted(h);
    free(h->acc_text);
    parsed_hunk_free(h->ph);
    free(h->path);
    free(h->old_op);
    free(h->adds);
    free(h->add_off);
    free(h);
}

void hunks_free(HunkSet *hs)
{
    if (!hs)
        return;
    for (size_t i = 0; i < hs->n; i++)
        hunk_free(hs->v[i]);
    free(hs->v);
    free(hs);
}

void hunks_begin_answer(HunkSet *hs) { hs->answer++; }

size_t hunks_count(const HunkSet *hs) { return hs->n; }
uint64_t hunks_generation(const HunkSet *hs) { return hs->generation; }

size_t hunks_pending(const HunkSet *hs)
{
    size_t n = 0;
    for (size_t i = 0; i < hs->n; i++)
        n += hs->v[i]->state == HUNK_PENDING;
    return n;
}

static size_t base_line(const Hunk *h, const Buffer *b)
{
    return h->at_end ? text_line_count(buffer_text(b)) : h->start.line;
}

HunkInfo hunks_info(const HunkSet *hs, size_t i)
{
    const Hunk *h = hs->v[i];
    size_t removed = h->n_removed;
    return (HunkInfo){
        .id = h->id,
        .path = h->path,
        .state = h->state,
        .reason = h->reason,
        .buffer = h->placed ? h->buf : NULL,
        .line = h->placed ? base_line(h, h->buf) : 0,
        .removed = removed,
        .added = h->n_new - (h->n_old - removed),
    };
}

__attribute__((format(printf, 3, 4))) static void go_stale(HunkSet *hs, Hunk *h,
                                                           const char *fmt, ...);

static void go_stale(HunkSet *hs, Hunk *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->reason, sizeof h->reason, fmt, ap);
    va_end(ap);
    h->state = HUNK_STALE;
    hs->generation++;
}

/* --- placing ---------------------------------------------------------------------------- */

static void index_display(Hunk *h)
{
    free(h->old_op);
    free(h->adds);
    free(h->add_off);
    h->old_op = xmalloc(h->n_old + 1);
    h->adds = xmalloc((h->n_new + 1) * sizeof *h->adds);
    h->add_off = xmalloc((h->n_old + 2) * sizeof *h->add_off);
    /* add_off[j + 1]: the adds seen before old line j (j == n_old: all of them), so group j,
     * shown above old line j, is [add_off[j], add_off[j + 1]). */
    size_t k = 0, na = 0;
    h->add_off[0] = 0;
    for (size_t i = 0; i < h->n_ops; i++) {
        const HunkLine *l = &h->ops[i];
        if (l->op == '+') {
            h->adds[na++] = l;
        } else {
            h->old_op[k] = l->op;
            h->add_off[++k] = na;
        }
    }
    h->add_off[k + 1] = na;
}

static void place(Hunk *h, Buffer *b, size_t line, bool at_end)
{
    const Text *t = buffer_text(b);
    h->buf = b;
    h->at_end = at_end;
    if (at_end) {
        size_t last = text_line_count(t) - 1;
        h->start = (TextPos){last, text_line_len(t, last)};
    } else {
        h->start = (TextPos){line, 0};
    }
    buffer_mark_add(b, &h->start);
    if (h->n_old) {
        size_t last = line + h->n_old - 1;
        h->end = (TextPos){last, text_line_len(t, last)};
        buffer_mark_add(b, &h->end);
    }
    h->placed = true;
    h->version = buffer_version(b);
    index_display(h);
}

/* The region still holds what the hunk was placed on. */
static bool holds(const Hunk *h, size_t *where)
{
    const Text *t = buffer_text(h->buf);
    size_t nlines = text_line_count(t);
    *where = h->start.line;
    if (h->at_end)
        return h->start.line == nlines - 1 && h->start.col == text_line_len(t, nlines - 1);
    if (h->start.col != 0 || h->start.line >= nlines)
        return false;
    if (!h->n_old)
        return true;
    if (h->end.line != h->start.line + h->n_old - 1 || h->end.line >= nlines ||
        h->end.col != text_line_len(t, h->end.line))
        return false;
    return hunk_matches_at(t, h->start.line, h->ops, h->n_ops, h->loose);
}

static bool overlaps(const Hunk *a, const Hunk *b)
{
    size_t a0 = a->start.line, a1 = a0 + (a->n_old ? a->n_old : 1);
    size_t b0 = b->start.line, b1 = b0 + (b->n_old ? b->n_old : 1);
    return a0 < b1 && b0 < a1;
}

/* Where the previous hunk of this answer in b ended: the next one is looked for after it. */
static size_t floor_for(const HunkSet *hs, const Buffer *b)
{
    for (size_t i = hs->n; i-- > 0;) {
        const Hunk *h = hs->v[i];
        if (h->answer != hs->answer)
            break;
        if (h->placed && h->buf == b)
            return base_line(h, b) + h->n_old;
    }
    return 0;
}

static const char *display_path(const ParsedHunk *ph, const Buffer *b)
{
    if (ph->path && ph->path[0])
        return ph->path;
    if (b && buffer_path(b))
        return buffer_path(b);
    return "the current file";
}

static void set_ops(Hunk *h, size_t skip_head, size_t skip_tail)
{
    h->ops = h->ph->lines ? h->ph->lines + skip_head : NULL; /* a hunk of no lines: none */
    h->n_ops = h->ph->n_lines - skip_head - skip_tail;
    h->n_old = h->n_new = h->n_removed = 0;
    for (size_t i = 0; i < h->n_ops; i++) {
        h->n_old += h->ops[i].op != '+';
        h->n_new += h->ops[i].op != '-';
        h->n_removed += h->ops[i].op == '-';
    }
}

static void locate(HunkSet *hs, Hunk *h, Buffer *b)
{
    const ParsedHunk *ph = h->ph;
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    bool empty = text_byte_count(t) == 0;
    if (ph->kind == HUNK_ADD_FILE && !empty) {
        go_stale(hs, h, "%s already exists and is not empty", h->path);
        return;
    }
    if (!h->n_old) {
        if (empty || ph->kind == HUNK_ADD_FILE) {
            place(h, b, 0, false);
        } else if (ph->hint_line) {
            size_t at = ph->hint_line - 1;
            if (at >= nlines)
                place(h, b, 0, true);
            else
                place(h, b, at, false);
        } else {
            go_stale(hs, h, "it has no context lines to place it by");
        }
        return;
    }
    size_t hint = ph->hint_line ? ph->hint_line - 1 : HUNK_NO_HINT;
    if (ph->at_eof && nlines >= h->n_old)
        hint = nlines - h->n_old;
    HunkPlace at;
    if (!hunk_locate(t, ph->lines, ph->n_lines, ph->anchor, hint, floor_for(hs, b), &at)) {
        go_stale(hs, h, "its lines were not found in %s", h->path);
        return;
    }
    set_ops(h, at.skip_head, at.skip_tail);
    h->loose = at.loose;
    place(h, b, at.line, false);
}

size_t hunks_add(HunkSet *hs, ParsedHunk *ph, Buffer *b, const char *why_not)
{
    Hunk *h = xcalloc(1, sizeof *h);
    h->id = hs->next_id++;
    h->answer = hs->answer;
    h->ph = ph;
    h->path = xstrdup(display_path(ph, b));
    h->state = HUNK_PENDING;
    set_ops(h, 0, 0);
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? hs->cap * 2 : 8;
        hs->v = xrealloc(hs->v, hs->cap * sizeof *hs->v);
    }
    hs->v[hs->n++] = h;
    hs->generation++;
    if (ph->kind == HUNK_BAD)
        go_stale(hs, h, "could not be read: %s", ph->error ? ph->error : "malformed");
    else if (ph->kind == HUNK_DELETE_FILE)
        go_stale(hs, h, "flint does not delete files; delete %s yourself if you agree", h->path);
    else if (!b)
        go_stale(hs, h, "%s", why_not && why_not[0] ? why_not : "its file could not be opened");
    else
        locate(hs, h, b);
    if (h->state == HUNK_PENDING) {
        for (size_t i = 0; i + 1 < hs->n; i++) {
            Hunk *o = hs->v[i];
            if (o->state != HUNK_PENDING || !o->placed || o->buf != b || !overlaps(o, h))
                continue;
            if (o->answer != h->answer) { /* a newer answer's proposal replaces it */
                go_stale(hs, o, "replaced by hunk %zu of a later answer", h->id);
                continue;
            }
            go_stale(hs, h, "it overlaps hunk %zu", o->id);
            break;
        }
    }
    return h->id;
}

void hunks_refresh(HunkSet *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        Hunk *h = hs->v[i];
        if (h->state != HUNK_PENDING || !h->placed || buffer_version(h->buf) == h->version)
            continue;
        size_t where;
        if (holds(h, &where))
            h->version = buffer_version(h->buf);
        else
            go_stale(hs, h, "%s changed at line %zu after it was proposed", h->path, where + 1);
    }
}

/* --- deciding --------------------------------------------------------------------------- */

static void join_lines(StrBuf *out, size_t *count, const char *s, size_t len)
{
    if ((*count)++)
        sb_putc(out, '\n');
    sb_append(out, s, len);
}

/* Replaces old lines [line, line + n_old) of b by the lines in repl (joined with '\n';
 * n_new of them). */
static void replace_lines(Buffer *b, size_t line, size_t n_old, const StrBuf *repl, size_t n_new)
{
    const Text *t = buffer_text(b);
    size_t nlines = text_line_count(t);
    if (n_old && n_new) {
        size_t last = line + n_old - 1;
        buffer_replace(b, (TextPos){line, 0}, (TextPos){last, text_line_len(t, last)},
                       repl->data, repl->len);
    } else if (n_old) {
        size_t after = line + n_old;
        if (after < nlines)
            buffer_replace(b, (TextPos){line, 0}, (TextPos){after, 0}, "", 0);
        else if (line > 0)
            buffer_replace(b, (TextPos){line - 1, text_line_len(t, line - 1)},
                           (TextPos){nlines - 1, text_line_len(t, nlines - 1)}, "", 0);
        else
            buffer_replace(b, (TextPos){0, 0}, (TextPos){nlines - 1, text_line_len(t, nlines - 1)},
                           "", 0);
    } else if (n_new) {
        StrBuf s = {0};
        if (text_byte_count(t) == 0) {
            buffer_replace(b, (TextPos){0, 0}, (TextPos){0, text_line_len(t, 0)}, repl->data,
                           repl->len);
        } else if (line < nlines) {
            sb_append(&s, repl->data, repl->len);
            sb_putc(&s, '\n');
            buffer_replace(b, (TextPos){line, 0}, (TextPos){line, 0}, s.data, s.len);
        } else {
            sb_putc(&s, '\n');
            sb_append(&s, repl->data, repl->len);
            TextPos e = {nlines - 1, text_line_len(t, nlines - 1)};
            buffer_replace(b, e, e, s.data, s.len);
        }
        sb_free(&s);
    }
}

bool hunks_accept(HunkSet *hs, size_t i)
{
    Hunk *h = hs->v[i];
    if (h->state != HUNK_PENDING || !h->placed)
        return false;
    size_t where;
    if (!holds(h, &where)) {
        go_stale(hs, h, "%s changed at line %zu after it was proposed", h->path, where + 1);
        return false;
    }
    Buffer *b = h->buf;
    const Text *t = buffer_text(b);
    /* Only the lines between the first and the last change are rewritten: context lines stay
     * as the buffer has them (they may differ in whitespace from the hunk's). */
    size_t first = 0, last = h->n_ops;
    while (first < h->n_ops && h->ops[first].op == ' ')
        first++;
    while (last > first && h->ops[last - 1].op == ' ')
        last--;
    size_t line = base_line(h, b) + first; /* the first `first` ops are kept old lines */
    StrBuf repl = {0};
    size_t ln = line, n_old = 0, n_new = 0;
    for (size_t k = first; k < last; k++) {
        const HunkLine *l = &h->ops[k];
        if (l->op == '+') {
            join_lines(&repl, &n_new, l->s, l->len);
        } else if (l->op == ' ') {
            size_t len;
            const char *s = text_line(t, ln, &len);
            join_lines(&repl, &n_new, s, len);
            n_old++;
            ln++;
        } else {
            n_old++;
            ln++;
        }
    }
    unplace(h);
    buffer_group_begin(b);
    replace_lines(b, line, n_old, &repl, n_new);
    buffer_group_end(b);
    buffer_break_undo(b);
    if (n_new) {
        const Text *after = buffer_text(b);
        size_t end_line = line + n_new - 1;
        h->acc_start = (TextPos){line, 0};
        h->acc_end = (TextPos){end_line, text_line_len(after, end_line)};
        buffer_mark_add(b, &h->acc_start);
        buffer_mark_add(b, &h->acc_end);
        h->acc_marked = true;
        h->acc_text = sb_steal(&repl, NULL);
    }
    sb_free(&repl);
    size_t nl = text_line_count(buffer_text(b));
    buffer_set_cursor(b, (TextPos){line < nl ? line : nl - 1, 0});
    h->state = HUNK_ACCEPTED;
    hs->generation++;
    return true;
}

void hunks_reject(HunkSet *hs, size_t i)
{
    Hunk *h = hs->v[i];
    if (h->state != HUNK_PENDING)
        return;
    unplace(h);
    h->state = HUNK_REJECTED;
    hs->generation++;
}

bool hunks_take_report(HunkSet *hs, StrBuf *out)
{
    size_t kept = 0;
    bool any = false;
    for (size_t i = 0; i < hs->n; i++) {
        Hunk *h = hs->v[i];
        if (h->state == HUNK_PENDING) {
            hs->v[kept++] = h;
            continue;
        }
        const char *what = h->state == HUNK_ACCEPTED && !accepted_holds(h)
                               ? "accepted, then undone or changed by the user"
                           : h->state == HUNK_ACCEPTED ? "accepted"
                           : h->state == HUNK_REJECTED ? "rejected"
                                                       : "stale: ";
        sb_printf(out, "hunk %zu in %s: %s%s\n", h->id, h->path, what,
                  h->state == HUNK_STALE ? h->reason : "");
        any = true;
        hunk_free(h);
    }
    if (kept != hs->n)
        hs->generation++;
    hs->n = kept;
    return any;
}

void hunks_forget_buffer(HunkSet *hs, Buffer *b)
{
    for (size_t i = 0; i < hs->n; i++) {
        Hunk *h = hs->v[i];
        if (h->buf != b)
            continue;
        unplace(h);
        unmark_accepted(h);
        h->buf = NULL;
        if (h->state == HUNK_PENDING)
            go_stale(hs, h, "%s was closed before the hunk was reviewed", h->path);
    }
}

/* --- display ---------------------------------------------------------------------------- */

HunkShow hunks_show_line(const HunkSet *hs, const Buffer *b, size_t line, size_t *index)
{
    for (size_t i = 0; i < hs->n; i++) {
        const Hunk *h = hs->v[i];
        if (!h->placed || h->buf != b || h->at_end || !h->n_old)
            continue;
        if (h->state != HUNK_PENDING && h->state != HUNK_STALE)
            continue;
        if (line < h->start.line || line >= h->start.line + h->n_old)
            continue;
        if (index)
            *index = i;
        if (h->state == HUNK_STALE)
            return HUNK_SHOW_STALE;
        return h->old_op[line - h->start.line] == '-' ? HUNK_SHOW_REMOVED : HUNK_SHOW_KEPT;
    }
    return HUNK_SHOW_NONE;
}

size_t hunks_added_above(const HunkSet *hs, const Buffer *b, size_t line, const HunkLine **out,
                         size_t cap, size_t *index)
{
    for (size_t i = 0; i < hs->n; i++) {
        const Hunk *h = hs->v[i];
        if (!h->placed || h->buf != b || h->state != HUNK_PENDING)
            continue;
        size_t s = base_line(h, b);
        if (line < s || line > s + h->n_old)
            continue;
        size_t k = line - s;
        size_t from = h->add_off[k], to = h->add_off[k + 1];
        if (from == to)
            continue;
        for (size_t j = from; j < to && j - from < cap; j++)
            out[j - from] = h->adds[j];
        if (index)
            *index = i;
        return to - from;
    }
    return 0;
}
