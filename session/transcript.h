/* Transcript: what the model pane shows. An append-only list of entries (the user's questions,
 * the model's answers, notes), each with its text and state. Answers grow by appending deltas,
 * which is the hot path at 1000-100,000 deltas/s: amortised O(1), no per-delta allocation.
 *
 * Entries are never edited or removed once finished: the pane (ui/) re-wraps them from here
 * on resize, so nothing is ever duplicated or lost by a relayout. generation() changes on every
 * mutation so a view can cache its layout. */
#ifndef FLINT_SESSION_TRANSCRIPT_H
#define FLINT_SESSION_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

typedef enum EntryKind {
    ENTRY_USER,    /* a question the user asked */
    ENTRY_ANSWER,  /* the model's answer text */
    ENTRY_NOTE,    /* flint's own line: errors, link changes */
} EntryKind;

typedef enum EntryState {
    ENTRY_OPEN,         /* still streaming */
    ENTRY_DONE,
    ENTRY_INTERRUPTED,  /* stopped by the user */
    ENTRY_NETWORK,      /* interrupted by a lost connection */
    ENTRY_INCOMPLETE,   /* response.incomplete (detail = reason) */
    ENTRY_FAILED,       /* response.failed / error (detail = message) */
    ENTRY_STALLED,      /* the server went silent mid-turn (detail = for how long) */
} EntryState;

typedef struct TranscriptEntry {
    EntryKind kind;
    EntryState state;
    StrBuf text;
    char *detail;  /* owned; NULL or a short reason shown after the text */
    /* ENTRY_ANSWER: the model's reasoning, apart from the answer text (shown collapsed above
     * it; never sent back to the model, never in the journal); its deltas ~ tokens. */
    StrBuf reasoning;
    size_t reasoning_deltas;
} TranscriptEntry;

typedef struct Transcript Transcript;

Transcript *transcript_new(void);
void transcript_free(Transcript *t);  /* accepts NULL */
size_t transcript_count(const Transcript *t);
const TranscriptEntry *transcript_entry(const Transcript *t, size_t i);
/* Returns the new entry's index. */
size_t transcript_add(Transcript *t, EntryKind kind, EntryState state, const char *text, size_t len);
void transcript_append(Transcript *t, size_t i, const char *text, size_t len);
/* Reasoning for entry i (one delta: the count grows by one). */
void transcript_append_reasoning(Transcript *t, size_t i, const char *text, size_t len);
void transcript_finish(Transcript *t, size_t i, EntryState state, const char *detail);
uint64_t transcript_generation(const Transcript *t);

#endif
