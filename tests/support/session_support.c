/* Session test helpers (session_support.h). State: fake_now (the fake clock fx_init
 * installs), dumped and session_dump_stem (the FLINT_DUMP_REQUESTS files). */
#include "support/session_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t fake_now;

uint64_t fake_clock(void) { return fake_now; }

size_t dumped;
const char *session_dump_stem = "req";

bool outbox_send(void *ud, const char *json, size_t len)
{
    Outbox *w = ud;
    if (w->fail || w->count == sizeof w->sent / sizeof w->sent[0])
        return false;
    sb_reset(&w->sent[w->count]);
    sb_append(&w->sent[w->count++], json, len);
    const char *dir = getenv("FLINT_DUMP_REQUESTS");
    if (dir && *dir) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s-%03zu.json", dir, session_dump_stem, dumped++);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(json, 1, len, f);
            fclose(f);
        }
    }
    return true;
}

void outbox_free(Outbox *w)
{
    for (size_t i = 0; i < sizeof w->sent / sizeof w->sent[0]; i++)
        sb_free(&w->sent[i]);
}

void session_fx_init(Fixture *fx, size_t max_context, const char *dump_stem)
{
    memset(fx, 0, sizeof *fx);
    session_dump_stem = dump_stem;
    fake_now = 1000 * NS_PER_MS;
    clock_set_source(fake_clock);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/flint-test-session-XXXXXX");
    if (!mkdtemp(fx->dir))
        abort();
    snprintf(fx->path, sizeof fx->path, "%s/hello.c", fx->dir);
    FILE *f = fopen(fx->path, "wb");
    fputs(FILE_TEXT, f);
    fclose(f);
    SessionConfig cfg = {.model = "gpt-5.3-codex-spark", .max_context_bytes = max_context};
    SessionHooks hooks = {.send = outbox_send};
    fx->s = session_new(&cfg, &hooks, &fx->out);
    ErrorBuf err;
    CHECK(buffer_open(session_buffer(fx->s), fx->path, &err));
    buffer_set_cursor(session_buffer(fx->s), (TextPos){.line = 4, .col = 4});
}

void fx_free(Fixture *fx)
{
    session_free(fx->s);
    outbox_free(&fx->out);
    unlink(fx->path);
    rmdir(fx->dir);
    clock_set_source(NULL);
}

void feed(Fixture *fx, const char *json)
{
    session_on_message(fx->s, json, strlen(json));
}

void feed_created(Fixture *fx, const char *id)
{
    StrBuf m = {0};
    sb_printf(&m, "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"%s\","
                  "\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}", id);
    feed(fx, m.data);
    sb_free(&m);
}

void feed_delta(Fixture *fx, const char *text)
{
    StrBuf m = {0};
    sb_puts(&m, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,"
                "\"content_index\":0,\"delta\":");
    wire_json_string(&m, text, strlen(text));
    sb_puts(&m, ",\"logprobs\":[],\"sequence_number\":5}");
    feed(fx, m.data);
    sb_free(&m);
}

void feed_completed(Fixture *fx, const char *id, int output_tokens)
{
    StrBuf m = {0};
    sb_printf(&m, "{\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{\"id\":\"%s\","
                  "\"status\":\"completed\",\"output\":[]", id);
    if (output_tokens >= 0)
        sb_printf(&m, ",\"usage\":{\"input_tokens\":1200,\"input_tokens_details\":{\"cached_tokens\":"
                      "1024},\"output_tokens\":%d,\"output_tokens_details\":{\"reasoning_tokens\":0},"
                      "\"total_tokens\":%d}", output_tokens, 1200 + output_tokens);
    sb_puts(&m, "}}");
    feed(fx, m.data);
    sb_free(&m);
}

bool ask(Fixture *fx, const char *q)
{
    ErrorBuf err = {{0}};
    bool ok = session_ask(fx->s, q, &err);
    if (!ok)
        fprintf(stderr, "  session_ask: %s\n", err.msg);
    return ok;
}

void turn(Fixture *fx, const char *q, const char *id, const char *answer)
{
    CHECK(ask(fx, q));
    feed_created(fx, id);
    feed_delta(fx, answer);
    feed_completed(fx, id, 10);
    CHECK_INT_EQ(session_turn(fx->s), TURN_DONE);
}

const TranscriptEntry *entry(Fixture *fx, size_t i)
{
    return transcript_entry(session_transcript(fx->s), i);
}

size_t entries(Fixture *fx) { return transcript_count(session_transcript(fx->s)); }

cJSON *request(Fixture *fx, size_t n)
{
    if (n >= fx->out.count) {
        fprintf(stderr, "  no request #%zu (only %zu sent)\n", n, fx->out.count);
        return cJSON_Parse("{}");
    }
    cJSON *j = cJSON_ParseWithLength(fx->out.sent[n].data, fx->out.sent[n].len);
    CHECK(j != NULL);
    return j ? j : cJSON_Parse("{}");
}

const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

const cJSON *input_item(const cJSON *req, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(req, "input"), i);
}

int input_count(const cJSON *req)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "input"));
}

const char *item_text(const cJSON *item)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(item, "content");
    if (cJSON_IsString(c))
        return c->valuestring;
    const cJSON *part = cJSON_GetArrayItem(c, 0);
    if (!part || strcmp(jstr(part, "type") ? jstr(part, "type") : "", "input_text") != 0)
        return NULL;
    return jstr(part, "text");
}

void check_item(const cJSON *req, int i, const char *role,
                              const char *text_exact, const char *text_contains)
{
    const cJSON *it = input_item(req, i);
    CHECK(it != NULL);
    if (!it)
        return;
    CHECK_STR_EQ(jstr(it, "type"), "message");
    CHECK_STR_EQ(jstr(it, "role"), role);
    const char *t = item_text(it);
    CHECK(t != NULL);
    if (text_exact)
        CHECK_STR_EQ(t, text_exact);
    if (text_contains && t && !strstr(t, text_contains)) {
        fprintf(stderr, "  item %d lacks \"%s\": %s\n", i, text_contains, t);
        CHECK(0);
    }
}
