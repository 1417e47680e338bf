/* session/session, native steering (PROTOCOL.md 1.3, 1.7, 7.3 #5) through the Responses
 * dialect and the fake clock: the response.steer message (exactly type,
 * previous_response_id, input), accepted -> response.incomplete "steered" -> the successor's
 * created continues the same answer with no extra response.create; refused with
 * steering_not_supported -> the text comes back for the client-side steer and the model is
 * remembered; other refusals are not remembered; an interrupt with a steer in flight gives
 * the text back; Chat has no native steering. Fixture: session_support.h. */
#define SESSION_DUMP_STEM "req-steer"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "session/session.h"
#include "session/wire_chat.h"
#include "support/session_support.h"

static const char STEERED[] = "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_1\","
                              "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":"
                              "\"steered\"}}}";
static const char ACCEPTED[] = "{\"type\":\"response.steer.accepted\",\"sequence_number\":5,"
                               "\"steer\":{\"id\":\"steer_1\",\"previous_response_id\":\"resp_1\"}}";

static const char *refused(const char *code)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "{\"type\":\"response.steer.failed\",\"sequence_number\":5,\"steer\":{"
             "\"previous_response_id\":\"resp_1\",\"input\":\"shorter\"},\"error\":{\"type\":"
             "\"invalid_request_error\",\"code\":\"%s\",\"message\":\"nope\"}}", code);
    return buf;
}

static void streaming(Fixture *fx)
{
    CHECK(ask(fx, "explain"));
    CHECK(!session_can_steer(fx->s)); /* not before response.created */
    feed_created(fx, "resp_1");
    feed_delta(fx, "Hello");
    CHECK(session_can_steer(fx->s));
}

static void test_accepted(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    streaming(&fx);
    ErrorBuf err;
    CHECK(session_steer(fx.s, "in Rust please", &err));
    CHECK_INT_EQ(fx.out.count, 2);
    cJSON *m = request(&fx, 1);
    CHECK_STR_EQ(jstr(m, "type"), "response.steer");
    CHECK_STR_EQ(jstr(m, "previous_response_id"), "resp_1");
    CHECK_STR_EQ(jstr(m, "input"), "in Rust please");
    CHECK_INT_EQ(cJSON_GetArraySize(m), 3); /* only these three fields are allowed (1.3) */
    cJSON_Delete(m);
    CHECK(session_steering(fx.s));
    CHECK(!session_can_steer(fx.s));
    CHECK(!session_steer(fx.s, "again", &err)); /* one at a time */
    feed(&fx, ACCEPTED);
    feed_delta(&fx, ", world");
    feed(&fx, STEERED);
    CHECK(session_busy(fx.s));
    feed_created(&fx, "resp_2");
    CHECK(!session_steering(fx.s));
    feed_delta(&fx, "fn main()");
    feed_completed(&fx, "resp_2", 7);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK_INT_EQ(fx.out.count, 2); /* no extra response.create */
    const char *a = sb_cstr(&entry(&fx, entries(&fx) - 1)->text);
    CHECK_STR_EQ(a, "Hello, world\n\n\xe2\x86\xaa steer: in Rust please\n\nfn main()");
    CHECK(session_take_steer_fallback(fx.s) == NULL);
    /* The next question chains to the successor. */
    CHECK(ask(&fx, "next"));
    m = request(&fx, 2);
    CHECK_STR_EQ(jstr(m, "previous_response_id"), "resp_2");
    cJSON_Delete(m);
    fx_free(&fx);
}

static void test_refused_not_supported(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    streaming(&fx);
    ErrorBuf err;
    CHECK(session_steer(fx.s, "shorter", &err));
    CHECK(!session_steer_refused(fx.s));
    feed(&fx, refused("steering_not_supported"));
    CHECK(session_steer_refused(fx.s));
    CHECK(session_busy(fx.s)); /* the app interrupts it and asks again */
    CHECK(strstr(session_notice(fx.s), "steering_not_supported") != NULL);
    char *t = session_take_steer_fallback(fx.s);
    CHECK_STR_EQ(t, "shorter");
    free(t);
    CHECK(session_take_steer_fallback(fx.s) == NULL); /* taken once */
    /* Remembered for this model: the next one is client-side at once. */
    CHECK(!session_can_steer(fx.s));
    CHECK(!session_steer(fx.s, "again", &err));
    CHECK(strstr(err.msg, "refused") != NULL);
    CHECK_INT_EQ(fx.out.count, 2);
    fx_free(&fx);
}

static void test_refused_other_code(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    streaming(&fx);
    ErrorBuf err;
    CHECK(session_steer(fx.s, "shorter", &err));
    feed(&fx, refused("too_many_pending_steers"));
    char *t = session_take_steer_fallback(fx.s);
    CHECK_STR_EQ(t, "shorter");
    free(t);
    CHECK(!session_steer_refused(fx.s)); /* not a property of the model */
    CHECK(session_can_steer(fx.s));
    fx_free(&fx);
}

static void test_end_before_commit(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    /* The response completes before the server answers the steer: the steer comes back. */
    streaming(&fx);
    ErrorBuf err;
    CHECK(session_steer(fx.s, "add tests", &err));
    feed_completed(&fx, "resp_1", 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    char *t = session_take_steer_fallback(fx.s);
    CHECK_STR_EQ(t, "add tests");
    free(t);
    feed(&fx, refused("response_already_completed")); /* late: nothing more */
    CHECK(session_take_steer_fallback(fx.s) == NULL);
    /* The user interrupts while it waits for the successor: it comes back too. */
    fx.out.count = 0;
    CHECK(ask(&fx, "again"));
    feed_created(&fx, "resp_3");
    feed_delta(&fx, "x");
    CHECK(session_steer(fx.s, "in C", &err));
    feed(&fx, ACCEPTED);
    session_interrupt(fx.s);
    t = session_take_steer_fallback(fx.s);
    CHECK_STR_EQ(t, "in C");
    free(t);
    /* A lost link with a steer sent. */
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "third"));
    feed_created(&fx, "resp_4");
    feed_delta(&fx, "y");
    CHECK(session_steer(fx.s, "in Go", &err));
    session_on_link_lost(fx.s, "reset");
    t = session_take_steer_fallback(fx.s);
    CHECK_STR_EQ(t, "in Go");
    free(t);
    fx_free(&fx);
}

static void test_no_native_steer_in_chat(void)
{
    Wire *w = wire_chat_new();
    CHECK(!wire_can_steer(w));
    wire_free(w);
    Fixture fx;
    fx_init(&fx, 0);
    ErrorBuf err;
    CHECK(!session_steer(fx.s, "x", &err)); /* nothing streams */
    CHECK(!session_steer(fx.s, "  ", &err));
    fx_free(&fx);
}

int main(void)
{
    RUN(test_accepted);
    RUN(test_refused_not_supported);
    RUN(test_refused_other_code);
    RUN(test_end_before_commit);
    RUN(test_no_native_steer_in_chat);
    return harness_done();
}
