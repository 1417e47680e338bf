/* JournalApp (see journal_app.h). It follows the Transcript with a cursor: `seen` entries have
 * been looked at; `open_answer` is the answer entry still streaming (SIZE_MAX: none) and
 * `written` how many of its bytes the Journal has been given. Entries before `seen` never
 * change except that open answer, so a look costs O(new entries + new text).
 *
 * `prewritten` is a question (or steer) journaled before the session saw it
 * (journal_app_question runs before session_ask); the next user entry with that text is it,
 * and is not written again. `files` are the absolute paths already recorded (the header's and
 * the "file" records), so each file is written once. */
#include "app/journal_app.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/buffers.h"
#include "app/resume_pick.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

struct JournalApp {
    Journal *j;
    size_t seen;
    size_t open_answer;
    size_t written;
    char *prewritten;
    bool told;             /* a write error was noticed; quiet from here on */
    ErrorBuf tell;         /* ...and is said at the end of the next sync ("" once said) */
    bool pick;             /* journal_app_resume shows the list */
    size_t buffers_seen;   /* the buffer count at the last look at the files */
    char cwd[PATH_MAX];
    char *resume_path;     /* owned; NULL: a new conversation */
    char *dir, *model, *provider;  /* owned copies of the config's (for a new journal) */
    JournalInfo *infos;    /* MODE_RESUME_LIST: the conversations listed */
    size_t n_infos;
    char **files;
    size_t n_files, files_cap;
    char **queue;          /* restored, still queued */
    size_t n_queue, queue_cap;
};

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
    *v = xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The path as an absolute one (relative to the directory flint runs in). */
static void absolute(const JournalApp *ja, const char *path, StrBuf *out)
{
    if (path[0] == '/')
        sb_puts(out, path);
    else
        sb_printf(out, "%s/%s", ja->cwd, path);
}

static bool has_file(const JournalApp *ja, const char *abs)
{
    for (size_t i = 0; i < ja->n_files; i++)
        if (strcmp(ja->files[i], abs) == 0)
            return true;
    return false;
}

/* A write failed: give the journal up and go on; it is said once, by say_failure at the end
 * of the next sync (the ask path clears the status line after the question went out, so a
 * message set in the middle of it would not be seen). */
static void failed(App *a, const ErrorBuf *err)
{
    JournalApp *ja = a->journal;
    log_msg("journal: %s", err->msg);
    if (!ja->told)
        ja->tell = *err;
    ja->told = true;
    loop_timer_cancel(a->journal_timer);
    journal_free(ja->j);
    ja->j = NULL;
}

static void say_failure(App *a)
{
    JournalApp *ja = a->journal;
    if (!ja->tell.msg[0])
        return;
    app_say(a, true, "%s: this conversation is not being kept (flint goes on).", ja->tell.msg);
    ja->tell.msg[0] = '\0';
}

static void arm(App *a)
{
    uint64_t due = a->journal && a->journal->j ? journal_flush_due_ns(a->journal->j) : 0;
    if (due)
        loop_timer_by(a->journal_timer, due);
    else
        loop_timer_cancel(a->journal_timer);
}

static char *dup_opt(const char *s) { return s ? xstrdup(s) : NULL; }

/* The Journal of a new conversation, with the files open now in its header. */
static void start_new(App *a)
{
    JournalApp *ja = a->journal;
    StrBuf abs = {0};
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        const char *p = buffer_path(session_buffer_at(a->session, i));
        if (!p)
            continue;
        sb_reset(&abs);
        absolute(ja, p, &abs);
        if (!has_file(ja, sb_cstr(&abs)))
            push(&ja->files, &ja->n_files, &ja->files_cap, sb_cstr(&abs));
    }
    sb_free(&abs);
    JournalConfig jc = {.dir = ja->dir, .cwd = ja->cwd, .model = ja->model,
                        .provider = ja->provider,
                        .files = (const char *const *)ja->files, .n_files = ja->n_files};
    ja->j = journal_new(&jc);
}

bool journal_app_init(App *a, const JournalAppConfig *cfg, ErrorBuf *err)
{
    a->journal_timer = loop_timer_new(a->loop, journal_app_timer_fired, a, err);
    if (!a->journal_timer)
        return false;
    JournalApp *ja = xcalloc(1, sizeof *ja);
    a->journal = ja;
    ja->open_answer = SIZE_MAX;
    if (!getcwd(ja->cwd, sizeof ja->cwd))
        snprintf(ja->cwd, sizeof ja->cwd, ".");
    if (!cfg->dir)
        return true; /* no journal */
    ja->dir = xstrdup(cfg->dir);
    ja->model = dup_opt(cfg->model);
    ja->provider = dup_opt(cfg->provider);
    ja->resume_path = dup_opt(cfg->resume_path); /* journal_app_resume reopens it */
    ja->pick = cfg->pick;                         /* ... or lists them */
    if (!ja->resume_path && !ja->pick)
        start_new(a);
    return true;
}

/* Files opened since the last look get a "file" record (once the journal exists: a run that
 * never asks leaves no journal; the first question brings them in). */
static void sync_files(App *a)
{
    JournalApp *ja = a->journal;
    if (!ja->j || !journal_path(ja->j)[0])
        return;
    ja->buffers_seen = session_buffer_count(a->session);
    StrBuf abs = {0};
    for (size_t i = 0; i < session_buffer_count(a->session) && ja->j; i++) {
        const char *p = buffer_path(session_buffer_at(a->session, i));
        if (!p)
            continue;
        sb_reset(&abs);
        absolute(ja, p, &abs);
        if (has_file(ja, sb_cstr(&abs)))
            continue;
        push(&ja->files, &ja->n_files, &ja->files_cap, sb_cstr(&abs));
        ErrorBuf err;
        if (!journal_file(ja->j, sb_cstr(&abs), &err))
            failed(a, &err);
    }
    sb_free(&abs);
}

void journal_app_question(App *a, const char *text)
{
    JournalApp *ja = a->journal;
    if (!ja || !ja->j)
        return;
    journal_app_sync(a); /* an earlier turn's end first: records keep their order */
    if (!ja->j)
        return;
    ErrorBuf err;
    if (!journal_question(ja->j, text, &err)) {
        failed(a, &err);
        return;
    }
    free(ja->prewritten);
    ja->prewritten = xstrdup(text);
    sync_files(a);
}

/* The open answer's new text to the journal; its end when it has ended. */
static bool sync_answer(App *a, const TranscriptEntry *e, ErrorBuf *err)
{
    JournalApp *ja = a->journal;
    if (e->text.len > ja->written) {
        if (!journal_answer_text(ja->j, e->text.data + ja->written, e->text.len - ja->written,
                                 err))
            return false;
        ja->written = e->text.len;
    }
    if (e->state == ENTRY_OPEN)
        return true;
    ja->open_answer = SIZE_MAX;
    return journal_turn_end(ja->j, e->state, e->detail, err);
}

void journal_app_sync(App *a)
{
    JournalApp *ja = a->journal;
    if (!ja)
        return;
    if (!ja->j) {
        say_failure(a);
        return;
    }
    const Transcript *t = session_transcript(a->session);
    ErrorBuf err;
    bool ok = true;
    if (ja->open_answer != SIZE_MAX)
        ok = sync_answer(a, transcript_entry(t, ja->open_answer), &err);
    for (; ok && ja->seen < transcript_count(t); ja->seen++) {
        const TranscriptEntry *e = transcript_entry(t, ja->seen);
        switch (e->kind) {
        case ENTRY_USER:
            if (ja->prewritten && strcmp(ja->prewritten, sb_cstr(&e->text)) == 0) {
                free(ja->prewritten);
                ja->prewritten = NULL;
            } else {
                ok = journal_question(ja->j, sb_cstr(&e->text), &err);
            }
            size_t mlen;
            const char *m = session_sent_message(a->session, ja->seen, &mlen);
            if (ok && m && strlen(m) == mlen) /* composed when asked: the exact bytes */
                ok = journal_message(ja->j, m, &err);
            break;
        case ENTRY_ANSWER:
            ja->open_answer = ja->seen;
            ja->written = 0;
            ok = sync_answer(a, e, &err);
            break;
        case ENTRY_NOTE:
            ok = journal_note(ja->j, sb_cstr(&e->text), &err);
            break;
        }
    }
    if (!ok)
        failed(a, &err);
    else if (session_buffer_count(a->session) != ja->buffers_seen || ja->open_answer == SIZE_MAX)
        sync_files(a); /* not per delta: when a file was opened, or between turns */
    arm(a);
    say_failure(a);
}

void journal_app_timer_fired(void *app)
{
    App *a = app;
    JournalApp *ja = a->journal;
    if (!ja || !ja->j)
        return;
    ErrorBuf err;
    if (!journal_flush(ja->j, &err)) /* its deadline: the oldest pending text's age */
        failed(a, &err);
    arm(a);
    say_failure(a);
}

void journal_app_free(App *a)
{
    JournalApp *ja = a->journal;
    if (!ja)
        return;
    journal_app_sync(a);
    if (ja->j && ja->open_answer != SIZE_MAX) {
        ErrorBuf err;
        if (!journal_turn_end(ja->j, ENTRY_INTERRUPTED, "flint quit", &err))
            log_msg("journal: %s", err.msg);
    }
    journal_free(ja->j);
    free(ja->prewritten);
    free(ja->resume_path);
    free(ja->dir);
    free(ja->model);
    free(ja->provider);
    journal_list_free(ja->infos, ja->n_infos);
    free_strs(ja->files, ja->n_files);
    free_strs(ja->queue, ja->n_queue);
    free(ja);
    a->journal = NULL;
    loop_timer_free(a->journal_timer);
    a->journal_timer = NULL;
}

/* ---- for the features other parts own ---------------------------------------------------- */

#define WRITE_OR_FAIL(a, call)                  \
    do {                                        \
        JournalApp *ja_ = (a)->journal;         \
        if (!ja_ || !ja_->j)                    \
            return;                             \
        journal_app_sync(a);                    \
        if (!ja_->j)                            \
            return;                             \
        ErrorBuf err_;                          \
        if (!(call))                            \
            failed((a), &err_);                 \
    } while (0)

void journal_app_steer(App *a, const char *text)
{
    WRITE_OR_FAIL(a, journal_steer(ja_->j, text, &err_));
    if (a->journal && a->journal->j) {
        free(a->journal->prewritten);
        a->journal->prewritten = xstrdup(text);
    }
}

void journal_app_queue(App *a, bool add, const char *text)
{
    WRITE_OR_FAIL(a, journal_queue(ja_->j, add, text, &err_));
}

void journal_app_hunk(App *a, const char *file, const char *hunk_id, JournalHunkDecision d)
{
    WRITE_OR_FAIL(a, journal_hunk(ja_->j, file, hunk_id, d, &err_));
}

void journal_app_note(App *a, const char *text)
{
    WRITE_OR_FAIL(a, journal_note(ja_->j, text, &err_));
}

const char *const *journal_app_restored_queue(const App *a, size_t *n)
{
    *n = a->journal ? a->journal->n_queue : 0;
    return a->journal ? (const char *const *)a->journal->queue : NULL;
}

const char *journal_app_path(const App *a)
{
    return a->journal && a->journal->j ? journal_path(a->journal->j) : "";
}

/* ---- resuming ----------------------------------------------------------------------------- */

static const char *const DECISION_WORDS[] = {"accepted", "rejected", "stale"};

/* Replays the log into the session's transcript; the files it touched into ja->files. */
static size_t replay(App *a, const JournalLog *log)
{
    JournalApp *ja = a->journal;
    Session *s = a->session;
    StrBuf answer = {0}, note = {0};
    bool open = false; /* a question's answer is being rebuilt */
    size_t last_user = SIZE_MAX; /* the transcript entry of the last question restored */
    size_t turns = 0;
    for (size_t i = 0; i < log->n_files; i++)
        if (!has_file(ja, log->files[i]))
            push(&ja->files, &ja->n_files, &ja->files_cap, log->files[i]);
    for (size_t i = 0; i < log->n; i++) {
        const JournalRecord *r = &log->recs[i];
        switch (r->kind) {
        case JR_QUESTION:
        case JR_STEER:
            if (open) /* the part before a steer, or an answer cut short by a new question */
                session_restore_entry(s, ENTRY_ANSWER,
                                      r->kind == JR_STEER ? ENTRY_DONE : ENTRY_INTERRUPTED,
                                      answer.data, answer.len, NULL);
            session_restore_entry(s, ENTRY_USER, ENTRY_DONE, r->text, r->len, NULL);
            last_user = transcript_count(session_transcript(s)) - 1;
            sb_reset(&answer);
            open = true;
            turns += r->kind == JR_QUESTION;
            break;
        case JR_MESSAGE:
            if (last_user != SIZE_MAX)
                session_restore_sent_message(s, last_user, r->text, r->len);
            break;
        case JR_TEXT:
            if (open)
                sb_append(&answer, r->text, r->len);
            break;
        case JR_END:
            if (open)
                session_restore_entry(s, ENTRY_ANSWER, r->state, answer.data, answer.len,
                                      r->detail);
            sb_reset(&answer);
            open = false;
            break;
        case JR_QUEUE_ADD:
            push(&ja->queue, &ja->n_queue, &ja->queue_cap, r->text);
            break;
        case JR_QUEUE_REMOVE:
            for (size_t q = ja->n_queue; q-- > 0;) {
                if (strcmp(ja->queue[q], r->text) != 0)
                    continue;
                free(ja->queue[q]);
                memmove(&ja->queue[q], &ja->queue[q + 1], (ja->n_queue - q - 1) * sizeof *ja->queue);
                ja->n_queue--;
                break;
            }
            break;
        case JR_HUNK:
            sb_reset(&note);
            sb_printf(&note, "hunk %s of %s: %s", r->detail, r->text,
                      DECISION_WORDS[r->decision]);
            session_restore_entry(s, ENTRY_NOTE, ENTRY_DONE, note.data, note.len, NULL);
            break;
        case JR_NOTE:
            session_restore_entry(s, ENTRY_NOTE, ENTRY_DONE, r->text, r->len, NULL);
            break;
        case JR_FILE:
            if (!has_file(ja, r->text))
                push(&ja->files, &ja->n_files, &ja->files_cap, r->text);
            break;
        }
    }
    if (open) /* flint stopped (killed, crashed) while the answer streamed */
        session_restore_entry(s, ENTRY_ANSWER, ENTRY_INTERRUPTED, answer.data, answer.len,
                              "flint stopped before the answer ended");
    /* Still queued: back in the queue (paused: nothing goes out by itself; Enter in an
     * empty ask prompt sends them), and named in the pane. */
    for (size_t q = 0; q < ja->n_queue; q++) {
        sb_reset(&note);
        sb_printf(&note, "still queued: %s", ja->queue[q]);
        session_restore_entry(s, ENTRY_NOTE, ENTRY_DONE, note.data, note.len, NULL);
        if (a->queue)
            ask_queue_push(a->queue, ja->queue[q]);
    }
    if (ja->n_queue && a->queue)
        ask_queue_set_paused(a->queue, true);
    sb_free(&answer);
    sb_free(&note);
    return turns;
}

/* The files it touched that still exist, opened in buffers (the first one current). */
static size_t open_files(App *a)
{
    JournalApp *ja = a->journal;
    const char **there = xcalloc(ja->n_files + 1, sizeof *there);
    size_t n = 0;
    for (size_t i = 0; i < ja->n_files; i++) {
        struct stat st;
        if (stat(ja->files[i], &st) == 0 && S_ISREG(st.st_mode))
            there[n++] = ja->files[i];
    }
    ErrorBuf err;
    if (n && !buffers_open_args(a, there, n, &err))
        app_say(a, true, "%s", err.msg);
    free(there);
    return n;
}

static void resume_now(App *a)
{
    JournalApp *ja = a->journal;
    const char *path = ja->resume_path;
    JournalLog log;
    ErrorBuf err;
    if (!journal_read(path, &log, &err)) {
        start_new(a);
        app_say(a, true, "Cannot resume: %s. This is a new conversation.", err.msg);
        return;
    }
    size_t turns = replay(a, &log);
    size_t files = open_files(a);
    ja->seen = transcript_count(session_transcript(a->session)); /* already on disk */
    ja->j = journal_reopen(path, NULL, &err);
    StrBuf msg = {0};
    sb_printf(&msg, "Resumed %zu question%s", turns, turns == 1 ? "" : "s");
    if (files)
        sb_printf(&msg, ", %zu file%s", files, files == 1 ? "" : "s");
    if (log.torn_last)
        sb_puts(&msg, "; the last line was cut short and skipped");
    if (log.damaged)
        sb_printf(&msg, "; %zu damaged line%s skipped", log.damaged, log.damaged == 1 ? "" : "s");
    sb_puts(&msg, ".");
    if (!ja->j)
        sb_printf(&msg, " Not kept from here: %s.", err.msg);
    app_say(a, log.damaged || log.torn_last || !ja->j, "%s", sb_cstr(&msg));
    sb_free(&msg);
    journal_log_free(&log);
    if (a->mode == MODE_EDIT)
        swap_app_check_all(a); /* a file it opened may have a newer swap: its question */
}

#define LIST_MAX 30

void journal_app_resume(App *a)
{
    JournalApp *ja = a->journal;
    if (!ja || !ja->dir)
        return;
    if (ja->resume_path) {
        resume_now(a);
        return;
    }
    if (!ja->pick)
        return;
    if (a->mode != MODE_EDIT) { /* a swap question is open: it comes first */
        ja->pick = false;
        start_new(a);
        return;
    }
    ja->n_infos = journal_list(ja->dir, ja->cwd, LIST_MAX, &ja->infos);
    if (!ja->n_infos) {
        start_new(a);
        app_say(a, false, "No earlier conversation here; this is a new one.");
        return;
    }
    StrBuf lines = {0};
    time_t now = time(NULL);
    for (size_t i = 0; i < ja->n_infos; i++) {
        resume_pick_line(&ja->infos[i], now, &lines);
        sb_putc(&lines, '\n');
    }
    ui_list_show(a->ui, "Resume a conversation  (Enter: reopen  Esc: a new one)",
                 sb_cstr(&lines), 0);
    sb_free(&lines);
    a->mode = MODE_RESUME_LIST;
}

static void list_close(App *a)
{
    JournalApp *ja = a->journal;
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
    journal_list_free(ja->infos, ja->n_infos);
    ja->infos = NULL;
    ja->n_infos = 0;
    ja->pick = false;
}

bool journal_app_list_choose(App *a)
{
    JournalApp *ja = a->journal;
    if (a->mode != MODE_RESUME_LIST || !ja)
        return false;
    size_t sel = ui_list_selected(a->ui);
    if (sel >= ja->n_infos) {
        list_close(a);
        start_new(a);
        return true;
    }
    ja->resume_path = xstrdup(ja->infos[sel].path);
    list_close(a);
    resume_now(a);
    return true;
}

bool journal_app_list_cancel(App *a)
{
    JournalApp *ja = a->journal;
    if (a->mode != MODE_RESUME_LIST || !ja)
        return false;
    list_close(a);
    start_new(a);
    app_say(a, false, "A new conversation.");
    return true;
}
