/* bench_syntax: syntax highlighting costs, printed beside targets (figures, not assertions).
 *   1. highlight cost per visible line of C (flint's own sources), from scratch;
 *   2. the first frame after a jump to the end of a 100 MB C file: the frame's budgeted slice
 *      (the visible lines are drawn plain until their states are known), and how many frames
 *      and how long until they are coloured;
 *   3. an edit at the top of a 10 MB file whose states are all known: sync + the states of a
 *      60-line window after it (a keystroke's cost), and an edit that opens a comment.
 *   bench_syntax SOURCE.c... (make bench passes the tree's .c files) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/highlight.h"
#include "themes/syntax.h"

#define FRAME_BUDGET ((size_t)128 << 10) /* = SYNTAX_VIEW_FRAME_BUDGET (ui/syntax_view.h) */

static unsigned step(const void *lang, unsigned state, const char *s, size_t len)
{
    return syntax_line(lang, state, s, len, NULL);
}

static double ms_since(uint64_t t0) { return (double)(clock_now_ns() - t0) / 1e6; }

static void read_into(StrBuf *sb, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(sb, buf, n);
    fclose(f);
}

static Text *text_of_size(const StrBuf *src, size_t size)
{
    StrBuf sb = {0};
    while (sb.len < size)
        sb_append(&sb, src->data, src->len);
    Text *t = text_new();
    text_set(t, sb.data, sb.len);
    sb_free(&sb);
    return t;
}

int main(int argc, char **argv)
{
    SyntaxSet *set = syntax_set_load_default();
    const Syntax *c = syntax_set_find(set, "c", 1);
    if (!c) {
        fprintf(stderr, "bench_syntax: no C rules found\n");
        return 1;
    }
    StrBuf src = {0};
    for (int i = 1; i < argc; i++)
        read_into(&src, argv[i]);
    if (src.len == 0)
        sb_puts(&src, "static int f(int a) { return a + 1; /* c */ }\n");

    /* 1. per visible line */
    Text *t = text_new();
    text_set(t, src.data, src.len);
    size_t lines = text_line_count(t), bytes = 0;
    SyntaxTokens tk = {0};
    uint64_t t0 = clock_now_ns();
    unsigned st = 0;
    for (int rep = 0; rep < 5; rep++) {
        st = 0;
        for (size_t i = 0; i < lines; i++) {
            size_t len;
            const char *s = text_line(t, i, &len);
            tk.n = 0;
            st = syntax_line(c, st, s, len, &tk);
            bytes += len;
        }
    }
    double per_line_us = ms_since(t0) * 1e3 / (double)(5 * lines);
    printf("syntax: highlight per visible C line        %8.2f us   (target < 20 us: a 60-line "
           "frame < 1.2 ms)   [%zu lines, %.0f MB/s]\n",
           per_line_us, lines, (double)bytes / (ms_since(t0) / 1e3) / 1e6);
    text_free(t);

    /* 2. jump to the end of 100 MB */
    t = text_of_size(&src, (size_t)100 << 20);
    lines = text_line_count(t);
    Highlighter *h = highlighter_new(step, c);
    highlighter_sync(h, t);
    t0 = clock_now_ns();
    size_t budget = FRAME_BUDGET;
    bool known = highlighter_state(h, t, lines - 60, &budget, &st);
    double first = ms_since(t0);
    int frames = 1;
    double worst = first;
    while (!known) {
        uint64_t f0 = clock_now_ns();
        budget = FRAME_BUDGET;
        known = highlighter_state(h, t, lines - 1, &budget, &st);
        double ms = ms_since(f0);
        worst = ms > worst ? ms : worst;
        frames++;
    }
    printf("syntax: first frame at the end of 100 MB C  %8.2f ms   (target < 16 ms; a guessed "
           "highlight from 200 lines up, exact after %d frames, %.1f s at 60 fps; worst slice "
           "%.2f ms)\n",
           first, frames, frames / 60.0, worst);
    highlighter_free(h);
    text_free(t);

    /* 3. an edit at the top of 10 MB */
    t = text_of_size(&src, (size_t)10 << 20);
    lines = text_line_count(t);
    h = highlighter_new(step, c);
    highlighter_sync(h, t);
    budget = (size_t)-1;
    highlighter_state(h, t, lines - 1, &budget, &st);
    t0 = clock_now_ns();
    text_insert(t, (TextPos){10, 0}, "x", 1);
    highlighter_sync(h, t);
    for (size_t i = 0; i < 60; i++) {
        budget = FRAME_BUDGET;
        highlighter_state(h, t, i, &budget, &st);
    }
    double edit = ms_since(t0);
    t0 = clock_now_ns();
    text_insert(t, (TextPos){10, 0}, "\n", 1); /* a line added: the state array shifts */
    highlighter_sync(h, t);
    for (size_t i = 0; i < 60; i++) {
        budget = FRAME_BUDGET;
        highlighter_state(h, t, i, &budget, &st);
    }
    double newline = ms_since(t0);
    t0 = clock_now_ns();
    text_insert(t, (TextPos){10, 0}, "/*", 2);
    highlighter_sync(h, t);
    budget = FRAME_BUDGET;
    for (size_t i = 0; i < 60; i++)
        highlighter_state(h, t, i, &budget, &st);
    double comment = ms_since(t0);
    printf("syntax: edit at the top of 10 MB            %8.3f ms   (target < 1 ms; a newline "
           "there %.3f ms; opening a comment %.3f ms: the rest settles lazily)\n",
           edit, newline, comment);
    highlighter_free(h);
    text_free(t);
    syntax_tokens_free(&tk);
    sb_free(&src);
    syntax_set_free(set);
    return 0;
}
