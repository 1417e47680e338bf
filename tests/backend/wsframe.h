/* Finding a client's Close frame in raw bytes that lws has not read yet (conn.c uses it when
 * a write fails and lws would drop the queued Close unseen; see send_text there).
 *
 * ws_scan_close() parses buf[0..n) as a sequence of client frames (RFC 6455 5.2) that starts
 * at a frame boundary, outside any fragmented message, and returns the unmasked payload of
 * the first Close frame (at most cap bytes), or -1. Every frame before it must be complete
 * and well formed for a client with no extension negotiated: masked (5.3), RSV bits clear,
 * a known opcode, the length in its minimal form (5.2), control frames final and at most
 * 125 bytes (5.5), continuations only inside a fragmented message and no new data frame
 * inside one (5.4). Anything else gives -1.
 *
 * The checks make bytes that do not start at a frame boundary unlikely to pass, but cannot
 * rule it out (a text payload may hold a well-formed Close frame); the caller must know it
 * is at a boundary. Header only, so that test_backend can test it directly.
 * Error tier: none. */
#ifndef FLINT_BACKEND_WSFRAME_H
#define FLINT_BACKEND_WSFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline int ws_scan_close(const unsigned char *buf, size_t n, unsigned char *payload,
                                size_t cap)
{
    size_t pos = 0;
    bool in_message = false; /* a non-final data frame was seen */
    while (n - pos >= 2) {
        unsigned b0 = buf[pos], b1 = buf[pos + 1];
        bool fin = b0 & 0x80;
        unsigned opcode = b0 & 0x0f;
        if ((b0 & 0x70) || !(b1 & 0x80))
            return -1; /* RSV bits without an extension, or an unmasked client frame */
        bool control = opcode & 0x8;
        if (control ? (opcode > 0xA || !fin) : opcode > 0x2)
            return -1; /* reserved opcode, or a fragmented control frame */
        if (!control && (opcode == 0x0) != in_message)
            return -1; /* a continuation outside a message, or a new message inside one */
        uint64_t plen = b1 & 0x7f;
        size_t hdr = 2;
        if (plen >= 126) {
            size_t ext = plen == 126 ? 2 : 8;
            if (control || n - pos < 2 + ext)
                return -1; /* control frames carry at most 125 bytes; or incomplete */
            plen = 0;
            for (size_t i = 0; i < ext; i++)
                plen = plen << 8 | buf[pos + 2 + i];
            if (ext == 2 ? plen < 126 : (plen >> 63 || plen <= 0xffff))
                return -1; /* not the minimal encoding, or the 64-bit length's top bit set */
            hdr += ext;
        }
        const unsigned char *mask = buf + pos + hdr;
        hdr += 4;
        if (n - pos < hdr || plen > n - pos - hdr)
            return -1; /* incomplete: nothing we can read */
        const unsigned char *data = buf + pos + hdr;
        if (opcode == 0x8) {
            if (plen == 1)
                return -1; /* a Close payload is empty or a 2-byte code first (5.5.1) */
            size_t len = plen < cap ? (size_t)plen : cap;
            for (size_t i = 0; i < len; i++)
                payload[i] = data[i] ^ mask[i % 4];
            return (int)len;
        }
        if (!control)
            in_message = !fin;
        pos += hdr + (size_t)plen;
    }
    return -1;
}

#endif
