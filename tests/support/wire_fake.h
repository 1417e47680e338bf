/* WireFake: a second Wire dialect (session/wire.h), for tests: a tiny line-based format that
 * reads a stream (events end at '\n', split anywhere across feeds; a last unterminated line
 * counts at wire_end), as an SSE dialect will. One event per line:
 *
 *     C id              created (id optional)
 *     D text            delta ("\n" in text is a newline, "\\" a backslash)
 *     R text            refusal delta
 *     T text            text done
 *     F id [out]        done (id "-" for none; out: usage.output_tokens)
 *     I reason          incomplete
 *     X code message    failed
 *     E status code retry_ms [message]   error (code "-" for none; retry_ms -1 for none)
 *     # anything        ignored
 * Anything else (an empty line, an unknown letter, a missing field) is WIRE_MALFORMED.
 *
 * Requests encode as lines: "Q model chain-or-dash n_input", "K prompt_cache_key" and
 * "I instructions" (when given),
 * then one "U text" or "A text" per input item (newlines and backslashes escaped as above).
 *
 * classify: status 429 -> WAIT, code "chain_lost" -> RESEND, code "retired" -> RECONNECT,
 * anything else -> FAIL. can_chain and abandoned_answer are chosen at creation, so tests can
 * play both a Responses-like dialect and a Chat-like one. */
#ifndef FLINT_TESTS_SUPPORT_WIRE_FAKE_H
#define FLINT_TESTS_SUPPORT_WIRE_FAKE_H

#include <stdbool.h>

#include "session/wire.h"

Wire *wire_fake_new(bool can_chain, bool abandoned_answer);
/* How many requests it encoded (every encode counts). */
unsigned wire_fake_encoded(const Wire *w);

/* A neutral event of kind for id (NULL: none), type named after the kind, the rest as
 * wire_event_init leaves it: for tests that drive a Turn without any dialect (test_turn.c,
 * test_turn_steer.c). */
WireEvent wire_fake_event(WireKind kind, const char *id);

#endif
