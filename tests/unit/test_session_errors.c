/* session/session when things go wrong: previous_response_not_found (one resend, then a
 * failure), the history budget after a reconnect, request- and connection-level errors,
 * response.failed / incomplete, malformed messages mid-stream, and stale events from responses
 * that are not (or no longer) the turn's. Fixture: session_support.h; requests dumped with
 * FLINT_DUMP_REQUESTS=DIR are named req-errors-NNN.json. */
#define SESSION_DUMP_STEM "req-errors"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "session/session.h"
#include "support/session_support.h"

/* ---- tests ------------------------------------------------------------------------------ */

static void test_previous_response_not_found(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    CHECK(ask(&fx, "q2"));
    size_t n_entries = entries(&fx);
    fake_now += 5 * NS_PER_MS;
    feed(&fx, NOT_FOUND);
    /* Resent once: full history, no chain, same transcript entries, still waiting. */
    CHECK_INT_EQ(fx.out.count, 3);
    cJSON *r = request(&fx, 2);
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    CHECK_INT_EQ(input_count(r), 3);
    cJSON *r0 = request(&fx, 0), *r1 = request(&fx, 1);
    check_item(r, 0, "user", item_text(input_item(r0, 0)), "return 0;"); /* as first sent */
    check_item(r, 1, "assistant", "a1", NULL);
    check_item(r, 2, "user", item_text(input_item(r1, 0)), "q2");  /* the refused one, again */
    check_item(r, 2, "user", NULL, "Unchanged since you last saw it");
    cJSON_Delete(r0);
    cJSON_Delete(r1);
    cJSON_Delete(r);
    CHECK_INT_EQ(entries(&fx), n_entries);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    CHECK_INT_EQ(session_stats(fx.s)->sent_ns, 1005 * NS_PER_MS);
    /* The resend is answered normally into the same entry. */
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "a2");
    feed_completed(&fx, "resp_2", 2);
    CHECK_INT_EQ(entries(&fx), n_entries);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "a2");
    CHECK_INT_EQ(entry(&fx, 3)->state, ENTRY_DONE);
    /* ...and chaining resumes from it. */
    CHECK(ask(&fx, "q3"));
    r = request(&fx, 3);
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_2");
    cJSON_Delete(r);
    fx_free(&fx);

    /* A second previous_response_not_found fails the turn; nothing more is sent. */
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    CHECK(ask(&fx, "q2"));
    feed(&fx, NOT_FOUND);
    CHECK_INT_EQ(fx.out.count, 3);
    feed(&fx, NOT_FOUND);
    CHECK_INT_EQ(fx.out.count, 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_INT_EQ(entry(&fx, 3)->state, ENTRY_FAILED);
    CHECK_STR_EQ(entry(&fx, 3)->detail,
                 "previous_response_not_found: Previous response with id 'resp_1' not found.");
    CHECK(strstr(session_notice(fx.s), "not found") != NULL);
    /* On an unchained first request it is an ordinary failure, not a resend. */
    CHECK(ask(&fx, "q3"));
    CHECK_INT_EQ(fx.out.count, 4);
    feed(&fx, NOT_FOUND);
    CHECK_INT_EQ(fx.out.count, 4);
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    fx_free(&fx);
}

/* After a reconnect the history resent is the newest whole turns that fit the 128k-token
 * window (less a 16k reserve for the answer), oldest dropped first (down to three quarters,
 * then the start is kept); the file, last sent whole in a dropped turn, goes whole again (a
 * diff against it would mean nothing). */
static void test_history_budget(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    char *big = malloc(100 * 1024 + 1);
    memset(big, 'x', 100 * 1024);
    big[100 * 1024] = '\0';
    char q[16], id[16];
    for (int i = 0; i < 5; i++) {
        snprintf(q, sizeof q, "q%d", i);
        snprintf(id, sizeof id, "resp_%d", i);
        big[0] = (char)('0' + i);
        turn(&fx, q, id, big);
    }
    session_on_link_up(fx.s); /* the chain is gone: the next request carries history */
    CHECK(ask(&fx, "q5"));
    cJSON *r = request(&fx, 5);
    /* (128000 - 16384) tokens ~ 436 KiB: five 100 KiB turns do not fit; the oldest go until
     * three quarters of it is left (3 turns), so the next requests can keep this start. */
    CHECK_INT_EQ(input_count(r), 7);
    check_item(r, 0, "user", NULL, "q2\n");
    check_item(r, 0, "user", NULL, "Unchanged since you last saw it"); /* as first sent */
    const char *a2 = item_text(input_item(r, 1));
    CHECK(a2 && a2[0] == '2' && strlen(a2) == 100 * 1024);
    check_item(r, 6, "user", NULL, "q5\n");
    check_item(r, 6, "user", NULL, "The whole file (7 lines):"); /* its q0 was dropped */
    check_item(r, 6, "user", NULL, FILE_TEXT);
    cJSON_Delete(r);
    /* The next one starts at the same turn (a shared prefix), chained or not. */
    feed_created(&fx, "resp_5");
    feed_delta(&fx, "a5");
    feed_completed(&fx, "resp_5", 1);
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "q6"));
    r = request(&fx, 6);
    CHECK_INT_EQ(input_count(r), 9);
    check_item(r, 0, "user", NULL, "q2\n");
    CHECK(memcmp(fx.out.sent[5].data, fx.out.sent[6].data, fx.out.sent[5].len - 2) == 0);
    cJSON_Delete(r);
    free(big);
    fx_free(&fx);
}

/* websocket_connection_limit_reached in answer to a create (OpenAI style): the request never
 * ran, so it goes out again, unchained with the history, on the new socket; only once. */
static void test_connection_limit_resend(void)
{
    static const char LIMIT[] =
        "{\"type\":\"error\",\"status\":400,\"error\":{\"type\":\"invalid_request_error\",\"code\":"
        "\"websocket_connection_limit_reached\",\"message\":\"limit\",\"param\":null}}";
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    CHECK(ask(&fx, "q2")); /* chained on resp_1 */
    feed(&fx, LIMIT);
    CHECK(session_busy(fx.s));
    CHECK(session_take_reconnect(fx.s));
    CHECK_INT_EQ(fx.out.count, 2);
    session_on_link_up(fx.s); /* the app rotated: the refused request goes out again */
    CHECK_INT_EQ(fx.out.count, 3);
    CHECK(session_busy(fx.s));
    cJSON *r = request(&fx, 2);
    CHECK(cJSON_GetObjectItem(r, "previous_response_id") == NULL);
    CHECK_INT_EQ(input_count(r), 3); /* q1, a1, q2 */
    cJSON_Delete(r);
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "a2");
    feed_completed(&fx, "resp_2", 1);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    /* A second refusal of the same turn ends it, with no third send. */
    CHECK(ask(&fx, "q3"));
    feed(&fx, LIMIT);
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 5);
    feed(&fx, LIMIT);
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 5);
    fx_free(&fx);
}

static void test_errors(void)
{
    /* Request-scoped 429 before response.created: the question waits (test_session_timers
     * has the rest); the notice says why. Esc cancels the wait. */
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed(&fx, "{\"type\":\"error\",\"status\":429,\"error\":{\"type\":\"requests\",\"code\":"
              "\"rate_limit_exceeded\",\"message\":\"Rate limit reached. Please try again in 2s."
              "\",\"param\":null,\"headers\":{\"retry-after\":\"2\"}}}");
    CHECK_INT_EQ(session_turn(fx.s), TURN_WAITING);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_OPEN);
    CHECK_STR_EQ(session_notice(fx.s),
                 "rate_limit_exceeded: Rate limit reached. Please try again in 2s.");
    CHECK_INT_EQ(fx.out.count, 1);
    CHECK_INT_EQ(entries(&fx), 2);
    session_interrupt(fx.s);
    CHECK_INT_EQ(session_turn(fx.s), TURN_INTERRUPTED);

    /* Connection-level error with no turn in flight: a note and the notice. */
    session_take_damage(fx.s);
    feed(&fx, "{\"type\":\"error\",\"status\":400,\"error\":{\"type\":\"invalid_request_error\","
              "\"code\":\"websocket_connection_limit_reached\",\"message\":\"Responses websocket "
              "connection limit reached (60 minutes).\",\"param\":null}}");
    CHECK_INT_EQ(entries(&fx), 3);
    CHECK_INT_EQ(entry(&fx, 2)->kind, ENTRY_NOTE);
    CHECK(strstr(sb_cstr(&entry(&fx, 2)->text), "websocket_connection_limit_reached") != NULL);
    CHECK(strstr(session_notice(fx.s), "connection limit") != NULL);
    CHECK_INT_EQ(session_turn(fx.s), TURN_INTERRUPTED);
    CHECK_INT_EQ(session_take_damage(fx.s),
                 SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS | SESSION_DAMAGE_NOTICE);
    CHECK(session_take_reconnect(fx.s));  /* the app must replace the socket */
    CHECK(!session_take_reconnect(fx.s)); /* once */
    /* The flat SSE shape and an empty error are understood too. */
    feed(&fx, "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"boom\",\"param\":null,"
              "\"sequence_number\":1}");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "Server error: server_error: boom");
    feed(&fx, "{\"type\":\"error\"}");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 4)->text), "Server error: error");
    fx_free(&fx);

    /* response.failed after deltas keeps the partial text and shows the message. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "Start of ");
    feed_delta(&fx, "an answer");
    feed(&fx, "{\"type\":\"response.failed\",\"sequence_number\":7,\"response\":{\"id\":\"resp_1\","
              "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The server "
              "had an error while processing your request.\"}}}");
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_FAILED);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "Start of an answer");
    CHECK_STR_EQ(entry(&fx, 1)->detail,
                 "server_error: The server had an error while processing your request.");
    CHECK(strstr(session_notice(fx.s), "had an error") != NULL);
    fx_free(&fx);

    /* An error in the middle of a stream also ends the turn, keeping the text. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "abc");
    feed(&fx, "{\"type\":\"error\",\"sequence_number\":4,\"error\":{\"code\":\"server_error\","
              "\"message\":\"stream broke\"}}");
    CHECK_INT_EQ(session_turn(fx.s), TURN_FAILED);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "abc");
    CHECK_STR_EQ(entry(&fx, 1)->detail, "server_error: stream broke");
    fx_free(&fx);

    /* response.incomplete shows its reason. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "cut");
    feed(&fx, "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_1\",\"status\":"
              "\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":"
              "{\"input_tokens\":5,\"output_tokens\":16,\"input_tokens_details\":{\"cached_tokens\""
              ":0}}}}");
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_INCOMPLETE);
    CHECK_STR_EQ(entry(&fx, 1)->detail, "max_output_tokens");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "cut");
    CHECK_INT_EQ(session_stats(fx.s)->output_tokens, 16);
    CHECK(strstr(session_notice(fx.s), "max_output_tokens") != NULL);
    CHECK(!session_busy(fx.s));
    fx_free(&fx);
}

static void test_malformed_mid_stream(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "a");
    feed(&fx, "{\"type\":\"response.output_text.delta\",\"delta\":\"tru");
    feed_delta(&fx, "b");
    feed(&fx, "{\"type\":5}");
    session_on_message(fx.s, "\xff\xfe", 2);
    feed(&fx, "[]");
    feed(&fx, "{\"type\":\"response.output_text.delta\",\"delta\":7}");
    feed(&fx, "{\"type\":\"response.brand_new_event\",\"x\":1}"); /* unknown: not malformed */
    feed_delta(&fx, "c");
    CHECK_INT_EQ(session_stats(fx.s)->malformed, 5);
    CHECK_INT_EQ(entries(&fx), 2); /* the note waits for the end of the answer */
    CHECK(*session_notice(fx.s) != '\0');
    feed_completed(&fx, "resp_1", 3);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "abc");
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_DONE);
    CHECK_INT_EQ(entries(&fx), 3);
    CHECK_INT_EQ(entry(&fx, 2)->kind, ENTRY_NOTE);

    /* After the turn ended: counted, but still at most one note for that turn. */
    feed(&fx, "nonsense");
    feed(&fx, "{}");
    CHECK_INT_EQ(session_stats(fx.s)->malformed, 7);
    CHECK_INT_EQ(entries(&fx), 3);
    CHECK(ask(&fx, "q2"));
    CHECK_INT_EQ(session_stats(fx.s)->malformed, 7); /* cumulative */
    feed(&fx, "{");
    session_on_link_lost(fx.s, "eof");
    CHECK_INT_EQ(entries(&fx), 6);
    CHECK_INT_EQ(entry(&fx, 4)->state, ENTRY_NETWORK);
    CHECK_INT_EQ(entry(&fx, 5)->kind, ENTRY_NOTE);
    fx_free(&fx);

    /* No turn yet: the note comes at once. */
    fx_init(&fx, 0);
    feed(&fx, "{\"no\":\"type\"}");
    feed(&fx, "{\"no\":\"type\"}");
    CHECK_INT_EQ(entries(&fx), 1);
    CHECK_INT_EQ(entry(&fx, 0)->kind, ENTRY_NOTE);
    CHECK_INT_EQ(session_stats(fx.s)->malformed, 2);
    fx_free(&fx);
}

static void test_stale_events(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    /* No turn: created, deltas and terminals are dropped silently. */
    feed_created(&fx, "resp_x");
    feed_delta(&fx, "ghost");
    feed_completed(&fx, "resp_x", 1);
    CHECK_INT_EQ(entries(&fx), 0);
    CHECK_INT_EQ(session_turn(fx.s), TURN_IDLE);
    /* Deltas before response.created are not attributed. */
    CHECK(ask(&fx, "q1"));
    feed_delta(&fx, "early");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "");
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed_created(&fx, "resp_1");
    /* A second created while bound, and a terminal for another id: dropped. */
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "x");
    feed_completed(&fx, "resp_other", 1);
    CHECK(session_busy(fx.s));
    feed_delta(&fx, "y");
    feed_completed(&fx, "resp_1", 2);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "xy");
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_DONE);
    /* A repeated terminal after the end changes nothing. */
    uint64_t gen = transcript_generation(session_transcript(fx.s));
    feed_completed(&fx, "resp_1", 2);
    CHECK_INT_EQ(transcript_generation(session_transcript(fx.s)), gen);
    /* The chain id is the completed one. */
    CHECK(ask(&fx, "q2"));
    cJSON *r = request(&fx, 1);
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_1");
    cJSON_Delete(r);
    fx_free(&fx);
}

int main(void)
{
    RUN(test_previous_response_not_found);
    RUN(test_history_budget);
    RUN(test_errors);
    RUN(test_connection_limit_resend);
    RUN(test_malformed_mid_stream);
    RUN(test_stale_events);
    return harness_done();
}
