/* WireResponses: the OpenAI Responses API over a WebSocket (PROTOCOL.md 1.3-1.7, 7.1), the
 * first Wire dialect (session/wire.h).
 *
 * Encode: a WireRequest -> the text of one `response.create` client message (schema
 * ResponsesClientEvent): compact, one line, fixed key order (type, model, store,
 * prompt_cache_key, instructions, previous_response_id, input), so equal requests are equal
 * bytes and a resend shares its prefix with the request before it. Always "store":false; never "stream",
 * "background" or "stream_id" (default lane only). chain_id becomes previous_response_id.
 * Input items are EasyInputMessage objects: the user's with an input_text content list,
 * earlier assistant answers with plain string content (the one assistant form that needs no
 * item id; see openai-openapi.yml EasyInputMessage).
 *
 * Decode: one complete server text message -> one WireEvent (the WebSocket `error` event's
 * nested shape and the SSE `error` event's flat shape both decode as WIRE_ERROR;
 * response.completed is WIRE_DONE). A text field holding an escaped NUL is decoded with its
 * length (text/text_len always cover the whole text). Unknown types are WIRE_IGNORED.
 *
 * Answers: can chain (previous_response_id); an abandoned request is still answered on the
 * same socket (one response at a time, 1.6); classify: a 429 or rate_limit_exceeded waits
 * (except insufficient_quota, usage_limit_reached, usage_not_included, which waiting does
 * not cure), websocket_connection_limit_reached reconnects, previous_response_not_found
 * resends without the chain, anything else fails. */
#ifndef FLINT_SESSION_WIRE_RESPONSES_H
#define FLINT_SESSION_WIRE_RESPONSES_H

#include "session/wire.h"

/* A new Responses dialect instance (free with wire_free). */
Wire *wire_responses_new(void);

#endif
