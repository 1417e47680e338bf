/* Conversation: stored messages are an array sorted by entry (questions are asked in
 * transcript order, so a store appends; lookups are a binary search). Notes and pins are
 * small string arrays. The random cache key mixes the monotonic clock, the pid and an
 * address through splitmix64: it need not be secret, only distinct per conversation. */
#include "session/conversation.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"

typedef struct Stored {
    size_t entry;
    char *text;
    size_t len;
} Stored;

struct Conversation {
    char *cache_key;
    size_t window_tokens;
    Stored *msgs;
    size_t n_msgs, msgs_cap;
    ContextSeen seen;
    char **notes;
    size_t n_notes, notes_cap;
    char **pins;
    size_t n_pins, pins_cap;
    size_t floor;  /* whole requests start at the first question at or after this entry */
};

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

Conversation *conversation_new(const char *cache_key, size_t window_tokens)
{
    Conversation *c = xcalloc(1, sizeof *c);
    if (cache_key && *cache_key) {
        c->cache_key = xstrdup(cache_key);
    } else {
        uint64_t r = splitmix64(clock_now_ns() ^ ((uint64_t)getpid() << 40) ^
                                (uint64_t)(uintptr_t)c);
        char key[32];
        snprintf(key, sizeof key, "flint-%016llx", (unsigned long long)r);
        c->cache_key = xstrdup(key);
    }
    if (!window_tokens)
        window_tokens = CONVERSATION_WINDOW_TOKENS;
    c->window_tokens = window_tokens < CONVERSATION_WINDOW_MIN ? CONVERSATION_WINDOW_MIN
                                                                : window_tokens;
    return c;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void conversation_free(Conversation *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_msgs; i++)
        free(c->msgs[i].text);
    free(c->msgs);
    context_seen_clear(&c->seen);
    free_strings(c->notes, c->n_notes);
    free_strings(c->pins, c->n_pins);
    free(c->cache_key);
    free(c);
}

const char *conversation_cache_key(const Conversation *c) { return c->cache_key; }
size_t conversation_window_tokens(const Conversation *c) { return c->window_tokens; }

size_t conversation_output_reserve(const Conversation *c)
{
    size_t r = c->window_tokens / 4;
    return r > 16384 ? 16384 : r;
}

static const Stored *find(const Conversation *c, size_t entry)
{
    size_t lo = 0, hi = c->n_msgs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->msgs[mid].entry < entry)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_msgs && c->msgs[lo].entry == entry ? &c->msgs[lo] : NULL;
}

void conversation_store(Conversation *c, size_t entry, const char *text, size_t len)
{
    if (find(c, entry))
        return;
    c->msgs = xgrow(c->msgs, &c->msgs_cap, c->n_msgs + 1, sizeof *c->msgs);
    size_t at = c->n_msgs;
    while (at > 0 && c->msgs[at - 1].entry > entry)
        at--;
    memmove(&c->msgs[at + 1], &c->msgs[at], (c->n_msgs - at) * sizeof *c->msgs);
    c->msgs[at] = (Stored){entry, xmemdup(text, len + 1), len};
    c->msgs[at].text[len] = '\0';
    c->n_msgs++;
}

const char *conversation_message(const Conversation *c, size_t entry, size_t *len)
{
    const Stored *m = find(c, entry);
    if (!m)
        return NULL;
    *len = m->len;
    return m->text;
}

ContextSeen *conversation_seen(Conversation *c) { return &c->seen; }

void conversation_add_note(Conversation *c, const char *line)
{
    char *copy = xstrdup(line ? line : "");
    for (char *p = copy; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    c->notes = xgrow(c->notes, &c->notes_cap, c->n_notes + 1, sizeof *c->notes);
    c->notes[c->n_notes++] = copy;
}

const char *const *conversation_notes(const Conversation *c, size_t *n)
{
    *n = c->n_notes;
    return (const char *const *)c->notes;
}

void conversation_clear_notes(Conversation *c)
{
    for (size_t i = 0; i < c->n_notes; i++)
        free(c->notes[i]);
    c->n_notes = 0;
}

bool conversation_pin(Conversation *c, const char *abs_path)
{
    for (size_t i = 0; i < c->n_pins; i++)
        if (strcmp(c->pins[i], abs_path) == 0)
            return false;
    c->pins = xgrow(c->pins, &c->pins_cap, c->n_pins + 1, sizeof *c->pins);
    c->pins[c->n_pins++] = xstrdup(abs_path);
    return true;
}

const char *const *conversation_pins(const Conversation *c, size_t *n)
{
    *n = c->n_pins;
    return (const char *const *)c->pins;
}

/* ---- requests ---------------------------------------------------------------------------- */

const char *conversation_entry_text(const Conversation *c, const Transcript *tr, size_t i,
                                    size_t *len)
{
    const TranscriptEntry *e = transcript_entry(tr, i);
    if (e->kind == ENTRY_USER) {
        const Stored *m = find(c, i);
        if (m) {
            *len = m->len;
            return m->text;
        }
    }
    *len = e->text.len;
    return sb_cstr(&e->text);
}

/* The newest whole turns before hist_end within budget bytes: their first entry. */
static size_t newest_within(const Conversation *c, const Transcript *tr, size_t hist_end,
                            size_t budget)
{
    size_t start = hist_end, bytes = 0;
    for (size_t i = hist_end; i-- > 0;) {
        const TranscriptEntry *e = transcript_entry(tr, i);
        if (e->kind == ENTRY_NOTE)
            continue;
        size_t len;
        conversation_entry_text(c, tr, i, &len);
        bytes += len;
        if (bytes > budget)
            break;
        if (e->kind == ENTRY_USER)
            start = i; /* a turn starts at its question */
    }
    return start;
}

size_t conversation_history_start(const Conversation *c, const Transcript *tr, size_t hist_end,
                                  size_t fixed_bytes)
{
    size_t tokens = c->window_tokens - conversation_output_reserve(c);
    size_t used = context_tokens(fixed_bytes);
    size_t budget = used >= tokens ? 0 : (tokens - used) * 4;
    /* From the floor, if that still fits: the same first turn as the last whole request, so
     * its prefix stays the provider's cache. */
    size_t from = conversation_first_question(c, tr, hist_end), bytes = 0;
    for (size_t i = from; i < hist_end && bytes <= budget; i++) {
        if (transcript_entry(tr, i)->kind == ENTRY_NOTE)
            continue;
        size_t len;
        conversation_entry_text(c, tr, i, &len);
        bytes += len;
    }
    if (bytes <= budget)
        return from;
    /* Over: drop the oldest turns, down to three quarters of the budget, so that the next
     * few requests can keep this new first turn (and their prefix) before dropping again. */
    return newest_within(c, tr, hist_end, budget - budget / 4);
}

void conversation_set_floor(Conversation *c, size_t entry)
{
    if (entry > c->floor)
        c->floor = entry;
}

size_t conversation_first_question(const Conversation *c, const Transcript *tr, size_t hist_end)
{
    for (size_t i = c->floor; i < hist_end; i++)
        if (transcript_entry(tr, i)->kind == ENTRY_USER)
            return i;
    return hist_end;
}

typedef struct Finder {
    const ConversationCompose *cc;
    StrBuf key;
} Finder;

/* The open buffer whose file is abs_path (ContextFindBuffer). */
static const Buffer *find_buffer(void *ud, const char *abs_path)
{
    Finder *f = ud;
    for (size_t i = 0; i < f->cc->n_buffers; i++) {
        const Buffer *b = f->cc->buffers[i];
        if (!buffer_path(b))
            continue;
        sb_reset(&f->key);
        context_buffer_key(b, &f->key);
        if (strcmp(sb_cstr(&f->key), abs_path) == 0)
            return b;
    }
    return NULL;
}

void conversation_compose(const Conversation *c, const Transcript *tr,
                          const ConversationCompose *cc, const char *question, size_t hist_end,
                          StrBuf *out, ContextSeen *updates)
{
    size_t window_bytes = (c->window_tokens - conversation_output_reserve(c)) * 4;
    size_t max = cc->max_bytes ? cc->max_bytes : CONTEXT_DEFAULT_MAX_BYTES;
    Finder f = {.cc = cc};
    ContextOptions o = {
        .max_bytes = max < window_bytes / 2 ? max : window_bytes / 2,
        .seen = &c->seen,
        .find_buffer = find_buffer,
        .find_ud = &f,
        .notes = (const char *const *)c->notes,
        .n_notes = c->n_notes,
        .pinned = (const char *const *)c->pins,
        .n_pinned = c->n_pins,
    };
    o.valid_from = conversation_history_start(c, tr, hist_end, cc->fixed_bytes);
    for (int pass = 0; pass < 3; pass++) {
        size_t mark = out->len;
        if (updates)
            context_seen_clear(updates);
        context_compose(cc->current, question, &o, out, updates);
        size_t start = conversation_history_start(c, tr, hist_end,
                                                  cc->fixed_bytes + out->len - mark);
        if (start <= o.valid_from || pass == 2)
            break;
        o.valid_from = start; /* the message grew the request: fewer earlier turns fit */
        sb_truncate(out, mark);
    }
    sb_free(&f.key);
}
