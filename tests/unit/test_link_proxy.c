/* LinkProxy (net/link_proxy.h): which variable applies to which scheme, lower case first,
 * NO_PROXY (names, suffixes, "*", IP literals, CIDR, ports), loopback always direct, proxy
 * values (scheme, credentials percent-decoded, IPv6, default port, refusals that name the
 * variable and never the password), the CONNECT request with Basic credentials, the reply. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "net/link_proxy.h"

static const char *vars[16][2];

static const char *fake_env(const char *name)
{
    for (int i = 0; i < 16 && vars[i][0]; i++)
        if (strcmp(vars[i][0], name) == 0)
            return vars[i][1];
    return NULL;
}

static void set_env(const char *const *kv)
{
    memset(vars, 0, sizeof vars);
    for (int i = 0; kv[2 * i]; i++) {
        vars[i][0] = kv[2 * i];
        vars[i][1] = kv[2 * i + 1];
    }
}

static void test_pick(void)
{
    LinkProxy p;
    char err[256];
    set_env((const char *[]){"HTTPS_PROXY", "http://proxy.corp:3128", "http_proxy",
                             "plain.corp:8080", NULL});
    CHECK(link_proxy_pick(true, "api.cerebras.ai", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "proxy.corp");
    CHECK_INT_EQ(p.port, 3128);
    CHECK_STR_EQ(p.display, "proxy.corp:3128");
    CHECK_STR_EQ(p.source, "HTTPS_PROXY");
    CHECK_STR_EQ(p.userpass, "");
    CHECK(link_proxy_pick(false, "box.lan", 8080, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "plain.corp");
    CHECK_INT_EQ(p.port, 8080);
    /* loopback is always direct */
    CHECK(link_proxy_pick(false, "127.0.0.1", 8080, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "");
    CHECK(link_proxy_pick(true, "localhost", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "");
    /* lower case wins; default port 1080; IPv6 */
    set_env((const char *[]){"https_proxy", "[fd00::1]", "HTTPS_PROXY", "other:1", NULL});
    CHECK(link_proxy_pick(true, "x.example", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "fd00::1");
    CHECK_INT_EQ(p.port, 1080);
    CHECK_STR_EQ(p.display, "[fd00::1]:1080");
    CHECK_STR_EQ(p.source, "https_proxy");
    /* nothing set: direct */
    set_env((const char *[]){NULL});
    CHECK(link_proxy_pick(true, "x.example", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "");
    CHECK(p.source == NULL);
}

static void test_credentials_and_refusals(void)
{
    LinkProxy p;
    char err[256] = "";
    set_env((const char *[]){"https_proxy", "http://me%40corp:p%3Ass@proxy:8080/", NULL});
    CHECK(link_proxy_pick(true, "a.example", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.userpass, "me@corp:p:ss");
    CHECK_STR_EQ(p.display, "proxy:8080");
    char req[512];
    size_t n = link_proxy_connect_request(&p, "a.example", 443, req, sizeof req);
    CHECK(n > 0);
    /* base64("me@corp:p:ss") */
    CHECK_STR_EQ(req, "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n"
                      "Proxy-Authorization: Basic bWVAY29ycDpwOnNz\r\n\r\n");
    LinkProxy none = {0};
    n = link_proxy_connect_request(&none, "::1", 8080, req, sizeof req);
    CHECK_STR_EQ(req, "CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");

    const char *bad[] = {"socks5://s:1080", "https://p:3128", "http://:3128", "http://p:0",
                         "http://p:99999", "http://p:12x", "http://[fd00::1:3128"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set_env((const char *[]){"HTTPS_PROXY", bad[i], NULL});
        err[0] = '\0';
        CHECK(!link_proxy_pick(true, "a.example", 443, fake_env, &p, err, sizeof err));
        CHECK(strstr(err, "HTTPS_PROXY is not a usable proxy") != NULL);
    }
    set_env((const char *[]){"HTTPS_PROXY", "http://u:secret\x01@p:1", NULL});
    CHECK(!link_proxy_pick(true, "a.example", 443, fake_env, &p, err, sizeof err));
    CHECK(strstr(err, "secret") == NULL);
}

static void test_no_proxy(void)
{
    CHECK(link_proxy_exempt("*", "anything", 443));
    CHECK(link_proxy_exempt("example.com", "example.com", 443));
    CHECK(link_proxy_exempt("example.com", "api.EXAMPLE.com", 443));
    CHECK(link_proxy_exempt(".example.com", "api.example.com", 443));
    CHECK(link_proxy_exempt("*.example.com", "api.example.com", 443));
    CHECK(!link_proxy_exempt("example.com", "badexample.com", 443));
    CHECK(!link_proxy_exempt("api.example.com", "example.com", 443));
    CHECK(link_proxy_exempt("a.b, corp.lan  ,x", "srv.corp.lan", 80));
    CHECK(link_proxy_exempt("corp.lan:8080", "srv.corp.lan", 8080));
    CHECK(!link_proxy_exempt("corp.lan:8080", "srv.corp.lan", 443));
    CHECK(link_proxy_exempt("10.0.0.0/8", "10.1.2.3", 443));
    CHECK(!link_proxy_exempt("10.0.0.0/8", "11.1.2.3", 443));
    CHECK(link_proxy_exempt("192.168.1.7", "192.168.1.7", 443));
    CHECK(link_proxy_exempt("fd00::/8", "fd12::1", 443));
    CHECK(link_proxy_exempt("[fd00::1]:443", "fd00::1", 443));
    CHECK(!link_proxy_exempt("[fd00::1]:443", "fd00::1", 80));
    CHECK(!link_proxy_exempt("", "a", 1));
    CHECK(!link_proxy_exempt(NULL, "a", 1));
    /* through link_proxy_pick, either spelling */
    LinkProxy p;
    char err[128];
    set_env((const char *[]){"HTTPS_PROXY", "p:1", "NO_PROXY", ".internal", NULL});
    CHECK(link_proxy_pick(true, "llm.internal", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "");
    CHECK(link_proxy_pick(true, "api.openai.com", 443, fake_env, &p, err, sizeof err));
    CHECK_STR_EQ(p.host, "p");
}

static void test_reply(void)
{
    unsigned st;
    CHECK_INT_EQ(link_proxy_reply("HTTP/1.1 200 Connection est", 27, &st), 0);
    const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03";
    CHECK_INT_EQ(link_proxy_reply(ok, sizeof ok - 1, &st), sizeof ok - 3);
    CHECK_INT_EQ(st, 200);
    const char no[] = "HTTP/1.0 407 Proxy Authentication Required\nX: y\n\n";
    CHECK_INT_EQ(link_proxy_reply(no, sizeof no - 1, &st), sizeof no - 1);
    CHECK_INT_EQ(st, 407);
    CHECK(link_proxy_reply("SSH-2.0\r\n\r\n", 11, &st) == 11 && st == 0);
}

int main(void)
{
    RUN(test_pick);
    RUN(test_credentials_and_refusals);
    RUN(test_no_proxy);
    RUN(test_reply);
    return harness_done();
}
