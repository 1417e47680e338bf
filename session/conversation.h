/* Conversation: what the model has been sent in this conversation, kept so that every later
 * request repeats it byte for byte (the provider's prefix cache then applies):
 *
 *   - each user message exactly as first sent (question + notes + context), by the
 *     transcript entry of its question: a resend after an interrupt, a steer or a reconnect
 *     carries these, never a message rendered again from today's buffer;
 *   - the file versions the model has seen (ContextSeen, session/context.h), so the next
 *     message sends only a diff;
 *   - the prompt_cache_key, fixed for the conversation;
 *   - model notes waiting for the next message (hunk decisions: sent once, then dropped);
 *   - the files the user pinned to the context (sent with every question, as diffs once
 *     seen);
 *   - the token window the requests must fit in.
 *
 * Ownership: the Conversation owns copies of everything given to it. Errors: none
 * (allocation aborts, tier 2). */
#ifndef FLINT_SESSION_CONVERSATION_H
#define FLINT_SESSION_CONVERSATION_H

#include <stdbool.h>
#include <stddef.h>

#include "session/buffer.h"
#include "session/context.h"
#include "session/transcript.h"

/* The window of gpt-5.3-codex-spark (PROTOCOL.md 3), the default of context.window_tokens. */
#define CONVERSATION_WINDOW_TOKENS ((size_t)128000)
#define CONVERSATION_WINDOW_MIN ((size_t)1024)

typedef struct Conversation Conversation;

/* cache_key NULL or "": a new random one ("flint-" and 16 hex digits). window_tokens 0: the
 * default (values below CONVERSATION_WINDOW_MIN are raised to it). */
Conversation *conversation_new(const char *cache_key, size_t window_tokens);
void conversation_free(Conversation *c);  /* accepts NULL */

const char *conversation_cache_key(const Conversation *c);
size_t conversation_window_tokens(const Conversation *c);
/* Tokens kept free for the answer: a quarter of the window, at most 16384. */
size_t conversation_output_reserve(const Conversation *c);

/* The user message of the question at transcript entry `entry`, as sent (stored once: a
 * second store for the same entry is ignored). */
void conversation_store(Conversation *c, size_t entry, const char *text, size_t len);
/* NULL when none was stored for that entry. */
const char *conversation_message(const Conversation *c, size_t entry, size_t *len);

ContextSeen *conversation_seen(Conversation *c);

/* A line for the next user message (copied; a line's newlines become spaces). */
void conversation_add_note(Conversation *c, const char *line);
const char *const *conversation_notes(const Conversation *c, size_t *n);
void conversation_clear_notes(Conversation *c);

/* Adds an absolute path to the pinned files; false when it is pinned already. */
bool conversation_pin(Conversation *c, const char *abs_path);
const char *const *conversation_pins(const Conversation *c, size_t *n);

/* ---- requests ---------------------------------------------------------------------------- */

/* What transcript entry i is sent as: a question as its stored message (the question alone
 * when none was stored), an answer as its text (an interrupted one as it was cut). */
const char *conversation_entry_text(const Conversation *c, const Transcript *tr, size_t i,
                                    size_t *len);
/* The first entry of the earlier turns (before hist_end) a whole-conversation request
 * carries: from the floor (conversation_set_floor) while that fits the window (less the
 * answer's reserve and fixed_bytes: instructions and the new message, which always go);
 * else the newest whole turns within three quarters of it, oldest dropped first (so that the
 * next requests keep the same first turn). hist_end when none fits. */
size_t conversation_history_start(const Conversation *c, const Transcript *tr, size_t hist_end,
                                  size_t fixed_bytes);
/* A whole request went out starting at entry: later ones start there too while they fit
 * (never earlier: dropped turns stay dropped, so the prefix stays the same). */
void conversation_set_floor(Conversation *c, size_t entry);
/* The first question at or after the floor, before hist_end (hist_end when none): where a
 * whole request starts while the conversation fits, and what a chain holds. */
size_t conversation_first_question(const Conversation *c, const Transcript *tr, size_t hist_end);

typedef struct ConversationCompose {
    const Buffer *current;          /* the buffer the question is about */
    const Buffer *const *buffers;   /* every open buffer (an @path's unsaved text) */
    size_t n_buffers;
    size_t max_bytes;               /* the current file's budget (capped at half the window) */
    size_t fixed_bytes;             /* the instructions' size */
} ConversationCompose;

/* The user message for question, to be the question at transcript entry hist_end: the
 * notes, the pinned files, the seen versions (context_compose). A file last sent whole in a
 * turn the window drops goes whole again: a diff against a message the request no longer
 * carries would mean nothing. The versions it shows go to updates (commit them with
 * context_seen_commit once the message is sent). */
void conversation_compose(const Conversation *c, const Transcript *tr,
                          const ConversationCompose *cc, const char *question, size_t hist_end,
                          StrBuf *out, ContextSeen *updates);

#endif
