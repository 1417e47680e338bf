/* The generate:false warm-up (session_on_link_up; PROTOCOL.md 1.3, 1.5, 7.1): sent on each new
 * connection with the instructions and the conversation so far (empty at first), never shown
 * and never a turn; the next question chains to it while the history it carried is still the
 * history; a question asked before it completed goes whole and its events are not mistaken
 * for the warm-up's (the socket answers in order); a refused warm-up shows nothing but its
 * rate limit still holds; off by default and never for a dialect that cannot chain. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "session/session.h"
#include "session/wire_chat.h"
#include "support/session_support.h"

static void fx_warm(Fixture *fx, bool warmup, Wire *wire)
{
    session_fx_init(fx, 0, NULL);
    session_free(fx->s);
    SessionConfig cfg = {.model = "gpt-5.3-codex-spark", .warmup = warmup, .wire = wire};
    SessionHooks hooks = {.send = outbox_send};
    fx->s = session_new(&cfg, &hooks, &fx->out);
}

static bool is_warmup(const cJSON *r)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(r, "generate");
    return cJSON_IsFalse(g);
}

static void test_warmup_then_chain(void)
{
    Fixture fx;
    fx_warm(&fx, true, NULL);
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 1);
    CHECK(session_warming(fx.s));
    cJSON *r = request(&fx, 0);
    CHECK(is_warmup(r));
    CHECK_STR_EQ(jstr(r, "type"), "response.create");
    CHECK(jstr(r, "instructions") != NULL);
    CHECK(jstr(r, "previous_response_id") == NULL);
    CHECK_INT_EQ(input_count(r), 0);
    cJSON_Delete(r);
    /* Its lifecycle: no entry, no turn, no notice. */
    feed_created(&fx, "resp_warm");
    feed_completed(&fx, "resp_warm", 0);
    CHECK(!session_warming(fx.s));
    CHECK_INT_EQ(entries(&fx), 0);
    CHECK_INT_EQ(session_turn(fx.s), TURN_IDLE);
    CHECK_STR_EQ(session_notice(fx.s), "");
    CHECK_INT_EQ(session_stats(fx.s)->deltas, 0);
    /* The first question chains to it: only the new message. */
    CHECK(ask(&fx, "q1"));
    r = request(&fx, 1);
    CHECK(!is_warmup(r));
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_warm");
    CHECK_INT_EQ(input_count(r), 1);
    cJSON_Delete(r);
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "a1");
    feed_completed(&fx, "resp_1", 2);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "a1");

    /* A new connection: the warm-up carries the conversation; the next question chains. */
    session_on_link_lost(fx.s, "reset");
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 3);
    r = request(&fx, 2);
    CHECK(is_warmup(r));
    CHECK_INT_EQ(input_count(r), 2); /* q1 (as first sent), a1 */
    CHECK(jstr(r, "previous_response_id") == NULL);
    cJSON_Delete(r);
    feed_created(&fx, "resp_w2");
    feed_completed(&fx, "resp_w2", 0);
    CHECK(ask(&fx, "q2"));
    r = request(&fx, 3);
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_w2");
    CHECK_INT_EQ(input_count(r), 1);
    cJSON_Delete(r);
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "a2");
    feed_completed(&fx, "resp_2", 2);
    CHECK_INT_EQ(entries(&fx), 4);
    fx_free(&fx);
}

static void test_question_during_warmup(void)
{
    Fixture fx;
    fx_warm(&fx, true, NULL);
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_w0"); /* the warm-up's created and completed come first */
    feed_delta(&fx, "ignored?");
    feed_completed(&fx, "resp_w0", 0);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT); /* nothing of the warm-up became the answer */
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "");
    /* Asked before the warm-up completed: the whole conversation, no chain. */
    cJSON *r = request(&fx, 1);
    CHECK(jstr(r, "previous_response_id") == NULL);
    CHECK_INT_EQ(input_count(r), 1);
    cJSON_Delete(r);
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "the answer");
    feed_completed(&fx, "resp_1", 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "the answer");
    CHECK(ask(&fx, "q2"));
    r = request(&fx, 2);
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_1"); /* the answer's own chain */
    cJSON_Delete(r);
    fx_free(&fx);
}

static void test_warmup_history_changed(void)
{
    /* A conversation restored after the warm-up went out: its history is not the warm-up's,
     * so the question goes whole. */
    Fixture fx;
    fx_warm(&fx, true, NULL);
    session_on_link_up(fx.s);
    feed_created(&fx, "resp_w");
    feed_completed(&fx, "resp_w", 0);
    CHECK(session_restore_entry(fx.s, ENTRY_USER, ENTRY_DONE, "old q", 5, NULL));
    CHECK(session_restore_entry(fx.s, ENTRY_ANSWER, ENTRY_DONE, "old a", 5, NULL));
    CHECK(ask(&fx, "q1"));
    cJSON *r = request(&fx, 1);
    CHECK(jstr(r, "previous_response_id") == NULL);
    CHECK_INT_EQ(input_count(r), 3);
    cJSON_Delete(r);
    fx_free(&fx);
}

static void test_model_switched_during_warmup(void)
{
    /* The warm-up prepared the old model's prefix: the question goes whole, to the new one. */
    Fixture fx;
    fx_warm(&fx, true, NULL);
    session_on_link_up(fx.s);
    CHECK(session_set_model(fx.s, "other-model", NULL));
    feed_created(&fx, "resp_w");
    feed_completed(&fx, "resp_w", 0);
    CHECK(ask(&fx, "q1"));
    cJSON *r = request(&fx, 1);
    CHECK_STR_EQ(jstr(r, "model"), "other-model");
    CHECK(jstr(r, "previous_response_id") == NULL);
    cJSON_Delete(r);
    fx_free(&fx);
}

static void test_warmup_refused(void)
{
    Fixture fx;
    fx_warm(&fx, true, NULL);
    session_on_link_up(fx.s);
    feed(&fx, "{\"type\":\"error\",\"status\":429,\"error\":{\"type\":\"rate_limit_error\","
              "\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"},"
              "\"headers\":{\"retry-after\":\"3\"}}");
    CHECK(!session_warming(fx.s));
    CHECK_INT_EQ(entries(&fx), 0); /* not shown */
    CHECK(session_wait_until_ns(fx.s) > clock_now_ns()); /* but the limit holds */
    CHECK(ask(&fx, "q1"));
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK_INT_EQ(fx.out.count, 1);
    fx_free(&fx);
}

static void test_warmup_off_and_chat(void)
{
    Fixture fx;
    fx_warm(&fx, false, NULL);
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 0);
    fx_free(&fx);
    fx_warm(&fx, true, wire_chat_new());
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 0); /* Chat cannot chain: nothing to warm */
    fx_free(&fx);
}

int main(void)
{
    RUN(test_warmup_then_chain);
    RUN(test_question_during_warmup);
    RUN(test_warmup_history_changed);
    RUN(test_model_switched_during_warmup);
    RUN(test_warmup_refused);
    RUN(test_warmup_off_and_chat);
    return harness_done();
}
