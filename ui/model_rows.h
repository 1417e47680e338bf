/* ModelRows: the Transcript as a sequence of soft-wrapped rows (the row engine of the model
 * pane; ModelView draws and scrolls with it).
 *
 * Every row is named by a ModelRowPos: a segment of an entry (a separator, one logical line,
 * or the "[interrupted]"-style mark) and the byte where the row starts. Positions are in
 * source coordinates, so they survive appends and resizes. Rows are wrapped on demand, one
 * logical line at a time; nothing keeps a wrapped copy of the transcript, only caches keyed by
 * position (the ``` fence lines of each entry, the row breaks of a few very long lines), so
 * walking k rows costs O(k) however big the transcript is. See model_rows.c for the wrapping
 * rules and the cache invariants.
 *
 * Every call takes a ModelRowsCtx: the caches, the Transcript and the text width of this
 * frame. Pointers returned (rows, mark text) stay valid until the next call on the same
 * ModelRows. The caches assume one append-only Transcript: call model_rows_reset before using
 * a different one (or one that shrank). A width change needs nothing: the long-line cache is
 * keyed by width.
 *
 * Ownership: a ModelRows owns its caches; it never keeps pointers into the Transcript.
 * Errors: none (out of memory aborts). */
#ifndef FLINT_UI_MODEL_ROWS_H
#define FLINT_UI_MODEL_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/transcript.h"
#include "ui/markdown_layout.h"
#include "ui/model_wrap.h"

#define MODEL_ROWS_TAB_WIDTH MODEL_WRAP_TAB_WIDTH
#define MODEL_ROWS_PREFIX_W 2 /* "› " before a question's rows (they wrap this much narrower) */

/* The kinds of segment an entry is made of, in order: SEP (a blank row before every question
 * but the first), THINK (an answer's reasoning: one dimmed row "▸ thinking… N tokens", or
 * with ModelRowsCtx.show_reasoning the whole reasoning as one wrapped paragraph), LINEs (the
 * logical lines of its text), MARK (after an answer that did not complete). */
enum { MODEL_SEG_SEP, MODEL_SEG_THINK, MODEL_SEG_LINE, MODEL_SEG_MARK };

typedef struct ModelSeg {
    size_t entry;
    int kind;
    size_t start, end; /* LINE: bytes of the entry's text; MARK/SEP: 0, 0 */
} ModelSeg;

typedef struct ModelRowPos {
    ModelSeg seg;
    size_t off; /* where the row starts (entry text for LINE, mark text for MARK, 0 for SEP) */
} ModelRowPos;

/* ModelRowSpan (one row: the bytes it draws, where the next starts) is in ui/model_wrap.h. */

typedef struct ModelRows ModelRows;

/* One frame's context: the caches, the transcript and the text width. */
typedef struct ModelRowsCtx {
    ModelRows *rows;
    const Transcript *t;
    int width;
    /* The rows' configuration (zero: the defaults). code_scroll: a code line is one row that
     * scrolls sideways by hscroll columns, instead of wrapping between tokens with a
     * continuation mark. code_bce: the terminal has bce, so shading code rows to the full
     * pane width costs nothing; else they are shaded only to the text's end. */
    bool code_scroll;
    bool code_bce;
    int hscroll;
    bool show_reasoning; /* THINK rows: the reasoning itself instead of the collapsed line */
} ModelRowsCtx;

ModelRows *model_rows_new(void);
void model_rows_free(ModelRows *m); /* accepts NULL */
/* Drops the per-transcript caches (fence scans, long-line slots). */
void model_rows_reset(ModelRows *m);

/* The text of entry e's THINK row(s), into the ModelRows' own buffer (valid until the next
 * call): collapsed "▸ thinking… N tokens" (streaming) / "▸ thought: N tokens", or expanded
 * "▾ " + the reasoning with line breaks as spaces (capped at 16 KiB). */
const char *model_rows_think_text(ModelRowsCtx *c, size_t e, size_t *len);

/* The next / previous segment in the transcript; false at either end. */
bool model_rows_seg_next(ModelRowsCtx *c, ModelSeg *s);
bool model_rows_seg_prev(ModelRowsCtx *c, ModelSeg *s);
/* Rebuilds a segment's end from the text (a line may have grown since the Seg was taken). */
void model_rows_seg_refresh(ModelRowsCtx *c, ModelSeg *s);

/* The rows of a segment (always >= 1). The result is valid until the next model_rows_of call. */
const ModelRowSpan *model_rows_of(ModelRowsCtx *c, ModelSeg s, size_t *count);
/* The row of rows[0, n) holding byte off: the largest k with rows[k].start <= off. */
size_t model_rows_index(const ModelRowSpan *rows, size_t n, size_t off);

/* The last row of the transcript; false when it has no rows at all. */
bool model_rows_tail(ModelRowsCtx *c, ModelRowPos *out);
/* The first row of the transcript; false when it has no rows at all. */
bool model_rows_head(ModelRowsCtx *c, ModelRowPos *out);
/* The row holding byte off of entry e's text (clamped to the text; an entry with no text:
 * its first row). False when the entry has no rows. */
bool model_rows_locate(ModelRowsCtx *c, size_t e, size_t off, ModelRowPos *out);
/* Move pos back / forward by up to n rows; return how many rows it moved. */
size_t model_rows_back(ModelRowsCtx *c, ModelRowPos *pos, size_t n);
size_t model_rows_fwd(ModelRowsCtx *c, ModelRowPos *pos, size_t n);

/* The style of logical line [start, end) of entry e: question, note, code (inside or on a
 * ``` fence) or text. */
uint16_t model_rows_line_style(ModelRowsCtx *c, size_t e, size_t start, size_t end);
/* For a line inside a ``` block (not on a fence line): where its opening fence line starts
 * (its "```tag" names the language). False outside blocks. O(log fences). */
bool model_rows_code_fence(ModelRowsCtx *c, size_t e, size_t start, size_t end,
                           size_t *fence_start);
/* How line [start, end) of entry e is laid out and drawn (Markdown in answers; questions and
 * notes are MDL_RAW). out->attr stays valid until the next model_rows_* call. */
void model_rows_md_line(ModelRowsCtx *c, size_t e, size_t start, size_t end, MdLine *out);
/* The mark of an answer that did not complete: "[interrupted]", "[failed: detail]", ...
 * Valid until the next call. */
const char *model_rows_mark_text(ModelRowsCtx *c, size_t e, size_t *len);

#endif
