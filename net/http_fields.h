/* HttpField: request header fields a transport sends on the user's behalf (a provider's extra
 * `headers`, the key), checked before anything goes out, and server text made safe to show.
 *
 *   http_token_ok        an RFC 9110 5.1 token (a field name)
 *   http_field_value_ok  an RFC 9110 5.5 field value without obs-text: no CR, LF or other
 *                        control character (header injection), tabs allowed
 *   http_fields_append   "Name: value\r\n" for each field into out, refusing a bad name or
 *                        value and any name in reserved (case-insensitive): those belong to
 *                        the transport (Host, Content-Length, Authorization, ...)
 *   http_text_sanitise   printable ASCII for the status line (a server's error body)
 *   http_refusal_line    a non-2xx answer as one status-bar line
 *
 * Pure; error tier 3 (false and one line in err that names the field, never its value). */
#ifndef FLINT_NET_HTTP_FIELDS_H
#define FLINT_NET_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

typedef struct HttpField {
    const char *name;
    const char *value;
} HttpField;

bool http_token_ok(const char *s);
bool http_field_value_ok(const char *s);
bool http_fields_append(StrBuf *out, const HttpField *f, size_t n, const char *const *reserved,
                        size_t n_reserved, char *err, size_t err_size);
/* in[0..n) as printable ASCII into out (size > 0): CR, LF and tabs become one space, runs of
 * spaces one, other bytes '?'; trailing spaces dropped; cut to fit. */
void http_text_sanitise(const char *in, size_t n, char *out, size_t size);
/* "HTTP 401 from H:P: <body, sanitised>", or for a 3xx with a location "HTTP 302 from H:P:
 * server redirected to URL; not followed" (URL without its query: link_url_redact). */
void http_refusal_line(unsigned status, const char *endpoint, const char *location,
                       const char *body, size_t body_len, char *out, size_t size);

#endif
