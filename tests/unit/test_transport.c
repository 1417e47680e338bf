/* The Transport interface (net/transport.h) against the in-memory fake of tests/support: the
 * wrappers reach the implementation's verbs, the base reports what the hooks were told
 * (state, up-since, counters, endpoint), the contract (no send unless UP; interrupt and
 * rotate report CONNECTING with their reason and deliver nothing of the old connection), and
 * hooks that call back into the transport that called them, as transport.h allows. The
 * WebSocket implementation keeps the same contract over real sockets in test_link*.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "net/transport.h"
#include "support/transport_fake.h"

typedef struct Seen {
    TransportState states[32];
    char details[32][64];
    int nstates;
    char msgs[8][64];
    size_t msg_len[8];
    int nmsgs;
    bool nul_ok;
    Transport *t;
    /* re-entry from inside the hooks */
    const char *reply;      /* message hook: send this back */
    bool interrupt_on_msg;  /* message hook: interrupt after the reply */
    const char *on_up;      /* state hook: send this once UP (a question that waited) */
    bool on_up_result;
} Seen;

static void seen_state(void *ud, TransportState st, const char *detail)
{
    Seen *s = ud;
    CHECK(detail != NULL);
    if (s->nstates < 32) {
        s->states[s->nstates] = st;
        snprintf(s->details[s->nstates], sizeof s->details[0], "%s", detail ? detail : "(null)");
    }
    s->nstates++;
    if (st == TRANSPORT_UP && s->on_up) {
        CHECK_INT_EQ(transport_state(s->t), TRANSPORT_UP); /* consistent inside the hook */
        s->on_up_result = transport_send(s->t, s->on_up, strlen(s->on_up));
        s->on_up = NULL;
    }
}

static void seen_message(void *ud, const char *data, size_t len)
{
    Seen *s = ud;
    if (data[len] != '\0')
        s->nul_ok = false;
    if (s->nmsgs < 8) {
        size_t n = len < sizeof s->msgs[0] - 1 ? len : sizeof s->msgs[0] - 1;
        memcpy(s->msgs[s->nmsgs], data, n);
        s->msgs[s->nmsgs][n] = '\0';
        s->msg_len[s->nmsgs] = len;
    }
    s->nmsgs++;
    if (s->reply)
        CHECK(transport_send(s->t, s->reply, strlen(s->reply)));
    if (s->interrupt_on_msg)
        transport_interrupt(s->t);
}

static const TransportHooks seen_hooks = {seen_state, seen_message, NULL};

static TransportFake *fake_with(Seen *s)
{
    memset(s, 0, sizeof *s);
    s->nul_ok = true;
    TransportFake *f = transport_fake_new(&seen_hooks, s, "fake.test:443");
    s->t = &f->base;
    return f;
}

static void test_lifecycle(void)
{
    Seen s;
    TransportFake *f = fake_with(&s);
    Transport *t = &f->base;
    CHECK_INT_EQ(transport_state(t), TRANSPORT_IDLE);
    CHECK_STR_EQ(transport_state_name(transport_state(t)), "idle");
    CHECK_STR_EQ(transport_endpoint(t), "fake.test:443");
    CHECK_INT_EQ(transport_up_since_ns(t), 0);
    CHECK_STR_EQ(t->ops->name, "fake");

    CHECK(!transport_send(t, "early", 5)); /* refused while not up, nothing kept */
    CHECK_INT_EQ(f->refused, 1);
    CHECK_INT_EQ(f->nsent, 0);

    transport_start(t);
    CHECK_INT_EQ(f->starts, 1);
    CHECK_INT_EQ(s.nstates, 1);
    CHECK_INT_EQ(s.states[0], TRANSPORT_CONNECTING);
    CHECK_STR_EQ(s.details[0], "");
    CHECK(!transport_send(t, "early", 5));

    uint64_t t0 = clock_now_ns();
    transport_fake_set_state(f, TRANSPORT_UP, NULL);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_UP);
    CHECK_STR_EQ(transport_state_name(TRANSPORT_UP), "up");
    CHECK(transport_up_since_ns(t) >= t0 && transport_up_since_ns(t) <= clock_now_ns());
    CHECK_INT_EQ(transport_stats(t)->connects, 1);

    CHECK(transport_send(t, "{\"type\":\"response.create\"}", 26));
    CHECK(transport_send(t, "", 0));
    CHECK(transport_send(t, "a\0b", 3));
    CHECK_INT_EQ(f->nsent, 3);
    size_t len = 99;
    CHECK_STR_EQ(transport_fake_sent(f, 0, &len), "{\"type\":\"response.create\"}");
    CHECK_INT_EQ(len, 26);
    CHECK_STR_EQ(transport_fake_sent(f, 1, &len), "");
    CHECK_INT_EQ(len, 0);
    const char *third = transport_fake_sent(f, 2, &len);
    CHECK_MEM_EQ(third, len, "a\0b", 3);
    CHECK(transport_fake_sent(f, 3, NULL) == NULL);
    CHECK_INT_EQ(transport_stats(t)->messages_out, 3);
    CHECK_INT_EQ(transport_stats(t)->bytes_out, 29);

    CHECK(transport_fake_receive(f, "{\"type\":\"response.created\"}", 27));
    CHECK(transport_fake_receive(f, "x\0y", 3));
    CHECK_INT_EQ(s.nmsgs, 2);
    CHECK_STR_EQ(s.msgs[0], "{\"type\":\"response.created\"}");
    CHECK_INT_EQ(s.msg_len[1], 3);
    CHECK(s.nul_ok);
    CHECK_INT_EQ(transport_stats(t)->messages_in, 2);
    CHECK_INT_EQ(transport_stats(t)->bytes_in, 30);

    /* A loss: WAITING with its reason; nothing goes out or comes in until UP again. */
    transport_fake_set_state(f, TRANSPORT_WAITING, "connection lost; retry in 0.5 s");
    CHECK_STR_EQ(transport_state_name(transport_state(t)), "waiting");
    CHECK_INT_EQ(transport_up_since_ns(t), 0);
    CHECK(!transport_send(t, "x", 1));
    CHECK(!transport_fake_receive(f, "late", 4));
    CHECK_INT_EQ(s.nmsgs, 2);
    CHECK_STR_EQ(s.details[s.nstates - 1], "connection lost; retry in 0.5 s");

    transport_free(t);
    transport_free(NULL);
}

static void test_interrupt_and_rotate(void)
{
    Seen s;
    TransportFake *f = fake_with(&s);
    Transport *t = &f->base;
    transport_interrupt(t); /* before start: counted, nothing reported */
    CHECK_INT_EQ(f->interrupts, 1);
    CHECK_INT_EQ(s.nstates, 0);
    transport_start(t);
    transport_fake_set_state(f, TRANSPORT_UP, "");
    uint64_t t0 = clock_now_ns();
    transport_interrupt(t);
    CHECK_INT_EQ(f->interrupts, 2);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_CONNECTING);
    CHECK_STR_EQ(s.details[s.nstates - 1], "interrupted");
    CHECK(transport_stats(t)->interrupt_ns >= t0);
    CHECK_INT_EQ(transport_up_since_ns(t), 0);
    CHECK(!transport_fake_receive(f, "stale delta", 11)); /* the old connection is gone */
    CHECK(!transport_send(t, "q", 1));
    CHECK_INT_EQ(s.nmsgs, 0);

    transport_fake_set_state(f, TRANSPORT_UP, "");
    transport_rotate(t);
    CHECK_INT_EQ(f->rotations, 1);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_CONNECTING);
    CHECK_STR_EQ(s.details[s.nstates - 1], "rotating");
    transport_fake_set_state(f, TRANSPORT_UP, "");
    CHECK_INT_EQ(transport_stats(t)->connects, 3);
    transport_free(t);
}

/* transport.h: a hook may call send, interrupt and rotate on the transport that called it. */
static void test_hooks_reenter(void)
{
    Seen s;
    TransportFake *f = fake_with(&s);
    Transport *t = &f->base;
    s.on_up = "the question that waited";
    transport_start(t);
    transport_fake_set_state(f, TRANSPORT_UP, "");
    CHECK(s.on_up_result);
    CHECK_INT_EQ(f->nsent, 1);
    CHECK_STR_EQ(transport_fake_sent(f, 0, NULL), "the question that waited");

    s.reply = "ack";
    CHECK(transport_fake_receive(f, "delta", 5));
    CHECK_INT_EQ(f->nsent, 2);
    CHECK_STR_EQ(transport_fake_sent(f, 1, NULL), "ack");

    s.reply = "ack 2"; /* sent, then interrupted: in that order, from inside the hook */
    s.interrupt_on_msg = true;
    CHECK(transport_fake_receive(f, "delta 2", 7));
    CHECK_INT_EQ(f->nsent, 3);
    CHECK_INT_EQ(f->interrupts, 1);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_CONNECTING);
    CHECK(!transport_fake_receive(f, "delta 3", 7)); /* nothing after the interrupt */
    CHECK_INT_EQ(s.nmsgs, 2);

    transport_fake_clear_sent(f);
    CHECK_INT_EQ(f->nsent, 0);
    CHECK_INT_EQ(transport_stats(t)->messages_out, 3); /* the counters are the transport's */
    transport_free(t);
}

/* No hooks at all: every report is dropped quietly. */
static void test_no_hooks(void)
{
    TransportFake *f = transport_fake_new(NULL, NULL, NULL);
    Transport *t = &f->base;
    CHECK_STR_EQ(transport_endpoint(t), "fake:0");
    transport_start(t);
    transport_fake_set_state(f, TRANSPORT_UP, NULL);
    CHECK(transport_fake_receive(f, "m", 1));
    CHECK(transport_send(t, "s", 1));
    transport_interrupt(t);
    CHECK_INT_EQ(transport_state(t), TRANSPORT_CONNECTING);
    CHECK_STR_EQ(transport_state_name((TransportState)99), "?");
    transport_free(t);
}

int main(void)
{
    RUN(test_lifecycle);
    RUN(test_interrupt_and_rotate);
    RUN(test_hooks_reenter);
    RUN(test_no_hooks);
    return harness_done();
}
