/* Fuzz target: the HTTP/1.1 response reader (net/http_rx.c) over server bytes split at
 * arbitrary points, checked against itself fed the same bytes in one piece.
 *
 * Input: byte 0 = split pattern (chunk sizes cycle through a table from this offset), then
 * the bytes a server sends; EOF follows. Invariants: every feed consumes at most its input and
 * makes progress or reports an event; BODY slices lie inside the input; the events (heads with
 * their status and keep-alive, body bytes, ends, the error and the EOF verdict) are the same
 * whichever way the bytes were split (an HTTP reader must not depend on TCP segmentation). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/strbuf.h"
#include "net/http_rx.h"

static const size_t chunk_sizes[8] = {1, 2, 3, 7, 64, 1, 500, 4096};

/* A transcript of events: 'H' status keep-alive, 'B' bytes, 'E', 'X' (error), 'F' eof verdict.
 * Body bytes are appended as they come, so adjacent BODY events merge (splitting may cut a
 * body slice in two: only the bytes count). */
static void run(const char *in, size_t len, unsigned split, StrBuf *out)
{
    HttpRx rx;
    http_rx_init(&rx);
    size_t pos = 0;
    unsigned k = split;
    bool dead = false;
    while (pos < len && !dead) {
        size_t n = chunk_sizes[k++ % 8];
        if (split == 0 || n > len - pos)
            n = len - pos;
        size_t off = 0;
        for (int guard = 0;; guard++) {
            REQUIRE(guard < 1000000);
            HttpRxEvent ev;
            size_t used = http_rx_feed(&rx, in + pos + off, n - off, &ev);
            REQUIRE(used <= n - off);
            off += used;
            if (ev.kind == HTTP_RX_MORE) {
                REQUIRE(off == n);
                break;
            }
            if (ev.kind == HTTP_RX_ERROR) {
                sb_puts(out, "X");
                dead = true;
                break;
            }
            if (ev.kind == HTTP_RX_HEAD)
                sb_printf(out, "H%u%d", rx.status, rx.keep_alive);
            else if (ev.kind == HTTP_RX_END)
                sb_puts(out, "E");
            else {
                REQUIRE(ev.data >= in && ev.data + ev.len <= in + len);
                sb_append(out, ev.data, ev.len);
            }
        }
        pos += n;
    }
    if (!dead)
        sb_printf(out, "F%d", (int)http_rx_eof(&rx));
    http_rx_free(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned split = data[0];
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    StrBuf whole = {0}, pieces = {0};
    run(in, len, 0, &whole);
    run(in, len, split | 1u, &pieces);
    REQUIRE(whole.len == pieces.len && memcmp(whole.data, pieces.data, whole.len) == 0);
    sb_free(&whole);
    sb_free(&pieces);
    return 0;
}
