/* Fuzz target: fenced code blocks of an answer (session/answer_blocks.c) and its export
 * (session/export.c) on arbitrary bytes, model output being untrusted. Invariants: blocks are
 * in order, inside the text and non-overlapping, body inside the block; every prefix of the
 * text cut after a line (a streaming answer) finds the same block starts, the blocks closed
 * in it ending where they end in the whole text, the open one at the cut; a body is never longer than its block; answer_block_at agrees with the walk; the
 * export of a transcript holding the bytes never fails and closes every block it opens. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/strbuf.h"
#include "session/answer_blocks.h"
#include "session/export.h"
#include "session/transcript.h"

#define MAXB 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *t = (const char *)data;
    AnswerBlock all[MAXB];
    size_t n = 0, pos = 0, prev_end = 0;
    AnswerBlock b;
    while (n < MAXB && answer_block_next(t, size, &pos, &b)) {
        REQUIRE(b.start >= prev_end && b.start < b.end && b.end <= size);
        REQUIRE(b.body_start <= b.body_end && b.body_end <= b.end && b.body_start > b.start);
        REQUIRE(b.info_start <= b.info_end && b.info_end <= b.body_start);
        REQUIRE(pos == b.end);
        StrBuf body = {0};
        answer_block_body(t, &b, &body);
        REQUIRE(body.len <= b.body_end - b.body_start + 1);
        sb_free(&body);
        AnswerBlock at;
        REQUIRE(answer_block_at(t, size, b.start, &at) && at.start == b.start);
        all[n++] = b;
        prev_end = b.end;
    }
    /* A prefix of whole lines: what a streaming answer shows (a partial last line may look
     * like a fence until the rest of it arrives, so the cut is after a '\n'). */
    size_t cut = size ? data[0] % (size + 1) : 0;
    while (cut > 0 && t[cut - 1] != '\n')
        cut--;
    pos = 0;
    for (size_t i = 0; answer_block_next(t, cut, &pos, &b); i++) {
        REQUIRE(i < n || n == MAXB);
        if (i >= n)
            break;
        REQUIRE(b.start == all[i].start);
        REQUIRE(b.closed ? b.end == all[i].end : b.end == cut);
    }
    Transcript *tr = transcript_new();
    transcript_add(tr, ENTRY_USER, ENTRY_DONE, t, size);
    size_t e = transcript_add(tr, ENTRY_ANSWER, ENTRY_OPEN, t, size);
    transcript_finish(tr, e, ENTRY_INTERRUPTED, NULL);
    StrBuf md = {0};
    export_markdown(tr, "m", "now", &md);
    REQUIRE(md.len >= size);
    sb_free(&md);
    transcript_free(tr);
    return 0;
}
