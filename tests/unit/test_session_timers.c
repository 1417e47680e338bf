/* session/session: time with a fake clock (core/clock). Rate limits (PROTOCOL.md 7.3 #6): a
 * 429 makes the question wait until retry-after / x-ratelimit-reset-* (the longest that
 * applies, capped at 5 min), nothing goes out before, it goes by itself after, Esc cancels.
 * Stalls: a turn silent for the stall time ends as STALLED, its text kept; any message
 * counts as a sign of life. Also session_last_question (F5) and the turn timer's countdown
 * arithmetic (app/turn_timer.c is pure; it is compiled in here). */
#define SESSION_DUMP_STEM "timers"
#include "support/session_support.h"

#include "../app/turn_timer.c"

#define T0 (1000 * NS_PER_MS) /* fx_init's fake clock */

static void error_429(Fixture *fx, const char *headers)
{
    StrBuf m = {0};
    sb_printf(&m, "{\"type\":\"error\",\"status\":429,\"error\":{\"type\":\"requests\",\"code\":"
                  "\"rate_limit_exceeded\",\"message\":\"Rate limit reached.\",\"param\":null%s%s%s}}",
              headers ? ",\"headers\":{" : "", headers ? headers : "", headers ? "}" : "");
    feed(fx, m.data);
    sb_free(&m);
}

static void test_rate_limit_waits_then_sends(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "q0", "resp_0", "first answer"); /* so that q1 is chained */
    CHECK(ask(&fx, "q1"));
    cJSON *r = request(&fx, 1);
    CHECK(jstr(r, "previous_response_id") != NULL);
    cJSON_Delete(r);
    error_429(&fx, "\"retry-after\":\"2\"");
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK(!session_busy(fx.s) && session_waiting(fx.s));
    CHECK_INT_EQ(session_wait_until_ns(fx.s), T0 + 2 * NS_PER_SEC);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), T0 + 2 * NS_PER_SEC);
    /* Before the deadline nothing goes out, however often the timer fires. */
    for (int i = 1; i < 20; i++) {
        fake_now = T0 + (uint64_t)i * 100 * NS_PER_MS;
        CHECK(!session_tick(fx.s));
        CHECK_INT_EQ(fx.out.count, 2);
    }
    /* The countdown: "1 s" at 1 s before; the timer wakes at the next whole second. */
    char line[128];
    fake_now = T0 + NS_PER_SEC;
    CHECK(turn_timer_status(fx.s, fake_now, line, sizeof line));
    CHECK_STR_EQ(line, "rate limited; retrying in 1 s (Esc cancels)");
    CHECK_INT_EQ(turn_timer_next(fx.s, fake_now), fake_now + TURN_TIMER_STEP_NS);
    CHECK(turn_timer_status(fx.s, T0 + 1999 * NS_PER_MS, line, sizeof line));
    CHECK_STR_EQ(line, "rate limited; retrying in 1 s (Esc cancels)");
    CHECK(turn_timer_status(fx.s, T0 + 500 * NS_PER_MS, line, sizeof line));
    CHECK_STR_EQ(line, "rate limited; retrying in 2 s (Esc cancels)");
    CHECK_INT_EQ(turn_timer_next(fx.s, T0 + 500 * NS_PER_MS), T0 + NS_PER_SEC);
    CHECK_INT_EQ(turn_timer_next(fx.s, T0 + 1950 * NS_PER_MS), T0 + 2 * NS_PER_SEC);
    /* At the deadline it goes by itself: full history, no chain; the same transcript turn. */
    fake_now = T0 + 2 * NS_PER_SEC;
    CHECK(!session_tick(fx.s));
    CHECK_INT_EQ(fx.out.count, 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    CHECK_STR_EQ(session_notice(fx.s), ""); /* the 429's message is over */
    CHECK(!turn_timer_status(fx.s, fake_now, line, sizeof line));
    r = request(&fx, 2);
    CHECK(jstr(r, "previous_response_id") == NULL);
    CHECK_INT_EQ(input_count(r), 3); /* q0, its answer, q1 */
    cJSON_Delete(r);
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "second answer");
    feed_completed(&fx, "resp_1", 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK_INT_EQ(entries(&fx), 4);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "second answer");
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), 0); /* idle: nothing to arm */
    CHECK_INT_EQ(turn_timer_next(fx.s, fake_now), 0);
    fx_free(&fx);
}

static void test_rate_limit_holds_the_next_question(void)
{
    /* A 429 in the middle of a stream fails that answer, but the next question still waits. */
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "part");
    error_429(&fx, "\"retry-after-ms\":\"1500\"");
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "part");
    fake_now = T0 + 110 * NS_PER_MS; /* the 0.11 s of the issue */
    CHECK(ask(&fx, "q2"));
    CHECK_INT_EQ(fx.out.count, 1);
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), T0 + 1500 * NS_PER_MS);
    /* A new question while one waits is refused by the session (the app cancels first). */
    ErrorBuf err;
    CHECK(!session_ask(fx.s, "q3", &err));
    /* The link drops meanwhile: the question keeps waiting; at the deadline with no link it
     * cannot go, the timer stops, and it goes when the link is back. */
    session_on_link_lost(fx.s, "connection lost");
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    fake_now = T0 + 1600 * NS_PER_MS;
    fx.out.fail = true;
    CHECK(!session_tick(fx.s));
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), 0);
    char line[128];
    CHECK(turn_timer_status(fx.s, fake_now, line, sizeof line));
    CHECK(strstr(line, "when the connection is up") != NULL);
    fx.out.fail = false;
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 2);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    fx_free(&fx);
}

/* The delay the session chose for one 429 with these headers. */
static uint64_t delay_for(const char *headers)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q"));
    error_429(&fx, headers);
    uint64_t d = session_wait_until_ns(fx.s) - T0;
    fx_free(&fx);
    return d;
}

static void test_rate_limit_headers(void)
{
    CHECK_INT_EQ(delay_for("\"retry-after\":\"2\""), 2 * NS_PER_SEC);
    CHECK_INT_EQ(delay_for("\"Retry-After\":\"1.5\""), 1500 * NS_PER_MS);
    /* The longest applicable: a reset whose remaining count is 0 (or not given) applies. */
    CHECK_INT_EQ(delay_for("\"retry-after\":\"1\",\"x-ratelimit-reset-requests\":\"20ms\""),
                 NS_PER_SEC);
    CHECK_INT_EQ(delay_for("\"retry-after\":\"1\",\"x-ratelimit-reset-tokens\":\"1m2.5s\""),
                 62500 * NS_PER_MS);
    CHECK_INT_EQ(delay_for("\"x-ratelimit-remaining-requests\":\"0\",\"x-ratelimit-reset-requests\""
                           ":\"500ms\",\"x-ratelimit-remaining-tokens\":\"4000\","
                           "\"x-ratelimit-reset-tokens\":\"30s\""),
                 500 * NS_PER_MS);
    /* Capped at 5 minutes; floored at 250 ms ("retry-after: 0" is not a busy loop). */
    CHECK_INT_EQ(delay_for("\"x-ratelimit-reset-requests\":\"6m0s\""), SESSION_RATE_WAIT_MAX_NS);
    CHECK_INT_EQ(delay_for("\"retry-after\":\"86400\""), SESSION_RATE_WAIT_MAX_NS);
    CHECK_INT_EQ(delay_for("\"retry-after\":\"0\""), 250 * NS_PER_MS);
    /* Garbage is ignored; no usable header: 1 s. */
    CHECK_INT_EQ(delay_for("\"x-ratelimit-reset-requests\":\"soon\""), NS_PER_SEC);
    CHECK_INT_EQ(delay_for(NULL), NS_PER_SEC);

    /* Without headers the back-off doubles per 429 in a row, and resets once one is taken. */
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q"));
    uint64_t expect[] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++) {
        error_429(&fx, NULL);
        CHECK_INT_EQ(session_wait_until_ns(fx.s) - fake_now, expect[i] * NS_PER_SEC);
        fake_now = session_wait_until_ns(fx.s);
        session_tick(fx.s);
        CHECK_INT_EQ(fx.out.count, (size_t)i + 2);
    }
    feed_created(&fx, "resp_1");
    feed_completed(&fx, "resp_1", 1);
    CHECK(ask(&fx, "q2"));
    error_429(&fx, NULL);
    CHECK_INT_EQ(session_wait_until_ns(fx.s) - fake_now, NS_PER_SEC);
    fx_free(&fx);

    /* insufficient_quota is a 429 that waiting does not cure: the turn fails. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q"));
    feed(&fx, "{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"insufficient_quota\","
              "\"message\":\"You exceeded your current quota.\",\"headers\":{\"retry-after\":\"1\"}}}");
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_INT_EQ(session_wait_until_ns(fx.s), 0);
    fx_free(&fx);
}

static void test_rate_limit_cancel(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "please wait"));
    error_429(&fx, "\"retry-after\":\"30\"");
    session_take_damage(fx.s);
    session_interrupt(fx.s);
    CHECK_INT_EQ(session_turn(fx.s), TURN_INTERRUPTED);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_INTERRUPTED);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 0)->text), "please wait"); /* the question stays */
    CHECK_STR_EQ(session_last_question(fx.s), "please wait");   /* ...and F5 asks it again */
    CHECK(session_take_damage(fx.s) & SESSION_DAMAGE_TRANSCRIPT);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), 0);
    fake_now += 60 * NS_PER_SEC;
    CHECK(!session_tick(fx.s));
    CHECK_INT_EQ(fx.out.count, 1); /* nothing went out */
    fx_free(&fx);
}

/* A 429 answering an abandoned request (interrupted before its response.created) was dropped
 * whole, deadline included; and the resend a websocket_connection_limit_reached earns went
 * out on the new socket even inside a rate limit's wait. */
static void test_rate_limit_from_abandoned_request(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);       /* abandoned before its response.created */
    CHECK(ask(&fx, "q2"));         /* the same socket (no close in this test) */
    error_429(&fx, "\"retry-after\":\"3\"");  /* the answer to q1's request */
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT); /* not q2's error */
    CHECK_INT_EQ(session_wait_until_ns(fx.s), T0 + 3 * NS_PER_SEC);
    feed(&fx, "{\"type\":\"error\",\"status\":400,\"error\":{\"code\":"
              "\"websocket_connection_limit_reached\"}}"); /* q2's answer */
    CHECK(session_take_reconnect(fx.s));
    size_t before = fx.out.count;
    session_on_link_up(fx.s);            /* the resend... */
    CHECK_INT_EQ(fx.out.count, before); /* ...waits for the deadline */
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    fake_now = T0 + 3 * NS_PER_SEC;
    session_tick(fx.s);
    CHECK_INT_EQ(fx.out.count, before + 1);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    fx_free(&fx);
}

static void test_stall(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(session_last_question(fx.s) == NULL);
    CHECK(ask(&fx, "q1"));
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), T0 + SESSION_STALL_DEFAULT_NS);
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "partial ");
    fake_now = T0 + 29 * NS_PER_SEC;
    feed(&fx, "{\"type\":\"response.in_progress\"}"); /* any message is a sign of life */
    fake_now = T0 + 30 * NS_PER_SEC;                  /* the timer armed at the send fires */
    CHECK(!session_tick(fx.s));
    CHECK_INT_EQ(session_turn(fx.s), TURN_STREAMING);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), T0 + 59 * NS_PER_SEC);
    fake_now = T0 + 59 * NS_PER_SEC - 1;
    CHECK(!session_tick(fx.s));
    fake_now = T0 + 59 * NS_PER_SEC;
    CHECK(session_tick(fx.s)); /* stalled: the caller closes the socket */
    CHECK_INT_EQ(session_turn(fx.s), TURN_STALLED);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_STALLED);
    CHECK_STR_EQ(entry(&fx, 1)->detail, "no data from the server for 30 s");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "partial ");
    CHECK(strstr(session_notice(fx.s), "stalled") != NULL);
    CHECK_INT_EQ(session_next_deadline_ns(fx.s), 0);
    /* A late delta of the abandoned response is dropped. */
    feed_delta(&fx, "late");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "partial ");
    /* F5: the last question, asked again as a new turn with the full context. */
    CHECK_STR_EQ(session_last_question(fx.s), "q1");
    session_on_link_lost(fx.s, "closed by flint");
    session_on_link_up(fx.s);
    CHECK(ask(&fx, session_last_question(fx.s)));
    cJSON *r = request(&fx, 1);
    CHECK(jstr(r, "previous_response_id") == NULL);
    check_item(r, 1, "assistant", "partial ", NULL);
    cJSON_Delete(r);
    fx_free(&fx);

    /* A stall before response.created: a late created is not taken for the next turn. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    fake_now = T0 + SESSION_STALL_DEFAULT_NS;
    CHECK(session_tick(fx.s));
    CHECK(ask(&fx, "q2"));
    feed_created(&fx, "resp_old");
    feed_delta(&fx, "stale");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "");
    fx_free(&fx);

    /* A configured stall time, and "never". */
    memset(&fx, 0, sizeof fx);
    fake_now = T0;
    clock_set_source(fake_clock);
    Outbox w = {0};
    SessionHooks hooks = {.send = outbox_send};
    SessionConfig cfg = {.stall_ns = 2 * NS_PER_SEC};
    Session *s = session_new(&cfg, &hooks, &w);
    ErrorBuf err;
    CHECK(session_ask(s, "q", &err));
    CHECK_INT_EQ(session_next_deadline_ns(s), T0 + 2 * NS_PER_SEC);
    session_free(s);
    cfg.stall_ns = SESSION_STALL_NEVER;
    s = session_new(&cfg, &hooks, &w);
    CHECK(session_ask(s, "q", &err));
    CHECK_INT_EQ(session_next_deadline_ns(s), 0);
    fake_now += 1000 * NS_PER_SEC;
    CHECK(!session_tick(s));
    CHECK(session_busy(s));
    session_free(s);
    outbox_free(&w);
    clock_set_source(NULL);
}

int main(void)
{
    RUN(test_rate_limit_waits_then_sends);
    RUN(test_rate_limit_holds_the_next_question);
    RUN(test_rate_limit_headers);
    RUN(test_rate_limit_cancel);
    RUN(test_rate_limit_from_abandoned_request);
    RUN(test_stall);
    return harness_done();
}
