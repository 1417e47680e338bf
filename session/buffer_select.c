/* Buffer, the selection half: the selection itself and the edits that act on it or on whole
 * lines (cut, indent and unindent, move and duplicate lines, toggle comments, word deletes).
 *
 * Data: the selection is `anchor` (registered as a Text mark in buffer_new, so every edit,
 * undo and redo moves it like any other mark) plus the cursor, active while `selecting`.
 * It may be empty (Shift-Right then Shift-Left): an empty selection is treated as none by
 * every edit, but stays active so that the next selecting move continues from its anchor.
 *
 * Invariants: every operation here is one undo step (a group), closed on both sides with
 * undo_break so that it never merges with typing; operations on lines compute the cursor
 * after them either by hand (moving, duplicating) or by registering the cursor as a Text
 * mark for the duration of the edits (indenting, comments: a mark in front of an inserted
 * indentation moves with its byte, which is where a user expects the caret to stay). */
#include <stdlib.h>
#include <string.h>

#include "core/undo.h"
#include "core/xalloc.h"
#include "session/buffer.h"
#include "session/buffer_internal.h"

/* --- the selection ------------------------------------------------------------------------ */

bool buffer_selection(const Buffer *b, TextPos *from, TextPos *to)
{
    if (!b->selecting)
        return false;
    TextPos a = text_clamp(b->text, b->anchor), c = b->cursor;
    int cmp = text_pos_cmp(a, c);
    if (cmp == 0)
        return false;
    if (from)
        *from = cmp < 0 ? a : c;
    if (to)
        *to = cmp < 0 ? c : a;
    return true;
}

bool buffer_has_selection(const Buffer *b) { return buffer_selection(b, NULL, NULL); }

bool buffer_selection_anchor(const Buffer *b, TextPos *anchor)
{
    if (b->selecting && anchor)
        *anchor = b->anchor;
    return b->selecting;
}

static void selection_start(Buffer *b)
{
    if (!b->selecting) {
        b->anchor = b->cursor;
        b->selecting = true;
    }
}

void buffer_select_move(Buffer *b, BufferMove m, size_t page_rows)
{
    selection_start(b);
    buffer_move_cursor(b, m, page_rows);
}

void buffer_select_to(Buffer *b, TextPos pos)
{
    selection_start(b);
    b->cursor = text_clamp(b->text, pos);
    b->want_valid = false;
    undo_break(b->undo);
}

void buffer_select_all(Buffer *b)
{
    size_t last = text_line_count(b->text) - 1;
    b->anchor = (TextPos){0, 0};
    b->cursor = (TextPos){last, text_line_len(b->text, last)};
    b->selecting = true;
    b->want_valid = false;
    undo_break(b->undo);
}

void buffer_clear_selection(Buffer *b) { b->selecting = false; }

bool buffer_copy_selection(const Buffer *b, StrBuf *out)
{
    TextPos from, to;
    if (!buffer_selection(b, &from, &to))
        return false;
    text_copy(b->text, from, to, out);
    return true;
}

bool buffer_take_selection(Buffer *b)
{
    TextPos from, to;
    bool some = buffer_selection(b, &from, &to);
    b->selecting = false;
    if (!some)
        return false;
    undo_break(b->undo);
    buffer_edit_delete(b, from, to, UNDO_MERGE_NONE);
    return true;
}

bool buffer_cut_selection(Buffer *b)
{
    bool done = buffer_take_selection(b);
    undo_break(b->undo);
    return done;
}

/* --- edits on whole lines -------------------------------------------------------------------- */

/* The lines the selection touches (minus a last one reached at column 0), else the cursor's. */
static void selected_lines(const Buffer *b, size_t *first, size_t *last)
{
    TextPos from, to;
    if (buffer_selection(b, &from, &to)) {
        *first = from.line;
        *last = to.col == 0 && to.line > from.line ? to.line - 1 : to.line;
    } else {
        *first = *last = b->cursor.line;
    }
}

/* Raw edits at a position, recorded with explicit cursors; the caller sets the cursor. */
static void raw_insert(Buffer *b, TextPos at, const char *s, size_t n, TextPos before)
{
    if (n == 0)
        return;
    text_insert(b->text, at, s, n);
    b->version++;
    undo_record_insert(b->undo, at, s, n, before, b->cursor, UNDO_MERGE_NONE);
}

static void raw_delete(Buffer *b, TextPos from, TextPos to, TextPos before)
{
    if (text_pos_cmp(from, to) >= 0)
        return;
    StrBuf gone = {0};
    text_copy(b->text, from, to, &gone);
    text_delete(b->text, from, to);
    b->version++;
    undo_record_delete(b->undo, from, gone.data, gone.len, before, b->cursor, UNDO_MERGE_NONE);
    sb_free(&gone);
}

/* One step in which the cursor moves with the edits like a mark. */
static TextPos lines_begin(Buffer *b)
{
    TextPos before = b->cursor;
    undo_break(b->undo);
    undo_group_begin(b->undo);
    text_mark_add(b->text, &b->cursor);
    return before;
}

static void lines_end(Buffer *b)
{
    text_mark_remove(b->text, &b->cursor);
    undo_group_end(b->undo);
    undo_break(b->undo);
    b->want_valid = false;
}

static size_t indent_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

void buffer_indent(Buffer *b)
{
    size_t first, last;
    selected_lines(b, &first, &last);
    char unit[16];
    size_t n = 1;
    unit[0] = '\t';
    if (b->expand_tabs) {
        n = (size_t)(b->tab_width > 0 && b->tab_width <= 16 ? b->tab_width : 4);
        memset(unit, ' ', n);
    }
    TextPos before = lines_begin(b);
    for (size_t l = first; l <= last; l++)
        if (text_line_len(b->text, l) > 0) /* no trailing whitespace on empty lines */
            raw_insert(b, (TextPos){l, 0}, unit, n, before);
    lines_end(b);
}

void buffer_unindent(Buffer *b)
{
    size_t first, last;
    selected_lines(b, &first, &last);
    TextPos before = lines_begin(b);
    for (size_t l = first; l <= last; l++) {
        size_t len;
        const char *s = text_line(b->text, l, &len);
        size_t k = 0;
        if (len > 0 && s[0] == '\t')
            k = 1;
        else
            while (k < len && k < (size_t)b->tab_width && s[k] == ' ')
                k++;
        raw_delete(b, (TextPos){l, 0}, (TextPos){l, k}, before);
    }
    lines_end(b);
}

void buffer_toggle_comment(Buffer *b, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (plen == 0)
        return;
    size_t first, last;
    selected_lines(b, &first, &last);
    bool any = false, all = true;
    size_t min_indent = (size_t)-1;
    for (size_t l = first; l <= last; l++) {
        size_t len;
        const char *s = text_line(b->text, l, &len);
        size_t ind = indent_len(s, len);
        if (ind == len)
            continue; /* blank */
        any = true;
        if (ind < min_indent)
            min_indent = ind;
        if (len - ind < plen || memcmp(s + ind, prefix, plen) != 0)
            all = false;
    }
    TextPos before = lines_begin(b);
    if (!any) {
        /* Only blank lines: start a comment on the cursor's line, ready to type into. */
        size_t len;
        const char *s = text_line(b->text, b->cursor.line, &len);
        size_t ind = indent_len(s, len);
        StrBuf ins = {0};
        sb_append(&ins, prefix, plen);
        sb_putc(&ins, ' ');
        raw_insert(b, (TextPos){b->cursor.line, ind}, ins.data, ins.len, before);
        sb_free(&ins);
        lines_end(b);
        return;
    }
    StrBuf ins = {0};
    sb_append(&ins, prefix, plen);
    sb_putc(&ins, ' ');
    for (size_t l = first; l <= last; l++) {
        size_t len;
        const char *s = text_line(b->text, l, &len);
        size_t ind = indent_len(s, len);
        if (ind == len)
            continue;
        if (all) {
            size_t k = plen + (ind + plen < len && s[ind + plen] == ' ' ? 1 : 0);
            raw_delete(b, (TextPos){l, ind}, (TextPos){l, ind + k}, before);
        } else {
            raw_insert(b, (TextPos){l, min_indent}, ins.data, ins.len, before);
        }
    }
    sb_free(&ins);
    lines_end(b);
}

/* The text of lines [first, last] joined with '\n' (no final one). */
static void copy_lines(const Buffer *b, size_t first, size_t last, StrBuf *out)
{
    text_copy(b->text, (TextPos){first, 0}, (TextPos){last, text_line_len(b->text, last)}, out);
}

/* Replaces [from, to) with s as one step and puts the cursor (and a live selection's
 * anchor) `shift` lines from where they were. */
static void replace_lines(Buffer *b, TextPos from, TextPos to, const StrBuf *s, long shift)
{
    TextPos before = b->cursor, anchor = b->anchor;
    TextPos after = {(size_t)((long)before.line + shift), before.col};
    undo_break(b->undo);
    undo_group_begin(b->undo);
    raw_delete(b, from, to, before);
    b->cursor = after;
    raw_insert(b, from, s->data, s->len, before);
    undo_group_end(b->undo);
    undo_break(b->undo);
    b->cursor = text_clamp(b->text, after);
    b->anchor = text_clamp(b->text, (TextPos){(size_t)((long)anchor.line + shift), anchor.col});
    b->want_valid = false;
}

bool buffer_move_lines(Buffer *b, int dir)
{
    size_t first, last, n = text_line_count(b->text);
    selected_lines(b, &first, &last);
    if ((dir < 0 && first == 0) || (dir > 0 && last + 1 >= n) || dir == 0)
        return false;
    StrBuf block = {0}, s = {0};
    copy_lines(b, first, last, &block);
    TextPos from, to;
    if (dir < 0) {
        from = (TextPos){first - 1, 0};
        to = (TextPos){last, text_line_len(b->text, last)};
        sb_append(&s, block.data, block.len);
        sb_putc(&s, '\n');
        copy_lines(b, first - 1, first - 1, &s);
    } else {
        from = (TextPos){first, 0};
        to = (TextPos){last + 1, text_line_len(b->text, last + 1)};
        copy_lines(b, last + 1, last + 1, &s);
        sb_putc(&s, '\n');
        sb_append(&s, block.data, block.len);
    }
    replace_lines(b, from, to, &s, dir < 0 ? -1 : 1);
    sb_free(&block);
    sb_free(&s);
    return true;
}

void buffer_duplicate_lines(Buffer *b)
{
    size_t first, last;
    selected_lines(b, &first, &last);
    StrBuf s = {0};
    copy_lines(b, first, last, &s);
    TextPos at = {last, text_line_len(b->text, last)};
    TextPos before = b->cursor, anchor = b->anchor;
    size_t shift = last - first + 1;
    undo_break(b->undo);
    undo_group_begin(b->undo);
    b->cursor = (TextPos){before.line + shift, before.col};
    raw_insert(b, at, "\n", 1, before);
    raw_insert(b, (TextPos){last + 1, 0}, s.data, s.len, before);
    undo_group_end(b->undo);
    undo_break(b->undo);
    b->anchor = (TextPos){anchor.line + shift, anchor.col};
    b->want_valid = false;
    sb_free(&s);
}

/* --- word deletes ------------------------------------------------------------------------------ */

static void delete_word(Buffer *b, bool left)
{
    if (buffer_cut_selection(b))
        return;
    TextPos c = b->cursor;
    TextPos other = left ? buffer_word_left_of(b, c) : buffer_word_right_of(b, c);
    undo_break(b->undo);
    if (left)
        buffer_edit_delete(b, other, c, UNDO_MERGE_NONE);
    else
        buffer_edit_delete(b, c, other, UNDO_MERGE_NONE);
    undo_break(b->undo);
}

void buffer_delete_word_left(Buffer *b) { delete_word(b, true); }

void buffer_delete_word_right(Buffer *b) { delete_word(b, false); }

/* --- save rules ---------------------------------------------------------------------------------- */

void buffer_set_save_rules(Buffer *b, bool trim_trailing_whitespace, bool insert_final_newline)
{
    b->trim_on_save = trim_trailing_whitespace;
    b->final_nl_on_save = insert_final_newline;
}

void buffer_apply_save_rules(Buffer *b)
{
    if (!b->trim_on_save && !b->final_nl_on_save)
        return;
    b->selecting = false;
    TextPos before = lines_begin(b);
    size_t n = text_line_count(b->text);
    for (size_t l = 0; b->trim_on_save && l < n; l++) {
        size_t len;
        const char *s = text_line(b->text, l, &len);
        size_t end = len;
        while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        raw_delete(b, (TextPos){l, end}, (TextPos){l, len}, before);
    }
    size_t last = text_line_count(b->text) - 1;
    size_t last_len = text_line_len(b->text, last);
    /* A text without its final newline (as loaded) gets one: an empty last line, which
     * serializes as the terminator of the line before it. */
    if (b->final_nl_on_save && !text_final_newline(b->text) && last_len > 0)
        raw_insert(b, (TextPos){last, last_len}, "\n", 1, before);
    b->cursor = text_clamp(b->text, b->cursor);
    lines_end(b);
}
