/* Comment rules: the line-comment prefix of a buffer's language, for "toggle comment".
 *
 * A small built-in table by file name and extension: the fallback. The app asks the buffer's
 * syntax rule file first (ui_line_comment: themes/syntax/NAME.syntax's `comment` rule), and
 * uses this table for files no rule file covers. */
#ifndef FLINT_SESSION_COMMENT_H
#define FLINT_SESSION_COMMENT_H

#include "session/buffer.h"

/* "//", "#", "--", ";", "%" ...; "#" for an unnamed buffer or an unknown kind of file (the
 * most common prefix among config and script files). Never NULL. */
const char *comment_prefix_for(const Buffer *b);
/* The same by path alone (NULL: unnamed). */
const char *comment_prefix_for_path(const char *path);

#endif
