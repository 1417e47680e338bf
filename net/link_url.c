/* URL parsing for Link (see link_url.h for the accepted grammar).
 *
 * A small hand-written scanner over the RFC 3986 authority/path split: scheme "://",
 * authority up to the first '/', '?' or '#', then path and query. It only accepts what a
 * WebSocket client can use (RFC 6455 section 3: ws/wss URIs carry no fragment) and says
 * which part is wrong, since the message ends up in the status line. */
#include "net/link_url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

#define HOST_MAX 253
#define PATH_MAX_LEN 4096

static bool fail(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t err_size, const char *fmt, ...)
{
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool host_char(unsigned char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; }

static bool v6_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
           c == ':' || c == '.';
}

/* Path and query: RFC 3986 pchar plus '/' and '?', with %XX escapes passed through. */
static bool path_char(unsigned char c)
{
    return is_alnum(c) || strchr("-._~!$&'()*+,;=:@/?%", c) != NULL;
}

void link_url_redact(const char *url, char *out, size_t size)
{
    static const char elided[] = "?...";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)url; *p && n + 1 < size; p++) {
        if (*p == '?' || *p == '#') {
            size_t room = size - 1 - n;
            size_t k = room < sizeof elided - 1 ? room : sizeof elided - 1;
            memcpy(out + n, elided, k);
            n += k;
            break;
        }
        out[n++] = (*p > 0x20 && *p < 0x7f) ? (char)*p : '?';
    }
    out[n] = '\0';
}

static bool parse(const char *raw, const char *suffix, bool http, LinkUrl *u, char *err,
                  size_t err_size)
{
    memset(u, 0, sizeof *u);
    if (!raw || !*raw)
        return fail(err, err_size, "no server URL given");
    /* Messages quote the URL without its query (it can carry tokens) or odd bytes. */
    char url_shown[96];
    link_url_redact(raw, url_shown, sizeof url_shown);
    const char *url = raw;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return fail(err, err_size, "URL \"%.80s\": contains a space or control character",
                        url_shown);

    const char *sep = strstr(url, "://");
    if (!sep)
        return fail(err, err_size,
                    "URL \"%.80s\": must start with ws://, wss://, http:// or https://", url_shown);
    size_t slen = (size_t)(sep - url);
    bool tls;
    if ((slen == 2 && !strncasecmp(url, "ws", 2)) || (slen == 4 && !strncasecmp(url, "http", 4)))
        tls = false;
    else if ((slen == 3 && !strncasecmp(url, "wss", 3)) ||
             (slen == 5 && !strncasecmp(url, "https", 5)))
        tls = true;
    else
        return fail(err, err_size,
                    "URL \"%.80s\": unsupported scheme \"%.*s\" (use ws, wss, http or https)",
                    url_shown, (int)(slen > 16 ? 16 : slen), url_shown);

    const char *auth = sep + 3;
    const char *auth_end = auth + strcspn(auth, "/?#");
    if (memchr(auth, '@', (size_t)(auth_end - auth)))
        return fail(err, err_size,
                    "URL \"%.80s\": user:password@ is not supported (set the API key instead)",
                    url_shown);
    if (strchr(url, '#'))
        return fail(err, err_size, "URL \"%.80s\": a #fragment is not allowed", url_shown);

    /* host */
    const char *h = auth, *h_end, *after;
    bool v6 = false;
    if (*h == '[') {
        const char *close = memchr(h, ']', (size_t)(auth_end - h));
        if (!close)
            return fail(err, err_size, "URL \"%.80s\": IPv6 address is missing its ']'", url_shown);
        for (const char *q = h + 1; q < close; q++)
            if (!v6_char((unsigned char)*q))
                return fail(err, err_size, "URL \"%.80s\": bad IPv6 address", url_shown);
        if (close == h + 1 || !memchr(h + 1, ':', (size_t)(close - h - 1)))
            return fail(err, err_size, "URL \"%.80s\": bad IPv6 address", url_shown);
        v6 = true;
        h++;
        h_end = close;
        after = close + 1;
    } else {
        h_end = h;
        while (h_end < auth_end && *h_end != ':')
            h_end++;
        after = h_end;
        for (const char *q = h; q < h_end; q++)
            if (!host_char((unsigned char)*q))
                return fail(err, err_size, "URL \"%.80s\": bad character '%c' in host name",
                            url_shown, *q);
    }
    if (h_end == h)
        return fail(err, err_size, "URL \"%.80s\": no host name", url_shown);
    if (h_end - h > HOST_MAX)
        return fail(err, err_size, "URL \"%.80s\": host name too long", url_shown);

    /* port */
    int port = tls ? 443 : 80;
    bool explicit_port = false;
    if (after < auth_end) {
        if (*after != ':')
            return fail(err, err_size, "URL \"%.80s\": unexpected text after the host", url_shown);
        const char *p = after + 1;
        if (p == auth_end)
            return fail(err, err_size, "URL \"%.80s\": empty port", url_shown);
        long v = 0;
        for (; p < auth_end; p++) {
            if (*p < '0' || *p > '9')
                return fail(err, err_size, "URL \"%.80s\": port is not a number", url_shown);
            v = v * 10 + (*p - '0');
            if (v > 65535)
                break;
        }
        if (v < 1 || v > 65535)
            return fail(err, err_size, "URL \"%.80s\": port out of range (1-65535)", url_shown);
        port = (int)v;
        explicit_port = port != (tls ? 443 : 80);
    }

    /* path and query */
    const char *path = auth_end;
    const char *query = path + strcspn(path, "?");
    for (const char *q = path; *q; q++) {
        if (path_char((unsigned char)*q))
            continue;
        if (q > query) /* not even one character of the query is shown */
            return fail(err, err_size, "URL \"%.80s\": bad character in the query", url_shown);
        return fail(err, err_size, "URL \"%.80s\": bad character '%c' in path", url_shown, *q);
    }
    if (strlen(path) > PATH_MAX_LEN)
        return fail(err, err_size, "URL \"%.80s\": path too long", url_shown);
    size_t plen = (size_t)(query - path);
    while (plen && path[plen - 1] == '/')
        plen--;

    size_t sfx = strlen(suffix);
    StrBuf sb = {0};
    sb_append(&sb, path, plen);
    if (!(plen >= sfx && !memcmp(path + plen - sfx, suffix, sfx)))
        sb_append(&sb, suffix, sfx);
    size_t path_only = sb.len;
    sb_puts(&sb, query);

    u->tls = tls;
    u->port = port;
    u->host = xstrndup(h, (size_t)(h_end - h));
    StrBuf t = {0};
    sb_printf(&t, v6 ? "[%s]" : "%s", u->host);
    if (explicit_port)
        sb_printf(&t, ":%d", port);
    u->host_header = sb_steal(&t, NULL);
    sb_printf(&t, v6 ? "[%s]:%d" : "%s:%d", u->host, port);
    u->endpoint = sb_steal(&t, NULL);
    const char *scheme = http ? (tls ? "https" : "http") : (tls ? "wss" : "ws");
    sb_printf(&t, "%s://%s%.*s%s", scheme, u->endpoint, (int)path_only, sb.data,
              *query ? "?..." : "");
    u->display = sb_steal(&t, NULL);
    u->path = sb_steal(&sb, NULL);
    return true;
}

bool link_url_parse(const char *url, LinkUrl *u, char *err, size_t err_size)
{
    return parse(url, "/responses", false, u, err, err_size);
}

bool link_url_parse_http(const char *url, const char *suffix, LinkUrl *u, char *err,
                         size_t err_size)
{
    return parse(url, suffix, true, u, err, err_size);
}

bool link_host_is_loopback(const char *host)
{
    if (!host)
        return false;
    if (strcasecmp(host, "localhost") == 0)
        return true;
    unsigned char a[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) != 1)
        return false;
    static const unsigned char v6_loop[16] = {[15] = 1};
    static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
    return memcmp(a, v6_loop, 16) == 0 || (memcmp(a, v4_mapped, 12) == 0 && a[12] == 127);
}

void link_url_free(LinkUrl *u)
{
    if (!u)
        return;
    free(u->host);
    free(u->host_header);
    free(u->endpoint);
    free(u->path);
    free(u->display);
    memset(u, 0, sizeof *u);
}

bool link_url_allowed(const LinkUrl *u, const char *api_key, bool allow_insecure,
                      const char *ca_file, char *err, size_t err_size)
{
    /* decided on the name as written, never on what it resolves to (link_host_is_loopback) */
    if (api_key && *api_key && !u->tls && !allow_insecure && !link_host_is_loopback(u->host)) {
        bool http = strncmp(u->display, "http", 4) == 0;
        snprintf(err, err_size, "refusing to send the API key in clear text to %.160s (%s): "
                 "use %s, or --insecure to allow it", u->endpoint, http ? "http://" : "ws://",
                 http ? "https://" : "wss://");
        return false;
    }
    if (ca_file && *ca_file) {
        FILE *f = fopen(ca_file, "r");
        if (!f) {
            snprintf(err, err_size, "CA file %.200s: %s", ca_file, strerror(errno));
            return false;
        }
        fclose(f);
    }
    return true;
}
