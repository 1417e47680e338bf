/* Search: find, count and replace one pattern in a Text, with PCRE2 (JIT when available).
 *
 * A pattern is literal by default (PCRE2_LITERAL: every byte stands for itself) or a PCRE2
 * regex (SEARCH_REGEX); SEARCH_ICASE matches case-insensitively (Unicode case folding), and
 * SEARCH_SMART_CASE does so only while the pattern has no ASCII capital letter (in regex
 * mode an escape such as \S counts as one). Patterns are compiled with PCRE2_UTF |
 * PCRE2_MATCH_INVALID_UTF, so invalid UTF-8 in a file never fails a match: bad bytes are
 * simply never matched by anything but themselves (as literals they are not: the pattern
 * itself must be valid UTF-8). An empty pattern matches nothing.
 *
 * Matches are per line: a match never spans a line break ("\n" in a regex matches nothing).
 * The subject is the line's bytes without a trailing '\r': Text strips the '\r' of a CRLF
 * file on load, and in a file with mixed endings the '\r' a line keeps is its terminator,
 * not text, so `$` matches before it there too and no replacement removes it. NULs and
 * invalid bytes are ordinary subject bytes.
 *
 * The matches of a line are the usual non-overlapping left-to-right sequence: after a match
 * the next attempt starts at its end; after an empty one (regex `^`, `x*`) the next may not be
 * empty at the same place, so every walk advances. Highlighting, counting, backward search
 * and replace-all use this sequence; forward search starts matching at its start position
 * (as every editor does), so a match it finds may overlap one of the sequence's.
 *
 * Slices: nothing here takes time proportional to the file in one call except
 * search_replace_all. A find or a count runs in steps of a byte budget (a line costs its
 * length plus SEARCH_LINE_COST; at least one line per step, so one huge line is one step) and
 * resumes where the last step stopped; the UI runs a step per frame until it is done. A find
 * must be begun again after the text changes; a count notices by itself (Text pointer and
 * version).
 *
 * Regex work per line is bounded (match limit and depth limit, a 1 MiB JIT stack): a
 * catastrophic pattern fails on that line instead of hanging the editor; such a line counts
 * as having no match, and search_had_limit_error says it happened.
 *
 * Ownership: a Search owns its compiled pattern and match data; Text and Buffer are borrowed
 * for each call. Errors: tier 3 for patterns and replacements (bool + ErrorBuf), tier 2
 * otherwise. Not thread-safe (one Search per thread). */
#ifndef FLINT_SESSION_SEARCH_H
#define FLINT_SESSION_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/buffer.h"

#define SEARCH_LINE_COST 32 /* budget bytes a line costs besides its length */

enum {
    SEARCH_REGEX = 1u << 0,      /* PCRE2 syntax; otherwise the pattern is literal */
    SEARCH_ICASE = 1u << 1,      /* case-insensitive */
    SEARCH_SMART_CASE = 1u << 2, /* case-insensitive unless the pattern has a capital letter */
};

typedef enum SearchDir { SEARCH_FORWARD, SEARCH_BACKWARD } SearchDir;

typedef enum SearchStatus {
    SEARCH_FOUND,     /* *out holds the match */
    SEARCH_NOT_FOUND, /* the whole text was searched (wrapping included) */
    SEARCH_MORE,      /* the budget ran out: call again */
} SearchStatus;

/* A match: [start, end) on one line (end.line == start.line; start == end when empty). */
typedef struct SearchResult {
    TextPos start, end;
    bool wrapped; /* found after passing the end (forward) or the start (backward) */
} SearchResult;

typedef struct SearchSpan {
    size_t start, end; /* byte offsets into the line */
} SearchSpan;

typedef struct SearchCount {
    size_t total;  /* matches counted so far (all of them once complete) */
    size_t index;  /* 1-based number of the match at `at` (search_count_get), 0 if unknown */
    bool complete; /* the whole text has been counted */
} SearchCount;

typedef struct Search Search;

Search *search_new(void);
void search_free(Search *s); /* accepts NULL */

/* Compiles pat[0..len) with SEARCH_* flags. On failure the message is PCRE2's, with the
 * offset: "regex: missing closing parenthesis at offset 4" ("search: ..." for a literal
 * pattern, which fails only on invalid UTF-8), and the Search keeps its previous pattern.
 * Forgets any find or count in progress. */
bool search_set_pattern(Search *s, const char *pat, size_t len, unsigned flags, ErrorBuf *err);
bool search_has_pattern(const Search *s);   /* a non-empty pattern is compiled */
unsigned search_flags(const Search *s);
bool search_caseless(const Search *s);      /* the flags (and smart case) made it caseless */
bool search_jit(const Search *s);           /* JIT-compiled (else PCRE2's interpreter) */
/* A line hit the match or depth limit since the pattern was set (see above). */
bool search_had_limit_error(const Search *s);

/* --- finding, in slices --------------------------------------------------------------------- */

/* Begins a find from `from`: forward, the first match starting at or after it (wrapping to
 * the top); backward, the last match starting before it (wrapping to the bottom). */
void search_begin(Search *s, TextPos from, SearchDir dir);
/* Begins a find for the match after cur (forward: from its end, or past it when it is empty)
 * or before it (backward: the last one starting before its start): Next / Previous. */
void search_begin_next(Search *s, const SearchResult *cur, SearchDir dir);
/* Runs the find begun last for about budget_bytes (see Slices). SEARCH_NOT_FOUND without a
 * begun find or pattern. */
SearchStatus search_step(Search *s, const Text *t, size_t budget_bytes, SearchResult *out);
/* search_begin + search_step until done: for tests and small texts. */
SearchStatus search_find(Search *s, const Text *t, TextPos from, SearchDir dir,
                         SearchResult *out);

/* --- counting, in slices -------------------------------------------------------------------- */

/* Counts matches for about budget_bytes more; true once complete. A count started for
 * another Text, version or pattern starts over by itself. */
bool search_count_step(Search *s, const Text *t, uint64_t version, size_t budget_bytes);
/* The count so far, and the 1-based number of the match starting at `at` once the count has
 * passed its line ("3/17"): O(lines since the last checkpoint, at most 256) per call. */
SearchCount search_count_get(Search *s, const Text *t, uint64_t version, TextPos at);

/* --- one line ------------------------------------------------------------------------------- */

/* The line's matches (the sequence, empty ones included), at most cap of them into out;
 * returns how many were written. line[0..len) as text_line gives it. */
size_t search_line_matches(Search *s, const char *line, size_t len, SearchSpan *out,
                           size_t cap);

/* --- replacing ------------------------------------------------------------------------------ */

/* Checks a replacement against the pattern. Literal mode: anything goes, inserted as is.
 * Regex mode: $0..$9 and \0..\9 (the whole match, a group), ${N} and ${name}, $$ for '$',
 * \\ for '\', \n and \t; any other '$' or '\' stands for itself. A group the pattern does
 * not have is an error ("replacement: no group 3 in the pattern"); one that did not take part
 * in the match is empty. */
bool search_check_replacement(const Search *s, const char *repl, size_t rlen, ErrorBuf *err);
/* Replaces cur (which must still be a match of the pattern there) with the expanded
 * replacement as one undo step; *after is where the replacement ends (for the next find).
 * False when the text there no longer matches, or the replacement is invalid. */
bool search_replace(Search *s, Buffer *b, const SearchResult *cur, const char *repl,
                    size_t rlen, TextPos *after, ErrorBuf *err);
/* Replaces every match in the buffer in one pass over its lines, as one undo step; *count
 * is how many. Not sliced: 0.3 s for 100 MB with 320k matches here (make bench). Empty matches are
 * replaced too (regex `^` prefixes every line). */
bool search_replace_all(Search *s, Buffer *b, const char *repl, size_t rlen, size_t *count,
                        ErrorBuf *err);

#endif
