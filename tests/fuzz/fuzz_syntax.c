/* Fuzz target: syntax rule files (themes/syntax.c). The input is a rule file, then optionally a
 * NUL byte and text: when the rules load, the text is highlighted line by line (states carried
 * across lines) and the tokens are checked: in order, non-overlapping, inside the line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "themes/syntax.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    size_t rules_len = nul ? (size_t)(nul - in) : size;
    ErrorBuf err;
    Syntax *sy = syntax_parse(in, rules_len, "fuzz.syntax", &err);
    if (!sy)
        return 0;
    const char *text = nul ? nul + 1 : in; /* no text: highlight the rules themselves */
    size_t len = nul ? size - rules_len - 1 : rules_len;
    SyntaxTokens tk = {0};
    unsigned state = 0;
    size_t pos = 0;
    for (int lines = 0; pos <= len && lines < 64; lines++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
        tk.n = 0;
        state = syntax_line(sy, state, text + pos, ll, &tk);
        for (size_t i = 0; i < tk.n; i++)
            if (tk.v[i].start >= tk.v[i].end || tk.v[i].end > ll ||
                (i && tk.v[i - 1].end > tk.v[i].start))
                abort();
        if (!nl)
            break;
        pos += ll + 1;
    }
    syntax_tokens_free(&tk);
    syntax_free(sy);
    return 0;
}
