/* Transcript: a growable array of entries; each entry's text is a StrBuf that only grows.
 * Appending a delta is a memcpy into spare capacity (doubling), so the per-delta cost is
 * amortised O(len). generation counts mutations for view caches. */
#include "session/transcript.h"

#include <stdlib.h>

#include "core/xalloc.h"

struct Transcript {
    TranscriptEntry *entries;
    size_t count, cap;
    uint64_t generation;
};

Transcript *transcript_new(void) { return xcalloc(1, sizeof(Transcript)); }

void transcript_free(Transcript *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        sb_free(&t->entries[i].text);
        sb_free(&t->entries[i].reasoning);
        free(t->entries[i].detail);
    }
    free(t->entries);
    free(t);
}

size_t transcript_count(const Transcript *t) { return t->count; }

const TranscriptEntry *transcript_entry(const Transcript *t, size_t i)
{
    BUG_ON(i >= t->count);
    return &t->entries[i];
}

size_t transcript_add(Transcript *t, EntryKind kind, EntryState state, const char *text, size_t len)
{
    t->entries = xgrow(t->entries, &t->cap, t->count + 1, sizeof *t->entries);
    TranscriptEntry *e = &t->entries[t->count];
    *e = (TranscriptEntry){.kind = kind, .state = state};
    if (len)
        sb_append(&e->text, text, len);
    t->generation++;
    return t->count++;
}

void transcript_append(Transcript *t, size_t i, const char *text, size_t len)
{
    BUG_ON(i >= t->count);
    sb_append(&t->entries[i].text, text, len);
    t->generation++;
}

void transcript_append_reasoning(Transcript *t, size_t i, const char *text, size_t len)
{
    BUG_ON(i >= t->count);
    sb_append(&t->entries[i].reasoning, text, len);
    t->entries[i].reasoning_deltas++;
    t->generation++;
}

void transcript_finish(Transcript *t, size_t i, EntryState state, const char *detail)
{
    BUG_ON(i >= t->count);
    TranscriptEntry *e = &t->entries[i];
    e->state = state;
    free(e->detail);
    e->detail = detail && *detail ? xstrdup(detail) : NULL;
    t->generation++;
}

uint64_t transcript_generation(const Transcript *t) { return t->generation; }
