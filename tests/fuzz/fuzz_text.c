/* Fuzz target: Text, the bytes of a file.
 *
 * Input: two bytes giving the length L of a file image (little-endian, clamped to what is
 * there), the L bytes of the image, then edit operations. Checks:
 *   1. load + save is byte-exact for any image: empty, invalid UTF-8, NULs, lone '\r', CRLF,
 *      mixed endings, no final newline (text_serialize, text_serialize_to, text_byte_count);
 *   2. each operation (insert, delete, copy, one registered mark) agrees with a naive
 *      reference: the text as one flat byte string, lines joined with '\n', with the file's
 *      line-ending style and final newline applied only when serializing.
 * A disagreement aborts, which libFuzzer reports with the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* The reference: the logical text as flat bytes (lines joined with '\n'). */
typedef struct Ref {
    StrBuf flat;
    bool crlf, final_newline, blank_no_eol;
    size_t mark; /* flat offset of the registered mark */
} Ref;

/* What loading `file` should give, computed the obvious way. */
static void ref_load(Ref *r, const char *file, size_t len)
{
    sb_reset(&r->flat);
    sb_append(&r->flat, "", 0);
    size_t terminators = 0, crlf = 0;
    for (size_t i = 0; i < len; i++) {
        if (file[i] == '\n') {
            terminators++;
            crlf += i > 0 && file[i - 1] == '\r';
        }
    }
    r->crlf = terminators > 0 && crlf == terminators;
    r->final_newline = len == 0 || file[len - 1] == '\n';
    r->blank_no_eol = len == 0;
    size_t end = r->final_newline && len ? len - 1 : len; /* the last terminator ends the text */
    for (size_t i = 0; i < end; i++) {
        if (r->crlf && file[i] == '\r' && i + 1 < len && file[i + 1] == '\n')
            continue;
        sb_putc(&r->flat, file[i]);
    }
    r->mark = 0;
}

static void ref_serialize(const Ref *r, StrBuf *out)
{
    sb_append(out, "", 0);
    if (r->blank_no_eol && r->flat.len == 0)
        return;
    for (size_t i = 0; i < r->flat.len; i++) {
        if (r->flat.data[i] == '\n' && r->crlf)
            sb_putc(out, '\r');
        sb_putc(out, r->flat.data[i]);
    }
    if (r->final_newline)
        sb_puts(out, r->crlf ? "\r\n" : "\n");
}

static TextPos ref_pos(const Ref *r, size_t off)
{
    TextPos p = {0, 0};
    for (size_t i = 0; i < off; i++) {
        if (r->flat.data[i] == '\n')
            p = (TextPos){p.line + 1, 0};
        else
            p.col++;
    }
    return p;
}

static size_t ref_lines(const Ref *r)
{
    size_t n = 1;
    for (size_t i = 0; i < r->flat.len; i++)
        n += r->flat.data[i] == '\n';
    return n;
}

/* Every observable of t against r. */
static void check_same(const Text *t, const Ref *r, const TextPos *mark)
{
    size_t nlines = ref_lines(r);
    FUZZ_CHECK(text_line_count(t) == nlines);
    size_t off = 0;
    for (size_t i = 0; i < nlines; i++) {
        const char *nl = memchr(r->flat.data + off, '\n', r->flat.len - off);
        size_t n = nl ? (size_t)(nl - (r->flat.data + off)) : r->flat.len - off;
        size_t len;
        const char *s = text_line(t, i, &len);
        FUZZ_CHECK(len == n && text_line_len(t, i) == n);
        FUZZ_CHECK(n == 0 || memcmp(s, r->flat.data + off, n) == 0);
        FUZZ_CHECK(s[n] == '\0');
        off += n + 1;
    }
    StrBuf want = {0}, got = {0};
    ref_serialize(r, &want);
    text_serialize(t, &got);
    FUZZ_CHECK(got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
    FUZZ_CHECK(text_byte_count(t) == want.len);
    TextPos m = ref_pos(r, r->mark);
    FUZZ_CHECK(mark->line == m.line && mark->col == m.col);
    sb_free(&want);
    sb_free(&got);
}

static bool sink_append(void *ud, const char *bytes, size_t len)
{
    sb_append(ud, bytes, len);
    return true;
}

/* Reads a number from the input (two bytes, 0 when it is used up). */
static size_t take16(const uint8_t **p, const uint8_t *end)
{
    size_t v = 0;
    for (int i = 0; i < 2 && *p < end; i++)
        v |= (size_t)*(*p)++ << (8 * i);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    size_t flen = take16(&p, end);
    if (flen > (size_t)(end - p))
        flen = (size_t)(end - p);
    const char *file = (const char *)p;
    p += flen;

    /* 1. The round trip, byte for byte. */
    Text *t = text_new();
    text_set(t, flen ? file : NULL, flen);
    StrBuf out = {0};
    text_serialize(t, &out);
    FUZZ_CHECK(out.len == flen && (flen == 0 || memcmp(out.data, file, flen) == 0));
    FUZZ_CHECK(text_byte_count(t) == flen);
    StrBuf piecewise = {0};
    FUZZ_CHECK(text_serialize_to(t, sink_append, &piecewise));
    FUZZ_CHECK(piecewise.len == flen && (flen == 0 || memcmp(piecewise.data, file, flen) == 0));
    sb_free(&piecewise);
    sb_free(&out);

    /* 2. Edits against the reference. */
    Ref r = {0};
    ref_load(&r, file, flen);
    TextPos mark = {0, 0};
    text_mark_add(t, &mark);
    check_same(t, &r, &mark);
    for (int ops = 0; p < end && ops < 64; ops++) {
        uint8_t op = *p++;
        size_t a = take16(&p, end) % (r.flat.len + 1);
        switch (op % 5) {
        case 0: { /* insert up to 15 bytes taken from the input ('\n', '\r', NUL included) */
            size_t n = (size_t)(op >> 4);
            if (n > (size_t)(end - p))
                n = (size_t)(end - p);
            TextPos at = ref_pos(&r, a);
            TextPos after = text_insert(t, at, (const char *)p, n);
            StrBuf tail = {0};
            sb_append(&tail, r.flat.data + a, r.flat.len - a);
            sb_truncate(&r.flat, a);
            sb_append(&r.flat, (const char *)p, n);
            sb_append(&r.flat, tail.data, tail.len);
            sb_free(&tail);
            TextPos want = ref_pos(&r, a + n);
            FUZZ_CHECK(after.line == want.line && after.col == want.col);
            if (r.mark >= a)
                r.mark += n;
            p += n;
            break;
        }
        case 1:
        case 2: { /* delete [a, b) */
            size_t b = a + (size_t)(op >> 3) % 40;
            if (b > r.flat.len)
                b = r.flat.len;
            text_delete(t, ref_pos(&r, a), ref_pos(&r, b));
            memmove(r.flat.data + a, r.flat.data + b, r.flat.len - b);
            sb_truncate(&r.flat, r.flat.len - (b - a));
            if (r.mark > a)
                r.mark = r.mark <= b ? a : r.mark - (b - a);
            break;
        }
        case 3: { /* copy [a, b) */
            size_t b = a + (size_t)(op >> 3) % 40;
            if (b > r.flat.len)
                b = r.flat.len;
            StrBuf c = {0};
            text_copy(t, ref_pos(&r, a), ref_pos(&r, b), &c);
            FUZZ_CHECK(c.len == b - a && (c.len == 0 || memcmp(c.data, r.flat.data + a, c.len) == 0));
            sb_free(&c);
            break;
        }
        case 4: /* move the mark (re-register it, as a caller would) */
            text_mark_remove(t, &mark);
            mark = ref_pos(&r, a);
            text_mark_add(t, &mark);
            r.mark = a;
            break;
        }
        check_same(t, &r, &mark);
    }
    text_mark_remove(t, &mark);
    sb_free(&r.flat);
    text_free(t);
    return 0;
}
