/* app/providers: the built-ins, the settings' overrides, the resolution order of --provider,
 * --url, --api and --model, keys from the environment and from key files (0600 only, no
 * links or directories), unknown names, and that no listing shows a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/providers.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/session.h"
#include "session/settings.h"

static char tmpdir[64];

static void clean_env(void)
{
    const char *vars[] = {"FLINT_API_KEY", "OPENAI_API_KEY", "XAI_API_KEY", "CEREBRAS_API_KEY",
                          "LOCAL_KEY"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static void load(Settings *s, const char *text)
{
    settings_init(s);
    ErrorBuf err = {{0}};
    CHECK(settings_parse(s, "config.json", text, strlen(text), &err));
}

static bool resolve(const Providers *p, const char *def, ProviderFlags f, ProviderChoice *c,
                    StrBuf *warn, ErrorBuf *err)
{
    error_clear(err);
    return providers_resolve(p, def, &f, c, warn, err);
}

static void test_builtins(void)
{
    clean_env();
    Providers p;
    providers_init(&p, NULL, NULL);
    CHECK_INT_EQ(p.n, 6);
    const Provider *o = providers_find(&p, "openai");
    CHECK(o && strcmp(o->base_url, "wss://api.openai.com/v1") == 0);
    CHECK(o && o->api == APP_API_RESPONSES && strcmp(o->key_env, "OPENAI_API_KEY") == 0);
    CHECK(o && strcmp(o->model, "gpt-5.3-codex-spark") == 0);
    const Provider *x = providers_find(&p, "xai");
    CHECK(x && strcmp(x->base_url, "wss://api.x.ai/v1") == 0 && x->api == APP_API_RESPONSES);
    CHECK(x && strcmp(x->key_env, "XAI_API_KEY") == 0);
    const Provider *c = providers_find(&p, "cerebras");
    CHECK(c && strcmp(c->base_url, "https://api.cerebras.ai/v1") == 0 && c->api == APP_API_CHAT);
    const Provider *l = providers_find(&p, "llamacpp");
    CHECK(l && strcmp(l->base_url, "http://127.0.0.1:8080/v1") == 0 && !l->key_env && !l->key_file);
    CHECK(providers_find(&p, "ollama") && providers_find(&p, "vllm"));
    CHECK(providers_find(&p, "nope") == NULL);
    StrBuf out = {0};
    providers_list(&p, &out);
    CHECK(strstr(sb_cstr(&out), "$CEREBRAS_API_KEY (not set)") != NULL);
    sb_free(&out);
    providers_free(&p);
}

static void test_overrides_from_settings(void)
{
    clean_env();
    Settings s;
    load(&s, "{ \"provider\": \"local\", \"providers\": {"
             "  \"llamacpp\": { \"model\": \"qwen3\", \"headers\": { \"X-A\": \"1\" } },"
             "  \"local\": { \"base_url\": \"http://127.0.0.1:9000/v1\", \"api\": \"chat\","
             "               \"key_env\": \"LOCAL_KEY\", \"lifetime\": 60, \"insecure\": true },"
             "  \"typo\": { \"model\": \"m\" } } }");
    Providers p;
    StrBuf warn = {0};
    providers_init(&p, &s, &warn);
    CHECK_INT_EQ(p.n, 7);
    CHECK(strstr(sb_cstr(&warn), "config.json:1: provider 'typo' has no base_url") != NULL);
    const Provider *l = providers_find(&p, "llamacpp");
    CHECK(l && strcmp(l->model, "qwen3") == 0);
    CHECK(l && strcmp(l->base_url, "http://127.0.0.1:8080/v1") == 0); /* kept */
    CHECK(l && l->n_headers == 1 && strcmp(l->headers[0].name, "X-A") == 0);
    const Provider *n = providers_find(&p, "local");
    CHECK(n && n->api == APP_API_CHAT && n->lifetime_s == 60 && n->insecure);
    CHECK(l && !l->insecure);

    /* provider in the settings is the default; with its key unset, a warning */
    ProviderChoice c;
    ErrorBuf err;
    sb_reset(&warn);
    CHECK(resolve(&p, s.provider, (ProviderFlags){0}, &c, &warn, &err));
    CHECK(c.provider == n && strcmp(c.url, "http://127.0.0.1:9000/v1") == 0 && !c.api_key);
    CHECK_STR_EQ(sb_cstr(&warn), "local needs LOCAL_KEY (no key is set)\n");
    provider_choice_clear(&c);
    setenv("LOCAL_KEY", " sk-local\n", 1);
    sb_reset(&warn);
    CHECK(resolve(&p, s.provider, (ProviderFlags){0}, &c, &warn, &err));
    CHECK(c.api_key && strcmp(c.api_key, "sk-local") == 0);
    CHECK_INT_EQ(warn.len, 0);
    StrBuf out = {0};
    providers_list(&p, &out);
    CHECK(strstr(sb_cstr(&out), "$LOCAL_KEY (set)") != NULL);
    CHECK(strstr(sb_cstr(&out), "sk-local") == NULL);
    sb_reset(&out);
    settings_print(&s, &out); /* --print-config: the variable's name, never the key */
    CHECK(strstr(sb_cstr(&out), "LOCAL_KEY") != NULL && strstr(sb_cstr(&out), "sk-local") == NULL);
    sb_free(&out);
    provider_choice_clear(&c);
    sb_free(&warn);
    providers_free(&p);
    settings_clear(&s);
    clean_env();
}

static void test_resolution_order(void)
{
    clean_env();
    Providers p;
    providers_init(&p, NULL, NULL);
    ProviderChoice c;
    ErrorBuf err;
    /* nothing at all: the demo */
    CHECK(resolve(&p, NULL, (ProviderFlags){0}, &c, NULL, &err));
    CHECK(c.demo && !c.url && !c.provider);
    provider_choice_clear(&c);
    /* OPENAI_API_KEY alone: openai */
    setenv("OPENAI_API_KEY", "sk-o", 1);
    CHECK(resolve(&p, NULL, (ProviderFlags){0}, &c, NULL, &err));
    CHECK(!c.demo && strcmp(c.url, "wss://api.openai.com/v1") == 0);
    CHECK(strcmp(c.api_key, "sk-o") == 0 && strcmp(c.model, SESSION_DEFAULT_MODEL) == 0);
    provider_choice_clear(&c);
    /* FLINT_API_KEY wins over OPENAI_API_KEY; --url alone keeps today's rules */
    setenv("FLINT_API_KEY", "sk-f", 1);
    CHECK(resolve(&p, NULL, (ProviderFlags){.url = "ws://127.0.0.1:1/v1", .model = "m"}, &c,
                  NULL, &err));
    CHECK(strcmp(c.api_key, "sk-f") == 0 && strcmp(c.url, "ws://127.0.0.1:1/v1") == 0);
    CHECK(strcmp(c.model, "m") == 0 && !c.provider);
    provider_choice_clear(&c);
    clean_env();
    /* --provider, then --url/--api/--model over its fields */
    CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "ollama"}, &c, NULL, &err));
    CHECK(strcmp(c.url, "http://127.0.0.1:11434/v1") == 0 && c.api == APP_API_CHAT);
    provider_choice_clear(&c);
    CHECK(resolve(&p, "xai", (ProviderFlags){.provider = "vllm", .url = "http://127.0.0.1:9/v1",
                                             .api = "responses", .model = "q"},
                  &c, NULL, &err));
    CHECK(strcmp(c.provider->name, "vllm") == 0 && strcmp(c.url, "http://127.0.0.1:9/v1") == 0);
    CHECK(c.api == APP_API_RESPONSES && strcmp(c.model, "q") == 0);
    provider_choice_clear(&c);
    /* a provider's headers on the WebSocket transport: sent too, so nothing to warn about */
    {
        SettingsHeader h = {(char *)"X-A", (char *)"1"};
        Provider *v = (Provider *)providers_find(&p, "vllm");
        v->headers = &h;
        v->n_headers = 1;
        StrBuf w = {0};
        CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "vllm", .api = "responses"}, &c, &w,
                      &err));
        CHECK(strstr(sb_cstr(&w), "headers") == NULL);
        provider_choice_clear(&c);
        sb_free(&w);
        v->headers = NULL;
        v->n_headers = 0;
    }
    /* the settings' default gives way to --url */
    CHECK(resolve(&p, "xai", (ProviderFlags){.url = "ws://127.0.0.1:2/v1"}, &c, NULL, &err));
    CHECK(!c.provider && strcmp(c.url, "ws://127.0.0.1:2/v1") == 0);
    provider_choice_clear(&c);
    /* a cloud provider without its key: a warning, not a failure */
    StrBuf warn = {0};
    CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "xai"}, &c, &warn, &err));
    CHECK_STR_EQ(sb_cstr(&warn), "xai needs XAI_API_KEY (no key is set)\n");
    provider_choice_clear(&c);
    sb_free(&warn);
    /* cerebras: chat over https:// */
    CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "cerebras"}, &c, NULL, &err));
    CHECK(c.api == APP_API_CHAT && strcmp(c.url, "https://api.cerebras.ai/v1") == 0);
    provider_choice_clear(&c);
    /* --demo excludes --provider and --url */
    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "xai", .demo = true}, &c, NULL, &err));
    CHECK(!resolve(&p, NULL, (ProviderFlags){.url = "ws://x/v1", .demo = true}, &c, NULL, &err));
    providers_free(&p);
}

static void test_unknown_name(void)
{
    Providers p;
    providers_init(&p, NULL, NULL);
    ProviderChoice c;
    ErrorBuf err;
    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "nope"}, &c, NULL, &err));
    CHECK_STR_EQ(err.msg, "--provider nope: no such provider (known: openai, xai, cerebras, "
                          "ollama, llamacpp, vllm)");
    CHECK(!resolve(&p, "gone", (ProviderFlags){0}, &c, NULL, &err));
    CHECK(strstr(err.msg, "settings: provider gone: no such provider") != NULL);
    providers_free(&p);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
    CHECK(chmod(path, mode) == 0);
}

static void test_key_file_modes(void)
{
    clean_env();
    char ok[128], open_[128], link_[128], dir[128], json[1024];
    snprintf(ok, sizeof ok, "%s/ok.key", tmpdir);
    snprintf(open_, sizeof open_, "%s/open.key", tmpdir);
    snprintf(link_, sizeof link_, "%s/link.key", tmpdir);
    snprintf(dir, sizeof dir, "%s/dir.key", tmpdir);
    write_file(ok, "sk-file-secret\n", 0600);
    write_file(open_, "sk-open\n", 0644);
    CHECK(symlink(ok, link_) == 0);
    CHECK(mkdir(dir, 0700) == 0);
    snprintf(json, sizeof json,
             "{ \"providers\": {"
             " \"a\": { \"base_url\": \"ws://127.0.0.1:1/v1\", \"key_file\": \"%s\" },"
             " \"b\": { \"base_url\": \"ws://127.0.0.1:1/v1\", \"key_file\": \"%s\" },"
             " \"c\": { \"base_url\": \"ws://127.0.0.1:1/v1\", \"key_file\": \"%s\" },"
             " \"d\": { \"base_url\": \"ws://127.0.0.1:1/v1\", \"key_file\": \"%s\" },"
             " \"e\": { \"base_url\": \"ws://127.0.0.1:1/v1\", \"key_file\": \"%s/none\" } } }",
             ok, open_, link_, dir, tmpdir);
    Settings s;
    load(&s, json);
    Providers p;
    providers_init(&p, &s, NULL);
    ProviderChoice c;
    ErrorBuf err;
    CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "a"}, &c, NULL, &err));
    CHECK(c.api_key && strcmp(c.api_key, "sk-file-secret") == 0);
    provider_choice_clear(&c);
    CHECK(chmod(ok, 0400) == 0); /* stricter is fine */
    CHECK(resolve(&p, NULL, (ProviderFlags){.provider = "a"}, &c, NULL, &err));
    CHECK(c.api_key != NULL);
    provider_choice_clear(&c);

    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "b"}, &c, NULL, &err));
    CHECK(strstr(err.msg, open_) != NULL && strstr(err.msg, "mode 0644") != NULL);
    CHECK(strstr(err.msg, "sk-open") == NULL);
    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "c"}, &c, NULL, &err));
    CHECK(strstr(err.msg, link_) != NULL && strstr(err.msg, "symbolic link") != NULL);
    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "d"}, &c, NULL, &err));
    CHECK(strstr(err.msg, dir) != NULL && strstr(err.msg, "not a regular file") != NULL);
    CHECK(!resolve(&p, NULL, (ProviderFlags){.provider = "e"}, &c, NULL, &err));
    CHECK(strstr(err.msg, "No such file") != NULL);

    StrBuf out = {0};
    providers_list(&p, &out);
    CHECK(strstr(sb_cstr(&out), "sk-file-secret") == NULL);
    CHECK(strstr(sb_cstr(&out), "file ") != NULL);
    sb_free(&out);
    providers_free(&p);
    settings_clear(&s);
    unlink(ok);
    unlink(open_);
    unlink(link_);
    rmdir(dir);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/flint-providers-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_builtins);
    RUN(test_overrides_from_settings);
    RUN(test_resolution_order);
    RUN(test_unknown_name);
    RUN(test_key_file_modes);
    rmdir(tmpdir);
    return harness_done();
}
