/* Context: the user message for one question - model notes (once), the question, then what
 * the editor knows that the model needs: the file's name and path, the cursor position, the
 * selection (repeated, marked), and the file's text: all of it, or a window of whole lines
 * around the cursor when it is larger than the budget, or - when the model has already seen
 * it in this conversation - only a unified diff of what changed since (or a line saying it is
 * unchanged); then the files the question names with @path and the files pinned to the
 * context, the same way. Text goes in fenced blocks whose fence is longer than any backtick
 * run inside them.
 *
 * ContextSeen holds, per file (its absolute path, or the name of an unnamed buffer), the
 * version the model last saw and the user message that last carried it whole (its root).
 * context_compose never changes it: it reports the versions its message establishes in
 * `updates`, which the caller commits once the message is really part of the conversation
 * (context_seen_commit), so a preview is free of side effects.
 *
 * Errors: none (allocation aborts, tier 2); a file named with @path that cannot be read is
 * a line in the message saying so, never a failure. */
#ifndef FLINT_SESSION_CONTEXT_H
#define FLINT_SESSION_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "session/buffer.h"

#define CONTEXT_DEFAULT_MAX_BYTES ((size_t)64 * 1024)
/* Each @path or pinned file: larger ones send their first lines within this, and say so. */
#define CONTEXT_ATTACH_MAX_BYTES ((size_t)64 * 1024)
/* A selection longer than this is named by its lines, not repeated. */
#define CONTEXT_SELECTION_MAX_BYTES ((size_t)16 * 1024)
/* At most this many @path files per question. */
#define CONTEXT_MAX_ATTACH 16
/* The root of an update: the message being composed (context_seen_commit fills it in). */
#define CONTEXT_ROOT_THIS ((size_t)-1)

typedef struct ContextSnap {
    char *key;    /* absolute path, or "[name]" for an unnamed buffer */
    char *text;   /* the version the model last saw, as sent (lines ending in \n) */
    size_t len;
    size_t root;  /* the transcript entry of the user message that carried it whole */
} ContextSnap;

typedef struct ContextSeen {
    ContextSnap *v;
    size_t n, cap;
} ContextSeen;

void context_seen_clear(ContextSeen *s);  /* frees every snapshot; *s is empty and reusable */
const ContextSnap *context_seen_find(const ContextSeen *s, const char *key);
/* Moves every snapshot of updates into s (replacing one of the same key); a root of
 * CONTEXT_ROOT_THIS becomes `entry`. updates is left empty. */
void context_seen_commit(ContextSeen *s, ContextSeen *updates, size_t entry);

/* The buffer open for an absolute path (its unsaved text is what the user means), or NULL. */
typedef const Buffer *(*ContextFindBuffer)(void *ud, const char *abs_path);

typedef struct ContextOptions {
    size_t max_bytes;          /* the current file's budget (0: CONTEXT_DEFAULT_MAX_BYTES) */
    size_t attach_max_bytes;   /* each other file's (0: CONTEXT_ATTACH_MAX_BYTES) */
    const ContextSeen *seen;   /* NULL: the model has seen nothing (files go whole) */
    size_t valid_from;         /* snapshots whose root entry is before this are not in the
                                * request (dropped by the budget): files go whole again */
    const char *cwd;           /* where @path is looked up first (NULL: the process's cwd);
                                * then the current buffer's directory */
    const char *const *notes;  /* lines sent once before the question (hunk decisions) */
    size_t n_notes;
    const char *const *pinned; /* absolute paths the user added to the context (a key) */
    size_t n_pinned;
    ContextFindBuffer find_buffer;  /* NULL: files are read from disk */
    void *find_ud;
} ContextOptions;

/* Appends the whole user message to out; the file versions it shows whole or as a diff go to
 * updates (NULL: not wanted). o NULL: defaults. */
void context_compose(const Buffer *b, const char *question, const ContextOptions *o,
                     StrBuf *out, ContextSeen *updates);
/* context_compose with only a budget (0: the default), nothing seen, no notes or pins. */
void context_build(const Buffer *b, const char *question, size_t max_bytes, StrBuf *out);

/* The snapshot key of a buffer: its absolute path (realpath when the file exists), else
 * "[name]". Appends to out. */
void context_buffer_key(const Buffer *b, StrBuf *out);

/* Tokens a request of `bytes` bytes is estimated to take: bytes / 4, rounded up (OpenAI's
 * rule of thumb for English text; not measured against a real tokenizer here - none is
 * installed - and applied to the JSON body, whose escapes add bytes, so it tends to err on
 * the large side). The status line prefers the server's input_tokens once it has them. */
size_t context_tokens(size_t bytes);

#endif
