/* HttpField (http_fields.h). */
#include "net/http_fields.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "net/link_url.h"

bool http_token_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *s)))
            return false;
    return true;
}

bool http_field_value_ok(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

bool http_fields_append(StrBuf *out, const HttpField *f, size_t n, const char *const *reserved,
                        size_t n_reserved, char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++) {
        bool bad = !http_token_ok(f[i].name) || !http_field_value_ok(f[i].value);
        for (size_t k = 0; !bad && k < n_reserved; k++)
            bad = strcasecmp(f[i].name, reserved[k]) == 0;
        if (bad) {
            snprintf(err, err_size, "header \"%.40s\": not a header name, a reserved one, or a "
                     "value with control characters", f[i].name ? f[i].name : "");
            return false;
        }
        sb_printf(out, "%s: %s\r\n", f[i].name, f[i].value);
    }
    return true;
}

void http_text_sanitise(const char *in, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == '\n' || ch == '\r' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && k && out[k - 1] == ' ')
            continue;
        out[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

void http_refusal_line(unsigned status, const char *endpoint, const char *location,
                       const char *body, size_t body_len, char *out, size_t size)
{
    if (status >= 300 && status < 400 && location && *location) {
        char shown[160];
        link_url_redact(location, shown, sizeof shown);
        snprintf(out, size, "HTTP %u from %.100s: server redirected to %s; not followed",
                 status, endpoint, shown);
        return;
    }
    char text[200];
    http_text_sanitise(body ? body : "", body ? body_len : 0, text, sizeof text);
    snprintf(out, size, "HTTP %u from %.100s%s%s", status, endpoint, text[0] ? ": " : "", text);
}
