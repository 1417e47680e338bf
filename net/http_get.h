/* HttpGet: one short HTTP GET (e.g. a provider's `GET /v1/models`) on a worker thread, apart
 * from the transports: its own socket, so the conversation's connection is never touched.
 * http:// and https:// (ws:// and wss:// mean the same two, as in link_url_parse_http), the
 * system CAs plus ca_file (net/tls_mem.h), an HTTP CONNECT proxy from the environment
 * (net/link_proxy.h), the key as "Authorization: Bearer" and the provider's extra headers.
 * Redirects are never followed. The whole exchange is bounded by timeout_ms.
 *
 * Use: http_get_start (checks the URL and the key's safety at once, then the worker runs);
 * poll http_get_done from the loop (a timer); then read status, body and error; free. Freeing
 * a running request cancels it and returns at once: the worker stops within 50 ms of its next
 * wait (a name lookup may take longer) and frees what is left.
 *
 * Ownership: the HttpGet copies everything it is given; the body stays owned by it.
 * Errors: tier 3. Start: false with a line in err (a bad URL, the key refused in clear text).
 * Afterwards: http_get_error says what failed in words ("connection refused by H:P", "TLS:
 * certificate verify failed ...", "timed out"); a non-2xx answer is no error: its status and
 * body are given. The key is never logged or put in an error. */
#ifndef FLINT_NET_HTTP_GET_H
#define FLINT_NET_HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>

#include "net/http_fields.h"

typedef struct HttpGetConfig {
    const char *url;        /* the base URL (".../v1") */
    const char *suffix;     /* appended to its path, e.g. "/models" */
    const char *api_key;    /* NULL or "": none */
    const char *ca_file;    /* NULL: the system CAs only */
    bool allow_insecure;    /* the key may go in clear text to a non-loopback host */
    const HttpField *headers;
    size_t n_headers;
    unsigned timeout_ms;    /* 0: 10 s */
} HttpGetConfig;

typedef struct HttpGet HttpGet;

HttpGet *http_get_start(const HttpGetConfig *cfg, char *err, size_t err_size);
/* The worker has finished (thread-safe; cheap). */
bool http_get_done(HttpGet *g);
/* Once done: the HTTP status (0: no answer, see the error), the body (NUL-terminated; capped
 * at 4 MiB), the failure ("" when an answer came). */
unsigned http_get_status(const HttpGet *g);
const char *http_get_body(const HttpGet *g, size_t *len);
const char *http_get_error(const HttpGet *g);
/* "host:port" of the server, for messages. */
const char *http_get_endpoint(const HttpGet *g);
void http_get_free(HttpGet *g);  /* accepts NULL; cancels and joins a running request */

#endif
