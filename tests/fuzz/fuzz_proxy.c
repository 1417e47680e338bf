/* Fuzz target: proxy settings and answers (net/link_proxy.c): link_proxy_pick over arbitrary
 * https_proxy / no_proxy values and target hosts, link_proxy_exempt, the CONNECT request and
 * link_proxy_reply over arbitrary proxy answers.
 *
 * Input: four fields separated by NUL bytes: the proxy value, the no_proxy value, the target
 * host, then the proxy's answer (the rest, may hold NULs). Invariants: a picked proxy has a
 * host without control bytes or spaces, a port in 1-65535 and a display form; a refusal has a
 * message without control bytes that never holds the proxy value's password (one with a byte
 * of "!$*=~", which no fixed message has); the CONNECT
 * request fits its buffer and ends its head; a reply's head length never exceeds the input
 * and its status is 0 or three digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/link_proxy.h"

static const char *f_proxy, *f_no_proxy;

static const char *env(const char *name)
{
    if (strcmp(name, "https_proxy") == 0)
        return f_proxy;
    if (strcmp(name, "no_proxy") == 0)
        return f_no_proxy;
    return NULL;
}

static void no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        REQUIRE(*p >= 0x20 && *p != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 4);
    memcpy(buf, data, size);
    memset(buf + size, 0, 4);
    const char *fields[3];
    size_t pos = 0;
    for (int i = 0; i < 3; i++) {
        fields[i] = buf + (pos < size ? pos : size);
        while (pos < size && buf[pos])
            pos++;
        pos++;
    }
    const char *reply = pos < size ? buf + pos : "";
    size_t reply_len = pos < size ? size - pos : 0;
    f_proxy = fields[0];
    f_no_proxy = fields[1];
    const char *host = fields[2];

    LinkProxy p;
    char err[256] = "";
    if (link_proxy_pick(true, host, 443, env, &p, err, sizeof err)) {
        if (p.host[0]) {
            REQUIRE(p.port >= 1 && p.port <= 65535);
            for (const unsigned char *q = (const unsigned char *)p.host; *q; q++)
                REQUIRE(*q > 0x20 && *q != 0x7f);
            REQUIRE(p.display[0] != '\0' && p.source != NULL);
            char req[1024];
            size_t n = link_proxy_connect_request(&p, host, 443, req, sizeof req);
            REQUIRE(n < sizeof req);
            if (n)
                REQUIRE(n >= 4 && memcmp(req + n - 4, "\r\n\r\n", 4) == 0);
        }
    } else {
        REQUIRE(err[0] != '\0');
        no_controls(err);
        /* never the password: the part of the value between the first ':' after the scheme
         * and the last '@' (checked when it is long enough to be unmistakable) */
        const char *v = strstr(f_proxy, "://");
        v = v ? v + 3 : f_proxy;
        const char *at = strrchr(v, '@');
        const char *colon = strchr(v, ':');
        if (at && colon && colon < at && at - colon > 8) {
            char pw[64];
            size_t n = (size_t)(at - colon - 1) < sizeof pw - 1 ? (size_t)(at - colon - 1) : sizeof pw - 1;
            memcpy(pw, colon + 1, n);
            pw[n] = '\0';
            /* with a byte no fixed message has, it cannot be a word of one by chance */
            if (!strchr(pw, '/') && !strchr(pw, '?') && !strchr(pw, '#') && strpbrk(pw, "!$*=~"))
                REQUIRE(strstr(err, pw) == NULL);
        }
    }
    (void)link_proxy_exempt(f_no_proxy, host, 80);
    unsigned status = 1234;
    size_t head = link_proxy_reply(reply, reply_len, &status);
    REQUIRE(head <= reply_len);
    REQUIRE(status == 0 || (status >= 100 && status <= 999));
    free(buf);
    return 0;
}
