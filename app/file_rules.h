/* File rules: what a buffer takes from the settings (editor.tab_width, expand_tabs,
 * trim_trailing_whitespace, insert_final_newline) and then from the file's .editorconfig
 * (editor.editorconfig, on by default), applied when a file is opened. EditorConfig wins
 * over the settings file: it is the project's rule. end_of_line is read but not applied
 * (the Text keeps the file's own line endings). */
#ifndef FLINT_APP_FILE_RULES_H
#define FLINT_APP_FILE_RULES_H

#include "session/buffer.h"
#include "session/settings.h"

/* s may be NULL (the defaults). */
void file_rules_apply(Buffer *b, const Settings *s);

#endif
