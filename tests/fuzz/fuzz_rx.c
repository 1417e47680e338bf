/* Fuzz target: inbound reassembly (net/link_rx.c) under arbitrary fragment sequences, checked
 * against a plain reference of what each message is.
 *
 * Input: byte 0 = mode (bit 0: remaining values are arbitrary instead of honest; bit 1: keep
 * buffers between messages), byte 1 = cap (x 37 bytes), then frames, each a header byte (bit 0
 * FIN, bit 1 binary, bit 2 starts a message (TEXT/BINARY opcode) rather than continuing one,
 * bits 3-4 both set: abandon after this frame, bits 5-7: chunk size), a 16-bit length and the
 * payload (cut to what the input has). Chunks carry the flags lws would give: first on a
 * starting frame's first chunk, final on a FIN frame's last chunk, remaining = the frame's
 * bytes still to come. Invariants: the buffer never holds more than the cap; a delivered
 * message equals the concatenation of its chunks and fits the cap; a text message over the
 * cap is refused exactly once (with honest remaining values at the first chunk that shows it
 * cannot fit) and never delivered; binary messages are announced once and never delivered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/strbuf.h"
#include "net/link_rx.h"

static const size_t chunk_sizes[8] = {1, 2, 7, 64, 500, 4096, 65536, 3};

typedef struct Ref {
    bool in_msg, binary, refused;
    size_t total; /* bytes of the current message so far (also past the cap) */
    StrBuf buf;   /* its text */
} Ref;

static size_t fake_remaining(size_t honest, unsigned k)
{
    switch (k % 5) {
    case 0: return honest;
    case 1: return 0;
    case 2: return honest * 2 + 1;
    case 3: return SIZE_MAX;
    default: return SIZE_MAX / 2 + honest;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    bool honest = !(data[0] & 1);
    size_t keep = (data[0] & 2) ? (1u << 20) : 0;
    size_t max = (size_t)data[1] * 37;
    LinkRx rx;
    link_rx_init(&rx, max);
    Ref ref = {0};
    bool cur_binary = false;
    unsigned k = 0;
    size_t pos = 2;
    while (pos < size) {
        uint8_t h = data[pos++];
        bool fin = h & 1, binary = h & 2, start = h & 4, abandon = (h & 0x18) == 0x18;
        size_t chunk = chunk_sizes[h >> 5];
        size_t flen = 0;
        if (pos + 2 <= size) {
            flen = (size_t)data[pos] << 8 | data[pos + 1];
            pos += 2;
        }
        if (flen > size - pos)
            flen = size - pos;
        const char *payload = (const char *)data + pos;
        pos += flen;
        if (start)
            cur_binary = binary;
        size_t off = 0;
        do { /* an empty frame is still one (empty) chunk */
            size_t n = flen - off < chunk ? flen - off : chunk;
            size_t left = flen - off - n;
            bool first = start && off == 0;
            bool final = fin && left == 0;
            size_t remaining = honest ? left : fake_remaining(left, k++);
            bool b = start ? binary : cur_binary;

            bool new_msg = first || !ref.in_msg;
            if (new_msg) {
                ref.in_msg = true;
                ref.binary = b;
                ref.refused = false;
                ref.total = 0;
                sb_reset(&ref.buf);
            }
            size_t before = ref.total;
            ref.total += n;
            if (!ref.binary && !ref.refused)
                sb_append(&ref.buf, payload + off, n);
            if (final)
                ref.in_msg = false;

            LinkRxAction act = link_rx_feed(&rx, first, final, b, remaining, payload + off, n);
            REQUIRE(rx.buf.len <= max);
            REQUIRE(!(new_msg && ref.binary) || act == LINK_RX_BINARY);
            switch (act) {
            case LINK_RX_BINARY:
                REQUIRE(new_msg && ref.binary);
                break;
            case LINK_RX_MESSAGE:
                REQUIRE(final && !ref.binary && !ref.refused && ref.total <= max);
                REQUIRE(rx.buf.len == ref.total && !memcmp(rx.buf.data, ref.buf.data, ref.total));
                REQUIRE(rx.buf.data[rx.buf.len] == '\0');
                link_rx_delivered(&rx, keep);
                REQUIRE(rx.buf.len == 0);
                break;
            case LINK_RX_OVERSIZE:
                REQUIRE(!ref.binary && !ref.refused && rx.buf.len == 0);
                if (honest)
                    REQUIRE(ref.total + remaining > max); /* never a message that could fit */
                ref.refused = true;
                break;
            case LINK_RX_MORE:
                REQUIRE(!(final && !ref.binary && !ref.refused)); /* a final text chunk decides */
                if (!ref.binary && !ref.refused) {
                    REQUIRE(rx.buf.len == ref.total);
                    if (honest) /* refused as soon as the frame shows it cannot fit */
                        REQUIRE(before + n + remaining <= max);
                }
                break;
            }
            off += n;
        } while (off < flen);
        if (abandon) {
            link_rx_abandon(&rx);
            ref.in_msg = false;
            REQUIRE(rx.buf.len == 0);
        }
    }
    link_rx_free(&rx);
    sb_free(&ref.buf);
    return 0;
}
