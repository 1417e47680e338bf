/* session/settings: config.json with comments -> typed settings; PATH:LINE errors that keep
 * the defaults; unknown keys warn with their line; --print-config's JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/settings.h"

static bool parse(Settings *s, const char *text, ErrorBuf *err)
{
    error_clear(err);
    return settings_parse(s, "config.json", text, strlen(text), err);
}

static void test_defaults(void)
{
    Settings s;
    settings_init(&s);
    CHECK_INT_EQ(s.tab_width, 4);
    CHECK(!s.expand_tabs);
    CHECK(s.theme == NULL);
    ErrorBuf err;
    CHECK(parse(&s, "{}", &err));
    CHECK_INT_EQ(s.tab_width, 4);
    CHECK_INT_EQ(s.n_warnings, 0);
    settings_clear(&s);
}

static void test_full_file_with_comments(void)
{
    const char *text =
        "// flint settings\n"
        "{\n"
        "  /* the light one,\n"
        "     for daylight */\n"
        "  \"theme\": \"light\", // trailing comment with \"quotes\" and // more\n"
        "  \"editor\": { \"tab_width\": 8, \"expand_tabs\": true, },\n"
        "  \"keys\": { \"F2\": \"ask\", \"prompt\": { \"Ctrl-J\": \"submit\" } },\n"
        "  \"providers\": {\n"
        "    \"local\": { \"base_url\": \"http://127.0.0.1:8080/v1\", \"api\": \"chat\",\n"
        "               \"model\": \"qwen\", \"headers\": { \"X-Org\": \"o1\" }, \"lifetime\": 600,\n"
        "               \"insecure\": true },\n"
        "  },\n"
        "  \"provider\": \"local\",\n"
        "  \"url\": \"http://x/y // not a comment\"\n"
        "}\n";
    Settings s;
    settings_init(&s);
    ErrorBuf err;
    CHECK(parse(&s, text, &err));
    CHECK_STR_EQ(s.theme, "light");
    CHECK_INT_EQ(s.tab_width, 8);
    CHECK(s.expand_tabs);
    CHECK_INT_EQ(s.n_bindings, 2);
    CHECK_STR_EQ(s.bindings[0].mode, "edit");
    CHECK_STR_EQ(s.bindings[0].key, "F2");
    CHECK_STR_EQ(s.bindings[0].command, "ask");
    CHECK_INT_EQ(s.bindings[0].line, 7);
    CHECK_STR_EQ(s.bindings[1].mode, "prompt");
    CHECK_STR_EQ(s.bindings[1].key, "Ctrl-J");
    CHECK_INT_EQ(s.n_providers, 1);
    CHECK_STR_EQ(s.providers[0].name, "local");
    CHECK_STR_EQ(s.providers[0].api, "chat");
    CHECK_STR_EQ(s.providers[0].model, "qwen");
    CHECK_INT_EQ(s.providers[0].lifetime_s, 600);
    CHECK(s.providers[0].insecure);
    CHECK_INT_EQ(s.providers[0].n_headers, 1);
    CHECK_STR_EQ(s.providers[0].headers[0].value, "o1");
    CHECK_INT_EQ(s.providers[0].line, 9);
    CHECK_STR_EQ(s.provider, "local");
    /* "url" is not a setting: a warning with its line, and the rest still applies. */
    CHECK_INT_EQ(s.n_warnings, 1);
    if (s.n_warnings)
        CHECK_STR_EQ(s.warnings[0], "config.json:14: unknown setting 'url' (ignored)");
    CHECK_STR_EQ(s.path, "config.json");
    settings_clear(&s);
}

/* A broken file: PATH:LINE: message, and the defaults stay (nothing half-applied). */
static void test_errors_keep_defaults(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\n \"theme\": \"x\",\n \"editor\": { \"tab_width\": 0 }\n}",
         "config.json:3: editor.tab_width must be a whole number from 1 to 16"},
        {"{\n\n \"editor\": { \"tab_width\": 2.5 } }", "config.json:3: editor.tab_width must be a whole number from 1 to 16"},
        {"{\n \"editor\": { \"expand_tabs\": \"yes\" } }", "config.json:2: editor.expand_tabs must be true or false"},
        {"{\n \"theme\": 3 }", "config.json:2: theme must be a string"},
        {"{\n \"keys\": { \"F2\": 1 } }", "config.json:2: keys: 'F2' must name a command (a string), or be an object of a mode's bindings"},
        {"{\n \"keys\": { \"prompt\": { \"a\": {} } } }", "config.json:2: keys: 'a' must name a command (a string)"},
        {"{ \"providers\": {\n \"p\": { \"api\": \"grpc\" } } }", "config.json:2: api must be \"responses\" or \"chat\", not \"grpc\""},
        {"{ \"providers\": {\n \"p\": { \"headers\": { \"X\": \"a\\nb\" } } } }", "config.json:2: header 'X' must be a one-line string"},
        {"[1, 2]", "config.json:1: the settings must be one JSON object { ... }"},
        {"{\n \"theme\": \"x\"\n \"editor\": {}\n}", "config.json:3: not valid JSON near '\"editor\": {}\n}'"},
        {"{\n /* never closed\n}", "config.json:2: a comment that never ends (/* without */)"},
        {"", "config.json:1: not valid JSON near 'end of file'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Settings s;
        settings_init(&s);
        ErrorBuf err;
        CHECK(!parse(&s, cases[i].text, &err));
        CHECK_STR_EQ(err.msg, cases[i].want);
        CHECK(s.theme == NULL);
        CHECK_INT_EQ(s.tab_width, 4);
        CHECK_INT_EQ(s.n_bindings, 0);
        settings_clear(&s);
    }
    /* A failed parse leaves what an earlier good one set. */
    Settings s;
    settings_init(&s);
    ErrorBuf err;
    CHECK(parse(&s, "{\"theme\": \"light\"}", &err));
    CHECK(!parse(&s, "{\"theme\": 1}", &err));
    CHECK_STR_EQ(s.theme, "light");
    settings_clear(&s);
}

static void test_nul_byte(void)
{
    Settings s;
    settings_init(&s);
    ErrorBuf err;
    CHECK(!settings_parse(&s, "c.json", "{\n}\0", 4, &err));
    CHECK_STR_EQ(err.msg, "c.json:2: a NUL byte: not a text file");
    settings_clear(&s);
}

static void test_load_missing_and_default_path(void)
{
    Settings s;
    settings_init(&s);
    ErrorBuf err;
    CHECK(settings_load(&s, "/nonexistent/flint/config.json", true, &err));
    CHECK(!settings_load(&s, "/nonexistent/flint/config.json", false, &err));
    CHECK(strstr(err.msg, "/nonexistent/flint/config.json: No such file") != NULL);

    char path[256];
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    CHECK(settings_default_path(path, sizeof path));
    CHECK_STR_EQ(path, "/x/cfg/flint/config.json");
    setenv("XDG_CONFIG_HOME", "relative", 1); /* not absolute: ignored, as XDG says */
    setenv("HOME", "/home/u", 1);
    CHECK(settings_default_path(path, sizeof path));
    CHECK_STR_EQ(path, "/home/u/.config/flint/config.json");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    CHECK(!settings_default_path(path, sizeof path));

    char dir[] = "/tmp/flint-test-settings-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char file[128];
    snprintf(file, sizeof file, "%s/config.json", dir);
    FILE *f = fopen(file, "w");
    fputs("{ \"editor\": { \"tab_width\": 2 } }\n", f);
    fclose(f);
    CHECK(settings_load(&s, file, false, &err));
    CHECK_INT_EQ(s.tab_width, 2);
    CHECK_STR_EQ(s.path, file);
    unlink(file);
    rmdir(dir);
    settings_clear(&s);
}

static void test_print(void)
{
    Settings s;
    settings_init(&s);
    ErrorBuf err;
    CHECK(parse(&s, "{\"keys\": {\"F2\": \"ask\", \"F2\": \"help\"}, \"providers\": {\"p\": "
                    "{\"model\": \"m\", \"headers\": {\"Authorization\": \"secret\"}}}}",
                &err));
    StrBuf out = {0};
    settings_print(&s, &out);
    CHECK(strstr(sb_cstr(&out), "\"tab_width\":\t4") != NULL);
    CHECK(strstr(sb_cstr(&out), "\"F2\":\t\"help\"") != NULL); /* the last binding wins */
    CHECK(strstr(sb_cstr(&out), "\"ask\"") == NULL);
    CHECK(strstr(sb_cstr(&out), "secret") == NULL);           /* header values never shown */
    CHECK(strstr(sb_cstr(&out), "\"Authorization\":\t\"(set)\"") != NULL);
    /* The printed settings read back as the same settings. */
    Settings again;
    settings_init(&again);
    CHECK(settings_parse(&again, "printed", out.data, out.len, &err));
    CHECK_INT_EQ(again.n_warnings, 0);
    CHECK_STR_EQ(again.theme, "default");
    settings_clear(&again);
    sb_free(&out);
    settings_clear(&s);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_full_file_with_comments);
    RUN(test_errors_keep_defaults);
    RUN(test_nul_byte);
    RUN(test_load_missing_and_default_path);
    RUN(test_print);
    return harness_done();
}
