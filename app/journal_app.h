/* JournalApp: the app's side of the conversation journal (session/journal.h). It keeps the
 * journal in step with the session's Transcript, reopens an earlier conversation at start
 * (flint --resume / --continue), and is the one place the rest of the app tells about what
 * the transcript alone does not show (steers, the queue, hunk decisions).
 *
 *   journal_app_question   BEFORE the question is shown or sent (app_ask)
 *   journal_app_sync       after anything that may have changed the transcript
 *                          (app_take_session_damage): new entries, answer text (held by the
 *                          Journal and written by a loop timer armed only while text is
 *                          pending, within JOURNAL_FLUSH_NS), the turn's end (fsynced), files
 *                          opened since the last look
 *   journal_app_steer, _queue, _hunk, _note   for the features that have them
 *
 * A journal that cannot be written (a full disk, a read-only directory) is said once in the
 * status line and given up; flint goes on. Nothing here ever waits: writes are small appends
 * and fsync happens only at a turn's end.
 *
 * Ownership: the JournalApp and its timer are the App's (journal_app_init .. _free); with no
 * journal directory in the AppConfig (a headless test) every call does nothing. */
#ifndef FLINT_APP_JOURNAL_APP_H
#define FLINT_APP_JOURNAL_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "session/journal.h"

typedef struct App App;

typedef struct JournalAppConfig {
    const char *dir;          /* the sessions directory; NULL: no journal (every call a no-op) */
    const char *resume_path;  /* a journal to reopen (journal_app_resume), or NULL */
    bool pick;                /* no resume_path: journal_app_resume lists this directory's
                               * conversations to choose from (MODE_RESUME_LIST) */
    const char *model, *provider;  /* names for the header */
} JournalAppConfig;

/* The timer, and the Journal for a new conversation (created at its first record) unless a
 * conversation is resumed. cfg's strings are copied. False with a message only when the loop
 * cannot make a timer. */
bool journal_app_init(App *a, const JournalAppConfig *cfg, ErrorBuf *err);
/* Reopens the config's resume_path, if any: the transcript, its files, the queue and the hunk
 * decisions (as notes); says what was restored (or why not) in the status line. With pick,
 * shows the list of this directory's conversations instead (newest first: when, questions,
 * the first question) in MODE_RESUME_LIST. Call once the Ui exists. */
void journal_app_resume(App *a);
/* MODE_RESUME_LIST: Enter reopens the chosen conversation; Esc (any other key) starts a new
 * one. False when the mode is not MODE_RESUME_LIST (the key is the buffer list's). */
bool journal_app_list_choose(App *a);
bool journal_app_list_cancel(App *a);
/* Writes what is pending, ends an open turn as interrupted ("flint quit"), closes. */
void journal_app_free(App *a);

void journal_app_question(App *a, const char *text);
void journal_app_sync(App *a);
/* The journal timer's handler (the loop calls it; app_tick fires it in headless tests). */
void journal_app_timer_fired(void *app);

/* For the features other parts own (see the report / README): a steer sent while an answer
 * streams (call it before it is sent; a steer that becomes a transcript question is not
 * written twice), a queue change, a hunk decision, a note worth keeping. */
void journal_app_steer(App *a, const char *text);
void journal_app_queue(App *a, bool add, const char *text);
void journal_app_hunk(App *a, const char *file, const char *hunk_id, JournalHunkDecision d);
void journal_app_note(App *a, const char *text);

/* Questions that were still queued when the resumed conversation stopped (in order), for the
 * queue's owner to take back; valid until journal_app_free. */
const char *const *journal_app_restored_queue(const App *a, size_t *n);
/* The journal's file ("" before the first record, or with no journal). */
const char *journal_app_path(const App *a);

#endif
