/* SyntaxView: see syntax_view.h.
 *
 * Editor state: the Buffer followed (identity), a copy of its path (a save-as re-detects),
 * its language and Highlighter, and this frame's budget. `pending` is set when the layer met
 * a visible line it could not afford (drawn with a guessed state); begin_frame clears it.
 * guess_*: the end state of the line drawn last this frame, so consecutive guessed lines
 * cost one scan each, not a new guess each.
 *
 * Code blocks: CodeBlock slots keyed by (key, entry, fence_start), each with the start offsets
 * and start states of the block's lines seen so far, ascending; a line further down is
 * reached by scanning forward from the last one known (each line of a block is scanned once
 * while the slot lives). Slots are evicted least recently used. A slot whose fence line no
 * longer reads the same (a transcript that was replaced at the same address) is rebuilt. */
#include "ui/syntax_view.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "session/highlight.h"
#include "themes/theme.h"

#define CODE_SLOTS 8
#define DETECT_LINES 5 /* modelines are looked for in this many first and last lines */

typedef struct CodeBlock {
    bool used;
    const void *key;
    size_t entry, fence_start;
    char tag[32];
    const Syntax *sy;
    size_t *start;      /* line starts, ascending */
    uint16_t *state;    /* their start states */
    size_t n, cap, cap2;
    uint64_t stamp;
} CodeBlock;

struct SyntaxView {
    SyntaxSet *set;
    const Buffer *buf;
    char *path;
    const Syntax *lang;
    Highlighter *hl;
    size_t budget;
    bool pending;
    bool guess_valid;   /* this frame: guess_state is the provisional start of guess_line */
    size_t guess_line;
    unsigned guess_state;
    SyntaxTokens tokens;
    CodeBlock code[CODE_SLOTS];
    uint64_t clock;
};

static unsigned step(const void *lang, unsigned state, const char *s, size_t len)
{
    return syntax_line(lang, state, s, len, NULL);
}

SyntaxView *syntax_view_new(void) { return xcalloc(1, sizeof(SyntaxView)); }

static void forget_code(SyntaxView *sv)
{
    for (int i = 0; i < CODE_SLOTS; i++) {
        free(sv->code[i].start);
        free(sv->code[i].state);
        sv->code[i] = (CodeBlock){0};
    }
}

static void forget_buffer(SyntaxView *sv)
{
    highlighter_free(sv->hl);
    sv->hl = NULL;
    free(sv->path);
    sv->path = NULL;
    sv->buf = NULL;
    sv->lang = NULL;
}

void syntax_view_forget(SyntaxView *sv, const Buffer *b)
{
    if (sv->buf == b)
        forget_buffer(sv);
}

void syntax_view_free(SyntaxView *sv)
{
    if (!sv)
        return;
    forget_buffer(sv);
    forget_code(sv);
    syntax_tokens_free(&sv->tokens);
    syntax_set_free(sv->set);
    free(sv);
}

void syntax_view_set_languages(SyntaxView *sv, SyntaxSet *set)
{
    forget_buffer(sv);
    forget_code(sv);
    syntax_set_free(sv->set);
    sv->set = set;
}

const SyntaxSet *syntax_view_languages(const SyntaxView *sv) { return sv->set; }
const Syntax *syntax_view_language(const SyntaxView *sv) { return sv->lang; }
bool syntax_view_pending(const SyntaxView *sv) { return sv->pending; }

static bool same_path(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void follow(SyntaxView *sv, const Buffer *b)
{
    const char *path = buffer_path(b);
    if (sv->buf == b && same_path(sv->path, path))
        return;
    forget_buffer(sv);
    sv->buf = b;
    sv->path = path ? xstrdup(path) : NULL;
    const Text *t = buffer_text(b);
    size_t nl = text_line_count(t), n = 0;
    const char *lines[2 * DETECT_LINES];
    size_t lens[2 * DETECT_LINES];
    for (size_t i = 0; i < nl && i < DETECT_LINES; i++, n++)
        lines[n] = text_line(t, i, &lens[n]);
    for (size_t i = nl > 2 * DETECT_LINES ? nl - DETECT_LINES : DETECT_LINES; i < nl; i++, n++)
        lines[n] = text_line(t, i, &lens[n]);
    sv->lang = syntax_set_detect(sv->set, path, lines, lens, n);
    if (sv->lang)
        sv->hl = highlighter_new(step, sv->lang);
}

void syntax_view_begin_frame(SyntaxView *sv, const Buffer *b)
{
    sv->pending = false;
    sv->guess_valid = false;
    sv->budget = SYNTAX_VIEW_FRAME_BUDGET;
    follow(sv, b);
    if (sv->hl)
        highlighter_sync(sv->hl, buffer_text(b));
}

uint16_t syntax_view_style(SyntaxClass c)
{
    /* STYLE_SYN_* follow SyntaxClass's order (themes/theme.h says so). */
    _Static_assert(STYLE_SYN_HUNK - STYLE_SYN_KEYWORD == SYN_HUNK - SYN_KEYWORD,
                   "syntax slots and classes in the same order");
    if (c <= SYN_NONE || c >= SYN__COUNT)
        return STYLE_TEXT;
    return (uint16_t)(STYLE_SYN_KEYWORD + (c - SYN_KEYWORD));
}

/* A token's end on a character boundary: byte-oriented regexes may stop inside a UTF-8
 * sequence, and spans must not (editor_view.h). */
static size_t char_end(const char *s, size_t len, size_t e)
{
    while (e < len && ((unsigned char)s[e] & 0xC0) == 0x80)
        e++;
    return e;
}

void syntax_view_decorate(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                          EditorSpans *out)
{
    SyntaxView *sv = ud;
    if (!sv->hl || sv->buf != b)
        return;
    unsigned state;
    if (!highlighter_state(sv->hl, buffer_text(b), line, &sv->budget, &state)) {
        sv->pending = true; /* a guess this frame; the exact states arrive over the next ones */
        if (!sv->guess_valid || sv->guess_line != line) {
            const Text *t = buffer_text(b);
            size_t i = line > SYNTAX_VIEW_GUESS_LINES ? line - SYNTAX_VIEW_GUESS_LINES : 0;
            sv->guess_state = 0;
            for (; i < line; i++) {
                size_t ll;
                const char *ls = text_line(t, i, &ll);
                sv->guess_state = syntax_line(sv->lang, sv->guess_state, ls, ll, NULL);
            }
        }
        state = sv->guess_state;
    }
    sv->tokens.n = 0;
    unsigned end = syntax_line(sv->lang, state, s, len, &sv->tokens);
    sv->guess_valid = true; /* the visible lines come in order: the next one starts here */
    sv->guess_line = line + 1;
    sv->guess_state = end;
    size_t prev_end = 0;
    for (size_t i = 0; i < sv->tokens.n; i++) {
        const SyntaxToken *tk = &sv->tokens.v[i];
        size_t st = tk->start < prev_end ? prev_end : tk->start;
        size_t en = char_end(s, len, tk->end);
        if (st < en)
            editor_spans_add(out, st, en, syntax_view_style((SyntaxClass)tk->cls));
        prev_end = en;
    }
}

/* --- code blocks in the answer pane -------------------------------------------------------- */

/* The fence's language tag: "```c", "``` python title", "```{.rust}" -> c, python, rust. */
static size_t fence_tag(const char *s, size_t len, const char **tag)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (i < len && (s[i] == '`' || s[i] == '~')) /* ``` or ~~~ (session/answer_blocks.h) */
        i++;
    while (i < len && (s[i] == ' ' || s[i] == '{' || s[i] == '.'))
        i++;
    size_t st = i;
    while (i < len && s[i] != ' ' && s[i] != '}' && s[i] != ',' && s[i] != '\t')
        i++;
    *tag = s + st;
    return i - st;
}

static CodeBlock *code_block(SyntaxView *sv, const void *key, size_t entry, const char *text,
                             size_t text_len, size_t fence_start)
{
    const char *fl = text + fence_start;
    const char *nl = memchr(fl, '\n', text_len - fence_start);
    size_t flen = nl ? (size_t)(nl - fl) : text_len - fence_start;
    const char *tag;
    size_t tl = fence_tag(fl, flen, &tag);
    CodeBlock *victim = &sv->code[0];
    for (int i = 0; i < CODE_SLOTS; i++) {
        CodeBlock *c = &sv->code[i];
        if (c->used && c->key == key && c->entry == entry && c->fence_start == fence_start &&
            strlen(c->tag) == tl && memcmp(c->tag, tag, tl) == 0) {
            c->stamp = ++sv->clock;
            return c;
        }
        if (!c->used || (victim->used && c->stamp < victim->stamp))
            victim = c;
    }
    const Syntax *sy = tl < sizeof victim->tag ? syntax_set_find(sv->set, tag, tl) : NULL;
    if (!sy)
        return NULL;
    victim->used = true;
    victim->key = key;
    victim->entry = entry;
    victim->fence_start = fence_start;
    memcpy(victim->tag, tag, tl);
    victim->tag[tl] = '\0';
    victim->sy = sy;
    victim->n = 0;
    victim->stamp = ++sv->clock;
    if (nl) { /* the first code line starts after the fence line, in state 0 */
        victim->start = xgrow(victim->start, &victim->cap, 1, sizeof *victim->start);
        victim->state = xgrow(victim->state, &victim->cap2, 1, sizeof *victim->state);
        victim->start[0] = (size_t)(nl - text) + 1;
        victim->state[0] = 0;
        victim->n = 1;
    }
    return victim;
}

const SyntaxTokens *syntax_view_code_line(SyntaxView *sv, const void *key, size_t entry,
                                          const char *text, size_t text_len, size_t fence_start,
                                          size_t line_start, size_t line_end)
{
    if (!sv->set || line_end - line_start > SYNTAX_VIEW_CODE_LINE_MAX || line_end > text_len ||
        fence_start >= line_start)
        return NULL;
    CodeBlock *c = code_block(sv, key, entry, text, text_len, fence_start);
    if (!c || c->n == 0 || line_start < c->start[0])
        return NULL;
    /* Scan forward to the line from the last one known (complete lines only: every line
     * before line_start ends with a '\n'). */
    while (c->start[c->n - 1] < line_start) {
        size_t ls = c->start[c->n - 1];
        const char *nl = memchr(text + ls, '\n', line_start - ls);
        if (!nl)
            return NULL; /* line_start is not a line start of this block */
        size_t le = (size_t)(nl - text);
        unsigned st = syntax_line(c->sy, c->state[c->n - 1], text + ls, le - ls, NULL);
        c->start = xgrow(c->start, &c->cap, c->n + 1, sizeof *c->start);
        c->state = xgrow(c->state, &c->cap2, c->n + 1, sizeof *c->state);
        c->start[c->n] = le + 1;
        c->state[c->n] = (uint16_t)st;
        c->n++;
    }
    size_t lo = 0, hi = c->n; /* the line's index: start[k] == line_start */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->start[mid] < line_start)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == c->n || c->start[lo] != line_start)
        return NULL;
    sv->tokens.n = 0;
    syntax_line(c->sy, c->state[lo], text + line_start, line_end - line_start, &sv->tokens);
    return &sv->tokens;
}
