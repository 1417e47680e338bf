/* flint-backend's Chat Completions mode (`--api chat`, PROTOCOL.md 4): HTTP/1.1 on the same
 * lws vhost, `POST .../chat/completions` answered with a `text/event-stream` of
 * chat.completion.chunk objects (chunked transfer encoding, so the connection is kept
 * alive for the next request), `GET .../models`, 404 for anything else. The answers are
 * the same scripts and pacing as the WebSocket mode (script.c, tokenize.c, pacer.c, --rate,
 * --tokens, --limit as a 429 with Retry-After).
 *
 * The variant (ChatVariant) shapes the stream as each server does: llama.cpp puts usage and
 * `timings` on the finish chunk; vLLM and Ollama send usage in a separate `choices:[]`
 * chunk; Cerebras puts usage and `time_info` on the finish chunk and names reasoning
 * `reasoning`. All end with `data: [DONE]` unless no_done (the ik_llama.cpp fork), and use
 * LF line ends unless crlf.
 *
 * Log lines (tests wait on them): "open conn=C" (a new TCP connection), "recv conn=C
 * type=chat.completions bytes=N", "stream conn=C resp=ID deltas=N rate=R", "done conn=C
 * resp=ID deltas=N status=S", "cancel conn=C resp=ID after=N" (the client closed
 * mid-stream: PROTOCOL.md 4, cancel = close), "error conn=C code=...", "closed conn=C
 * deltas_sent=N". Error tier: none (bad requests become HTTP errors). */
#ifndef FLINT_BACKEND_CHAT_H
#define FLINT_BACKEND_CHAT_H

#include <stdbool.h>

#include <libwebsockets.h>

#include "tests/backend/conn.h"

typedef enum ChatVariant {
    CHAT_LLAMACPP,
    CHAT_VLLM,
    CHAT_OLLAMA,
    CHAT_CEREBRAS,
} ChatVariant;

typedef struct ChatOptions {
    ChatVariant variant;
    bool crlf;     /* CRLF line ends in the event stream */
    bool no_done;  /* no `data: [DONE]` at the end */
} ChatOptions;

/* "llamacpp", "vllm", "ollama", "cerebras" -> *out; false for anything else. */
bool chat_variant_parse(const char *name, ChatVariant *out);
const char *chat_variant_name(ChatVariant v);

/* What the chat protocol needs, owned by the Server: its lws_protocols entry's `user`. */
typedef struct ChatEnv {
    ConnEnv *env;      /* the settings and pacer shared with the WebSocket mode */
    ChatOptions opt;
    unsigned *conn_ids; /* per socket fd (< CHAT_MAX_FDS): its connection number, 0 none */
} ChatEnv;

#define CHAT_MAX_FDS 1024 /* = the context's fd_limit_per_thread */

/* The lws protocol callback of the chat mode; its per-session data is chat_pss_size()
 * bytes and its protocol's user a ChatEnv. */
int chat_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len);
size_t chat_pss_size(void);

#endif
