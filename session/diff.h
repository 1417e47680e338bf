/* Diff: a compact unified diff of two texts, line by line, for telling the model what changed
 * in a file since the version it last saw (session/context.c).
 *
 * The common first and last lines are cut off, then the middle is compared with Myers' greedy
 * O(ND) algorithm, so several separate edits become several small hunks with three lines of
 * context each (hunks closer than that merge, as diff -u does). When the middle differs in
 * more than DIFF_MAX_EDITS lines the search stops and the middle is shown as one replaced
 * block: still a correct diff, only a larger one (the caller then usually sends the file).
 *
 * Errors: none (allocation aborts, tier 2). */
#ifndef FLINT_SESSION_DIFF_H
#define FLINT_SESSION_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

#define DIFF_MAX_EDITS 2000

/* Appends the hunks turning a into b ("@@ -l,n +l,n @@" headers, ' ', '-', '+' lines, "\ No
 * newline at end of file" where one lacks it), without ---/+++ header lines. Returns false
 * (and appends nothing) when the texts are equal. */
bool diff_unified(const char *a, size_t alen, const char *b, size_t blen, StrBuf *out);

/* The start of each line of s[0, len) in *starts (malloc'd, the caller frees it), and one past
 * the end after the last: line i is [starts[i], starts[i + 1]), its '\n' included when it has
 * one. Returns the number of lines (0 for an empty text). Also session/swap.c's. */
size_t diff_split_lines(const char *s, size_t len, const char ***starts);

#endif
