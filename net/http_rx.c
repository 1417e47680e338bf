/* HttpRx (see http_rx.h): an HTTP/1.1 response reader, one phase at a time.
 *
 * Phases: HEAD (bytes collected into rx->head until an empty line), then one of BODY_LEN
 * (rx->left bytes of a Content-Length body), BODY_CLOSE (until EOF), CHUNK_SIZE (a chunk-size
 * line collected into rx->head), CHUNK_DATA (rx->left bytes), CHUNK_CRLF (the line end after
 * the data), TRAILERS (lines collected until an empty one), and DEAD after an error.
 * Invariants: rx->head.len stays below the cap of the phase that collects into it; body
 * bytes are never copied (a BODY event points into the caller's input); END is reported
 * exactly once per response, and the parser is back in HEAD (empty) right after it. */
#include "net/http_rx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { P_HEAD, P_BODY_LEN, P_BODY_CLOSE, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_CRLF, P_TRAILERS,
       P_DEAD };

#define HEAD_MAX (64u * 1024)
#define LINE_MAX_LEN 1024u

void http_rx_init(HttpRx *rx) { memset(rx, 0, sizeof *rx); }

void http_rx_free(HttpRx *rx)
{
    sb_free(&rx->head);
    http_rx_init(rx);
}

bool http_rx_idle(const HttpRx *rx) { return rx->phase == P_HEAD && rx->head.len == 0; }

static size_t fail(HttpRx *rx, HttpRxEvent *ev, const char *why)
{
    snprintf(rx->error, sizeof rx->error, "%s", why);
    rx->phase = P_DEAD;
    sb_free(&rx->head);
    rx->line_start = 0;
    ev->kind = HTTP_RX_ERROR;
    return 0;
}

static size_t end(HttpRx *rx, HttpRxEvent *ev, size_t used)
{
    rx->phase = P_HEAD;
    sb_reset(&rx->head);
    rx->line_start = 0;
    ev->kind = HTTP_RX_END;
    return used;
}

/* Copies bytes up to and including the next LF into rx->head; *done when the LF was seen. */
static size_t take_line(HttpRx *rx, const char *data, size_t len, bool *done)
{
    const char *lf = memchr(data, '\n', len);
    size_t n = lf ? (size_t)(lf - data) + 1 : len;
    sb_append(&rx->head, data, n);
    *done = lf != NULL;
    return n;
}

/* Length of the line collected from offset start on, without its CRLF or LF. */
static size_t line_len(const HttpRx *rx, size_t start)
{
    size_t n = rx->head.len - start;
    const char *s = rx->head.data + start;
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n;
}

static bool token_in_list(const char *v, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *e = p + strcspn(p, ",");
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - p) == tl && strncasecmp(p, token, tl) == 0)
            return true;
        p = e;
    }
    return false;
}

/* The last transfer coding in a Transfer-Encoding value is chunked (RFC 9112 6.3 item 3). */
static bool last_is_chunked(const char *v)
{
    const char *last = v, *c;
    while ((c = strchr(last, ',')) != NULL)
        last = c + 1;
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strcspn(last, " \t;");
    return n == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* Content-Length: one number, or a list of the same number (RFC 9112 6.3 item 5). */
static bool parse_length(const char *v, uint64_t *out)
{
    bool seen = false;
    uint64_t first = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p < '0' || *p > '9')
            return false;
        uint64_t n = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (n > (UINT64_MAX - 9) / 10)
                return false;
            n = n * 10 + (uint64_t)(*p - '0');
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != ',')
            return false;
        if (seen && n != first)
            return false;
        first = n;
        seen = true;
    }
    *out = first;
    return seen;
}

static void copy_value(char *dst, size_t size, const char *v)
{
    size_t n = 0;
    for (; *v && n + 1 < size; v++)
        dst[n++] = (*v >= 0x20 && *v < 0x7f) ? *v : '?';
    dst[n] = '\0';
}

/* The head is complete in rx->head (NUL-terminated). Returns an error message or NULL. */
static const char *parse_head(HttpRx *rx, bool *interim)
{
    char *h = rx->head.data;
    char *eol = strchr(h, '\n');
    *eol = '\0';
    if (eol > h && eol[-1] == '\r')
        eol[-1] = '\0';
    /* status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4) */
    if (strncmp(h, "HTTP/1.", 7) != 0 || (h[7] != '0' && h[7] != '1') || h[8] != ' ' ||
        h[9] < '1' || h[9] > '5' || h[10] < '0' || h[10] > '9' || h[11] < '0' || h[11] > '9' ||
        (h[12] != ' ' && h[12] != '\0'))
        return "not an HTTP/1.x status line";
    bool http11 = h[7] == '1';
    rx->status = (unsigned)((h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0'));
    *interim = rx->status < 200;
    bool conn_close = false, have_len = false;
    uint64_t clen = 0;
    rx->chunked = false;
    rx->location[0] = rx->retry_after[0] = '\0';
    for (char *line = eol + 1; *line;) {
        char *next = strchr(line, '\n');
        if (!next)
            break;
        *next = '\0';
        if (next > line && next[-1] == '\r')
            next[-1] = '\0';
        if (!*line)
            break;
        char *colon = strchr(line, ':');
        /* no obs-fold, no whitespace before the colon (RFC 9112 5.1, 5.2) */
        if (!colon || colon == line || line[0] == ' ' || line[0] == '\t' || colon[-1] == ' ' ||
            colon[-1] == '\t')
            return "malformed header line";
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        char *ve = v + strlen(v);
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            *--ve = '\0';
        if (!strcasecmp(line, "Content-Length")) {
            uint64_t n;
            if (!parse_length(v, &n) || (have_len && n != clen))
                return "bad Content-Length";
            clen = n;
            have_len = true;
        } else if (!strcasecmp(line, "Transfer-Encoding")) {
            if (!last_is_chunked(v))
                return "unsupported Transfer-Encoding";
            rx->chunked = true;
        } else if (!strcasecmp(line, "Connection")) {
            conn_close |= token_in_list(v, "close");
        } else if (!strcasecmp(line, "Location")) {
            copy_value(rx->location, sizeof rx->location, v);
        } else if (!strcasecmp(line, "Retry-After")) {
            copy_value(rx->retry_after, sizeof rx->retry_after, v);
        }
        line = next + 1;
    }
    if (*interim)
        return NULL;
    rx->close_delimited = false;
    if (rx->status == 204 || rx->status == 304) {
        rx->left = 0;
        rx->phase = P_BODY_LEN;
    } else if (rx->chunked) {
        rx->phase = P_CHUNK_SIZE;
    } else if (have_len) {
        rx->left = clen;
        rx->phase = P_BODY_LEN;
    } else {
        rx->close_delimited = true;
        rx->phase = P_BODY_CLOSE;
    }
    rx->keep_alive = http11 && !conn_close && !rx->close_delimited;
    return NULL;
}

/* chunk-size [ chunk-ext ] (RFC 9112 7.1): hex digits, then anything after ';' ignored. */
static bool parse_chunk_size(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            break;
        if (v > (UINT64_MAX >> 4))
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (i == 0)
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] != ';')
        return false;
    *out = v;
    return true;
}

size_t http_rx_feed(HttpRx *rx, const char *data, size_t len, HttpRxEvent *ev)
{
    ev->kind = HTTP_RX_MORE;
    ev->data = NULL;
    ev->len = 0;
    if (rx->phase == P_DEAD) {
        ev->kind = HTTP_RX_ERROR;
        return 0;
    }
    /* A body with nothing left ends before any input (Content-Length: 0, 204). */
    if (rx->phase == P_BODY_LEN && rx->left == 0)
        return end(rx, ev, 0);
    size_t used = 0;
    while (used < len) {
        const char *p = data + used;
        size_t n = len - used;
        bool done;
        switch (rx->phase) {
        case P_HEAD: {
            if (rx->head.len == 0 && (*p == '\r' || *p == '\n')) {
                used++; /* stray line ends between responses (RFC 9112 2.2) */
                continue;
            }
            size_t before = rx->head.len;
            used += take_line(rx, p, n, &done);
            if (rx->head.len > HEAD_MAX)
                return fail(rx, ev, "response head over 64 KiB");
            /* a NUL is never valid in a head (RFC 9110 5.5), and the head is read as a C
             * string below */
            if (memchr(rx->head.data + before, '\0', rx->head.len - before))
                return fail(rx, ev, "NUL byte in the response head");
            if (!done)
                continue;
            size_t start = rx->line_start;
            rx->line_start = rx->head.len;
            if (line_len(rx, start) != 0)
                continue;
            bool interim;
            const char *why = parse_head(rx, &interim);
            if (why)
                return fail(rx, ev, why);
            sb_reset(&rx->head);
            rx->line_start = 0;
            if (interim) {
                rx->phase = P_HEAD;
                continue;
            }
            ev->kind = HTTP_RX_HEAD;
            return used;
        }
        case P_BODY_LEN: {
            if (rx->left == 0)
                return end(rx, ev, used);
            size_t k = n < rx->left ? n : (size_t)rx->left;
            rx->left -= k;
            ev->kind = HTTP_RX_BODY;
            ev->data = p;
            ev->len = k;
            return used + k;
        }
        case P_BODY_CLOSE:
            ev->kind = HTTP_RX_BODY;
            ev->data = p;
            ev->len = n;
            return len;
        case P_CHUNK_SIZE: {
            used += take_line(rx, p, n, &done);
            if (rx->head.len > LINE_MAX_LEN)
                return fail(rx, ev, "chunk-size line over 1 KiB");
            if (!done)
                continue;
            uint64_t size;
            if (!parse_chunk_size(rx->head.data, line_len(rx, 0), &size))
                return fail(rx, ev, "bad chunk size");
            sb_reset(&rx->head);
            rx->left = size;
            rx->phase = size ? P_CHUNK_DATA : P_TRAILERS;
            continue;
        }
        case P_CHUNK_DATA: {
            size_t k = n < rx->left ? n : (size_t)rx->left;
            rx->left -= k;
            if (rx->left == 0)
                rx->phase = P_CHUNK_CRLF;
            ev->kind = HTTP_RX_BODY;
            ev->data = p;
            ev->len = k;
            return used + k;
        }
        case P_CHUNK_CRLF:
            used += take_line(rx, p, n, &done);
            if (!done)
                continue;
            if (line_len(rx, 0) != 0)
                return fail(rx, ev, "chunk data longer than its size");
            sb_reset(&rx->head);
            rx->phase = P_CHUNK_SIZE;
            continue;
        case P_TRAILERS:
            used += take_line(rx, p, n, &done);
            if (rx->head.len > LINE_MAX_LEN)
                return fail(rx, ev, "trailer line over 1 KiB");
            if (!done)
                continue;
            if (line_len(rx, 0) == 0)
                return end(rx, ev, used);
            sb_reset(&rx->head); /* trailer fields are not used */
            continue;
        default:
            return fail(rx, ev, "internal state");
        }
    }
    return used;
}

HttpRxEventKind http_rx_eof(HttpRx *rx)
{
    if (rx->phase == P_BODY_CLOSE) {
        rx->phase = P_HEAD;
        sb_reset(&rx->head);
        rx->line_start = 0;
        return HTTP_RX_END;
    }
    if (http_rx_idle(rx))
        return HTTP_RX_MORE;
    if (rx->phase != P_DEAD)
        snprintf(rx->error, sizeof rx->error, "connection closed mid-response");
    rx->phase = P_DEAD;
    return HTTP_RX_ERROR;
}
