/* Swap files, the app's side (see swap_app.h for the policy).
 *
 * Data: a->swap_marks, one SwapMark per buffer seen since start (by identity; dropped when
 * the buffer closes): the buffer version its swap holds (`version`, valid when `written`),
 * the version the last key batch saw (`seen`: an edit is a change of it, so cursor moves do
 * not delay the swap), and whether a live flint owns this file's swap (`foreign`) or the
 * user was already asked about one (`asked`).
 *
 * Timer: swap_first_ns is the first edit not yet in a swap (0: none); swap_last_ns the
 * latest. The timer is armed while swap_first_ns != 0 or a worker runs.
 *
 * Large buffers: a write of more than SWAP_SYNC_MAX bytes measured above a frame (10 MB:
 * 17-20 ms here), so the loop thread only takes a snapshot (text_serialize, a copy) and a
 * worker thread writes it (a->swap_job, one at a time). The timer polls the job every
 * SWAP_POLL_NS and, once it is done, joins it and records the outcome; the Buffer is never
 * touched off the loop thread. Quitting waits for a running job (one write). */
#include "app/swap_app.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/screen.h"
#include "app/state.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "session/swap.h"

#define SWAP_SYNC_MAX ((size_t)1 << 20)
#define SWAP_POLL_NS (20ull * 1000000ull)

struct SwapJob {
    pthread_t thread;
    Buffer *b;          /* compared by identity only, on the loop thread */
    uint64_t version;
    char path[PATH_MAX];
    SwapInfo h;
    StrBuf bytes;
    bool ok;
    ErrorBuf err;
    atomic_bool done;
};

struct SwapMark {
    Buffer *b;
    uint64_t version;  /* what the swap holds (when written) */
    uint64_t seen;     /* the version at the last look */
    bool written;      /* a swap of ours exists */
    bool foreign;      /* a live flint writes this file's swap: we write none */
    bool asked;        /* the swap question was asked for it */
};

static struct SwapMark *mark_of(App *a, Buffer *b, bool create)
{
    for (size_t i = 0; i < a->n_swap_marks; i++)
        if (a->swap_marks[i].b == b)
            return &a->swap_marks[i];
    if (!create)
        return NULL;
    a->swap_marks = xgrow(a->swap_marks, &a->swap_marks_cap, a->n_swap_marks + 1,
                          sizeof *a->swap_marks);
    struct SwapMark *m = &a->swap_marks[a->n_swap_marks++];
    *m = (struct SwapMark){.b = b, .seen = buffer_version(b)};
    return m;
}

static void record(App *a, struct SwapMark *m, bool ok, const char *sp, size_t bytes,
                   uint64_t version, const ErrorBuf *err, double ms)
{
    if (!ok) {
        log_msg("swap: %s", err->msg);
        if (!a->swap_failure_shown) {
            a->swap_failure_shown = true;
            app_say(a, true, "Unsaved edits are not protected: %s (said once)", err->msg);
        }
        return;
    }
    log_msg("swap: wrote %s (%zu bytes) in %.2f ms", sp, bytes, ms);
    a->swap_failure_shown = false;
    if (m) {
        m->written = true;
        m->version = version;
    }
}

static void *swap_worker(void *arg)
{
    struct SwapJob *j = arg;
    j->ok = swap_write_bytes(j->path, &j->h, j->bytes.data ? j->bytes.data : "", j->bytes.len,
                             &j->err);
    atomic_store(&j->done, true);
    return NULL;
}

/* Joins a finished (or, with wait, any) job and records it. False while it still runs. */
static bool job_finish(App *a, bool wait)
{
    struct SwapJob *j = a->swap_job;
    if (!j)
        return true;
    if (!wait && !atomic_load(&j->done))
        return false;
    pthread_join(j->thread, NULL);
    record(a, mark_of(a, j->b, false), j->ok, j->path, j->bytes.len, j->version, &j->err, 0);
    sb_free(&j->bytes);
    free(j);
    a->swap_job = NULL;
    return true;
}

static void swap_timer_fired(void *ud)
{
    App *a = ud;
    if (!job_finish(a, false)) {
        loop_timer_after(a->swap_timer, SWAP_POLL_NS);
        return;
    }
    if (!a->swap_first_ns)
        return; /* the job was all there was */
    uint64_t now = clock_now_ns();
    uint64_t pause_end = a->swap_last_ns + SWAP_PAUSE_NS, cap = a->swap_first_ns + SWAP_MAX_NS;
    if (now < pause_end && now < cap) { /* typing goes on: a second after it, or the cap */
        loop_timer_at(a->swap_timer, pause_end < cap ? pause_end : cap);
        return;
    }
    swap_app_write_now(a);
}

bool swap_app_init(App *a, ErrorBuf *err)
{
    a->swap_timer = loop_timer_new(a->loop, swap_timer_fired, a, err);
    return a->swap_timer != NULL;
}

void swap_app_free(App *a)
{
    struct SwapJob *j = a->swap_job;
    if (j) { /* the loop is gone: wait for the write, tell no one */
        pthread_join(j->thread, NULL);
        sb_free(&j->bytes);
        free(j);
        a->swap_job = NULL;
    }
    free(a->swap_marks);
    a->swap_marks = NULL;
    a->n_swap_marks = a->swap_marks_cap = 0;
}

void swap_app_after_keys(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_path(b))
        return; /* unnamed: no swap (recovery files still cover signals and crashes) */
    bool fresh = !mark_of(a, b, false); /* first look: its edits came with this batch */
    struct SwapMark *m = mark_of(a, b, true);
    uint64_t v = buffer_version(b);
    if (m->foreign || (fresh ? !buffer_modified(b) : m->seen == v))
        return;
    m->seen = v;
    uint64_t now = clock_now_ns();
    a->swap_last_ns = now;
    if (!a->swap_first_ns) {
        a->swap_first_ns = now;
        if (!a->swap_job) /* a running job's poll comes first and sees swap_first_ns */
            loop_timer_at(a->swap_timer, now + SWAP_PAUSE_NS);
    }
}

/* The file's absolute name for the header (the swap's own name already hashes it). */
static void absolute(const char *path, char *out, size_t size)
{
    char cwd[PATH_MAX];
    StrBuf sb = {0};
    if (path[0] != '/' && getcwd(cwd, sizeof cwd))
        sb_printf(&sb, "%s/", cwd);
    sb_puts(&sb, path);
    snprintf(out, size, "%.*s", (int)(size - 1), sb_cstr(&sb)); /* cut: a header field only */
    sb_free(&sb);
}

static void remove_swap(Buffer *b, struct SwapMark *m)
{
    char sp[PATH_MAX];
    if (m->written && buffer_swap_path(b, sp, sizeof sp))
        unlink(sp);
    m->written = false;
}

static void write_one(App *a, Buffer *b, struct SwapMark *m)
{
    uint64_t v = buffer_version(b);
    if (m->foreign || (m->written && m->version == v))
        return;
    if (!buffer_modified(b)) { /* undone back to the file: nothing unsaved to keep */
        remove_swap(b, m);
        return;
    }
    char sp[PATH_MAX];
    if (!buffer_swap_path(b, sp, sizeof sp))
        return;
    SwapInfo h = {.size = -1, .pid = (long)getpid(), .time = (long long)time(NULL)};
    absolute(buffer_path(b), h.path, sizeof h.path);
    long long size, mtime;
    if (buffer_disk_stamp(b, &size, &mtime))
        h.size = size, h.mtime_ns = mtime;
    size_t bytes = text_byte_count(buffer_text(b));
    if (bytes > SWAP_SYNC_MAX) {
        if (a->swap_job) { /* one at a time: this one waits for the next timer */
            a->swap_first_ns = a->swap_first_ns ? a->swap_first_ns : clock_now_ns();
            return;
        }
        struct SwapJob *j = xcalloc(1, sizeof *j);
        j->b = b;
        j->version = v;
        j->h = h;
        snprintf(j->path, sizeof j->path, "%s", sp);
        text_serialize(buffer_text(b), &j->bytes); /* the snapshot */
        if (pthread_create(&j->thread, NULL, swap_worker, j) != 0) {
            sb_free(&j->bytes);
            free(j);
            ErrorBuf e;
            error_set(&e, "cannot start the swap writer thread");
            record(a, m, false, sp, bytes, v, &e, 0);
            return;
        }
        a->swap_job = j;
        return;
    }
    ErrorBuf err;
    uint64_t t0 = clock_now_ns();
    bool ok = swap_write(sp, &h, buffer_text(b), &err);
    record(a, m, ok, sp, bytes, v, &err, (double)(clock_now_ns() - t0) / 1e6);
}

void swap_app_write_now(App *a)
{
    a->swap_first_ns = 0;
    loop_timer_cancel(a->swap_timer);
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        Buffer *b = session_buffer_at(a->session, i);
        struct SwapMark *m = mark_of(a, b, false);
        if (m)
            write_one(a, b, m);
    }
    if (a->swap_job) /* poll it; a large buffer left waiting (swap_first_ns) goes next */
        loop_timer_after(a->swap_timer, SWAP_POLL_NS);
    else if (a->swap_first_ns)
        loop_timer_after(a->swap_timer, SWAP_PAUSE_NS);
}

void swap_app_saved(App *a, Buffer *b)
{
    if (a->swap_job && a->swap_job->b == b)
        job_finish(a, true); /* else its rename would bring the swap back after the save */
    struct SwapMark *m = mark_of(a, b, false);
    if (!m)
        return;
    remove_swap(b, m);
    m->seen = m->version = buffer_version(b);
}

void swap_app_forget(App *a, Buffer *b)
{
    if (a->swap_job && a->swap_job->b == b)
        job_finish(a, true);
    struct SwapMark *m = mark_of(a, b, false);
    if (!m)
        return;
    remove_swap(b, m);
    *m = a->swap_marks[--a->n_swap_marks];
}

void swap_app_remove_all(App *a)
{
    job_finish(a, true);
    for (size_t i = 0; i < a->n_swap_marks; i++)
        remove_swap(a->swap_marks[i].b, &a->swap_marks[i]);
}

/* --- the question at start ------------------------------------------------------------------ */

static size_t index_of(App *a, Buffer *b)
{
    for (size_t i = 0; i < session_buffer_count(a->session); i++)
        if (session_buffer_at(a->session, i) == b)
            return i;
    return SIZE_MAX;
}

static void serialize(Buffer *b, StrBuf *out) { text_serialize(buffer_text(b), out); }

bool swap_app_check(App *a, Buffer *b)
{
    char sp[PATH_MAX];
    struct stat st;
    if (a->mode != MODE_EDIT || !buffer_swap_path(b, sp, sizeof sp) || stat(sp, &st) != 0)
        return false;
    struct SwapMark *m = mark_of(a, b, true);
    if (m->asked || m->written)
        return false;
    SwapInfo h;
    StrBuf text = {0}, now = {0};
    ErrorBuf err;
    if (!swap_read(sp, &h, &text, &err)) {
        app_say(a, true, "%s", err.msg);
        sb_free(&text);
        return false;
    }
    long long size, mtime;
    bool file = buffer_disk_stamp(b, &size, &mtime);
    long long swap_ns = (long long)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
    serialize(b, &now);
    bool same = now.len == text.len && (!now.len || memcmp(now.data, text.data, now.len) == 0);
    sb_free(&text);
    sb_free(&now);
    bool alive = swap_pid_alive(h.pid);
    if (file && swap_ns <= mtime) {
        log_msg("swap: %s is older than the file; left alone", sp);
        m->foreign = alive;
        return false;
    }
    if (same && !alive) { /* nothing in it that the file does not have */
        unlink(sp);
        return false;
    }
    m->asked = true;
    m->foreign = alive; /* never overwrite the swap of a flint that still runs */
    char date[64] = "";
    time_t when = (time_t)h.time;
    struct tm tm;
    if (localtime_r(&when, &tm))
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    a->mode = MODE_SWAP;
    a->swap_buffer = b;
    snprintf(a->swap_question, sizeof a->swap_question,
             "Swap file found for %s (from pid %ld, %s)%s", buffer_name(b), h.pid, date,
             alive ? "; that flint still runs: the file is open elsewhere" : "");
    app_say(a, true, "%s: r recover  d diff  x delete  Esc ignore", a->swap_question);
    return true;
}

const char *swap_app_question(const App *a) { return a->swap_question; }

void swap_app_check_all(App *a)
{
    for (size_t i = 0; i < session_buffer_count(a->session); i++)
        if (swap_app_check(a, session_buffer_at(a->session, i))) {
            session_buffer_set_current(a->session, i);
            return;
        }
}

/* The swap's text as the Text takes it: the file's line breaks and final newline are the
 * Text's to write, so they come off here. */
static void as_text(Buffer *b, StrBuf *s)
{
    const Text *t = buffer_text(b);
    StrBuf out = {0};
    bool crlf = text_crlf(t);
    for (size_t i = 0; i < s->len; i++) {
        if (crlf && s->data[i] == '\r' && i + 1 < s->len && s->data[i + 1] == '\n')
            continue;
        sb_putc(&out, s->data[i]);
    }
    if (out.len && out.data[out.len - 1] == '\n')
        out.data[--out.len] = '\0';
    sb_free(s);
    *s = out;
}

bool swap_app_diff(App *a, StrBuf *diff)
{
    Buffer *b = a->swap_buffer;
    char sp[PATH_MAX];
    if (!b || index_of(a, b) == SIZE_MAX || !buffer_swap_path(b, sp, sizeof sp))
        return false;
    SwapInfo h;
    StrBuf swap = {0}, file = {0};
    ErrorBuf err;
    if (!swap_read(sp, &h, &swap, &err)) {
        app_say(a, true, "%s", err.msg);
        return false;
    }
    serialize(b, &file);
    char na[300], nb[300];
    snprintf(na, sizeof na, "%s (file)", buffer_name(b));
    snprintf(nb, sizeof nb, "%s (swap)", buffer_name(b));
    swap_diff(file.data ? file.data : "", file.len, swap.data ? swap.data : "", swap.len, na,
              nb, diff);
    if (!diff->len)
        sb_puts(diff, "(the swap file holds the same text as the file)\n");
    sb_free(&swap);
    sb_free(&file);
    return true;
}

static void show_diff(App *a, Buffer *b)
{
    StrBuf diff = {0};
    if (!swap_app_diff(a, &diff))
        return;
    Buffer *d = a->swap_diff_buffer;
    if (!d || index_of(a, d) == SIZE_MAX) {
        d = buffer_new();
        session_buffer_add(a->session, d);
        a->swap_diff_buffer = d;
    }
    buffer_load_text(d, diff.data, diff.len);
    session_buffer_set_current(a->session, index_of(a, d));
    app_say(a, true, "The diff is buffer %zu. Swap file for %s: r recover  x delete  Esc ignore",
            index_of(a, d) + 1, buffer_name(b));
    sb_free(&diff);
}

Buffer *swap_app_decide(App *a, char what)
{
    Buffer *b = a->swap_buffer;
    size_t at = b ? index_of(a, b) : SIZE_MAX;
    char sp[PATH_MAX];
    if (at == SIZE_MAX || !buffer_swap_path(b, sp, sizeof sp)) {
        a->mode = MODE_EDIT;
        a->swap_buffer = NULL;
        return NULL;
    }
    a->mode = MODE_EDIT;
    a->swap_buffer = NULL;
    a->message[0] = '\0';
    a->message_error = false;
    session_buffer_set_current(a->session, at);
    if (what == 'r') {
        SwapInfo h;
        StrBuf text = {0};
        ErrorBuf err;
        if (!swap_read(sp, &h, &text, &err)) {
            app_say(a, true, "%s", err.msg);
            return NULL; /* said; the other files are not asked about now */
        }
        as_text(b, &text);
        const Text *t = buffer_text(b);
        size_t last = text_line_count(t) - 1;
        buffer_replace(b, (TextPos){0, 0}, (TextPos){last, text_line_len(t, last)},
                       text.data ? text.data : "", text.len);
        buffer_set_cursor(b, (TextPos){0, 0});
        sb_free(&text);
        struct SwapMark *m = mark_of(a, b, true);
        m->written = true; /* ours now: a save or a clean quit removes it */
        m->foreign = false;
        m->version = 0;
        app_say(a, false, "Recovered %s from its swap file: Ctrl-S saves it, Ctrl-Z undoes it.",
                buffer_name(b));
    } else if (what == 'x') {
        unlink(sp);
        mark_of(a, b, true)->foreign = false;
        app_say(a, false, "Deleted the swap file of %s.", buffer_name(b));
    } else {
        app_say(a, false, "The swap file stays: %s", sp);
    }
    return b;
}

void swap_app_ask_next(App *a, Buffer *answered)
{
    if (!answered)
        return;
    swap_app_check_all(a); /* the next file with one, if any */
    if (a->mode == MODE_EDIT)
        session_buffer_set_current(a->session, index_of(a, answered));
}

void swap_app_answer(App *a, char what)
{
    Buffer *b = a->swap_buffer;
    char sp[PATH_MAX];
    if (what == 'd' && b && index_of(a, b) != SIZE_MAX && buffer_swap_path(b, sp, sizeof sp)) {
        show_diff(a, b);
        return;
    }
    swap_app_ask_next(a, swap_app_decide(a, what));
}
