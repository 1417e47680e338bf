/* Context: assembles the user message for a question from the Buffer.
 *
 * The file text is chosen as a range of whole lines [lo, hi] that contains the cursor line:
 * the whole file when it fits in max_bytes, else the window grows one line below, then one
 * line above, as long as the next line in that direction still fits (a line that does not
 * fit closes its direction, so the window never has holes). A cursor line longer than the
 * budget on its own is cut to a byte slice centred on the cursor, on UTF-8 boundaries.
 * The message says what part of the file is shown, so the model never mistakes a window
 * for the whole file. Line and column are 1-based; the column counts characters. A binary
 * buffer (buffer_binary) sends its name and size only: "[binary file, 12 KiB, not sent]".
 *
 * Seen files: a file that fits whole and whose last seen version is still in the request
 * (its root at or after valid_from) goes as a diff against that version when the diff is
 * smaller than the file, as one line when nothing changed, else whole again. Only a whole
 * (or diffed) file establishes a new seen version: a window says nothing of the rest.
 *
 * @path: a word of the question that starts with '@' after a blank (or at the start) names a
 * file, looked up from the cwd, then the current buffer's directory (~ expands; a trailing
 * ".,;:!?)" that is not part of an existing name is dropped). A word that names no file is
 * left alone unless it looks like a path (has a '/' or '.'), when the message says it was not
 * found. Directories, binary files and unreadable ones are named with the reason. */
#include "session/context.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "session/diff.h"
#include "session/path.h"

/* ---- seen versions --------------------------------------------------------------------- */

void context_seen_clear(ContextSeen *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].key);
        free(s->v[i].text);
    }
    free(s->v);
    *s = (ContextSeen){0};
}

const ContextSnap *context_seen_find(const ContextSeen *s, const char *key)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->v[i].key, key) == 0)
            return &s->v[i];
    return NULL;
}

void context_seen_commit(ContextSeen *s, ContextSeen *updates, size_t entry)
{
    for (size_t i = 0; i < updates->n; i++) {
        ContextSnap u = updates->v[i];
        if (u.root == CONTEXT_ROOT_THIS)
            u.root = entry;
        ContextSnap *old = (ContextSnap *)context_seen_find(s, u.key);
        if (old) {
            free(old->key);
            free(old->text);
            *old = u;
        } else {
            s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
            s->v[s->n++] = u;
        }
    }
    free(updates->v);
    *updates = (ContextSeen){0};
}

static void add_update(ContextSeen *u, const char *key, const char *text, size_t len, size_t root)
{
    if (!u)
        return;
    u->v = xgrow(u->v, &u->cap, u->n + 1, sizeof *u->v);
    u->v[u->n++] = (ContextSnap){xstrdup(key), xmemdup(text, len ? len : 1), len, root};
}

size_t context_tokens(size_t bytes) { return (bytes + 3) / 4; }

void context_buffer_key(const Buffer *b, StrBuf *out)
{
    const char *path = buffer_path(b);
    if (!path) {
        sb_printf(out, "[%s]", buffer_name(b));
        return;
    }
    char *real = realpath(path, NULL);
    if (real) {
        sb_puts(out, real);
        free(real);
    } else if (path[0] == '/') {
        sb_puts(out, path);
    } else {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            sb_printf(out, "%s/", cwd);
        sb_puts(out, path);
    }
}

/* ---- text helpers ---------------------------------------------------------------------- */

typedef struct Window {
    size_t lo, hi;            /* shown lines, inclusive */
    size_t slice_from, slice_to; /* when sliced: the byte range of the (single) cursor line */
    bool sliced;
} Window;

static Window choose_window(const Text *t, TextPos cur, size_t max)
{
    size_t n = text_line_count(t);
    size_t total = 0;
    for (size_t i = 0; i < n && total <= max; i++)
        total += text_line_len(t, i) + (i + 1 < n);
    if (total <= max)
        return (Window){.lo = 0, .hi = n - 1};

    size_t cur_len;
    const char *line = text_line(t, cur.line, &cur_len);
    if (cur_len > max) {
        size_t from = cur.col > max / 2 ? cur.col - max / 2 : 0;
        if (from + max > cur_len)
            from = cur_len - max;
        size_t to = from + max;
        while (from < cur_len && ((unsigned char)line[from] & 0xC0) == 0x80)
            from++;
        while (to > from && to < cur_len && ((unsigned char)line[to] & 0xC0) == 0x80)
            to--;
        return (Window){.lo = cur.line, .hi = cur.line, .slice_from = from, .slice_to = to,
                        .sliced = true};
    }
    Window w = {.lo = cur.line, .hi = cur.line};
    size_t used = cur_len;
    for (;;) {
        bool grew = false;
        if (w.hi + 1 < n && used + 1 + text_line_len(t, w.hi + 1) <= max) {
            used += 1 + text_line_len(t, ++w.hi);
            grew = true;
        }
        if (w.lo > 0 && used + 1 + text_line_len(t, w.lo - 1) <= max) {
            used += 1 + text_line_len(t, --w.lo);
            grew = true;
        }
        if (!grew)
            return w;
    }
}

static size_t longest_backtick_run(const char *s, size_t len, size_t best)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* The extension of name as a fence info string ("main.c" -> "c"), or "" when unsuitable. */
static void put_lang(StrBuf *out, const char *name)
{
    const char *slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1] || strlen(dot + 1) > 15)
        return;
    for (const char *p = dot + 1; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '_';
        if (!ok)
            return;
    }
    sb_puts(out, dot + 1);
}

static size_t char_column(const Text *t, TextPos cur)
{
    size_t len;
    const char *line = text_line(t, cur.line, &len);
    size_t end = cur.col < len ? cur.col : len, chars = 0;
    for (size_t i = 0; i < end; chars++) {
        uint32_t cp;
        i += utf8_decode(line + i, end - i, &cp);
    }
    return chars + 1;
}

static void put_fence(StrBuf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_putc(out, '`');
}

/* A fenced block of text (which ends in '\n' or is empty) with info string lang/name. */
static void put_block(StrBuf *out, const char *name, const char *lang, const char *text,
                      size_t len)
{
    size_t fence = longest_backtick_run(text, len, 2) + 1;
    sb_putc(out, '\n');
    put_fence(out, fence);
    if (lang)
        sb_puts(out, lang);
    else
        put_lang(out, name);
    sb_putc(out, '\n');
    sb_append(out, text, len);
    if (len && text[len - 1] != '\n')
        sb_putc(out, '\n');
    put_fence(out, fence);
    sb_putc(out, '\n');
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (const char *p = s, *end = s + len; p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    return n;
}

/* A whole text (key: its snapshot key; name: for the fence's language) as the model sees it,
 * or what changed since it last did; the version it establishes goes to updates. */
static void put_seen_or_whole(StrBuf *out, const char *key, const char *name, const char *text,
                              size_t len, const ContextOptions *o, ContextSeen *updates)
{
    size_t n = count_lines(text, len);
    const ContextSnap *snap = o ? context_seen_find(o->seen, key) : NULL;
    if (snap && snap->root != CONTEXT_ROOT_THIS && snap->root < o->valid_from)
        snap = NULL; /* the message that carried it is no longer in the request */
    if (snap) {
        StrBuf d = {0};
        if (!diff_unified(snap->text, snap->len, text, len, &d)) {
            sb_printf(out, "Unchanged since you last saw it (%zu line%s).\n", n, n == 1 ? "" : "s");
            sb_free(&d);
            return;
        }
        if (d.len < len) {
            sb_printf(out, "Changed since you last saw it (%zu line%s now); the changes as a "
                           "unified diff against that version:\n", n, n == 1 ? "" : "s");
            put_block(out, name, "diff", d.data, d.len);
            add_update(updates, key, text, len, snap->root);
            sb_free(&d);
            return;
        }
        sb_free(&d);
    }
    sb_printf(out, "The whole file (%zu line%s):\n", n, n == 1 ? "" : "s");
    put_block(out, name, NULL, text, len);
    add_update(updates, key, text, len, CONTEXT_ROOT_THIS);
}

/* The buffer's lines [w.lo, w.hi] each ending in \n (the slice when sliced). */
static void window_text(const Text *t, Window w, StrBuf *out)
{
    for (size_t i = w.lo; i <= w.hi; i++) {
        size_t len;
        const char *s = text_line(t, i, &len);
        if (w.sliced)
            sb_append(out, s + w.slice_from, w.slice_to - w.slice_from);
        else
            sb_append(out, s, len);
        sb_putc(out, '\n');
    }
}

static void put_binary(StrBuf *out, size_t bytes)
{
    sb_printf(out, "[binary file, %zu %s, not sent]\n", bytes >= 1024 ? bytes / 1024 : bytes,
              bytes >= 1024 ? "KiB" : "bytes");
}

static void put_selection(StrBuf *out, const Buffer *b)
{
    TextPos from, to;
    if (!buffer_selection(b, &from, &to))
        return;
    const Text *t = buffer_text(b);
    sb_printf(out, "Selection: line %zu, column %zu to line %zu, column %zu", from.line + 1,
              char_column(t, from), to.line + 1, char_column(t, to));
    StrBuf sel = {0};
    text_copy(t, from, to, &sel);
    if (sel.len > CONTEXT_SELECTION_MAX_BYTES) {
        sb_printf(out, " (%zu bytes: too long to repeat here)\n", sel.len);
    } else {
        sb_puts(out, " (the selected text):\n");
        put_block(out, buffer_name(b), NULL, sel.data ? sel.data : "", sel.len);
    }
    sb_free(&sel);
}

/* ---- the current buffer ------------------------------------------------------------------ */

static void put_current(StrBuf *out, const Buffer *b, const ContextOptions *o,
                        ContextSeen *updates)
{
    const Text *t = buffer_text(b);
    TextPos cur = text_clamp(t, buffer_cursor(b));
    size_t max = o && o->max_bytes ? o->max_bytes : CONTEXT_DEFAULT_MAX_BYTES;
    size_t n = text_line_count(t);
    const char *name = buffer_name(b);
    const char *path = buffer_path(b);

    sb_puts(out, "File: ");
    sb_puts(out, name);
    if (path && strcmp(path, name) != 0)
        sb_printf(out, " (%s)", path);
    else if (!path)
        sb_puts(out, " (not saved yet)");
    sb_putc(out, '\n');
    if (buffer_binary(b)) {
        /* A binary file's bytes mean nothing to a model and may be anything (keys, images):
         * say what it is instead of sending it. */
        put_binary(out, text_byte_count(t));
        return;
    }
    sb_printf(out, "Cursor: line %zu, column %zu\n", cur.line + 1, char_column(t, cur));
    put_selection(out, b);

    Window w = choose_window(t, cur, max);
    StrBuf text = {0};
    window_text(t, w, &text);
    if (w.sliced) {
        sb_printf(out, "Showing part of line %zu (bytes %zu-%zu of %zu) of %zu lines; the "
                       "line is too long to show whole.\n",
                  cur.line + 1, w.slice_from + 1, w.slice_to, text_line_len(t, cur.line), n);
        put_block(out, name, NULL, text.data, text.len);
    } else if (w.lo > 0 || w.hi + 1 < n) {
        sb_printf(out, "Showing lines %zu-%zu of %zu (a window around the cursor).\n",
                  w.lo + 1, w.hi + 1, n);
        put_block(out, name, NULL, text.data, text.len);
    } else {
        StrBuf key = {0};
        context_buffer_key(b, &key);
        put_seen_or_whole(out, sb_cstr(&key), name, text.data, text.len, o, updates);
        sb_free(&key);
    }
    sb_free(&text);
}

/* ---- other files: @path and pinned ------------------------------------------------------- */

static bool is_file(const char *p, struct stat *st) { return stat(p, st) == 0; }

/* One past the last '\n' in s[0, len), or 0 when there is none. */
static size_t after_last_newline(const char *s, size_t len)
{
    while (len > 0 && s[len - 1] != '\n')
        len--;
    return len;
}

/* The absolute path of an @word, into out; false when it names nothing. */
static bool resolve(const char *word, const char *cwd, const Buffer *b, StrBuf *out)
{
    StrBuf exp = {0}, cand = {0};
    path_expand_home(word, &exp);
    const char *w = sb_cstr(&exp);
    struct stat st;
    bool ok = false;
    if (w[0] == '/') {
        ok = is_file(w, &st);
        sb_puts(&cand, w);
    } else {
        char here[PATH_MAX];
        const char *base = cwd ? cwd : getcwd(here, sizeof here);
        if (base) {
            sb_printf(&cand, "%s/%s", base, w);
            ok = is_file(sb_cstr(&cand), &st);
        }
        const char *bp = buffer_path(b);
        const char *slash = bp ? strrchr(bp, '/') : NULL;
        if (!ok && slash) {
            sb_reset(&cand);
            sb_append(&cand, bp, (size_t)(slash - bp) + 1);
            sb_puts(&cand, w);
            ok = is_file(sb_cstr(&cand), &st);
        }
    }
    if (ok) {
        char *real = realpath(sb_cstr(&cand), NULL);
        sb_puts(out, real ? real : sb_cstr(&cand));
        free(real);
    }
    sb_free(&exp);
    sb_free(&cand);
    return ok;
}

/* Reads at most cap bytes of path (cut after the last whole line when the file is longer);
 * *total gets its size. False with why on failure. */
static bool read_capped(const char *path, size_t cap, StrBuf *out, size_t *total,
                        const char **why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *why = "not found";
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        *why = "a directory, not sent";
        return false;
    }
    FILE *f = S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
    if (!f) {
        *why = "cannot be read";
        return false;
    }
    *total = (size_t)st.st_size;
    sb_reserve(out, cap + 1);
    size_t got = fread(out->data, 1, cap + 1, f);
    fclose(f);
    out->len = got;
    out->data[got] = '\0';
    if (got > cap) {
        size_t cut = after_last_newline(out->data, cap);
        out->len = cut ? cut : cap;
        out->data[out->len] = '\0';
        if (*total <= cap)
            *total = cap + 1; /* it grew while read */
    }
    return true;
}

static void put_attached(StrBuf *out, const char *label, const char *abs, const Buffer *current,
                         const ContextOptions *o, ContextSeen *updates)
{
    size_t cap = o && o->attach_max_bytes ? o->attach_max_bytes : CONTEXT_ATTACH_MAX_BYTES;
    sb_printf(out, "\nAttached file: %s", label);
    if (strcmp(label, abs) != 0)
        sb_printf(out, " (%s)", abs);
    sb_puts(out, "\n");
    const Buffer *b = o && o->find_buffer ? o->find_buffer(o->find_ud, abs) : NULL;
    StrBuf text = {0};
    size_t total = 0;
    const char *why = NULL;
    bool binary;
    if (b && b != current) {
        binary = buffer_binary(b);
        const Text *t = buffer_text(b);
        size_t i = 0, n = text_line_count(t);
        for (; !binary && i < n && text.len <= cap; i++) {
            size_t len; /* lines up to just past the cap: the rest would be cut anyway */
            const char *line = text_line(t, i, &len);
            sb_append(&text, line, len);
            sb_putc(&text, '\n');
        }
        total = text.len;
        if (i < n) /* more lines: about this much in all */
            total = text_byte_count(t) > text.len ? text_byte_count(t) : text.len + 1;
    } else if (!read_capped(abs, cap, &text, &total, &why)) {
        sb_printf(out, "[%s]\n", why);
        sb_free(&text);
        return;
    } else {
        binary = buffer_looks_binary(text.data ? text.data : "", text.len);
    }
    if (binary) {
        put_binary(out, b ? text_byte_count(buffer_text(b)) : total);
    } else if (text.len > cap || total > text.len) {
        size_t shown = text.len > cap ? cap : text.len;
        if (text.len > cap) {
            size_t cut = after_last_newline(text.data, cap);
            shown = cut ? cut : cap;
        }
        sb_printf(out, "Showing its first %zu bytes of %zu (the file is larger than the limit):\n",
                  shown, total > text.len ? total : text.len);
        put_block(out, abs, NULL, text.data, shown);
    } else {
        put_seen_or_whole(out, abs, abs, text.data ? text.data : "", text.len, o, updates);
    }
    sb_free(&text);
}

/* Does this @word look like it was meant as a path? */
static bool pathlike(const char *w) { return strchr(w, '/') || strchr(w, '.'); }

/* The @words of q, each resolved or told as not found; pinned files after them. */
static void put_files(StrBuf *out, const Buffer *b, const char *q, const ContextOptions *o,
                      ContextSeen *updates)
{
    StrBuf cur_key = {0};
    context_buffer_key(b, &cur_key);
    char *done[CONTEXT_MAX_ATTACH + 1];
    size_t n_done = 0;
    done[n_done++] = sb_steal(&cur_key, NULL);
    for (const char *p = q; *p && n_done <= CONTEXT_MAX_ATTACH; p++) {
        if (*p != '@' || (p > q && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
            continue;
        size_t len = strcspn(p + 1, " \t\r\n");
        if (!len)
            continue;
        char *word = xstrndup(p + 1, len);
        StrBuf abs = {0};
        bool found = resolve(word, o ? o->cwd : NULL, b, &abs);
        while (!found && len > 1 && strchr(".,;:!?)'\"", word[len - 1])) {
            word[--len] = '\0';
            found = resolve(word, o ? o->cwd : NULL, b, &abs);
        }
        bool dup = false;
        for (size_t i = 0; found && i < n_done; i++)
            dup |= strcmp(done[i], sb_cstr(&abs)) == 0;
        if (found && !dup) {
            put_attached(out, word, sb_cstr(&abs), b, o, updates);
            done[n_done++] = sb_steal(&abs, NULL);
        } else if (!found && pathlike(word)) {
            sb_printf(out, "\nAttached file: %s\n[not found]\n", word);
        }
        sb_free(&abs);
        free(word);
        p += len;
    }
    for (size_t i = 0; o && i < o->n_pinned; i++) {
        bool dup = false;
        for (size_t j = 0; j < n_done; j++)
            dup |= strcmp(done[j], o->pinned[i]) == 0;
        if (!dup)
            put_attached(out, o->pinned[i], o->pinned[i], b, o, updates);
    }
    for (size_t i = 0; i < n_done; i++)
        free(done[i]);
}

/* ---- the message ------------------------------------------------------------------------- */

void context_compose(const Buffer *b, const char *question, const ContextOptions *o,
                     StrBuf *out, ContextSeen *updates)
{
    if (o && o->n_notes) {
        sb_puts(out, "Notes from flint on your previous answer:\n");
        for (size_t i = 0; i < o->n_notes; i++)
            sb_printf(out, "- %s\n", o->notes[i]);
        sb_putc(out, '\n');
    }
    sb_puts(out, question);
    sb_puts(out, "\n\n---\nContext from the editor (flint).\n");
    put_current(out, b, o, updates);
    put_files(out, b, question, o, updates);
}

void context_build(const Buffer *b, const char *question, size_t max_bytes, StrBuf *out)
{
    ContextOptions o = {.max_bytes = max_bytes};
    context_compose(b, question, &o, out, NULL);
}
