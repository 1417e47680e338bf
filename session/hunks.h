/* HunkSet: the edits the model proposed, placed in the user's buffers, waiting for review.
 *
 * Each hunk the parser (session/hunk_parse.h) hands out is added with the Buffer its path
 * names (the caller opens it: the session knows no files). It is placed by its content
 * (session/hunk_locate.h) and anchored with two Text marks, so the user's edits elsewhere
 * move it. Its life:
 *
 *   PENDING  placed, shown inline, waiting for a decision;
 *   ACCEPTED applied to the buffer as ONE undo step (buffer_group_begin/end);
 *   REJECTED dropped, the buffer untouched;
 *   STALE    never applied: its lines were not found, the user changed its region after it
 *            was placed (checked before showing and before applying), it overlaps another
 *            pending hunk of the same answer (a later answer's overlapping hunk replaces an
 *            earlier one instead: the earlier turns STALE), its file could not be opened or
 *            was closed, or it asks for something flint does not do (delete a file).
 *            `reason` says which.
 *
 * Decisions are reported once, to the next request (hunks_take_report), and then forgotten;
 * until then hunks_count/hunks_info read them (a journal records them from there).
 *
 * Ownership: the set owns its hunks and their marks; the Buffers are the caller's, who calls
 * hunks_forget_buffer before freeing one. Errors: none (tier 2); a hunk that cannot be
 * applied is STALE with its reason. */
#ifndef FLINT_SESSION_HUNKS_H
#define FLINT_SESSION_HUNKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "session/buffer.h"
#include "session/hunk_parse.h"

typedef enum HunkState {
    HUNK_PENDING,
    HUNK_ACCEPTED,
    HUNK_REJECTED,
    HUNK_STALE,
} HunkState;

/* What a journal or a status line reads about hunk i. Strings belong to the set and live
 * until the hunk is reported (hunks_take_report) or the set is freed. */
typedef struct HunkInfo {
    size_t id;            /* 1, 2, ... in the order the conversation proposed them */
    const char *path;     /* the file as named (the buffer's path when named), or "" */
    HunkState state;
    const char *reason;   /* STALE: why, one line; else "" */
    Buffer *buffer;       /* where it is shown, or NULL (STALE without a place) */
    size_t line;          /* 0-based first line of its region while placed */
    size_t removed, added;/* line counts */
} HunkInfo;

typedef struct HunkSet HunkSet;

HunkSet *hunks_new(void);
void hunks_free(HunkSet *hs);  /* accepts NULL; removes its marks */

/* A new answer starts: its hunks are placed after one another per file again. */
void hunks_begin_answer(HunkSet *hs);
/* Takes ph. b: the buffer for ph's path (NULL when it could not be opened: why_not says why).
 * Places it (or makes it STALE) and returns its id. */
size_t hunks_add(HunkSet *hs, ParsedHunk *ph, Buffer *b, const char *why_not);

size_t hunks_count(const HunkSet *hs);
HunkInfo hunks_info(const HunkSet *hs, size_t i);   /* i < count */
size_t hunks_pending(const HunkSet *hs);            /* how many wait for a decision */
/* Changes whenever a hunk is added, decided, goes stale or is forgotten. */
uint64_t hunks_generation(const HunkSet *hs);

/* Re-checks the placed hunks of buffers edited since the last check: a pending hunk whose
 * lines are no longer there turns STALE ("FILE changed at line N after it was proposed").
 * Cheap when nothing changed (a version compare per hunk). */
void hunks_refresh(HunkSet *hs);
/* Applies pending hunk i as one undo step and moves the cursor to it; false (and STALE with
 * the reason) when its region no longer matches, false when it was not pending. */
bool hunks_accept(HunkSet *hs, size_t i);
void hunks_reject(HunkSet *hs, size_t i);   /* pending -> REJECTED; else nothing */

/* One line per decided hunk, in id order, for the next request:
 *   "hunk 2 in src/x.c: accepted" / "...: rejected" / "...: stale: REASON", and
 *   "...: accepted, then undone or changed by the user" when the lines it wrote are no
 *   longer there as written (Ctrl-Z, or an edit inside them);
 * then forgets those hunks. False (out untouched) when there is none. Pending hunks stay. */
bool hunks_take_report(HunkSet *hs, StrBuf *out);

/* b is about to be freed: its hunks lose their place (pending ones turn STALE, "FILE was
 * closed") and their marks. */
void hunks_forget_buffer(HunkSet *hs, Buffer *b);

/* --- for the editor's display (called per visible line) -------------------------------- */

typedef enum HunkShow {
    HUNK_SHOW_NONE,
    HUNK_SHOW_REMOVED,  /* a line a pending hunk removes */
    HUNK_SHOW_KEPT,     /* a context line inside a pending hunk */
    HUNK_SHOW_STALE,    /* inside the region of a stale hunk */
} HunkShow;

/* How buffer line `line` of b shows; *index (may be NULL) gets the hunk's index. */
HunkShow hunks_show_line(const HunkSet *hs, const Buffer *b, size_t line, size_t *index);
/* The added lines of pending hunks shown above buffer line `line` of b (line may be the line
 * count: after the last line): their count, and up to cap of them in out[] (pointers into the
 * set, valid until it changes); *index (may be NULL) gets the hunk's index. */
size_t hunks_added_above(const HunkSet *hs, const Buffer *b, size_t line, const HunkLine **out,
                         size_t cap, size_t *index);

#endif
