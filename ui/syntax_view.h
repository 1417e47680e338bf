/* SyntaxView: syntax colours for the editor pane and the answer pane's code blocks. It
 * joins the rules (themes/syntax.h), the per-buffer incremental states (session/highlight.h)
 * and the decoration layers of the editor (ui/editor_view.h), mapping token classes to the
 * theme's STYLE_SYN_* slots.
 *
 * Editor: the view follows one Buffer. When the buffer or its path changes, it chooses the
 * language again (syntax_set_detect: name, extension, shebang, modeline in the first and last
 * 5 lines) and starts a new Highlighter. Each frame (syntax_view_begin_frame) takes in the
 * edits, then the decoration layer asks for the start state of each visible line within a
 * frame budget (SYNTAX_VIEW_FRAME_BUDGET units, about that many bytes scanned). A line whose
 * state is not known yet (a jump to the end of a huge file) is highlighted provisionally, as
 * if the text started SYNTAX_VIEW_GUESS_LINES above it outside any region (vim's "syn sync
 * minlines"; wrong only inside a region longer than that), and syntax_view_pending() asks for
 * more frames until the exact states, computed in slices, replace the guess.
 *
 * Answer pane: syntax_view_code_line colours one line of a ``` block by the fence's language
 * tag. The start states of a block's lines are cached (a few blocks, least recently used;
 * transcript text is append-only, so they never go stale), so a row costs its line, not the
 * block. Lines longer than SYNTAX_VIEW_CODE_LINE_MAX bytes stay plain (a row stays O(width)).
 *
 * Ownership: a SyntaxView owns its SyntaxSet (may be empty: everything plain). Errors: none. */
#ifndef FLINT_UI_SYNTAX_VIEW_H
#define FLINT_UI_SYNTAX_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/buffer.h"
#include "themes/syntax.h"
#include "ui/editor_view.h"

#define SYNTAX_VIEW_FRAME_BUDGET ((size_t)128 << 10) /* ~8 ms at the ~15 MB/s measured for C */
#define SYNTAX_VIEW_GUESS_LINES 200 /* a provisional highlight starts this far above */
#define SYNTAX_VIEW_CODE_LINE_MAX 1024

typedef struct SyntaxView SyntaxView;

SyntaxView *syntax_view_new(void);
void syntax_view_free(SyntaxView *sv); /* accepts NULL */
/* Replaces the languages (takes ownership of set, which may be NULL); buffers re-detect. */
void syntax_view_set_languages(SyntaxView *sv, SyntaxSet *set);
const SyntaxSet *syntax_view_languages(const SyntaxView *sv);
/* Call before each editor draw: follows b, takes in its edits, refills the frame budget. */
void syntax_view_begin_frame(SyntaxView *sv, const Buffer *b);
/* b was closed: drop its highlighter if it is the one followed (its address may be reused). */
void syntax_view_forget(SyntaxView *sv, const Buffer *b);
/* The language of the buffer followed (NULL: plain text). */
const Syntax *syntax_view_language(const SyntaxView *sv);
/* The decoration layer (EditorDecorFn; ud is the SyntaxView; add it with keep_control). */
void syntax_view_decorate(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                          EditorSpans *out);
/* Some visible line was drawn plain because its state is not known yet: draw again soon. */
bool syntax_view_pending(const SyntaxView *sv);
/* The theme slot of a token class (STYLE_SYN_*; STYLE_TEXT for none). */
uint16_t syntax_view_style(SyntaxClass c);

/* Tokens of the code line [line_start, line_end) of text[0, text_len), inside the block opened
 * by the fence line at fence_start (its "```tag" names the language). key and entry identify the text
 * (the Transcript and the entry index). NULL when the block has no known language or the
 * line is too long; else valid until the next call. */
const SyntaxTokens *syntax_view_code_line(SyntaxView *sv, const void *key, size_t entry,
                                          const char *text, size_t text_len, size_t fence_start,
                                          size_t line_start, size_t line_end);

#endif
