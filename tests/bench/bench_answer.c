/* bench_answer: using a 1 MB answer (issue 8 item 10), median of 7 each: the code block under
 * a position at its end (copy and insert do this once per key), a search find at its end and
 * a count of every match (the answer pane's incremental search runs one per keystroke), and
 * the Markdown export of the conversation. Figures, never assertions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "core/strbuf.h"
#include "session/answer_blocks.h"
#include "session/answer_search.h"
#include "session/export.h"
#include "session/search.h"
#include "session/transcript.h"

#define RUNS 7

typedef enum { B_BLOCK, B_FIND, B_COUNT, B_EXPORT, B_N } Which;

int main(void)
{
    /* Prose and ```c blocks of 20 lines, as answers are, to 1 MB; a needle at the end. */
    StrBuf sb = {0};
    while (sb.len < 1000 * 1000) {
        sb_puts(&sb, "Here is the next part; it walks the list once and flips each pointer.\n\n"
                     "```c\n");
        for (int i = 0; i < 20; i++)
            sb_puts(&sb, "    struct node *next = head->next; /* remember the rest */\n");
        sb_puts(&sb, "```\n\n");
    }
    sb_puts(&sb, "needle\n```c\nint last;\n```\n");
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "reverse the list", 16);
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, sb.data, sb.len);
    Search *needle = search_new(), *many = search_new();
    ErrorBuf err = {{0}};
    if (!search_set_pattern(needle, "needle", 6, SEARCH_ICASE, &err) ||
        !search_set_pattern(many, "next", 4, SEARCH_ICASE, &err)) {
        fprintf(stderr, "bench_answer: %s\n", err.msg);
        return 1;
    }
    double ms[B_N][RUNS];
    size_t blocks = 0, matches = 0, md_len = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ms();
        AnswerBlock b;
        if (answer_block_at(sb.data, sb.len, sb.len - 3, &b))
            blocks++;
        ms[B_BLOCK][r] = now_ms() - t0;
        t0 = now_ms();
        AnswerMatch m;
        bool wrapped;
        answer_search_find(needle, t, 0, 0, SEARCH_FORWARD, &m, &wrapped);
        ms[B_FIND][r] = now_ms() - t0;
        t0 = now_ms();
        matches = answer_search_count(many, t, NULL, NULL);
        ms[B_COUNT][r] = now_ms() - t0;
        t0 = now_ms();
        StrBuf md = {0};
        export_markdown(t, "gpt-test", "now", &md);
        md_len = md.len;
        sb_free(&md);
        ms[B_EXPORT][r] = now_ms() - t0;
    }
    for (int w = 0; w < B_N; w++)
        sort_ms(ms[w], RUNS);
    printf("\nusing a %.1f MB answer (%zu code blocks), median of %d:\n", (double)sb.len / 1e6,
           answer_block_count(sb.data, sb.len), RUNS);
    printf("  the code block under a position at its end   %7.2f ms\n", ms[B_BLOCK][RUNS / 2]);
    printf("  search: find a match at its end             %7.2f ms\n", ms[B_FIND][RUNS / 2]);
    printf("  search: count %zu matches (per keystroke)  %7.2f ms  (JIT %s)\n", matches,
           ms[B_COUNT][RUNS / 2], search_jit(many) ? "on" : "off");
    printf("  export to Markdown (%zu bytes)           %7.2f ms\n", md_len, ms[B_EXPORT][RUNS / 2]);
    (void)blocks;
    search_free(needle);
    search_free(many);
    transcript_free(t);
    sb_free(&sb);
    return 0;
}
