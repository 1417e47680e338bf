/* Tokenizer for scripted answers: a rough imitation of what a byte-level BPE vocabulary
 * produces for English prose and code, so that flint sees realistic delta sizes.
 *
 * Rules, applied at each position (every piece is 1..TOK_MAX_BYTES bytes):
 *   - a word (ASCII letters, digits, '_', or any non-ASCII character) keeps ONE leading
 *     space (" the", " 世界") and is cut into chunks of at most TOK_MAX_BYTES bytes;
 *   - runs of spaces become indentation pieces; when a word follows, the last space of the
 *     run stays with the word ("    return" -> "   " + " return");
 *   - punctuation runs are cut at 3 bytes ("```", "->", "();"), a single space may lead;
 *   - newline runs ("\n\n") and tab runs are pieces of their own; other C0 controls are
 *     single bytes.
 * Cuts happen only at UTF-8 character boundaries (RFC 3629): a piece never holds part of a
 * multi-byte sequence. Combining marks count as word characters, so "e" + U+0301 usually
 * stays together but may be split at a character boundary, as a real tokenizer would. */
#include "tests/backend/tokenize.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { CLS_WORD, CLS_SPACE, CLS_NEWLINE, CLS_TAB, CLS_PUNCT, CLS_CTRL };

static int byte_class(unsigned char c)
{
    if (c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z'))
        return CLS_WORD;
    if (c == ' ')
        return CLS_SPACE;
    if (c == '\n' || c == '\r')
        return CLS_NEWLINE;
    if (c == '\t')
        return CLS_TAB;
    if (c > 0x20 && c < 0x7f)
        return CLS_PUNCT;
    return CLS_CTRL;
}

/* Length of the character starting at s[pos]: the lead byte's length, shortened if the
 * continuation bytes are missing (invalid input is cut byte-wise but never mid-sequence). */
static size_t char_len(const char *s, size_t len, size_t pos)
{
    unsigned char c = (unsigned char)s[pos];
    size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;
    size_t k = 1;
    while (k < n && pos + k < len && ((unsigned char)s[pos + k] & 0xC0) == 0x80)
        k++;
    return k;
}

/* End of a run of class cls starting at pos, at most max bytes, whole characters only.
 * Always advances by at least one character. */
static size_t run_end(const char *s, size_t len, size_t pos, int cls, size_t max)
{
    size_t end = pos;
    while (end < len && byte_class((unsigned char)s[end]) == cls) {
        size_t n = char_len(s, len, end);
        if (end + n - pos > max && end > pos)
            break;
        end += n;
    }
    return end > pos ? end : pos + char_len(s, len, pos);
}

size_t tok_split(const char *s, size_t len, size_t *off)
{
    size_t n = 0, pos = 0;
    off[0] = 0;
    while (pos < len) {
        int cls = byte_class((unsigned char)s[pos]);
        size_t end;
        switch (cls) {
        case CLS_SPACE: {
            size_t r = pos;
            while (r < len && s[r] == ' ')
                r++;
            int next = r < len ? byte_class((unsigned char)s[r]) : CLS_CTRL;
            size_t run = r - pos;
            if (run == 1 && next == CLS_WORD)
                end = run_end(s, len, pos + 1, CLS_WORD, TOK_MAX_BYTES - 1);
            else if (run == 1 && next == CLS_PUNCT)
                end = run_end(s, len, pos + 1, CLS_PUNCT, 2);
            else {
                size_t take = run - (next == CLS_WORD || next == CLS_PUNCT ? 1 : 0);
                end = pos + (take > TOK_MAX_BYTES ? TOK_MAX_BYTES : take);
            }
            break;
        }
        case CLS_WORD:
            end = run_end(s, len, pos, CLS_WORD, TOK_MAX_BYTES);
            break;
        case CLS_PUNCT:
            end = run_end(s, len, pos, CLS_PUNCT, 3);
            break;
        case CLS_NEWLINE:
            end = run_end(s, len, pos, CLS_NEWLINE, 2);
            break;
        case CLS_TAB:
            end = run_end(s, len, pos, CLS_TAB, 4);
            break;
        default:
            end = pos + 1;
            break;
        }
        pos = end;
        off[++n] = pos;
    }
    return n;
}

size_t json_escape(char *dst, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *d = dst;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *d++ = (char)c;
            continue;
        }
        *d++ = '\\';
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        default:
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
            break;
        }
    }
    return (size_t)(d - dst);
}

Answer *answer_new(const char *text, size_t len)
{
    Answer *a = xcalloc(1, sizeof *a);
    a->text = xstrndup(text, len);
    a->len = len;
    a->off = xmalloc((len + 1) * sizeof *a->off);
    a->ntok = tok_split(a->text, len, a->off);
    a->esc = xmalloc(6 * len + 1);
    a->esc_off = xmalloc((a->ntok + 1) * sizeof *a->esc_off);
    size_t e = 0;
    for (size_t i = 0; i < a->ntok; i++) {
        a->esc_off[i] = e;
        e += json_escape(a->esc + e, a->text + a->off[i], a->off[i + 1] - a->off[i]);
    }
    a->esc_off[a->ntok] = e;
    a->esc[e] = '\0';
    return a;
}

void answer_free(Answer *a)
{
    if (!a)
        return;
    free(a->text);
    free(a->off);
    free(a->esc);
    free(a->esc_off);
    free(a);
}
