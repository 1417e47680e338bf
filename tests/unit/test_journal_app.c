/* app/journal_app through a headless App (app/app.h) on a fake transport: a question is in
 * the journal as soon as it is asked, streamed text only once the journal timer fires (armed
 * only while text is pending; app_tick fires it), the turn's end after it; Ctrl-Q in the middle
 * of an answer ends the turn as interrupted; a resumed conversation shows its questions and
 * answers (a partial one marked interrupted), resends them as history with the next
 * question and goes on in the same file; a journal that cannot be written is said once in the
 * status line and the question still goes out; --resume's list (Down, Enter reopens; Esc
 * starts a new conversation). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/journal_app.h"
#include "core/xalloc.h"
#include "session/session.h"
#include "session/journal.h"
#include "session/transcript.h"
#include "session/wire_json.h"
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

static char tmp[64];

static bool rig_open_pick(AppRig *r, const char *dir, const char *resume, bool pick)
{
    app_rig_init(r);
    r->cfg.journal_dir = dir;
    r->cfg.resume_path = resume;
    r->cfg.resume_pick = pick;
    return app_rig_start(r, true);
}

static bool rig_open(AppRig *r, const char *dir, const char *resume)
{
    return rig_open_pick(r, dir, resume, false);
}

static void ask(AppRig *r, const char *q)
{
    app_rig_keys(r, "\x0b"); /* Ctrl-K */
    app_rig_keys(r, q);
    app_rig_keys(r, "\r");
}

static bool file_has(const char *path, const char *s)
{
    char *data = read_file(path, NULL);
    bool has = data && strstr(data, s);
    free(data);
    return has;
}

static const TranscriptEntry *entry(AppRig *r, size_t i)
{
    const Transcript *t = session_transcript(app_session(r->app));
    return i < transcript_count(t) ? transcript_entry(t, i) : NULL;
}

static void test_question_text_end(void)
{
    AppRig r;
    if (!rig_open(&r, tmp, NULL))
        return;
    CHECK_STR_EQ(journal_app_path(r.app), ""); /* nothing asked, no file */
    ask(&r, "first question");
    StrBuf path = {0};
    sb_puts(&path, journal_app_path(r.app));
    CHECK(path.len > 0);
    CHECK(file_has(path.data, "{\"t\":\"question\",\"s\":\"first question\"}"));
    CHECK_INT_EQ(r.fake->nsent, 1);
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "Hello ");
    app_rig_server_delta(&r, "there.");
    CHECK(!file_has(path.data, "Hello")); /* pending: within the flush interval */
    app_tick(r.app);                      /* the journal timer fires */
    CHECK(file_has(path.data, "{\"t\":\"text\",\"s\":\"Hello there.\"}"));
    app_rig_server_delta(&r, " More.");
    app_rig_server_completed(&r, "resp_1");
    CHECK(file_has(path.data, "{\"t\":\"text\",\"s\":\" More.\"}\n{\"t\":\"end\",\"state\":\"done\"}"));

    /* A second turn, quit in its middle: the turn ends as interrupted. */
    ask(&r, "second");
    app_rig_server_created(&r, "resp_2");
    app_rig_server_delta(&r, "partial");
    app_free(r.app);
    CHECK(file_has(path.data, "{\"t\":\"text\",\"s\":\"partial\"}\n{\"t\":\"end\",\"state\":"
                              "\"interrupted\",\"detail\":\"flint quit\"}"));
    sb_free(&path);
}

static void test_resume(void)
{
    /* A journal as `kill -9` leaves it: a finished turn, then a question and part of its
     * answer, then a torn line. */
    StrBuf path = {0};
    sb_printf(&path, "%s/20261207-101010-abcd.jsonl", tmp);
    FILE *f = fopen(path.data, "wb");
    fputs("{\"t\":\"flint-journal\",\"v\":1,\"cwd\":\"/x\",\"start\":1,\"model\":\"m\","
          "\"provider\":\"\",\"files\":[]}\n"
          "{\"t\":\"question\",\"s\":\"old question\"}\n"
          "{\"t\":\"text\",\"s\":\"old answer\"}\n"
          "{\"t\":\"end\",\"state\":\"done\"}\n"
          "{\"t\":\"queue\",\"op\":\"add\",\"s\":\"queued one\"}\n"
          "{\"t\":\"hunk\",\"file\":\"/x/a.c\",\"id\":\"2\",\"decision\":\"accepted\"}\n"
          "{\"t\":\"question\",\"s\":\"cut question\"}\n"
          "{\"t\":\"text\",\"s\":\"half an ans\"}\n"
          "{\"t\":\"text\",\"s\":\"wer, cut sh", f);
    fclose(f);
    AppRig r;
    if (!rig_open(&r, tmp, path.data))
        return;
    const TranscriptEntry *e;
    CHECK((e = entry(&r, 0)) && e->kind == ENTRY_USER && strcmp(e->text.data, "old question") == 0);
    CHECK((e = entry(&r, 1)) && e->kind == ENTRY_ANSWER && e->state == ENTRY_DONE &&
          strcmp(e->text.data, "old answer") == 0);
    CHECK((e = entry(&r, 2)) && e->kind == ENTRY_NOTE && strstr(e->text.data, "accepted"));
    CHECK((e = entry(&r, 3)) && e->kind == ENTRY_USER);
    CHECK((e = entry(&r, 4)) && e->kind == ENTRY_ANSWER && e->state == ENTRY_INTERRUPTED &&
          strcmp(e->text.data, "half an ans") == 0);
    CHECK((e = entry(&r, 5)) && e->kind == ENTRY_NOTE && strstr(e->text.data, "queued one"));
    size_t nq = 0;
    const char *const *q = journal_app_restored_queue(r.app, &nq);
    CHECK_INT_EQ(nq, 1);
    if (nq == 1)
        CHECK_STR_EQ(q[0], "queued one");
    CHECK(strstr(app_message(r.app), "Resumed 2 questions") != NULL);
    CHECK(strstr(app_message(r.app), "cut short") != NULL);
    CHECK_STR_EQ(journal_app_path(r.app), path.data);

    /* The next question carries the conversation (nothing is chained on a new connection). */
    ask(&r, "new question");
    CHECK_INT_EQ(r.fake->nsent, 1);
    const char *sent = transport_fake_sent(r.fake, 0, NULL);
    CHECK(sent && strstr(sent, "old question") && strstr(sent, "old answer") &&
          strstr(sent, "half an ans") && strstr(sent, "new question"));
    app_free(r.app);
    /* Appended to the same file, on a line of its own after the torn one. */
    JournalLog log;
    ErrorBuf err;
    CHECK(journal_read(path.data, &log, &err));
    CHECK_INT_EQ(log.damaged, 1);
    /* the question, the exact message it went out as (question + editor context), its end */
    CHECK(log.n >= 3 && log.recs[log.n - 3].kind == JR_QUESTION &&
          strcmp(log.recs[log.n - 3].text, "new question") == 0);
    CHECK(log.n >= 3 && log.recs[log.n - 2].kind == JR_MESSAGE &&
          strncmp(log.recs[log.n - 2].text, "new question", 12) == 0);
    journal_log_free(&log);
    sb_free(&path);
}

/* A resumed conversation resends each earlier question exactly as it went out, editor
 * context included (the provider's prefix cache still applies), not just its words. */
static void test_resume_same_bytes(void)
{
    StrBuf dir = {0};
    sb_printf(&dir, "%s/same", tmp);
    AppRig r;
    if (!rig_open(&r, dir.data, NULL))
        return;
    app_rig_keys(&r, "zebra-ctx-42"); /* in the buffer: the first question's context carries it */
    ask(&r, "first question");
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "first answer");
    app_rig_server_completed(&r, "resp_1");
    char *path = xstrdup(journal_app_path(r.app));
    app_free(r.app);

    if (!rig_open(&r, dir.data, path))
        return;
    CHECK_INT_EQ(text_byte_count(buffer_text(session_buffer(app_session(r.app)))), 0);
    ask(&r, "second question");
    const char *sent = transport_fake_sent(r.fake, 0, NULL);
    CHECK(sent && strstr(sent, "zebra-ctx-42") && strstr(sent, "first answer") &&
          strstr(sent, "second question"));
    app_free(r.app);
    free(path);
    sb_free(&dir);
}

static void test_write_error(void)
{
    StrBuf file = {0}, dir = {0};
    sb_printf(&file, "%s/plain", tmp);
    FILE *f = fopen(file.data, "wb");
    fclose(f);
    sb_printf(&dir, "%s/sessions", file.data);
    AppRig r;
    if (!rig_open(&r, dir.data, NULL))
        return;
    ask(&r, "still asked");
    CHECK(strstr(app_message(r.app), "not being kept") != NULL);
    CHECK_INT_EQ(r.fake->nsent, 1); /* flint goes on */
    app_rig_server_created(&r, "resp_1");
    app_rig_server_delta(&r, "fine");
    app_tick(r.app);
    app_rig_server_completed(&r, "resp_1");
    app_free(r.app);
    sb_free(&file);
    sb_free(&dir);
}

static size_t count_journals(const char *dir)
{
    JournalInfo *infos;
    char cwd[4096];
    size_t n = journal_list(dir, getcwd(cwd, sizeof cwd) ? cwd : ".", 100, &infos);
    journal_list_free(infos, n);
    return n;
}

/* flint --resume: the list of this directory's conversations; Down + Enter reopens the older
 * one; Esc instead starts a new conversation (its own journal at the first question). */
static void test_resume_list(void)
{
    StrBuf dir = {0};
    sb_printf(&dir, "%s/list", tmp);
    const char *qs[2] = {"the older question", "the newer question"};
    for (int i = 0; i < 2; i++) {
        AppRig r;
        if (!rig_open(&r, dir.data, NULL))
            return;
        ask(&r, qs[i]);
        app_rig_server_created(&r, "resp_1");
        app_rig_server_delta(&r, i ? "newer answer" : "older answer");
        app_rig_server_completed(&r, "resp_1");
        StrBuf path = {0};
        sb_puts(&path, journal_app_path(r.app));
        app_free(r.app);
        struct timeval tv[2] = {{1700000000 + i * 60, 0}, {1700000000 + i * 60, 0}};
        CHECK(utimes(path.data, tv) == 0); /* the newer one is newer, whatever the clock */
        sb_free(&path);
    }
    CHECK_INT_EQ(count_journals(dir.data), 2);
    AppRig r;
    if (!rig_open_pick(&r, dir.data, NULL, true))
        return;
    CHECK_INT_EQ(app_mode(r.app), MODE_RESUME_LIST);
    CHECK(app_rig_screen_has(&r, "Resume a conversation"));
    CHECK(app_rig_screen_has(&r, "1 question   the newer question"));
    CHECK(app_rig_screen_has(&r, "1 question   the older question"));
    app_rig_keys(&r, "\x1b[B"); /* Down */
    app_rig_keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    const TranscriptEntry *e = entry(&r, 0);
    CHECK(e && strcmp(e->text.data, "the older question") == 0);
    CHECK(strstr(app_message(r.app), "Resumed 1 question") != NULL);
    app_free(r.app);

    if (!rig_open_pick(&r, dir.data, NULL, true))
        return;
    app_rig_keys(&r, "\x1b"); /* Esc: a new conversation */
    app_tick(r.app);
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK(entry(&r, 0) == NULL);
    ask(&r, "a third");
    CHECK_INT_EQ(count_journals(dir.data), 3);
    app_free(r.app);
    sb_free(&dir);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/flint-journal-app.XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    RUN(test_question_text_end);
    RUN(test_resume);
    RUN(test_resume_same_bytes);
    RUN(test_write_error);
    RUN(test_resume_list);
    StrBuf cmd = {0};
    sb_printf(&cmd, "rm -rf '%s'", tmp);
    if (system(cmd.data) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    sb_free(&cmd);
    return harness_done();
}
