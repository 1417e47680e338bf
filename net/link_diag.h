/* Link diagnostics: what libwebsockets 4.1.6 knows about a failed connection but does not pass
 * to the CONNECTION_ERROR callback, turned into one human line for the status bar.
 *
 * lws reports a TLS verification failure only in its log, a refused connect() only as "Unable
 * to connect" and a failed DNS lookup not at all; the errno and the getaddrinfo result appear
 * in its info/debug lines ("getsockopt fd N says err 111", "getaddrinfo 'host' says -2").
 * link_diag_install() points lws' log at core/log.h (never stderr, which belongs to curses;
 * any "?query" in a line is elided, as it can carry tokens), remembers the last error/warning
 * line, and while at least one connection attempt holds the
 * capture (link_diag_hold, typically well under a second) also enables info/debug lines, which
 * are scanned for those two numbers and otherwise discarded. (Link resolves host names itself,
 * on a background thread, and gives lws numeric addresses only: the getaddrinfo number is a
 * fallback that should not occur.)
 *
 * lws' emit hook takes no user pointer, so the record behind this is file-static (the one
 * mutable global of net/); it is used on the lws service thread only. */
#ifndef FLINT_NET_LINK_DIAG_H
#define FLINT_NET_LINK_DIAG_H

#include <stdbool.h>
#include <stddef.h>

void link_diag_install(void);

/* The hook link_diag_install gives lws: one log line at an lws level (LLL_*). Public so that
 * the fuzzer can feed it lines; lws' lines are untrusted text (they quote server bytes). */
void link_diag_emit(int level, const char *line);

/* A connection attempt starts: clears the captured numbers, enables the detailed capture and
 * returns a mark for link_diag_describe. Every hold is matched by one release. */
unsigned link_diag_hold(void);
void link_diag_release(void);

/* Seconds from a Retry-After header value: delay-seconds (RFC 9110 10.2.3), surrounding
 * spaces allowed, capped at 3600 (a server must not park the link for days; Esc reconnects at
 * once anyway). -1 when it is no such number (an HTTP-date is not read: the backoff applies).
 * The value is the server's: untrusted. */
int link_diag_retry_after(const char *value);

/* A refusal that no retry can change, said as what to do about it: true, with the line in out,
 * for 401/403 (key_sent: "the API key was rejected by H (HTTP 401): check OPENAI_API_KEY /
 * FLINT_API_KEY"; none sent: "H wants an API key (HTTP 401): set OPENAI_API_KEY (or
 * FLINT_API_KEY)") and 404/405/426 (the path exists for plain HTTP only: "H does not speak the
 * Responses WebSocket mode (HTTP 404); try --api chat", as llama.cpp, Ollama and vLLM answer).
 * false for any other status (out untouched): those may pass (429, 5xx) and are retried. */
bool link_diag_refusal(unsigned http_status, bool key_sent, const char *endpoint, char *out,
                       size_t size);

/* Writes e.g. "connection refused by 127.0.0.1:8787", "cannot resolve h: Name or service not
 * known", "TLS error with h:443: <lws line>".
 * reason is lws' CONNECTION_ERROR text (may be NULL), http_status 0 when unknown, mark from
 * link_diag_hold of this attempt. */
void link_diag_describe(const char *reason, unsigned http_status, unsigned mark,
                        const char *endpoint, const char *host, char *out, size_t size);

#endif
