/* WireModels: the answer to `GET {base}/models` (OpenAI's list: {"object":"list","data":
 * [{"id":"gpt-5.3-codex-spark","object":"model",...},...]}, which llama.cpp, vLLM, Ollama's
 * /v1, Cerebras and xAI all give), read into a sorted list of model ids for the model picker
 * (app/model_pick.c). Ollama's native /api/tags shape ({"models":[{"name":...}]}) is read too.
 *
 * The bytes are the server's: an id that is empty, longer than WIRE_MODEL_ID_MAX bytes or
 * holds a control character is skipped (it would be shown and sent back as "model");
 * duplicates are dropped; at most WIRE_MODELS_MAX ids are kept.
 *
 * Errors: tier 3. Not JSON, no list, or an error document ({"error":{"message":...}}, or a
 * plain string) -> false with a line for the status bar. Ownership: the list owns its ids;
 * wire_models_free releases them. */
#ifndef FLINT_SESSION_WIRE_MODELS_H
#define FLINT_SESSION_WIRE_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define WIRE_MODEL_ID_MAX 200
#define WIRE_MODELS_MAX 1000

typedef struct WireModels {
    char **ids;  /* sorted (strcmp), unique */
    size_t n;
} WireModels;

bool wire_models_parse(const char *json, size_t len, WireModels *out, ErrorBuf *err);
void wire_models_free(WireModels *m);  /* accepts a zeroed list */

#endif
