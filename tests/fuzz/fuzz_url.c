/* Fuzz target: server URLs (net/link_url.c): link_url_parse, link_url_redact and
 * link_host_is_loopback on arbitrary bytes. Invariants: a parsed URL has a host, a port in
 * 1-65535, a path that starts with '/' and holds "/responses", and a display form, and none of
 * its shown forms (display, error message, redacted copy) carries the query or a control
 * byte; a redacted copy fits its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/link_url.h"

/* s is shown to the user: no control bytes, and no query. The query test needs a query long
 * enough to be unmistakable, not itself starting like the "?..." elision, and a URL whose
 * part before it has no bytes that redaction turns into '?'. */
static void check_shown(const char *s, const char *url, const char *query)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        REQUIRE(*p >= 0x20 && *p != 0x7f);
    if (!query || strlen(query) < 6 || strncmp(query + 1, "...", 3) == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)url; p < (const unsigned char *)query; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return;
    REQUIRE(strstr(s, query) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    memcpy(url, data, size);
    url[size] = '\0';
    const char *query = strpbrk(url, "?#");

    char err[256] = "";
    LinkUrl u;
    if (link_url_parse(url, &u, err, sizeof err)) {
        REQUIRE(u.host && *u.host && u.port >= 1 && u.port <= 65535);
        REQUIRE(u.path[0] == '/' && strstr(u.path, "/responses"));
        REQUIRE(u.host_header && u.endpoint && u.display);
        check_shown(u.display, url, query);
        (void)link_host_is_loopback(u.host);
        link_url_free(&u);
        link_url_free(&u); /* a freed LinkUrl is accepted */
    } else {
        REQUIRE(err[0] != '\0');
        check_shown(err, url, query);
    }
    static const size_t sizes[] = {1, 2, 5, 13, 160};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char out[160];
        memset(out, 'Z', sizeof out);
        link_url_redact(url, out, sizes[i]);
        REQUIRE(strlen(out) < sizes[i]);
        check_shown(out, url, query);
    }
    (void)link_host_is_loopback(url);
    free(url);
    return 0;
}
