/* ModelView: the transcript, wrapped to the pane, composed from the tail backwards.
 *
 * Source model. Each transcript entry is a sequence of SEGMENTS, each wrapping into >= 1 rows:
 *
 *     SEP    a blank row before every question but the first (a blank line between turns)
 *     LINE   one logical line of the entry's text ([start, end) bytes, '\n' excluded); a final
 *            '\n' does not open an empty last line
 *     MARK   "[interrupted]" / "[interrupted by network: d]" / "[incomplete: r]" / "[failed: d]"
 *            after an answer that did not complete
 *
 * A row is named by a RowPos: its segment and the byte offset where it starts. Positions are
 * in source coordinates, so they survive appends and resizes (after a resize the row is the
 * one containing that byte). Wrapping (wrap_row) is greedy and depends only on the row's start
 * and the width: break at the last space when the next word fits on a row of its own, else
 * hard-wrap; a wide character or an escape (<U+202E>) is never split; combining marks never
 * start a row of their own. Widths come from grid_cp_width, i.e. exactly what grid_put_text
 * draws.
 *
 * Cost. A frame walks back from the bottom row (the tail, or the anchor when scrolled back),
 * wrapping one logical line at a time, until the pane is full: O(visible text). Three caches
 * keep that true for hostile shapes of text:
 *   - per entry, an incremental scan of its complete lines (memchr) recording the offsets of
 *     ``` fence lines (so the fence state of any line is a binary search) and where the last
 *     line starts (so finding the tail of a 1 MB answer is O(bytes appended since last frame));
 *   - a few "long line" slots holding the row breaks of lines longer than LONG_LINE bytes;
 *     the streaming line resumes wrapping at its last final row, so a 1 MB line with no '\n'
 *     costs O(appended) per frame, not O(line);
 *   - while scrolled back, the count of rows below the anchor ("↓ N more") is kept up to date
 *     by walking only the rows appended since the last frame (cnt_last is the last row known
 *     to be final; rows before it can never change, since the transcript is append-only).
 * The long-line slots are keyed by width and the below-count is reset on a width change, so a
 * resize simply re-wraps from the text. A different Transcript (or one that shrank) resets
 * everything. The pane (model_view_draw) adds a title row and a one-column left margin. */
#define _GNU_SOURCE /* memrchr */
#include "ui/model_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "themes/theme.h"

#define LONG_LINE 2048      /* lines longer than this keep their row breaks in a slot */
#define LONG_SLOTS 4
#define MODEL_TAB_WIDTH 4
#define USER_PREFIX_W 2     /* "› " */

enum { SEG_SEP, SEG_LINE, SEG_MARK };

typedef struct Seg {
    size_t entry;
    int kind;
    size_t start, end; /* LINE: bytes of the entry's text; MARK/SEP: 0, 0 */
} Seg;

typedef struct RowPos {
    Seg seg;
    size_t off; /* where the row starts (entry text for LINE, mark text for MARK, 0 for SEP) */
} RowPos;

typedef struct RowSpan {
    size_t start, end; /* drawn bytes */
    size_t next;       /* where the next row starts (breaking spaces skipped) */
    bool touched;      /* looked at the segment's last byte: may change if the line grows */
} RowSpan;

typedef struct RowVec {
    RowSpan *v;
    size_t n, cap;
} RowVec;

typedef struct LongSlot {
    bool used;
    size_t entry, start;
    int width;
    size_t end;      /* segment end when wrapped */
    bool grows;      /* the segment could still grow then */
    RowVec rows;
    size_t final_rows;
    uint64_t stamp;
} LongSlot;

typedef struct EntryScan {
    size_t scanned;  /* complete lines in [0, scanned) were scanned; a line starts here */
    size_t *fence;   /* starts of ``` lines before scanned, ascending */
    size_t nfence, cap;
} EntryScan;

typedef struct RowDesc {
    size_t entry;
    int kind;
    size_t start, end;
    uint16_t style;
    uint8_t prefix; /* 0 none, 1 "› ", 2 indent */
} RowDesc;

struct ModelView {
    const Transcript *tr;
    size_t tr_count;
    bool follow;
    long pending;          /* scroll requests not yet applied */
    RowPos anchor;         /* bottom row shown when !follow */
    RowPos cnt_last;       /* rows in (anchor, cnt_last] are final and counted ... */
    size_t cnt_before;     /* ... by cnt_before */
    uint64_t cnt_gen;
    int cnt_width;
    size_t below;
    EntryScan *scan;       /* per entry, grown lazily */
    size_t nscan, scan_cap;
    LongSlot slot[LONG_SLOTS];
    uint64_t clock;
    RowVec scratch;
    StrBuf mark;
    RowDesc *desc;
    size_t ndesc;
};

/* A frame's context: the view, the transcript and the text width. */
typedef struct Ctx {
    ModelView *v;
    const Transcript *t;
    int width;
} Ctx;

/* ---- entries and segments ------------------------------------------------------------- */

static const TranscriptEntry *entry_at(const Ctx *c, size_t e) { return transcript_entry(c->t, e); }

static size_t entry_eff_end(const TranscriptEntry *en)
{
    size_t len = en->text.len;
    return len && en->text.data[len - 1] == '\n' ? len - 1 : len;
}

static bool entry_has_sep(const TranscriptEntry *en, size_t e) { return en->kind == ENTRY_USER && e > 0; }

static bool entry_has_mark(const TranscriptEntry *en)
{
    return en->kind == ENTRY_ANSWER &&
           (en->state == ENTRY_INTERRUPTED || en->state == ENTRY_NETWORK ||
            en->state == ENTRY_INCOMPLETE || en->state == ENTRY_FAILED);
}

static bool is_fence_line(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return len - i >= 3 && memcmp(s + i, "```", 3) == 0;
}

/* Scans the complete lines of entry e up to limit (a line start or the effective end). */
static EntryScan *scan_entry(Ctx *c, size_t e, size_t limit)
{
    ModelView *v = c->v;
    if (e >= v->nscan) {
        size_t n = transcript_count(c->t);
        v->scan = xgrow(v->scan, &v->scan_cap, n, sizeof *v->scan);
        memset(v->scan + v->nscan, 0, (n - v->nscan) * sizeof *v->scan);
        v->nscan = n;
    }
    EntryScan *sc = &v->scan[e];
    const TranscriptEntry *en = entry_at(c, e);
    const char *s = en->text.data;
    size_t eff = entry_eff_end(en);
    if (limit > eff)
        limit = eff;
    if (sc->scanned > eff) { /* only if the text shrank, which append-only forbids: stay safe */
        sc->scanned = 0;
        sc->nfence = 0;
    }
    while (sc->scanned < limit) {
        const char *nl = memchr(s + sc->scanned, '\n', limit - sc->scanned);
        if (!nl)
            break; /* the last line is not complete yet */
        size_t ls = sc->scanned, le = (size_t)(nl - s);
        if (is_fence_line(s + ls, le - ls)) {
            sc->fence = xgrow(sc->fence, &sc->cap, sc->nfence + 1, sizeof *sc->fence);
            sc->fence[sc->nfence++] = ls;
        }
        sc->scanned = le + 1;
    }
    return sc;
}

static uint16_t line_style(Ctx *c, size_t e, size_t start, size_t end)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->kind == ENTRY_USER)
        return STYLE_MODEL_USER;
    if (en->kind == ENTRY_NOTE)
        return STYLE_MODEL_NOTE;
    if (is_fence_line(en->text.data + start, end - start))
        return STYLE_MODEL_CODE;
    EntryScan *sc = scan_entry(c, e, start);
    size_t lo = 0, hi = sc->nfence; /* fences strictly before start */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sc->fence[mid] < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo & 1) ? STYLE_MODEL_CODE : STYLE_MODEL_TEXT;
}

static bool line_first(Ctx *c, size_t e, Seg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->text.len == 0)
        return false;
    size_t eff = entry_eff_end(en);
    const char *nl = memchr(en->text.data, '\n', eff);
    *s = (Seg){e, SEG_LINE, 0, nl ? (size_t)(nl - en->text.data) : eff};
    return true;
}

static bool line_last(Ctx *c, size_t e, Seg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (en->text.len == 0)
        return false;
    size_t eff = entry_eff_end(en);
    EntryScan *sc = scan_entry(c, e, eff); /* incremental: finds the last line start cheaply */
    *s = (Seg){e, SEG_LINE, sc->scanned, eff};
    return true;
}

static bool line_next(Ctx *c, Seg *s)
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

static bool line_prev(Ctx *c, Seg *s)
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

static bool seg_first(Ctx *c, size_t e, Seg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (entry_has_sep(en, e)) {
        *s = (Seg){e, SEG_SEP, 0, 0};
        return true;
    }
    if (line_first(c, e, s))
        return true;
    if (entry_has_mark(en)) {
        *s = (Seg){e, SEG_MARK, 0, 0};
        return true;
    }
    return false;
}

static bool seg_last(Ctx *c, size_t e, Seg *s)
{
    const TranscriptEntry *en = entry_at(c, e);
    if (entry_has_mark(en)) {
        *s = (Seg){e, SEG_MARK, 0, 0};
        return true;
    }
    if (line_last(c, e, s))
        return true;
    if (entry_has_sep(en, e)) {
        *s = (Seg){e, SEG_SEP, 0, 0};
        return true;
    }
    return false;
}

static bool seg_next(Ctx *c, Seg *s)
{
    size_t e = s->entry;
    const TranscriptEntry *en = entry_at(c, e);
    if (s->kind == SEG_SEP) {
        if (line_first(c, e, s))
            return true;
        if (entry_has_mark(en)) {
            *s = (Seg){e, SEG_MARK, 0, 0};
            return true;
        }
    } else if (s->kind == SEG_LINE) {
        if (line_next(c, s))
            return true;
        if (entry_has_mark(en)) {
            *s = (Seg){e, SEG_MARK, 0, 0};
            return true;
        }
    }
    size_t n = transcript_count(c->t);
    for (size_t i = e + 1; i < n; i++)
        if (seg_first(c, i, s))
            return true;
    return false;
}

static bool seg_prev(Ctx *c, Seg *s)
{
    size_t e = s->entry;
    const TranscriptEntry *en = entry_at(c, e);
    if (s->kind == SEG_MARK) {
        if (line_last(c, e, s))
            return true;
        if (entry_has_sep(en, e)) {
            *s = (Seg){e, SEG_SEP, 0, 0};
            return true;
        }
    } else if (s->kind == SEG_LINE) {
        if (line_prev(c, s))
            return true;
        if (entry_has_sep(en, e)) {
            *s = (Seg){e, SEG_SEP, 0, 0};
            return true;
        }
    }
    for (size_t i = e; i-- > 0;)
        if (seg_last(c, i, s))
            return true;
    return false;
}

/* Rebuilds a segment's end from the text (a line may have grown since the Seg was taken). */
static void seg_refresh(Ctx *c, Seg *s)
{
    if (s->kind != SEG_LINE)
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

/* The mark text of an answer that did not complete, into v->mark. */
static const char *mark_text(Ctx *c, size_t e, size_t *len)
{
    const TranscriptEntry *en = entry_at(c, e);
    StrBuf *m = &c->v->mark;
    sb_reset(m);
    const char *what = en->state == ENTRY_INTERRUPTED ? "interrupted"
                       : en->state == ENTRY_NETWORK   ? "interrupted by network"
                       : en->state == ENTRY_INCOMPLETE ? "incomplete"
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

/* The bytes a segment wraps: base[a, b). grows: a streaming line that may get longer. */
static const char *seg_bytes(Ctx *c, Seg s, size_t *a, size_t *b, bool *grows)
{
    *grows = false;
    if (s.kind == SEG_SEP) {
        *a = *b = 0;
        return "";
    }
    if (s.kind == SEG_MARK) {
        *a = 0;
        return mark_text(c, s.entry, b);
    }
    const TranscriptEntry *en = entry_at(c, s.entry);
    *a = s.start;
    *b = s.end;
    *grows = en->state == ENTRY_OPEN && s.end == en->text.len;
    return en->text.data;
}

static int seg_width(Ctx *c, Seg s)
{
    if (s.kind == SEG_LINE && entry_at(c, s.entry)->kind == ENTRY_USER)
        return c->width > USER_PREFIX_W + 1 ? c->width - USER_PREFIX_W : 1;
    return c->width > 0 ? c->width : 1;
}

/* ---- wrapping ------------------------------------------------------------------------- */

static int cp_cols(uint32_t cp, int col)
{
    if (cp == '\t')
        return MODEL_TAB_WIDTH - col % MODEL_TAB_WIDTH;
    return grid_cp_width(cp);
}

static size_t decode(const char *s, size_t i, size_t b, uint32_t *cp)
{
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x80) {
        *cp = ch;
        return 1;
    }
    return utf8_decode(s + i, b - i, cp);
}

/* One row starting at p (a <= p < b, or p == a == b for an empty segment). */
static RowSpan wrap_row(const char *s, size_t p, size_t b, int width)
{
    RowSpan r = {p, b, b, false};
    int col = 0;
    size_t i = p;
    bool have_space = false, prev_space = false;
    size_t sp_start = 0, word_start = 0;
    while (i < b) {
        uint32_t cp;
        size_t n = decode(s, i, b, &cp);
        int w = cp_cols(cp, col);
        if (col + w > width && col > 0) {
            if (cp == ' ') { /* break at this space run */
                size_t j = i;
                while (j < b && s[j] == ' ')
                    j++;
                r.end = prev_space ? sp_start : i;
                r.next = j;
                r.touched = j == b;
                return r;
            }
            if (have_space) {
                /* Does the word that overflows fit on a row of its own? */
                int ww = 0;
                size_t j = word_start;
                while (j < b && s[j] != ' ' && ww <= width) {
                    uint32_t c2;
                    size_t n2 = decode(s, j, b, &c2);
                    ww += cp_cols(c2, ww);
                    j += n2;
                }
                if (ww <= width) {
                    r.end = sp_start;
                    r.next = word_start;
                    r.touched = j == b;
                    return r;
                }
            }
            r.end = r.next = i; /* hard wrap */
            return r;
        }
        if (cp == ' ') {
            if (!prev_space) {
                sp_start = i;
                have_space = sp_start > p; /* a space after some content */
            }
            word_start = i + 1;
            prev_space = true;
        } else if (w > 0) {
            prev_space = false;
        }
        col += w;
        i += n;
    }
    r.touched = true;
    return r;
}

static void rowvec_push(RowVec *rv, RowSpan r)
{
    rv->v = xgrow(rv->v, &rv->cap, rv->n + 1, sizeof *rv->v);
    rv->v[rv->n++] = r;
}

/* Appends the rows of base[p, b) to rv. */
static void wrap_rows(RowVec *rv, const char *base, size_t p, size_t b, int width)
{
    if (p >= b) {
        if (rv->n == 0)
            rowvec_push(rv, (RowSpan){p, p, p, true});
        return;
    }
    while (p < b) {
        RowSpan r = wrap_row(base, p, b, width);
        rowvec_push(rv, r);
        p = r.next;
    }
}

/* The rows of a segment. The result is valid until the next seg_rows call. */
static const RowSpan *seg_rows(Ctx *c, Seg s, size_t *count)
{
    ModelView *v = c->v;
    size_t a, b;
    bool grows;
    const char *base = seg_bytes(c, s, &a, &b, &grows);
    int width = seg_width(c, s);
    if (s.kind != SEG_LINE || b - a <= LONG_LINE) {
        v->scratch.n = 0;
        wrap_rows(&v->scratch, base, a, b, width);
        *count = v->scratch.n;
        return v->scratch.v;
    }
    LongSlot *sl = NULL, *victim = &v->slot[0];
    for (int i = 0; i < LONG_SLOTS; i++) {
        LongSlot *x = &v->slot[i];
        if (x->used && x->entry == s.entry && x->start == a && x->width == width) {
            sl = x;
            break;
        }
        if (!x->used || (victim->used && x->stamp < victim->stamp))
            victim = x;
    }
    if (sl && (b < sl->end || (b == sl->end && grows == sl->grows))) {
        if (b == sl->end) {
            sl->stamp = ++v->clock;
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
        sl->rows.n = 0;
        sl->final_rows = 0;
    }
    /* Rows before final_rows never looked at the old end: they stand. Resume after them. */
    sl->rows.n = sl->final_rows;
    size_t p = sl->final_rows ? sl->rows.v[sl->final_rows - 1].next : a;
    wrap_rows(&sl->rows, base, p, b, width);
    size_t f = 0;
    while (f < sl->rows.n && !(grows && sl->rows.v[f].touched))
        f++;
    sl->final_rows = f;
    sl->end = b;
    sl->grows = grows;
    sl->stamp = ++v->clock;
    *count = sl->rows.n;
    return sl->rows.v;
}

static size_t row_index(const RowSpan *rows, size_t n, size_t off)
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

static bool tail_pos(Ctx *c, RowPos *out)
{
    size_t n = transcript_count(c->t);
    for (size_t e = n; e-- > 0;) {
        Seg s;
        if (seg_last(c, e, &s)) {
            size_t cnt;
            const RowSpan *rows = seg_rows(c, s, &cnt);
            *out = (RowPos){s, rows[cnt - 1].start};
            return true;
        }
    }
    return false;
}

/* Moves pos back by up to n rows; returns how many. */
static size_t move_back(Ctx *c, RowPos *pos, size_t n)
{
    size_t moved = 0;
    Seg s = pos->seg;
    seg_refresh(c, &s);
    size_t cnt;
    const RowSpan *rows = seg_rows(c, s, &cnt);
    size_t k = row_index(rows, cnt, pos->off);
    while (moved < n) {
        if (k > 0) {
            size_t step = n - moved < k ? n - moved : k;
            k -= step;
            moved += step;
            continue;
        }
        Seg p = s;
        if (!seg_prev(c, &p))
            break;
        s = p;
        rows = seg_rows(c, s, &cnt);
        k = cnt - 1;
        moved++;
    }
    *pos = (RowPos){s, rows[k].start};
    return moved;
}

static size_t move_fwd(Ctx *c, RowPos *pos, size_t n)
{
    size_t moved = 0;
    Seg s = pos->seg;
    seg_refresh(c, &s);
    size_t cnt;
    const RowSpan *rows = seg_rows(c, s, &cnt);
    size_t k = row_index(rows, cnt, pos->off);
    while (moved < n) {
        if (k + 1 < cnt) {
            size_t step = n - moved < cnt - 1 - k ? n - moved : cnt - 1 - k;
            k += step;
            moved += step;
            continue;
        }
        Seg p = s;
        if (!seg_next(c, &p))
            break;
        s = p;
        rows = seg_rows(c, s, &cnt);
        k = 0;
        moved++;
    }
    *pos = (RowPos){s, rows[k].start};
    return moved;
}

/* Rows below the anchor, kept incrementally (see the top of the file). */
static void update_below(Ctx *c)
{
    ModelView *v = c->v;
    if (v->cnt_width != c->width) {
        v->cnt_last = v->anchor;
        v->cnt_before = 0;
        v->cnt_width = c->width;
        v->cnt_gen = 0;
    }
    uint64_t gen = transcript_generation(c->t);
    if (gen == v->cnt_gen && v->cnt_gen != 0)
        return;
    Seg s = v->cnt_last.seg;
    seg_refresh(c, &s);
    size_t cnt;
    const RowSpan *rows = seg_rows(c, s, &cnt);
    size_t k = row_index(rows, cnt, v->cnt_last.off);
    bool finalizing = true, open_crossed = false;
    size_t tentative = 0;
    for (;;) {
        if (k + 1 < cnt) {
            k++;
        } else {
            Seg p = s;
            if (!seg_next(c, &p))
                break;
            if (p.entry != s.entry && entry_at(c, s.entry)->state == ENTRY_OPEN)
                open_crossed = true; /* text may still be inserted before the next entry */
            s = p;
            rows = seg_rows(c, s, &cnt);
            k = 0;
        }
        const TranscriptEntry *en = entry_at(c, s.entry);
        bool final = !open_crossed &&
                     !(s.kind == SEG_LINE && en->state == ENTRY_OPEN &&
                       s.end == en->text.len && rows[k].touched);
        if (finalizing && final) {
            v->cnt_before++;
            v->cnt_last = (RowPos){s, rows[k].start};
        } else {
            finalizing = false;
            tentative++;
        }
    }
    v->below = v->cnt_before + tentative;
    v->cnt_gen = gen ? gen : 1;
}

/* The anchor moved forward by m rows: rows in (anchor, cnt_last] shrink accordingly. */
static void below_after_fwd(ModelView *v, size_t m)
{
    if (m <= v->cnt_before) {
        v->cnt_before -= m;
    } else {
        v->cnt_last = v->anchor;
        v->cnt_before = 0;
    }
    v->cnt_gen = 0;
}

/* ---- the view ------------------------------------------------------------------------- */

ModelView *model_view_new(void)
{
    ModelView *v = xcalloc(1, sizeof *v);
    v->follow = true;
    return v;
}

static void reset_caches(ModelView *v)
{
    for (size_t i = 0; i < v->nscan; i++)
        free(v->scan[i].fence);
    free(v->scan);
    v->scan = NULL;
    v->nscan = v->scan_cap = 0;
    for (int i = 0; i < LONG_SLOTS; i++) {
        free(v->slot[i].rows.v);
        v->slot[i] = (LongSlot){0};
    }
}

void model_view_free(ModelView *v)
{
    if (!v)
        return;
    reset_caches(v);
    free(v->scratch.v);
    free(v->desc);
    sb_free(&v->mark);
    free(v);
}

void model_view_scroll(ModelView *v, int rows) { v->pending += rows; }

void model_view_follow(ModelView *v)
{
    v->follow = true;
    v->pending = 0;
    v->below = 0;
}

bool model_view_following(const ModelView *v) { return v->follow; }

size_t model_view_rows_below(const ModelView *v) { return v->follow ? 0 : v->below; }

static RowDesc desc_of(Ctx *c, Seg s, const RowSpan *r, bool first_row)
{
    RowDesc d = {s.entry, s.kind, r->start, r->end, STYLE_MODEL_TEXT, 0};
    if (s.kind == SEG_MARK) {
        d.style = STYLE_MODEL_ERROR;
    } else if (s.kind == SEG_LINE) {
        d.style = line_style(c, s.entry, s.start, s.end);
        if (entry_at(c, s.entry)->kind == ENTRY_USER)
            d.prefix = (first_row && s.start == 0) ? 1 : 2;
    }
    return d;
}

/* Fills out[n-1], out[n-2], ... with the rows ending at bottom; returns how many. */
static size_t collect_up(Ctx *c, RowPos bottom, size_t n, RowDesc *out)
{
    Seg s = bottom.seg;
    seg_refresh(c, &s);
    size_t cnt;
    const RowSpan *rows = seg_rows(c, s, &cnt);
    size_t k = row_index(rows, cnt, bottom.off);
    size_t got = 0;
    for (;;) {
        for (size_t i = k + 1; i-- > 0 && got < n;)
            out[n - 1 - got++] = desc_of(c, s, &rows[i], i == 0);
        if (got >= n || !seg_prev(c, &s))
            break;
        rows = seg_rows(c, s, &cnt);
        k = cnt - 1;
    }
    return got;
}

static void paint_row(Ctx *c, Grid *g, int x, int y, int w, const RowDesc *d)
{
    const char *base;
    if (d->kind == SEG_MARK) {
        size_t len;
        base = mark_text(c, d->entry, &len);
    } else if (d->kind == SEG_LINE) {
        base = entry_at(c, d->entry)->text.data;
    } else {
        return;
    }
    if (d->style == STYLE_MODEL_CODE) /* code blocks are shaded across the pane */
        grid_fill(g, x, y, w, 1, STYLE_MODEL_CODE);
    int tx = x;
    if (d->prefix == 1)
        tx = grid_put_text(g, x, y, x + w, "\xe2\x80\xba ", 4, STYLE_MODEL_USER, STYLE_CONTROL, x, 0);
    else if (d->prefix == 2)
        tx = x + USER_PREFIX_W;
    grid_put_text(g, tx, y, x + w, base + d->start, d->end - d->start, d->style, STYLE_CONTROL, tx,
                  MODEL_TAB_WIDTH);
}

static void check_transcript(ModelView *v, const Transcript *t)
{
    size_t n = transcript_count(t);
    bool shrank = v->tr == t && n < v->tr_count;
    if (v->tr == t && !shrank) {
        v->tr_count = n;
        if (!v->follow && v->anchor.seg.entry >= n)
            model_view_follow(v);
        return;
    }
    reset_caches(v);
    v->tr = t;
    v->tr_count = n;
    model_view_follow(v);
}

void model_view_draw_body(ModelView *v, Grid *g, Rect r, const Transcript *t)
{
    grid_fill(g, r.x, r.y, r.w, r.h, STYLE_MODEL_TEXT);
    check_transcript(v, t);
    if (r.w <= 0 || r.h <= 0) {
        v->pending = 0;
        return;
    }
    Ctx c = {v, t, r.w}; /* long-line slots are keyed by width: a resize re-wraps */
    RowPos tail;
    bool any = tail_pos(&c, &tail);
    if (!any) {
        model_view_follow(v);
        return;
    }
    size_t h = (size_t)r.h;
    size_t hc = h > 1 ? h - 1 : 1; /* content rows while scrolled back (marker below) */

    if (v->pending > 0) {
        if (v->follow) {
            v->follow = false;
            v->anchor = tail;
            v->cnt_last = tail;
            v->cnt_before = 0;
            v->cnt_gen = 0;
            v->cnt_width = r.w;
        }
        v->cnt_before += move_back(&c, &v->anchor, (size_t)v->pending);
        v->cnt_gen = 0;
    } else if (v->pending < 0 && !v->follow) {
        size_t m = move_fwd(&c, &v->anchor, (size_t)-v->pending);
        below_after_fwd(v, m);
    }
    v->pending = 0;

    if (!v->follow) {
        /* Never leave the top of the pane empty: keep hc rows at or above the anchor. */
        RowPos p = v->anchor;
        size_t above = move_back(&c, &p, hc - 1);
        if (above < hc - 1) {
            size_t m = move_fwd(&c, &v->anchor, hc - 1 - above);
            below_after_fwd(v, m);
        }
        update_below(&c);
        if (v->below == 0)
            model_view_follow(v);
    }

    if (v->ndesc < h) {
        v->desc = xrealloc(v->desc, h * sizeof *v->desc);
        v->ndesc = h;
    }
    size_t want = v->follow ? h : hc;
    RowPos bottom = v->follow ? tail : v->anchor;
    size_t got = collect_up(&c, bottom, want, v->desc);
    const RowDesc *first = v->desc + (want - got); /* top-aligned when the text is short */
    for (size_t i = 0; i < got; i++)
        paint_row(&c, g, r.x, r.y + (int)i, r.w, &first[i]);
    if (!v->follow && h > 1) {
        char msg[96];
        int n = snprintf(msg, sizeof msg, "\xe2\x86\x93 %zu more  (Alt-End: follow)", v->below);
        int y = r.y + r.h - 1;
        grid_fill(g, r.x, y, r.w, 1, STYLE_MODEL_NOTE);
        grid_put_text(g, r.x, y, r.x + r.w, msg, (size_t)n, STYLE_MODEL_NOTE, STYLE_CONTROL, r.x, 0);
    }
}

void model_view_draw_title(Grid *g, Rect r, const char *model, TurnState turn,
                           const SessionStats *stats)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    grid_fill(g, r.x, r.y, r.w, 1, STYLE_PANE_TITLE);
    char state[64] = "";
    switch (turn) {
    case TURN_IDLE:
        break;
    case TURN_SENT:
        snprintf(state, sizeof state, "waiting");
        break;
    case TURN_STREAMING:
        if (stats && stats->tokens_per_sec > 0)
            snprintf(state, sizeof state, "streaming %.0f tok/s", stats->tokens_per_sec);
        else
            snprintf(state, sizeof state, "streaming");
        break;
    case TURN_DONE:
        snprintf(state, sizeof state, "done");
        break;
    case TURN_FAILED:
        snprintf(state, sizeof state, "failed");
        break;
    case TURN_INTERRUPTED:
        snprintf(state, sizeof state, "interrupted");
        break;
    }
    int end = r.x + r.w;
    int sw = grid_text_width(state, strlen(state), 0, 0);
    int x = grid_put_text(g, r.x + 1, r.y, end, model ? model : "", model ? strlen(model) : 0,
                          STYLE_PANE_TITLE, STYLE_CONTROL, r.x, 0);
    if (!*state)
        return;
    /* The state goes right-aligned when it fits, else after the name. */
    int sx = end - 1 - sw;
    if (sx < x + 2)
        sx = x + 2;
    grid_put_text(g, sx, r.y, end, state, strlen(state), STYLE_PANE_TITLE, STYLE_CONTROL, sx, 0);
}

void model_view_draw(ModelView *v, Grid *g, Rect r, const Session *s)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (r.h < 2) { /* one row: the text matters more than the title */
        int pad = r.w > 2 ? 1 : 0;
        model_view_draw_body(v, g, (Rect){r.x + pad, r.y, r.w - pad, r.h}, session_transcript(s));
        return;
    }
    model_view_draw_title(g, (Rect){r.x, r.y, r.w, 1}, session_model(s), session_turn(s),
                          session_stats(s));
    /* One column of margin keeps the text off the divider (and lines up with the title). */
    int pad = r.w > 2 ? 1 : 0;
    grid_fill(g, r.x, r.y + 1, pad, r.h - 1, STYLE_MODEL_TEXT);
    model_view_draw_body(v, g, (Rect){r.x + pad, r.y + 1, r.w - pad, r.h - 1},
                         session_transcript(s));
}
