/* HunkParser: finds the edits a model proposes in its answer text, while the answer streams.
 *
 * The answer arrives in pieces of any size (a single byte, half a line, many lines); the
 * parser is fed each piece and hands out each hunk as soon as the line that completes it has
 * arrived (the next "@@", a "*** " line, a closing fence, ">>>>>>> REPLACE", the unified
 * header's line counts being reached), never only at the end of the answer. Feeding the same
 * text whole or byte by byte gives the same hunks (the fuzz target checks it).
 *
 * Formats read (whichever the model sends, in fences or not; "\r\n" line ends are taken as
 * "\n"; a last line without a newline counts once hunk_parser_finish is called):
 *   - apply_patch, the format Codex-family models are trained on: "*** Begin Patch",
 *     "*** Update File: PATH" (optionally "*** Move to: PATH"), "*** Add File: PATH",
 *     "*** Delete File: PATH", hunks of "@@ [context]" then ' ', '-', '+' lines (an empty line
 *     is an empty context line), "*** End of File", "*** End Patch";
 *   - unified diffs: "--- a/PATH", "+++ b/PATH", "@@ -a,b +c,d @@" (counts optional);
 *   - SEARCH/REPLACE blocks: a line naming the path, then "<<<<<<< SEARCH", the old lines,
 *     "=======", the new lines, ">>>>>>> REPLACE".
 *
 * A hunk is a list of lines, each kept (' '), removed ('-') or added ('+'): the old text is
 * the kept and removed lines, the new text the kept and added ones.
 *
 * Hostile input never crashes and never grows memory without bound: a hunk over
 * HUNK_MAX_LINES lines or HUNK_MAX_BYTES bytes, or with a line over HUNK_MAX_LINE bytes, is
 * handed out as an error entry ("hunk too large ...") instead of its lines; malformed headers
 * are read as prose. Ownership: the parser owns what it holds; each ParsedHunk taken belongs
 * to the caller (parsed_hunk_free). Errors: none (tier 2 only); bad hunks are data. */
#ifndef FLINT_SESSION_HUNK_PARSE_H
#define FLINT_SESSION_HUNK_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define HUNK_MAX_LINES 20000
#define HUNK_MAX_BYTES (4u << 20)
#define HUNK_MAX_LINE (64u << 10)
#define HUNK_MAX_PATH 1024

typedef enum HunkFormat {
    HUNK_FORMAT_APPLY_PATCH,
    HUNK_FORMAT_UNIFIED,
    HUNK_FORMAT_SEARCH_REPLACE,
} HunkFormat;

typedef enum HunkKind {
    HUNK_UPDATE,       /* change lines of an existing file */
    HUNK_ADD_FILE,     /* a new file: every line added */
    HUNK_DELETE_FILE,  /* the whole file goes (not applied by flint: shown, reported) */
    HUNK_BAD,          /* could not be read: `error` says why */
} HunkKind;

typedef struct HunkLine {
    char op;      /* ' ' kept, '-' removed, '+' added */
    char *s;      /* owned, NUL-terminated, without the line end */
    size_t len;
} HunkLine;

typedef struct ParsedHunk {
    HunkFormat format;
    HunkKind kind;
    char *path;        /* as the model wrote it ("a/"/"b/" stripped); NULL: not named */
    char *move_to;     /* apply_patch "*** Move to:", or NULL */
    char *anchor;      /* apply_patch "@@ text": a line at or before the hunk, or NULL */
    size_t hint_line;  /* unified "@@ -a": the 1-based first old line; 0 when unknown */
    bool at_eof;       /* "*** End of File": the hunk ends at the end of the file */
    bool no_newline;   /* "\ No newline at end of file" followed the new text */
    HunkLine *lines;
    size_t n_lines;
    char *error;       /* HUNK_BAD: why, one line */
} ParsedHunk;

void parsed_hunk_free(ParsedHunk *h);  /* accepts NULL */
size_t parsed_hunk_old_count(const ParsedHunk *h);  /* kept + removed lines */
size_t parsed_hunk_new_count(const ParsedHunk *h);  /* kept + added lines */

typedef struct HunkParser HunkParser;

HunkParser *hunk_parser_new(void);
void hunk_parser_free(HunkParser *p);  /* accepts NULL */
/* More answer text. Hunks completed by it are queued for hunk_parser_take. */
void hunk_parser_feed(HunkParser *p, const char *s, size_t len);
/* The answer ended: the last line (even without a newline) and an open hunk are completed. */
void hunk_parser_finish(HunkParser *p);
/* The next completed hunk in answer order (the caller frees it), or NULL. */
ParsedHunk *hunk_parser_take(HunkParser *p);

#endif
