/* ModelView: the model pane. The transcript's rows (ModelRows, model_rows.c: segments,
 * wrapping and the caches behind them), composed from the tail backwards, plus scrolling.
 *
 * State. Following, the bottom row is the transcript's last row. Scrolled back (!follow), it
 * is the anchor: a ModelRowPos, i.e. a byte of the source, so it stays on the same text as
 * the answer grows or the pane is resized. Scroll requests accumulate in pending and are
 * applied at the next draw (moving rows needs the transcript). The anchor is kept at least a
 * pane's worth of rows below the top of the transcript (the pane never shows empty rows above
 * the text); scrolling forward past the tail follows again.
 *
 * Cost. A frame walks back from the bottom row, one row at a time through ModelRows, until
 * the pane is full: O(visible text), not O(transcript). One more cache keeps scrolled-back
 * frames at that cost: the count of rows below the anchor ("↓ N more") is kept up to date by
 * walking only the rows appended since the last frame. cnt_last is the last row known to be
 * final; the cnt_before rows in (anchor, cnt_last] can never change, since the transcript is
 * append-only. cnt_gen is the transcript generation counted (0: recount), cnt_width the
 * width; the count restarts from the anchor on a width change.
 *
 * Following while the answer streams, the tail moves in jumps (the byte budget, ARCHITECTURE):
 * jump_top is the top row shown, and new rows fill the pane below it; when the tail would
 * pass the bottom row, the pane jumps so that the last MODEL_JUMP_CONTEXT rows stay on top
 * and the rest is empty again. Each streamed row is thus drawn about once, instead of the
 * whole pane moving up a row or two every frame (a split pane cannot use the terminal's
 * scroll region). When the answer ends the pane stays as it is (the text being read does not
 * move, and nothing is drawn again) until the user scrolls, focuses it or resizes.
 *
 * The view remembers which Transcript it showed (tr, tr_count): a different one (or one that
 * shrank) resets the row caches and follows again. The pane (model_view_draw) adds a title
 * row and a one-column left margin. */
#include "ui/model_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "themes/theme.h"
#include "ui/markdown_paint.h"
#include "ui/model_rows.h"
#include "ui/syntax_view.h"

/* A row to paint: what model_rows produced plus its style and question prefix. */
typedef struct RowDesc {
    size_t entry;
    int kind;
    size_t start, end;
    size_t line_start, line_end; /* the logical line the row belongs to (LINE rows) */
    uint16_t style;
    uint8_t prefix; /* 0 none, 1 "› ", 2 indent */
} RowDesc;

struct ModelView {
    const Transcript *tr;
    size_t tr_count;
    bool follow;
    long pending;          /* scroll requests not yet applied */
    ModelRowPos anchor;    /* bottom row shown when !follow */
    ModelRowPos cnt_last;  /* rows in (anchor, cnt_last] are final and counted ... */
    size_t cnt_before;     /* ... by cnt_before */
    uint64_t cnt_gen;
    int cnt_width;
    size_t below;
    ModelRows *rows;       /* the row engine and its caches */
    RowDesc *desc;
    size_t ndesc;
    SyntaxView *syntax;    /* colours code blocks by their fence tag; NULL: one code style */
    bool code_scroll, bce; /* the rows' configuration (model_view_set_code_*) */
    int hscroll;
    /* The caret (focused pane; see the header). caret is valid once have_caret; the
     * requests below are applied at the next draw, in this order. */
    bool focus, have_caret;
    bool show_reasoning;   /* THINK rows expanded (model_view_toggle_reasoning) */
    ModelRowPos caret;
    bool want_top, want_tail, want_goto;
    size_t goto_entry, goto_off;
    long caret_pending;    /* rows to move the caret */
    bool caret_follows;    /* End: the caret stays on the last row as the answer grows */
    size_t last_shown;     /* rows of text the last draw showed */
    Rect last_body;        /* where the last draw put the rows, and how many it drew */
    size_t last_got;
    const RowDesc *last_first;
    /* search highlights (borrowed Search) */
    Search *search;
    bool has_cur;
    size_t cur_entry, cur_start, cur_end;
    /* following in jumps while streaming (see the top of the file) */
    bool jumping;
    ModelRowPos jump_top;
    int jump_width;
    bool jumps;      /* follow a streaming answer in jumps (model_view_set_jumps) */
};

#define MODEL_JUMP_CONTEXT 2

void model_view_set_syntax(ModelView *v, SyntaxView *sv) { v->syntax = sv; }

void model_view_set_code_scroll(ModelView *v, bool scroll)
{
    v->code_scroll = scroll;
    if (!scroll)
        v->hscroll = 0;
}

void model_view_set_code_bce(ModelView *v, bool bce) { v->bce = bce; }

bool model_view_code_scrolls(const ModelView *v) { return v->code_scroll; }

void model_view_hscroll(ModelView *v, int cols)
{
    long h = (long)v->hscroll + cols;
    v->hscroll = !v->code_scroll || h < 0 ? 0 : h > 100000 ? 100000 : (int)h;
}

void model_view_set_jumps(ModelView *v, bool on)
{
    v->jumps = on;
    v->jumping = false;
}

bool model_view_toggle_reasoning(ModelView *v)
{
    v->show_reasoning = !v->show_reasoning;
    v->cnt_gen = 0; /* the THINK rows changed height: count the rows below again */
    return v->show_reasoning;
}

/* ---- the caret's requests ------------------------------------------------------------- */

void model_view_set_focus(ModelView *v, bool focus)
{
    if (focus && !v->focus)
        v->have_caret = false; /* placed on the bottom row shown at the next draw */
    v->focus = focus;
    v->want_top = v->want_tail = v->want_goto = false;
    v->caret_pending = 0;
    v->caret_follows = false;
}

bool model_view_focused(const ModelView *v) { return v->focus; }

void model_view_caret_move(ModelView *v, int rows)
{
    v->caret_pending += rows;
    v->caret_follows = false;
}

void model_view_caret_page(ModelView *v, int rows)
{
    v->pending -= rows; /* pending > 0 scrolls back */
    model_view_caret_move(v, rows);
}

void model_view_caret_top(ModelView *v)
{
    v->want_top = true;
    v->want_tail = v->want_goto = false;
    v->caret_pending = 0;
    v->caret_follows = false;
}

void model_view_caret_tail(ModelView *v)
{
    v->want_tail = v->caret_follows = true;
    v->want_top = v->want_goto = false;
    v->caret_pending = 0;
}

void model_view_caret_to(ModelView *v, size_t entry, size_t off)
{
    v->want_goto = true;
    v->goto_entry = entry;
    v->goto_off = off;
    v->want_top = v->want_tail = false;
    v->caret_pending = 0;
    v->caret_follows = false;
}

static ModelRowPos pos_of_desc(const RowDesc *d)
{
    return (ModelRowPos){{d->entry, d->kind, d->line_start, d->line_end}, d->start};
}

bool model_view_caret_at_cell(ModelView *v, int x, int y)
{
    Rect r = v->last_body;
    if (!v->last_first || x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + (int)v->last_got)
        return false;
    const RowDesc *d = &v->last_first[y - r.y];
    v->caret = pos_of_desc(d);
    v->have_caret = true;
    v->want_top = v->want_tail = v->want_goto = false;
    v->caret_pending = 0;
    v->caret_follows = false;
    return true;
}

bool model_view_caret(const ModelView *v, size_t *entry, size_t *off)
{
    if (!v->have_caret || !v->tr || v->caret.seg.entry >= transcript_count(v->tr))
        return false;
    *entry = v->caret.seg.entry;
    if (v->caret.seg.kind == MODEL_SEG_LINE)
        *off = v->caret.off;
    else if (v->caret.seg.kind == MODEL_SEG_MARK)
        *off = transcript_entry(v->tr, *entry)->text.len;
    else
        *off = 0;
    return true;
}

size_t model_view_page_rows(const ModelView *v) { return v->last_shown ? v->last_shown : 1; }

void model_view_set_search(ModelView *v, Search *s, bool has_cur, size_t cur_entry,
                           size_t cur_start, size_t cur_end)
{
    v->search = s;
    v->has_cur = has_cur;
    v->cur_entry = cur_entry;
    v->cur_start = cur_start;
    v->cur_end = cur_end;
}

/* ---- rows below the anchor ------------------------------------------------------------ */

/* Rows below the anchor, kept incrementally (see the top of the file). */
static void update_below(ModelView *v, ModelRowsCtx *c)
{
    if (v->cnt_width != c->width) {
        v->cnt_last = v->anchor;
        v->cnt_before = 0;
        v->cnt_width = c->width;
        v->cnt_gen = 0;
    }
    uint64_t gen = transcript_generation(c->t);
    if (gen == v->cnt_gen && v->cnt_gen != 0)
        return;
    ModelSeg s = v->cnt_last.seg;
    model_rows_seg_refresh(c, &s);
    size_t cnt;
    const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
    size_t k = model_rows_index(rows, cnt, v->cnt_last.off);
    bool finalizing = true, open_crossed = false;
    size_t tentative = 0;
    for (;;) {
        if (k + 1 < cnt) {
            k++;
        } else {
            ModelSeg p = s;
            if (!model_rows_seg_next(c, &p))
                break;
            if (p.entry != s.entry && transcript_entry(c->t, s.entry)->state == ENTRY_OPEN)
                open_crossed = true; /* text may still be inserted before the next entry */
            s = p;
            rows = model_rows_of(c, s, &cnt);
            k = 0;
        }
        const TranscriptEntry *en = transcript_entry(c->t, s.entry);
        bool final = !open_crossed &&
                     !(s.kind == MODEL_SEG_LINE && en->state == ENTRY_OPEN &&
                       s.end == en->text.len && rows[k].touched);
        if (finalizing && final) {
            v->cnt_before++;
            v->cnt_last = (ModelRowPos){s, rows[k].start};
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
    v->rows = model_rows_new();
    v->follow = true;
    return v;
}

void model_view_free(ModelView *v)
{
    if (!v)
        return;
    model_rows_free(v->rows);
    free(v->desc);
    free(v);
}

void model_view_scroll(ModelView *v, int rows) { v->pending += rows; }

void model_view_follow(ModelView *v)
{
    v->follow = true;
    v->jumping = false; /* the tail on the bottom row (again) */
    v->pending = 0;
    v->below = 0;
}

bool model_view_following(const ModelView *v) { return v->follow; }

size_t model_view_rows_below(const ModelView *v) { return v->follow ? 0 : v->below; }

static RowDesc desc_of(ModelRowsCtx *c, ModelSeg s, const ModelRowSpan *r, bool first_row)
{
    RowDesc d = {s.entry, s.kind, r->start, r->end, s.start, s.end, STYLE_MODEL_TEXT, 0};
    if (s.kind == MODEL_SEG_MARK) {
        d.style = STYLE_MODEL_ERROR;
    } else if (s.kind == MODEL_SEG_THINK) {
        d.style = STYLE_MODEL_THINKING;
    } else if (s.kind == MODEL_SEG_LINE) {
        d.style = model_rows_line_style(c, s.entry, s.start, s.end);
        if (transcript_entry(c->t, s.entry)->kind == ENTRY_USER)
            d.prefix = (first_row && s.start == 0) ? 1 : 2;
    }
    return d;
}

/* Fills out[n-1], out[n-2], ... with the rows ending at bottom; returns how many. */
static size_t collect_up(ModelRowsCtx *c, ModelRowPos bottom, size_t n, RowDesc *out)
{
    ModelSeg s = bottom.seg;
    model_rows_seg_refresh(c, &s);
    size_t cnt;
    const ModelRowSpan *rows = model_rows_of(c, s, &cnt);
    size_t k = model_rows_index(rows, cnt, bottom.off);
    size_t got = 0;
    for (;;) {
        for (size_t i = k + 1; i-- > 0 && got < n;)
            out[n - 1 - got++] = desc_of(c, s, &rows[i], i == 0);
        if (got >= n || !model_rows_seg_prev(c, &s))
            break;
        rows = model_rows_of(c, s, &cnt);
        k = cnt - 1;
    }
    return got;
}

/* The painter's view of a LINE row of an answer (ui/markdown_paint.h). */
static MdPaint paint_of(ModelView *v, ModelRowsCtx *c, Grid *g, int tx, int y, int max_x,
                        const RowDesc *d, MdLine *ml)
{
    const TranscriptEntry *en = transcript_entry(c->t, d->entry);
    model_rows_md_line(c, d->entry, d->line_start, d->line_end, ml);
    MdPaint p = {g, tx, y, max_x, en->text.data, en->text.len, d->entry, c->t,
                 d->line_start, d->line_end, d->start, d->end, ml, v->syntax, 0,
                 v->code_scroll, v->bce, v->hscroll};
    if (ml->kind == MDL_CODE && !model_rows_code_fence(c, d->entry, d->line_start, d->line_end,
                                                       &p.fence_start))
        p.syntax = NULL;
    return p;
}

static void restyle(Grid *g, int x0, int x1, int y, uint16_t style)
{
    if (y < 0 || y >= g->rows)
        return;
    if (x0 < 0)
        x0 = 0;
    if (x1 > g->cols)
        x1 = g->cols;
    for (int x = x0; x < x1; x++)
        g->cells[(size_t)y * (size_t)g->cols + (size_t)x].style = style;
}

#define MATCH_LONG_LINE 4096 /* longer lines are searched around the row only */
#define MATCH_MARGIN 512
#define MATCH_MAX 256        /* matches looked at per row */

/* The search's matches on a LINE row: restyled after the row was painted. Matches never span
 * lines; on a very long line only the row's neighbourhood is searched (O(row) per row). */
static void paint_matches(ModelView *v, ModelRowsCtx *c, Grid *g, int tx, int y, int max_x,
                          const RowDesc *d)
{
    const char *text = transcript_entry(c->t, d->entry)->text.data;
    size_t ls = d->line_start, le = d->line_end;
    if (le - ls > MATCH_LONG_LINE) {
        ls = d->start > ls + MATCH_MARGIN ? d->start - MATCH_MARGIN : ls;
        le = d->end + MATCH_MARGIN < le ? d->end + MATCH_MARGIN : le;
    }
    SearchSpan m[MATCH_MAX];
    size_t n = search_line_matches(v->search, text + ls, le - ls, m, MATCH_MAX);
    MdLine ml; /* where the rendered row draws each byte */
    MdPaint p = paint_of(v, c, g, tx, y, max_x, d, &ml);
    for (size_t i = 0; i < n; i++) {
        size_t a = ls + m[i].start, b = ls + m[i].end;
        if (a == b || b <= d->start || a >= d->end)
            continue;
        bool cur = v->has_cur && d->entry == v->cur_entry && a == v->cur_start;
        if (a < d->start)
            a = d->start;
        if (b > d->end)
            b = d->end;
        int x0 = md_paint_x(&p, a), x1 = md_paint_x(&p, b);
        restyle(g, x0, x1 < max_x ? x1 : max_x, y, cur ? STYLE_MATCH_CURRENT : STYLE_MATCH);
    }
}

/* A code line still streaming (the answer's unterminated last line, up to
 * CODE_HOLD_MAX bytes) shows once its newline (or the turn's end) comes: its tokens are then
 * coloured for good, and the terminal gets each code line once, whole, instead of a piece
 * and a recolouring per frame (the byte budget). Prose still shows word by word. */
#define CODE_HOLD_MAX 512

static bool code_line_held(ModelRowsCtx *c, const RowDesc *d, const MdLine *ml)
{
    const TranscriptEntry *en = transcript_entry(c->t, d->entry);
    return ml->kind == MDL_CODE && en->kind == ENTRY_ANSWER && en->state == ENTRY_OPEN &&
           d->line_end == en->text.len && d->line_end - d->line_start <= CODE_HOLD_MAX;
}

static void paint_row(ModelView *v, ModelRowsCtx *c, Grid *g, int x, int y, int w,
                      const RowDesc *d)
{
    const char *base;
    if (d->kind == MODEL_SEG_MARK) {
        size_t len;
        base = model_rows_mark_text(c, d->entry, &len);
    } else if (d->kind == MODEL_SEG_THINK) {
        size_t len;
        base = model_rows_think_text(c, d->entry, &len);
    } else if (d->kind == MODEL_SEG_LINE) {
        base = transcript_entry(c->t, d->entry)->text.data;
    } else {
        return;
    }
    int tx = x;
    if (d->prefix == 1)
        tx = grid_put_text(g, x, y, x + w, "\xe2\x80\xba ", 4, STYLE_MODEL_USER, STYLE_CONTROL, x, 0);
    else if (d->prefix == 2)
        tx = x + MODEL_ROWS_PREFIX_W;
    if (d->kind == MODEL_SEG_LINE) { /* Markdown, code, or raw for questions and notes */
        MdLine ml;
        MdPaint p = paint_of(v, c, g, tx, y, x + w, d, &ml);
        if (!code_line_held(c, d, &ml))
            md_paint_row(&p);
    } else {
        grid_put_text(g, tx, y, x + w, base + d->start, d->end - d->start, d->style,
                      STYLE_CONTROL, tx, MODEL_ROWS_TAB_WIDTH);
    }
    if (d->kind == MODEL_SEG_LINE && v->search && search_has_pattern(v->search))
        paint_matches(v, c, g, tx, y, x + w, d);
}

/* ---- the caret at draw time ----------------------------------------------------------- */

/* Row order: entries, then separator < lines < mark, then bytes. */
static int pos_cmp(const ModelRowPos *a, const ModelRowPos *b)
{
    if (a->seg.entry != b->seg.entry)
        return a->seg.entry < b->seg.entry ? -1 : 1;
    if (a->seg.kind != b->seg.kind)
        return a->seg.kind < b->seg.kind ? -1 : 1;
    if (a->seg.start != b->seg.start)
        return a->seg.start < b->seg.start ? -1 : 1;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    return 0;
}

static void set_anchor(ModelView *v, int width, ModelRowPos p)
{
    v->follow = false;
    v->anchor = p;
    v->cnt_last = p;
    v->cnt_before = 0;
    v->cnt_gen = 0;
    v->cnt_width = width;
}

/* Applies the caret's requests; when it moved, scrolls the view so that it shows it. */
static void caret_apply(ModelView *v, ModelRowsCtx *c, ModelRowPos tail, size_t h, size_t hc)
{
    bool moved = false;
    if (!v->have_caret || v->caret.seg.entry >= transcript_count(c->t)) {
        v->caret = v->follow ? tail : v->anchor; /* the bottom row shown */
        v->have_caret = true;
    }
    if (v->want_top)
        moved = model_rows_head(c, &v->caret);
    if (v->want_tail || v->caret_follows) {
        moved = moved || v->want_tail;
        v->caret = tail;
    }
    if (v->want_goto)
        moved = model_rows_locate(c, v->goto_entry, v->goto_off, &v->caret) || moved;
    v->want_top = v->want_tail = v->want_goto = false;
    model_rows_fwd(c, &v->caret, 0); /* onto a row start again (a resize, a grown line) */
    if (v->caret_pending > 0)
        model_rows_fwd(c, &v->caret, (size_t)v->caret_pending);
    else if (v->caret_pending < 0)
        model_rows_back(c, &v->caret, (size_t)-v->caret_pending);
    moved = moved || v->caret_pending != 0;
    v->caret_pending = 0;
    if (!moved)
        return;
    if (pos_cmp(&v->caret, &tail) >= 0) { /* on the last row: follow it as it grows */
        v->caret = tail;
        v->caret_follows = true;
        model_view_follow(v);
        return;
    }
    ModelRowPos bottom = v->follow ? tail : v->anchor, top = bottom;
    model_rows_back(c, &top, (v->follow ? h : hc) - 1);
    if (pos_cmp(&v->caret, &top) < 0) {
        ModelRowPos a = v->caret;
        model_rows_fwd(c, &a, hc - 1);
        set_anchor(v, c->width, a);
    } else if (pos_cmp(&v->caret, &bottom) > 0) {
        set_anchor(v, c->width, v->caret);
    }
}

/* After the view settled: a caret off the pane (a scroll moved the view) comes onto its
 * nearest row. */
static void caret_clamp(ModelView *v, ModelRowsCtx *c, ModelRowPos bottom, size_t shown)
{
    ModelRowPos top = bottom;
    model_rows_back(c, &top, shown - 1);
    if (pos_cmp(&v->caret, &top) < 0)
        v->caret = top;
    else if (pos_cmp(&v->caret, &bottom) > 0)
        v->caret = bottom;
}

static bool streaming(const Transcript *t)
{
    size_t n = transcript_count(t);
    return n && transcript_entry(t, n - 1)->state == ENTRY_OPEN;
}

/* Following a streaming answer in jumps: how many rows, ending at the tail, the pane shows
 * (from jump_top down; the rows below stay empty until the text reaches them). */
static size_t jump_rows(ModelView *v, ModelRowsCtx *c, ModelRowPos tail, size_t h)
{
    size_t ctx = h / 3 < MODEL_JUMP_CONTEXT ? h / 3 : MODEL_JUMP_CONTEXT;
    if (!v->jumping || v->jump_width != c->width) {
        /* Start from what the pane shows now: the tail on the bottom row. (A new height
         * alone, as when the steer prompt closes at the turn's end, keeps the top row.) */
        v->jump_top = tail;
        model_rows_back(c, &v->jump_top, h - 1);
        v->jumping = true;
        v->jump_width = c->width;
    } else {
        model_rows_fwd(c, &v->jump_top, 0); /* onto a row start again (a grown line) */
    }
    ModelRowPos p = v->jump_top;
    size_t n = 1 + model_rows_fwd(c, &p, h); /* rows from jump_top to the tail, at most h+1 */
    if (n > h) {
        v->jump_top = tail;
        n = 1 + model_rows_back(c, &v->jump_top, ctx);
    }
    return n;
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
    model_rows_reset(v->rows);
    v->jumping = false;
    v->tr = t;
    v->tr_count = n;
    v->have_caret = false; /* a position in the old transcript means nothing here */
    model_view_follow(v);
}

void model_view_draw_body(ModelView *v, Grid *g, Rect r, const Transcript *t)
{
    grid_fill(g, r.x, r.y, r.w, r.h, STYLE_MODEL_TEXT);
    check_transcript(v, t);
    v->last_first = NULL;
    v->last_got = 0;
    if (r.w <= 0 || r.h <= 0) {
        v->pending = 0;
        return;
    }
    /* long-line slots are keyed by width and mode: a resize re-wraps */
    ModelRowsCtx c = {.rows = v->rows, .t = t, .width = r.w, .code_scroll = v->code_scroll,
                      .code_bce = v->bce, .hscroll = v->hscroll,
                      .show_reasoning = v->show_reasoning};
    ModelRowPos tail;
    bool any = model_rows_tail(&c, &tail);
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
        v->cnt_before += model_rows_back(&c, &v->anchor, (size_t)v->pending);
        v->cnt_gen = 0;
    } else if (v->pending < 0 && !v->follow) {
        size_t m = model_rows_fwd(&c, &v->anchor, (size_t)-v->pending);
        below_after_fwd(v, m);
    }
    v->pending = 0;
    if (v->focus)
        caret_apply(v, &c, tail, h, hc);

    if (!v->follow) {
        /* Never leave the top of the pane empty: keep hc rows at or above the anchor. */
        ModelRowPos p = v->anchor;
        size_t above = model_rows_back(&c, &p, hc - 1);
        if (above < hc - 1) {
            size_t m = model_rows_fwd(&c, &v->anchor, hc - 1 - above);
            below_after_fwd(v, m);
        }
        update_below(v, &c);
        if (v->below == 0)
            model_view_follow(v);
    }

    if (v->ndesc < h) {
        v->desc = xrealloc(v->desc, h * sizeof *v->desc);
        v->ndesc = h;
    }
    size_t want = v->follow ? h : hc;
    ModelRowPos bottom = v->follow ? tail : v->anchor;
    if (v->focus)
        caret_clamp(v, &c, bottom, want);
    if (v->jumps && v->follow && !v->focus && (streaming(t) || v->jumping))
        want = jump_rows(v, &c, tail, h);
    else
        v->jumping = false;
    size_t got = collect_up(&c, bottom, want, v->desc);
    const RowDesc *first = v->desc + (want - got); /* top-aligned when the text is short */
    for (size_t i = 0; i < got; i++) {
        paint_row(v, &c, g, r.x, r.y + (int)i, r.w, &first[i]);
        ModelRowPos p = pos_of_desc(&first[i]);
        if (v->focus && pos_cmp(&p, &v->caret) == 0)
            restyle(g, r.x, r.x + r.w, r.y + (int)i, STYLE_SELECTION);
    }
    v->last_shown = want;
    v->last_body = r;
    v->last_first = first;
    v->last_got = got;
    if (!v->follow && h > 1) {
        char msg[96];
        int n = snprintf(msg, sizeof msg, "\xe2\x86\x93 %zu more  (%s: follow)", v->below,
                         v->focus ? "End" : "Alt-End");
        int y = r.y + r.h - 1;
        grid_fill(g, r.x, y, r.w, 1, STYLE_MODEL_NOTE);
        grid_put_text(g, r.x, y, r.x + r.w, msg, (size_t)n, STYLE_MODEL_NOTE, STYLE_CONTROL, r.x, 0);
    }
}

void model_view_draw_title(Grid *g, Rect r, const char *model, TurnState turn,
                           bool for_link)
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
    case TURN_STREAMING: /* the rate is the status line's (one figure changing, not two) */
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
    case TURN_WAITING:
        /* Short: the pane is often 40 columns; the status line says Esc cancels. */
        snprintf(state, sizeof state, "%s", for_link ? "waiting for connection" : "rate limited");
        break;
    case TURN_STALLED:
        snprintf(state, sizeof state, "stalled");
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
                          session_waiting_for_link(s));
    if (v->focus) { /* the focused pane: a marker and the accent style on its title */
        grid_put_text(g, r.x, r.y, r.x + r.w, "\xe2\x96\xb6", 3, STYLE_STATUS_ACCENT,
                      STYLE_CONTROL, r.x, 0);
        restyle(g, r.x, r.x + r.w, r.y, STYLE_STATUS_ACCENT);
    }
    /* One column of margin keeps the text off the divider (and lines up with the title). */
    int pad = r.w > 2 ? 1 : 0;
    grid_fill(g, r.x, r.y + 1, pad, r.h - 1, STYLE_MODEL_TEXT);
    model_view_draw_body(v, g, (Rect){r.x + pad, r.y + 1, r.w - pad, r.h - 1},
                         session_transcript(s));
}
