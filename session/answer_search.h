/* AnswerSearch: session/search.c's patterns over the Transcript (the answer pane's search).
 *
 * search.c searches a Text; the transcript is a list of entries of plain bytes. Rather than
 * copying a 1 MB answer into a Text per keystroke, this adapter walks the entries' lines
 * (memchr) and asks search_line_matches for each one, so the rules are search.c's exactly:
 * matches never span lines, the non-overlapping left-to-right sequence, empty matches skipped
 * (a pattern like `x*` finds the non-empty ones). Every entry's text is searched (questions,
 * answers, notes); the "[interrupted]" marks are not text.
 *
 * Cost: a find or a count is one pass over the transcript at most (two for a find that
 * wraps): about a pcre2_match call per line. Positions are (entry, byte) pairs.
 * Ownership: the Search and the Transcript are borrowed. Errors: none. */
#ifndef FLINT_SESSION_ANSWER_SEARCH_H
#define FLINT_SESSION_ANSWER_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "session/search.h"
#include "session/transcript.h"

typedef struct AnswerMatch {
    size_t entry, start, end; /* [start, end) of entry's text, on one line */
} AnswerMatch;

/* Forward: the first match starting at or after (entry, off), wrapping to the top; backward:
 * the last match starting before it, wrapping to the bottom. *wrapped says it wrapped. */
bool answer_search_find(Search *s, const Transcript *t, size_t entry, size_t off,
                        SearchDir dir, AnswerMatch *out, bool *wrapped);
/* How many matches the transcript has; *index (may be NULL) the 1-based number of the match
 * starting at `at` (0 when none starts there). */
size_t answer_search_count(Search *s, const Transcript *t, const AnswerMatch *at,
                           size_t *index);

#endif
