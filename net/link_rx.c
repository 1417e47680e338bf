/* Inbound reassembly for Link (see link_rx.h for the contract).
 *
 * State: buf (the text bytes held), in_msg (a message has started and its final chunk has
 * not come), dropping (the current message's chunks are discarded: binary, or refused over
 * the cap), holding (a completed message sits in buf for the caller). The size check runs
 * before any byte is appended and reserves the whole frame at its first chunk, so a large
 * frame grows the buffer once, and an oversized one is refused before it grows it at all
 * (RFC 6455 7.4.1: 1009 is the caller's to send). */
#include "net/link_rx.h"

#include <string.h>

#include "core/xalloc.h"

void link_rx_init(LinkRx *rx, size_t max)
{
    memset(rx, 0, sizeof *rx);
    rx->max = max;
}

/* held + len + remaining > max, without overflow for any values (remaining comes from a
 * 64-bit frame length the peer chose). */
static bool over_cap(size_t max, size_t held, size_t len, size_t remaining)
{
    if (held > max || len > max - held)
        return true;
    return remaining > max - held - len;
}

LinkRxAction link_rx_feed(LinkRx *rx, bool first, bool final, bool binary, size_t remaining,
                          const char *data, size_t len)
{
    BUG_ON(rx->holding); /* link_rx_delivered first: lws does not re-enter its rx path */
    LinkRxAction act = LINK_RX_MORE;
    if (!rx->in_msg || first) {
        rx->in_msg = true;
        rx->dropping = binary;
        sb_reset(&rx->buf);
        if (binary)
            act = LINK_RX_BINARY;
    }
    if (final)
        rx->in_msg = false;
    if (rx->dropping) {
        if (final)
            rx->dropping = false;
        return act;
    }
    if (over_cap(rx->max, rx->buf.len, len, remaining)) {
        sb_free(&rx->buf);
        rx->dropping = !final; /* the rest of this message goes nowhere */
        return LINK_RX_OVERSIZE;
    }
    if (remaining)
        sb_reserve(&rx->buf, len + remaining); /* the whole frame at once */
    sb_append(&rx->buf, data, len);
    if (!final)
        return LINK_RX_MORE;
    rx->holding = true;
    return LINK_RX_MESSAGE;
}

void link_rx_delivered(LinkRx *rx, size_t keep)
{
    rx->holding = false;
    if (rx->buf.cap > keep)
        sb_free(&rx->buf); /* a one-off giant, or the connection is gone */
    else
        sb_reset(&rx->buf);
}

void link_rx_abandon(LinkRx *rx)
{
    rx->in_msg = rx->dropping = false;
    if (!rx->holding)
        sb_free(&rx->buf);
}

void link_rx_free(LinkRx *rx)
{
    sb_free(&rx->buf);
    rx->in_msg = rx->dropping = rx->holding = false;
}
