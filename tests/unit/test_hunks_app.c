/* The review loop in the headless App (app/hunks_app.h): an answer whose patch arrives in
 * small deltas shows its first hunk while the answer still streams; the status line counts
 * the pending hunks; Ctrl-R, n, y; a accept all; r reject all; Esc leaves with the hunks
 * pending; each accept is one undo step (Ctrl-Z inside the review too); a hunk for another
 * file opens it in a buffer; the report for the next request and the decisions' read API.
 * Real key bytes through the real decoder and key tables (as test_app.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/hunks_app.h"
#include "session/transcript.h"
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

/* Types "a" .. "f" on six lines, then asks q. */
static void ask(AppRig *r, const char *id)
{
    app_rig_keys(r, "\x0b"); /* Ctrl-K */
    app_rig_keys(r, "change it");
    app_rig_keys(r, "\r");
    app_rig_server_created(r, id);
}

static const char PATCH[] =
    "Sure.\n*** Begin Patch\n*** Update File: the.txt\n"
    "@@\n a\n-b\n+B\n c\n"
    "@@\n e\n-f\n+F\n"
    "*** End Patch\nDone.\n";

/* Streams text in deltas of `step` bytes. */
static void stream(AppRig *r, const char *text, size_t step)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i += step)
        app_rig_server_delta_n(r, text + i, len - i < step ? len - i : step);
}

static void fill(AppRig *r)
{
    app_rig_keys(r, "a\x0a" "b\x0a" "c\x0a" "d\x0a" "e\x0a" "f"); /* Ctrl-J: a line break */
    CHECK_TEXT(app_rig_buffer(r), "a\nb\nc\nd\ne\nf\n");
}

static void test_live_and_review(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    fill(&r);
    ask(&r, "resp_1");
    /* the first hunk is out as soon as the second one's "@@" arrives, mid-answer */
    const char *second = strstr(PATCH, "@@\n e");
    size_t upto = (size_t)(second - PATCH) + 3;
    char head[256];
    memcpy(head, PATCH, upto);
    head[upto] = '\0';
    stream(&r, head, 3);
    app_tick(r.app);
    CHECK(session_busy(app_session(r.app)));
    CHECK_INT_EQ(hunks_count(hunks_app_set(r.app)), 1);
    CHECK(app_rig_screen_shows(&r, "1 hunk pending (Ctrl-R review)"));
    CHECK(app_rig_screen_shows(&r, "  + B")); /* the added line, inline */
    stream(&r, PATCH + upto, 1);
    app_rig_server_completed(&r, "resp_1");
    app_tick(r.app);
    CHECK(app_rig_screen_shows(&r, "2 hunks pending (Ctrl-R review)"));
    CHECK_TEXT(app_rig_buffer(&r), "a\nb\nc\nd\ne\nf\n"); /* nothing applied yet */

    app_rig_keys(&r, "\x12"); /* Ctrl-R */
    CHECK_INT_EQ(app_mode(r.app), MODE_REVIEW);
    CHECK(app_rig_screen_shows(&r, "Hunk 1/2: y accept"));
    CHECK(app_rig_screen_shows(&r, "  > @@ hunk 1/2: y accept, n reject")); /* above the hunk */
    CHECK_INT_EQ(buffer_cursor(app_rig_buffer(&r)).line, 0);
    app_rig_keys(&r, "x"); /* ignored in the review */
    CHECK_TEXT(app_rig_buffer(&r), "a\nb\nc\nd\ne\nf\n");
    app_rig_keys(&r, "\t"); /* the next one */
    CHECK_INT_EQ(buffer_cursor(app_rig_buffer(&r)).line, 4);
    app_rig_keys(&r, "y");
    CHECK_TEXT(app_rig_buffer(&r), "a\nb\nc\nd\ne\nF\n");
    CHECK(app_rig_screen_shows(&r, "Hunk 1/1: y accept"));
    app_rig_keys(&r, "n");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK(app_rig_screen_shows(&r, "Accepted 1, rejected 1, stale 0."));
    app_rig_keys(&r, "\x1a"); /* Ctrl-Z: the whole hunk */
    CHECK_TEXT(app_rig_buffer(&r), "a\nb\nc\nd\ne\nf\n");

    /* the decisions: readable, then reported once and forgotten */
    const HunkSet *hs = hunks_app_set(r.app);
    CHECK_INT_EQ(hunks_count(hs), 2);
    CHECK_INT_EQ(hunks_info(hs, 0).state, HUNK_REJECTED);
    CHECK_INT_EQ(hunks_info(hs, 1).state, HUNK_ACCEPTED);
    StrBuf rep = {0};
    CHECK(hunks_app_take_report(r.app, &rep));
    CHECK_STR_EQ(rep.data, "hunk 1 in the.txt: rejected\n"
                           "hunk 2 in the.txt: accepted, then undone or changed by the user\n");
    sb_reset(&rep);
    CHECK(!hunks_app_take_report(r.app, &rep));
    sb_free(&rep);
    app_free(r.app);
}

static void test_all_at_once_and_leave(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    fill(&r);
    ask(&r, "resp_1");
    stream(&r, PATCH, 7);
    app_rig_server_completed(&r, "resp_1");
    app_rig_keys(&r, "\x12");
    app_rig_keys(&r, "\x1b"); /* Esc: leave, still pending */
    app_tick(r.app);
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_rig_keys(&r, "\x07"); /* any key draws */
    CHECK(app_rig_screen_shows(&r, "2 hunks pending"));
    app_rig_keys(&r, "\x12");
    app_rig_keys(&r, "a");
    CHECK_TEXT(app_rig_buffer(&r), "a\nB\nc\nd\ne\nF\n");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_rig_keys(&r, "\x1a");
    CHECK_TEXT(app_rig_buffer(&r), "a\nB\nc\nd\ne\nf\n"); /* one hunk per undo step */
    app_rig_keys(&r, "\x1a");
    CHECK_TEXT(app_rig_buffer(&r), "a\nb\nc\nd\ne\nf\n");

    /* reject all; and a stale hunk (its region edited) is never applied */
    ask(&r, "resp_2");
    stream(&r, PATCH, 5);
    app_rig_server_completed(&r, "resp_2");
    app_rig_keys(&r, "\x1b[A"); /* Up */
    buffer_set_cursor(app_rig_buffer(&r), (TextPos){1, 1});
    app_rig_keys(&r, "!");
    app_rig_keys(&r, "\x12");
    CHECK(app_rig_screen_shows(&r, "Hunk 1/1: y accept"));
    app_rig_keys(&r, "r");
    CHECK_TEXT(app_rig_buffer(&r), "a\nb!\nc\nd\ne\nf\n");
    const HunkSet *hs = hunks_app_set(r.app);
    size_t n = hunks_count(hs);
    CHECK_INT_EQ(hunks_info(hs, n - 2).state, HUNK_STALE);
    CHECK_INT_EQ(hunks_info(hs, n - 1).state, HUNK_REJECTED);
    app_free(r.app);
}

/* The decisions reach the model once, as notes before the next question. */
static void test_decisions_told(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    fill(&r);
    ask(&r, "resp_1");
    stream(&r, PATCH, 4);
    app_rig_server_completed(&r, "resp_1");
    app_rig_keys(&r, "\x12");
    app_rig_keys(&r, "y");
    app_rig_keys(&r, "n");
    transport_fake_clear_sent(r.fake);
    ask(&r, "resp_2");
    const char *sent = transport_fake_sent(r.fake, 0, NULL);
    CHECK(sent && strstr(sent, "hunk 1 in the.txt: accepted"));
    CHECK(sent && strstr(sent, "hunk 2 in the.txt: rejected"));
    app_rig_server_completed(&r, "resp_2");
    transport_fake_clear_sent(r.fake);
    ask(&r, "resp_3");
    sent = transport_fake_sent(r.fake, 0, NULL);
    CHECK(sent && !strstr(sent, "hunk 1 in the.txt")); /* told once */
    app_free(r.app);
}

/* A hunk for a file that is not open opens it (not made current); Add File makes a new one. */
static void test_other_files(void)
{
    if (!tmpdir_create("/tmp/flint-hunks-app-XXXXXX"))
        return;
    char *other = path_in("other.txt");
    write_file(other, "x\ny\n", 4);
    char *fresh = path_in("new.txt");
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(tmpdir) == 0);
    AppRig r;
    if (app_rig_open(&r)) {
        ask(&r, "resp_1");
        stream(&r, "*** Begin Patch\n*** Update File: other.txt\n@@\n x\n-y\n+z\n"
                   "*** Add File: new.txt\n+hello\n*** Update File: /etc/passwd\n@@\n-root\n+x\n"
                   "*** End Patch\n", 9);
        app_rig_server_completed(&r, "resp_1");
        Session *s = app_session(r.app);
        CHECK_INT_EQ(session_buffer_count(s), 3);
        CHECK_INT_EQ(session_buffer_current(s), 0);
        const HunkSet *hs = hunks_app_set(r.app);
        CHECK_INT_EQ(hunks_pending(hs), 2);
        CHECK_INT_EQ(hunks_info(hs, 2).state, HUNK_STALE);
        CHECK_STR_EQ(hunks_info(hs, 2).reason,
                     "/etc/passwd is outside the working directory (open it to allow edits)");
        app_rig_keys(&r, "\x12");
        CHECK_INT_EQ(session_buffer_current(s), 1); /* the review switched to it */
        app_rig_keys(&r, "a");
        CHECK_TEXT(session_buffer_at(s, 1), "x\nz\n");
        CHECK_TEXT(session_buffer_at(s, 2), "hello\n");
        app_rig_keys(&r, "\x13"); /* Ctrl-S saves other.txt */
        CHECK_FILE(other, "x\nz\n");
        app_free(r.app);
    }
    CHECK(chdir(cwd) == 0);
    free(other);
    free(fresh);
    tmpdir_remove();
}

/* A hostile answer of many tiny hunks: the first 500 are taken, the rest ignored (said). */
static void test_too_many_hunks(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    fill(&r);
    ask(&r, "resp_1");
    StrBuf ans = {0};
    for (int i = 0; i < 700; i++)
        sb_puts(&ans, "@@ -1 +1 @@\n-zz\n+y\n");
    stream(&r, ans.data, 4096);
    app_rig_server_completed(&r, "resp_1");
    CHECK_INT_EQ(hunks_count(hunks_app_set(r.app)), 500);
    app_tick(r.app); /* the frame the message asked for */
    CHECK(app_rig_screen_shows(&r, "Over 500 hunks: the rest are ignored."));
    sb_free(&ans);
    app_free(r.app);
}

int main(void)
{
    RUN(test_live_and_review);
    RUN(test_too_many_hunks);
    RUN(test_all_at_once_and_leave);
    RUN(test_other_files);
    RUN(test_decisions_told);
    return harness_done();
}
