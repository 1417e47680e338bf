/* Fuzz target: Markdown in the answer pane (ui/markdown.c, ui/markdown_layout.c,
 * ui/markdown_paint.c, ui/model_rows.c) on arbitrary bytes streamed in arbitrary splits.
 * The first bytes choose the pane width (1-96), sideways code scrolling and the split points;
 * the rest is the answer. Invariants: md_block's prefix stays in the line and md_inline sets
 * only its attribute bits; no crash at any split, with the view drawn after every delta; the
 * rows of every line cover it in order (start <= end <= next, each row starts where the last
 * one's next was, and progresses); a prose row never takes more columns than the pane unless
 * it holds a single character; the frame after the last delta equals the frame of a fresh
 * view given the whole answer at once (streaming never leaves stale layout behind). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/transcript.h"
#include "ui/grid.h"
#include "ui/markdown.h"
#include "ui/markdown_layout.h"
#include "ui/model_rows.h"
#include "ui/model_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)      \
    do {                \
        if (!(c))       \
            abort();    \
    } while (0)

#define ROWS 12

static void check_lines(const char *t, size_t n)
{
    static uint8_t attr[1 << 16];
    size_t ls = 0;
    while (ls <= n) {
        const char *nl = memchr(t + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - t) : n;
        MdBlock b;
        md_block(t + ls, le - ls, &b);
        REQUIRE(b.prefix <= le - ls);
        md_inline(t + ls, le - ls, attr);
        for (size_t i = 0; i < le - ls; i++)
            REQUIRE((attr[i] & 0x80) == 0);
        if (!nl)
            break;
        ls = le + 1;
    }
}

static void check_rows(const Transcript *tr, int width, bool scroll)
{
    ModelRows *mr = model_rows_new();
    ModelRowsCtx c = {.rows = mr, .t = tr, .width = width, .code_scroll = scroll};
    ModelRowPos pos;
    if (model_rows_head(&c, &pos)) {
        ModelSeg s = pos.seg;
        size_t segs = 0;
        do {
            size_t cnt;
            const ModelRowSpan *rows = model_rows_of(&c, s, &cnt);
            REQUIRE(cnt >= 1);
            if (s.kind == MODEL_SEG_LINE) {
                REQUIRE(rows[0].start == s.start);
                for (size_t k = 0; k < cnt; k++) {
                    REQUIRE(rows[k].start <= rows[k].end && rows[k].end <= rows[k].next);
                    REQUIRE(rows[k].next <= s.end);
                    if (k + 1 < cnt) {
                        REQUIRE(rows[k + 1].start == rows[k].next);
                        REQUIRE(rows[k].next > rows[k].start);
                    }
                }
                REQUIRE(rows[cnt - 1].next == s.end || rows[cnt - 1].end == s.end);
                MdLine ml;
                model_rows_md_line(&c, s.entry, s.start, s.end, &ml);
                const char *text = transcript_entry(tr, s.entry)->text.data;
                if (ml.kind == MDL_PROSE) {
                    for (size_t k = 0; k < cnt; k++) {
                        int avail = width - (k == 0 ? ml.deco_w : ml.cont_w);
                        int w = md_text_width(text + s.start, rows[k].start - s.start,
                                              rows[k].end - s.start, ml.attr);
                        if (w > avail) { /* only a single wide or escaped character */
                            size_t vis = 0;
                            for (size_t i = rows[k].start; i < rows[k].end; i++)
                                if (!(ml.attr[i - s.start] & MD_A_HIDE) &&
                                    ((unsigned char)text[i] & 0xC0) != 0x80)
                                    vis++;
                            REQUIRE(vis <= 1 + 32); /* its marks ride along */
                        }
                    }
                }
            }
            REQUIRE(++segs < (1u << 20));
        } while (model_rows_seg_next(&c, &s));
    }
    model_rows_free(mr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 1 << 14)
        return 0;
    int width = 1 + data[0] % 96;
    bool scroll = data[1] & 1;
    unsigned step = 1 + data[2] % 61;
    const char *t = (const char *)data + 3;
    size_t n = size - 3;
    check_lines(t, n);

    Transcript *tr = transcript_new();
    transcript_add(tr, ENTRY_USER, ENTRY_DONE, "q", 1);
    size_t e = transcript_add(tr, ENTRY_ANSWER, ENTRY_OPEN, "", 0);
    ModelView *v = model_view_new();
    model_view_set_code_scroll(v, scroll);
    model_view_set_code_bce(v, data[1] & 2);
    if (scroll)
        model_view_hscroll(v, data[1] >> 2);
    Grid *g = grid_new(width, ROWS), *fresh = grid_new(width, ROWS);
    Rect r = {0, 0, width, ROWS};
    for (size_t p = 0; p < n;) {
        size_t k = n - p < step ? n - p : step;
        transcript_append(tr, e, t + p, k);
        p += k;
        model_view_draw_body(v, g, r, tr);
        step = 1 + (step * 7 + (unsigned)k) % 61;
    }
    transcript_finish(tr, e, ENTRY_DONE, NULL);
    model_view_draw_body(v, g, r, tr);
    check_rows(tr, width, scroll);

    ModelView *v2 = model_view_new();
    model_view_set_code_scroll(v2, scroll);
    model_view_set_code_bce(v2, data[1] & 2);
    if (scroll)
        model_view_hscroll(v2, data[1] >> 2);
    model_view_draw_body(v2, fresh, r, tr);
    for (int y = 0; y < ROWS; y++)
        REQUIRE(grid_row_equal(g, fresh, y));
    model_view_free(v2);
    model_view_free(v);
    grid_free(g);
    grid_free(fresh);
    transcript_free(tr);
    return 0;
}
