/* Paths as the user types them: "~" expansion, "file.c:120" and "+120" locations from the
 * command line and the open prompt, Tab completion of a path against the file system, and
 * whether two paths name the same file.
 *
 * Errors: path_expand_home is tier 3 in the small (false: an unknown user or no HOME; the
 * input is then used as typed); the rest cannot fail (allocation aborts). */
#ifndef FLINT_SESSION_PATH_H
#define FLINT_SESSION_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* "~" and "~/x" -> $HOME (else the password entry's home), "~user/x" -> that user's home;
 * anything else is copied as is. Appends to out. False (and out gets the input as typed)
 * when the home directory is unknown. */
bool path_expand_home(const char *in, StrBuf *out);

/* A location: "file.c:120" (line 120; "file.c:120:7" also takes a column) unless a file of
 * that exact name exists, in which case the name is the whole argument. *line and *col are
 * 1-based, 0 when not given. The path (not expanded) goes to out. */
void path_parse_location(const char *arg, StrBuf *out, size_t *line, size_t *col);
/* "+120" -> 120 (true); anything else (including "+" and "+x") -> false. */
bool path_parse_plus_line(const char *arg, size_t *line);

/* Tab completion of typed (a path as typed, "~" allowed): the entries of its directory that
 * start with its last component (hidden ones only when that starts with '.'). out gets typed
 * extended by the matches' longest common prefix, plus '/' when the one match is a directory;
 * names (when not NULL) gets the matching names, one per line, sorted, a '/' after
 * directories. Returns the number of matches (0: out is typed unchanged). */
size_t path_complete(const char *typed, StrBuf *out, StrBuf *names);

/* The same file: device and inode when both exist, else the same absolute path (realpath of
 * each, when it resolves; as given otherwise). The rule app/buffers.c opens files by, and
 * app/hunks_app.c finds a hunk's open buffer by. */
bool path_same_file(const char *p, const char *q);

#endif
