/* Syntax: one language's highlighting rules, loaded from a rule file (themes/syntax/NAME.syntax)
 * and compiled with PCRE2, plus a SyntaxSet of languages and the choice of one for a file.
 *
 * Rule files are data, one directive a line ('#' at the start of a line is a comment):
 *
 *     name     c                    required, first word: the language's name
 *     alias    h                    more names (``` fence tags, modelines: "vim: ft=h")
 *     files    *.c *.h              base-name globs (fnmatch): Makefile, *.mk, .bashrc ...
 *     shebang  \b(tcc)\b            regex tried on a first line that starts with "#!"
 *     comment  #  -  -              line comment, block start, block end ('-': none); C's
 *                                   is // then slash-star and star-slash
 *     token    CLASS REGEX          REGEX is the rest of the line (blanks included)
 *     region   CLASS START END [escape REGEX] [oneline]
 *                                   START and END are one word each (write a blank as \s
 *                                   or \x20); the region may span lines unless oneline
 *
 * CLASS is one of keyword type string comment number preproc function operator constant
 * escape variable key heading emphasis link added removed hunk. Scanning a line outside a
 * region, the rule whose match starts first wins; at the same start the earlier rule in the
 * file wins. Context that must not be coloured goes in lookarounds or before \K: a function
 * name is `\b\w+(?=\s*\()`, a YAML key `^\s*\K\w+(?=:)`. Inside a region the scan looks only for END and, if given, the escape regex
 * (coloured as escape, so `\"` never ends a string). Regexes are PCRE2, byte-oriented (no
 * UTF mode: any bytes are fine, \w is ASCII), matched against the whole line so that ^ and
 * \b work; each match has a backtracking limit, so a pathological rule costs bounded time.
 *
 * A line's highlighting depends on one value carried from the line before: its start state,
 * 0 outside any region or 1 + the region's index. syntax_line computes a line's tokens and
 * its end state (the next line's start state), the step the incremental highlighter
 * (session/highlight.h) caches. Lines longer than SYNTAX_LINE_MAX bytes are scanned only
 * that far (the rest is plain and the state carries over unchanged).
 *
 * Language choice (syntax_set_detect): the base name against `files` globs (the first file
 * that matches, in load order, which is by name), then a shebang ("#!/usr/bin/env python3"
 * and "#!/bin/sh" both give the interpreter's name, matched against names, aliases and the
 * shebang regexes), then a modeline in the lines given ("vim: set ft=c:", "vi: filetype=sh",
 * "-*- mode: python -*-", "-*- python -*-").
 *
 * Ownership: a SyntaxSet owns its Syntax values. A Syntax keeps scratch space for matching,
 * so it is used by one thread at a time (the UI thread). Errors: tier 3 with file:line
 * ("c.syntax:12: regex: missing closing parenthesis at offset 4"). A file that fails to load
 * adds nothing to the set: that language is plain text, and the message is kept in the set
 * (and logged) for the user. */
#ifndef FLINT_THEMES_SYNTAX_H
#define FLINT_THEMES_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SYNTAX_LINE_MAX 20000 /* bytes of a line that are highlighted */

typedef enum SyntaxClass {
    SYN_NONE,
    SYN_KEYWORD,
    SYN_TYPE,
    SYN_STRING,
    SYN_COMMENT,
    SYN_NUMBER,
    SYN_PREPROC,
    SYN_FUNCTION,
    SYN_OPERATOR,
    SYN_CONSTANT,
    SYN_ESCAPE,
    SYN_VARIABLE,
    SYN_KEY,
    SYN_HEADING,
    SYN_EMPHASIS,
    SYN_LINK,
    SYN_ADDED,
    SYN_REMOVED,
    SYN_HUNK,
    SYN__COUNT
} SyntaxClass;

/* One coloured byte range of a line: [start, end), start < end. */
typedef struct SyntaxToken {
    uint32_t start, end;
    uint8_t cls; /* SyntaxClass */
} SyntaxToken;

typedef struct SyntaxTokens {
    SyntaxToken *v;
    size_t n, cap;
} SyntaxTokens;

typedef struct Syntax Syntax;
typedef struct SyntaxSet SyntaxSet;

const char *syntax_class_name(SyntaxClass c); /* "keyword"; "none" for SYN_NONE */
char syntax_class_letter(SyntaxClass c);      /* golden files: '.' none, 'k' keyword ... */

/* Parses and compiles one rule file's text; NULL and err ("file:line: message") on error. */
Syntax *syntax_parse(const char *text, size_t len, const char *filename, ErrorBuf *err);
void syntax_free(Syntax *s); /* accepts NULL */
const char *syntax_name(const Syntax *s);
/* The comment rule: line marker, block start and end; a part the file did not give is "". */
void syntax_comment(const Syntax *s, const char **line, const char **block_start,
                    const char **block_end);

/* Highlights line s[0, len) starting in state `state` (0, or a value syntax_line returned);
 * appends its tokens, in order and not overlapping, to out (NULL: only the state is wanted)
 * and returns the state at the end of the line. A state the Syntax does not know counts as 0. */
unsigned syntax_line(const Syntax *s, unsigned state, const char *line, size_t len,
                     SyntaxTokens *out);
void syntax_tokens_free(SyntaxTokens *t);

SyntaxSet *syntax_set_new(void);
void syntax_set_free(SyntaxSet *set); /* accepts NULL */
/* Adds one rule file's text (name: the file name for messages). False and err on error; the
 * message is also kept in the set. A language named again replaces the earlier one. */
bool syntax_set_add(SyntaxSet *set, const char *text, size_t len, const char *name,
                    ErrorBuf *err);
bool syntax_set_add_file(SyntaxSet *set, const char *path, ErrorBuf *err);
/* Loads every *.syntax file in dir, in name order; returns how many loaded. Failures are kept
 * (syntax_set_error) and logged; false only when dir cannot be read (err). */
bool syntax_set_load_dir(SyntaxSet *set, const char *dir, size_t *loaded, ErrorBuf *err);
/* Where the rule files are: the first directory that exists of $FLINT_SYNTAX_DIR,
 * share/flint/syntax beside the running binary's bin/ (an install, wherever it moved), the
 * source tree's themes/syntax (a build-tree run: make run, tests), the configured install
 * prefix's. False when none does. */
bool syntax_default_dir(char *out, size_t size);
/* A set loaded from syntax_default_dir (empty when there is none; logged either way). */
SyntaxSet *syntax_set_load_default(void);
size_t syntax_set_count(const SyntaxSet *set);
const Syntax *syntax_set_at(const SyntaxSet *set, size_t i);
size_t syntax_set_error_count(const SyntaxSet *set);
const char *syntax_set_error(const SyntaxSet *set, size_t i);
/* A language by name or alias (case-insensitive): ``` fence tags, modelines. NULL if none. */
const Syntax *syntax_set_find(const SyntaxSet *set, const char *name, size_t len);
/* The language for a file: path (may be NULL) by its base name, then lines[0] as a shebang,
 * then a modeline in any of lines[0, n) (the caller passes the first and last few lines).
 * NULL: plain text. */
const Syntax *syntax_set_detect(const SyntaxSet *set, const char *path,
                                const char *const *lines, const size_t *lens, size_t n);

#endif
