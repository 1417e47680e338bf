/* Journal (see journal.h): the writer holds an fd opened O_APPEND (created 0600 at the first
 * record, the directories made 0700) and `pending`, answer text not yet written, with the
 * clock time its first byte arrived. Every record is one line built in `line` and handed to
 * one write() loop, so a process killed between two records leaves whole lines; only a write
 * cut short by the system (a full disk) can leave a torn line, which the reader skips.
 * Invariant: pending is empty or pending_since_ns is when its oldest byte arrived; after a
 * failed write `broken` is set and nothing more is written.
 *
 * The writer escapes JSON by hand (strings only); the reader uses cJSON, one line at a time. */
#include "session/journal.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/fdio.h"
#include "core/xalloc.h"

/* Pending text beyond this is written at once, whatever the clock says: memory stays small. */
#define PENDING_MAX (64u * 1024u)
/* A journal bigger than this is not read (a runaway file must not take the memory). */
#define READ_MAX (256u * 1024u * 1024u)

struct Journal {
    int fd;                 /* -1 until created */
    char *dir;              /* NULL for a reopened journal */
    StrBuf header;          /* the header line, written when the file is created */
    char path[4096];
    char id[64];
    JournalIo io;
    bool broken;
    StrBuf line;
    StrBuf pending;
    uint64_t pending_since_ns;
};

static const char *const STATE_NAMES[] = {
    [ENTRY_OPEN] = "open",
    [ENTRY_DONE] = "done",
    [ENTRY_INTERRUPTED] = "interrupted",
    [ENTRY_NETWORK] = "network",
    [ENTRY_INCOMPLETE] = "incomplete",
    [ENTRY_FAILED] = "failed",
    [ENTRY_STALLED] = "stalled",
};

static const char *const DECISION_NAMES[] = {
    [JOURNAL_HUNK_ACCEPTED] = "accepted",
    [JOURNAL_HUNK_REJECTED] = "rejected",
    [JOURNAL_HUNK_STALE] = "stale",
};

const char *journal_state_name(EntryState s)
{
    return (size_t)s < sizeof STATE_NAMES / sizeof *STATE_NAMES ? STATE_NAMES[s] : "done";
}

/* ---- JSON out ----------------------------------------------------------------------------- */

static void put_json_str(StrBuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sb_putc(sb, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        sb_append(sb, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': sb_puts(sb, "\\\""); break;
        case '\\': sb_puts(sb, "\\\\"); break;
        case '\n': sb_puts(sb, "\\n"); break;
        case '\t': sb_puts(sb, "\\t"); break;
        case '\r': sb_puts(sb, "\\r"); break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            sb_puts(sb, u);
        }
        }
    }
    sb_append(sb, s + run, n - run);
    sb_putc(sb, '"');
}

static void put_field(StrBuf *sb, const char *name, const char *s)
{
    sb_printf(sb, ",\"%s\":", name);
    put_json_str(sb, s ? s : "", s ? strlen(s) : 0);
}

/* ---- writing ------------------------------------------------------------------------------ */

static ssize_t sys_write(int fd, const void *buf, size_t n) { return write(fd, buf, n); }
static int sys_fsync(int fd) { return fsync(fd); }

static void set_io(Journal *j, const JournalIo *io)
{
    j->io.write = io && io->write ? io->write : sys_write;
    j->io.fsync = io && io->fsync ? io->fsync : sys_fsync;
}

Journal *journal_new(const JournalConfig *cfg)
{
    Journal *j = xcalloc(1, sizeof *j);
    j->fd = -1;
    j->dir = xstrdup(cfg->dir ? cfg->dir : ".");
    set_io(j, cfg->io);
    StrBuf *h = &j->header;
    sb_printf(h, "{\"t\":\"flint-journal\",\"v\":%d", JOURNAL_VERSION);
    put_field(h, "cwd", cfg->cwd);
    sb_printf(h, ",\"start\":%lld", (long long)time(NULL));
    put_field(h, "model", cfg->model);
    put_field(h, "provider", cfg->provider);
    sb_puts(h, ",\"files\":[");
    for (size_t i = 0; i < cfg->n_files; i++) {
        if (i)
            sb_putc(h, ',');
        put_json_str(h, cfg->files[i], strlen(cfg->files[i]));
    }
    sb_puts(h, "]}\n");
    return j;
}

static void set_id_from_path(Journal *j)
{
    const char *base = strrchr(j->path, '/');
    base = base ? base + 1 : j->path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
        n -= 6;
    if (n >= sizeof j->id)
        n = sizeof j->id - 1;
    memcpy(j->id, base, n);
    j->id[n] = '\0';
}

/* Every byte of buf, or false (errno set). */
static bool write_all(Journal *j, const char *buf, size_t n)
{
    return fdio_write_all_with(j->io.write, j->fd, buf, n);
}

static bool fail_errno(Journal *j, ErrorBuf *err, const char *what)
{
    int e = errno;
    j->broken = true;
    errno = e;
    return error_errno(err, "cannot %s the conversation journal %s", what,
                       j->path[0] ? j->path : j->dir);
}

static bool create_file(Journal *j, ErrorBuf *err)
{
    if (!fdio_make_dirs(j->dir, 0700)) /* mkdir -p, each new directory 0700 */
        return fail_errno(j, err, "create");
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    unsigned salt = (unsigned)getpid() ^ (unsigned)(clock_now_ns() >> 10);
    for (int tries = 0; tries < 64; tries++, salt = salt * 2654435761u + 1) {
        snprintf(j->path, sizeof j->path, "%s/%s-%04x.jsonl", j->dir, stamp, salt & 0xffff);
        j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
        if (j->fd >= 0 || errno != EEXIST)
            break;
    }
    if (j->fd < 0) {
        int e = errno;
        j->path[0] = '\0';
        errno = e;
        return fail_errno(j, err, "create");
    }
    set_id_from_path(j);
    if (!write_all(j, j->header.data, j->header.len))
        return fail_errno(j, err, "write");
    return true;
}

Journal *journal_reopen(const char *path, const JournalIo *io, ErrorBuf *err)
{
    int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        error_errno(err, "cannot open the conversation journal %s", path);
        return NULL;
    }
    Journal *j = xcalloc(1, sizeof *j);
    j->fd = fd;
    set_io(j, io);
    snprintf(j->path, sizeof j->path, "%s", path);
    set_id_from_path(j);
    char last = '\n';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end > 0 && pread(fd, &last, 1, end - 1) != 1)
        last = '\n';
    if (last != '\n' && !write_all(j, "\n", 1)) {
        fail_errno(j, err, "write");
        journal_free(j);
        return NULL;
    }
    return j;
}

void journal_free(Journal *j)
{
    if (!j)
        return;
    journal_flush(j, NULL);
    if (j->fd >= 0)
        close(j->fd);
    free(j->dir);
    sb_free(&j->header);
    sb_free(&j->line);
    sb_free(&j->pending);
    free(j);
}

const char *journal_path(const Journal *j) { return j->path; }
const char *journal_id(const Journal *j) { return j->id; }
bool journal_broken(const Journal *j) { return j->broken; }

/* Writes j->line (one whole record, '\n' included), creating the file first if need be. */
static bool put_line(Journal *j, ErrorBuf *err)
{
    if (j->broken)
        return error_set(err, "the conversation journal stopped after an earlier error");
    if (j->fd < 0 && !create_file(j, err))
        return false;
    if (!write_all(j, j->line.data, j->line.len))
        return fail_errno(j, err, "write");
    return true;
}

bool journal_flush(Journal *j, ErrorBuf *err)
{
    if (!j->pending.len)
        return true;
    sb_reset(&j->line);
    sb_puts(&j->line, "{\"t\":\"text\",\"s\":");
    put_json_str(&j->line, j->pending.data, j->pending.len);
    sb_puts(&j->line, "}\n");
    sb_reset(&j->pending);
    j->pending_since_ns = 0;
    return put_line(j, err);
}

uint64_t journal_flush_due_ns(const Journal *j)
{
    return j->pending.len ? j->pending_since_ns + JOURNAL_FLUSH_NS : 0;
}

bool journal_tick(Journal *j, ErrorBuf *err)
{
    uint64_t due = journal_flush_due_ns(j);
    if (!due || clock_now_ns() < due)
        return true;
    return journal_flush(j, err);
}

bool journal_answer_text(Journal *j, const char *text, size_t len, ErrorBuf *err)
{
    if (!len)
        return true;
    if (j->broken)
        return error_set(err, "the conversation journal stopped after an earlier error");
    if (!j->pending.len)
        j->pending_since_ns = clock_now_ns();
    sb_append(&j->pending, text, len);
    if (j->pending.len >= PENDING_MAX)
        return journal_flush(j, err);
    return true;
}

/* Starts a record of type t in j->line after writing the pending text (records keep their
 * order). False when the pending text could not be written. */
static bool begin(Journal *j, const char *t, ErrorBuf *err)
{
    if (!journal_flush(j, err))
        return false;
    sb_reset(&j->line);
    sb_printf(&j->line, "{\"t\":\"%s\"", t);
    return true;
}

static bool end_line(Journal *j, ErrorBuf *err)
{
    sb_puts(&j->line, "}\n");
    return put_line(j, err);
}

static bool text_record(Journal *j, const char *t, const char *text, ErrorBuf *err)
{
    if (!begin(j, t, err))
        return false;
    put_field(&j->line, "s", text);
    return end_line(j, err);
}

bool journal_question(Journal *j, const char *text, ErrorBuf *err)
{
    return text_record(j, "question", text, err);
}

bool journal_steer(Journal *j, const char *text, ErrorBuf *err)
{
    return text_record(j, "steer", text, err);
}

bool journal_message(Journal *j, const char *text, ErrorBuf *err)
{
    return text_record(j, "message", text, err);
}

bool journal_note(Journal *j, const char *text, ErrorBuf *err)
{
    return text_record(j, "note", text, err);
}

bool journal_queue(Journal *j, bool add, const char *text, ErrorBuf *err)
{
    if (!begin(j, "queue", err))
        return false;
    put_field(&j->line, "op", add ? "add" : "remove");
    put_field(&j->line, "s", text);
    return end_line(j, err);
}

bool journal_file(Journal *j, const char *path, ErrorBuf *err)
{
    if (!begin(j, "file", err))
        return false;
    put_field(&j->line, "path", path);
    return end_line(j, err);
}

bool journal_hunk(Journal *j, const char *file, const char *id, JournalHunkDecision d,
                  ErrorBuf *err)
{
    if (!begin(j, "hunk", err))
        return false;
    put_field(&j->line, "file", file);
    put_field(&j->line, "id", id);
    put_field(&j->line, "decision", DECISION_NAMES[d]);
    return end_line(j, err);
}

bool journal_turn_end(Journal *j, EntryState state, const char *detail, ErrorBuf *err)
{
    if (!begin(j, "end", err))
        return false;
    put_field(&j->line, "state", journal_state_name(state));
    if (detail && *detail)
        put_field(&j->line, "detail", detail);
    if (!end_line(j, err))
        return false;
    if (j->io.fsync(j->fd) < 0 && errno != EINVAL) /* EINVAL: a file that cannot sync */
        return fail_errno(j, err, "sync");
    return true;
}

/* ---- reading ------------------------------------------------------------------------------ */

static const char *get_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool parse_state(const char *name, EntryState *out)
{
    for (size_t i = 1; i < sizeof STATE_NAMES / sizeof *STATE_NAMES; i++)
        if (strcmp(name, STATE_NAMES[i]) == 0)
            return *out = (EntryState)i, true;
    return false;
}

static cJSON *parse_line(const char *line, size_t len)
{
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(line, len, &end, false);
    if (!o)
        return NULL;
    while (end && end < line + len && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (!cJSON_IsObject(o) || (end && end != line + len)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* One record line into log; false when it is damaged (not JSON, or missing a field). Unknown
 * record types (a later version's) are skipped as fine. */
static bool read_record(JournalLog *log, const char *line, size_t len)
{
    cJSON *o = parse_line(line, len);
    if (!o)
        return false;
    const char *t = get_str(o, "t");
    JournalRecord r = {0};
    const char *text = NULL, *detail = NULL;
    bool ok = t != NULL, known = true;
    if (!ok) {
    } else if (strcmp(t, "question") == 0 || strcmp(t, "steer") == 0 ||
               strcmp(t, "note") == 0 || strcmp(t, "text") == 0) {
        r.kind = t[0] == 'q' ? JR_QUESTION : t[0] == 's' ? JR_STEER : t[0] == 'n' ? JR_NOTE
                                                                       : JR_TEXT;
        ok = (text = get_str(o, "s")) != NULL;
    } else if (strcmp(t, "message") == 0) {
        r.kind = JR_MESSAGE;
        ok = (text = get_str(o, "s")) != NULL;
    } else if (strcmp(t, "queue") == 0) {
        const char *op = get_str(o, "op");
        text = get_str(o, "s");
        ok = op && text && (strcmp(op, "add") == 0 || strcmp(op, "remove") == 0);
        r.kind = op && strcmp(op, "add") == 0 ? JR_QUEUE_ADD : JR_QUEUE_REMOVE;
    } else if (strcmp(t, "end") == 0) {
        const char *st = get_str(o, "state");
        r.kind = JR_END;
        ok = st && parse_state(st, &r.state);
        detail = get_str(o, "detail");
        text = "";
    } else if (strcmp(t, "hunk") == 0) {
        const char *dec = get_str(o, "decision");
        r.kind = JR_HUNK;
        text = get_str(o, "file");
        detail = get_str(o, "id");
        ok = text && detail && dec;
        size_t d = 0;
        while (ok && d < 3 && strcmp(dec, DECISION_NAMES[d]) != 0)
            d++;
        ok = ok && d < 3;
        r.decision = (JournalHunkDecision)d;
    } else if (strcmp(t, "file") == 0) {
        r.kind = JR_FILE;
        ok = (text = get_str(o, "path")) != NULL;
    } else {
        known = false;
    }
    if (ok && known) {
        r.len = strlen(text);
        r.text = xstrndup(text, r.len);
        r.detail = detail ? xstrdup(detail) : NULL;
        log->recs = xgrow(log->recs, &log->recs_cap, log->n + 1, sizeof *log->recs);
        log->recs[log->n++] = r;
    }
    cJSON_Delete(o);
    return ok;
}

static char *dup_or_empty(const char *s) { return xstrdup(s ? s : ""); }

static bool read_header(JournalLog *log, const char *line, size_t len)
{
    cJSON *o = parse_line(line, len);
    if (!o)
        return false;
    const char *t = get_str(o, "t");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
    if (!t || strcmp(t, "flint-journal") != 0 || !cJSON_IsNumber(v)) {
        cJSON_Delete(o);
        return false;
    }
    log->version = v->valueint;
    log->cwd = dup_or_empty(get_str(o, "cwd"));
    log->model = dup_or_empty(get_str(o, "model"));
    log->provider = dup_or_empty(get_str(o, "provider"));
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(o, "start");
    double secs = cJSON_IsNumber(start) ? start->valuedouble : 0;
    log->start = secs > 0 && secs < 1e15 ? (time_t)secs : 0; /* a hostile number is no UB */
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(o, "files"), *f;
    size_t cap = 0;
    cJSON_ArrayForEach(f, files) {
        if (!cJSON_IsString(f) || !f->valuestring)
            continue;
        log->files = xgrow(log->files, &cap, log->n_files + 1, sizeof *log->files);
        log->files[log->n_files++] = xstrdup(f->valuestring);
    }
    cJSON_Delete(o);
    return true;
}

/* The whole file, or false (errno set). Stops after max bytes. */
static bool slurp(const char *path, size_t max, StrBuf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    for (;;) {
        sb_reserve(out, 65536);
        size_t room = 65536;
        if (out->len + room > max)
            room = max > out->len ? max - out->len : 0;
        if (!room)
            break;
        ssize_t n = read(fd, out->data + out->len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return false;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    close(fd);
    return true;
}

bool journal_parse(const char *data, size_t size, JournalLog *out, ErrorBuf *err)
{
    *out = (JournalLog){0};
    const char *p = size ? data : "", *end = p + size;
    const char *nl = memchr(p, '\n', size);
    if (!read_header(out, p, nl ? (size_t)(nl - p) : size)) {
        journal_log_free(out);
        return error_set(err, "not a flint conversation journal");
    }
    p = nl ? nl + 1 : end;
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        bool blank = len == 0;
        if (!blank && !read_record(out, p, len)) {
            if (nl)
                out->damaged++;
            else
                out->torn_last = true;
        }
        p = nl ? nl + 1 : end;
    }
    return true;
}

bool journal_read(const char *path, JournalLog *out, ErrorBuf *err)
{
    *out = (JournalLog){0};
    StrBuf buf = {0};
    if (!slurp(path, READ_MAX, &buf)) {
        sb_free(&buf);
        return error_errno(err, "cannot read %s", path);
    }
    ErrorBuf perr;
    bool ok = journal_parse(buf.data, buf.len, out, &perr);
    sb_free(&buf);
    if (!ok)
        return error_set(err, "%s is %s", path, perr.msg);
    return true;
}

void journal_log_free(JournalLog *log)
{
    for (size_t i = 0; i < log->n; i++) {
        free(log->recs[i].text);
        free(log->recs[i].detail);
    }
    free(log->recs);
    for (size_t i = 0; i < log->n_files; i++)
        free(log->files[i]);
    free(log->files);
    free(log->cwd);
    free(log->model);
    free(log->provider);
    *log = (JournalLog){0};
}

bool journal_default_dir(StrBuf *out)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') /* the XDG spec: a relative value is ignored */
        sb_printf(out, "%s/flint/sessions", xdg);
    else if (home && home[0])
        sb_printf(out, "%s/.local/state/flint/sessions", home);
    else
        return false;
    return true;
}

/* The header's cwd only (the first line), for a quick filter. */
static bool header_cwd_is(const char *path, const char *cwd)
{
    StrBuf buf = {0};
    bool ok = slurp(path, 64 * 1024, &buf);
    JournalLog log = {0};
    const char *nl = ok && buf.data ? memchr(buf.data, '\n', buf.len) : NULL;
    ok = ok && nl && read_header(&log, buf.data, (size_t)(nl - buf.data)) &&
         strcmp(log.cwd, cwd) == 0;
    journal_log_free(&log);
    sb_free(&buf);
    return ok;
}

static int by_mtime_desc(const void *a, const void *b)
{
    const JournalInfo *x = a, *y = b;
    if (x->mtime != y->mtime)
        return x->mtime < y->mtime ? 1 : -1;
    return strcmp(y->id, x->id); /* names start with the time: newer first */
}

size_t journal_list(const char *dir, const char *cwd, size_t max, JournalInfo **out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    JournalInfo *all = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 6 || strcmp(e->d_name + len - 6, ".jsonl") != 0)
            continue;
        StrBuf p = {0};
        sb_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p.data, &st) < 0 || !S_ISREG(st.st_mode) || !header_cwd_is(p.data, cwd)) {
            sb_free(&p);
            continue;
        }
        all = xgrow(all, &cap, n + 1, sizeof *all);
        all[n++] = (JournalInfo){.path = sb_steal(&p, NULL),
                                 .id = xstrndup(e->d_name, len - 6), .mtime = st.st_mtime};
    }
    closedir(d);
    qsort(all, n, sizeof *all, by_mtime_desc);
    /* Read the newest ones whole; keep those that asked something. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        JournalLog log;
        bool use = kept < max && journal_read(all[i].path, &log, NULL);
        if (use) {
            for (size_t r = 0; r < log.n; r++) {
                if (log.recs[r].kind != JR_QUESTION)
                    continue;
                if (!all[i].turns++)
                    all[i].first_question = xstrdup(log.recs[r].text);
            }
            journal_log_free(&log);
            use = all[i].turns > 0;
        }
        if (use) {
            all[kept++] = all[i];
        } else {
            free(all[i].path);
            free(all[i].id);
            free(all[i].first_question);
        }
    }
    if (!kept) {
        free(all);
        return 0;
    }
    *out = all;
    return kept;
}

void journal_list_free(JournalInfo *infos, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(infos[i].path);
        free(infos[i].id);
        free(infos[i].first_question);
    }
    free(infos);
}

bool journal_find(const char *dir, const char *id, StrBuf *out, ErrorBuf *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return error_errno(err, "no conversations in %s", dir);
    size_t matches = 0, idlen = strlen(id);
    char found[512] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 6 || strcmp(e->d_name + len - 6, ".jsonl") != 0 || idlen > len - 6 ||
            strncmp(e->d_name, id, idlen) != 0)
            continue;
        if (idlen == len - 6) { /* exact: that one, whatever else starts with it */
            matches = 1;
            snprintf(found, sizeof found, "%s", e->d_name);
            break;
        }
        matches++;
        snprintf(found, sizeof found, "%s", e->d_name);
    }
    closedir(d);
    if (idlen == 0 || matches == 0)
        return error_set(err, "no conversation '%s' in %s", id, dir);
    if (matches > 1)
        return error_set(err, "'%s' names %zu conversations; give more of the ID", id, matches);
    sb_printf(out, "%s/%s", dir, found);
    return true;
}
