/* net/http_get: one short GET on a worker thread, against a flint-backend child (the model
 * list in its WebSocket mode: the same port answers plain HTTP), a path it does not serve
 * (404 with its body), a port nobody listens on (the reason in words), a URL refused before
 * anything goes out (the key in clear text to a non-loopback host; a bad scheme), and a
 * request freed while it runs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/http_get.h"
#include "support/backend_support.h"
#include "support/harness.h"

static HttpGet *get(const char *url, const char *suffix, const char *key)
{
    char err[256] = "";
    HttpGetConfig c = {.url = url, .suffix = suffix, .api_key = key, .timeout_ms = 5000};
    HttpGet *g = http_get_start(&c, err, sizeof err);
    if (!g)
        fprintf(stderr, "  http_get_start: %s\n", err);
    return g;
}

static bool wait_done(HttpGet *g)
{
    for (int i = 0; i < 1000 && !http_get_done(g); i++)
        usleep(10000);
    return http_get_done(g);
}

static void test_against_backend(void)
{
    Backend b;
    const char *extra[] = {"--models", "x-1,y-2", NULL};
    if (!start_or_fail(&b, extra, false))
        return;
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/v1", b.port);
    HttpGet *g = get(url, "/models", "sk-test");
    CHECK(g != NULL);
    if (g) {
        CHECK(wait_done(g));
        CHECK_INT_EQ(http_get_status(g), 200);
        size_t len;
        const char *body = http_get_body(g, &len);
        CHECK(strstr(body, "\"id\":\"x-1\"") && strstr(body, "\"id\":\"y-2\""));
        CHECK_INT_EQ(len, strlen(body));
        CHECK_STR_EQ(http_get_error(g), "");
        http_get_free(g);
    }
    g = get(url, "/nothing", NULL);
    if (g) {
        CHECK(wait_done(g));
        CHECK_INT_EQ(http_get_status(g), 404);
        http_get_free(g);
    }
    backend_stop(&b);
    backend_cleanup(&b);
}

static void test_failures(void)
{
    /* Nobody listens: a port just freed. */
    int port = 1;
    {
        Backend b;
        if (!start_or_fail(&b, NULL, false))
            return;
        port = b.port;
        backend_stop(&b);
        backend_cleanup(&b);
    }
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
    HttpGet *g = get(url, "/models", NULL);
    if (g) {
        CHECK(wait_done(g));
        CHECK_INT_EQ(http_get_status(g), 0);
        CHECK(strstr(http_get_error(g), "connection refused by 127.0.0.1:") != NULL);
        http_get_free(g);
    }
    /* Refused before anything goes out. */
    char err[256] = "";
    HttpGetConfig c = {.url = "http://example.com/v1", .suffix = "/models", .api_key = "sk-x"};
    CHECK(http_get_start(&c, err, sizeof err) == NULL);
    CHECK(strstr(err, "clear text") != NULL);
    CHECK(strstr(err, "sk-x") == NULL);
    c = (HttpGetConfig){.url = "ftp://127.0.0.1/v1", .suffix = "/models"};
    CHECK(http_get_start(&c, err, sizeof err) == NULL);
    /* Freed while it runs (a connect that hangs: a non-routable address): at once. */
    c = (HttpGetConfig){.url = "http://10.255.255.1:9/v1", .suffix = "/models", .timeout_ms = 3000};
    g = http_get_start(&c, err, sizeof err);
    CHECK(g != NULL);
    http_get_free(g);
}

int main(void)
{
    RUN(test_against_backend);
    RUN(test_failures);
    return harness_done();
}
