/* EditorConfig (editorconfig.org): the indentation and whitespace rules a project keeps in
 * .editorconfig files, applied to a buffer when it is opened.
 *
 * Supported: sections whose glob names files (`*`, `**`, `?`, `[abc]`, `[!abc]`, `{a,b}`;
 * a glob without '/' matches the file name in any directory below, one with '/' the path
 * relative to the .editorconfig's directory), `root = true` in the preamble (stops the walk
 * up from the file's directory), and the properties indent_style, indent_size, tab_width,
 * end_of_line, insert_final_newline, trim_trailing_whitespace (case-insensitive values;
 * "unset" forgets an earlier value). Later sections win over earlier ones, nearer files over
 * farther ones. Unknown properties and malformed lines are ignored, as the spec asks.
 *
 * Errors: none (an unreadable file is skipped). Parsing takes untrusted bytes: fuzzed by
 * tests/fuzz/fuzz_editorconfig.c. */
#ifndef FLINT_SESSION_EDITORCONFIG_H
#define FLINT_SESSION_EDITORCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define EC_UNSET (-1)

typedef struct EditorConfig {
    int indent_style;              /* EC_UNSET, 0 tab, 1 space */
    int indent_size;               /* EC_UNSET, 1..16; 0 means "tab" (use tab_width) */
    int tab_width;                 /* EC_UNSET, 1..16 */
    int end_of_line;               /* EC_UNSET, 0 lf, 1 crlf, 2 cr */
    int insert_final_newline;      /* EC_UNSET, 0, 1 */
    int trim_trailing_whitespace;  /* EC_UNSET, 0, 1 */
} EditorConfig;

void editorconfig_init(EditorConfig *ec);  /* everything EC_UNSET */
/* Applies the sections of one .editorconfig's text that match rel_path (the file's path
 * relative to that .editorconfig's directory, no leading '/'). Returns its root = true. */
bool editorconfig_apply(EditorConfig *ec, const char *text, size_t len, const char *rel_path);
/* The glob rule above: does pattern match rel_path? */
bool editorconfig_glob(const char *pattern, const char *rel_path);
/* Walks up from the directory of the absolute path `file`, reading each .editorconfig until
 * one says root = true, and applies them farthest first. */
void editorconfig_for(const char *file, EditorConfig *ec);

#endif
