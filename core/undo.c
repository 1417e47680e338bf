/* Undo: steps[0..count) in the order they were made; steps[0..cur) are applied to the text,
 * steps[cur..count) were undone and can be redone. Each step owns an array of changes, each
 * change its bytes.
 *
 * Invariants:
 *   - cur <= count. Recording truncates the list to cur first (linear history).
 *   - open means steps[cur - 1] may still grow (cur == count then); undo, redo, a savepoint
 *     and undo_break (outside a group) clear it. So a step never grows across a savepoint,
 *     which is what makes "save == cur" mean "the text equals the saved file".
 *   - save is the cur value of the saved text, or UNDO_NO_SAVE once the steps leading back
 *     to it have been dropped.
 *   - group_depth > 0: every record lands in one open step.
 *   - Every change caches end == undo_end_of(at, bytes, len), the position just after its
 *     bytes, and every merge keeps it so. Deciding whether a keystroke continues the open
 *     step is then O(1) (and costs O(bytes typed) to extend), not a rescan of everything
 *     typed so far; undo/redo use it to delete without rescanning either. */
#include "core/undo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define UNDO_NO_SAVE SIZE_MAX

typedef struct UndoChange {
    bool insert;
    TextPos at, end;
    char *bytes;
    size_t len, cap;
} UndoChange;

typedef struct UndoStep {
    UndoChange *changes;
    size_t n, cap;
    UndoMerge merge;
    TextPos cursor_before, cursor_after;
} UndoStep;

struct Undo {
    UndoStep *steps;
    size_t count, cap, cur;
    size_t save;
    bool open;
    int group_depth;
};

Undo *undo_new(void) { return xcalloc(1, sizeof(Undo)); }

static void undo_step_free(UndoStep *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->changes[i].bytes);
    free(s->changes);
}

static void undo_truncate(Undo *u, size_t n)
{
    for (size_t i = n; i < u->count; i++)
        undo_step_free(&u->steps[i]);
    u->count = n;
    if (u->cur > n)
        u->cur = n;
    if (u->save != UNDO_NO_SAVE && u->save > n)
        u->save = UNDO_NO_SAVE;
}

void undo_free(Undo *u)
{
    if (!u)
        return;
    undo_truncate(u, 0);
    free(u->steps);
    free(u);
}

void undo_clear(Undo *u)
{
    undo_truncate(u, 0);
    u->save = 0;
    u->open = false;
}

/* Where the cursor is after inserting s at `at`. */
static TextPos undo_end_of(TextPos at, const char *s, size_t len)
{
    const char *last = s;
    size_t lines = 0;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
        lines++;
        last = p + 1;
    }
    if (lines == 0)
        return (TextPos){at.line, at.col + len};
    return (TextPos){at.line + lines, (size_t)(s + len - last)};
}

static bool pos_eq(TextPos a, TextPos b) { return a.line == b.line && a.col == b.col; }

static UndoChange undo_change_new(bool insert, TextPos at, const char *s, size_t len)
{
    return (UndoChange){.insert = insert, .at = at, .end = undo_end_of(at, s, len),
                        .bytes = xmemdup(s, len), .len = len, .cap = len};
}

/* Tries to fold the new change into c, the step's last change. */
static bool undo_merge_into(UndoChange *c, UndoMerge merge, bool insert, TextPos at,
                            const char *s, size_t len)
{
    if (c->insert != insert)
        return false;
    switch (merge) {
    case UNDO_MERGE_TYPING:
        if (!insert || !pos_eq(at, c->end))
            return false;
        c->bytes = xgrow(c->bytes, &c->cap, c->len + len, 1);
        memcpy(c->bytes + c->len, s, len);
        c->len += len;
        c->end = undo_end_of(at, s, len); /* s continues exactly at the old end */
        return true;
    case UNDO_MERGE_BACKSPACE:
        if (insert || !pos_eq(undo_end_of(at, s, len), c->at))
            return false;
        c->bytes = xgrow(c->bytes, &c->cap, c->len + len, 1);
        memmove(c->bytes + len, c->bytes, c->len);
        memcpy(c->bytes, s, len);
        c->len += len;
        c->at = at; /* s ended at the old start, so the end stays where it was */
        return true;
    case UNDO_MERGE_DELETE:
        if (insert || !pos_eq(at, c->at))
            return false;
        c->bytes = xgrow(c->bytes, &c->cap, c->len + len, 1);
        memcpy(c->bytes + c->len, s, len);
        c->len += len;
        c->end = undo_end_of(c->end, s, len); /* s followed the old bytes in the text */
        return true;
    case UNDO_MERGE_NONE:
        return false;
    }
    UNREACHABLE();
}

static void undo_record(Undo *u, bool insert, TextPos at, const char *s, size_t len,
                        TextPos before, TextPos after, UndoMerge merge)
{
    if (len == 0)
        return;
    if (u->cur < u->count) {
        undo_truncate(u, u->cur);
        u->open = false;
    }
    bool grouped = u->group_depth > 0;
    if (u->open) {
        UndoStep *st = &u->steps[u->cur - 1];
        UndoChange *last = &st->changes[st->n - 1];
        if ((grouped || st->merge == merge) &&
            undo_merge_into(last, merge, insert, at, s, len)) {
            st->cursor_after = after;
            return;
        }
        if (grouped) {
            st->changes = xgrow(st->changes, &st->cap, st->n + 1, sizeof *st->changes);
            st->changes[st->n++] = undo_change_new(insert, at, s, len);
            st->cursor_after = after;
            return;
        }
    }
    u->steps = xgrow(u->steps, &u->cap, u->count + 1, sizeof *u->steps);
    UndoStep *st = &u->steps[u->count++];
    *st = (UndoStep){.merge = merge, .cursor_before = before, .cursor_after = after};
    st->changes = xgrow(NULL, &st->cap, 1, sizeof *st->changes);
    st->changes[0] = undo_change_new(insert, at, s, len);
    st->n = 1;
    u->cur = u->count;
    u->open = grouped || merge != UNDO_MERGE_NONE;
}

void undo_record_insert(Undo *u, TextPos at, const char *s, size_t len, TextPos cursor_before,
                        TextPos cursor_after, UndoMerge merge)
{
    undo_record(u, true, at, s, len, cursor_before, cursor_after, merge);
}

void undo_record_delete(Undo *u, TextPos at, const char *s, size_t len, TextPos cursor_before,
                        TextPos cursor_after, UndoMerge merge)
{
    undo_record(u, false, at, s, len, cursor_before, cursor_after, merge);
}

void undo_break(Undo *u)
{
    if (u->group_depth == 0)
        u->open = false;
}

void undo_group_begin(Undo *u)
{
    if (u->group_depth++ == 0)
        u->open = false;
}

void undo_group_end(Undo *u)
{
    BUG_ON(u->group_depth <= 0);
    if (--u->group_depth == 0)
        u->open = false;
}

bool undo_undo(Undo *u, Text *t, TextPos *cursor)
{
    u->open = false;
    if (u->cur == 0)
        return false;
    const UndoStep *st = &u->steps[--u->cur];
    for (size_t i = st->n; i-- > 0;) {
        const UndoChange *c = &st->changes[i];
        if (c->insert)
            text_delete(t, c->at, c->end);
        else
            text_insert(t, c->at, c->bytes, c->len);
    }
    *cursor = text_clamp(t, st->cursor_before);
    return true;
}

bool undo_redo(Undo *u, Text *t, TextPos *cursor)
{
    u->open = false;
    if (u->cur == u->count)
        return false;
    const UndoStep *st = &u->steps[u->cur++];
    for (size_t i = 0; i < st->n; i++) {
        const UndoChange *c = &st->changes[i];
        if (c->insert)
            text_insert(t, c->at, c->bytes, c->len);
        else
            text_delete(t, c->at, c->end);
    }
    *cursor = text_clamp(t, st->cursor_after);
    return true;
}

bool undo_can_undo(const Undo *u) { return u->cur > 0; }

bool undo_can_redo(const Undo *u) { return u->cur < u->count; }

size_t undo_step_count(const Undo *u) { return u->cur; }

void undo_set_savepoint(Undo *u)
{
    u->save = u->cur;
    u->open = false;
}

bool undo_at_savepoint(const Undo *u) { return u->save == u->cur; }
