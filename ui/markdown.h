/* Markdown: a pure, line-at-a-time Markdown reader for the answer pane (no curses, no state).
 *
 * md_block classifies one logical line outside code fences: heading, bullet or numbered list
 * item (nesting from its indentation), block quote (any depth, and what is inside the quote),
 * thematic break, table row or table delimiter row, blank or paragraph text; it says how many
 * leading bytes are markup (hidden when rendered) and what the item marker is.
 * md_inline marks every byte of a line's text with MD_A_* attributes: code spans, strong,
 * emphasis, links ([text](url): shown "text (url)", the url dim), backslash escapes; markup
 * bytes get MD_A_HIDE. A delimiter without its closer on the same line stays literal, so the
 * result for a line depends only on that line: a completed line renders the same whatever
 * follows it (streaming re-renders only the growing last line). Cost O(n) per line.
 *
 * md_table_cells splits a table row into cells (pipes, backslash-escaped pipes kept).
 * Ownership: callers own every buffer. Errors: none (any bytes are accepted). */
#ifndef FLINT_UI_MARKDOWN_H
#define FLINT_UI_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum MdKind {
    MD_PARA,      /* ordinary text (also a line that is only a quote marker's content) */
    MD_BLANK,     /* empty or only spaces */
    MD_HEADING,   /* # .. ###### */
    MD_BULLET,    /* - + * item */
    MD_ORDERED,   /* 1. or 1) item */
    MD_HR,        /* --- *** ___ */
    MD_TABLE,     /* | a | b | */
    MD_TABLE_SEP, /* |---|:--:| */
} MdKind;

#define MD_MARKER_MAX 12

typedef struct MdBlock {
    MdKind kind;
    int quote;        /* block-quote depth (0: none) */
    int level;        /* heading level 1-6 */
    int indent;       /* list nesting: 0 top level, 1 for 2-3 spaces of indentation, ... */
    size_t prefix;    /* leading bytes that are markup ("> ", "## ", "  - "), hidden */
    char marker[MD_MARKER_MAX]; /* MD_ORDERED: the number and its dot/paren ("12.") */
} MdBlock;

void md_block(const char *s, size_t n, MdBlock *out);

enum {
    MD_A_HIDE = 1u << 0,   /* markup: not drawn */
    MD_A_STRONG = 1u << 1, /* **x** __x__ */
    MD_A_EMPH = 1u << 2,   /* *x* _x_ */
    MD_A_CODE = 1u << 3,   /* `x` */
    MD_A_LINK = 1u << 4,   /* the text of [text](url) */
    MD_A_URL = 1u << 5,    /* its "](url)", drawn dim, the ']' as a space: "text (url)" */
    MD_A_STRIKE = 1u << 6, /* ~~x~~ */
};

/* attr[0, n) receives the attributes of s[0, n) (zeroed first). */
void md_inline(const char *s, size_t n, uint8_t *attr);

/* A table row's cells: [start, end) byte ranges, trimmed of spaces, outer pipes dropped.
 * Returns the number of cells (at most max; extra cells are counted but not stored). */
typedef struct MdCell {
    size_t start, end;
} MdCell;
size_t md_table_cells(const char *s, size_t n, MdCell *cells, size_t max);
/* The alignment of cell k of a delimiter row: 'l', 'c', 'r' (or 'l' when unmarked). */
char md_table_align(const char *s, const MdCell *cell);

#endif
