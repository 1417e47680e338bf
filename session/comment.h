/* Comment rules: the line-comment prefix of a buffer's language, for "toggle comment".
 *
 * Today a small built-in table by file name and extension. The syntax rule files (issue 7
 * item 4) will carry a comment rule per language; comment_prefix_for is the one place that
 * will then ask the syntax module first and keep this table as the fallback. */
#ifndef FLINT_SESSION_COMMENT_H
#define FLINT_SESSION_COMMENT_H

#include "session/buffer.h"

/* "//", "#", "--", ";", "%" ...; "#" for an unnamed buffer or an unknown kind of file (the
 * most common prefix among config and script files). Never NULL. */
const char *comment_prefix_for(const Buffer *b);
/* The same by path alone (NULL: unnamed). */
const char *comment_prefix_for_path(const char *path);

#endif
