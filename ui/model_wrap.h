/* ModelWrap: the wrapping rules of the model pane's rows (ModelRows, ui/model_rows.h, decides
 * what a segment is and caches its rows; this module only cuts bytes into rows, and knows
 * nothing of segments or the transcript).
 *
 * What. model_wrap_rows cuts base[p, b) into rows of a given width, by one of three rules:
 * prose (greedy, at breaking spaces; hidden Markdown markup takes no column), code (between
 * tokens, md_code_row; continuation rows narrower for the mark) or none (one row whatever
 * its length: tables, rules, fences, code that scrolls sideways). Widths come from
 * grid_cp_cols, i.e. exactly what grid_put_text draws. A row depends only on where it starts
 * and its width, never on the bytes after the segment's end unless it says so (touched), which
 * is what lets ModelRows keep the rows of a growing line and resume after them.
 *
 * Ownership: the caller owns the ModelRowVec (grown with xgrow, freed with free(v)) and the
 * bytes and attributes it passes; nothing is kept between calls.
 * Invariants: every row's start < next (progress) for a non-empty range; at most O(width)
 * bytes are looked at per row whatever the text (see model_wrap.c: hostile text).
 * Errors: none (out of memory aborts). */
#ifndef FLINT_UI_MODEL_WRAP_H
#define FLINT_UI_MODEL_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_WRAP_TAB_WIDTH 4 /* a tab's stops (the view draws tabs with the same) */

/* One row of a segment (ModelRows hands these out: ui/model_rows.h). */
typedef struct ModelRowSpan {
    size_t start, end; /* drawn bytes */
    size_t next;       /* where the next row starts (breaking spaces skipped) */
    bool touched;      /* looked at the segment's last byte: may change if the line grows */
} ModelRowSpan;

/* A growable array of rows. */
typedef struct ModelRowVec {
    ModelRowSpan *v;
    size_t n, cap;
} ModelRowVec;

/* How a segment wraps: prose (hidden markup in attr, indexed from a0; first row w_first wide,
 * the others w_cont: narrower after a decoration), code (breaks only between tokens,
 * continuation rows one column narrower for the mark), or one row whatever its length. */
typedef struct ModelWrapMode {
    enum { MODEL_WRAP_PROSE, MODEL_WRAP_CODE, MODEL_WRAP_NONE } how;
    int w_first, w_cont;
    const uint8_t *attr; /* NULL: no markup (every byte drawn) */
    size_t a0;
} ModelWrapMode;

/* Appends the rows of base[p, b) to rv; a is the segment's start (the row starting there is
 * the first row, w_first wide). An empty range, or MODEL_WRAP_NONE, is one row, pushed only
 * when rv is empty. */
void model_wrap_rows(ModelRowVec *rv, const char *base, size_t a, size_t p, size_t b,
                     const ModelWrapMode *m);

#endif
