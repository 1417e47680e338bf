/* session/session over the Wire interface with a second dialect (tests/support/wire_fake.c,
 * a line-based stream format): the turn logic works through the seam alone, whatever the
 * dialect. A chaining dialect and a Chat-like one (no chain, abandoned requests never
 * answered), events split across messages, the three error classes the dialect decides,
 * malformed lines, and the buffer list. Also the fake's own stream framing (wire_end). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/buffer.h"
#include "session/session.h"
#include "session/wire.h"
#include "support/wire_fake.h"

static uint64_t now_ns;
static uint64_t fake_clock(void) { return now_ns; }

typedef struct Sent {
    StrBuf msg[16];
    size_t n;
    bool down;
} Sent;

static bool send_hook(void *ud, const char *data, size_t len)
{
    Sent *s = ud;
    if (s->down || s->n == 16)
        return false;
    sb_reset(&s->msg[s->n]);
    sb_append(&s->msg[s->n++], data, len);
    return true;
}

typedef struct Fx {
    Sent sent;
    Session *s;
} Fx;

static void fx_init(Fx *fx, bool can_chain, bool abandoned_answer)
{
    memset(fx, 0, sizeof *fx);
    now_ns = NS_PER_SEC;
    clock_set_source(fake_clock);
    SessionConfig cfg = {.model = "m", .instructions = "be brief",
                         .wire = wire_fake_new(can_chain, abandoned_answer)};
    SessionHooks hooks = {.send = send_hook};
    fx->s = session_new(&cfg, &hooks, &fx->sent);
    session_on_link_up(fx->s);
}

static void fx_free(Fx *fx)
{
    session_free(fx->s);
    for (size_t i = 0; i < 16; i++)
        sb_free(&fx->sent.msg[i]);
    clock_set_source(NULL);
}

static void feed(Fx *fx, const char *bytes) { session_on_message(fx->s, bytes, strlen(bytes)); }

static bool ask(Fx *fx, const char *q)
{
    ErrorBuf err;
    return session_ask(fx->s, q, &err);
}

/* The first line of request n ("Q model chain n_input"). */
static const char *head(Fx *fx, size_t n, char *buf, size_t size)
{
    if (n >= fx->sent.n)
        return "(none)";
    const char *m = sb_cstr(&fx->sent.msg[n]);
    snprintf(buf, size, "%.*s", (int)strcspn(m, "\n"), m);
    return buf;
}

static const char *answer(Fx *fx, size_t i)
{
    return sb_cstr(&transcript_entry(session_transcript(fx->s), i)->text);
}

static void test_turns_through_the_seam(void)
{
    char b[64];
    Fx fx;
    fx_init(&fx, true, true);
    CHECK_STR_EQ(wire_name(session_wire(fx.s)), "fake");
    CHECK(ask(&fx, "q1"));
    CHECK_STR_EQ(head(&fx, 0, b, sizeof b), "Q m - 1");
    CHECK(strstr(sb_cstr(&fx.sent.msg[0]), "\nI be brief\nU q1\\n") != NULL);
    /* Events split anywhere across messages. */
    feed(&fx, "C r1\nD Hel");
    CHECK_STR_EQ(answer(&fx, 1), "");
    feed(&fx, "lo\\nworld\n");
    CHECK_INT_EQ(session_turn(fx.s), TURN_STREAMING);
    feed(&fx, "T Hello\\nworld\n# keepalive\nF r1 7\n");
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK_STR_EQ(answer(&fx, 1), "Hello\nworld");
    CHECK_INT_EQ(session_stats(fx.s)->output_tokens, 7);
    /* Chained on the next question; not after a new connection. */
    CHECK(ask(&fx, "q2"));
    CHECK_STR_EQ(head(&fx, 1, b, sizeof b), "Q m r1 1");
    feed(&fx, "C r2\nD ok\nF r2\n");
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "q3"));
    CHECK_STR_EQ(head(&fx, 2, b, sizeof b), "Q m - 5");
    fx_free(&fx);

    /* A dialect that cannot chain always sends the conversation. */
    fx_init(&fx, false, false);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "C x\nD a1\nF x\n");
    CHECK(ask(&fx, "q2"));
    CHECK_STR_EQ(head(&fx, 1, b, sizeof b), "Q m - 3");
    /* The first question exactly as first sent (its context too), then the answer. */
    const char *m0 = sb_cstr(&fx.sent.msg[0]);
    const char *u1 = strstr(m0, "\nU q1\\n");
    CHECK(u1 != NULL);
    StrBuf want = {0};
    sb_puts(&want, u1 ? u1 : "-");
    sb_puts(&want, "A a1\nU q2\\n");
    CHECK(strstr(sb_cstr(&fx.sent.msg[1]), sb_cstr(&want)) != NULL);
    sb_free(&want);
    fx_free(&fx);
}

static void test_error_classes(void)
{
    char b[64];
    Fx fx;
    /* RESEND: once, unchained, into the same entries. */
    fx_init(&fx, true, true);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "C r1\nD a1\nF r1\n");
    CHECK(ask(&fx, "q2"));
    feed(&fx, "E 400 chain_lost -1 no such response\n");
    CHECK_INT_EQ(fx.sent.n, 3);
    CHECK_STR_EQ(head(&fx, 2, b, sizeof b), "Q m - 3");
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed(&fx, "E 400 chain_lost -1 no such response\n"); /* unchained now: it fails */
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_STR_EQ(session_notice(fx.s), "chain_lost: no such response");
    fx_free(&fx);

    /* RECONNECT: the app is told to replace the connection; the request goes on the new. */
    fx_init(&fx, true, true);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "E 400 retired -1\n");
    CHECK(session_take_reconnect(fx.s));
    CHECK(session_busy(fx.s));
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.sent.n, 2);
    feed(&fx, "C r\nD fine\nF r\n");
    CHECK_STR_EQ(answer(&fx, 1), "fine");
    fx_free(&fx);

    /* WAIT: the question waits for the dialect's retry delay, then goes by itself. */
    fx_init(&fx, true, true);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "E 429 - 2000 slow down\n");
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), NS_PER_SEC + 2 * NS_PER_SEC);
    now_ns += 2 * NS_PER_SEC;
    CHECK(!session_tick(fx.s));
    CHECK_INT_EQ(fx.sent.n, 2);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    fx_free(&fx);
}

static void test_abandoned_requests(void)
{
    /* A dialect whose abandoned requests are still answered: the old start is dropped. */
    Fx fx;
    fx_init(&fx, true, true);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q2"));
    feed(&fx, "C old\nD stale\nF old\n");
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed(&fx, "C new\nD fresh\nF new\n");
    CHECK_STR_EQ(answer(&fx, 3), "fresh");
    fx_free(&fx);

    /* One whose abandoned requests end with their stream: the next start is the new one's. */
    fx_init(&fx, false, false);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q2"));
    feed(&fx, "C new\nD fresh\nF new\n");
    CHECK_STR_EQ(answer(&fx, 3), "fresh");
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    fx_free(&fx);
}

static void test_malformed_lines(void)
{
    Fx fx;
    fx_init(&fx, true, true);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "C r\nD a\nZ what\n\nE nonsense\nD b\nF r\n");
    CHECK_INT_EQ(session_stats(fx.s)->malformed, 3);
    CHECK_STR_EQ(answer(&fx, 1), "ab");
    CHECK_INT_EQ(transcript_count(session_transcript(fx.s)), 3); /* the note, after the end */
    CHECK_INT_EQ(transcript_entry(session_transcript(fx.s), 2)->kind, ENTRY_NOTE);
    fx_free(&fx);
}

static void test_fake_stream_end(void)
{
    Wire *w = wire_fake_new(false, false);
    WireEvent ev;
    wire_feed(w, "D a", 3);
    CHECK(!wire_next(w, &ev)); /* not a line yet */
    wire_feed(w, "b", 1);
    CHECK(!wire_next(w, &ev));
    wire_end(w); /* EOF: the tail is the last line */
    CHECK(wire_next(w, &ev));
    CHECK_INT_EQ(ev.kind, WIRE_DELTA);
    CHECK_MEM_EQ(ev.text, ev.text_len, "ab", 2);
    CHECK(!wire_next(w, &ev));
    wire_feed(w, "C x", 3);
    wire_reset(w); /* a new connection drops the partial line */
    wire_end(w);
    CHECK(!wire_next(w, &ev));
    CHECK_INT_EQ(wire_classify(w, &(WireError){.status = 429}), WIRE_ACT_WAIT);
    CHECK_INT_EQ(wire_decode(w, "", 0, &ev), WIRE_IGNORED); /* no line: no event */
    wire_free(w);
}

static void test_buffers(void)
{
    Fx fx;
    fx_init(&fx, true, true);
    CHECK_INT_EQ(session_buffer_count(fx.s), 1);
    Buffer *first = session_buffer(fx.s);
    CHECK(session_buffer_at(fx.s, 0) == first);
    Buffer *second = buffer_new();
    CHECK_INT_EQ(session_buffer_add(fx.s, second), 1);
    CHECK_INT_EQ(session_buffer_count(fx.s), 2);
    CHECK(session_buffer(fx.s) == first); /* adding does not switch */
    session_buffer_set_current(fx.s, 1);
    CHECK(session_buffer(fx.s) == second);
    CHECK_INT_EQ(session_buffer_current(fx.s), 1);
    fx_free(&fx); /* frees both */
}

int main(void)
{
    RUN(test_turns_through_the_seam);
    RUN(test_error_classes);
    RUN(test_abandoned_requests);
    RUN(test_malformed_lines);
    RUN(test_fake_stream_end);
    RUN(test_buffers);
    return harness_done();
}
