/* session/answer_search: search.c's patterns over the transcript: forward from a position and
 * wrapping, backward, matches in questions and notes too, counts and the current match's
 * number, regex and case, a line with more matches than a chunk, against a naive literal
 * search over random transcripts (fixed seed); a match at the end of a 1 MB answer (its
 * timings are tests/bench/bench_answer.c's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "harness.h"
#include "session/answer_search.h"
#include "session/search.h"
#include "session/transcript.h"

static Search *pat(const char *p, unsigned flags)
{
    Search *s = search_new();
    ErrorBuf err = {{0}};
    CHECK(search_set_pattern(s, p, strlen(p), flags, &err));
    return s;
}

static Transcript *sample(void)
{
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_USER, ENTRY_DONE, "find the node", 13);            /* 0 */
    const char *a = "A node here.\nNo match.\nnode node\n";
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, a, strlen(a));                 /* 1 */
    transcript_add(t, ENTRY_NOTE, ENTRY_DONE, "Node in a note", 14);           /* 2 */
    return t;
}

static void test_find(void)
{
    Transcript *t = sample();
    Search *s = pat("node", SEARCH_ICASE);
    AnswerMatch m;
    bool wrapped;
    CHECK(answer_search_find(s, t, 0, 0, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 0 && m.start == 9 && m.end == 13 && !wrapped);
    CHECK(answer_search_find(s, t, 0, 10, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 2 && !wrapped);
    CHECK(answer_search_find(s, t, 1, 3, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 23); /* "node node" line */
    CHECK(answer_search_find(s, t, 1, 24, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 28);
    CHECK(answer_search_find(s, t, 1, 29, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 2 && m.start == 0 && !wrapped); /* case ignored: "Node" */
    CHECK(answer_search_find(s, t, 2, 1, SEARCH_FORWARD, &m, &wrapped));
    CHECK(m.entry == 0 && m.start == 9 && wrapped);
    /* backward */
    CHECK(answer_search_find(s, t, 2, 0, SEARCH_BACKWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 28 && !wrapped);
    CHECK(answer_search_find(s, t, 1, 28, SEARCH_BACKWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 23);
    CHECK(answer_search_find(s, t, 1, 23, SEARCH_BACKWARD, &m, &wrapped));
    CHECK(m.entry == 1 && m.start == 2);
    CHECK(answer_search_find(s, t, 0, 9, SEARCH_BACKWARD, &m, &wrapped));
    CHECK(m.entry == 2 && m.start == 0 && wrapped);
    /* counts and the number of a match */
    size_t idx;
    AnswerMatch at = {1, 23, 27};
    CHECK_INT_EQ(answer_search_count(s, t, &at, &idx), 5);
    CHECK_INT_EQ(idx, 3);
    search_free(s);
    /* case: "Node" only in the note */
    s = pat("Node", 0);
    CHECK_INT_EQ(answer_search_count(s, t, NULL, NULL), 1);
    search_free(s);
    /* regex; an empty-matching one finds the non-empty matches only */
    s = pat("no(de)? ?", SEARCH_REGEX);
    CHECK_INT_EQ(answer_search_count(s, t, NULL, NULL), 5);
    search_free(s);
    s = pat("x*", SEARCH_REGEX);
    CHECK(!answer_search_find(s, t, 0, 0, SEARCH_FORWARD, &m, &wrapped));
    CHECK_INT_EQ(answer_search_count(s, t, NULL, NULL), 0);
    search_free(s);
    /* nothing in an empty transcript */
    Transcript *e = transcript_new();
    s = pat("a", 0);
    CHECK(!answer_search_find(s, e, 0, 0, SEARCH_FORWARD, &m, &wrapped));
    CHECK(!answer_search_find(s, e, 0, 0, SEARCH_BACKWARD, &m, &wrapped));
    search_free(s);
    transcript_free(e);
    transcript_free(t);
}

static void test_crowded_line(void)
{
    /* 1000 matches on one line: more than a chunk of search_line_matches. */
    StrBuf sb = {0};
    for (int i = 0; i < 1000; i++)
        sb_puts(&sb, "ab ");
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, sb.data, sb.len);
    Search *s = pat("ab", 0);
    AnswerMatch m;
    bool wrapped;
    CHECK_INT_EQ(answer_search_count(s, t, NULL, NULL), 1000);
    CHECK(answer_search_find(s, t, 0, 2000, SEARCH_FORWARD, &m, &wrapped));
    CHECK_INT_EQ(m.start, 2001);
    CHECK(answer_search_find(s, t, 0, 2000, SEARCH_BACKWARD, &m, &wrapped));
    CHECK_INT_EQ(m.start, 1998);
    search_free(s);
    sb_free(&sb);
    transcript_free(t);
}

/* Random transcripts of a small alphabet against a naive literal search. */
static void test_random(void)
{
    srand(7);
    for (int round = 0; round < 200; round++) {
        Transcript *t = transcript_new();
        int ne = 1 + rand() % 4;
        for (int e = 0; e < ne; e++) {
            char buf[64];
            int n = rand() % 60;
            for (int i = 0; i < n; i++)
                buf[i] = "ab\n"[rand() % 3];
            transcript_add(t, (EntryKind)(rand() % 3), ENTRY_DONE, buf, (size_t)n);
        }
        Search *s = pat("ab", 0);
        /* naive: every (entry, start) where "ab" occurs; non-overlapping is the same here */
        size_t want = 0;
        for (size_t e = 0; e < transcript_count(t); e++) {
            const TranscriptEntry *en = transcript_entry(t, e);
            for (size_t i = 0; i + 1 < en->text.len; i++)
                if (en->text.data[i] == 'a' && en->text.data[i + 1] == 'b')
                    want++;
        }
        CHECK_INT_EQ(answer_search_count(s, t, NULL, NULL), want);
        /* walking forward from the top visits want matches before wrapping */
        size_t seen = 0, e = 0, off = 0;
        AnswerMatch m;
        bool wrapped = false;
        while (seen <= want && answer_search_find(s, t, e, off, SEARCH_FORWARD, &m, &wrapped) &&
               !wrapped) {
            const TranscriptEntry *en = transcript_entry(t, m.entry);
            CHECK(memcmp(en->text.data + m.start, "ab", 2) == 0);
            seen++;
            e = m.entry;
            off = m.start + 1;
        }
        CHECK_INT_EQ(seen, want);
        search_free(s);
        transcript_free(t);
    }
}

/* A needle at the end of a 1 MB answer (make bench's bench_answer times this). */
static void test_one_megabyte(void)
{
    StrBuf sb = {0};
    while (sb.len < 1000 * 1000)
        sb_puts(&sb, "    struct node *next = head->next; /* remember the rest */\n");
    sb_puts(&sb, "needle at the end\n");
    Transcript *t = transcript_new();
    transcript_add(t, ENTRY_ANSWER, ENTRY_DONE, sb.data, sb.len);
    Search *s = pat("needle", SEARCH_ICASE);
    AnswerMatch m;
    bool wrapped;
    CHECK(answer_search_find(s, t, 0, 0, SEARCH_FORWARD, &m, &wrapped));
    CHECK_INT_EQ(m.start, sb.len - 18);
    CHECK_INT_EQ(answer_search_count(s, t, &m, NULL), 1);
    search_free(s);
    sb_free(&sb);
    transcript_free(t);
}

int main(void)
{
    RUN(test_find);
    RUN(test_crowded_line);
    RUN(test_random);
    RUN(test_one_megabyte);
    return harness_done();
}
