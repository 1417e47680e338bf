/* session/journal: the writer and the reader. A round trip of every record type; the file
 * created only at the first record, 0600 in a 0700 directory; a torn last line skipped and
 * reported; a damaged middle line skipped and counted; a reopened journal that ended in a torn
 * line goes on on a line of its own; a directory that cannot be made (a path through a regular
 * file: the same as root and as anyone) and a full disk (a write error injected through the
 * JournalIo seam) break the journal with a message a user understands; the 100 ms flush policy
 * with a fake clock; the listing for --resume (this directory only, newest first, only
 * conversations that asked something) and finding by ID. Files live in a mkdtemp directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "harness.h"
#include "session/journal.h"

static char tmp[64];
static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/flint-journal.XXXXXX");
    if (!mkdtemp(tmp))
        abort();
    fake_now = 1000 * NS_PER_MS;
    clock_set_source(fake_clock);
}

static void teardown(void)
{
    StrBuf cmd = {0};
    sb_printf(&cmd, "rm -rf '%s'", tmp);
    if (system(cmd.data) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    sb_free(&cmd);
    clock_set_source(NULL);
}

static Journal *new_journal(const char *dir, const char *cwd, const JournalIo *io)
{
    static const char *const files[] = {"/src/a.c", "/src/b \"quoted\".c"};
    JournalConfig jc = {.dir = dir, .cwd = cwd, .model = "gpt-5.3-codex-spark",
                        .provider = "openai", .files = files, .n_files = 2, .io = io};
    return journal_new(&jc);
}

static void slurp(const char *path, StrBuf *out)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(out, buf, n);
    if (f)
        fclose(f);
}

static void append_raw(const char *path, const char *bytes)
{
    FILE *f = fopen(path, "ab");
    fputs(bytes, f);
    fclose(f);
}

static void test_round_trip(void)
{
    setup();
    StrBuf dir = {0};
    sb_printf(&dir, "%s/state/flint/sessions", tmp);
    Journal *j = new_journal(dir.data, "/src", NULL);
    CHECK_STR_EQ(journal_path(j), "");  /* nothing on disk before the first record */
    struct stat st;
    CHECK(stat(dir.data, &st) != 0);
    ErrorBuf err;
    CHECK(journal_question(j, "why \"this\"?\n\tline 2 \x01 é", &err));
    CHECK(journal_path(j)[0] != '\0');
    CHECK(stat(dir.data, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(stat(journal_path(j), &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(journal_answer_text(j, "Because ", 8, &err));
    CHECK(journal_answer_text(j, "it is.", 6, &err));
    CHECK(journal_steer(j, "shorter", &err));
    CHECK(journal_answer_text(j, "OK.", 3, &err));
    CHECK(journal_queue(j, true, "next one", &err));
    CHECK(journal_queue(j, false, "next one", &err));
    CHECK(journal_turn_end(j, ENTRY_INCOMPLETE, "max_output_tokens", &err));
    CHECK(journal_hunk(j, "/src/a.c", "h3", JOURNAL_HUNK_STALE, &err));
    CHECK(journal_note(j, "a note", &err));
    CHECK(journal_file(j, "/src/c.c", &err));
    CHECK(journal_turn_end(j, ENTRY_DONE, NULL, &err));
    StrBuf path = {0};
    sb_puts(&path, journal_path(j));
    const char *id = journal_id(j);
    CHECK(strlen(id) == strlen("20261207-054512-1a2b"));
    CHECK(strstr(path.data, id) != NULL);
    journal_free(j);

    JournalLog log;
    CHECK(journal_read(path.data, &log, &err));
    CHECK_INT_EQ(log.version, JOURNAL_VERSION);
    CHECK_STR_EQ(log.cwd, "/src");
    CHECK_STR_EQ(log.model, "gpt-5.3-codex-spark");
    CHECK_STR_EQ(log.provider, "openai");
    CHECK(log.start > 0);
    CHECK_INT_EQ(log.n_files, 2);
    if (log.n_files == 2)
        CHECK_STR_EQ(log.files[1], "/src/b \"quoted\".c");
    CHECK_INT_EQ(log.damaged, 0);
    CHECK(!log.torn_last);
    static const JournalRecordKind kinds[] = {JR_QUESTION, JR_TEXT, JR_STEER, JR_TEXT,
                                              JR_QUEUE_ADD, JR_QUEUE_REMOVE, JR_END, JR_HUNK,
                                              JR_NOTE, JR_FILE, JR_END};
    CHECK_INT_EQ(log.n, sizeof kinds / sizeof *kinds);
    for (size_t i = 0; i < log.n && i < sizeof kinds / sizeof *kinds; i++)
        CHECK_INT_EQ(log.recs[i].kind, kinds[i]);
    if (log.n == sizeof kinds / sizeof *kinds) {
        CHECK_STR_EQ(log.recs[0].text, "why \"this\"?\n\tline 2 \x01 é");
        CHECK_STR_EQ(log.recs[1].text, "Because it is."); /* pieces held until a record */
        CHECK_STR_EQ(log.recs[3].text, "OK.");
        CHECK_INT_EQ(log.recs[6].state, ENTRY_INCOMPLETE);
        CHECK_STR_EQ(log.recs[6].detail, "max_output_tokens");
        CHECK_STR_EQ(log.recs[7].text, "/src/a.c");
        CHECK_STR_EQ(log.recs[7].detail, "h3");
        CHECK_INT_EQ(log.recs[7].decision, JOURNAL_HUNK_STALE);
        CHECK_STR_EQ(log.recs[9].text, "/src/c.c");
        CHECK_INT_EQ(log.recs[10].state, ENTRY_DONE);
        CHECK(log.recs[10].detail == NULL);
    }
    journal_log_free(&log);
    /* One record per line, nothing else. */
    StrBuf raw = {0};
    slurp(path.data, &raw);
    size_t lines = 0;
    for (size_t i = 0; i < raw.len; i++)
        lines += raw.data[i] == '\n';
    CHECK_INT_EQ(lines, 12);
    CHECK(raw.len && raw.data[raw.len - 1] == '\n');
    sb_free(&raw);
    sb_free(&path);
    sb_free(&dir);
    teardown();
}

/* A journal with a question and some text, closed; its path into path. */
static void small_journal(StrBuf *path)
{
    Journal *j = new_journal(tmp, "/src", NULL);
    ErrorBuf err;
    CHECK(journal_question(j, "q1", &err));
    CHECK(journal_answer_text(j, "part", 4, &err));
    CHECK(journal_flush(j, &err));
    sb_puts(path, journal_path(j));
    journal_free(j);
}

static void test_torn_last_line(void)
{
    setup();
    StrBuf path = {0};
    small_journal(&path);
    append_raw(path.data, "{\"t\":\"text\",\"s\":\"cut sh");
    JournalLog log;
    ErrorBuf err;
    CHECK(journal_read(path.data, &log, &err));
    CHECK(log.torn_last);
    CHECK_INT_EQ(log.damaged, 0);
    CHECK_INT_EQ(log.n, 2);
    journal_log_free(&log);

    /* Reopened: the torn line is ended, and what follows is read; the torn one is now a
     * damaged line in the middle. */
    Journal *j = journal_reopen(path.data, NULL, &err);
    CHECK(j != NULL);
    CHECK(journal_question(j, "q2", &err));
    journal_free(j);
    CHECK(journal_read(path.data, &log, &err));
    CHECK(!log.torn_last);
    CHECK_INT_EQ(log.damaged, 1);
    CHECK_INT_EQ(log.n, 3);
    if (log.n == 3)
        CHECK_STR_EQ(log.recs[2].text, "q2");
    journal_log_free(&log);
    sb_free(&path);
    teardown();
}

static void test_damaged_middle_line(void)
{
    setup();
    StrBuf path = {0};
    small_journal(&path);
    append_raw(path.data, "not json at all\n{\"t\":\"end\",\"state\":\"bogus\"}\n"
                          "{\"t\":\"later-kind\",\"x\":1}\n{\"t\":\"end\",\"state\":\"done\"}\n");
    JournalLog log;
    ErrorBuf err;
    CHECK(journal_read(path.data, &log, &err));
    CHECK_INT_EQ(log.damaged, 2); /* the garbage and the unknown state; a later kind is fine */
    CHECK(!log.torn_last);
    CHECK_INT_EQ(log.n, 3);
    if (log.n == 3)
        CHECK_INT_EQ(log.recs[2].kind, JR_END);
    journal_log_free(&log);
    /* Not a journal at all: an error, not a crash. */
    StrBuf other = {0};
    sb_printf(&other, "%s/other.jsonl", tmp);
    append_raw(other.data, "hello\n");
    CHECK(!journal_read(other.data, &log, &err));
    CHECK(strstr(err.msg, "not a flint conversation journal") != NULL);
    sb_free(&other);
    sb_free(&path);
    teardown();
}

static void test_unwritable_dir(void)
{
    setup();
    StrBuf file = {0}, dir = {0};
    sb_printf(&file, "%s/plain", tmp);
    append_raw(file.data, "x");
    sb_printf(&dir, "%s/sessions", file.data); /* under a regular file: ENOTDIR, even as root */
    Journal *j = new_journal(dir.data, "/src", NULL);
    ErrorBuf err;
    CHECK(!journal_question(j, "q", &err));
    CHECK(strstr(err.msg, "cannot create the conversation journal") != NULL);
    CHECK(strstr(err.msg, "Not a directory") != NULL);
    CHECK(journal_broken(j));
    CHECK(!journal_note(j, "later", &err)); /* broken: every write fails at once */
    CHECK(!journal_answer_text(j, "x", 1, &err));
    journal_free(j);
    sb_free(&file);
    sb_free(&dir);
    teardown();
}

/* A disk that fills up after `budget` bytes: a short write, then ENOSPC. */
static size_t budget;
static ssize_t full_write(int fd, const void *buf, size_t n)
{
    if (budget == 0)
        return errno = ENOSPC, -1;
    size_t w = n < budget ? n : budget;
    budget -= w;
    return write(fd, buf, w);
}
static int ok_fsync(int fd)
{
    (void)fd;
    return 0;
}

static void test_disk_full(void)
{
    setup();
    JournalIo io = {full_write, ok_fsync};
    budget = 4096;
    Journal *j = new_journal(tmp, "/src", &io);
    ErrorBuf err;
    CHECK(journal_question(j, "fits", &err));
    budget = 10; /* the next line is cut after 10 bytes */
    CHECK(!journal_question(j, "does not fit in what is left", &err));
    CHECK(strstr(err.msg, "cannot write the conversation journal") != NULL);
    CHECK(strstr(err.msg, "No space left on device") != NULL);
    CHECK(journal_broken(j));
    budget = 4096;
    CHECK(!journal_question(j, "after", &err)); /* given up: no half-kept conversation */
    StrBuf path = {0};
    sb_puts(&path, journal_path(j));
    journal_free(j);
    JournalLog log;
    CHECK(journal_read(path.data, &log, &err));
    CHECK(log.torn_last);
    CHECK_INT_EQ(log.n, 1);
    journal_log_free(&log);
    sb_free(&path);
    teardown();
}

static size_t count_text_records(const char *path)
{
    JournalLog log;
    ErrorBuf err;
    size_t n = 0;
    if (!journal_read(path, &log, &err))
        return 0;
    for (size_t i = 0; i < log.n; i++)
        n += log.recs[i].kind == JR_TEXT;
    journal_log_free(&log);
    return n;
}

static void test_flush_policy(void)
{
    setup();
    Journal *j = new_journal(tmp, "/src", NULL);
    ErrorBuf err;
    CHECK(journal_question(j, "q", &err));
    CHECK_INT_EQ(journal_flush_due_ns(j), 0); /* nothing pending: no timer */
    uint64_t t0 = fake_now;
    CHECK(journal_answer_text(j, "a", 1, &err));
    CHECK_INT_EQ(journal_flush_due_ns(j), t0 + JOURNAL_FLUSH_NS);
    fake_now = t0 + 60 * NS_PER_MS;
    CHECK(journal_answer_text(j, "b", 1, &err));
    /* the oldest pending byte decides */
    CHECK_INT_EQ(journal_flush_due_ns(j), t0 + JOURNAL_FLUSH_NS);
    fake_now = t0 + JOURNAL_FLUSH_NS - 1;
    CHECK(journal_tick(j, &err));
    CHECK_INT_EQ(count_text_records(journal_path(j)), 0);
    fake_now = t0 + JOURNAL_FLUSH_NS;
    CHECK(journal_tick(j, &err));
    CHECK_INT_EQ(count_text_records(journal_path(j)), 1);
    CHECK_INT_EQ(journal_flush_due_ns(j), 0); /* idle again */
    /* A turn end writes what is pending first. */
    CHECK(journal_answer_text(j, "c", 1, &err));
    CHECK(journal_turn_end(j, ENTRY_DONE, NULL, &err));
    CHECK_INT_EQ(count_text_records(journal_path(j)), 2);
    CHECK_INT_EQ(journal_flush_due_ns(j), 0);
    journal_free(j);
    teardown();
}

static void set_mtime(const char *path, time_t t)
{
    struct timeval tv[2] = {{t, 0}, {t, 0}};
    utimes(path, tv);
}

static void test_list_and_find(void)
{
    setup();
    ErrorBuf err;
    StrBuf p[4] = {{0}};
    const char *cwds[4] = {"/here", "/here", "/elsewhere", "/here"};
    for (int i = 0; i < 4; i++) {
        Journal *j = new_journal(tmp, cwds[i], NULL);
        char q[32];
        snprintf(q, sizeof q, "question %d\nsecond line", i);
        if (i == 3)
            CHECK(journal_note(j, "never asked", &err));
        else
            CHECK(journal_question(j, q, &err));
        if (i == 1)
            CHECK(journal_question(j, "again", &err));
        sb_puts(&p[i], journal_path(j));
        journal_free(j);
        set_mtime(p[i].data, 1700000000 + i * 100);
    }
    JournalInfo *infos;
    size_t n = journal_list(tmp, "/here", 10, &infos);
    CHECK_INT_EQ(n, 2); /* not another directory's, not one that never asked */
    if (n == 2) {
        CHECK_STR_EQ(infos[0].path, p[1].data); /* newest first */
        CHECK_INT_EQ(infos[0].turns, 2);
        CHECK_STR_EQ(infos[0].first_question, "question 1\nsecond line");
        CHECK_STR_EQ(infos[1].path, p[0].data);
    }
    journal_list_free(infos, n);
    n = journal_list(tmp, "/here", 1, &infos);
    CHECK_INT_EQ(n, 1);
    if (n == 1)
        CHECK_STR_EQ(infos[0].path, p[1].data);
    journal_list_free(infos, n);
    CHECK_INT_EQ(journal_list("/nonexistent/dir", "/here", 10, &infos), 0);

    const char *base = strrchr(p[2].data, '/') + 1;
    char id[64];
    snprintf(id, sizeof id, "%.*s", (int)(strlen(base) - 6), base);
    StrBuf found = {0};
    CHECK(journal_find(tmp, id, &found, &err));
    CHECK_STR_EQ(found.data, p[2].data);
    sb_reset(&found);
    CHECK(!journal_find(tmp, "2", &found, &err)); /* every ID starts with the year */
    CHECK(strstr(err.msg, "give more of the ID") != NULL);
    CHECK(!journal_find(tmp, "19990101", &found, &err));
    CHECK(strstr(err.msg, "no conversation") != NULL);
    sb_free(&found);
    for (int i = 0; i < 4; i++)
        sb_free(&p[i]);
    teardown();
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_torn_last_line);
    RUN(test_damaged_middle_line);
    RUN(test_unwritable_dir);
    RUN(test_disk_full);
    RUN(test_flush_policy);
    RUN(test_list_and_find);
    return harness_done();
}
