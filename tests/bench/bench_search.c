/* bench_search: search figures on a 100 MB text (make bench prints them; no assertions).
 *
 * The text: ~1.3 M lines of pseudo-random words (fixed seed), "needle_at_the_end" once on
 * the last line, "flint" on about one line in eight. Prints, each beside its target:
 *   - one-shot find of the needle from the top, literal and regex;
 *   - the same find in slices of SLICE_BYTES: p50 / p99 / max time per slice (a slice runs
 *     in one frame, so it must stay well under 16 ms);
 *   - counting every "flint" (sliced, total time);
 *   - replace-all of "flint" in a loaded Buffer (one undo step), and undoing it.
 * Usage: bench_search [MEGABYTES] (default 100). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "session/buffer.h"
#include "session/search.h"

#define SLICE_BYTES (4u << 20)

static uint64_t rng = 42;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)((rng >> 33) % n);
}

static void row(const char *what, const char *value, const char *target)
{
    printf("%-52s %-24s %s\n", what, value, target);
}

static void find_figures(const Text *t, const char *pat, unsigned flags, const char *name)
{
    Search *s = search_new();
    ErrorBuf err = {{0}};
    if (!search_set_pattern(s, pat, strlen(pat), flags, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    SearchResult r;
    double t0 = now_ms();
    SearchStatus st = search_find(s, t, (TextPos){0, 0}, SEARCH_FORWARD, &r);
    double one = now_ms() - t0;
    char what[128], val[64];
    snprintf(what, sizeof what, "find at the end, one shot, %s%s", name, search_jit(s) ? " (JIT)" : "");
    snprintf(val, sizeof val, "%.1f ms%s", one, st == SEARCH_FOUND ? "" : " NOT FOUND");
    row(what, val, "(blocks: the UI slices instead)");

    size_t cap = 4096, n = 0;
    double *slices = malloc(cap * sizeof *slices);
    search_begin(s, (TextPos){0, 0}, SEARCH_FORWARD);
    double total0 = now_ms();
    do {
        double a = now_ms();
        st = search_step(s, t, SLICE_BYTES, &r);
        if (n < cap)
            slices[n++] = now_ms() - a;
    } while (st == SEARCH_MORE);
    double total = now_ms() - total0;
    sort_ms(slices, n);
    snprintf(what, sizeof what, "  sliced (%u MiB/slice): %zu slices, p50 / p99 / max", SLICE_BYTES >> 20, n);
    snprintf(val, sizeof val, "%.2f / %.2f / %.2f ms", slices[n / 2], slices[n * 99 / 100],
             slices[n - 1]);
    row(what, val, "slice < 8 ms");
    snprintf(val, sizeof val, "%.1f ms", total);
    row("  sliced, whole find", val, "about the one-shot time");
    free(slices);
    search_free(s);
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 100;
    size_t want = mb << 20;
    static const char *const words[] = {"int", "return", "static", "const", "char", "size_t",
                                        "buffer", "line", "for", "while", "if", "else", "x",
                                        "value", "{", "}", "(", ");", "=", "+", "0", "1"};
    StrBuf sb = {0};
    sb_reserve(&sb, want + 256);
    while (sb.len < want) {
        size_t nw = 3 + rnd(14);
        for (size_t w = 0; w < nw; w++) {
            sb_puts(&sb, words[rnd(sizeof words / sizeof words[0])]);
            sb_putc(&sb, ' ');
        }
        if (rnd(8) == 0)
            sb_puts(&sb, "flint");
        sb_putc(&sb, '\n');
    }
    sb_puts(&sb, "last line: needle_at_the_end\n");
    Text *t = text_new();
    double t0 = now_ms();
    text_set(t, sb.data, sb.len);
    printf("\nflint search bench: %.1f MB, %zu lines (load into Text: %.0f ms)\n\n",
           sb.len / 1e6, text_line_count(t), now_ms() - t0);
    printf("%-52s %-24s %s\n", "metric", "value", "target");

    find_figures(t, "needle_at_the_end", 0, "literal");
    find_figures(t, "needle_\\w+_end\\b", SEARCH_REGEX, "regex");
    find_figures(t, "NEEDLE_AT_THE_END", SEARCH_ICASE, "literal, caseless");

    Search *s = search_new();
    search_set_pattern(s, "flint", 5, 0, NULL);
    t0 = now_ms();
    size_t slices = 0;
    while (!search_count_step(s, t, 1, SLICE_BYTES))
        slices++;
    double count_ms = now_ms() - t0;
    SearchCount c = search_count_get(s, t, 1, (TextPos){0, 0});
    char val[64], what[128];
    snprintf(what, sizeof what, "count all \"flint\" (%zu matches, %zu slices)", c.total, slices + 1);
    snprintf(val, sizeof val, "%.1f ms", count_ms);
    row(what, val, "< 1 s, sliced");
    text_free(t);

    /* replace-all on a loaded Buffer */
    char path[] = "/tmp/flint-bench-search-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, sb.data, sb.len) != (ssize_t)sb.len) {
        perror("bench file");
        return 1;
    }
    close(fd);
    sb_free(&sb);
    Buffer *b = buffer_new();
    ErrorBuf err = {{0}};
    if (!buffer_open(b, path, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    unlink(path);
    size_t n;
    t0 = now_ms();
    search_replace_all(s, b, "FLINT!", 6, &n, &err);
    double rep_ms = now_ms() - t0;
    snprintf(what, sizeof what, "replace all \"flint\" (%zu, one undo step)", n);
    snprintf(val, sizeof val, "%.1f ms", rep_ms);
    row(what, val, "< 2 s (not sliced)");
    t0 = now_ms();
    buffer_undo(b);
    snprintf(val, sizeof val, "%.1f ms", now_ms() - t0);
    row("  undo of it", val, "< 2 s");
    buffer_free(b);
    search_free(s);
    return 0;
}
