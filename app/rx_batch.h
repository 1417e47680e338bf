/* RxBatch: one wakeup for all the messages a frame shows (issue 10's CPU budget).
 *
 * At 1000 tokens/s a server sends a message every millisecond, and each would wake flint on
 * its own: a poll, a context switch, a recv and a TCP ACK per token, most of flint's CPU. The
 * screen shows new text only at stream frames (30 a second), so nothing is lost by letting
 * the messages gather in the socket until the next one: after a loop pass that brought a fast
 * stream's messages, the app holds the transport (transport_hold); the frame timer releases
 * it instead of drawing, the next pass reads everything that came meanwhile in one go, and
 * draws the frame right after (app/transport_events.c). Text reaches the screen as soon as it
 * did (at the frame), flint wakes ~30 times a second instead of ~1000. Keys, interrupts and
 * writes are never held (only reading the socket is), and a stream is held only when it pays:
 *   - the turn is streaming, past its first RX_WARM messages (the time to the first token is
 *     never delayed);
 *   - the pass brought two messages or more, or one that came within RX_FAST_NS of the one
 *     before (a slow stream wakes flint rarely anyway);
 *   - the pass brought less than RX_FULL_BYTES (a flood that fills the reads is read at once:
 *     holding it would slow the drain).
 * This file is the policy alone (no clock, no transport). Errors: none. */
#ifndef FLINT_APP_RX_BATCH_H
#define FLINT_APP_RX_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

#define RX_FAST_NS (2 * NS_PER_MS)
#define RX_FULL_BYTES (8u * 1024) /* under both transports' read sizes (16 and 64 KiB) */
#define RX_WARM 8
#define RX_DRAW_WAIT_NS (2 * NS_PER_MS) /* released and nothing came: draw anyway */

typedef struct RxBatch {
    uint64_t last_ns;     /* when the last message came; 0 before the first */
    uint64_t pass_gap_ns; /* from the message before to this pass's first one */
    unsigned pass_msgs;   /* messages in the current pass */
    size_t pass_bytes;
    bool held;            /* the transport is held: the frame timer releases it */
    bool draw;            /* released by the frame timer: draw after the next read */
} RxBatch;

/* A message of len bytes came at now (the transport's message hook). */
void rx_batch_message(RxBatch *b, uint64_t now, size_t len);
/* The loop pass is over (loop_after_pass). streaming: the turn streams and has had
 * RX_WARM messages. *draw: the frame the last release put off is due now (this pass read
 * something). True: hold the transport until the next frame. */
bool rx_batch_pass_end(RxBatch *b, bool streaming, bool *draw);
/* The frame timer released the hold: draw after the next read (or RX_DRAW_WAIT_NS). */
void rx_batch_released(RxBatch *b);
/* A frame was drawn, or the connection changed (its hold went with it). */
void rx_batch_reset(RxBatch *b);

#endif
