/* RxBatch (see rx_batch.h): per-pass counters and the hold decision. */
#include "app/rx_batch.h"

void rx_batch_message(RxBatch *b, uint64_t now, size_t len)
{
    if (b->pass_msgs == 0)
        b->pass_gap_ns = b->last_ns && now >= b->last_ns ? now - b->last_ns : UINT64_MAX;
    b->pass_msgs++;
    b->pass_bytes += len;
    b->last_ns = now;
}

bool rx_batch_pass_end(RxBatch *b, bool streaming, bool *draw)
{
    unsigned n = b->pass_msgs;
    size_t bytes = b->pass_bytes;
    b->pass_msgs = 0;
    b->pass_bytes = 0;
    *draw = b->draw && n > 0;
    if (*draw)
        b->draw = false;
    if (n == 0 || !streaming || b->held || bytes >= RX_FULL_BYTES)
        return false;
    if (n < 2 && b->pass_gap_ns >= RX_FAST_NS)
        return false;
    b->held = true;
    return true;
}

void rx_batch_released(RxBatch *b)
{
    b->held = false;
    b->draw = true;
}

void rx_batch_reset(RxBatch *b)
{
    b->held = false;
    b->draw = false;
}
