/* session/session, cache-friendly by construction (issue 8 item 5): the encoded requests
 * compared as bytes. A whole-conversation request after a reconnect, an interrupt, or a
 * steer (interrupt + ask again) starts with every byte of the previous whole-conversation
 * request up to its closing "]}", then only the new items; earlier user messages keep their
 * original context blocks even after the buffer changed; the prompt_cache_key is the same
 * in every request. Also: files go once, then as diffs; model notes go once, before the
 * question; the preview is exactly the next request and changes nothing; a small window
 * drops the oldest turns first and keeps the new question and the file. Fixture:
 * session_support.h (Responses dialect); the Chat dialect's prefix in test_wire_chat.c. */
#define SESSION_DUMP_STEM "req-cache"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "harness.h"
#include "session/session.h"
#include "support/session_support.h"

static const StrBuf *raw(Fixture *fx, size_t n) { return &fx->out.sent[n]; }

/* Request b starts with request a up to a's closing "]}" (its input array still open). */
static void check_extends(Fixture *fx, size_t a, size_t b)
{
    const StrBuf *ra = raw(fx, a), *rb = raw(fx, b);
    CHECK(ra->len > 2 && rb->len > ra->len);
    CHECK(memcmp(ra->data + ra->len - 2, "]}", 2) == 0);
    if (rb->len <= ra->len || memcmp(ra->data, rb->data, ra->len - 2) != 0) {
        size_t i = 0;
        while (i < ra->len && i < rb->len && ra->data[i] == rb->data[i])
            i++;
        fprintf(stderr, "  request %zu is not a prefix of %zu: they part at byte %zu of %zu\n",
                a, b, i, ra->len);
        CHECK(0);
    }
}

static void edit_buffer(Fixture *fx)
{
    Buffer *b = session_buffer(fx->s);
    buffer_set_cursor(b, (TextPos){.line = 5, .col = 4});
    buffer_insert(b, "puts(\"again\");\n    ", 19);
}

/* Responses: the first request is whole; after a reconnect the next one is whole again and
 * extends it; an interrupted answer stays as it was cut; a steer (interrupt + ask) extends
 * the request it interrupted. */
static void test_prefix_after_reconnect_interrupt_steer(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    StrBuf text = {0}; /* large enough that a small edit's diff is smaller than the file */
    sb_puts(&text, FILE_TEXT);
    for (int i = 0; i < 40; i++)
        sb_printf(&text, "/* line %d */\n", i + 8);
    buffer_load_text(session_buffer(fx.s), text.data, text.len);
    sb_free(&text);
    turn(&fx, "q1", "resp_1", "a1");               /* request 0: whole, first */
    edit_buffer(&fx);
    session_on_link_lost(fx.s, "closed");
    session_on_link_up(fx.s);
    CHECK(ask(&fx, "q2"));                          /* request 1: whole after a reconnect */
    check_extends(&fx, 0, 1);
    cJSON *r = request(&fx, 1);
    CHECK_INT_EQ(input_count(r), 3);
    check_item(r, 0, "user", NULL, FILE_TEXT);     /* as first sent: not today's buffer */
    check_item(r, 2, "user", NULL, "```diff\n");   /* the edit, as a diff */
    check_item(r, 2, "user", NULL, "+    puts(\"again\");\n");
    cJSON_Delete(r);

    /* Interrupt mid-answer, then ask: the partial answer stays as the assistant item. */
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "half an ");
    feed_delta(&fx, "answer");
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q3"));                          /* request 2 */
    check_extends(&fx, 1, 2);
    r = request(&fx, 2);
    CHECK_INT_EQ(input_count(r), 5);
    check_item(r, 3, "assistant", "half an answer", NULL);
    check_item(r, 4, "user", NULL, "Unchanged since you last saw it");
    cJSON_Delete(r);

    /* A steer, client side: interrupt before anything arrived, ask again with the correction. */
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q3, but shorter"));             /* request 3 */
    check_extends(&fx, 2, 3);
    r = request(&fx, 3);
    CHECK_INT_EQ(input_count(r), 6);               /* an empty answer is no item */
    check_item(r, 4, "user", NULL, "q3\n");
    check_item(r, 5, "user", NULL, "q3, but shorter\n");
    cJSON_Delete(r);

    /* Every request, chained or not, names the same prompt_cache_key. */
    feed_created(&fx, "resp_3");  /* the abandoned request's start: dropped */
    feed_created(&fx, "resp_4");
    feed_delta(&fx, "short");
    feed_completed(&fx, "resp_4", 1);
    CHECK(ask(&fx, "q4"));                          /* request 4: chained */
    size_t mlen;
    const char *m0 = session_sent_message(fx.s, 0, &mlen); /* what a journal would keep */
    r = request(&fx, 0);
    CHECK(m0 && mlen == strlen(item_text(input_item(r, 0))));
    CHECK_STR_EQ(m0, item_text(input_item(r, 0)));
    cJSON_Delete(r);
    CHECK(session_sent_message(fx.s, 1, &mlen) == NULL); /* an answer's entry */
    const char *key = session_cache_key(fx.s);
    CHECK(key && strncmp(key, "flint-", 6) == 0 && strlen(key) == 22);
    for (size_t i = 0; i < fx.out.count; i++) {
        r = request(&fx, i);
        CHECK_STR_EQ(jstr(r, "prompt_cache_key"), key);
        if (i == 4)
            CHECK_STR_EQ(jstr(r, "previous_response_id"), "resp_4");
        cJSON_Delete(r);
    }
    fx_free(&fx);
}

/* Two conversations never share a key. */
static void test_cache_key_differs_between_sessions(void)
{
    Fixture a, b;
    fx_init(&a, 0);
    fx_init(&b, 0);
    CHECK(strcmp(session_cache_key(a.s), session_cache_key(b.s)) != 0);
    fx_free(&a);
    fx_free(&b);
}

static void test_notes_once(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    turn(&fx, "q1", "resp_1", "a1");
    session_add_model_note(fx.s, "hunk 1 of hello.c: accepted");
    session_add_model_note(fx.s, "hunk 2 of hello.c: stale (the\nregion changed)");
    turn(&fx, "q2", "resp_2", "a2");
    turn(&fx, "q3", "resp_3", "a3");
    cJSON *r = request(&fx, 1);
    check_item(r, 0, "user", NULL, "Notes from flint on your previous answer:\n"
                                   "- hunk 1 of hello.c: accepted\n"
                                   "- hunk 2 of hello.c: stale (the region changed)\n\nq2\n");
    cJSON_Delete(r);
    r = request(&fx, 2);
    const char *t = item_text(input_item(r, 0));
    CHECK(t && strncmp(t, "q3\n", 3) == 0 && !strstr(t, "Notes from flint"));
    cJSON_Delete(r);
    fx_free(&fx);
}

/* The preview is byte for byte the next request, and previewing changes nothing. */
static void test_preview_is_the_next_request(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    session_add_model_note(fx.s, "a note");
    StrBuf json = {0}, msg = {0};
    SessionPreview pv;
    session_preview_request(fx.s, "q1", &json, &msg, &pv);
    session_preview_request(fx.s, "q1", &json, NULL, &pv); /* twice: the same again */
    CHECK_INT_EQ(json.len, 2 * pv.bytes);
    CHECK(memcmp(json.data, json.data + pv.bytes, pv.bytes) == 0);
    CHECK_INT_EQ(fx.out.count, 0);
    CHECK(ask(&fx, "q1"));
    CHECK_INT_EQ(raw(&fx, 0)->len, pv.bytes);
    CHECK(memcmp(raw(&fx, 0)->data, json.data, pv.bytes) == 0);
    CHECK(strstr(msg.data, "- a note\n\nq1\n") != NULL);
    CHECK_INT_EQ(pv.tokens, (pv.bytes + 3) / 4);
    CHECK_INT_EQ(pv.window_tokens, 128000);
    CHECK(!pv.chained);
    CHECK_INT_EQ(pv.n_input, 1);
    feed_created(&fx, "resp_1");
    feed_completed(&fx, "resp_1", 1);
    sb_reset(&json);
    session_preview_request(fx.s, NULL, &json, NULL, &pv);
    CHECK(pv.chained);
    CHECK(strstr(json.data, "(your question)") != NULL);
    CHECK(strstr(json.data, "Unchanged since you last saw it") != NULL);
    CHECK(strstr(json.data, "a note") == NULL); /* sent once */
    /* While an answer streams: what asking would send after interrupting it (a steer). */
    CHECK(ask(&fx, "q2"));
    feed_created(&fx, "resp_2");
    feed_delta(&fx, "partial");
    sb_reset(&json);
    session_preview_request(fx.s, "q2, shorter", &json, NULL, &pv);
    CHECK(!pv.chained);
    session_interrupt(fx.s);
    CHECK(ask(&fx, "q2, shorter"));
    CHECK_INT_EQ(raw(&fx, 2)->len, json.len);
    CHECK(memcmp(raw(&fx, 2)->data, json.data, json.len) == 0);
    sb_free(&json);
    sb_free(&msg);
    fx_free(&fx);
}

/* A small window: the oldest turns go first; the new question and its file always go. */
static void test_small_window(void)
{
    Fixture fx;
    memset(&fx, 0, sizeof fx);
    fx_init(&fx, 0);
    session_free(fx.s);
    SessionConfig cfg = {.model = "m", .instructions = "i", .window_tokens = 2000,
                         .cache_key = "conv-1"};
    SessionHooks hooks = {.send = outbox_send};
    fx.s = session_new(&cfg, &hooks, &fx.out);
    ErrorBuf err;
    CHECK(buffer_open(session_buffer(fx.s), fx.path, &err));
    session_on_link_up(fx.s);
    char ans[1201];
    memset(ans, 'y', 1200);
    ans[1200] = '\0';
    char q[8], id[16];
    for (int i = 0; i < 6; i++) {
        snprintf(q, sizeof q, "q%d", i);
        snprintf(id, sizeof id, "resp_%d", i);
        turn(&fx, q, id, ans);
        session_on_link_lost(fx.s, "x"); /* every request whole */
        session_on_link_up(fx.s);
    }
    /* 2000 - 500 reserved = 1500 tokens = 6000 bytes: a few 1.2 KB turns, the newest. */
    cJSON *r = request(&fx, 5);
    CHECK_STR_EQ(jstr(r, "prompt_cache_key"), "conv-1");
    int n = input_count(r);
    CHECK(n >= 3 && n < 11 && n % 2 == 1);
    check_item(r, n - 1, "user", NULL, "q5\n");
    check_item(r, n - 1, "user", NULL, FILE_TEXT); /* its last whole copy was dropped */
    const char *first = item_text(input_item(r, 0));
    CHECK(first && first[0] == 'q' && first[1] != '0');
    cJSON_Delete(r);
    SessionPreview pv;
    StrBuf json = {0};
    session_preview_request(fx.s, "next", &json, NULL, &pv);
    CHECK(pv.dropped_turns >= 2);
    CHECK(pv.tokens <= 2000);
    sb_free(&json);
    fx_free(&fx);
}

/* @path names a file open in another buffer: its unsaved text is what goes; a pinned file
 * goes with every question, whole once, then unchanged. */
static void test_at_path_open_buffer_and_pins(void)
{
    Fixture fx;
    fx_init(&fx, 0);
    char other[192];
    snprintf(other, sizeof other, "%s/util.h", fx.dir);
    FILE *f = fopen(other, "w");
    fputs("int util(void);\n", f);
    fclose(f);
    Buffer *b = buffer_new();
    ErrorBuf err;
    CHECK(buffer_open(b, other, &err));
    buffer_insert(b, "/* unsaved */ ", 14);
    session_buffer_add(fx.s, b);
    CHECK(!session_context_add_file(fx.s, "/nonexistent/x.c", &err));
    CHECK(session_context_add_file(fx.s, other, &err));
    CHECK(!session_context_add_file(fx.s, other, &err)); /* once */
    turn(&fx, "see @util.h", "resp_1", "ok");
    cJSON *r = request(&fx, 0);
    check_item(r, 0, "user", NULL, "Attached file: util.h (");
    check_item(r, 0, "user", NULL, "/* unsaved */ int util(void);\n");
    const char *t = item_text(input_item(r, 0));
    const char *at = t ? strstr(t, "Attached file:") : NULL;
    CHECK(at && !strstr(at + 1, "Attached file:")); /* named and pinned: once */
    cJSON_Delete(r);
    CHECK(ask(&fx, "again"));
    r = request(&fx, 1);
    check_item(r, 0, "user", NULL, "/util.h\nUnchanged since you last saw it (1 line).\n");
    cJSON_Delete(r);
    unlink(other);
    fx_free(&fx);
}

int main(void)
{
    RUN(test_prefix_after_reconnect_interrupt_steer);
    RUN(test_cache_key_differs_between_sessions);
    RUN(test_notes_once);
    RUN(test_preview_is_the_next_request);
    RUN(test_small_window);
    RUN(test_at_path_open_buffer_and_pins);
    return harness_done();
}
