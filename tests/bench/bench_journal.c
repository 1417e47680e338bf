/* bench_journal: what keeping the conversation costs while an answer streams. 200,000 deltas
 * of 4 bytes handed to the Journal at 1,000 and 50,000 deltas/s of a fake clock, with the
 * flush policy the app runs (a timer at journal_flush_due_ns); printed: write() calls per
 * second of answer, bytes on disk per 1,000 deltas, CPU time per delta; then the time of a
 * turn's end (a line + fsync, median of 15) in a fresh directory under $TMPDIR (default
 * /tmp). Figures, not assertions. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "session/journal.h"

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }
static size_t writes;
static ssize_t counting_write(int fd, const void *buf, size_t n)
{
    writes++;
    return write(fd, buf, n);
}

static Journal *open_journal(const char *dir, const JournalIo *io)
{
    JournalConfig jc = {.dir = dir, .cwd = "/bench", .model = "m", .io = io};
    Journal *j = journal_new(&jc);
    ErrorBuf err;
    if (!journal_question(j, "stream as fast as you can", &err))
        fprintf(stderr, "bench_journal: %s\n", err.msg);
    return j;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/flint-bench-journal.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const size_t deltas = 200000;
    const unsigned rates[] = {1000, 50000};
    JournalIo io = {counting_write, NULL};
    printf("\njournal while streaming (%zu deltas of 4 bytes, fake clock)\n\n", deltas);
    printf("%-10s  %-22s  %-20s  %s\n", "deltas/s", "write() per s of answer", "bytes per 1k deltas",
           "CPU per delta (us)");
    clock_set_source(fake_clock);
    for (size_t r = 0; r < sizeof rates / sizeof *rates; r++) {
        fake_now = NS_PER_SEC;
        writes = 0;
        Journal *j = open_journal(dir, &io);
        size_t w0 = writes;
        ErrorBuf err;
        uint64_t step = NS_PER_SEC / rates[r];
        double t0 = now_ms();
        for (size_t i = 0; i < deltas; i++) {
            fake_now += step;
            journal_answer_text(j, "tok ", 4, &err);
            uint64_t due = journal_flush_due_ns(j);
            if (due && fake_now >= due) /* the loop timer firing */
                journal_flush(j, &err);
        }
        double t1 = now_ms();
        journal_flush(j, &err);
        struct stat st;
        stat(journal_path(j), &st);
        double secs = (double)deltas / rates[r];
        printf("%-10u  %-22.1f  %-20.0f  %.3f\n", rates[r], (double)(writes - w0) / secs,
               (double)st.st_size / ((double)deltas / 1000), (t1 - t0) * 1000 / (double)deltas);
        unlink(journal_path(j));
        journal_free(j);
    }
    clock_set_source(NULL);
    Journal *j = open_journal(dir, NULL);
    double t[15];
    for (int i = 0; i < 15; i++) {
        ErrorBuf err;
        journal_answer_text(j, "an answer\n", 10, &err);
        double a = now_ms();
        journal_turn_end(j, ENTRY_DONE, NULL, &err);
        t[i] = now_ms() - a;
    }
    sort_ms(t, 15);
    printf("\nturn end (text + end line + fsync), median / max: %.2f / %.2f ms (%s)\n", t[7], t[14],
           dir);
    unlink(journal_path(j));
    journal_free(j);
    rmdir(dir);
    return 0;
}
