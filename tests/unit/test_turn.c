/* session/turn: one Turn alone, driven by neutral WireEvents built here (no Session, no
 * dialect, no clock source: times are passed in): binding and stale events, deltas and
 * stats, each terminal, each error class with the turn's own conditions (request-scoped,
 * chained, once), the connection generation, interrupts and stalls, and what each reports
 * by return value. */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "session/transcript.h"
#include "session/turn.h"
#include "session/wire.h"
#include "support/wire_fake.h"

#define STALL (10 * NS_PER_SEC)

static WireEvent delta(const char *text, int64_t part)
{
    WireEvent ev = wire_fake_event(WIRE_DELTA, NULL);
    ev.text = text;
    ev.text_len = strlen(text);
    ev.output_index = 0;
    ev.content_index = part;
    return ev;
}

static WireEvent err_event(int status, const char *code, const char *message)
{
    WireEvent ev = wire_fake_event(WIRE_ERROR, NULL);
    ev.error.status = status;
    ev.error.code = code;
    ev.error.message = message;
    return ev;
}

static Turn *sent_turn(Transcript *tr, const char *q, bool chained, uint64_t conn)
{
    Turn *t = turn_new(tr, q, "q + context", 11, STALL);
    turn_sent(t, 1000, chained, conn);
    return t;
}

static const char *answer(const Transcript *tr, const Turn *t)
{
    return sb_cstr(&transcript_entry(tr, turn_answer_entry(t))->text);
}

static void test_stream_and_done(void)
{
    Transcript *tr = transcript_new();
    Turn *t = sent_turn(tr, "q1", false, 1);
    CHECK_INT_EQ(transcript_count(tr), 2);
    CHECK_STR_EQ(sb_cstr(&transcript_entry(tr, turn_user_entry(t))->text), "q1");
    CHECK_STR_EQ(sb_cstr(turn_message(t)), "q + context");
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_OPEN);
    CHECK(turn_busy(t) && turn_open(t) && !turn_bound(t));
    CHECK_INT_EQ(turn_conn(t), 1);

    /* Before the created nothing is taken. */
    WireEvent d = delta("early", 0);
    CHECK_INT_EQ(turn_on_event(t, &d, WIRE_ACT_FAIL, 1500).outcome, TURN_NOTHING);
    WireEvent c = wire_fake_event(WIRE_CREATED, "r1");
    CHECK_INT_EQ(turn_on_event(t, &c, WIRE_ACT_FAIL, 1500).outcome, TURN_STARTED);
    CHECK(turn_bound(t));
    WireEvent c2 = wire_fake_event(WIRE_CREATED, "r2"); /* a second created while bound: stale */
    CHECK_INT_EQ(turn_on_event(t, &c2, WIRE_ACT_FAIL, 1500).outcome, TURN_NOTHING);

    d = delta("Hel", 0);
    CHECK_INT_EQ(turn_on_event(t, &d, WIRE_ACT_FAIL, 2000).outcome, TURN_UPDATED);
    CHECK_INT_EQ(turn_state(t), TURN_STREAMING);
    CHECK_INT_EQ(turn_stats(t)->ttft_ns, 1000);
    d = delta("lo", 0);
    turn_on_event(t, &d, WIRE_ACT_FAIL, 2000 + NS_PER_SEC);
    d = delta("No.", 1); /* a new part: a blank line before it */
    turn_on_event(t, &d, WIRE_ACT_FAIL, 2000 + NS_PER_SEC);
    CHECK_STR_EQ(answer(tr, t), "Hello\n\nNo.");
    CHECK_INT_EQ(turn_stats(t)->deltas, 3);

    WireEvent other = wire_fake_event(WIRE_DONE, "r_other"); /* another response's terminal */
    CHECK_INT_EQ(turn_on_event(t, &other, WIRE_ACT_FAIL, 0).outcome, TURN_NOTHING);
    WireEvent done = wire_fake_event(WIRE_DONE, "r1");
    done.usage = (WireUsage){.present = true, .output_tokens = 4, .input_tokens = 9};
    TurnResult r = turn_on_event(t, &done, WIRE_ACT_FAIL, 0);
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK(r.notice == NULL);
    CHECK_INT_EQ(turn_state(t), TURN_DONE);
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_DONE);
    CHECK_STR_EQ(turn_done_id(t), "r1");
    CHECK_INT_EQ(turn_stats(t)->output_tokens, 4);
    CHECK(turn_stats(t)->tokens_per_sec > 3.999 && turn_stats(t)->tokens_per_sec < 4.001);
    CHECK(!turn_open(t) && !turn_bound(t));
    /* Over: everything later is dropped. */
    uint64_t gen = transcript_generation(tr);
    CHECK_INT_EQ(turn_on_event(t, &d, WIRE_ACT_FAIL, 0).outcome, TURN_NOTHING);
    CHECK_INT_EQ(turn_interrupt(t).outcome, TURN_NOTHING);
    CHECK_INT_EQ(turn_on_link_lost(t, "x").outcome, TURN_NOTHING);
    CHECK_INT_EQ(transcript_generation(tr), gen);
    turn_free(t);
    transcript_free(tr);
}

static void test_incomplete_and_failed(void)
{
    Transcript *tr = transcript_new();
    Turn *t = sent_turn(tr, "q", false, 1);
    WireEvent c = wire_fake_event(WIRE_CREATED, NULL);
    turn_on_event(t, &c, WIRE_ACT_FAIL, 0);
    WireEvent inc = wire_fake_event(WIRE_INCOMPLETE, NULL);
    inc.incomplete_reason = "max_output_tokens";
    TurnResult r = turn_on_event(t, &inc, WIRE_ACT_FAIL, 0);
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK_STR_EQ(r.notice, "incomplete: max_output_tokens");
    CHECK_INT_EQ(turn_state(t), TURN_DONE);
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_INCOMPLETE);
    CHECK(turn_done_id(t) == NULL); /* not a completion: nothing to chain from */
    turn_free(t);

    t = sent_turn(tr, "q", false, 1);
    turn_on_event(t, &c, WIRE_ACT_FAIL, 0);
    WireEvent f = wire_fake_event(WIRE_FAILED, NULL);
    f.error.code = "server_error";
    f.error.message = "boom";
    r = turn_on_event(t, &f, WIRE_ACT_FAIL, 0);
    CHECK_STR_EQ(r.notice, "server_error: boom");
    CHECK_INT_EQ(turn_state(t), TURN_FAILED);
    CHECK_STR_EQ(transcript_entry(tr, turn_answer_entry(t))->detail, "server_error: boom");
    turn_free(t);
    transcript_free(tr);
}

static void test_error_classes(void)
{
    Transcript *tr = transcript_new();
    /* WAIT, request-scoped: the turn waits; sent again later into the same entries. */
    Turn *t = sent_turn(tr, "q", true, 1);
    WireEvent e = err_event(429, "slow", "down");
    TurnResult r = turn_on_event(t, &e, WIRE_ACT_WAIT, 0);
    CHECK_INT_EQ(r.outcome, TURN_WAIT);
    CHECK_STR_EQ(r.notice, "slow: down");
    CHECK(turn_waiting(t) && turn_open(t) && !turn_busy(t));
    CHECK_INT_EQ(turn_on_event(t, &e, WIRE_ACT_WAIT, 0).outcome, TURN_NOTHING); /* not busy */
    turn_sent(t, 5000, false, 1);
    CHECK_INT_EQ(turn_state(t), TURN_SENT);
    CHECK_INT_EQ(turn_stats(t)->sent_ns, 5000);
    /* WAIT mid-stream fails the answer, with the retry delay in the notice. */
    WireEvent c = wire_fake_event(WIRE_CREATED, "r");
    turn_on_event(t, &c, WIRE_ACT_FAIL, 0);
    e.error.retry_after_ms = 1500;
    r = turn_on_event(t, &e, WIRE_ACT_WAIT, 0);
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK_STR_EQ(r.notice, "slow: down (retry after 1.5 s)");
    CHECK_INT_EQ(turn_state(t), TURN_FAILED);
    turn_free(t);

    /* RESEND: only request-scoped, chained and the first time. */
    t = sent_turn(tr, "q", true, 1);
    e = err_event(400, "gone", NULL);
    CHECK_INT_EQ(turn_on_event(t, &e, WIRE_ACT_RESEND, 0).outcome, TURN_RESEND);
    turn_sent(t, 2000, false, 1);
    r = turn_on_event(t, &e, WIRE_ACT_RESEND, 0);
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK_STR_EQ(r.notice, "gone");
    turn_free(t);
    t = sent_turn(tr, "q", false, 1); /* unchained: an ordinary failure */
    CHECK_INT_EQ(turn_on_event(t, &e, WIRE_ACT_RESEND, 0).outcome, TURN_FINISHED);
    turn_free(t);

    /* RECONNECT: the turn goes again once, on a newer connection only. */
    t = sent_turn(tr, "q", true, 7);
    e = err_event(400, "retired", NULL);
    r = turn_on_event(t, &e, WIRE_ACT_RECONNECT, 0);
    CHECK_INT_EQ(r.outcome, TURN_RECONNECT);
    CHECK(r.notice != NULL);
    CHECK(turn_busy(t));
    turn_free(t);
    t = sent_turn(tr, "q", true, 7);
    turn_on_event(t, &e, WIRE_ACT_RECONNECT, 0);
    CHECK(turn_take_resend(t, 8));
    CHECK(!turn_take_resend(t, 9)); /* once */
    turn_sent(t, 3000, false, 8);
    CHECK_INT_EQ(turn_on_event(t, &e, WIRE_ACT_RECONNECT, 0).outcome, TURN_FINISHED);
    CHECK(!turn_take_resend(t, 9));
    turn_free(t);
    t = sent_turn(tr, "q", true, 7);
    turn_on_event(t, &e, WIRE_ACT_RECONNECT, 0);
    CHECK(!turn_take_resend(t, 7)); /* the same connection: not a new one */
    turn_free(t);

    /* FAIL, and failure helpers. */
    t = sent_turn(tr, "q", false, 1);
    e = err_event(0, NULL, NULL);
    r = turn_on_event(t, &e, WIRE_ACT_FAIL, 0);
    CHECK_STR_EQ(r.notice, "error");
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_FAILED);
    CHECK_INT_EQ(turn_fail(t, "again", -1).outcome, TURN_NOTHING); /* ends once */
    turn_free(t);
    transcript_free(tr);
}

static void test_link_interrupt_stall(void)
{
    Transcript *tr = transcript_new();
    Turn *t = sent_turn(tr, "q", false, 1);
    WireEvent c = wire_fake_event(WIRE_CREATED, "r");
    turn_on_event(t, &c, WIRE_ACT_FAIL, 0);
    WireEvent d = delta("part", 0);
    turn_on_event(t, &d, WIRE_ACT_FAIL, 0);
    TurnResult r = turn_on_link_lost(t, "reset (1006)");
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK_STR_EQ(r.notice, "interrupted by network: reset (1006)");
    CHECK_STR_EQ(transcript_entry(tr, turn_answer_entry(t))->detail, "reset (1006)");
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_NETWORK);
    CHECK_STR_EQ(answer(tr, t), "part");
    turn_free(t);

    /* Interrupt before the start: abandoned (its answer may still come); after: not. */
    t = sent_turn(tr, "q", false, 1);
    r = turn_interrupt(t);
    CHECK(r.abandoned);
    CHECK_STR_EQ(r.notice, "interrupted");
    CHECK_INT_EQ(turn_state(t), TURN_INTERRUPTED);
    turn_free(t);
    t = sent_turn(tr, "q", false, 1);
    turn_on_event(t, &c, WIRE_ACT_FAIL, 0);
    CHECK(!turn_interrupt(t).abandoned);
    turn_free(t);
    /* A wait is cancelled. */
    t = turn_new(tr, "q", "q", 1, STALL);
    turn_wait(t);
    r = turn_interrupt(t);
    CHECK_STR_EQ(r.notice, "cancelled");
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_INTERRUPTED);
    turn_free(t);

    /* Stalls: any message resets the clock; the deadline ends it, partial text kept. */
    t = sent_turn(tr, "q", false, 1);
    CHECK_INT_EQ(turn_stall_deadline_ns(t), 1000 + STALL);
    turn_touch(t, 5000);
    CHECK_INT_EQ(turn_stall_deadline_ns(t), 5000 + STALL);
    CHECK_INT_EQ(turn_check_stall(t, 5000 + STALL - 1).outcome, TURN_NOTHING);
    r = turn_check_stall(t, 5000 + STALL);
    CHECK_INT_EQ(r.outcome, TURN_FINISHED);
    CHECK(r.abandoned);
    CHECK_STR_EQ(r.notice, "stalled: no data from the server for 10 s");
    CHECK_INT_EQ(turn_state(t), TURN_STALLED);
    CHECK_INT_EQ(turn_stall_deadline_ns(t), 0);
    turn_free(t);
    t = turn_new(tr, "q", "q", 1, UINT64_MAX); /* never */
    turn_sent(t, 0, false, 1);
    CHECK_INT_EQ(turn_stall_deadline_ns(t), 0);
    CHECK_INT_EQ(turn_check_stall(t, UINT64_MAX / 2).outcome, TURN_NOTHING);
    turn_free(t);
    turn_free(NULL);
    transcript_free(tr);
}

int main(void)
{
    RUN(test_stream_and_done);
    RUN(test_incomplete_and_failed);
    RUN(test_error_classes);
    RUN(test_link_interrupt_stall);
    return harness_done();
}
