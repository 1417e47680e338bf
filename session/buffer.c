/* Buffer: a Text, the path it came from, the cursor, and the Undo history of the text.
 *
 * This file is the editing half: life cycle and accessors, display columns, editing at the
 * cursor, cursor motion and undo/redo. Loading, saving, the changed-on-disk checks and the
 * recovery files are in buffer_file.c; the struct both share is in buffer_internal.h.
 *
 * Invariants:
 *   - cursor is always inside the text (text_clamp) and, after any move made here, on a
 *     character boundary that is not in front of a combining mark (a cluster's start).
 *   - want_col is the sticky display column of vertical moves; it is valid only while
 *     want_valid, which every horizontal move and every edit clears.
 *   - Every change to the text goes through buffer_edit_insert/buffer_edit_delete, which
 *     record it in undo with the cursor before and after; "modified" is simply "the undo
 *     history is not at the savepoint", so undoing back to the saved text clears it.
 *     (A load replaces the text and history wholesale: see buffer_reset in buffer_file.c.)
 *   - The selection (buffer_select.c) ends on every plain move, undo and redo; typing,
 *     a paste, Enter, Backspace and Delete replace or delete a non-empty one, and Tab
 *     indents its lines. */
#include "session/buffer.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/undo.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "session/buffer_internal.h"

#define BUFFER_TAB_WIDTH 4
#define BUFFER_TAB_MAX 16 /* SETTINGS_TAB_MAX */

/* --- display columns ------------------------------------------------------------------- */

size_t buffer_display_next_col(size_t col, uint32_t cp, int tab_width)
{
    if (cp == '\t') {
        size_t tw = tab_width > 0 ? (size_t)tab_width : 1;
        return (col / tw + 1) * tw;
    }
    return col + (size_t)utf8_display_width(cp); /* the grid's rule, column for column */
}

/* Display column of byte offset `upto` in the line s[0..len). */
static size_t buffer_display_col(const char *s, size_t len, size_t upto, int tab_width)
{
    size_t col = 0;
    for (size_t i = 0; i < upto && i < len;) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        col = buffer_display_next_col(col, cp, tab_width);
    }
    return col;
}

/* The byte offset of the character covering display column target (or the line end). */
static size_t buffer_col_for_display(const char *s, size_t len, size_t target, int tab_width)
{
    size_t col = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        size_t next = buffer_display_next_col(col, cp, tab_width);
        if (next > target)
            break;
        col = next;
        i += n;
    }
    return i;
}

/* --- life cycle -------------------------------------------------------------------------- */

Buffer *buffer_new(void)
{
    Buffer *b = xcalloc(1, sizeof *b);
    b->text = text_new();
    b->undo = undo_new();
    b->tab_width = BUFFER_TAB_WIDTH;
    b->recovery = recovery_plan_new();
    text_mark_add(b->text, &b->anchor);
    return b;
}

void buffer_free(Buffer *b)
{
    if (!b)
        return;
    text_mark_remove(b->text, &b->anchor);
    text_free(b->text);
    undo_free(b->undo);
    free(b->path);
    free(b->confirm_path);
    recovery_plan_free(b->recovery);
    free(b);
}

const char *buffer_path(const Buffer *b) { return b->path; }

const char *buffer_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

const char *buffer_name(const Buffer *b)
{
    return b->path ? buffer_base_name(b->path) : "[new]";
}

bool buffer_modified(const Buffer *b) { return !undo_at_savepoint(b->undo); }

const Text *buffer_text(const Buffer *b) { return b->text; }

TextPos buffer_cursor(const Buffer *b) { return b->cursor; }

bool buffer_expand_tabs(const Buffer *b) { return b->expand_tabs; }

int buffer_tab_width(const Buffer *b) { return b->tab_width; }

void buffer_set_tab_width(Buffer *b, int width)
{
    b->tab_width = width < 1 ? 1 : width > BUFFER_TAB_MAX ? BUFFER_TAB_MAX : width;
}

void buffer_set_expand_tabs(Buffer *b, bool expand) { b->expand_tabs = expand; }

uint64_t buffer_version(const Buffer *b) { return b->version; }

size_t buffer_cursor_display_col(const Buffer *b)
{
    size_t len;
    const char *s = text_line(b->text, b->cursor.line, &len);
    return buffer_display_col(s, len, b->cursor.col, b->tab_width);
}

void buffer_set_cursor(Buffer *b, TextPos pos)
{
    b->cursor = text_clamp(b->text, pos);
    b->want_valid = false;
    b->selecting = false; /* a plain move: a click, go to line */
    undo_break(b->undo);
}

/* --- editing ------------------------------------------------------------------------------ */

void buffer_edit_insert(Buffer *b, const char *s, size_t len, UndoMerge merge)
{
    if (len == 0)
        return;
    TextPos before = b->cursor;
    TextPos after = text_insert(b->text, before, s, len);
    b->version++;
    undo_record_insert(b->undo, before, s, len, before, after, merge);
    b->cursor = after;
    b->want_valid = false;
}

void buffer_edit_delete(Buffer *b, TextPos from, TextPos to, UndoMerge merge)
{
    if (text_pos_cmp(from, to) >= 0)
        return;
    StrBuf gone = {0};
    text_copy(b->text, from, to, &gone);
    text_delete(b->text, from, to);
    b->version++;
    undo_record_delete(b->undo, from, gone.data, gone.len, b->cursor, from, merge);
    sb_free(&gone);
    b->cursor = from;
    b->want_valid = false;
}

void buffer_insert(Buffer *b, const char *s, size_t len)
{
    if (len == 0)
        return;
    if (buffer_has_selection(b)) {
        /* Typing over a selection replaces it: the deletion and the text are one step. */
        undo_break(b->undo);
        undo_group_begin(b->undo);
        buffer_take_selection(b);
        buffer_insert(b, s, len);
        undo_group_end(b->undo);
        undo_break(b->undo);
        return;
    }
    b->selecting = false;
    uint32_t cp;
    bool one_char = utf8_decode(s, len, &cp) == len && cp != '\n';
    if (one_char) {
        buffer_edit_insert(b, s, len, UNDO_MERGE_TYPING);
        return;
    }
    undo_break(b->undo);
    if (text_crlf(b->text) && memchr(s, '\r', len)) {
        /* A paste into a CRLF file: its "\r\n"s are line breaks, which the Text stores as
         * '\n' and serializes back as "\r\n"; keeping the '\r' would write "\r\r\n". */
        char *copy = xmalloc(len);
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
                copy[n++] = s[i];
        buffer_edit_insert(b, copy, n, UNDO_MERGE_NONE);
        free(copy);
    } else {
        buffer_edit_insert(b, s, len, UNDO_MERGE_NONE);
    }
    undo_break(b->undo);
}

void buffer_replace(Buffer *b, TextPos from, TextPos to, const char *s, size_t len)
{
    from = text_clamp(b->text, from);
    to = text_clamp(b->text, to);
    b->selecting = false;
    BUG_ON(text_pos_cmp(from, to) > 0);
    /* The group makes the deletion and the insertion one step even outside a caller's
     * group; inside one (replace all) it simply nests. */
    undo_group_begin(b->undo);
    if (text_pos_cmp(from, to) < 0)
        buffer_edit_delete(b, from, to, UNDO_MERGE_NONE);
    else
        b->cursor = from; /* buffer_edit_delete moves the cursor there itself */
    buffer_edit_insert(b, s, len, UNDO_MERGE_NONE);
    undo_group_end(b->undo);
}

void buffer_newline(Buffer *b)
{
    if (b->selecting && buffer_has_selection(b)) {
        undo_group_begin(b->undo);
        buffer_take_selection(b);
        buffer_newline(b);
        undo_group_end(b->undo);
        return;
    }
    b->selecting = false;
    size_t len;
    const char *s = text_line(b->text, b->cursor.line, &len);
    size_t indent = 0;
    while (indent < b->cursor.col && (s[indent] == ' ' || s[indent] == '\t'))
        indent++;
    char *ins = xmalloc(indent + 1);
    ins[0] = '\n';
    memcpy(ins + 1, s, indent);
    undo_break(b->undo);
    buffer_edit_insert(b, ins, indent + 1, UNDO_MERGE_NONE);
    undo_break(b->undo);
    free(ins);
}

void buffer_tab(Buffer *b)
{
    if (b->selecting && buffer_has_selection(b)) {
        buffer_indent(b); /* Tab on a selection indents its lines */
        return;
    }
    b->selecting = false;
    if (!b->expand_tabs) {
        buffer_edit_insert(b, "\t", 1, UNDO_MERGE_TYPING);
        return;
    }
    size_t tw = b->tab_width > 0 ? (size_t)b->tab_width : 1;
    size_t n = tw - buffer_cursor_display_col(b) % tw;
    char spaces[BUFFER_TAB_MAX];
    memset(spaces, ' ', n);
    buffer_edit_insert(b, spaces, n, UNDO_MERGE_TYPING);
}

void buffer_backspace(Buffer *b)
{
    if (buffer_take_selection(b))
        return;
    TextPos c = b->cursor;
    if (c.col > 0) {
        /* The whole cluster before the caret (a raw byte alone), as Delete takes the one
         * after it: what the user sees as one character goes as one. */
        size_t len;
        const char *s = text_line(b->text, c.line, &len);
        buffer_edit_delete(b, (TextPos){c.line, utf8_grapheme_prev(s, len, c.col)}, c,
                           UNDO_MERGE_BACKSPACE);
    } else if (c.line > 0) {
        TextPos end_prev = {c.line - 1, text_line_len(b->text, c.line - 1)};
        buffer_edit_delete(b, end_prev, c, UNDO_MERGE_BACKSPACE);
    }
}

/* The grapheme cluster after / before col (core/utf8.h): an accented letter, a flag, a
 * family emoji moves and is deleted as one. */
static size_t buffer_next_cluster(const char *s, size_t len, size_t col)
{
    return utf8_grapheme_next(s, len, col);
}

static size_t buffer_prev_cluster(const char *s, size_t len, size_t col)
{
    return utf8_grapheme_prev(s, len, col);
}

void buffer_delete(Buffer *b)
{
    if (buffer_take_selection(b))
        return;
    TextPos c = b->cursor;
    size_t len;
    const char *s = text_line(b->text, c.line, &len);
    if (c.col < len) {
        /* The whole character on screen: its combining marks go with it. */
        TextPos to = {c.line, buffer_next_cluster(s, len, c.col)};
        buffer_edit_delete(b, c, to, UNDO_MERGE_DELETE);
    } else if (c.line + 1 < text_line_count(b->text)) {
        buffer_edit_delete(b, c, (TextPos){c.line + 1, 0}, UNDO_MERGE_DELETE);
    }
}

/* --- moving -------------------------------------------------------------------------------- */

typedef enum BufferCharClass { BUFFER_SPACE, BUFFER_WORD, BUFFER_PUNCT } BufferCharClass;

static BufferCharClass buffer_class(uint32_t cp)
{
    if (cp == ' ' || cp == '\t')
        return BUFFER_SPACE;
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
        cp == '_' || (cp >= 0x80 && !UTF8_IS_RAW(cp) && utf8_width(cp) >= 0))
        return BUFFER_WORD; /* letters of every script count as word characters */
    return BUFFER_PUNCT;
}

static BufferCharClass buffer_class_at(const char *s, size_t len, size_t col)
{
    uint32_t cp;
    utf8_decode(s + col, len - col, &cp);
    return buffer_class(cp);
}

TextPos buffer_word_right_of(const Buffer *b, TextPos c)
{
    size_t len;
    const char *s = text_line(b->text, c.line, &len);
    if (c.col >= len) {
        if (c.line + 1 >= text_line_count(b->text))
            return c;
        c = (TextPos){c.line + 1, 0};
        s = text_line(b->text, c.line, &len);
    } else {
        BufferCharClass k = buffer_class_at(s, len, c.col);
        if (k != BUFFER_SPACE)
            while (c.col < len && buffer_class_at(s, len, c.col) == k)
                c.col = buffer_next_cluster(s, len, c.col);
    }
    while (c.col < len && buffer_class_at(s, len, c.col) == BUFFER_SPACE)
        c.col = buffer_next_cluster(s, len, c.col);
    return c;
}

TextPos buffer_word_left_of(const Buffer *b, TextPos c)
{
    size_t len;
    const char *s = text_line(b->text, c.line, &len);
    if (c.col == 0) {
        if (c.line == 0)
            return c;
        c.line--;
        return (TextPos){c.line, text_line_len(b->text, c.line)};
    }
    while (c.col > 0 &&
           buffer_class_at(s, len, buffer_prev_cluster(s, len, c.col)) == BUFFER_SPACE)
        c.col = buffer_prev_cluster(s, len, c.col);
    if (c.col == 0)
        return c;
    BufferCharClass k = buffer_class_at(s, len, buffer_prev_cluster(s, len, c.col));
    while (c.col > 0 && buffer_class_at(s, len, buffer_prev_cluster(s, len, c.col)) == k)
        c.col = buffer_prev_cluster(s, len, c.col);
    return c;
}

/* Moves to line at the sticky display column (set from the cursor on the first vertical
 * move). At the first/last line a further move goes to the line's start/end. */
static void buffer_move_vertical(Buffer *b, long delta)
{
    if (!b->want_valid) {
        b->want_col = buffer_cursor_display_col(b);
        b->want_valid = true;
    }
    size_t last = text_line_count(b->text) - 1;
    size_t line = b->cursor.line;
    if (delta < 0 && line == 0) {
        b->cursor.col = 0;
        return;
    }
    if (delta > 0 && line == last) {
        b->cursor.col = text_line_len(b->text, last);
        return;
    }
    if (delta < 0)
        line = (size_t)-delta > line ? 0 : line - (size_t)-delta;
    else
        line = (size_t)delta > last - line ? last : line + (size_t)delta;
    size_t len;
    const char *s = text_line(b->text, line, &len);
    b->cursor = (TextPos){line, buffer_col_for_display(s, len, b->want_col, b->tab_width)};
}

void buffer_move(Buffer *b, BufferMove m, size_t page_rows)
{
    b->selecting = false; /* any plain move ends the selection */
    buffer_move_cursor(b, m, page_rows);
}

void buffer_move_cursor(Buffer *b, BufferMove m, size_t page_rows)
{
    undo_break(b->undo);
    size_t len;
    const char *s = text_line(b->text, b->cursor.line, &len);
    TextPos c = b->cursor;
    long page = page_rows == 0 ? 1 : page_rows > LONG_MAX ? LONG_MAX : (long)page_rows;
    switch (m) {
    case BUFFER_UP: buffer_move_vertical(b, -1); return;
    case BUFFER_DOWN: buffer_move_vertical(b, 1); return;
    case BUFFER_PAGE_UP: buffer_move_vertical(b, -page); return;
    case BUFFER_PAGE_DOWN: buffer_move_vertical(b, page); return;
    case BUFFER_LEFT:
        if (c.col > 0)
            c.col = buffer_prev_cluster(s, len, c.col);
        else if (c.line > 0)
            c = (TextPos){c.line - 1, text_line_len(b->text, c.line - 1)};
        break;
    case BUFFER_RIGHT:
        if (c.col < len)
            c.col = buffer_next_cluster(s, len, c.col);
        else if (c.line + 1 < text_line_count(b->text))
            c = (TextPos){c.line + 1, 0};
        break;
    case BUFFER_HOME: {
        size_t first = 0;
        while (first < len && (s[first] == ' ' || s[first] == '\t'))
            first++;
        c.col = c.col == first ? 0 : first;
        break;
    }
    case BUFFER_END: c.col = len; break;
    case BUFFER_WORD_LEFT: c = buffer_word_left_of(b, c); break;
    case BUFFER_WORD_RIGHT: c = buffer_word_right_of(b, c); break;
    case BUFFER_TOP: c = (TextPos){0, 0}; break;
    case BUFFER_BOTTOM: {
        size_t last = text_line_count(b->text) - 1;
        c = (TextPos){last, text_line_len(b->text, last)};
        break;
    }
    }
    b->cursor = c;
    b->want_valid = false;
}

/* --- history ------------------------------------------------------------------------------ */

bool buffer_undo(Buffer *b)
{
    if (!undo_undo(b->undo, b->text, &b->cursor))
        return false;
    b->selecting = false;
    b->version++;
    b->want_valid = false;
    return true;
}

bool buffer_redo(Buffer *b)
{
    if (!undo_redo(b->undo, b->text, &b->cursor))
        return false;
    b->selecting = false;
    b->version++;
    b->want_valid = false;
    return true;
}

void buffer_break_undo(Buffer *b) { undo_break(b->undo); }

void buffer_group_begin(Buffer *b) { undo_group_begin(b->undo); }

void buffer_group_end(Buffer *b) { undo_group_end(b->undo); }

void buffer_mark_add(Buffer *b, TextPos *mark) { text_mark_add(b->text, mark); }

void buffer_mark_remove(Buffer *b, TextPos *mark) { text_mark_remove(b->text, mark); }
