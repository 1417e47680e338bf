/* LinkProxy (link_proxy.h): the environment's proxy settings, NO_PROXY matching, and the
 * CONNECT request and reply. */
#include "net/link_proxy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/link_url.h"

static const char *env_get(LinkEnvFn env, const char *name)
{
    const char *v = env ? env(name) : getenv(name);
    return v && *v ? v : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes in[0..n) into out; false if it does not fit or decodes to a control byte. */
static bool pct_decode(const char *in, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)in[i];
        if (ch == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
            ch = hexval(in[i + 1]) * 16 + hexval(in[i + 2]);
            i += 2;
        }
        if (ch < 0x20 || ch == 0x7f || k + 1 >= size)
            return false;
        out[k++] = (char)ch;
    }
    out[k] = '\0';
    return true;
}

/* Parses a proxy value into p; false with the reason. */
static bool parse_proxy(const char *v, LinkProxy *p, char *why, size_t why_size)
{
    const char *s = v;
    const char *colon = strstr(s, "://");
    if (colon) {
        if ((size_t)(colon - s) != 4 || strncasecmp(s, "http", 4) != 0) {
            bool word = colon - s <= 16;
            for (const char *q = s; word && q < colon; q++)
                word = isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.';
            if (word && colon > s)
                snprintf(why, why_size, "only http:// proxies are supported (not %.*s://)",
                         (int)(colon - s), s);
            else
                snprintf(why, why_size, "only http:// proxies are supported");
            return false;
        }
        s = colon + 3;
    }
    size_t auth_len = strcspn(s, "/?#");
    const char *at = NULL;
    for (const char *q = s; q < s + auth_len; q++)
        if (*q == '@')
            at = q; /* the last '@': a password may hold one percent-encoded or not */
    if (at) {
        if (!pct_decode(s, (size_t)(at - s), p->userpass, sizeof p->userpass)) {
            snprintf(why, why_size, "its user name or password is too long or holds a "
                     "control character");
            return false;
        }
        auth_len -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    const char *hp = s;
    size_t hl;
    const char *port_s = NULL;
    if (*hp == '[') {
        const char *rb = memchr(hp, ']', auth_len);
        if (!rb) {
            snprintf(why, why_size, "an IPv6 address without its closing ']'");
            return false;
        }
        hl = (size_t)(rb - hp - 1);
        if (rb + 1 < s + auth_len && rb[1] == ':')
            port_s = rb + 2;
        hp++;
    } else {
        const char *c = memchr(hp, ':', auth_len);
        hl = c ? (size_t)(c - hp) : auth_len;
        if (c)
            port_s = c + 1;
    }
    if (hl == 0 || hl >= sizeof p->host) {
        snprintf(why, why_size, "no host name");
        return false;
    }
    memcpy(p->host, hp, hl);
    p->host[hl] = '\0';
    for (size_t i = 0; i < hl; i++)
        if ((unsigned char)p->host[i] <= 0x20 || p->host[i] == 0x7f) {
            snprintf(why, why_size, "a host name with a space or control character");
            return false;
        }
    p->port = 1080;
    if (port_s && port_s < s + auth_len) {
        char *end;
        long port = strtol(port_s, &end, 10);
        if (end != s + auth_len || port < 1 || port > 65535) {
            snprintf(why, why_size, "not a port number");
            return false;
        }
        p->port = (int)port;
    }
    bool v6 = strchr(p->host, ':') != NULL;
    snprintf(p->display, sizeof p->display, "%s%s%s:%d", v6 ? "[" : "", p->host, v6 ? "]" : "",
             p->port);
    return true;
}

/* addr/prefix match for an IP literal host; false when entry is no address or no match. */
static bool cidr_match(const char *entry, size_t n, const char *host)
{
    char e[64];
    if (n >= sizeof e)
        return false;
    memcpy(e, entry, n);
    e[n] = '\0';
    int bits = -1;
    char *slash = strchr(e, '/');
    if (slash) {
        *slash = '\0';
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || b < 0 || b > 128)
            return false;
        bits = (int)b;
    }
    unsigned char a[16], h[16];
    int len;
    if (inet_pton(AF_INET, e, a) == 1 && inet_pton(AF_INET, host, h) == 1)
        len = 4;
    else if (inet_pton(AF_INET6, e, a) == 1 && inet_pton(AF_INET6, host, h) == 1)
        len = 16;
    else
        return false;
    if (bits < 0 || bits > len * 8)
        bits = len * 8;
    for (int i = 0; i < len && bits > 0; i++, bits -= 8) {
        unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((a[i] & mask) != (h[i] & mask))
            return false;
    }
    return true;
}

bool link_proxy_exempt(const char *no_proxy, const char *host, int port)
{
    if (!no_proxy)
        return false;
    size_t hlen = strlen(host);
    for (const char *s = no_proxy; *s;) {
        s += strspn(s, ", \t");
        size_t n = strcspn(s, ", \t");
        if (n == 0)
            break;
        const char *e = s;
        s += n;
        if (n == 1 && *e == '*')
            return true;
        /* ":PORT": after "[v6]", or the one ':' of a name or IPv4 (a bare IPv6 has several) */
        int eport = 0;
        const char *pc = NULL;
        if (*e == '[') {
            const char *rb = memchr(e, ']', n);
            if (rb && rb + 1 < e + n && rb[1] == ':')
                pc = rb + 1;
        } else {
            const char *c1 = memchr(e, ':', n);
            if (c1 && !memchr(c1 + 1, ':', (size_t)(e + n - c1 - 1)))
                pc = c1;
        }
        if (pc) {
            eport = atoi(pc + 1);
            n = (size_t)(pc - e);
        }
        if (n >= 2 && *e == '[' && e[n - 1] == ']') {
            e++;
            n -= 2;
        }
        if (eport && eport != port)
            continue;
        if (cidr_match(e, n, host))
            return true;
        if (n && *e == '*')
            e++, n--;
        if (n && *e == '.')
            e++, n--;
        if (n == 0 || n > hlen)
            continue;
        if (strncasecmp(host + hlen - n, e, n) == 0 &&
            (hlen == n || host[hlen - n - 1] == '.'))
            return true;
    }
    return false;
}

bool link_proxy_pick(bool tls, const char *host, int port, LinkEnvFn env, LinkProxy *out,
                     char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (link_host_is_loopback(host))
        return true;
    const char *lower = tls ? "https_proxy" : "http_proxy";
    const char *upper = tls ? "HTTPS_PROXY" : "HTTP_PROXY";
    const char *name = lower;
    const char *v = env_get(env, lower);
    if (!v) {
        name = upper;
        v = env_get(env, upper);
    }
    if (!v)
        return true;
    const char *np = env_get(env, "no_proxy");
    if (!np)
        np = env_get(env, "NO_PROXY");
    if (link_proxy_exempt(np, host, port))
        return true;
    char why[160];
    if (!parse_proxy(v, out, why, sizeof why)) {
        memset(out, 0, sizeof *out);
        snprintf(err, err_size, "%s is not a usable proxy: %s", name, why);
        return false;
    }
    out->source = name;
    return true;
}

static size_t base64(const char *in, size_t n, char *out, size_t size)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t need = (n + 2) / 3 * 4;
    if (need + 1 > size)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        out[k++] = tab[(v >> 18) & 63];
        out[k++] = tab[(v >> 12) & 63];
        out[k++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[k++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[k] = '\0';
    return k;
}

size_t link_proxy_connect_request(const LinkProxy *p, const char *host, int port, char *out,
                                  size_t size)
{
    bool v6 = strchr(host, ':') != NULL;
    char target[300];
    snprintf(target, sizeof target, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
    char auth[400] = "";
    if (p->userpass[0]) {
        char b64[360];
        if (!base64(p->userpass, strlen(p->userpass), b64, sizeof b64))
            return 0;
        snprintf(auth, sizeof auth, "Proxy-Authorization: Basic %s\r\n", b64);
    }
    int n = snprintf(out, size, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", target, target,
                     auth);
    memset(auth, 0, sizeof auth);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t link_proxy_reply(const char *in, size_t len, unsigned *status)
{
    *status = 0;
    size_t head = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (in[i] == '\n' && in[i + 1] == '\n') {
            head = i + 2;
            break;
        }
        if (i + 3 < len && memcmp(in + i, "\r\n\r\n", 4) == 0) {
            head = i + 4;
            break;
        }
    }
    if (!head)
        return 0;
    if (len >= 12 && strncmp(in, "HTTP/1.", 7) == 0 && in[8] == ' ' && in[9] >= '1' &&
        in[9] <= '9' && isdigit((unsigned char)in[10]) &&
        isdigit((unsigned char)in[11]))
        *status = (unsigned)((in[9] - '0') * 100 + (in[10] - '0') * 10 + (in[11] - '0'));
    return head;
}
