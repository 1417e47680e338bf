/* AnswerBlocks: see answer_blocks.h. A single forward pass: outside a block every line is
 * tested as an opening fence; inside, as the closing fence of the one that opened it (so
 * nesting is by fence length and character, never by counting). */
#include "session/answer_blocks.h"

#include <string.h>

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool answer_fence_open(const char *line, size_t len, AnswerFence *out)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || (line[i] != '`' && line[i] != '~'))
        return false;
    char ch = line[i];
    size_t r = i;
    while (r < len && line[r] == ch)
        r++;
    if (r - i < 3)
        return false;
    size_t a = r, b = len;
    while (a < b && blank(line[a]))
        a++;
    while (b > a && blank(line[b - 1]))
        b--;
    if (ch == '`' && memchr(line + a, '`', b - a))
        return false; /* inline code such as ```x```, not a fence */
    *out = (AnswerFence){ch, r - i, i, a, b};
    return true;
}

bool answer_fence_closes(const AnswerFence *f, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t r = i;
    while (r < len && line[r] == f->ch)
        r++;
    if (r - i < f->run)
        return false;
    for (; r < len; r++)
        if (!blank(line[r]))
            return false;
    return true;
}

static size_t line_end(const char *text, size_t len, size_t p)
{
    const char *nl = memchr(text + p, '\n', len - p);
    return nl ? (size_t)(nl - text) : len;
}

bool answer_block_next(const char *text, size_t len, size_t *pos, AnswerBlock *out)
{
    size_t p = *pos;
    while (p < len) {
        size_t e = line_end(text, len, p);
        AnswerFence f;
        if (!answer_fence_open(text + p, e - p, &f)) {
            p = e + 1;
            continue;
        }
        AnswerBlock b = {.start = p, .info_start = p + f.info_start, .info_end = p + f.info_end,
                         .indent = f.indent};
        size_t q = e < len ? e + 1 : len;
        b.body_start = q;
        while (q < len) {
            size_t qe = line_end(text, len, q);
            if (answer_fence_closes(&f, text + q, qe - q)) {
                b.body_end = q;
                b.end = qe < len ? qe + 1 : len;
                b.closed = true;
                break;
            }
            q = qe + 1;
        }
        if (!b.closed)
            b.body_end = b.end = len;
        *pos = b.end;
        *out = b;
        return true;
    }
    *pos = len;
    return false;
}

bool answer_block_at(const char *text, size_t len, size_t off, AnswerBlock *out)
{
    size_t pos = 0;
    AnswerBlock b;
    while (pos <= off && answer_block_next(text, len, &pos, &b)) {
        if (b.start > off)
            return false;
        /* end is past the closing line; an unclosed block holds the text's end too */
        if (off < b.end || (!b.closed && off == len)) {
            *out = b;
            return true;
        }
    }
    return false;
}

bool answer_block_last(const char *text, size_t len, AnswerBlock *out)
{
    size_t pos = 0;
    AnswerBlock b;
    bool any = false;
    while (answer_block_next(text, len, &pos, &b)) {
        *out = b;
        any = true;
    }
    return any;
}

size_t answer_block_count(const char *text, size_t len)
{
    size_t pos = 0, n = 0;
    AnswerBlock b;
    while (answer_block_next(text, len, &pos, &b))
        n++;
    return n;
}

void answer_block_body(const char *text, const AnswerBlock *b, StrBuf *out)
{
    size_t p = b->body_start;
    while (p < b->body_end) {
        size_t e = line_end(text, b->body_end, p);
        size_t s = p, strip = 0;
        while (s < e && strip < b->indent && (text[s] == ' ' || text[s] == '\t'))
            s++, strip++;
        sb_append(out, text + s, e - s);
        sb_putc(out, '\n');
        p = e + 1;
    }
}
