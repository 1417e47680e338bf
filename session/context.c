/* Context: assembles the user message for a question from the Buffer.
 *
 * The file text is chosen as a range of whole lines [lo, hi] that contains the cursor line:
 * the whole file when it fits in max_bytes, else the window grows one line below, then one
 * line above, as long as the next line in that direction still fits (a line that does not
 * fit closes its direction, so the window never has holes). A cursor line longer than the
 * budget on its own is cut to a byte slice centred on the cursor, on UTF-8 boundaries.
 * The message says what part of the file is shown, so the model never mistakes a window
 * for the whole file. Line and column are 1-based; the column counts characters. A binary
 * buffer (buffer_binary) sends its name and size only: "[binary file, 12 KiB, not sent]". */
#include "session/context.h"

#include <stdbool.h>
#include <string.h>

#include "core/text.h"
#include "core/utf8.h"

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

void context_build(const Buffer *b, const char *question, size_t max_bytes, StrBuf *out)
{
    const Text *t = buffer_text(b);
    TextPos cur = text_clamp(t, buffer_cursor(b));
    size_t max = max_bytes ? max_bytes : CONTEXT_DEFAULT_MAX_BYTES;
    size_t n = text_line_count(t);
    const char *name = buffer_name(b);
    const char *path = buffer_path(b);

    sb_puts(out, question);
    sb_puts(out, "\n\n---\nContext from the editor (flint).\nFile: ");
    sb_puts(out, name);
    if (path && strcmp(path, name) != 0)
        sb_printf(out, " (%s)", path);
    else if (!path)
        sb_puts(out, " (not saved yet)");
    if (buffer_binary(b)) {
        /* A binary file's bytes mean nothing to a model and may be anything (keys, images):
         * say what it is instead of sending it. */
        size_t bytes = text_byte_count(t);
        sb_printf(out, "\n[binary file, %zu %s, not sent]\n", bytes >= 1024 ? bytes / 1024 : bytes,
                  bytes >= 1024 ? "KiB" : "bytes");
        return;
    }
    sb_printf(out, "\nCursor: line %zu, column %zu\n", cur.line + 1, char_column(t, cur));

    Window w = choose_window(t, cur, max);
    size_t fence = 3;
    for (size_t i = w.lo; i <= w.hi; i++) {
        size_t len;
        const char *s = text_line(t, i, &len);
        fence = longest_backtick_run(s, len, fence - 1) + 1;
    }
    if (w.sliced)
        sb_printf(out, "Showing part of line %zu (bytes %zu-%zu of %zu) of %zu lines; the "
                       "line is too long to show whole.\n",
                  cur.line + 1, w.slice_from + 1, w.slice_to, text_line_len(t, cur.line), n);
    else if (w.lo > 0 || w.hi + 1 < n)
        sb_printf(out, "Showing lines %zu-%zu of %zu (a window around the cursor).\n",
                  w.lo + 1, w.hi + 1, n);
    else
        sb_printf(out, "The whole file (%zu line%s):\n", n, n == 1 ? "" : "s");

    sb_putc(out, '\n');
    put_fence(out, fence);
    put_lang(out, name);
    sb_putc(out, '\n');
    for (size_t i = w.lo; i <= w.hi; i++) {
        size_t len;
        const char *s = text_line(t, i, &len);
        if (w.sliced)
            sb_append(out, s + w.slice_from, w.slice_to - w.slice_from);
        else
            sb_append(out, s, len);
        sb_putc(out, '\n');
    }
    put_fence(out, fence);
    sb_putc(out, '\n');
}
