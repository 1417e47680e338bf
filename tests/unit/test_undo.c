/* core/undo driven directly (test_buffer covers it through the Buffer): merges of multi-line
 * typing and forward deletes, which the Buffer never makes but the API allows; edits at a
 * moved cursor without undo_break, which must not join the open step; groups; and a long
 * randomised run where every undo and redo must land exactly on the text as it was when that
 * step ended (a plain snapshot per step count). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "core/undo.h"
#include "harness.h"

typedef struct Ed {
    Text *t;
    Undo *u;
    TextPos cur;
} Ed;

static char *dump(const Text *t)
{
    StrBuf sb = {0};
    text_serialize(t, &sb);
    return sb_steal(&sb, NULL);
}

static void ed_insert(Ed *e, const char *s, UndoMerge merge)
{
    size_t len = strlen(s);
    TextPos before = e->cur;
    TextPos after = text_insert(e->t, before, s, len);
    undo_record_insert(e->u, before, s, len, before, after, merge);
    e->cur = after;
}

static void ed_delete(Ed *e, TextPos from, TextPos to, UndoMerge merge, TextPos cursor_after)
{
    if (text_pos_cmp(from, to) >= 0)
        return;
    StrBuf gone = {0};
    text_copy(e->t, from, to, &gone);
    text_delete(e->t, from, to);
    undo_record_delete(e->u, from, gone.data, gone.len, e->cur, cursor_after, merge);
    sb_free(&gone);
    e->cur = cursor_after;
}

/* n bytes back / forward from p, a line break counting as one byte. */
static TextPos back(const Text *t, TextPos p, size_t n)
{
    while (n-- > 0) {
        if (p.col > 0)
            p.col--;
        else if (p.line > 0)
            p = (TextPos){p.line - 1, text_line_len(t, p.line - 1)};
    }
    return p;
}

static TextPos fwd(const Text *t, TextPos p, size_t n)
{
    while (n-- > 0) {
        if (p.col < text_line_len(t, p.line))
            p.col++;
        else if (p.line + 1 < text_line_count(t))
            p = (TextPos){p.line + 1, 0};
    }
    return p;
}

static void check_undo_to(Ed *e, const char *want, size_t steps)
{
    CHECK(undo_undo(e->u, e->t, &e->cur));
    char *got = dump(e->t);
    CHECK_STR_EQ(got, want);
    CHECK_INT_EQ(undo_step_count(e->u), steps);
    free(got);
}

static void test_multiline_typing_merges(void)
{
    Ed e = {text_new(), undo_new(), {0, 0}};
    text_set(e.t, "tail\n", 5);
    undo_clear(e.u);
    ed_insert(&e, "ab\ncd", UNDO_MERGE_TYPING);
    ed_insert(&e, "\n", UNDO_MERGE_TYPING);
    ed_insert(&e, "ef", UNDO_MERGE_TYPING);
    ed_insert(&e, "\n\n", UNDO_MERGE_TYPING);
    ed_insert(&e, "g", UNDO_MERGE_TYPING); /* continues at (4, 0), found without a rescan */
    CHECK_INT_EQ(undo_step_count(e.u), 1);
    char *all = dump(e.t);
    CHECK_STR_EQ(all, "ab\ncd\nef\n\ngtail\n");
    free(all);
    /* The cursor moved without undo_break: typing elsewhere starts a new step. */
    e.cur = (TextPos){1, 1};
    ed_insert(&e, "X", UNDO_MERGE_TYPING);
    CHECK_INT_EQ(undo_step_count(e.u), 2);
    /* ...and typing back at the end of that new change joins it. */
    ed_insert(&e, "Y\nZ", UNDO_MERGE_TYPING);
    ed_insert(&e, "W", UNDO_MERGE_TYPING);
    CHECK_INT_EQ(undo_step_count(e.u), 2);
    check_undo_to(&e, "ab\ncd\nef\n\ngtail\n", 1);
    CHECK_INT_EQ(e.cur.line, 1);
    CHECK_INT_EQ(e.cur.col, 1);
    check_undo_to(&e, "tail\n", 0);
    CHECK(undo_at_savepoint(e.u));
    CHECK(undo_redo(e.u, e.t, &e.cur));
    CHECK(undo_redo(e.u, e.t, &e.cur));
    char *again = dump(e.t);
    CHECK_STR_EQ(again, "ab\ncXY\nZWd\nef\n\ngtail\n");
    free(again);
    undo_free(e.u);
    text_free(e.t);
}

static void test_multiline_delete_merges(void)
{
    Ed e = {text_new(), undo_new(), {0, 0}};
    text_set(e.t, "a\nbc\n\nde\nf\n", 11);
    undo_clear(e.u);
    /* Forward deletes at (0, 1): "\n", then "bc\n", then "\n" (lines joining up). */
    e.cur = (TextPos){0, 1};
    ed_delete(&e, e.cur, fwd(e.t, e.cur, 1), UNDO_MERGE_DELETE, e.cur);
    ed_delete(&e, e.cur, fwd(e.t, e.cur, 3), UNDO_MERGE_DELETE, e.cur);
    ed_delete(&e, e.cur, fwd(e.t, e.cur, 1), UNDO_MERGE_DELETE, e.cur);
    ed_delete(&e, e.cur, fwd(e.t, e.cur, 1), UNDO_MERGE_DELETE, e.cur);
    CHECK_INT_EQ(undo_step_count(e.u), 1);
    char *now = dump(e.t);
    CHECK_STR_EQ(now, "ae\nf\n");
    free(now);
    /* Backspaces across line starts, then one elsewhere (no break): a new step. */
    e.cur = (TextPos){1, 1};
    TextPos from = back(e.t, e.cur, 2);
    ed_delete(&e, from, e.cur, UNDO_MERGE_BACKSPACE, from);
    from = back(e.t, e.cur, 1);
    ed_delete(&e, from, e.cur, UNDO_MERGE_BACKSPACE, from);
    CHECK_INT_EQ(undo_step_count(e.u), 2);
    now = dump(e.t);
    CHECK_STR_EQ(now, "a\n");
    free(now);
    check_undo_to(&e, "ae\nf\n", 1);
    check_undo_to(&e, "a\nbc\n\nde\nf\n", 0);
    CHECK(undo_redo(e.u, e.t, &e.cur));
    now = dump(e.t);
    CHECK_STR_EQ(now, "ae\nf\n");
    free(now);
    undo_free(e.u);
    text_free(e.t);
}

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void test_random_against_snapshots(void)
{
    static const char *const pieces[] = {"a", "Z", "\n", "\xc3\xa9", "xy\nz", "\n\n", "tab\t",
                                         "\xe4\xb8\xad"};
    enum { OPS = 20000, MAX_STEPS = OPS + 2 };
    char **snap = calloc(MAX_STEPS, sizeof *snap); /* snap[k]: the text when step k ended */
    Ed e = {text_new(), undo_new(), {0, 0}};
    text_set(e.t, "start\nmiddle\nend", 16);
    undo_clear(e.u);
    snap[0] = dump(e.t);
    uint64_t seed = 4242;
    int depth = 0, bad = 0, undos = 0;
    for (int i = 0; i < OPS; i++) {
        uint64_t r = rng(&seed);
        size_t k = (size_t)(r / 16 % 4) + 1;
        bool edited = true;
        switch (r % 16) {
        case 0: case 1: case 2: case 3: case 4:
            ed_insert(&e, pieces[(r / 64) % (sizeof pieces / sizeof *pieces)], UNDO_MERGE_TYPING);
            break;
        case 5: case 6: {
            TextPos from = back(e.t, e.cur, k);
            ed_delete(&e, from, e.cur, UNDO_MERGE_BACKSPACE, from);
            break;
        }
        case 7: ed_delete(&e, e.cur, fwd(e.t, e.cur, k), UNDO_MERGE_DELETE, e.cur); break;
        case 8: ed_insert(&e, "paste\nd", UNDO_MERGE_NONE); break;
        case 9: /* the cursor jumps, usually without undo_break: merges must see it */
            e.cur = text_clamp(e.t, (TextPos){(r / 16) % 8, (r / 128) % 6});
            if ((r / 1024) % 4 == 0)
                undo_break(e.u);
            edited = false;
            break;
        case 10:
            if (depth < 3) {
                undo_group_begin(e.u);
                depth++;
            } else {
                undo_group_end(e.u);
                depth--;
            }
            edited = false;
            break;
        case 11:
            if (depth > 0) {
                undo_group_end(e.u);
                depth--;
            }
            edited = false;
            break;
        case 12: /* undo (outside groups), checked against the snapshot of the step below */
            edited = false;
            if (depth > 0)
                break;
            if (undo_undo(e.u, e.t, &e.cur)) {
                undos++;
                char *got = dump(e.t);
                bad += strcmp(got, snap[undo_step_count(e.u)]) != 0;
                free(got);
            }
            break;
        case 13:
            edited = false;
            if (depth > 0)
                break;
            if (undo_redo(e.u, e.t, &e.cur)) {
                char *got = dump(e.t);
                bad += strcmp(got, snap[undo_step_count(e.u)]) != 0;
                free(got);
            }
            break;
        default: ed_insert(&e, "q", UNDO_MERGE_TYPING); break;
        }
        if (edited) {
            size_t n = undo_step_count(e.u);
            free(snap[n]);
            snap[n] = dump(e.t);
        }
        bad += e.cur.line >= text_line_count(e.t) || e.cur.col > text_line_len(e.t, e.cur.line);
    }
    while (depth-- > 0)
        undo_group_end(e.u);
    CHECK(undos > 100);
    /* All the way back and forth again, every step checked. */
    while (undo_undo(e.u, e.t, &e.cur)) {
        char *got = dump(e.t);
        bad += strcmp(got, snap[undo_step_count(e.u)]) != 0;
        free(got);
    }
    while (undo_redo(e.u, e.t, &e.cur)) {
        char *got = dump(e.t);
        bad += strcmp(got, snap[undo_step_count(e.u)]) != 0;
        free(got);
    }
    CHECK_INT_EQ(bad, 0);
    for (size_t i = 0; i < MAX_STEPS; i++)
        free(snap[i]);
    free(snap);
    undo_free(e.u);
    text_free(e.t);
}

/* A long run of typing is one step whose merge check no longer rescans what was typed: a
 * quarter of a million keys took about 2.5 s of rescanning before (O(n^2)), now milliseconds. */
static void test_long_typing_run(void)
{
    Ed e = {text_new(), undo_new(), {0, 0}};
    for (int i = 0; i < 250000; i++)
        ed_insert(&e, i % 80 == 79 ? "\n" : "k", UNDO_MERGE_TYPING);
    CHECK_INT_EQ(undo_step_count(e.u), 1);
    CHECK_INT_EQ(e.cur.line, 250000 / 80);
    CHECK(undo_undo(e.u, e.t, &e.cur));
    CHECK_INT_EQ(text_line_count(e.t), 1);
    CHECK_INT_EQ(text_line_len(e.t, 0), 0);
    undo_free(e.u);
    text_free(e.t);
}

int main(void)
{
    RUN(test_multiline_typing_merges);
    RUN(test_multiline_delete_merges);
    RUN(test_random_against_snapshots);
    RUN(test_long_typing_run);
    return harness_done();
}
