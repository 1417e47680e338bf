/* LinkRx: reassembly of inbound WebSocket messages for one Link connection, as a pure state
 * machine over the chunks libwebsockets delivers (no lws here: the fuzzer drives it).
 *
 * lws hands a message over in chunks: a frame's payload in pieces of at most the receive
 * buffer, a message in one or more frames (RFC 6455 5.4). Each chunk comes with first (the
 * first chunk of a message's first frame), final (the last chunk of its final frame), binary
 * (the message's opcode) and remaining (payload bytes of this frame still to come). For each
 * chunk link_rx_feed says what happened:
 *   LINK_RX_MORE      appended to the message, or dropped (binary or refused message)
 *   LINK_RX_BINARY    a binary message started: it is dropped, chunk by chunk (PROTOCOL.md 7.1)
 *   LINK_RX_OVERSIZE  the message would exceed max (held + chunk + the frame's remaining):
 *                     refused at that chunk, the buffer freed, the rest of it dropped
 *   LINK_RX_MESSAGE   a text message is complete in rx->buf (NUL-terminated; may hold NULs):
 *                     read it, then call link_rx_delivered
 *
 * Invariants: rx->buf.len <= max at all times (the check comes before any append, and is
 * free of overflow for any remaining); a MESSAGE is exactly the concatenation of its chunks;
 * a message over max is refused once and never delivered; with honest remaining values it is
 * refused at the first chunk whose frame would cross max. A chunk that says first, or any
 * chunk outside a message, starts a new message (the partial one is discarded).
 *
 * Ownership: rx->buf belongs to the LinkRx; link_rx_free releases it. */
#ifndef FLINT_NET_LINK_RX_H
#define FLINT_NET_LINK_RX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

typedef enum LinkRxAction {
    LINK_RX_MORE,
    LINK_RX_BINARY,
    LINK_RX_OVERSIZE,
    LINK_RX_MESSAGE,
} LinkRxAction;

typedef struct LinkRx {
    StrBuf buf;    /* the text message being reassembled, or the one just completed */
    size_t max;    /* cap on a message, bytes */
    bool in_msg;   /* between a message's first chunk and its final one */
    bool dropping; /* the current message is binary or refused: its chunks are dropped */
    bool holding;  /* LINK_RX_MESSAGE returned: buf holds it until link_rx_delivered */
} LinkRx;

/* A zeroed LinkRx with max set is ready; so is one after link_rx_free. */
void link_rx_init(LinkRx *rx, size_t max);
LinkRxAction link_rx_feed(LinkRx *rx, bool first, bool final, bool binary, size_t remaining,
                          const char *data, size_t len);
/* The completed message has been read: empty the buffer, keeping an allocation of up to keep
 * bytes for the next message (0: free it). */
void link_rx_delivered(LinkRx *rx, size_t keep);
/* Forget the message in progress (interrupt, lost connection). The buffer is freed unless a
 * completed message is still being read (then link_rx_delivered frees or keeps it). */
void link_rx_abandon(LinkRx *rx);
void link_rx_free(LinkRx *rx);

#endif
