/* AnswerBlocks: the fenced code blocks of an answer's Markdown text (CommonMark 0.31 "Fenced
 * code blocks", read leniently, as models write them).
 *
 * An opening fence is a line of optional indentation (spaces or tabs, any amount: fences
 * inside list items are indented), then three or more backticks or tildes, then an info
 * string (the language tag; after backticks it may not contain a backtick, so "```x```" is
 * inline code, not a fence). The block ends at the first later line that is a closing fence:
 * optional indentation, the same character at least as many times as the opening run, then
 * only blanks. So a ```` block may contain ``` lines (an answer showing Markdown), and a ```
 * line inside a ~~~ block is content. A block with no closing fence runs to the end of the
 * text (closed == false): an answer still streaming, or a model that forgot the fence.
 * The body is the lines between the fences, each with up to the opening fence's indentation
 * removed (CommonMark's rule), a '\r' before '\n' kept as is.
 *
 * Cost: one pass over the text (memchr per line), so finding the block at an offset in a
 * 1 MB answer is O(1 MB), about a millisecond; nothing is cached here.
 * Ownership: nothing is kept; offsets point into the caller's text. Errors: none. */
#ifndef FLINT_SESSION_ANSWER_BLOCKS_H
#define FLINT_SESSION_ANSWER_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

typedef struct AnswerFence {
    char ch;        /* '`' or '~' */
    size_t run;     /* how many of them (>= 3) */
    size_t indent;  /* blanks before the run */
    size_t info_start, info_end; /* the tag, relative to the line, blanks trimmed */
} AnswerFence;

typedef struct AnswerBlock {
    size_t start;                /* the opening fence line's first byte */
    size_t end;                  /* after the closing fence line (its '\n' included), or the text's end */
    size_t body_start, body_end; /* the lines between the fences ('\n' of the last one included) */
    size_t info_start, info_end; /* the tag ("c", "python"), absolute; empty when none */
    size_t indent;               /* the opening fence's indentation */
    bool closed;                 /* a closing fence was found */
} AnswerBlock;

/* Is line[0, len) ('\n' excluded) an opening fence? */
bool answer_fence_open(const char *line, size_t len, AnswerFence *out);
/* Does line[0, len) close a block opened by f? */
bool answer_fence_closes(const AnswerFence *f, const char *line, size_t len);

/* The next block starting at or after *pos (a line start); *pos moves past it. False when
 * there is none. Walk every block with pos = 0 and repeated calls. */
bool answer_block_next(const char *text, size_t len, size_t *pos, AnswerBlock *out);
/* The block whose lines (fences included) hold byte off; false when off is outside every
 * block. */
bool answer_block_at(const char *text, size_t len, size_t off, AnswerBlock *out);
/* The last block of the text; false when it has none. */
bool answer_block_last(const char *text, size_t len, AnswerBlock *out);
/* How many blocks the text has. */
size_t answer_block_count(const char *text, size_t len);
/* The body of b without its fences and with the fence's indentation removed from each line,
 * appended to out; it ends with '\n' unless it is empty. */
void answer_block_body(const char *text, const AnswerBlock *b, StrBuf *out);

#endif
