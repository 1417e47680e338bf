/* bench_markdown: Markdown in the answer pane, printed beside targets (figures, not
 * assertions).
 *   1. laying out a 1 MB Markdown answer (prose, lists, quotes, tables, code): every row from
 *      the first to the last through the row engine, at 78 and 158 columns;
 *   2. streaming it in 4-byte deltas (a token) into a 160x45 pane: a frame every 33 deltas
 *      (1000 tokens/s at 30 fps) and a frame after every delta (the worst case), per delta,
 *      early (first 10%) and late (last 10%): the cost per delta must not grow with the
 *      answer (O(new text));
 *   3. one frame while scrolled to the middle of the finished answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "session/transcript.h"
#include "ui/grid.h"
#include "ui/model_rows.h"
#include "ui/model_view.h"

static double ms_since(uint64_t t0) { return (double)(clock_now_ns() - t0) / 1e6; }

static const char chunk[] =
    "## Step %d: what changes\n"
    "\n"
    "The function **parses** the header, then *validates* each field with `check_field()`;\n"
    "see [the spec](https://example.com/spec#section) for the details of every case.\n"
    "\n"
    "- first point about the change, long enough to wrap in a narrow pane at a word\n"
    "  - a nested point with `inline_code`\n"
    "1. numbered item\n"
    "> a quote from the reviewer about this step\n"
    "\n"
    "| field | size | meaning |\n"
    "|-------|-----:|---------|\n"
    "| len | 4 | bytes that follow |\n"
    "| kind | 1 | the record's type |\n"
    "\n"
    "```c\n"
    "static int parse_header(const unsigned char *buf, size_t len, struct header *out)\n"
    "{\n"
    "    if (len < 5) return -1; /* too short for the fixed part of the header */\n"
    "    out->len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | buf[2] << 8 | buf[3];\n"
    "    return 0;\n"
    "}\n"
    "```\n\n";

static void make_answer(StrBuf *sb, size_t size)
{
    char tmp[sizeof chunk + 16];
    for (int i = 0; sb->len < size; i++) {
        int n = snprintf(tmp, sizeof tmp, chunk, i);
        sb_append(sb, tmp, (size_t)n);
    }
}

static double layout_all(const Transcript *t, int width, size_t *rows_out)
{
    ModelRows *mr = model_rows_new();
    ModelRowsCtx c = {.rows = mr, .t = t, .width = width};
    uint64_t t0 = clock_now_ns();
    ModelRowPos p;
    size_t rows = 0;
    if (model_rows_head(&c, &p)) {
        rows = 1;
        size_t m;
        while ((m = model_rows_fwd(&c, &p, 4096)) > 0)
            rows += m;
    }
    double ms = ms_since(t0);
    model_rows_free(mr);
    *rows_out = rows;
    return ms;
}

/* Streams text in 4-byte deltas, a frame every `every` deltas; us per delta over the first
 * and the last 10% of the text. */
static void stream(const StrBuf *a, int every, double *early, double *late)
{
    const int W = 160, H = 45;
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "q", 1);
    size_t e = transcript_add(t, ENTRY_ANSWER, ENTRY_OPEN, "", 0);
    ModelView *v = model_view_new();
    Grid *g = grid_new(W, H);
    size_t tenth = a->len / 10, n_e = 0, n_l = 0;
    double ms_e = 0, ms_l = 0;
    int k = 0;
    bool skipped = every != 1;
    for (size_t p = 0; p < a->len; p += 4) {
        size_t d = a->len - p < 4 ? a->len - p : 4;
        bool in_e = p < tenth, in_l = p >= a->len - tenth;
        uint64_t t0 = clock_now_ns();
        transcript_append(t, e, a->data + p, d);
        if (++k % every == 0)
            model_view_draw_body(v, g, (Rect){0, 0, W, H}, t);
        double ms = ms_since(t0);
        if (in_e) {
            ms_e += ms;
            n_e++;
        } else if (in_l) {
            ms_l += ms;
            n_l++;
        } else if (!skipped) { /* per-delta frames: the middle is appended unframed */
            skipped = true;
            size_t to = (a->len - tenth) & ~(size_t)3;
            transcript_append(t, e, a->data + p + d, to - p - d);
            p = to - 4;
        }
    }
    *early = n_e ? ms_e * 1000 / (double)n_e : 0;
    *late = n_l ? ms_l * 1000 / (double)n_l : 0;
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
}

int main(void)
{
    StrBuf a = {0};
    make_answer(&a, (size_t)1 << 20);
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "q", 1);
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, a.data, a.len);
    size_t rows78, rows158;
    double l78 = layout_all(t, 78, &rows78), l158 = layout_all(t, 158, &rows158);

    double e33, l33, e1, l1;
    stream(&a, 33, &e33, &l33);
    stream(&a, 1, &e1, &l1);

    /* a frame scrolled back to the middle of the finished answer */
    ModelView *v = model_view_new();
    Grid *g = grid_new(160, 45);
    model_view_draw_body(v, g, (Rect){0, 0, 160, 45}, t);
    model_view_scroll(v, (int)(rows158 / 2));
    model_view_draw_body(v, g, (Rect){0, 0, 160, 45}, t);
    uint64_t t0 = clock_now_ns();
    for (int i = 0; i < 100; i++)
        model_view_draw_body(v, g, (Rect){0, 0, 160, 45}, t);
    double mid = ms_since(t0) / 100;

    printf("\nmarkdown: a %zu-byte Markdown answer (prose, lists, quotes, tables, code)\n", a.len);
    printf("  lay out every row, 78 cols:  %8.1f ms  (%zu rows, %.0f MB/s)\n", l78, rows78,
           (double)a.len / 1e3 / l78);
    printf("  lay out every row, 158 cols: %8.1f ms  (%zu rows)\n", l158, rows158);
    printf("  stream 4-byte deltas, 160x45, frame every 33 deltas: %.2f us/delta early, "
           "%.2f us/delta late  (target: flat)\n", e33, l33);
    printf("  stream 4-byte deltas, 160x45, frame every delta:     %.1f us/delta early, "
           "%.1f us/delta late  (flat: O(new text))\n", e1, l1);
    printf("  frame scrolled to the middle, 160x45: %.3f ms\n", mid);
    model_view_free(v);
    grid_free(g);
    transcript_free(t);
    sb_free(&a);
    return 0;
}
