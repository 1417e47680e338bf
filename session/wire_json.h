/* WireJson: the JSON string writer the JSON dialects share (no cJSON: see wire_json.c).
 * Appends s[0..len) as a JSON string literal, quotes included, that is always valid UTF-8
 * (RFC 8259 7, RFC 6455 8.1): valid multi-byte sequences unchanged, each byte of an invalid
 * one as U+FFFD, the escapes JSON requires for the rest. Never fails. */
#ifndef FLINT_SESSION_WIRE_JSON_H
#define FLINT_SESSION_WIRE_JSON_H

#include <stddef.h>

#include "core/strbuf.h"

void wire_json_string(StrBuf *out, const char *s, size_t len);
/* The same for a C string. */
void wire_json_cstring(StrBuf *out, const char *s);

#endif
