/* session/session: the turn state machine against scripted server messages, with a fake send
 * hook (requests are checked as parsed JSON) and a fake clock: asking, streaming and stats,
 * chaining, interrupts, a lost link, refusals, defaults, and random sequences checked against
 * the invariants. Errors, malformed and stale events and the history budget are in
 * test_session_errors.c; the fixture is in session_support.h (FLINT_DUMP_REQUESTS=DIR dumps
 * every request sent, see there). */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/wire_json.h"
#include "session/session.h"
#include "support/session_support.h"

/* ---- tests ------------------------------------------------------------------------------ */

static void test_ask_request(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    session_take_damage(fx.s);
    CHECK(ask(&fx, "Why does this print garbage?"));
    CHECK_INT_EQ(fx.out.count, 1);
    cJSON *r = request(&fx, 0);
    CHECK_STR_EQ(jstr(r, "type"), "response.create");
    CHECK_STR_EQ(jstr(r, "model"), "gpt-5.3-codex-spark");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r, "store")));
    CHECK(jstr(r, "instructions") && strstr(jstr(r, "instructions"), "Markdown"));
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    CHECK(!cJSON_HasObjectItem(r, "stream"));
    CHECK(!cJSON_HasObjectItem(r, "background"));
    CHECK(!cJSON_HasObjectItem(r, "stream_id"));
    CHECK_INT_EQ(input_count(r), 1);
    check_item(r, 0, "user", NULL, "Why does this print garbage?");
    check_item(r, 0, "user", NULL, FILE_TEXT);           /* the whole file, byte for byte */
    check_item(r, 0, "user", NULL, "```c\n#include <stdio.h>\n");
    check_item(r, 0, "user", NULL, "hello.c");
    check_item(r, 0, "user", NULL, fx.path);
    check_item(r, 0, "user", NULL, "line 5, column 5");
    cJSON_Delete(r);

    CHECK_INT_EQ(entries(&fx), 2);
    CHECK_INT_EQ(entry(&fx, 0)->kind, ENTRY_USER);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 0)->text), "Why does this print garbage?"); /* no context */
    CHECK_INT_EQ(entry(&fx, 1)->kind, ENTRY_ANSWER);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_OPEN);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    CHECK(session_busy(fx.s));
    CHECK_INT_EQ(session_stats(fx.s)->sent_ns, 1000 * NS_PER_MS);
    CHECK_INT_EQ(session_take_damage(fx.s), SESSION_DAMAGE_TRANSCRIPT | SESSION_DAMAGE_STATUS);
    CHECK_INT_EQ(session_take_damage(fx.s), 0);

    /* Refusals: a turn in flight, an empty question. Nothing is sent or recorded. */
    ErrorBuf err = {{0}};
    CHECK(!session_ask(fx.s, "again?", &err));
    CHECK(err.msg[0] != '\0');
    fx_free(&fx);

    fx_init(&fx, 0);
    CHECK(!session_ask(fx.s, " \n\t", &err));
    CHECK(!session_ask(fx.s, "", &err));
    fx.out.fail = true;
    CHECK(!session_ask(fx.s, "Anyone there?", &err));
    CHECK_INT_EQ(entries(&fx), 0);
    CHECK_INT_EQ(session_turn(fx.s), TURN_IDLE);
    CHECK_INT_EQ(fx.out.count, 0);
    fx_free(&fx);
}

static void test_stream_utf8_and_stats(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "Say hello"));
    fake_now += 100 * NS_PER_MS;
    feed_created(&fx, "resp_1");
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    /* Deltas split between characters: CJK, emoji (incl. a ZWJ sequence), a combining mark
     * in its own delta after its base letter, and code with escapes. */
    static const char *const parts[] = {
        "Hello", ", 世", "界", " 🎉", "👩", "\u200d💻", " cafe", "\u0301", "!\n```c\n",
        "\tputs(\"x\\n\");\n", "```\n",
    };
    StrBuf want = {0};
    fake_now += 150 * NS_PER_MS; /* first delta at 1250 ms: ttft 250 ms */
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        feed_delta(&fx, parts[i]);
        sb_puts(&want, parts[i]);
        if (i == 0) {
            CHECK_INT_EQ(session_turn(fx.s), TURN_STREAMING);
            CHECK_INT_EQ(session_stats(fx.s)->ttft_ns, 250 * NS_PER_MS);
            CHECK_INT_EQ(session_stats(fx.s)->first_delta_ns, 1250 * NS_PER_MS);
        }
        if (i + 1 < sizeof parts / sizeof parts[0])
            fake_now += 100 * NS_PER_MS;
    }
    /* 11 deltas over 1.0 s */
    CHECK_INT_EQ(session_stats(fx.s)->deltas, 11);
    CHECK_INT_EQ(session_stats(fx.s)->last_delta_ns, 2250 * NS_PER_MS);
    StrBuf done = {0};
    sb_puts(&done, "{\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\",\"output_index\":0,"
                   "\"content_index\":0,\"logprobs\":[],\"sequence_number\":20,\"text\":");
    wire_json_string(&done, want.data, want.len);
    sb_putc(&done, '}');
    feed(&fx, done.data);
    sb_free(&done);
    feed(&fx, "{\"type\":\"response.content_part.done\",\"item_id\":\"msg_1\",\"output_index\":0,"
              "\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"...\"}}");
    feed_completed(&fx, "resp_1", 50);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), want.data);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_DONE);
    CHECK_INT_EQ(session_turn(fx.s), TURN_DONE);
    CHECK(!session_busy(fx.s));
    const SessionStats *st = session_stats(fx.s);
    CHECK_INT_EQ(st->output_tokens, 50);
    CHECK_INT_EQ(st->input_tokens, 1200);
    CHECK_INT_EQ(st->cached_tokens, 1024);
    CHECK(st->tokens_per_sec > 49.999 && st->tokens_per_sec < 50.001);
    CHECK_INT_EQ(st->malformed, 0);
    sb_free(&want);

    /* Without usage, the rate counts deltas: 3 deltas over 0.5 s. */
    CHECK(ask(&fx, "Again"));
    CHECK_INT_EQ(session_stats(fx.s)->deltas, 0);
    CHECK_INT_EQ(session_stats(fx.s)->output_tokens, 0);
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "a");
    fake_now += 250 * NS_PER_MS;
    feed_delta(&fx, "b");
    fake_now += 250 * NS_PER_MS;
    feed_delta(&fx, "c");
    feed_completed(&fx, "resp_2", -1);
    st = session_stats(fx.s);
    CHECK(st->tokens_per_sec > 5.999 && st->tokens_per_sec < 6.001);
    CHECK_INT_EQ(st->output_tokens, 0);
    fx_free(&fx);
}

static void test_chaining(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "What is this?", "resp_1", "A hello program.");
    CHECK(ask(&fx, "Make it print twice."));
    cJSON *r = request(&fx, 1);
    CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_1");
    CHECK_INT_EQ(input_count(r), 1); /* only the new input */
    check_item(r, 0, "user", NULL, "Make it print twice.");
    /* with its context: the model saw the file in the first message, and it is unchanged */
    check_item(r, 0, "user", NULL, "Unchanged since you last saw it (7 lines).");
    check_item(r, 0, "user", NULL, "line 5, column 5");
    CHECK(jstr(r, "instructions") != NULL);       /* not carried over by the server */
    cJSON_Delete(r);
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "Call it twice.");
    feed_completed(&fx, "resp_2", 4);

    /* A new connection: nothing can be chained; the full history goes out. */
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "Thanks. And in C++?"));
    r = request(&fx, 2);
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    CHECK_INT_EQ(input_count(r), 5);
    /* Earlier questions exactly as first sent, context and all (cache-friendly). */
    cJSON *r0 = request(&fx, 0), *r1 = request(&fx, 1);
    check_item(r, 0, "user", item_text(input_item(r0, 0)), FILE_TEXT);
    check_item(r, 1, "assistant", "A hello program.", NULL);
    check_item(r, 2, "user", item_text(input_item(r1, 0)), "Make it print twice.");
    check_item(r, 3, "assistant", "Call it twice.", NULL);
    check_item(r, 4, "user", NULL, "Thanks. And in C++?");
    check_item(r, 4, "user", NULL, "Unchanged since you last saw it");
    CHECK_STR_EQ(jstr(r, "prompt_cache_key"), jstr(r0, "prompt_cache_key"));
    CHECK_STR_EQ(jstr(r1, "prompt_cache_key"), jstr(r0, "prompt_cache_key"));
    cJSON_Delete(r0);
    cJSON_Delete(r1);
    cJSON_Delete(r);
    fx_free(&fx);

    /* A lost link resets the chain too; so does a turn that did not complete. */
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    session_on_link_lost(fx.s, "closed");
    CHECK(ask(&fx, "q2"));
    r = request(&fx, 1);
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    CHECK_INT_EQ(input_count(r), 3);
    cJSON_Delete(r);
    feed_created(&fx, "resp_2");
    feed(&fx, "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_2\",\"status\":"
              "\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}");
    CHECK(ask(&fx, "q3"));
    r = request(&fx, 2);
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    cJSON_Delete(r);
    fx_free(&fx);
}


static void test_interrupt(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    CHECK(ask(&fx, "q2"));
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "partial ");
    feed_delta(&fx, "answer");
    session_take_damage(fx.s);
    session_interrupt(fx.s);
    CHECK_INT_EQ(session_turn(fx.s), TURN_INTERRUPTED);
    CHECK(!session_busy(fx.s));
    CHECK_INT_EQ(entry(&fx, 3)->state, ENTRY_INTERRUPTED);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "partial answer");
    CHECK(session_take_damage(fx.s) & SESSION_DAMAGE_TRANSCRIPT);
    /* Everything later from the abandoned response is dropped. */
    uint64_t gen = transcript_generation(session_transcript(fx.s));
    feed_delta(&fx, " more");
    feed(&fx, "{\"type\":\"response.output_text.done\",\"text\":\"partial answer more\"}");
    feed_completed(&fx, "resp_2", 3);
    feed(&fx, "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_2\"}}");
    CHECK_INT_EQ(transcript_generation(session_transcript(fx.s)), gen);
    CHECK_INT_EQ(session_turn(fx.s), TURN_INTERRUPTED);
    CHECK_INT_EQ(session_take_damage(fx.s), 0);
    session_interrupt(fx.s); /* not busy: nothing */
    CHECK_INT_EQ(entry(&fx, 3)->state, ENTRY_INTERRUPTED);

    /* The next ask sends the full history, with the partial answer as an assistant message. */
    CHECK(ask(&fx, "q3"));
    cJSON *r = request(&fx, 2);
    CHECK(!cJSON_HasObjectItem(r, "previous_response_id"));
    CHECK_INT_EQ(input_count(r), 5);
    check_item(r, 3, "assistant", "partial answer", NULL);
    check_item(r, 4, "user", NULL, "q3");
    cJSON_Delete(r);
    /* Soft-cancel order: a late terminal of the old response before the new created. */
    feed_completed(&fx, "resp_2", 3);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed_created(&fx, "resp_3");
    feed_delta(&fx, "a3");
    feed_completed(&fx, "resp_3", 1);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 5)->text), "a3");
    CHECK_INT_EQ(entry(&fx, 5)->state, ENTRY_DONE);
    fx_free(&fx);

    /* Interrupted before response.created: the old created (and its stream) must not be
     * taken for the answer to the next request (the off-by-one reply). */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_INTERRUPTED);
    CHECK(ask(&fx, "q2"));
    cJSON *r2 = request(&fx, 1);
    CHECK_INT_EQ(input_count(r2), 2); /* the empty interrupted answer is not sent */
    cJSON_Delete(r2);
    feed_created(&fx, "resp_old");
    feed_delta(&fx, "stale");
    feed_completed(&fx, "resp_old", 1);
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed_created(&fx, "resp_new");
    feed_delta(&fx, "fresh");
    feed_completed(&fx, "resp_new", 1);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "fresh");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "");
    fx_free(&fx);

    /* Same, but the abandoned request was rejected: its error is not the new turn's. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q2"));
    feed(&fx, "{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"rate_limit_exceeded\","
              "\"message\":\"slow down\"}}");
    CHECK_INT_EQ(session_turn(fx.s), TURN_SENT);
    feed_created(&fx, "resp_new");
    feed_delta(&fx, "ok");
    feed_completed(&fx, "resp_new", 1);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "ok");
    fx_free(&fx);

    /* After the app closed the socket and reconnected nothing old can come: no skipping. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    session_interrupt(fx.s);
    session_on_link_lost(fx.s, "closed by flint");
    session_on_link_up(fx.s);
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_INTERRUPTED); /* not turned into NETWORK */
    CHECK(ask(&fx, "q2"));
    feed_created(&fx, "resp_new");
    feed_delta(&fx, "ok");
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 3)->text), "ok");
    fx_free(&fx);
}

static void test_link_lost(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "half an ans");
    session_on_link_lost(fx.s, "connection reset (1006)");
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_NETWORK);
    CHECK_STR_EQ(entry(&fx, 1)->detail, "connection reset (1006)"); /* said once (issue 5) */
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "half an ans");
    CHECK(!session_busy(fx.s));
    CHECK_INT_EQ(fx.out.count, 1); /* no automatic replay */
    CHECK(strstr(session_notice(fx.s), "interrupted by network") != NULL);
    session_on_link_up(fx.s);
    CHECK_INT_EQ(fx.out.count, 1);
    /* The partial answer goes into the next full-history request. */
    CHECK(ask(&fx, "q2"));
    cJSON *r = request(&fx, 1);
    check_item(r, 1, "assistant", "half an ans", NULL);
    cJSON_Delete(r);
    fx_free(&fx);

    /* Lost before the first event. */
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    session_on_link_lost(fx.s, "timeout");
    CHECK_INT_EQ(entry(&fx, 1)->state, ENTRY_NETWORK);
    CHECK_STR_EQ(entry(&fx, 1)->detail, "timeout");
    session_on_link_lost(fx.s, "again"); /* idempotent */
    CHECK_INT_EQ(entries(&fx), 2);
    fx_free(&fx);
}

/* A refusal after text is a new content part: it is shown, separated by a blank line. */
static void test_refusal_part(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    CHECK(ask(&fx, "q1"));
    feed_created(&fx, "resp_1");
    feed_delta(&fx, "Here:");
    feed(&fx, "{\"type\":\"response.refusal.delta\",\"item_id\":\"msg_1\",\"output_index\":0,"
              "\"content_index\":1,\"delta\":\"I can't.\"}");
    feed_completed(&fx, "resp_1", 3);
    CHECK_STR_EQ(sb_cstr(&entry(&fx, 1)->text), "Here:\n\nI can't.");
    fx_free(&fx);
}

/* An unnamed, empty buffer and the default model (context details: test_context.c). */
static void test_defaults(void)
{
    SessionHooks hooks = {.send = outbox_send};
    Outbox w = {0};
    ErrorBuf err;
    Session *s = session_new(&(SessionConfig){.model = NULL}, &hooks, &w);
    CHECK_STR_EQ(session_model(s), "gpt-5.3-codex-spark");
    CHECK_STR_EQ(session_notice(s), "");
    CHECK(session_ask(s, "Hi", &err));
    cJSON *j = cJSON_ParseWithLength(w.sent[0].data, w.sent[0].len);
    const char *t = item_text(input_item(j, 0));
    CHECK(t && strstr(t, "[new]") && strstr(t, "line 1, column 1") && strstr(t, "```\n\n```"));
    CHECK(jstr(j, "instructions") && strstr(jstr(j, "instructions"), "fenced code blocks"));
    cJSON_Delete(j);
    session_free(s);
    outbox_free(&w);
    session_free(NULL);
}

/* Random operations and server messages (fixed seed), checking the invariants after each:
 * at most one OPEN entry, it is the last answer, and it exists exactly while in a turn (busy
 * or waiting out a rate limit); nothing is sent before a rate limit's deadline. */
static void test_random_sequences(void)
{
    static const char *const msgs[] = {
        "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_a\"}}",
        "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_b\"}}",
        "{\"type\":\"response.created\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"x\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"日\",\"content_index\":1}",
        "{\"type\":\"response.output_text.done\",\"text\":\"x\"}",
        "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_a\"}}",
        "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_b\",\"usage\":{\"output_tokens\":3}}}",
        "{\"type\":\"response.completed\"}",
        "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_a\"}}",
        "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_b\"}}",
        "{\"type\":\"error\",\"status\":429,\"error\":{\"code\":\"rate_limit_exceeded\"}}",
        NOT_FOUND,
        "{\"type\":\"error\"}",
        "{\"type\":\"response.in_progress\"}",
        "{\"type\":\"response.steer.failed\",\"error\":{\"code\":\"steering_not_supported\"}}",
        "{\"type\":",
        "[]",
    };
    Fixture fx;
    fx_init(&fx, 0);
    uint32_t seed = 777;
    size_t n_msgs = sizeof msgs / sizeof msgs[0];
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = (seed >> 8) % (n_msgs + 8);
        if (r < n_msgs) {
            feed(&fx, msgs[r]);
        } else if (r < n_msgs + 3) {
            ErrorBuf err;
            bool busy = session_busy(fx.s) || session_waiting(fx.s);
            bool limited = fake_now < session_wait_until_ns(fx.s);
            fx.out.count %= 16; /* keep room in the fake wire */
            size_t before = fx.out.count;
            CHECK(session_ask(fx.s, "q", &err) == !busy);
            CHECK_INT_EQ(fx.out.count, before + (!busy && !limited));
        } else if (r < n_msgs + 5) {
            session_interrupt(fx.s);
        } else if (r < n_msgs + 6) {
            session_on_link_lost(fx.s, "random");
        } else if (r < n_msgs + 7) {
            session_on_link_up(fx.s);
        } else {
            fake_now += (seed >> 4) % ((seed & 1 ? 50 : 5000) * NS_PER_MS);
            fx.out.count %= 16;
            size_t before = fx.out.count;
            bool due = session_waiting(fx.s) && fake_now >= session_wait_until_ns(fx.s);
            session_tick(fx.s);
            CHECK_INT_EQ(fx.out.count, before + due);
        }
        const Transcript *t = session_transcript(fx.s);
        size_t open = 0, open_at = 0;
        for (size_t i = 0; i < transcript_count(t); i++)
            if (transcript_entry(t, i)->state == ENTRY_OPEN)
                open++, open_at = i;
        CHECK(open <= 1);
        CHECK_INT_EQ(open, session_busy(fx.s) || session_waiting(fx.s));
        if (open)
            CHECK_INT_EQ(transcript_entry(t, open_at)->kind, ENTRY_ANSWER);
        if (harness_failed_checks) {
            fprintf(stderr, "  at step %d (op %u)\n", step, r);
            break;
        }
    }
    CHECK(transcript_count(session_transcript(fx.s)) > 100);
    fx_free(&fx);
}

int main(void)
{
    RUN(test_ask_request);
    RUN(test_stream_utf8_and_stats);
    RUN(test_chaining);
    RUN(test_interrupt);
    RUN(test_link_lost);
    RUN(test_refusal_part);
    RUN(test_defaults);
    RUN(test_random_sequences);
    return harness_done();
}
