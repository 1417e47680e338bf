/* Export: see export.h. The Markdown is built in one pass over the entries; the write is the
 * usual crash-safe replace (core/fdio's fdio_replace_file), without the mode and owner keeping
 * a user's own file needs: an export is a new file. */
#include "session/export.h"

#include <stdio.h>
#include <string.h>

#include "core/fdio.h"
#include "core/xalloc.h"
#include "session/answer_blocks.h"

/* The question's first line, shortened, for its heading. */
static void heading_words(StrBuf *out, const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != '\n')
        n++;
    bool cut = n < len;
    if (n > 60) {
        n = 60;
        while (n > 40 && s[n] != ' ')
            n--;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* never inside a character */
            n--;
        cut = true;
    }
    sb_append(out, s, n);
    if (cut)
        sb_puts(out, " ...");
}

/* s as a block quote: each line prefixed ("> ", the first with first; an empty line ">"). */
static void quoted(StrBuf *out, const char *s, size_t len, const char *first)
{
    if (len && s[len - 1] == '\n')
        len--;
    size_t p = 0;
    for (bool lead = true;; lead = false) {
        const char *nl = memchr(s + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - s) : len;
        sb_puts(out, lead ? first : e > p ? "> " : ">");
        sb_append(out, s + p, e - p);
        sb_putc(out, '\n');
        if (!nl)
            break;
        p = e + 1;
    }
}

static const char *state_word(EntryState st)
{
    switch (st) {
    case ENTRY_OPEN: return "still streaming when exported";
    case ENTRY_DONE: return NULL;
    case ENTRY_INTERRUPTED: return "interrupted";
    case ENTRY_NETWORK: return "interrupted by network";
    case ENTRY_INCOMPLETE: return "incomplete";
    case ENTRY_FAILED: return "failed";
    case ENTRY_STALLED: return "stalled";
    }
    return NULL;
}

static void answer(StrBuf *out, const TranscriptEntry *en)
{
    const char *s = en->text.data ? en->text.data : "";
    size_t len = en->text.len;
    sb_append(out, s, len);
    if (len && s[len - 1] != '\n')
        sb_putc(out, '\n');
    AnswerBlock b;
    if (answer_block_last(s, len, &b) && !b.closed) {
        /* Cut off inside a block: close it with the fence that opened it. */
        AnswerFence f;
        const char *nl = memchr(s + b.start, '\n', len - b.start);
        size_t fl = nl ? (size_t)(nl - (s + b.start)) : len - b.start;
        if (answer_fence_open(s + b.start, fl, &f)) {
            for (size_t i = 0; i < f.run; i++)
                sb_putc(out, f.ch);
            sb_putc(out, '\n');
        }
    }
    const char *w = state_word(en->state);
    if (w) {
        sb_printf(out, "%s*[%s", len ? "\n" : "", w);
        if (en->detail && *en->detail && en->state != ENTRY_INTERRUPTED)
            sb_printf(out, ": %s", en->detail);
        sb_puts(out, "]*\n");
    }
}

void export_markdown(const Transcript *t, const char *model, const char *when, StrBuf *out)
{
    sb_puts(out, "# flint conversation\n\n");
    if (model && *model)
        sb_printf(out, "Model: %s", model);
    if (when && *when)
        sb_printf(out, "%sExported: %s", model && *model ? "  \n" : "", when);
    if ((model && *model) || (when && *when))
        sb_puts(out, "\n\n");
    size_t n = transcript_count(t), q = 0;
    for (size_t i = 0; i < n; i++) {
        const TranscriptEntry *en = transcript_entry(t, i);
        const char *s = en->text.data ? en->text.data : "";
        switch (en->kind) {
        case ENTRY_USER:
            sb_printf(out, "## %zu. ", ++q);
            heading_words(out, s, en->text.len);
            sb_puts(out, "\n\n");
            quoted(out, s, en->text.len, "> ");
            sb_putc(out, '\n');
            break;
        case ENTRY_ANSWER:
            answer(out, en);
            sb_putc(out, '\n');
            break;
        case ENTRY_NOTE:
            quoted(out, s, en->text.len, "> **flint:** ");
            sb_putc(out, '\n');
            break;
        }
    }
}

void export_default_name(time_t now, char *out, size_t size)
{
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, size, "flint-conversation-%Y%m%d-%H%M.md", &tm);
}

bool export_write(const char *path, const char *data, size_t len, ErrorBuf *err)
{
    if (!path || !*path)
        return error_set(err, "export: no file name");
    return fdio_replace_file(path, data, len, 0644, true, err);
}
