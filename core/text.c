/* Text: a plain array of lines. lines[0..nlines) each hold a byte string (data, len, cap)
 * without its terminator; an edit touches one or two lines and memmoves the tail of the
 * array when lines appear or disappear, so insert/delete cost O(line length + lines moved)
 * and a line is reached in O(1).
 *
 * Loading copies the file once into `slab` and points every line into it, writing a NUL
 * over each terminator: one allocation and one memchr pass however many lines there are.
 * A line still in the slab has cap == 0; the first edit that needs room copies it out to
 * its own allocation (cap > 0). Shrinking edits work in place, in the slab or not.
 *
 * Invariants:
 *   - nlines >= 1; data[len] == '\0' whenever data != NULL (callers may treat a line as a
 *     C string, though it can hold NULs); an empty line may have data == NULL, and
 *     text_line returns "" for it.
 *   - cap > 0: data is the line's own allocation of cap bytes; cap == 0: data is NULL or
 *     points into slab (never freed on its own).
 *   - slab is NULL or the copy made by the last text_set with content; freed by the next.
 *   - content_bytes == sum of lines[i].len, kept up to date by every edit, so
 *     text_byte_count is O(1) and equals what text_serialize produces.
 *   - crlf means the file had at least one terminator and every terminator was "\r\n";
 *     the '\r's were stripped on load and are written back by serialize. Otherwise every
 *     byte, '\r' included, stays in the lines untouched.
 *   - final_newline: the last line is followed by a terminator. blank_no_eol: while the
 *     text is a single empty line it serializes to nothing (a new or empty file), so the
 *     final newline only appears once there is content.
 *   - marks[0..nmarks) are caller-owned TextPos that every edit keeps inside the text.
 *   - journal holds the last TEXT_JOURNAL of the `edits` edits: where each one started and
 *     how many lines it added or removed, so a cache of per-line facts (highlight states)
 *     can shift and revalidate only what an edit touched instead of comparing the text. */
#include "core/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

typedef struct TextLine {
    char *data;
    size_t len, cap;
} TextLine;

struct Text {
    TextLine *lines;
    size_t nlines, lines_cap;
    char *slab;
    size_t content_bytes;
    bool crlf;
    bool final_newline;
    bool blank_no_eol;
    TextPos **marks;
    size_t nmarks, marks_cap;
    uint64_t edits;                    /* edits so far (text_set counts too) */
    TextEdit journal[TEXT_JOURNAL];    /* edit number n is journal[n % TEXT_JOURNAL] */
};

/* Records edit number ++edits (see text_edit_at). */
static void text_journal(Text *t, size_t line, long delta, bool reset)
{
    t->edits++;
    t->journal[t->edits % TEXT_JOURNAL] = (TextEdit){line, delta, reset};
}

static void line_free(TextLine *l)
{
    if (l->cap)
        free(l->data);
}

static void text_free_lines(Text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        line_free(&t->lines[i]);
    t->nlines = 0;
    t->content_bytes = 0;
    free(t->slab);
    t->slab = NULL;
}

/* Makes room for n lines in the array (contents of the new slots undefined). */
static void text_reserve_lines(Text *t, size_t n)
{
    if (n > t->lines_cap)
        t->lines = xgrow(t->lines, &t->lines_cap, n, sizeof *t->lines);
}

/* Room for need bytes plus the terminating NUL, in the line's own allocation. */
static void line_reserve(TextLine *l, size_t need)
{
    if (need + 1 <= l->cap)
        return;
    if (l->cap == 0) {
        /* Empty, or still in the slab: copy out (xgrow would realloc the slab). */
        BUG_ON(l->len > need); /* callers shrink first, then reserve */
        char *own = xgrow(NULL, &l->cap, need + 1, 1);
        if (l->len)
            memcpy(own, l->data, l->len);
        own[l->len] = '\0';
        l->data = own;
        return;
    }
    l->data = xgrow(l->data, &l->cap, need + 1, 1);
}

static void line_set_len(TextLine *l, size_t len)
{
    l->len = len;
    if (l->data)
        l->data[len] = '\0';
}

static void line_set(TextLine *l, const char *s, size_t len)
{
    *l = (TextLine){0};
    if (len) {
        l->data = xmalloc(len + 1);
        memcpy(l->data, s, len);
        l->data[len] = '\0';
        l->len = len;
        l->cap = len + 1;
    }
}

Text *text_new(void)
{
    Text *t = xcalloc(1, sizeof *t);
    text_reserve_lines(t, 1);
    t->lines[0] = (TextLine){0};
    t->nlines = 1;
    t->final_newline = true;
    t->blank_no_eol = true;
    return t;
}

void text_free(Text *t)
{
    if (!t)
        return;
    text_free_lines(t);
    free(t->lines);
    free(t->marks);
    free(t);
}

void text_set(Text *t, const char *data, size_t len)
{
    /* Copy first: data may be a line of t itself. */
    char *slab = NULL;
    if (len) {
        slab = xmalloc(len + 1);
        memcpy(slab, data, len);
        slab[len] = '\0';
    }
    text_free_lines(t);
    t->slab = slab;
    size_t terminators = 0, crlf_terminators = 0;
    /* Only with content: for an empty file slab is NULL, and even NULL + 0 is undefined. */
    if (len)
        for (const char *p = slab, *end = slab + len; (p = memchr(p, '\n', (size_t)(end - p)));
             p++)
            terminators++;
    text_reserve_lines(t, terminators + 1);
    bool final_newline = len == 0 || slab[len - 1] == '\n'; /* before '\n's become NULs */
    size_t pos = 0;
    for (;;) {
        char *nl = len > pos ? memchr(slab + pos, '\n', len - pos) : NULL;
        size_t end = nl ? (size_t)(nl - slab) : len;
        if (!nl && end == pos && t->nlines > 0)
            break; /* the last terminator ended the file: no partial line after it */
        t->lines[t->nlines++] =
            (TextLine){.data = end > pos ? slab + pos : NULL, .len = end - pos};
        t->content_bytes += end - pos;
        if (!nl)
            break;
        *nl = '\0';
        if (end > pos && slab[end - 1] == '\r')
            crlf_terminators++;
        pos = end + 1;
    }
    t->final_newline = final_newline;
    t->blank_no_eol = len == 0;
    t->crlf = terminators > 0 && crlf_terminators == terminators;
    if (t->crlf) {
        /* Strip the '\r' of every terminated line (all lines but an unterminated last). */
        size_t terminated = t->final_newline ? t->nlines : t->nlines - 1;
        for (size_t i = 0; i < terminated; i++)
            line_set_len(&t->lines[i], t->lines[i].len - 1);
        t->content_bytes -= terminated;
    }
    for (size_t i = 0; i < t->nmarks; i++)
        *t->marks[i] = (TextPos){0, 0};
    text_journal(t, 0, 0, true);
}

static bool text_emits_nothing(const Text *t)
{
    return t->blank_no_eol && t->nlines == 1 && t->lines[0].len == 0;
}

bool text_serialize_to(const Text *t, TextSink sink, void *ud)
{
    if (text_emits_nothing(t))
        return true;
    const char *eol = t->crlf ? "\r\n" : "\n";
    size_t eol_len = t->crlf ? 2 : 1;
    for (size_t i = 0; i < t->nlines; i++) {
        const TextLine *l = &t->lines[i];
        if (l->len && !sink(ud, l->data, l->len))
            return false;
        if ((i + 1 < t->nlines || t->final_newline) && !sink(ud, eol, eol_len))
            return false;
    }
    return true;
}

typedef struct TextFdWriter {
    int fd;
    char *buf;
    size_t len, cap;
    int error; /* errno of the failed write, 0 while all is well */
} TextFdWriter;

static bool text_write_all(TextFdWriter *w, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            /* 0 for a regular file means no room was found: never loop on it. */
            w->error = k < 0 ? errno : ENOSPC;
            return false;
        }
        p += k;
        n -= (size_t)k;
    }
    return true;
}

static bool text_fd_flush(TextFdWriter *w)
{
    bool ok = text_write_all(w, w->buf, w->len);
    w->len = 0;
    return ok;
}

/* TextSink: batch small pieces (lines, terminators) into whole blocks for write(2). */
static bool text_fd_sink(void *ud, const char *bytes, size_t len)
{
    TextFdWriter *w = ud;
    if (w->len + len > w->cap && !text_fd_flush(w))
        return false;
    if (len > w->cap)
        return text_write_all(w, bytes, len);
    memcpy(w->buf + w->len, bytes, len);
    w->len += len;
    return true;
}

int text_write_fd(const Text *t, int fd, char *buf, size_t cap)
{
    TextFdWriter w = {.fd = fd, .buf = buf, .cap = cap};
    if (!text_serialize_to(t, text_fd_sink, &w) || !text_fd_flush(&w))
        return w.error ? w.error : EIO;
    return 0;
}

static bool text_sink_strbuf(void *ud, const char *bytes, size_t len)
{
    sb_append(ud, bytes, len);
    return true;
}

void text_serialize(const Text *t, StrBuf *out)
{
    sb_reserve(out, text_byte_count(t));
    sb_append(out, "", 0); /* NUL-terminated even when empty (sb_reserve alone is not) */
    text_serialize_to(t, text_sink_strbuf, out);
}

size_t text_line_count(const Text *t) { return t->nlines; }

const char *text_line(const Text *t, size_t line, size_t *len)
{
    BUG_ON(line >= t->nlines);
    const TextLine *l = &t->lines[line];
    if (len)
        *len = l->len;
    return l->data ? l->data : "";
}

size_t text_line_len(const Text *t, size_t line)
{
    BUG_ON(line >= t->nlines);
    return t->lines[line].len;
}

size_t text_byte_count(const Text *t)
{
    if (text_emits_nothing(t))
        return 0;
    size_t eol_len = t->crlf ? 2 : 1;
    size_t terminators = t->nlines - 1 + (t->final_newline ? 1 : 0);
    return t->content_bytes + terminators * eol_len;
}

static void text_check_pos(const Text *t, TextPos p)
{
    BUG_ON(p.line >= t->nlines);
    BUG_ON(p.col > t->lines[p.line].len);
}

TextPos text_insert(Text *t, TextPos pos, const char *s, size_t len)
{
    text_check_pos(t, pos);
    if (len == 0)
        return pos;
    size_t k = 0; /* newlines in s = lines added */
    const char *last_seg = s;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
        k++;
        last_seg = p + 1;
    }
    size_t last_len = (size_t)(s + len - last_seg);
    TextPos after;
    if (k == 0) {
        TextLine *l = &t->lines[pos.line];
        line_reserve(l, l->len + len);
        memmove(l->data + pos.col + len, l->data + pos.col, l->len - pos.col);
        memcpy(l->data + pos.col, s, len);
        line_set_len(l, l->len + len);
        after = (TextPos){pos.line, pos.col + len};
    } else {
        text_reserve_lines(t, t->nlines + k);
        memmove(&t->lines[pos.line + 1 + k], &t->lines[pos.line + 1],
                (t->nlines - pos.line - 1) * sizeof *t->lines);
        t->nlines += k;
        TextLine *first = &t->lines[pos.line];
        size_t tail_len = first->len - pos.col;
        /* The last new line: the last segment of s followed by the tail of the split line. */
        TextLine *last = &t->lines[pos.line + k];
        *last = (TextLine){0};
        line_reserve(last, last_len + tail_len);
        memcpy(last->data, last_seg, last_len);
        if (tail_len)
            memcpy(last->data + last_len, first->data + pos.col, tail_len);
        line_set_len(last, last_len + tail_len);
        /* The first line keeps its head and gains the first segment. */
        const char *seg = s;
        const char *nl = memchr(seg, '\n', len);
        size_t seg_len = (size_t)(nl - seg);
        line_set_len(first, pos.col);
        line_reserve(first, pos.col + seg_len);
        if (seg_len)
            memcpy(first->data + pos.col, seg, seg_len);
        line_set_len(first, pos.col + seg_len);
        /* Middle lines are whole segments. */
        for (size_t i = 1; i < k; i++) {
            seg = nl + 1;
            nl = memchr(seg, '\n', (size_t)(s + len - seg));
            line_set(&t->lines[pos.line + i], seg, (size_t)(nl - seg));
        }
        after = (TextPos){pos.line + k, last_len};
    }
    t->content_bytes += len - k;
    for (size_t i = 0; i < t->nmarks; i++) {
        TextPos *m = t->marks[i];
        if (m->line == pos.line && m->col >= pos.col) {
            m->col = after.col + (m->col - pos.col);
            m->line = after.line;
        } else if (m->line > pos.line) {
            m->line += k;
        }
    }
    text_journal(t, pos.line, (long)k, false);
    return after;
}

void text_delete(Text *t, TextPos from, TextPos to)
{
    text_check_pos(t, from);
    text_check_pos(t, to);
    BUG_ON(text_pos_cmp(from, to) > 0);
    if (from.line == to.line) {
        TextLine *l = &t->lines[from.line];
        size_t n = to.col - from.col;
        if (n == 0)
            return;
        memmove(l->data + from.col, l->data + to.col, l->len - to.col);
        line_set_len(l, l->len - n);
        t->content_bytes -= n;
    } else {
        TextLine *first = &t->lines[from.line];
        TextLine *last = &t->lines[to.line];
        size_t tail_len = last->len - to.col;
        size_t removed = first->len - from.col;
        for (size_t i = from.line + 1; i < to.line; i++)
            removed += t->lines[i].len;
        removed += to.col;
        line_set_len(first, from.col);
        line_reserve(first, from.col + tail_len);
        if (tail_len)
            memcpy(first->data + from.col, last->data + to.col, tail_len);
        line_set_len(first, from.col + tail_len);
        for (size_t i = from.line + 1; i <= to.line; i++)
            line_free(&t->lines[i]);
        memmove(&t->lines[from.line + 1], &t->lines[to.line + 1],
                (t->nlines - to.line - 1) * sizeof *t->lines);
        t->nlines -= to.line - from.line;
        t->content_bytes -= removed;
    }
    size_t lines_gone = to.line - from.line;
    for (size_t i = 0; i < t->nmarks; i++) {
        TextPos *m = t->marks[i];
        if (text_pos_cmp(*m, from) <= 0)
            continue;
        if (text_pos_cmp(*m, to) <= 0)
            *m = from;
        else if (m->line == to.line)
            *m = (TextPos){from.line, from.col + (m->col - to.col)};
        else
            m->line -= lines_gone;
    }
    text_journal(t, from.line, -(long)lines_gone, false);
}

uint64_t text_edit_count(const Text *t) { return t->edits; }

bool text_edit_at(const Text *t, uint64_t n, TextEdit *out)
{
    if (n == 0 || n > t->edits || t->edits - n >= TEXT_JOURNAL)
        return false;
    *out = t->journal[n % TEXT_JOURNAL];
    return true;
}

void text_copy(const Text *t, TextPos from, TextPos to, StrBuf *out)
{
    text_check_pos(t, from);
    text_check_pos(t, to);
    BUG_ON(text_pos_cmp(from, to) > 0);
    for (size_t i = from.line; i <= to.line; i++) {
        const TextLine *l = &t->lines[i];
        size_t a = i == from.line ? from.col : 0;
        size_t b = i == to.line ? to.col : l->len;
        if (b > a)
            sb_append(out, l->data + a, b - a);
        if (i < to.line)
            sb_putc(out, '\n');
    }
    sb_append(out, "", 0); /* out->data is a C string even when nothing was copied */
}

bool text_crlf(const Text *t) { return t->crlf; }

bool text_final_newline(const Text *t) { return t->final_newline; }

int text_pos_cmp(TextPos a, TextPos b)
{
    if (a.line != b.line)
        return a.line < b.line ? -1 : 1;
    if (a.col != b.col)
        return a.col < b.col ? -1 : 1;
    return 0;
}

TextPos text_clamp(const Text *t, TextPos pos)
{
    if (pos.line >= t->nlines)
        pos.line = t->nlines - 1;
    if (pos.col > t->lines[pos.line].len)
        pos.col = t->lines[pos.line].len;
    return pos;
}

void text_mark_add(Text *t, TextPos *mark)
{
    *mark = text_clamp(t, *mark);
    t->marks = xgrow(t->marks, &t->marks_cap, t->nmarks + 1, sizeof *t->marks);
    t->marks[t->nmarks++] = mark;
}

void text_mark_remove(Text *t, TextPos *mark)
{
    for (size_t i = 0; i < t->nmarks; i++) {
        if (t->marks[i] == mark) {
            t->marks[i] = t->marks[--t->nmarks];
            return;
        }
    }
    UNREACHABLE(); /* the mark was never registered */
}
