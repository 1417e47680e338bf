/* WireChat: OpenAI-compatible Chat Completions over HTTP Server-Sent Events (PROTOCOL.md 4,
 * 7.2), the second Wire dialect (session/wire.h), for llama.cpp's server, vLLM, Ollama's
 * /v1 endpoint and Cerebras.
 *
 * Encode: a WireRequest -> the body of one `POST {base}/chat/completions`:
 *   {"model":M,"stream":true,"stream_options":{"include_usage":true},
 *    "messages":[{"role":"system","content":INSTRUCTIONS}, ...input in order...]}
 * (the system message only when instructions are given; input items become "user" and
 * "assistant" messages with string content). Chat has no server-side chain: can_chain is
 * false, so the Session puts the conversation into every request (chain_id is ignored).
 *
 * Decode: feed takes the response body in any pieces (every byte boundary gives the same
 * events); the SSE framing is the WHATWG HTML "server-sent events" parser (LF, CRLF or CR
 * line ends, `data:` with or without its one space, several data lines joined with "\n",
 * `:` comments and the event/id/retry fields ignored, a blank line dispatches, a leading
 * BOM dropped). Each event's data is `[DONE]` or one JSON chunk. The events, per response:
 *   WIRE_CREATED          the first chunk (response_id: the chunk's "id")
 *   WIRE_REASONING_DELTA  choices[0].delta.reasoning_content / .reasoning (llama.cpp and
 *                         older vLLM / newer vLLM, Ollama, Cerebras): reasoning, kept apart
 *                         from the answer (kept on the answer entry, shown collapsed)
 *   WIRE_REFUSAL_DELTA    choices[0].delta.refusal
 *   WIRE_DELTA            choices[0].delta.content
 *   WIRE_DONE / WIRE_INCOMPLETE  after a finish_reason ("stop" -> DONE; "length" ->
 *                         INCOMPLETE "max_tokens"; "content_filter" -> INCOMPLETE
 *                         "content_filter"; another -> INCOMPLETE with it), sent once the
 *                         usage is known: with the finish chunk when that carries usage
 *                         (llama.cpp, Cerebras), else with the separate `choices:[]` usage
 *                         chunk (vLLM, Ollama, OpenAI), else at `[DONE]` or EOF (wire_end:
 *                         a missing [DONE] after a finish_reason is a normal end). usage
 *                         takes prompt/completion/cached tokens; llama.cpp's `timings` and
 *                         Cerebras' `time_info` give usage.server_tokens_per_sec.
 *   WIRE_ERROR            `data: {"error":...}` (or {"object":"error",...}, or an old
 *                         llama.cpp `error:` line) before the first chunk, or a non-200
 *                         reply handed to wire_http_error (JSON error body or plain text;
 *                         Retry-After); WIRE_FAILED for the same once a response started.
 *   WIRE_FAILED           EOF in the middle of a response: "stream ended early".
 *   WIRE_IGNORED          chunks with nothing for flint (role-only, tool calls), anything
 *                         after the terminal; WIRE_MALFORMED: data that is not JSON, not an
 *                         object, or an event over 16 MiB (its data is dropped as it comes).
 * `[DONE]` ends the response, so another stream may follow on the same connection (HTTP
 * keep-alive); so does wire_end. A text holding "\u0000" is cut at the NUL (cJSON).
 *
 * Transport contract (net/transport_sse.c): hand each 200 response's body bytes to
 * session_on_message as they arrive, call session_on_stream_end when that body ends
 * (EOF or the last chunk), and hand a non-200 reply (status, body, Retry-After) to
 * session_on_http_error instead of its body; then no stream end is needed.
 *
 * classify: 401/403 and quota codes fail (the message says the key was refused), 429 and
 * rate_limit_exceeded wait (Retry-After), 503/529 (overloaded, llama.cpp loading a model)
 * wait, anything else fails. An abandoned request's stream ends with its connection
 * (cancel = close, PROTOCOL.md 4), so abandoned_answer is false. */
#ifndef FLINT_SESSION_WIRE_CHAT_H
#define FLINT_SESSION_WIRE_CHAT_H

#include "session/wire.h"

/* A new Chat Completions dialect instance (free with wire_free). */
Wire *wire_chat_new(void);
/* Send the request's prompt_cache_key (after "model") - off by default: OpenAI's Chat
 * Completions accepts it, but PROTOCOL.md 4 lists no such field for llama.cpp, vLLM, Ollama
 * or Cerebras (vLLM warns about unknown fields, strict servers may refuse them), so the app
 * turns it on only for a provider known to take it. */
void wire_chat_set_cache_key(Wire *w, bool send);

/* The cap on one SSE event's data (PROTOCOL.md 7.1's message cap). */
#define WIRE_CHAT_MAX_EVENT (16u << 20)

#endif
