/* RxBatch: when a pass's messages make the app hold the socket until the next frame, and when
 * the frame a release put off is due. */
#include "app/rx_batch.h"
#include "harness.h"

#define MS NS_PER_MS

/* A pass bringing n messages of len bytes, the first at t (ms), 0.1 ms apart. */
static void pass(RxBatch *b, double t, int n, size_t len)
{
    for (int i = 0; i < n; i++)
        rx_batch_message(b, (uint64_t)((t + 0.1 * i) * (double)MS), len);
}

static void test_fast_stream_held(void)
{
    RxBatch b = {0};
    bool draw;
    pass(&b, 1, 1, 185);
    CHECK(!rx_batch_pass_end(&b, true, &draw)); /* the first: nothing to compare with */
    pass(&b, 2, 1, 185);                       /* 1 ms later: fast */
    CHECK(rx_batch_pass_end(&b, true, &draw));
    CHECK(!draw);
    CHECK(b.held);
    pass(&b, 3, 1, 185); /* held: no second hold */
    CHECK(!rx_batch_pass_end(&b, true, &draw));
    rx_batch_released(&b); /* the frame timer */
    CHECK(!b.held);
    CHECK(!rx_batch_pass_end(&b, true, &draw)); /* a pass with nothing read: not yet */
    CHECK(!draw);
    pass(&b, 40, 33, 185); /* what gathered: the frame is due, and the next hold */
    CHECK(rx_batch_pass_end(&b, true, &draw));
    CHECK(draw);
}

static void test_slow_stream_never_held(void)
{
    RxBatch b = {0};
    bool draw;
    for (int i = 0; i < 10; i++) {
        pass(&b, 10.0 * i, 1, 185); /* 100 tok/s */
        CHECK(!rx_batch_pass_end(&b, true, &draw));
    }
}

static void test_not_streaming_or_flood(void)
{
    RxBatch b = {0};
    bool draw;
    pass(&b, 1, 5, 185);
    CHECK(!rx_batch_pass_end(&b, false, &draw)); /* not streaming (or before RX_WARM) */
    pass(&b, 2, 60, 185); /* a read of 11 KB: a flood, read at once */
    CHECK(!rx_batch_pass_end(&b, true, &draw));
    pass(&b, 3, 2, 185);
    CHECK(rx_batch_pass_end(&b, true, &draw));
}

static void test_reset_forgets(void)
{
    RxBatch b = {0};
    bool draw;
    pass(&b, 1, 3, 185);
    CHECK(rx_batch_pass_end(&b, true, &draw));
    rx_batch_released(&b);
    rx_batch_reset(&b); /* a new connection: no frame owed */
    pass(&b, 5, 1, 185);
    rx_batch_pass_end(&b, true, &draw);
    CHECK(!draw);
}

int main(void)
{
    RUN(test_fast_stream_held);
    RUN(test_slow_stream_never_held);
    RUN(test_not_streaming_or_flood);
    RUN(test_reset_forgets);
    return harness_done();
}
