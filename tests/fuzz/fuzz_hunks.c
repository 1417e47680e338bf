/* Fuzz target: the streaming hunk parser (session/hunk_parse.h) and the placing and applying
 * of what it finds (session/hunks.h). Invariant: the answer parsed whole, byte by byte, and
 * split at a position taken from the input gives the same hunks; placing, accepting and
 * undoing them in a small buffer never crashes and undo restores the text exactly. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "session/buffer.h"
#include "session/hunk_parse.h"
#include "session/hunks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void describe(HunkParser *p, StrBuf *out, ParsedHunk ***keep, size_t *n)
{
    ParsedHunk *h;
    while ((h = hunk_parser_take(p))) {
        sb_printf(out, "%d %s %s %zu %d|", (int)h->kind, h->path ? h->path : "-",
                  h->anchor ? h->anchor : "-", h->hint_line, h->at_eof);
        for (size_t i = 0; i < h->n_lines; i++) {
            sb_putc(out, h->lines[i].op);
            sb_append(out, h->lines[i].s, h->lines[i].len);
            sb_putc(out, '|');
        }
        sb_putc(out, '\n');
        if (keep) {
            *keep = realloc(*keep, (*n + 1) * sizeof **keep);
            (*keep)[(*n)++] = h;
        } else {
            parsed_hunk_free(h);
        }
    }
}

static bool same(const StrBuf *a, const StrBuf *b)
{
    return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    StrBuf whole = {0}, bytes = {0}, split = {0};
    ParsedHunk **hunks = NULL;
    size_t n = 0;

    HunkParser *p = hunk_parser_new();
    hunk_parser_feed(p, s, size);
    hunk_parser_finish(p);
    describe(p, &whole, &hunks, &n);
    hunk_parser_free(p);

    p = hunk_parser_new();
    for (size_t i = 0; i < size; i++) {
        hunk_parser_feed(p, s + i, 1);
        describe(p, &bytes, NULL, NULL); /* taken while streaming, as the app does */
    }
    hunk_parser_finish(p);
    describe(p, &bytes, NULL, NULL);
    hunk_parser_free(p);

    size_t cut = size ? (size_t)data[0] * 7 % (size + 1) : 0;
    p = hunk_parser_new();
    hunk_parser_feed(p, s, cut);
    hunk_parser_feed(p, s + cut, size - cut);
    hunk_parser_finish(p);
    describe(p, &split, NULL, NULL);
    hunk_parser_free(p);

    if (!same(&whole, &bytes) || !same(&whole, &split))
        abort();

    static const char file[] = "int main(void)\n{\n    int a = 1;\n\treturn a;\n}\n\nx\ny\n";
    Buffer *b = buffer_new();
    buffer_load_text(b, file, sizeof file - 1);
    HunkSet *hs = hunks_new();
    hunks_begin_answer(hs);
    for (size_t i = 0; i < n; i++)
        hunks_add(hs, hunks[i], b, NULL);
    size_t accepted = 0;
    for (size_t i = 0; i < hunks_count(hs); i++)
        accepted += hunks_accept(hs, i);
    while (accepted-- && buffer_undo(b)) {
    }
    StrBuf back = {0};
    text_serialize(buffer_text(b), &back);
    if (back.len != sizeof file - 1 || memcmp(back.data, file, sizeof file - 1) != 0)
        abort();
    StrBuf rep = {0};
    hunks_take_report(hs, &rep);
    hunks_free(hs);
    buffer_free(b);
    free(hunks);
    sb_free(&rep);
    sb_free(&back);
    sb_free(&whole);
    sb_free(&bytes);
    sb_free(&split);
    return 0;
}
