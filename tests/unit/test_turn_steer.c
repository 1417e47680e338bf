/* session/turn: native steering (PROTOCOL.md 1.3, 1.7; turn.h's TurnSteer), one Turn driven
 * by neutral WireEvents built here and times passed in (the fake clock's role): every
 * transition of the steer beside the turn's state, and what each reports by return value.
 *   accepted -> response.incomplete "steered" -> the successor's created -> deltas continue;
 *   accepted -> response.completed -> successor (1.7's second case);
 *   refused mid-stream and after the turn's end; replies nobody waits for;
 *   the turn ending (interrupt, lost link, stall) with the steer uncommitted. */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "session/transcript.h"
#include "session/turn.h"
#include "session/wire.h"
#include "support/wire_fake.h"

#define STALL (10 * NS_PER_SEC)

static WireEvent delta(const char *text)
{
    WireEvent ev = wire_fake_event(WIRE_DELTA, NULL);
    ev.text = text;
    ev.text_len = strlen(text);
    ev.output_index = 0;
    ev.content_index = 0;
    return ev;
}

static WireEvent incomplete(const char *id, const char *reason)
{
    WireEvent ev = wire_fake_event(WIRE_INCOMPLETE, id);
    ev.incomplete_reason = reason;
    return ev;
}

static WireEvent steer_failed(const char *code)
{
    WireEvent ev = wire_fake_event(WIRE_STEER_FAILED, NULL);
    ev.error.type = "invalid_request_error";
    ev.error.code = code;
    ev.error.message = "no steering here";
    return ev;
}

static TurnOutcome on(Turn *t, WireEvent ev, uint64_t now)
{
    return turn_on_event(t, &ev, WIRE_ACT_FAIL, now).outcome;
}

static const char *answer(const Transcript *tr, const Turn *t)
{
    return sb_cstr(&transcript_entry(tr, turn_answer_entry(t))->text);
}

/* A turn streaming "Hello" as resp_1. */
static Turn *streaming(Transcript *tr)
{
    Turn *t = turn_new(tr, "q", "q + context", 11, STALL);
    turn_sent(t, 1000, false, 1);
    CHECK(!turn_can_steer(t)); /* not before its created (1.3) */
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_CREATED, "resp_1"), 2000), TURN_STARTED);
    CHECK(turn_can_steer(t));
    CHECK_INT_EQ(on(t, delta("Hello"), 3000), TURN_UPDATED);
    CHECK_STR_EQ(turn_response_id(t), "resp_1");
    return t;
}

static void test_accepted_steered_successor(void)
{
    Transcript *tr = transcript_new();
    Turn *t = streaming(tr);
    turn_steer_sent(t, "in Rust please", 14);
    CHECK_INT_EQ(turn_steer_state(t), TURN_STEER_SENT);
    CHECK(!turn_can_steer(t)); /* one steer at a time */
    TurnResult r = turn_on_event(t, &(WireEvent){0}, WIRE_ACT_FAIL, 0);
    CHECK_INT_EQ(r.outcome, TURN_NOTHING); /* a malformed (zeroed) event changes nothing */
    WireEvent acc = wire_fake_event(WIRE_STEER_ACCEPTED, NULL);
    r = turn_on_event(t, &acc, WIRE_ACT_FAIL, 4000);
    CHECK_INT_EQ(r.outcome, TURN_UPDATED);
    CHECK_STR_EQ(r.notice, "steer accepted");
    CHECK_INT_EQ(turn_steer_state(t), TURN_STEER_ACCEPTED);
    /* The current output item finishes first (1.7): its text still counts. */
    CHECK_INT_EQ(on(t, delta(", world"), 5000), TURN_UPDATED);
    /* The steered terminal does not end the turn: it unbinds and waits for the successor. */
    CHECK_INT_EQ(on(t, incomplete("resp_1", "steered"), 6000), TURN_UPDATED);
    CHECK_INT_EQ(turn_state(t), TURN_STREAMING);
    CHECK(turn_busy(t) && !turn_bound(t));
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_OPEN);
    CHECK(!turn_steer_pending(t));
    CHECK_INT_EQ(on(t, delta("stale"), 6500), TURN_NOTHING); /* nothing bound: dropped */
    /* The successor's created is the commit point: a marker line, then its deltas. */
    r = turn_on_event(t, &(WireEvent){.kind = WIRE_CREATED, .type = "response.created",
                                     .response_id = "resp_2", .output_index = -1,
                                     .content_index = -1, .sequence_number = -1},
                      WIRE_ACT_FAIL, 7000);
    CHECK_INT_EQ(r.outcome, TURN_STEERED);
    CHECK_INT_EQ(turn_steer_state(t), TURN_STEER_NONE);
    CHECK_INT_EQ(turn_steers(t), 1);
    CHECK_STR_EQ(turn_response_id(t), "resp_2");
    CHECK(turn_can_steer(t)); /* the successor may be steered in turn */
    CHECK_INT_EQ(on(t, delta("fn main()"), 8000), TURN_UPDATED);
    CHECK_STR_EQ(answer(tr, t), "Hello, world\n\n\xe2\x86\xaa steer: in Rust please\n\nfn main()");
    /* A terminal of the first response now is stale. */
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_DONE, "resp_1"), 8500), TURN_NOTHING);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_DONE, "resp_2"), 9000), TURN_FINISHED);
    CHECK_INT_EQ(turn_state(t), TURN_DONE);
    CHECK_STR_EQ(turn_done_id(t), "resp_2"); /* the chain continues from the successor */
    CHECK(!turn_steer_pending(t));
    turn_free(t);
    transcript_free(tr);
}

static void test_accepted_then_completed(void)
{
    Transcript *tr = transcript_new();
    Turn *t = streaming(tr);
    turn_steer_sent(t, "a long steer that goes on and on past sixty bytes of text, surely\nline 2",
                    72);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_STEER_ACCEPTED, NULL), 4000), TURN_UPDATED);
    /* The response completes normally: a successor still follows (1.7). */
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_DONE, "resp_1"), 5000), TURN_UPDATED);
    CHECK(turn_busy(t));
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_CREATED, "resp_2"), 6000), TURN_STEERED);
    /* The marker: the first line cut at 60 bytes, never inside a character, with "…". */
    CHECK(strstr(answer(tr, t), "\xe2\x86\xaa steer: a long steer that goes on and on past sixty "
                                "bytes of text, s\xe2\x80\xa6\n\n") != NULL);
    turn_free(t);
    transcript_free(tr);
}

static void test_refused_mid_stream(void)
{
    Transcript *tr = transcript_new();
    Turn *t = streaming(tr);
    turn_steer_sent(t, "shorter", 7);
    TurnResult r = turn_on_event(t, &(WireEvent){0}, WIRE_ACT_FAIL, 0);
    WireEvent f = steer_failed("steering_not_supported");
    r = turn_on_event(t, &f, WIRE_ACT_FAIL, 4000);
    CHECK_INT_EQ(r.outcome, TURN_STEER_REFUSED);
    CHECK(strstr(r.notice, "steering_not_supported") != NULL);
    CHECK_INT_EQ(turn_steer_state(t), TURN_STEER_NONE);
    CHECK_STR_EQ(turn_steer_text(t), "shorter"); /* for the fallback */
    CHECK_INT_EQ(turn_state(t), TURN_STREAMING);  /* the caller interrupts it */
    CHECK(turn_can_steer(t));
    CHECK_STR_EQ(answer(tr, t), "Hello"); /* no marker */
    turn_steer_clear(t);
    CHECK_STR_EQ(turn_steer_text(t), "");
    /* Replies nobody waits for change nothing. */
    CHECK_INT_EQ(on(t, steer_failed("response_not_found"), 5000), TURN_NOTHING);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_STEER_ACCEPTED, NULL), 5000), TURN_NOTHING);
    /* A steered terminal that nobody asked for still waits for its successor. */
    CHECK_INT_EQ(on(t, incomplete("resp_1", "steered"), 6000), TURN_UPDATED);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_CREATED, "resp_9"), 7000), TURN_STEERED);
    turn_free(t);
    transcript_free(tr);
}

static void test_refused_after_the_end(void)
{
    Transcript *tr = transcript_new();
    Turn *t = streaming(tr);
    turn_steer_sent(t, "more tests", 10);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_DONE, "resp_1"), 4000), TURN_FINISHED);
    CHECK_INT_EQ(turn_state(t), TURN_DONE);
    CHECK(turn_steer_pending(t)); /* never applied */
    CHECK_INT_EQ(on(t, steer_failed("response_already_completed"), 5000), TURN_STEER_REFUSED);
    CHECK(!turn_steer_pending(t));
    CHECK_STR_EQ(turn_steer_text(t), "more tests");
    turn_free(t);
    transcript_free(tr);
}

static void test_end_with_steer_uncommitted(void)
{
    Transcript *tr = transcript_new();
    /* The user interrupts while the steer waits for its successor. */
    Turn *t = streaming(tr);
    turn_steer_sent(t, "x", 1);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_STEER_ACCEPTED, NULL), 4000), TURN_UPDATED);
    CHECK_INT_EQ(on(t, incomplete("resp_1", "steered"), 5000), TURN_UPDATED);
    CHECK_INT_EQ(turn_interrupt(t).outcome, TURN_FINISHED);
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_INTERRUPTED);
    CHECK(turn_steer_pending(t));
    CHECK_STR_EQ(turn_steer_text(t), "x");
    turn_steer_clear(t);
    CHECK(!turn_steer_pending(t));
    turn_free(t);
    /* The link drops with the steer sent. */
    t = streaming(tr);
    turn_steer_sent(t, "y", 1);
    CHECK_INT_EQ(turn_on_link_lost(t, "reset").outcome, TURN_FINISHED);
    CHECK(turn_steer_pending(t));
    turn_free(t);
    /* The successor never comes: the stall clock (from the last message) ends it. */
    t = streaming(tr);
    turn_steer_sent(t, "z", 1);
    CHECK_INT_EQ(on(t, wire_fake_event(WIRE_STEER_ACCEPTED, NULL), 4000), TURN_UPDATED);
    CHECK_INT_EQ(on(t, incomplete("resp_1", "steered"), 5000), TURN_UPDATED);
    turn_touch(t, 5000);
    CHECK_INT_EQ(turn_check_stall(t, 5000 + STALL - 1).outcome, TURN_NOTHING);
    CHECK_INT_EQ(turn_check_stall(t, 5000 + STALL).outcome, TURN_FINISHED);
    CHECK_INT_EQ(turn_state(t), TURN_STALLED);
    CHECK(turn_steer_pending(t));
    turn_free(t);
    transcript_free(tr);
}

static void test_other_incomplete_still_ends(void)
{
    Transcript *tr = transcript_new();
    Turn *t = streaming(tr);
    CHECK_INT_EQ(on(t, incomplete("resp_1", "max_output_tokens"), 4000), TURN_FINISHED);
    CHECK_INT_EQ(turn_entry_state(t), ENTRY_INCOMPLETE);
    CHECK(!turn_can_steer(t));
    turn_free(t);
    transcript_free(tr);
}

int main(void)
{
    RUN(test_accepted_steered_successor);
    RUN(test_accepted_then_completed);
    RUN(test_refused_mid_stream);
    RUN(test_refused_after_the_end);
    RUN(test_end_with_steer_uncommitted);
    RUN(test_other_incomplete_still_ends);
    return harness_done();
}
