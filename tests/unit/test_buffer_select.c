/* session/buffer_select.c: the selection (select moves, select all, typing/paste/Backspace over
 * it, cut and copy, plain moves end it), block indent/unindent, word deletes, moving and
 * duplicating lines, toggling comments, each one undo step; and a randomised run of edits
 * with selections, extra Text marks and undo/redo against a naive reference (a flat byte
 * array with offsets; fixed seed; 100k operations, 20k under the sanitizers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "harness.h"
#include "support/buffer_support.h"

#define CHECK_CURSOR(b, l, c)                                                                 \
    do {                                                                                      \
        TextPos cc_ = buffer_cursor(b);                                                       \
        CHECK_INT_EQ(cc_.line, l);                                                            \
        CHECK_INT_EQ(cc_.col, c);                                                             \
    } while (0)

static char *selected(const Buffer *b)
{
    StrBuf sb = {0};
    if (!buffer_copy_selection(b, &sb))
        return NULL;
    return sb_steal(&sb, NULL);
}

static void test_select_and_type(void)
{
    Buffer *b = buffer_with("hello world\nsecond\n");
    CHECK(!buffer_has_selection(b));
    buffer_select_move(b, BUFFER_WORD_RIGHT, 0);
    char *s = selected(b);
    CHECK_STR_EQ(s, "hello ");
    free(s);
    buffer_select_move(b, BUFFER_LEFT, 0);
    s = selected(b);
    CHECK_STR_EQ(s, "hello");
    free(s);
    type(b, "X"); /* replaces it, one step */
    CHECK_TEXT(b, "X world\nsecond\n");
    CHECK(!buffer_has_selection(b));
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "hello world\nsecond\n");
    /* Across lines, backwards; Backspace deletes it. */
    buffer_set_cursor(b, (TextPos){1, 3});
    buffer_select_move(b, BUFFER_UP, 0);
    s = selected(b);
    CHECK_STR_EQ(s, "lo world\nsec");
    free(s);
    buffer_backspace(b);
    CHECK_TEXT(b, "helond\n");
    CHECK_CURSOR(b, 0, 3);
    /* A plain move ends the selection; an empty one is none. */
    buffer_select_move(b, BUFFER_RIGHT, 0);
    CHECK(buffer_has_selection(b));
    buffer_move(b, BUFFER_RIGHT, 0);
    CHECK(!buffer_has_selection(b));
    buffer_select_move(b, BUFFER_RIGHT, 0);
    buffer_select_move(b, BUFFER_LEFT, 0);
    CHECK(!buffer_has_selection(b));
    buffer_delete(b); /* deletes a character as usual */
    CHECK_TEXT(b, "helon\n"); /* Right moved from the cursor, then Delete */
    buffer_free(b);
}

static void test_select_all_cut_paste(void)
{
    Buffer *b = buffer_with("a\nb\nc\n");
    buffer_select_all(b);
    char *s = selected(b);
    CHECK_STR_EQ(s, "a\nb\nc");
    CHECK(buffer_cut_selection(b));
    CHECK_TEXT(b, "\n");
    CHECK(!buffer_cut_selection(b));
    buffer_insert(b, s, strlen(s));
    buffer_insert(b, s, strlen(s));
    CHECK_TEXT(b, "a\nb\nca\nb\nc\n");
    free(s);
    CHECK(buffer_undo(b));
    CHECK(buffer_undo(b));
    CHECK(buffer_undo(b)); /* the cut: one step */
    CHECK_TEXT(b, "a\nb\nc\n");
    /* A paste over a selection in a group is one step. */
    buffer_set_cursor(b, (TextPos){1, 0});
    buffer_select_move(b, BUFFER_END, 0);
    buffer_group_begin(b);
    buffer_insert(b, "XY\nZ", 4);
    buffer_group_end(b);
    CHECK_TEXT(b, "a\nXY\nZ\nc\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "a\nb\nc\n");
    buffer_free(b);
}

static void test_indent_block(void)
{
    Buffer *b = buffer_with("one\n\n  two\nthree\n");
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_select_move(b, BUFFER_DOWN, 0); /* to (3, 0): line 3 is not included */
    buffer_tab(b);
    CHECK_TEXT(b, "\tone\n\n\t  two\nthree\n");
    CHECK(buffer_has_selection(b));
    buffer_tab(b);
    CHECK_TEXT(b, "\t\tone\n\n\t\t  two\nthree\n");
    buffer_unindent(b);
    CHECK_TEXT(b, "\tone\n\n\t  two\nthree\n");
    CHECK(buffer_undo(b));
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "\tone\n\n\t  two\nthree\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "one\n\n  two\nthree\n");
    /* Spaces with expand_tabs; unindent takes up to a tab width of spaces. */
    buffer_set_expand_tabs(b, true);
    buffer_set_tab_width(b, 4);
    buffer_set_cursor(b, (TextPos){2, 3});
    buffer_indent(b);
    CHECK_TEXT(b, "one\n\n      two\nthree\n");
    CHECK_CURSOR(b, 2, 7);
    buffer_unindent(b);
    buffer_unindent(b);
    CHECK_TEXT(b, "one\n\ntwo\nthree\n");
    buffer_free(b);
}

static void test_word_deletes(void)
{
    Buffer *b = buffer_with("foo bar.baz\nnext\n");
    buffer_move(b, BUFFER_END, 0);
    buffer_delete_word_left(b);
    CHECK_TEXT(b, "foo bar.\nnext\n");
    buffer_delete_word_left(b);
    CHECK_TEXT(b, "foo bar\nnext\n");
    buffer_delete_word_left(b);
    CHECK_TEXT(b, "foo \nnext\n");
    buffer_move(b, BUFFER_HOME, 0);
    buffer_move(b, BUFFER_HOME, 0);
    buffer_delete_word_right(b);
    CHECK_TEXT(b, "\nnext\n");
    buffer_delete_word_right(b); /* joins the next line */
    CHECK_TEXT(b, "next\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "\nnext\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "foo \nnext\n");
    buffer_free(b);
}

static void test_move_and_duplicate_lines(void)
{
    Buffer *b = buffer_with("a\nb\nc\nd\n");
    buffer_set_cursor(b, (TextPos){1, 1});
    CHECK(buffer_move_lines(b, 1));
    CHECK_TEXT(b, "a\nc\nb\nd\n");
    CHECK_CURSOR(b, 2, 1);
    CHECK(buffer_move_lines(b, 1));
    CHECK(!buffer_move_lines(b, 1));
    CHECK_TEXT(b, "a\nc\nd\nb\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "a\nc\nb\nd\n");
    /* A selection of two lines moves up as a block, and stays selected. */
    buffer_set_cursor(b, (TextPos){1, 0});
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_select_move(b, BUFFER_END, 0);
    CHECK(buffer_move_lines(b, -1));
    CHECK_TEXT(b, "c\nb\na\nd\n");
    char *s = selected(b);
    CHECK_STR_EQ(s, "c\nb");
    free(s);
    CHECK(!buffer_move_lines(b, -1));
    buffer_duplicate_lines(b);
    CHECK_TEXT(b, "c\nb\nc\nb\na\nd\n");
    s = selected(b);
    CHECK_STR_EQ(s, "c\nb");
    free(s);
    CHECK_CURSOR(b, 3, 1);
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "c\nb\na\nd\n");
    buffer_move(b, BUFFER_BOTTOM, 0);
    buffer_duplicate_lines(b);
    CHECK_TEXT(b, "c\nb\na\nd\nd\n");
    CHECK_CURSOR(b, 4, 1);
    buffer_free(b);
}

static void test_toggle_comment(void)
{
    Buffer *b = buffer_with("int a;\n    if (x)\n\n        y();\n");
    buffer_select_all(b);
    buffer_toggle_comment(b, "//");
    CHECK_TEXT(b, "// int a;\n//     if (x)\n\n//         y();\n");
    buffer_toggle_comment(b, "//");
    CHECK_TEXT(b, "int a;\n    if (x)\n\n        y();\n");
    CHECK(buffer_undo(b));
    CHECK_TEXT(b, "// int a;\n//     if (x)\n\n//         y();\n");
    CHECK(buffer_undo(b));
    /* At the smallest indentation of the lines; the cursor stays on its character. */
    buffer_set_cursor(b, (TextPos){1, 8});
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_toggle_comment(b, "#");
    CHECK_TEXT(b, "int a;\n    # if (x)\n\n    #     y();\n");
    CHECK_CURSOR(b, 3, 10);
    /* Mixed: some commented, some not -> comment all. */
    buffer_set_cursor(b, (TextPos){0, 0});
    buffer_select_move(b, BUFFER_DOWN, 0);
    buffer_select_move(b, BUFFER_END, 0);
    buffer_toggle_comment(b, "#");
    CHECK_TEXT(b, "# int a;\n#     # if (x)\n\n    #     y();\n");
    /* A blank line gets a comment to type into. */
    buffer_set_cursor(b, (TextPos){2, 0});
    buffer_toggle_comment(b, "--");
    CHECK_TEXT(b, "# int a;\n#     # if (x)\n-- \n    #     y();\n");
    CHECK_CURSOR(b, 2, 3);
    buffer_free(b);
}

static void test_save_rules(void)
{
    Buffer *b = buffer_with("a  \nb\t\n  \nc");
    buffer_apply_save_rules(b); /* off: nothing */
    CHECK_TEXT(b, "a  \nb\t\n  \nc");
    buffer_set_save_rules(b, true, true);
    buffer_set_cursor(b, (TextPos){0, 3});
    buffer_apply_save_rules(b);
    CHECK_TEXT(b, "a\nb\n\nc\n");
    CHECK_CURSOR(b, 0, 1);
    CHECK(buffer_undo(b)); /* one step */
    CHECK_TEXT(b, "a  \nb\t\n  \nc");
    buffer_free(b);
}

/* --- randomised against a reference ------------------------------------------------------------- */

#define NMARKS 3

typedef struct RefOp {
    bool ins;
    size_t at;
    char *s;
    size_t n;
} RefOp;

typedef struct RefStep {
    RefOp ops[2];
    int nops;
    size_t cursor_before, cursor_after;
} RefStep;

typedef struct Ref {
    StrBuf text;
    size_t cursor, anchor;
    bool selecting;
    size_t marks[NMARKS];
    RefStep *steps;
    size_t nsteps, cap, done; /* steps[0..done) can be undone, [done..nsteps) redone */
} Ref;

static void ref_mark_ins(size_t *m, size_t at, size_t n)
{
    if (*m >= at)
        *m += n;
}

static void ref_mark_del(size_t *m, size_t from, size_t to)
{
    if (*m >= to)
        *m -= to - from;
    else if (*m > from)
        *m = from;
}

static void ref_apply(Ref *r, const RefOp *op, bool forward)
{
    bool ins = op->ins == forward;
    if (ins) {
        StrBuf nt = {0};
        sb_append(&nt, r->text.data, op->at);
        sb_append(&nt, op->s, op->n);
        sb_append(&nt, r->text.data + op->at, r->text.len - op->at);
        sb_free(&r->text);
        r->text = nt;
        for (int i = 0; i < NMARKS; i++)
            ref_mark_ins(&r->marks[i], op->at, op->n);
        ref_mark_ins(&r->anchor, op->at, op->n);
    } else {
        memmove(r->text.data + op->at, r->text.data + op->at + op->n,
                r->text.len - op->at - op->n);
        sb_truncate(&r->text, r->text.len - op->n);
        for (int i = 0; i < NMARKS; i++)
            ref_mark_del(&r->marks[i], op->at, op->at + op->n);
        ref_mark_del(&r->anchor, op->at, op->at + op->n);
    }
}

static RefStep *ref_new_step(Ref *r)
{
    for (size_t i = r->done; i < r->nsteps; i++)
        for (int k = 0; k < r->steps[i].nops; k++)
            free(r->steps[i].ops[k].s);
    r->nsteps = r->done;
    if (r->nsteps == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->steps = realloc(r->steps, r->cap * sizeof *r->steps);
    }
    RefStep *st = &r->steps[r->nsteps++];
    r->done = r->nsteps;
    *st = (RefStep){.cursor_before = r->cursor};
    return st;
}

static void ref_op(Ref *r, RefStep *st, bool ins, size_t at, const char *s, size_t n)
{
    RefOp *op = &st->ops[st->nops++];
    *op = (RefOp){.ins = ins, .at = at, .n = n, .s = malloc(n ? n : 1)};
    memcpy(op->s, ins ? s : r->text.data + at, n);
    ref_apply(r, op, true);
}

static bool ref_sel(const Ref *r, size_t *from, size_t *to)
{
    if (!r->selecting || r->anchor == r->cursor)
        return false;
    *from = r->anchor < r->cursor ? r->anchor : r->cursor;
    *to = r->anchor < r->cursor ? r->cursor : r->anchor;
    return true;
}

/* Typing, a paste, Backspace or Delete: selection first. */
static void ref_edit(Ref *r, int kind, const char *s, size_t n)
{
    size_t from, to;
    bool sel = ref_sel(r, &from, &to);
    r->selecting = false;
    RefStep *st = NULL;
    if (sel) {
        st = ref_new_step(r);
        ref_op(r, st, false, from, NULL, to - from);
        r->cursor = from;
        if (kind != 0) {
            st->cursor_after = r->cursor;
            return; /* Backspace / Delete delete the selection only */
        }
    }
    if (kind == 0) {
        if (!st)
            st = ref_new_step(r);
        ref_op(r, st, true, r->cursor, s, n);
        r->cursor += n;
    } else if (kind == 1 && r->cursor > 0) {
        st = ref_new_step(r);
        ref_op(r, st, false, r->cursor - 1, NULL, 1);
        r->cursor--;
    } else if (kind == 2 && r->cursor < r->text.len) {
        st = ref_new_step(r);
        ref_op(r, st, false, r->cursor, NULL, 1);
    }
    if (st)
        st->cursor_after = r->cursor;
}

static size_t pos_to_off(const Buffer *b, TextPos p)
{
    size_t off = 0;
    for (size_t l = 0; l < p.line; l++)
        off += text_line_len(buffer_text(b), l) + 1;
    return off + p.col;
}

static TextPos off_to_pos(const char *s, size_t off)
{
    TextPos p = {0, 0};
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n')
            p.line++, p.col = 0;
        else
            p.col++;
    }
    return p;
}

/* The buffer's lines joined with '\n' (no final terminator: what the reference holds). */
static char *flat(const Buffer *b)
{
    const Text *t = buffer_text(b);
    StrBuf sb = {0};
    size_t n = text_line_count(t);
    text_copy(t, (TextPos){0, 0}, (TextPos){n - 1, text_line_len(t, n - 1)}, &sb);
    return sb_steal(&sb, NULL);
}

static void test_random_against_reference(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(FLINT_SANITIZE)
    const long nops = 20000;
#else
    const long nops = 100000;
#endif
    srand(20260907);
    Buffer *b = buffer_new();
    Text *t = (Text *)buffer_text(b); /* extra marks, as other modules register them */
    TextPos marks[NMARKS] = {{0, 0}};
    for (int i = 0; i < NMARKS; i++)
        text_mark_add(t, &marks[i]);
    Ref r = {0};
    sb_reserve(&r.text, 64); /* data is never NULL */
    long failures = 0;
    static const char *pastes[] = {"x\ny", "\n", "hello", "a\n\nb\n", "  "};
    for (long i = 0; i < nops && failures < 5; i++) {
        int op = rand() % 14;
        char ch[2] = {(char)('a' + rand() % 26), 0};
        if (r.text.len > 400 && op < 3)
            op = 9; /* keep it small: select all and cut now and then */
        switch (op) {
        case 0: case 1: case 2:
            buffer_insert(b, ch, 1);
            ref_edit(&r, 0, ch, 1);
            break;
        case 3: {
            const char *p = pastes[rand() % 5];
            buffer_insert(b, p, strlen(p));
            ref_edit(&r, 0, p, strlen(p));
            break;
        }
        case 4:
            buffer_backspace(b);
            ref_edit(&r, 1, NULL, 0);
            break;
        case 5:
            buffer_delete(b);
            ref_edit(&r, 2, NULL, 0);
            break;
        case 6: case 7: {
            bool right = rand() % 2, sel = op == 7;
            if (sel)
                buffer_select_move(b, right ? BUFFER_RIGHT : BUFFER_LEFT, 0);
            else
                buffer_move(b, right ? BUFFER_RIGHT : BUFFER_LEFT, 0);
            if (sel && !r.selecting)
                r.anchor = r.cursor, r.selecting = true;
            if (!sel)
                r.selecting = false;
            if (right && r.cursor < r.text.len)
                r.cursor++;
            else if (!right && r.cursor > 0)
                r.cursor--;
            break;
        }
        case 8:
            buffer_select_all(b);
            r.anchor = 0, r.cursor = r.text.len, r.selecting = true;
            break;
        case 9: {
            size_t from, to;
            buffer_cut_selection(b);
            if (ref_sel(&r, &from, &to)) {
                RefStep *st = ref_new_step(&r);
                ref_op(&r, st, false, from, NULL, to - from);
                r.cursor = from;
                st->cursor_after = from;
            }
            r.selecting = false;
            break;
        }
        case 10:
            if (buffer_undo(b)) {
                CHECK(r.done > 0);
                RefStep *st = &r.steps[--r.done];
                for (int k = st->nops - 1; k >= 0; k--)
                    ref_apply(&r, &st->ops[k], false);
                r.cursor = st->cursor_before;
                r.selecting = false;
            } else {
                CHECK_INT_EQ(r.done, 0);
            }
            break;
        case 11:
            if (buffer_redo(b)) {
                CHECK(r.done < r.nsteps);
                RefStep *st = &r.steps[r.done++];
                for (int k = 0; k < st->nops; k++)
                    ref_apply(&r, &st->ops[k], true);
                r.cursor = st->cursor_after;
                r.selecting = false;
            } else {
                CHECK_INT_EQ(r.done, r.nsteps);
            }
            break;
        case 12: { /* re-place a mark */
            int m = rand() % NMARKS;
            size_t off = r.text.len ? (size_t)rand() % (r.text.len + 1) : 0;
            r.marks[m] = off;
            marks[m] = off_to_pos(r.text.data ? r.text.data : "", off);
            break;
        }
        case 13: { /* a click somewhere */
            size_t off = r.text.len ? (size_t)rand() % (r.text.len + 1) : 0;
            buffer_set_cursor(b, off_to_pos(r.text.data ? r.text.data : "", off));
            r.cursor = off;
            r.selecting = false;
            break;
        }
        }
        buffer_break_undo(b); /* every operation its own step, as the reference counts */
        char *got = flat(b);
        bool ok = strlen(got) == r.text.len && memcmp(got, r.text.data ? r.text.data : "", r.text.len) == 0;
        ok = ok && pos_to_off(b, buffer_cursor(b)) == r.cursor;
        for (int m = 0; m < NMARKS; m++)
            ok = ok && pos_to_off(b, marks[m]) == r.marks[m];
        TextPos anchor;
        ok = ok && buffer_selection_anchor(b, &anchor) == r.selecting;
        if (r.selecting)
            ok = ok && pos_to_off(b, anchor) == r.anchor;
        if (!ok) {
            fprintf(stderr, "op %ld (%d): text \"%s\" vs \"%.*s\", cursor %zu vs %zu\n", i, op, got,
                    (int)r.text.len, r.text.data ? r.text.data : "", pos_to_off(b, buffer_cursor(b)),
                    r.cursor);
            for (int m = 0; m < NMARKS; m++)
                fprintf(stderr, "  mark %d: %zu vs %zu\n", m, pos_to_off(b, marks[m]), r.marks[m]);
            fprintf(stderr, "  selecting %d vs %d, anchor %zu vs %zu\n",
                    buffer_selection_anchor(b, &anchor), r.selecting, pos_to_off(b, anchor), r.anchor);
            failures++;
            CHECK(0);
        }
        free(got);
    }
    for (int i = 0; i < NMARKS; i++)
        text_mark_remove(t, &marks[i]);
    r.done = 0;
    ref_new_step(&r); /* frees every step's bytes */
    free(r.steps);
    sb_free(&r.text);
    buffer_free(b);
}

int main(void)
{
    RUN(test_select_and_type);
    RUN(test_select_all_cut_paste);
    RUN(test_indent_block);
    RUN(test_word_deletes);
    RUN(test_move_and_duplicate_lines);
    RUN(test_toggle_comment);
    RUN(test_save_rules);
    RUN(test_random_against_reference);
    return harness_done();
}
