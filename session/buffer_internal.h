/* Private to the Buffer module: included by session/buffer.c, buffer_file.c and buffer_save.c
 * only, never by another file. The module is split by responsibility:
 *   - buffer.c: life cycle, accessors, display columns, editing at the cursor, cursor motion
 *     and undo/redo (the fields text, undo, cursor, want_col/want_valid, tab_width, version);
 *   - buffer_file.c: everything that touches the file system: loading, the atomic save with
 *     its changed-on-disk checks (the fields path, disk, saved, confirm_path/confirm_id,
 *     and the recovery plan that follows path; a load also resets the text, history and
 *     cursor; refused and backup report on the last save). How a save writes is
 *     buffer_save.c's; the recovery files themselves are session/recovery.c's;
 *   - buffer_select.c: the selection (anchor, selecting) and the edits that act on it or on
 *     whole lines (cut, indent, move and duplicate lines, comments, word deletes).
 * Each .c states the invariants of its fields at its top. */
#ifndef FLINT_SESSION_BUFFER_INTERNAL_H
#define FLINT_SESSION_BUFFER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "core/text.h"
#include "core/undo.h"
#include "session/buffer.h"
#include "session/recovery.h"

/* What identifies one version of a file on disk (see buffer_changed_on_disk). */
typedef struct BufferDiskId {
    bool exists;
    bool regular;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
} BufferDiskId;

struct Buffer {
    Text *text;
    Undo *undo;
    char *path;
    TextPos cursor;
    TextPos anchor;       /* the selection's other end: a Text mark, so it moves with edits */
    bool selecting;       /* the selection is [anchor, cursor) in either order (may be empty) */
    size_t want_col;
    bool want_valid;
    int tab_width;
    bool expand_tabs;     /* buffer_tab inserts spaces */
    bool trim_on_save;    /* buffer_apply_save_rules: trailing whitespace goes */
    bool final_nl_on_save; /* ... and a missing final newline is added */
    BufferDiskId disk;   /* the file at path as last loaded or saved */
    bool saved;          /* saved at least once since it was loaded (for messages) */
    char *confirm_path;  /* a refused save that a second save to the same path overrides */
    BufferDiskId confirm_id;
    uint64_t version;    /* counts changes to the text (edits, undo, redo, loads) */
    RecoveryPlan *recovery; /* where recovery files go: follows path (open, save-as) */
    bool refused;        /* the last save was refused for a "save again" (not a failure) */
    char backup[4096];   /* the backup copy the last save made (written in place), or "" */
    bool binary;         /* the loaded bytes looked binary (buffer_looks_binary) */
};

/* The edits everything else is made of (buffer.c): applied at the cursor / over [from, to),
 * recorded for undo with the cursor before and after; the cursor ends after the insertion or
 * at `from`. */
void buffer_edit_insert(Buffer *b, const char *s, size_t len, UndoMerge merge);
void buffer_edit_delete(Buffer *b, TextPos from, TextPos to, UndoMerge merge);
/* Moves the cursor as buffer_move does but leaves the selection alone (buffer.c). */
void buffer_move_cursor(Buffer *b, BufferMove m, size_t page_rows);
/* Where a word move from c lands (buffer.c). */
TextPos buffer_word_left_of(const Buffer *b, TextPos c);
TextPos buffer_word_right_of(const Buffer *b, TextPos c);
/* Deletes the selection when it is not empty (one undo step, or part of the open group) and
 * ends it; true when it deleted something (buffer_select.c). */
bool buffer_take_selection(Buffer *b);

/* The identity of a file from its stat (buffer_file.c; buffer_save.c uses it too). */
BufferDiskId buffer_disk_id_of(const struct stat *st);

/* The last path component ("dir/x.c" -> "x.c"); the whole path when it ends in '/'. */
const char *buffer_base_name(const char *path);

#endif
