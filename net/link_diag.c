/* Link diagnostics (see link_diag.h). The record: a counter and copy of the last lws
 * error/warning line (a line newer than an attempt's mark belongs to that attempt, since
 * everything runs on one thread), the last connect errno and getaddrinfo result seen in
 * info/debug lines, and how many attempts hold the detailed capture. */
#include "net/link_diag.h"

#include <errno.h>
#include <limits.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define LOG_BASE (LLL_ERR | LLL_WARN)
#define LOG_DETAIL (LLL_INFO | LLL_DEBUG)

static struct {
    unsigned seq;      /* bumps with every error/warning line */
    char line[200];    /* the last one, newlines flattened */
    int connect_errno; /* from the last "... says err N" */
    int gai_error;     /* from the last "getaddrinfo 'host' says N" */
    int holders;       /* attempts holding the detailed capture */
} diag;

/* A decimal number as lws prints it (an errno, a getaddrinfo code), clamped to int. */
static int parse_num(const char *p)
{
    long v = strtol(p, NULL, 10);
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

void link_diag_emit(int level, const char *line)
{
    if (level & LOG_DETAIL) {
        const char *p = strstr(line, " says err ");
        if (p)
            diag.connect_errno = parse_num(p + 10);
        if (strstr(line, "getaddrinfo '") && (p = strstr(line, "' says ")) != NULL)
            diag.gai_error = parse_num(p + 7);
        return;
    }
    char buf[sizeof diag.line];
    size_t n = 0;
    for (const char *p = line; *p && n < sizeof buf - 1; p++) {
        /* A URL's query can carry tokens: lws may quote a path, so "?..." replaces any query
         * up to the next space or quote. */
        if (*p == '?') {
            for (const char *e = "?..."; *e && n < sizeof buf - 1; e++)
                buf[n++] = *e;
            while (p[1] && p[1] != ' ' && p[1] != '\'' && p[1] != '"' && p[1] != '\n')
                p++;
            continue;
        }
        /* one line, and no terminal controls: lws quotes server bytes (a bad header) */
        buf[n++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p;
    }
    while (n && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    log_msg("lws: %s", buf);
    if (level & LOG_BASE) {
        memcpy(diag.line, buf, n + 1);
        diag.seq++;
    }
}

void link_diag_install(void)
{
    lws_set_log_level(LOG_BASE | (diag.holders ? LOG_DETAIL : 0), link_diag_emit);
}

unsigned link_diag_hold(void)
{
    diag.connect_errno = diag.gai_error = 0;
    if (diag.holders++ == 0)
        lws_set_log_level(LOG_BASE | LOG_DETAIL, link_diag_emit);
    return diag.seq;
}

void link_diag_release(void)
{
    if (diag.holders > 0 && --diag.holders == 0)
        lws_set_log_level(LOG_BASE, link_diag_emit);
}

int link_diag_retry_after(const char *value)
{
    const char *p = value;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    long v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if (v <= 3600)
            v = v * 10 + (*p - '0');
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return -1;
    return v > 3600 ? 3600 : (int)v;
}

static bool has(const char *s, const char *what) { return s && strstr(s, what) != NULL; }

/* The variables app/main.c reads the key from, in the words the user needs. */
#define KEY_VARS_SET "set OPENAI_API_KEY (or FLINT_API_KEY)"
#define KEY_VARS_CHECK "check OPENAI_API_KEY / FLINT_API_KEY"

bool link_diag_refusal(unsigned http_status, bool key_sent, const char *endpoint, char *out,
                       size_t size)
{
    switch (http_status) {
    case 401:
    case 403:
        if (key_sent)
            snprintf(out, size, "the API key was rejected by %s (HTTP %u): " KEY_VARS_CHECK,
                     endpoint, http_status);
        else
            snprintf(out, size, "%s wants an API key (HTTP %u): " KEY_VARS_SET, endpoint,
                     http_status);
        return true;
    case 404:
    case 405:
    case 426: /* "Upgrade Required" to an upgrade: no WebSocket here (Codex falls back too) */
        snprintf(out, size, "%s does not speak the Responses WebSocket mode (HTTP %u); "
                 "try --api chat", endpoint, http_status);
        return true;
    default:
        return false;
    }
}

void link_diag_describe(const char *reason, unsigned http_status, unsigned mark,
                        const char *endpoint, const char *host, char *out, size_t size)
{
    bool fresh = diag.seq != mark; /* lws logged an error during this attempt */
    if (has(reason, "unauthorized") || http_status == 401)
        snprintf(out, size, "HTTP 401 from %s: API key rejected", endpoint);
    else if (http_status && http_status != 101)
        snprintf(out, size, "HTTP %u from %s: WebSocket upgrade refused", http_status, endpoint);
    else if (diag.connect_errno == ECONNREFUSED)
        snprintf(out, size, "connection refused by %s", endpoint);
    else if (diag.connect_errno)
        snprintf(out, size, "cannot connect to %s: %s", endpoint, strerror(diag.connect_errno));
    else if (diag.gai_error)
        snprintf(out, size, "cannot resolve %s: %s", host, gai_strerror(diag.gai_error));
    else if (fresh && (has(reason, "SSL") || has(reason, "ssl") || has(reason, "TLS") ||
                       has(reason, "tls")))
        snprintf(out, size, "TLS error with %s: %s", endpoint, diag.line);
    else if (fresh && !(reason && *reason))
        snprintf(out, size, "cannot connect to %s: %s", endpoint, diag.line);
    else
        snprintf(out, size, "cannot connect to %s: %s", endpoint,
                 reason && *reason ? reason : "connection failed");
}
