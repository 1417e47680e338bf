/* MdLine: how one logical line of an answer is laid out and drawn in the answer pane (the
 * bridge between the pure reader, ui/markdown.h, and the row engine, ui/model_rows.h).
 *
 * A line is prose (its block markup hidden, a decoration drawn before its first row and
 * another before each further row: bullets, numbers, quote bars, hanging indents; its inline
 * markup hidden through attr), a rule, a table row (aligned with its neighbours when the
 * whole table fits the width: one row each; else raw prose), a code line (inside a fence:
 * syntax colours, diff colours for a diff/patch block or an apply_patch envelope (fenced
 * or not: its lines are drawn as code), never broken inside a token), or a
 * fence line (drawn dim). Lines longer than MD_LINE_MAX stay raw: a streaming megabyte line
 * costs O(appended) per frame, not O(line).
 *
 * Ownership: md_line_layout writes attributes into the caller's buffer (attr must hold the
 * line's length); MdLine points into it. Errors: none. */
#ifndef FLINT_UI_MARKDOWN_LAYOUT_H
#define FLINT_UI_MARKDOWN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/markdown.h"

#define MD_LINE_MAX 2048   /* longer lines are drawn raw */
#define MD_TABLE_COLS 16   /* tables with more columns are drawn raw */
#define MD_TABLE_SCAN 64   /* a table is aligned when it has at most 2*this+1 lines */
#define MD_DECO_MAX 64

typedef enum MdLineKind {
    MDL_RAW,   /* plain text in the entry's style (questions, notes, long lines) */
    MDL_PROSE, /* Markdown text */
    MDL_HR,    /* a rule across the pane */
    MDL_TABLE, /* a row of a table that fits: drawn aligned, never wrapped */
    MDL_CODE,  /* a line inside a fence */
    MDL_FENCE, /* a ``` line */
} MdLineKind;

typedef struct MdLine {
    MdLineKind kind;
    MdBlock block;
    uint16_t style;       /* plain bytes */
    const uint8_t *attr;  /* MD_A_* per byte from the line's start; NULL: none */
    char deco[MD_DECO_MAX];  /* drawn before the first row */
    size_t deco_len;
    int deco_w;
    char cont[MD_DECO_MAX];  /* drawn before every further row */
    size_t cont_len;
    int cont_w;
    uint16_t deco_style;
    bool diff;            /* MDL_CODE in a diff/patch block: colour by the first byte */
    /* MDL_TABLE */
    bool header;          /* the row above the delimiter row */
    int ncols;
    int colw[MD_TABLE_COLS];
    char align[MD_TABLE_COLS];
} MdLine;

/* What the row engine knows about a line of an answer: inside a block (code) or on a fence
 * line (fence); lang/lang_len: the block's fence tag. */
typedef struct MdLineIn {
    const char *text;   /* the entry's text */
    size_t text_len;
    size_t start, end;  /* the line */
    bool code, fence;
    bool patch;         /* inside an apply_patch envelope ("*** Begin Patch" .. "End Patch") */
    const char *lang;
    size_t lang_len;
    int width;          /* the pane's text width (tables: do they fit?) */
} MdLineIn;

void md_line_layout(const MdLineIn *in, uint8_t *attr, MdLine *out);

/* The column width of text s[a, b) as drawn with attributes attr (indexed from 0 at s):
 * hidden bytes take none. */
int md_text_width(const char *s, size_t a, size_t b, const uint8_t *attr);

/* One row of a code line from p (< b) at most width columns wide, ending where a token ends
 * (between a word and punctuation, at spaces; punctuation runs such as "->" stay whole); a
 * token wider than the row is cut, zero-width marks stay with their base (at most 32 of them
 * without a column of progress). end: the row's last byte + 1; next: where the next row
 * starts (spaces at the break skipped); touched: it looked at the line's last byte. */
void md_code_row(const char *s, size_t p, size_t b, int width, size_t *end, size_t *next,
                 bool *touched);

#endif
