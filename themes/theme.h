/* Theme: colours and attributes for every UI slot, with 256/16-colour fallbacks.
 *
 * Color is default (the terminal's own), one of the 16 ANSI colours, a 256-palette index, or
 * #rrggbb; color_to_256 / color_to_16 pick the nearest for terminals with fewer colours.
 * Theme files are plain text, one slot per line:
 *
 *     # comment
 *     name    = midnight
 *     status  = fg:#d0d0d0 bg:236 bold
 *     divider = fg:8
 *
 * colours: default, black red green yellow blue magenta cyan white, bright-<name>, 0-255,
 * #rrggbb; attributes: bold dim italic underline reverse. Unknown slots or words are errors
 * with file:line. Parsing works on a copy and commits only on success. */
#ifndef FLINT_THEMES_THEME_H
#define FLINT_THEMES_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum ColorKind { COLOR_DEFAULT, COLOR_ANSI16, COLOR_INDEX256, COLOR_RGB } ColorKind;

typedef struct Color {
    uint8_t kind;  /* ColorKind */
    uint8_t index; /* ANSI16: 0-15, INDEX256: 0-255 */
    uint8_t r, g, b;
} Color;

enum {
    ATTR_BOLD = 1u << 0,
    ATTR_DIM = 1u << 1,
    ATTR_ITALIC = 1u << 2,
    ATTR_UNDERLINE = 1u << 3,
    ATTR_REVERSE = 1u << 4,
};

typedef struct Style {
    Color fg, bg;
    uint8_t attrs;
} Style;

/* Every place the UI draws with a style. Grid cells store these slot numbers. */
typedef enum StyleSlot {
    STYLE_TEXT,             /* editor text */
    STYLE_GUTTER,           /* line numbers */
    STYLE_GUTTER_CURRENT,   /* the cursor line's number */
    STYLE_CONTROL,          /* escaped control characters and invalid bytes (^[ <ff>) */
    STYLE_DIVIDER,          /* the line between the panes */
    STYLE_PANE_TITLE,       /* pane headers */
    STYLE_MODEL_TEXT,       /* the model's answer */
    STYLE_MODEL_USER,       /* the user's question in the transcript */
    STYLE_MODEL_NOTE,       /* flint's notes in the transcript */
    STYLE_MODEL_ERROR,      /* failures and [interrupted] marks */
    STYLE_MODEL_CODE,       /* lines inside ``` fences */
    STYLE_MODEL_THINKING,   /* an answer's reasoning (its collapsed "thinking" row) */
    STYLE_STATUS,           /* the status line */
    STYLE_STATUS_ACCENT,    /* highlighted parts of it (model, link up) */
    STYLE_STATUS_WARN,      /* link down, errors */
    STYLE_PROMPT,           /* the ask prompt line */
    STYLE_PROMPT_LABEL,
    /* search (ui/search_view.c) */
    STYLE_MATCH,            /* every visible match of the search */
    STYLE_MATCH_CURRENT,    /* the match the caret is on */
    /* Syntax token classes (themes/syntax.h, in SyntaxClass order; "syntax-NAME" in theme
     * files). Kept as one block after the UI slots so other new slots merge cleanly above. */
    STYLE_SYN_KEYWORD,
    STYLE_SYN_TYPE,
    STYLE_SYN_STRING,
    STYLE_SYN_COMMENT,
    STYLE_SYN_NUMBER,
    STYLE_SYN_PREPROC,
    STYLE_SYN_FUNCTION,
    STYLE_SYN_OPERATOR,
    STYLE_SYN_CONSTANT,
    STYLE_SYN_ESCAPE,
    STYLE_SYN_VARIABLE,
    STYLE_SYN_KEY,
    STYLE_SYN_HEADING,
    STYLE_SYN_EMPHASIS,
    STYLE_SYN_LINK,
    STYLE_SYN_ADDED,
    STYLE_SYN_REMOVED,
    STYLE_SYN_HUNK,
    /* the selection (ui/select_view.c) */
    STYLE_SELECTION,
    /* the model's proposed edits, inline in the editor (app/hunks_app.c) */
    STYLE_DIFF_ADD,         /* a line a hunk adds (shown, not yet in the buffer) */
    STYLE_DIFF_REMOVE,      /* a line a hunk removes */
    STYLE_HUNK_STALE,       /* the region of a hunk that no longer applies, and its reason */
    /* Markdown in the answer pane (ui/markdown_paint.c) */
    STYLE_MD_HEADING,       /* # headings */
    STYLE_MD_STRONG,        /* **bold** */
    STYLE_MD_EMPH,          /* *italic* */
    STYLE_MD_CODE,          /* `inline code` */
    STYLE_MD_QUOTE,         /* > block quotes (text and bar) */
    STYLE_MD_LINK,          /* a link's text */
    STYLE_MD_URL,           /* a link's (url), shown after its text */
    STYLE_MD_TABLE,         /* table borders and the header row */
    STYLE_MD_MARK,          /* list bullets and numbers, rules, the code continuation mark */
    STYLE__COUNT
} StyleSlot;

typedef struct Theme {
    char name[64];
    Style slot[STYLE__COUNT];
} Theme;

void theme_default(Theme *out);
const char *theme_slot_name(StyleSlot slot);
/* Parses theme text over a copy of *theme (so unspecified slots keep their values). */
bool theme_parse(Theme *theme, const char *text, size_t len, const char *filename, ErrorBuf *err);
bool theme_load_file(Theme *theme, const char *path, ErrorBuf *err);

bool color_parse(const char *word, size_t len, Color *out);
uint8_t color_to_256(Color c);  /* nearest 256-palette index (ANSI16 maps to 0-15) */
uint8_t color_to_16(Color c);   /* nearest of the 16 ANSI colours */
/* The colour's RGB value: #rrggbb as is, ANSI and 256-palette colours as in xterm's default
 * palette (for direct-colour terminals that take palette indexes only as RGB). COLOR_DEFAULT
 * has no value (callers map it themselves): black. */
void color_rgb(Color c, uint8_t rgb[3]);

#endif
