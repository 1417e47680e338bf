/* Journal: one conversation kept on disk as JSONL, so that nothing the user typed and at most
 * the last 100 ms of a streamed answer are lost to Ctrl-Q, SIGTERM, a crash or `kill -9`, and
 * the conversation can be reopened (flint --resume / --continue).
 *
 * A file in the sessions directory ($XDG_STATE_HOME/flint/sessions, else
 * ~/.local/state/flint/sessions; the directories 0700, the files 0600), named ID.jsonl
 * (ID = "YYYYMMDD-HHMMSS-xxxx", local time of the start). The first line is the header:
 *
 *   {"t":"flint-journal","v":1,"cwd":"/src/x","start":1765100000,"model":"gpt-5.3-codex-spark",
 *    "provider":"openai","files":["a.c"]}
 *
 * (the model's and provider's NAMES: never a key, a URL's query or a header), then one record
 * per line, in the order things happened:
 *
 *   {"t":"question","s":TEXT}           written before it is shown or sent
 *   {"t":"steer","s":TEXT}              a correction sent while an answer streams
 *   {"t":"queue","op":"add"|"remove","s":TEXT}
 *   {"t":"text","s":TEXT}               a piece of the answer (pieces concatenate)
 *   {"t":"end","state":STATE,"detail":TEXT}   the turn's end (fsynced); STATE is done,
 *                                       interrupted, network, incomplete, failed or stalled
 *   {"t":"hunk","file":PATH,"id":ID,"decision":"accepted"|"rejected"|"stale"}
 *   {"t":"note","s":TEXT}               a line worth keeping (flint's own)
 *   {"t":"file","path":PATH}            a file the conversation touched (opened)
 *
 * Writing: pure file I/O, small appends (one write() per line), no UI. Answer text is held in
 * memory and written when journal_tick finds it older than JOURNAL_FLUSH_NS (the caller arms
 * a timer for journal_flush_due_ns, and only while text is pending: nothing ticks at idle),
 * and before any other record. fsync only at turn ends. The file is created at the first
 * record, so a run that never asks leaves no journal behind.
 *
 * Reading: a line that cannot be understood is skipped and counted; a damaged LAST line (a
 * torn write: no newline at the end and no valid JSON) is skipped and reported separately.
 * Only a file whose header is unreadable is an error.
 *
 * Ownership: a Journal owns its fd and buffers; JournalLog and JournalInfo arrays own their
 * strings (free them with their _free). Errors: tier 3 (bool + ErrorBuf). After a write error
 * the Journal is broken: every later write returns false at once (say it once, go on). */
#ifndef FLINT_SESSION_JOURNAL_H
#define FLINT_SESSION_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "session/transcript.h"

#define JOURNAL_VERSION 1
/* Streamed text is on disk at most this long after it arrived. */
#define JOURNAL_FLUSH_NS (100ull * 1000000ull)

typedef enum JournalHunkDecision {
    JOURNAL_HUNK_ACCEPTED,
    JOURNAL_HUNK_REJECTED,
    JOURNAL_HUNK_STALE,
} JournalHunkDecision;

/* The file operations the writer uses; tests inject failures (a full disk) through them. */
typedef struct JournalIo {
    ssize_t (*write)(int fd, const void *buf, size_t n);
    int (*fsync)(int fd);
} JournalIo;

typedef struct JournalConfig {
    const char *dir;          /* the sessions directory (made, 0700, at the first record) */
    const char *cwd;          /* the directory flint runs in */
    const char *model;        /* names only */
    const char *provider;     /* NULL: none */
    const char *const *files; /* the files open at the start */
    size_t n_files;
    const JournalIo *io;      /* NULL: write(2), fsync(2) */
} JournalConfig;

typedef struct Journal Journal;

/* A new conversation; nothing is written until the first record. */
Journal *journal_new(const JournalConfig *cfg);
/* An existing journal, to go on appending to it (a resumed conversation). A last line cut
 * short is ended first, so that the next record starts a line of its own. */
Journal *journal_reopen(const char *path, const JournalIo *io, ErrorBuf *err);
/* Flushes pending text (errors ignored: use journal_flush first to know) and closes. */
void journal_free(Journal *j);  /* accepts NULL */
/* The file's path ("" before it is created) and ID (its name without ".jsonl"). */
const char *journal_path(const Journal *j);
const char *journal_id(const Journal *j);
bool journal_broken(const Journal *j);

bool journal_question(Journal *j, const char *text, ErrorBuf *err);
bool journal_steer(Journal *j, const char *text, ErrorBuf *err);
/* The user message the last question went out as (question + editor context), exactly: a
 * resumed conversation resends these bytes, so the provider's prefix cache still applies. */
bool journal_message(Journal *j, const char *text, ErrorBuf *err);
bool journal_queue(Journal *j, bool add, const char *text, ErrorBuf *err);
/* Held in memory until journal_tick finds it due, or another record is written. */
bool journal_answer_text(Journal *j, const char *text, size_t len, ErrorBuf *err);
/* Writes the pending text and the end, then fsyncs. */
bool journal_turn_end(Journal *j, EntryState state, const char *detail, ErrorBuf *err);
bool journal_hunk(Journal *j, const char *file, const char *id, JournalHunkDecision d,
                  ErrorBuf *err);
bool journal_note(Journal *j, const char *text, ErrorBuf *err);
bool journal_file(Journal *j, const char *path, ErrorBuf *err);

/* clock_now_ns() at which pending text must be written; 0 when none is pending. */
uint64_t journal_flush_due_ns(const Journal *j);
/* Writes the pending text if it is due (clock_now_ns() >= journal_flush_due_ns). */
bool journal_tick(Journal *j, ErrorBuf *err);
/* Writes the pending text now. */
bool journal_flush(Journal *j, ErrorBuf *err);

/* ---- reading ------------------------------------------------------------------------------ */

typedef enum JournalRecordKind {
    JR_QUESTION,
    JR_STEER,
    JR_QUEUE_ADD,
    JR_QUEUE_REMOVE,
    JR_TEXT,
    JR_END,
    JR_HUNK,
    JR_NOTE,
    JR_FILE,
    JR_MESSAGE,   /* what the last JR_QUESTION went out as */
} JournalRecordKind;

typedef struct JournalRecord {
    JournalRecordKind kind;
    char *text;            /* s / path / file (hunk); never NULL */
    size_t len;
    EntryState state;      /* JR_END */
    char *detail;          /* JR_END: NULL or the reason; JR_HUNK: the hunk's id */
    JournalHunkDecision decision;  /* JR_HUNK */
} JournalRecord;

typedef struct JournalLog {
    int version;
    char *cwd, *model, *provider;   /* "" when absent */
    time_t start;
    char **files;                   /* the header's */
    size_t n_files;
    JournalRecord *recs;
    size_t n, recs_cap;
    size_t damaged;                 /* lines in the middle that were skipped */
    bool torn_last;                 /* the last line was cut short and skipped */
} JournalLog;

/* False (with why) only when the file cannot be read or is not a flint journal. */
bool journal_read(const char *path, JournalLog *out, ErrorBuf *err);
/* The same over bytes in memory (false: the header is not a journal's). */
bool journal_parse(const char *data, size_t len, JournalLog *out, ErrorBuf *err);
void journal_log_free(JournalLog *log);

/* The sessions directory from the environment (XDG_STATE_HOME when absolute, else
 * HOME/.local/state, + /flint/sessions), appended to out; false when neither is set. */
bool journal_default_dir(StrBuf *out);

typedef struct JournalInfo {
    char *path, *id;
    time_t mtime;        /* the last write: "when" */
    char *first_question;  /* "" when none */
    size_t turns;        /* questions asked */
} JournalInfo;

/* The conversations in dir that were started in cwd and asked something, newest first (at
 * most max). Unreadable files are left out. Returns the count; *out is owned by the caller. */
size_t journal_list(const char *dir, const char *cwd, size_t max, JournalInfo **out);
void journal_list_free(JournalInfo *infos, size_t n);
/* The journal in dir whose ID is id or starts with it (one only); its path into out. */
bool journal_find(const char *dir, const char *id, StrBuf *out, ErrorBuf *err);

const char *journal_state_name(EntryState s);

#endif
