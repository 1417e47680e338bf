/* session/wire_models: GET /models answers read into the model picker's list. OpenAI's shape
 * (llama.cpp, vLLM, Cerebras, xAI give the same), Ollama's /api/tags, sorting and
 * de-duplication, ids that must not be shown (control characters, empty, too long), error
 * documents, not JSON, a list cut at WIRE_MODELS_MAX; session_set_model resetting the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/wire_models.h"

static bool parse(const char *json, WireModels *m, ErrorBuf *err)
{
    return wire_models_parse(json, strlen(json), m, err);
}

static void test_openai_shape(void)
{
    WireModels m;
    ErrorBuf err = {{0}};
    CHECK(parse("{\"object\":\"list\",\"data\":[{\"id\":\"zeta\",\"object\":\"model\"},"
                "{\"id\":\"alpha\",\"object\":\"model\",\"created\":1,\"owned_by\":\"x\"},"
                "{\"id\":\"mid\"},{\"id\":\"alpha\"}]}", &m, &err));
    CHECK_INT_EQ(m.n, 3);
    if (m.n == 3) {
        CHECK_STR_EQ(m.ids[0], "alpha");
        CHECK_STR_EQ(m.ids[1], "mid");
        CHECK_STR_EQ(m.ids[2], "zeta");
    }
    wire_models_free(&m);
    CHECK(m.n == 0 && m.ids == NULL);
    /* llama.cpp adds a "models" array beside "data": data wins. */
    CHECK(parse("{\"models\":[{\"name\":\"x\"}],\"object\":\"list\",\"data\":[{\"id\":\"m.gguf\"}]}",
                &m, &err));
    CHECK_INT_EQ(m.n, 1);
    CHECK_STR_EQ(m.ids[0], "m.gguf");
    wire_models_free(&m);
    /* An empty list is a list. */
    CHECK(parse("{\"object\":\"list\",\"data\":[]}", &m, &err));
    CHECK_INT_EQ(m.n, 0);
    wire_models_free(&m);
}

static void test_ollama_tags(void)
{
    WireModels m;
    ErrorBuf err = {{0}};
    CHECK(parse("{\"models\":[{\"name\":\"qwen2.5-coder:7b\",\"model\":\"qwen2.5-coder:7b\"},"
                "{\"model\":\"llama3:8b\"}]}", &m, &err));
    CHECK_INT_EQ(m.n, 2);
    if (m.n == 2) {
        CHECK_STR_EQ(m.ids[0], "llama3:8b");
        CHECK_STR_EQ(m.ids[1], "qwen2.5-coder:7b");
    }
    wire_models_free(&m);
}

static void test_bad_ids_skipped(void)
{
    char big[WIRE_MODEL_ID_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    StrBuf j = {0};
    sb_printf(&j, "{\"data\":[{\"id\":\"\"},{\"id\":\"a\\u001b[31mred\"},{\"id\":\"tab\\tin\"},"
                  "{\"id\":42},{\"noid\":true},\"str\",{\"id\":\"%s\"},{\"id\":\"ok-1\"}]}", big);
    WireModels m;
    ErrorBuf err = {{0}};
    CHECK(wire_models_parse(j.data, j.len, &m, &err));
    CHECK_INT_EQ(m.n, 1);
    CHECK_STR_EQ(m.ids[0], "ok-1");
    wire_models_free(&m);
    sb_free(&j);
}

static void test_errors(void)
{
    WireModels m;
    ErrorBuf err = {{0}};
    CHECK(!parse("{\"error\":{\"message\":\"Invalid API key\",\"type\":\"invalid_request_error\"}}",
                 &m, &err));
    CHECK_STR_EQ(err.msg, "the server said: Invalid API key");
    CHECK(m.n == 0 && m.ids == NULL);
    CHECK(!parse("{\"error\":\"no such route\"}", &m, &err));
    CHECK_STR_EQ(err.msg, "the server said: no such route");
    CHECK(!parse("<html>404</html>", &m, &err));
    CHECK_STR_EQ(err.msg, "the model list is not JSON");
    CHECK(!parse("{\"object\":\"list\"}", &m, &err));
    CHECK_STR_EQ(err.msg, "the answer holds no model list");
    CHECK(!wire_models_parse("{\"data\":[", 9, &m, &err));
    CHECK(!wire_models_parse("", 0, &m, &err));
    /* Not NUL-terminated: only len bytes are read. */
    const char cut[] = "{\"data\":[{\"id\":\"a\"}]}garbage";
    CHECK(wire_models_parse(cut, strlen(cut) - 7, &m, &err));
    CHECK_INT_EQ(m.n, 1);
    wire_models_free(&m);
}

static void test_cap(void)
{
    StrBuf j = {0};
    sb_puts(&j, "{\"data\":[");
    for (int i = 0; i < WIRE_MODELS_MAX + 50; i++)
        sb_printf(&j, "%s{\"id\":\"m%05d\"}", i ? "," : "", i);
    sb_puts(&j, "]}");
    WireModels m;
    ErrorBuf err = {{0}};
    CHECK(wire_models_parse(j.data, j.len, &m, &err));
    CHECK_INT_EQ(m.n, WIRE_MODELS_MAX);
    wire_models_free(&m);
    sb_free(&j);
}

int main(void)
{
    RUN(test_openai_shape);
    RUN(test_ollama_tags);
    RUN(test_bad_ids_skipped);
    RUN(test_errors);
    RUN(test_cap);
    return harness_done();
}
