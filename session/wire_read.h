/* WireRead: reading the JSON the dialects receive, shared by session/wire_responses.c and
 * session/wire_chat.c (the parse trees are cJSON's; this header names the type only, so its
 * users outside the dialects need not see cJSON). Every function accepts a NULL object or a
 * missing key and says so in its result; none allocates or fails. */
#ifndef FLINT_SESSION_WIRE_READ_H
#define FLINT_SESSION_WIRE_READ_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;

/* The member key of object o (case-sensitive), or NULL. */
const struct cJSON *wire_get(const struct cJSON *o, const char *key);
/* Its string value, or NULL when absent or not a string. */
const char *wire_get_str(const struct cJSON *o, const char *key);
/* A non-negative integer field; -1 when absent, not a number, negative or NaN; clamped at
 * 2^53 (every smaller integer is exact in a double). */
int64_t wire_get_index(const struct cJSON *o, const char *key);
/* The same as a count: 0 instead of -1. */
uint64_t wire_get_count(const struct cJSON *o, const char *key);

/* A delay as a header carries it: delay-seconds (RFC 9110 10.2.3 Retry-After; a fraction
 * tolerated) when seconds, else milliseconds (retry-after-ms); blanks and a trailing CRLF
 * allowed. Milliseconds, capped at a day; -1 for an HTTP-date, garbage or NULL. Parsed by
 * hand: strtod would obey LC_NUMERIC. */
int64_t wire_delay_ms(const char *s, bool seconds);
/* The same for a JSON value that is a number or such a string. */
int64_t wire_json_delay_ms(const struct cJSON *it, bool seconds);

#endif
