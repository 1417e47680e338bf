/* The Session's context calls (session.h, "what the model sees"): model notes, pinned files,
 * the messages as sent and their restoring for a journal, the window's use for the status
 * line, and the preview of exactly what asking now would send. Split from session.c
 * (session/session_internal.h has the struct and the helpers they share). Errors: tier 3
 * where a call returns bool + ErrorBuf; the rest cannot fail. */
#include <stdlib.h>

#include "core/error.h"
#include "session/session.h"
#include "session/session_internal.h"

/* ---- context: notes, pinned files, the view of the next request ------------------------- */

void session_add_model_note(Session *s, const char *line)
{
    conversation_add_note(s->convo, line);
}

bool session_context_add_file(Session *s, const char *path, ErrorBuf *err)
{
    if (!path || !*path)
        return error_set(err, "the buffer has no file yet (save it first)");
    char *real = realpath(path, NULL);
    if (!real)
        return error_set(err, "%s: no such file", path);
    bool added = conversation_pin(s->convo, real);
    free(real);
    if (!added)
        return error_set(err, "%s is in the context already", path);
    return true;
}

size_t session_context_files(const Session *s, const char *const **paths)
{
    size_t n;
    *paths = conversation_pins(s->convo, &n);
    return n;
}

const char *session_cache_key(const Session *s) { return conversation_cache_key(s->convo); }

const char *session_sent_message(const Session *s, size_t entry, size_t *len)
{
    return conversation_message(s->convo, entry, len);
}

void session_restore_sent_message(Session *s, size_t entry, const char *text, size_t len)
{
    conversation_store(s->convo, entry, text, len);
}

void session_context_use(const Session *s, int *ctx_percent, int *cache_percent)
{
    size_t window = conversation_window_tokens(s->convo);
    const SessionStats *st = &s->stats;
    size_t used = st->input_tokens ? st->input_tokens + st->output_tokens : s->request_tokens;
    *ctx_percent = used ? (int)((used * 100 + window / 2) / window) : -1;
    *cache_percent = st->input_tokens && st->cached_tokens <= st->input_tokens
                         ? (int)((st->cached_tokens * 100 + st->input_tokens / 2) /
                                 st->input_tokens)
                         : -1;
}

void session_preview_request(Session *s, const char *question, StrBuf *json, StrBuf *message_out,
                             SessionPreview *pv)
{
    /* While a turn is open, asking interrupts it first (a client-side steer): the request
     * then carries it, its partial answer included, and cannot be chained. */
    size_t hist_end = transcript_count(s->transcript);
    StrBuf message = {0};
    ContextSeen updates = {0};
    session_compose_message(s, question && *question ? question : "(your question)", hist_end,
                    &message, &updates);
    bool chained;
    size_t n, first;
    session_encode_request(s, sb_cstr(&message), message.len, hist_end, !session_in_turn(s),
                           &chained, &n, &first);
    sb_append(json, sb_cstr(&s->json), s->json.len);
    if (message_out)
        sb_append(message_out, sb_cstr(&message), message.len);
    size_t dropped = 0;
    for (size_t i = chained ? 0 : first; i-- > 0;)
        dropped += transcript_entry(s->transcript, i)->kind == ENTRY_USER;
    *pv = (SessionPreview){
        .bytes = s->json.len,
        .tokens = context_tokens(s->json.len),
        .window_tokens = conversation_window_tokens(s->convo),
        .n_input = n,
        .chained = chained,
        .dropped_turns = dropped,
        .message_bytes = message.len,
    };
    sb_free(&message);
    context_seen_clear(&updates);
}

