/* Server -> client event JSON for the Responses WebSocket mode (PROTOCOL.md 1.4), shaped to
 * validate against ResponsesServerEvent in openai-openapi.yml: the `response` object carries
 * every field Response requires (id, object, created_at, error, incomplete_details,
 * instructions, model, tools, output, parallel_tool_calls, metadata, tool_choice,
 * temperature, top_p), text deltas carry `logprobs`, errors follow ResponseWsError.
 *
 * Every ev_* builder returns a malloc'd, NUL-terminated, compact JSON string (caller frees)
 * and its length. The delta builder is the hot path and writes into a caller buffer instead.
 * Error tier: none (allocation aborts). */
#ifndef FLINT_BACKEND_EVENTS_H
#define FLINT_BACKEND_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* One response as the events describe it. Strings are owned by the Resp. */
typedef struct Resp {
    char id[40];        /* "resp_<hex>" */
    char item_id[40];   /* "msg_<hex>" */
    char *model;
    char *instructions; /* NULL -> null */
    char *prev_id;      /* NULL -> null */
    char *stream_id;    /* NULL -> field omitted (PROTOCOL.md 1.6) */
    long max_output_tokens; /* < 0 -> null */
    bool generate;      /* false: warm-up, no output item */
    int64_t created_at; /* unix seconds */
    int64_t completed_at;
    const char *status; /* "in_progress", "completed", "incomplete" */
    bool truncated;     /* stopped by max_output_tokens: status incomplete */
    const char *incomplete_reason; /* status incomplete for another reason ("steered",
                                    * tests/backend/steer.h); NULL: none */
    char *text;         /* the full answer text once known; NULL -> "" */
    size_t text_len;
    long input_tokens, cached_tokens, output_tokens;
} Resp;

void resp_free_fields(Resp *r);

/* Fills id and item_id with fresh random hex ids. */
void ev_new_ids(Resp *r);

/* response.created / response.in_progress / response.completed / response.incomplete. */
char *ev_lifecycle(const Resp *r, const char *type, int seq, size_t *len);
/* response.output_item.added (done = false) or .done (done = true). */
char *ev_output_item(const Resp *r, bool done, int seq, size_t *len);
/* response.content_part.added / .done. */
char *ev_content_part(const Resp *r, bool done, int seq, size_t *len);
/* response.output_text.done with the whole text. */
char *ev_text_done(const Resp *r, int seq, size_t *len);
/* The ResponseWsError event; param and stream_id may be NULL. */
char *ev_error(int status, const char *type, const char *code, const char *message,
               const char *param, const char *stream_id, size_t *len);

/* A 429 rate_limit_exceeded ResponseWsError whose error.headers carry retry-after (seconds,
 * as given) and x-ratelimit-reset-requests (a duration such as "2s"), as OpenAI sends them. */
char *ev_rate_limited(const char *retry_after, const char *reset_requests, size_t *len);

/* The response.output_text.delta hot path. ev_delta_prefix/suffix are computed once per
 * response; a delta is prefix + escaped piece + "\",\"logprobs\":[],\"sequence_number\":"
 * + seq + suffix. ev_delta_write returns the length written to dst, which needs room for
 * prefix + esc_len + EV_DELTA_SLACK + suffix bytes. */
#define EV_DELTA_SLACK 64
void ev_delta_prefix(const Resp *r, StrBuf *prefix, StrBuf *suffix);
size_t ev_delta_write(char *dst, const StrBuf *prefix, const char *esc, size_t esc_len,
                      int seq, const StrBuf *suffix);

#endif
