/* ModelRows: the transcript as soft-wrapped rows, produced on demand from the source text.
 *
 * Source model. Each transcript entry is a sequence of SEGMENTS, each wrapping into >= 1 rows:
 *
 *     SEP    a blank row before every question but the first (a blank line between turns)
 *     LINE   one logical line of the entry's text ([start, end) bytes, '\n' excluded); a final
 *            '\n' does not open an empty last line
 *     MARK   "[interrupted]" / "[interrupted by network: d]" / "[incomplete: r]" / "[failed: d]"
 *            / "[stalled: d]"
 *            after an answer that did not complete
 *
 * A row is named by a ModelRowPos: its segment and the byte offset where it starts. Positions
 * are in source coordinates, so they survive appends and resizes (after a resize the row is
 * the one containing that byte). The rows of a segment are cut by ui/model_wrap.c (the
 * wrapping rules and their limits on hostile text: a row is O(width) bytes to wrap whatever
 * the model sends); this file decides which rule and width a segment gets. A question's lines
 * wrap MODEL_ROWS_PREFIX_W columns narrower (the view draws "› " or an indent there).
 *
 * Caches. Walking rows wraps one logical line at a time, so it costs O(rows walked); two
 * caches keep that true for hostile shapes of text:
 *   - per entry (EntryScan), an incremental scan of its complete lines (memchr) recording the
 *     offsets of ``` fence lines (so the fence state of any line is a binary search) and where
 *     the last line starts (so finding the tail of a 1 MB answer is O(bytes appended since the
 *     last frame)); scanned only grows, and every fence before it is recorded;
 *   - a few "long line" slots (LongSlot) holding the row breaks of lines longer than LONG_LINE
 *     bytes, keyed by (entry, line start, width) and evicted least recently used. Rows before
 *     final_rows never looked at the line's end when wrapped, so appending cannot change them:
 *     the streaming line resumes wrapping after its last final row, and a 1 MB line with no
 *     '\n' costs O(appended) per frame, not O(line).
 * Both rely on the transcript being append-only; a different Transcript (or one that shrank)
 * must be announced with model_rows_reset. A resize needs nothing: the slots are keyed by
 * width, so it simply re-wraps from the text. Shorter lines are wrapped into a scratch vector
 * that the next call reuses.
 *
 * Markdown. An answer's line is laid out by md_line_layout (ui/markdown_layout.h) with the
 * fence and apply_patch state the scan knows, which picks its ModelWrapMode: prose with its
 * markup hidden (zero columns) and the widths left by its decorations; code between tokens,
 * continuation rows one column narrower for the mark, or one row when it scrolls sideways;
 * fences, rules and aligned tables are one row each. The long-line slots are keyed by that
 * mode too. */
#define _GNU_SOURCE /* memrchr */
#include "ui/model_rows.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "session/answer_blocks.h"
#include "themes/theme.h"
#include "ui/model_wrap.h"

#define LONG_LINE 2048      /* lines longer than this keep their row breaks in a slot */
#define LONG_SLOTS 4

typedef struct LongSlot {
    bool used;
    size_t entry, start;
    int width;
    int mode;        /* how it wrapped (wrap_mode's key) */
    size_t end;      /* segment end when wrapped */
    bool grows;      /* the segment could still grow then */
    ModelRowVec rows;
    size_t final_rows;
    uint64_t stamp;
} LongSlot;

typedef struct EntryScan {
    size_t scanned;  /* complete lines in [0, scanned) were scanned; a line starts here */
    size_t *fence;   /* starts of the fence lines before scanned that open or close a block,
                        ascending (odd count before a line: it is inside a block) */
    size_t nfence, cap;
    AnswerFence open; /* the fence of the block open at scanned (nfence odd) */
    size_t *patch;    /* starts of the "*** Begin Patch" / "*** End Patch" lines before
                         scanned, alternating (odd count before a line: inside a patch) */
    size_t npatch, pcap;
} EntryScan;

struct ModelRows {
    EntryScan *scan;       /* per entry, grown lazily */
    size_t nscan, scan_cap;
    LongSlot slot[LONG_SLOTS];
    uint64_t clock;        /* LRU stamps for the slots */
    ModelRowVec scratch;   /* rows of the last short segment wrapped */
    StrBuf mark;           /* the last mark text */
    uint8_t *attr;         /* Markdown attributes of the last line laid out */
    size_t attr_cap;
    StrBuf think;          /* the last THINK text */
};

ModelRows *model_rows_new(void) { return xcalloc(1, sizeof(ModelRows)); }

void model_rows_reset(ModelRows *m)
{
    for (size_t i = 0; i < m->nscan; i++)
    {
        free(m->scan[i].fence);
        free(m->scan[i].patch);
    }
    free(m->scan);
    m->scan = NULL;
    m->nscan = m->scan_cap = 0;
    for (int i = 0; i < LONG_SLOTS; i++) {
        free(m->slot[i].rows.v);
        m->slot[i] = (LongSlot){0};
    }
}

void model_rows_free(ModelRows *m)
{
    if (!m)
        return;
    model_rows_reset(m);
    free(m->scratch.v);
    free(m->attr);
    sb_free(&m->mark);
    sb_free(&m->think);
    free(m);
}

/* ---- entries and segments ------------------------------------------------------------- */

static const TranscriptEntry *entry_at(const ModelRowsCtx *c, size_t e)
{
    return transcript_entry(c->t, e);
}

static size_t entry_eff_end(const TranscriptEntry *en)
{
    size_t len = en->text.len;
    return len && en->text.data[len - 1] == '\n' ? len - 1 : len;
}

static bool entry_has_sep(const TranscriptEntry *en, size_t e) { return en->kind == ENTRY_USER && e > 0; }

static bool entry_has_think(const TranscriptEntry *en)
{
    return en->kind == ENTRY_ANSWER && en->reasoning.len > 0;
}

static bool entry_has_mark(const TranscriptEntry *en)
{
    return en->kind == ENTRY_ANSWER &&
           (en->state == ENTRY_INTERRUPTED || en->state == ENTRY_NETWORK ||
            en->state == ENTRY_INCOMPLETE || en->state == ENTRY_FAILED ||
            en->state == ENTRY_STALLED);
}

/* Does this line open (outside) or close (inside) an apply_patch envelope? */
static bool patch_toggles(const char *s, size_t n, bool inside)
{
    const char *want = inside ? "*** End Patch" : "*** Begin Patch";
    size_t w = strlen(want);
    if (n < w || n > w + 8) /* a few trailing spaces at most: O(1) on a megabyte line */
        return false;
    while (n > w && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    return n == w && memcmp(s, want, w) == 0;
}

/* Scans the complete lines of entry e up to limit (a line start or the effective end). */
static EntryScan *scan_entry(ModelRowsCtx *c, size_t e, size_t limit)
{
    ModelRows *mr = c->rows;
    if (e >= mr->nscan) {
        size_t n = transcript_count(c->t);
        mr->scan = xgrow(mr->scan, &mr->scan_cap, n, sizeof *mr->scan);
        memset(mr->scan + mr->nscan, 0, (n - mr->nscan) * sizeof *mr->scan);
        mr->nscan = n;
    }
    EntryScan *sc = &mr->scan[e];
    const TranscriptEntry *en = entry_at(c, e);
    const char *s = en->text.data;
    size_t eff = entry_eff_end(en);
    if (limit > eff)
        limit = eff;
    if (sc->scanned > eff) { /* only if the text shrank, which append-only forbids: stay safe */
        sc->scanned = 0;
        sc->nfence = 0;
        sc->npatch = 0;
    }
    while (sc->scanned < limit) {
        const char *nl = memchr(s + sc->scanned, '\n', limit - sc->scanned);
        if (!nl)
            break; /* the last line is not complete yet */
        size_t ls = sc->scanned, le = (size_t)(nl - s);
        bool toggles = (sc->nfence & 1) ? answer_fence_closes(&sc->open, s + ls, le - ls)
                                        : answer_fence_open(s + ls, le - ls, &sc->open);
        if (toggles) {
            sc->fence = xgrow(sc->fence, &sc->cap, sc->nfence + 1, sizeof *sc->fence);
            sc->fence[sc->nfence++] = ls;
        }
        if (patch_toggles(s + ls, le - ls, sc->npatch & 1)) {
            sc->patch = xgrow(sc->patch, &sc->pcap, sc->npatch + 1, sizeof *sc->patch);
            sc->patch[sc->npatch++] = ls;
        }
        sc->scanned = le + 1;
    }
    return sc;
}

/* How many of the ascending offsets v[0, n) are below key (a binary search). */
static size_t count_below(const size_t *v, size_t n, size_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* How many fence lines of entry e start before `start` (scanning up to it). */
static size_t fences_before(ModelRowsCtx *c, size_t e, size_t start, EntryScan **out)
{
    EntryScan *sc = scan_entry(c, e, start);
    *out = sc;
    return count_below(sc->fence, sc->nfence, start);
}

/* Is the line at start (k fences before it) a fence that opens or closes a block? A scanned
 * line is one when it was recorded; the last line, still growing, is judged by the scan's
 * state (the open block's fence, or any opening fence). */
static bool line_is_fence(ModelRowsCtx *c, size_t e, size_t start, size_t end, EntryScan *sc,
                          size_t k)
{
    if (start < sc->scanned)
        return k < sc->nfence && sc->fence[k] == start;
    const char *s = entry_at(c, e)->text.data + start;
    AnswerFence f;
    return (k & 1) ? answer_fence_closes(&sc->open, s, end - start)
                   : answer_fence_open(s, end - start, &f);
}

bool model_rows_code_fence(ModelRowsCtx *c, size_t e, size_t start, size_t end,
                           size_t *fence_start)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->kind != ENTRY_ANSWER)
        return false;
    EntryScan *sc;
    size_t k = fences_before(c, e, start, &sc);
    if (!(k & 1) || line_is_fence(c, e, start, end, sc, k))
        return false;
    *fence_start = sc->fence[k - 1];
    return true;
}

uint16_t model_rows_line_style(ModelRowsCtx *c, size_t e, size_t start, size_t end)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->kind == ENTRY_USER)
        return STYLE_MODEL_USER;
    if (en->kind == ENTRY_NOTE)
        return STYLE_MODEL_NOTE;
    EntryScan *sc;
    size_t k = fences_before(c, e, start, &sc);
    return (k & 1) || line_is_fence(c, e, start, end, sc, k) ? STYLE_MODEL_CODE
                                                              : STYLE_MODEL_TEXT;
}

static bool line_first(ModelRowsCtx *c, size_t e, ModelSeg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->text.len == 0)
        return false;
    size_t eff = entry_eff_end(en);
    const char *nl = memchr(en->text.data, '\n', eff);
    *s = (ModelSeg){e, MODEL_SEG_LINE, 0, nl ? (size_t)(nl - en->text.data) : eff};
    return true;
}

static bool line_last(ModelRowsCtx *c, size_t e, ModelSeg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->text.len == 0)
        return false;
    size_t eff = entry_eff_end(en);
    EntryScan *sc = scan_entry(c, e, eff); /* incremental: finds the last line start cheaply */
    *s = (ModelSeg){e, MODEL_SEG_LINE, sc->scanned, eff};
    return true;
}

static bool line_next(ModelRowsCtx *c, ModelSeg *s)
{
    const TranscriptEntry *en = entry_at(c, s->entry);
    size_t eff = entry_eff_end(en);
    if (s->end >= eff)
        return false;
    size_t st = s->end + 1;
    const char *nl = memchr(en->text.data + st, '\n', eff - st);
    s->start = st;
    s->end = nl ? (size_t)(nl - en->text.data) : eff;
    return true;
}

static bool line_prev(ModelRowsCtx *c, ModelSeg *s)
{
    if (s->start == 0)
        return false;
    const TranscriptEntry *en = entry_at(c, s->entry);
    size_t end = s->start - 1;
    const char *nl = end ? memrchr(en->text.data, '\n', end) : NULL;
    s->start = nl ? (size_t)(nl - en->text.data) + 1 : 0;
    s->end = end;
    return true;
}

static bool seg_first(ModelRowsCtx *c, size_t e, ModelSeg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (entry_has_sep(en, e)) {
        *s = (ModelSeg){e, MODEL_SEG_SEP, 0, 0};
        return true;
    }
    if (entry_has_think(en)) {
        *s = (ModelSeg){e, MODEL_SEG_THINK, 0, 0};
        return true;
    }
    if (line_first(c, e, s))
        return true;
    if (entry_has_mark(en)) {
        *s = (ModelSeg){e, MODEL_SEG_MARK, 0, 0};
        return true;
    }
    return false;
}

static bool seg_last(ModelRowsCtx *c, size_t e, ModelSeg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (entry_has_mark(en)) {
        *s = (ModelSeg){e, MODEL_SEG_MARK, 0, 0};
        return true;
    }
    if (line_last(c, e, s))
        return true;
    if (entry_has_think(en)) {
        *s = (ModelSeg){e, MODEL_SEG_THINK, 0, 0};
        return true;
    }
    if (entry_has_sep(en, e)) {
        *s = (ModelSeg){e, MODEL_SEG_SEP, 0, 0};
        return true;
    }
    return false;
}

bool model_rows_seg_next(ModelRowsCtx *c, ModelSeg *s)
{
    size_t e = s->entry;
    const TranscriptEntry *en = entry_at(c, e);
    if (s->kind == MODEL_SEG_SEP && entry_has_think(en)) {
        *s = (ModelSeg){e, MODEL_SEG_THINK, 0, 0};
        return true;
    }
    if (s->kind == MODEL_SEG_SEP || s->kind == MODEL_SEG_THINK) {
        if (line_first(c, e, s))
            return true;
        if (entry_has_mark(en)) {
            *s = (ModelSeg){e, MODEL_SEG_MARK, 0, 0};
            return true;
        }
    } else if (s->kind == MODEL_SEG_LINE) {
        if (line_next(c, s))
            return true;
        if (entry_has_mark(en)) {
            *s = (ModelSeg){e, MODEL_SEG_MARK, 0, 0};
            return true;
        }
    }
    size_t n = transcript_count(c->t);
    for (size_t i = e + 1; i < n; i++)
        if (seg_first(c, i, s))
            return true;
    return false;
}

bool model_rows_seg_prev(ModelRowsCtx *c, ModelSeg *s)
{
    size_t e = s->entry;
    const TranscriptEntry *en = entry_at(c, e);
    if (s->kind == MODEL_SEG_MARK && line_last(c, e, s))
        return true;
    if (s->kind == MODEL_SEG_LINE && line_prev(c, s))
        return true;
    if ((s->kind == MODEL_SEG_MARK || s->kind == MODEL_SEG_LINE) && entry_has_think(en)) {
        *s = (ModelSeg){e, MODEL_SEG_THINK, 0, 0};
        return true;
    }
    if (s->kind != MODEL_SEG_SEP && entry_has_sep(en, e)) {
        *s = (ModelSeg){e, MODEL_SEG_SEP, 0, 0};
        return true;
    }
    for (size_t i = e; i-- > 0;)
        if (seg_last(c, i, s))
            return true;
    return false;
}

/* Rebuilds a segment's end from the text (a line may have grown since the ModelSeg was taken). */
void model_rows_seg_refresh(ModelRowsCtx *c, ModelSeg *s)
{
    if (s->kind != MODEL_SEG_LINE)
        return;
    const TranscriptEntry *en = entry_at(c, s->entry);
    size_t eff = entry_eff_end(en);
    if (s->start > eff) { /* cannot happen with an append-only transcript; stay safe */
        s->start = s->end = eff;
        return;
    }
    const char *nl = memchr(en->text.data + s->start, '\n', eff - s->start);
    s->end = nl ? (size_t)(nl - en->text.data) : eff;
}

/* The mark text of an answer that did not complete, into the ModelRows' mark buffer. */
const char *model_rows_mark_text(ModelRowsCtx *c, size_t e, size_t *len)
{
    const TranscriptEntry *en = entry_at(c, e);
    StrBuf *m = &c->rows->mark;
    sb_reset(m);
    const char *what = en->state == ENTRY_INTERRUPTED ? "interrupted"
                       : en->state == ENTRY_NETWORK   ? "interrupted by network"
                       : en->state == ENTRY_INCOMPLETE ? "incomplete"
                       : en->state == ENTRY_STALLED    ? "stalled"
                                                       : "failed";
    sb_putc(m, '[');
    sb_puts(m, what);
    if (en->detail && *en->detail && en->state != ENTRY_INTERRUPTED) {
        sb_puts(m, ": ");
        sb_puts(m, en->detail);
    }
    sb_putc(m, ']');
    *len = m->len;
    return sb_cstr(m);
}

#define THINK_SHOWN_MAX (16u << 10)

const char *model_rows_think_text(ModelRowsCtx *c, size_t e, size_t *len)
{
    const TranscriptEntry *en = entry_at(c, e);
    StrBuf *m = &c->rows->think;
    sb_reset(m);
    if (!c->show_reasoning) {
        sb_printf(m, "\xe2\x96\xb8 %s %zu token%s", en->state == ENTRY_OPEN ? "thinking\xe2\x80\xa6"
                                                                       : "thought:",
                  en->reasoning_deltas, en->reasoning_deltas == 1 ? "" : "s");
    } else {
        sb_puts(m, "\xe2\x96\xbe ");
        size_t n = en->reasoning.len;
        bool cut = n > THINK_SHOWN_MAX;
        if (cut) /* back to a character boundary */
            for (n = THINK_SHOWN_MAX; n > 0 && ((unsigned char)en->reasoning.data[n] & 0xc0) == 0x80;)
                n--;
        for (size_t i = 0; i < n; i++) {
            char ch = en->reasoning.data[i];
            sb_putc(m, ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch);
        }
        if (cut)
            sb_puts(m, " \xe2\x80\xa6");
    }
    *len = m->len;
    return sb_cstr(m);
}

/* The bytes a segment wraps: base[a, b). grows: a streaming line that may get longer. */
static const char *seg_bytes(ModelRowsCtx *c, ModelSeg s, size_t *a, size_t *b, bool *grows)
{
    *grows = false;
    if (s.kind == MODEL_SEG_SEP) {
        *a = *b = 0;
        return "";
    }
    if (s.kind == MODEL_SEG_MARK) {
        *a = 0;
        return model_rows_mark_text(c, s.entry, b);
    }
    if (s.kind == MODEL_SEG_THINK) {
        *a = 0;
        return model_rows_think_text(c, s.entry, b);
    }
    const TranscriptEntry *en = entry_at(c, s.entry);
    *a = s.start;
    *b = s.end;
    *grows = en->state == ENTRY_OPEN && s.end == en->text.len;
    return en->text.data;
}

static int seg_width(ModelRowsCtx *c, ModelSeg s)
{
    if (s.kind == MODEL_SEG_LINE && entry_at(c, s.entry)->kind == ENTRY_USER)
        return c->width > MODEL_ROWS_PREFIX_W + 1 ? c->width - MODEL_ROWS_PREFIX_W : 1;
    return c->width > 0 ? c->width : 1;
}

/* The layout of answer line [start, end) of entry e (into the attribute scratch). */
static void md_of(ModelRowsCtx *c, size_t e, size_t start, size_t end, MdLine *out)
{
    ModelRows *mr = c->rows;
    const TranscriptEntry *en = entry_at(c, e);
    MdLineIn in = {en->text.data, en->text.len, start, end, false, false,
                  false, NULL, 0, c->width};
    EntryScan *sc;
    size_t k = fences_before(c, e, start, &sc);
    size_t lo = count_below(sc->patch, sc->npatch, start + 1); /* toggles before or on it */
    in.patch = (lo & 1) || (lo > 0 && sc->patch[lo - 1] == start) ||
               (start >= sc->scanned && patch_toggles(en->text.data + start, end - start, false));
    if (line_is_fence(c, e, start, end, sc, k)) {
        in.fence = true;
    } else if (k & 1) {
        in.code = true;
        size_t fs = sc->fence[k - 1];
        const char *f = en->text.data + fs, *fe = memchr(f, '\n', en->text.len - fs);
        size_t fl = fe ? (size_t)(fe - f) : en->text.len - fs, i = 0;
        while (i < fl && (f[i] == ' ' || f[i] == '`' || f[i] == '~'))
            i++;
        size_t j = i;
        while (j < fl && f[j] != ' ' && f[j] != '{' && f[j] != ',')
            j++;
        in.lang = f + i;
        in.lang_len = j - i;
    }
    size_t n = end - start;
    if (n > MD_LINE_MAX && !in.code && !in.fence) {
        md_line_layout(&in, NULL, out);
        return;
    }
    if (mr->attr_cap < n + 1) {
        mr->attr = xrealloc(mr->attr, n + 1);
        mr->attr_cap = n + 1;
    }
    md_line_layout(&in, mr->attr, out);
}

void model_rows_md_line(ModelRowsCtx *c, size_t e, size_t start, size_t end, MdLine *out)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->kind != ENTRY_ANSWER || end > en->text.len || start > end) {
        memset(out, 0, sizeof *out);
        out->kind = MDL_RAW;
        out->style = en->kind == ENTRY_USER ? STYLE_MODEL_USER
                     : en->kind == ENTRY_NOTE ? STYLE_MODEL_NOTE
                                              : STYLE_MODEL_TEXT;
        return;
    }
    md_of(c, e, start, end, out);
}

static ModelWrapMode wrap_mode(ModelRowsCtx *c, ModelSeg s, int width, int *key)
{
    ModelWrapMode m = {MODEL_WRAP_PROSE, width, width, NULL, 0};
    *key = 0;
    if (s.kind != MODEL_SEG_LINE || entry_at(c, s.entry)->kind != ENTRY_ANSWER)
        return m;
    MdLine ml;
    md_of(c, s.entry, s.start, s.end, &ml);
    switch (ml.kind) {
    case MDL_CODE:
        if (c->code_scroll) {
            m.how = MODEL_WRAP_NONE;
            *key = 2;
        } else {
            m.how = MODEL_WRAP_CODE;
            m.w_cont = width - 1; /* the continuation mark */
            *key = 1;
        }
        break;
    case MDL_FENCE:
    case MDL_HR:
    case MDL_TABLE:
        m.how = MODEL_WRAP_NONE;
        *key = 3;
        break;
    case MDL_PROSE:
        m.w_first = width - ml.deco_w;
        m.w_cont = width - ml.cont_w;
        m.attr = ml.attr;
        m.a0 = s.start;
        break;
    default:
        break;
    }
    return m;
}

/* The rows of a segment. The result is valid until the next model_rows_of call. */
const ModelRowSpan *model_rows_of(ModelRowsCtx *c, ModelSeg s, size_t *count)
{
    ModelRows *mr = c->rows;
    size_t a, b;
    bool grows;
    const char *base = seg_bytes(c, s, &a, &b, &grows);
    int width = seg_width(c, s), key;
    ModelWrapMode mode = wrap_mode(c, s, width, &key);
    if (s.kind != MODEL_SEG_LINE || b - a <= LONG_LINE || mode.how == MODEL_WRAP_NONE) {
        mr->scratch.n = 0;
        model_wrap_rows(&mr->scratch, base, a, a, b, &mode);
        *count = mr->scratch.n;
        return mr->scratch.v;
    }
    LongSlot *sl = NULL, *victim = &mr->slot[0];
    for (int i = 0; i < LONG_SLOTS; i++) {
        LongSlot *x = &mr->slot[i];
        if (x->used && x->entry == s.entry && x->start == a && x->width == width &&
            x->mode == key) {
            sl = x;
            break;
        }
        if (!x->used || (victim->used && x->stamp < victim->stamp))
            victim = x;
    }
    if (sl && (b < sl->end || (b == sl->end && grows == sl->grows))) {
        if (b == sl->end) {
            sl->stamp = ++mr->clock;
            *count = sl->rows.n;
            return sl->rows.v;
        }
        sl = NULL; /* shrank: cannot happen append-only; rebuild */
    }
    if (!sl) {
        sl = victim;
        sl->used = true;
        sl->entry = s.entry;
        sl->start = a;
        sl->width = width;
        sl->mode = key;
        sl->rows.n = 0;
        sl->final_rows = 0;
    }
    /* Rows before final_rows never looked at the old end: they stand. Resume after them. */
    sl->rows.n = sl->final_rows;
    size_t p = sl->final_rows ? sl->rows.v[sl->final_rows - 1].next : a;
    model_wrap_rows(&sl->rows, base, a, p, b, &mode);
    size_t f = 0;
    while (f < sl->rows.n && !(grows && sl->rows.v[f].touched))
        f++;
    sl->final_rows = f;
    sl->end = b;
    sl->grows = grows;
    sl->stamp = ++mr->clock;
    *count = sl->rows.n;
    return sl->rows.v;
}

size_t model_rows_index(const ModelRowSpan *rows, size_t n, size_t off)
{
    size_t lo = 0, hi = n; /* largest k with rows[k].start <= off */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].start <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- moving between rows -------------------------------------------------------------- */

bool model_rows_tail(ModelRowsCtx *c, ModelRowPos *out)
{
    size_t n = transcript_count(c->t);
    for (size_t e = n; e-- > 0;) {
        ModelSeg s;
        if (seg_last(c, e, &s)) {
            size_t cnt;
            const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
            *out = (ModelRowPos){s, rows[cnt - 1].start};
            return true;
        }
    }
    return false;
}

bool model_rows_head(ModelRowsCtx *c, ModelRowPos *out)
{
    size_t n = transcript_count(c->t);
    for (size_t e = 0; e < n; e++) {
        ModelSeg s;
        if (seg_first(c, e, &s)) {
            size_t cnt;
            const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
            *out = (ModelRowPos){s, rows[0].start};
            return true;
        }
    }
    return false;
}

bool model_rows_locate(ModelRowsCtx *c, size_t e, size_t off, ModelRowPos *out)
{
    if (e >= transcript_count(c->t))
        return false;
    const TranscriptEntry *en = entry_at(c, e);
    ModelSeg s;
    if (en->text.len == 0) {
        if (!seg_first(c, e, &s))
            return false;
        off = 0;
    } else {
        size_t eff = entry_eff_end(en);
        if (off > eff)
            off = eff;
        const char *d = en->text.data;
        const char *nl = off ? memrchr(d, '\n', off) : NULL;
        size_t ls = nl ? (size_t)(nl - d) + 1 : 0;
        const char *ne = memchr(d + off, '\n', eff - off);
        s = (ModelSeg){e, MODEL_SEG_LINE, ls, ne ? (size_t)(ne - d) : eff};
    }
    size_t cnt;
    const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
    *out = (ModelRowPos){s, rows[model_rows_index(rows, cnt, off)].start};
    return true;
}

/* Moves pos back by up to n rows; returns how many. */
size_t model_rows_back(ModelRowsCtx *c, ModelRowPos *pos, size_t n)
{
    size_t moved = 0;
    ModelSeg s = pos->seg;
    model_rows_seg_refresh(c, &s);
    size_t cnt;
    const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
    size_t k = model_rows_index(rows, cnt, pos->off);
    while (moved < n) {
        if (k > 0) {
            size_t step = n - moved < k ? n - moved : k;
            k -= step;
            moved += step;
            continue;
        }
        ModelSeg p = s;
        if (!model_rows_seg_prev(c, &p))
            break;
        s = p;
        rows = model_rows_of(c, s, &cnt);
        k = cnt - 1;
        moved++;
    }
    *pos = (ModelRowPos){s, rows[k].start};
    return moved;
}

size_t model_rows_fwd(ModelRowsCtx *c, ModelRowPos *pos, size_t n)
{
    size_t moved = 0;
    ModelSeg s = pos->seg;
    model_rows_seg_refresh(c, &s);
    size_t cnt;
    const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
    size_t k = model_rows_index(rows, cnt, pos->off);
    while (moved < n) {
        if (k + 1 < cnt) {
            size_t step = n - moved < cnt - 1 - k ? n - moved : cnt - 1 - k;
            k += step;
            moved += step;
            continue;
        }
        ModelSeg p = s;
        if (!model_rows_seg_next(c, &p))
            break;
        s = p;
        rows = model_rows_of(c, s, &cnt);
        k = 0;
        moved++;
    }
    *pos = (ModelRowPos){s, rows[k].start};
    return moved;
}
