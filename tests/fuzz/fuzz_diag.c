/* Fuzz target: the reader of libwebsockets' log lines (net/link_diag.c), and its reader of a
 * 429's Retry-After value (each line is also read as one). Lws' lines quote
 * server bytes (a bad header, a path), so they are untrusted text. Input: lines separated by
 * '\n'; the first byte of each picks the lws level (error, warning, notice, info, debug) and
 * whether a connection attempt holds the detailed capture. After each line, the description
 * of a failure is built with each kind of lws reason. Invariants: the description fits its
 * buffer, holds no control byte, and no query text ("?" is always the "?..." elision). */
#include <libwebsockets.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/link_diag.h"

static const int levels[] = {LLL_ERR, LLL_WARN, LLL_NOTICE, LLL_INFO, LLL_DEBUG};
static const char *const reasons[] = {NULL, "", "HS: ws upgrade unauthorized", "SSL error",
                                      "tls: cert", "Unable to connect"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    int held = 0;
    unsigned mark = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned char sel = (unsigned char)line[0];
        if ((sel & 0x30) == 0x30 && held < 3) {
            mark = link_diag_hold();
            held++;
        } else if ((sel & 0x30) == 0x20 && held > 0) {
            link_diag_release();
            held--;
        }
        link_diag_emit(levels[sel % 5], line + 1);
        int ra = link_diag_retry_after(line + 1); /* the same bytes as a Retry-After value */
        REQUIRE(ra >= -1 && ra <= 3600);
        for (size_t r = 0; r < sizeof reasons / sizeof reasons[0]; r++) {
            char out[96];
            memset(out, 'Z', sizeof out);
            unsigned status = (sel & 0x40) ? 401 + (sel & 0x7) * 50 : 0;
            link_diag_describe(reasons[r], status, mark, "h:443", "h", out, sizeof out);
            size_t n = strnlen(out, sizeof out);
            REQUIRE(n < sizeof out);
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)out[i];
                REQUIRE(c >= 0x20 && c != 0x7f);
                if (c == '?') /* the elision, possibly cut by the buffer's end */
                    REQUIRE(strncmp(out + i + 1, "...", n - i - 1 < 3 ? n - i - 1 : 3) == 0);
            }
        }
    }
    while (held-- > 0)
        link_diag_release();
    free(text);
    return 0;
}
