/* Hunks in the app (see hunks_app.h).
 *
 * Feeding: `entry` is the transcript index of the answer being parsed and `fed` how many of
 * its bytes the parser has had; answers are append-only (session/transcript.h), so the new
 * bytes are text[fed, len). A new answer entry gets a fresh parser; an answer that ends DONE
 * is finished (its last line and open hunk count); one stopped midway is not (a hunk cut by
 * an interrupt is not offered).
 *
 * Review: `cur` is the index (in the HunkSet) of the hunk under review; moves go to the next
 * pending one in id order, wrapping. */
#include "app/hunks_app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/file_rules.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/xalloc.h"
#include "session/path.h"
#include "session/session.h"
#include "session/hunk_parse.h"
#include "session/transcript.h"
#include "themes/theme.h"
#include "ui/editor_view.h"

/* Hunks taken from one answer at most: the display and the review walk every hunk, so a
 * hostile answer of a hundred thousand tiny hunks must not make each frame slow. */
#define HUNKS_PER_ANSWER 500

struct HunksApp {
    HunkSet *set;
    HunkParser *parser;
    size_t entry;          /* the answer being parsed (SIZE_MAX: none yet) */
    size_t fed;
    bool finished;
    size_t taken;          /* hunks taken from this answer */
    uint64_t generation;   /* the transcript's, when last fed */
    size_t scan_from;      /* entries before this are done with */
    size_t cur;            /* review: the hunk shown */
    size_t accepted, rejected; /* decisions in this review */
    const HunkLine **adds; /* scratch for the virtual lines */
    size_t adds_cap;
    char stale_rows[4][400];
    char head_row[160];    /* review: the row above the hunk under review */
};

/* --- display: the editor's layers -------------------------------------------------------- */

static void hunks_decor(void *ud, const Buffer *b, size_t line, const char *s, size_t len,
                        EditorSpans *out)
{
    (void)s;
    (void)len;
    App *a = ud;
    if (!a->hunks)
        return;
    switch (hunks_show_line(a->hunks->set, b, line, NULL)) {
    case HUNK_SHOW_REMOVED:
        editor_spans_add(out, 0, EDITOR_SPAN_EOL, STYLE_DIFF_REMOVE);
        break;
    case HUNK_SHOW_STALE:
        editor_spans_add(out, 0, EDITOR_SPAN_EOL, STYLE_HUNK_STALE);
        break;
    default:
        break;
    }
}

/* Above line `line`: a note for each stale hunk placed there, then the lines pending hunks
 * add there. */
static size_t hunks_virt(void *ud, const Buffer *b, size_t line, EditorVirtLine *out, size_t cap)
{
    App *a = ud;
    HunksApp *h = a->hunks;
    if (!h)
        return 0;
    size_t n = 0, notes = 0;
    if (a->mode == MODE_REVIEW && h->cur < hunks_count(h->set)) {
        HunkInfo in = hunks_info(h->set, h->cur);
        if (in.state == HUNK_PENDING && in.buffer == b && in.line == line) {
            size_t nth = 0, all = hunks_pending(h->set);
            for (size_t i = 0; i <= h->cur; i++)
                nth += hunks_info(h->set, i).state == HUNK_PENDING;
            int len = snprintf(h->head_row, sizeof h->head_row,
                               "@@ hunk %zu/%zu: y accept, n reject, a/r all, Tab next, Esc "
                               "leave @@", nth, all);
            if (cap)
                out[0] = (EditorVirtLine){h->head_row, (size_t)len, STYLE_SYN_HUNK, '>'};
            n++;
        }
    }
    for (size_t i = 0; i < hunks_count(h->set); i++) {
        HunkInfo in = hunks_info(h->set, i);
        if (in.state != HUNK_STALE || in.buffer != b || in.line != line || notes == 4)
            continue;
        char *row = h->stale_rows[notes++];
        int len = snprintf(row, sizeof h->stale_rows[0], "hunk %zu is stale: %s", in.id, in.reason);
        if (len < 0)
            len = 0;
        if ((size_t)len >= sizeof h->stale_rows[0])
            len = (int)sizeof h->stale_rows[0] - 1;
        if (n < cap)
            out[n] = (EditorVirtLine){row, (size_t)len, STYLE_HUNK_STALE, '!'};
        n++;
    }
    size_t total = hunks_added_above(h->set, b, line, NULL, 0, NULL);
    if (!total)
        return n;
    size_t room = cap > n ? cap - n : 0;
    if (room) {
        h->adds = xgrow(h->adds, &h->adds_cap, room, sizeof *h->adds);
        size_t got = hunks_added_above(h->set, b, line, h->adds, room, NULL);
        for (size_t k = 0; k < got && k < room; k++)
            out[n + k] = (EditorVirtLine){h->adds[k]->s, h->adds[k]->len, STYLE_DIFF_ADD, '+'};
    }
    return n + total;
}

void hunks_app_init(App *a)
{
    HunksApp *h = xcalloc(1, sizeof *h);
    h->set = hunks_new();
    h->entry = (size_t)-1;
    a->hunks = h;
    a->status_note = hunks_app_status;
    if (a->ui) {
        EditorView *ev = ui_editor_view(a->ui);
        editor_view_add_decor(ev, hunks_decor, a, false);
        editor_view_set_virtual(ev, hunks_virt, a);
    }
}

void hunks_app_free(App *a)
{
    HunksApp *h = a->hunks;
    if (!h)
        return;
    hunks_free(h->set); /* removes its marks: the buffers are still alive */
    hunk_parser_free(h->parser);
    free(h->adds);
    free(h);
    a->hunks = NULL;
}

const HunkSet *hunks_app_set(const App *a) { return a->hunks ? a->hunks->set : NULL; }

/* A decision goes to the conversation's journal when it is made (stale ones when they are
 * reported: a hunk can turn stale on any edit, and is told once). */
static void journal_decision(App *a, size_t i)
{
    HunkInfo in = hunks_info(a->hunks->set, i);
    if (in.state == HUNK_PENDING)
        return;
    char id[32];
    snprintf(id, sizeof id, "%zu", in.id);
    if (a->journal_hunk)
        a->journal_hunk(a, in.path, id,
                        in.state == HUNK_ACCEPTED   ? JOURNAL_HUNK_ACCEPTED
                        : in.state == HUNK_REJECTED ? JOURNAL_HUNK_REJECTED
                                                    : JOURNAL_HUNK_STALE);
}

bool hunks_app_take_report(App *a, StrBuf *out)
{
    if (!a->hunks)
        return false;
    for (size_t i = 0; i < hunks_count(a->hunks->set); i++)
        if (hunks_info(a->hunks->set, i).state == HUNK_STALE)
            journal_decision(a, i);
    return hunks_take_report(a->hunks->set, out);
}

void hunks_app_tell_model(App *a)
{
    StrBuf rep = {0};
    if (hunks_app_take_report(a, &rep)) {
        char *line = rep.data;
        while (line && *line) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (*line)
                session_add_model_note(a->session, line);
            line = nl ? nl + 1 : NULL;
        }
    }
    sb_free(&rep);
}

void hunks_app_forget_buffer(App *a, Buffer *b)
{
    if (a->hunks)
        hunks_forget_buffer(a->hunks->set, b);
}

/* --- feeding ------------------------------------------------------------------------------ */

/* A path the model may name without the user having opened it: relative, no "..". */
static bool path_allowed(const char *p)
{
    if (!p[0] || p[0] == '/' || p[0] == '~')
        return false;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return false;
        s += n + (e ? 1 : 0);
    }
    return true;
}

/* An open buffer named path (the same file, or the same name when the model dropped the
 * directories and only one open buffer has that name). */
static Buffer *open_buffer_named(App *a, const char *path)
{
    Buffer *by_name = NULL;
    size_t named = 0;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        Buffer *b = session_buffer_at(a->session, i);
        const char *bp = buffer_path(b);
        if (!bp)
            continue;
        if (path_same_file(bp, path))
            return b;
        size_t bl = strlen(bp), pl = strlen(path);
        if (bl > pl && bp[bl - pl - 1] == '/' && strcmp(bp + bl - pl, path) == 0)
            return b; /* "src/x.c" for "/home/u/p/src/x.c" */
        if (strchr(path, '/') == NULL && strcmp(buffer_name(b), base) == 0) {
            by_name = b;
            named++;
        }
    }
    return named == 1 ? by_name : NULL;
}

static Buffer *buffer_for(App *a, const ParsedHunk *ph, char *why, size_t why_size)
{
    if (!ph->path || !ph->path[0])
        return session_buffer(a->session);
    Buffer *b = open_buffer_named(a, ph->path);
    if (b)
        return b;
    struct stat st;
    if (ph->kind == HUNK_UPDATE && stat(ph->path, &st) != 0) {
        /* No such file: the model named the unsaved buffer the context showed ("[new]"). */
        Buffer *cur = session_buffer(a->session);
        if (!buffer_path(cur))
            return cur;
        snprintf(why, why_size, "%s does not exist", ph->path);
        return NULL;
    }
    if (!path_allowed(ph->path)) {
        snprintf(why, why_size, "%s is outside the working directory (open it to allow edits)",
                 ph->path);
        return NULL;
    }
    /* Opened beside the others, not made current; the settings and .editorconfig apply as
     * for a file the user opens (app/buffers.c). A new file is an empty named buffer. */
    ErrorBuf err;
    b = buffer_new();
    Buffer *first = session_buffer_at(a->session, 0);
    buffer_set_tab_width(b, buffer_tab_width(first));
    buffer_set_expand_tabs(b, buffer_expand_tabs(first));
    if (!buffer_open(b, ph->path, &err)) {
        snprintf(why, why_size, "%s", err.msg);
        buffer_free(b);
        return NULL;
    }
    file_rules_apply(b, a->settings);
    session_buffer_add(a->session, b);
    return b;
}

static void take_hunks(App *a)
{
    HunksApp *h = a->hunks;
    ParsedHunk *ph;
    while ((ph = hunk_parser_take(h->parser))) {
        if (h->taken == HUNKS_PER_ANSWER)
            app_say(a, true, "Over %d hunks: the rest are ignored.",
                    HUNKS_PER_ANSWER);
        if (h->taken++ >= HUNKS_PER_ANSWER) {
            parsed_hunk_free(ph);
            continue;
        }
        char why[512] = "";
        Buffer *b = ph->kind == HUNK_BAD || ph->kind == HUNK_DELETE_FILE
                        ? NULL
                        : buffer_for(a, ph, why, sizeof why);
        hunks_add(h->set, ph, b, why);
    }
}

void hunks_app_feed(App *a)
{
    HunksApp *h = a->hunks;
    if (!h)
        return;
    const Transcript *t = session_transcript(a->session);
    if (transcript_generation(t) == h->generation)
        return;
    h->generation = transcript_generation(t);
    size_t n = transcript_count(t);
    for (size_t i = h->scan_from; i < n; i++) {
        const TranscriptEntry *e = transcript_entry(t, i);
        if (e->kind != ENTRY_ANSWER)
            continue;
        if (i != h->entry) {
            hunk_parser_free(h->parser);
            h->parser = hunk_parser_new();
            hunks_begin_answer(h->set);
            h->entry = i;
            h->fed = 0;
            h->finished = false;
            h->taken = 0;
        }
        if (e->text.len > h->fed) {
            hunk_parser_feed(h->parser, e->text.data + h->fed, e->text.len - h->fed);
            h->fed = e->text.len;
        }
        if (e->state != ENTRY_OPEN && !h->finished) {
            if (e->state == ENTRY_DONE)
                hunk_parser_finish(h->parser);
            h->finished = true;
        }
        take_hunks(a);
        if (h->finished)
            h->scan_from = i + 1;
    }
}

/* --- review -------------------------------------------------------------------------------- */

static bool pending(const HunksApp *h, size_t i)
{
    return i < hunks_count(h->set) && hunks_info(h->set, i).state == HUNK_PENDING;
}

/* The next pending hunk from `from` in direction dir (wrapping); false when none. */
static bool find_pending(const HunksApp *h, size_t from, int dir, size_t *out)
{
    size_t n = hunks_count(h->set);
    for (size_t k = 0; k < n; k++) {
        size_t i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;
        if (pending(h, i)) {
            *out = i;
            return true;
        }
    }
    return false;
}

/* Shows hunk i: its buffer current, the caret on its first line, the view a little above. */
static void show(App *a, size_t i)
{
    HunksApp *h = a->hunks;
    h->cur = i;
    HunkInfo in = hunks_info(h->set, i);
    if (!in.buffer)
        return;
    for (size_t k = 0; k < session_buffer_count(a->session); k++)
        if (session_buffer_at(a->session, k) == in.buffer)
            session_buffer_set_current(a->session, k);
    size_t nl = text_line_count(buffer_text(in.buffer));
    buffer_set_cursor(in.buffer, (TextPos){in.line < nl ? in.line : nl - 1, 0});
    if (a->ui)
        editor_view_show_line(ui_editor_view(a->ui), in.line, 3);
}

static void leave(App *a, const char *why)
{
    if (a->mode == MODE_REVIEW)
        a->mode = MODE_EDIT;
    if (why)
        app_say(a, false, "%s", why);
}

/* After a decision: the next pending hunk, or the end of the review. */
static void advance(App *a)
{
    HunksApp *h = a->hunks;
    size_t next;
    if (find_pending(h, h->cur, 1, &next)) {
        show(a, next);
        return;
    }
    size_t stale = 0;
    for (size_t i = 0; i < hunks_count(h->set); i++)
        stale += hunks_info(h->set, i).state == HUNK_STALE;
    char msg[160];
    snprintf(msg, sizeof msg, "Accepted %zu, rejected %zu, stale %zu.", h->accepted,
             h->rejected, stale); /* short: the status line keeps its right part */
    leave(a, msg);
}

void hunks_cmd_review(App *a, const KeyEvent *k)
{
    (void)k;
    HunksApp *h = a->hunks;
    hunks_refresh(h->set);
    h->accepted = h->rejected = 0;
    size_t first;
    /* the first pending hunk in the current buffer, else any */
    Buffer *b = session_buffer(a->session);
    for (size_t i = 0; i < hunks_count(h->set); i++) {
        HunkInfo in = hunks_info(h->set, i);
        if (in.state == HUNK_PENDING && in.buffer == b) {
            a->mode = MODE_REVIEW;
            show(a, i);
            return;
        }
    }
    if (!find_pending(h, 0, 1, &first)) {
        app_say(a, false, "No proposed edits to review.");
        return;
    }
    a->mode = MODE_REVIEW;
    show(a, first);
}

void hunks_cmd_accept(App *a, const KeyEvent *k)
{
    (void)k;
    HunksApp *h = a->hunks;
    if (!pending(h, h->cur)) {
        advance(a);
        return;
    }
    if (hunks_accept(h->set, h->cur)) {
        h->accepted++;
        journal_decision(a, h->cur);
    } else {
        HunkInfo in = hunks_info(h->set, h->cur);
        app_say(a, true, "Hunk %zu not applied: %s.", in.id, in.reason);
    }
    advance(a);
}

void hunks_cmd_reject(App *a, const KeyEvent *k)
{
    (void)k;
    HunksApp *h = a->hunks;
    if (pending(h, h->cur)) {
        hunks_reject(h->set, h->cur);
        h->rejected++;
        journal_decision(a, h->cur);
    }
    advance(a);
}

void hunks_cmd_accept_all(App *a, const KeyEvent *k)
{
    (void)k;
    HunksApp *h = a->hunks;
    hunks_refresh(h->set);
    for (size_t i = 0; i < hunks_count(h->set); i++)
        if (pending(h, i) && hunks_accept(h->set, i)) {
            h->accepted++;
            journal_decision(a, i);
        }
    advance(a);
}

void hunks_cmd_reject_all(App *a, const KeyEvent *k)
{
    (void)k;
    HunksApp *h = a->hunks;
    for (size_t i = 0; i < hunks_count(h->set); i++) {
        if (!pending(h, i))
            continue;
        h->rejected++;
        hunks_reject(h->set, i);
        journal_decision(a, i);
    }
    advance(a);
}

static void move(App *a, int dir)
{
    HunksApp *h = a->hunks;
    size_t n = hunks_count(h->set), next;
    if (!n) {
        leave(a, NULL);
        return;
    }
    size_t from = dir > 0 ? (h->cur + 1) % n : (h->cur + n - 1) % n;
    if (find_pending(h, from, dir, &next))
        show(a, next);
    else
        advance(a);
}

void hunks_cmd_next(App *a, const KeyEvent *k)
{
    (void)k;
    move(a, 1);
}

void hunks_cmd_prev(App *a, const KeyEvent *k)
{
    (void)k;
    move(a, -1);
}

void hunks_cmd_leave(App *a, const KeyEvent *k)
{
    (void)k;
    leave(a, NULL);
}

bool hunks_app_status(App *a, char *out, size_t size)
{
    HunksApp *h = a->hunks;
    if (!h)
        return false;
    hunks_refresh(h->set);
    size_t n = hunks_pending(h->set);
    if (a->mode == MODE_REVIEW) {
        if (!pending(h, h->cur)) { /* went stale under the user's edits, or closed */
            size_t next;
            if (!find_pending(h, h->cur, 1, &next)) {
                leave(a, NULL);
                return false;
            }
            h->cur = next;
        }
        HunkInfo in = hunks_info(h->set, h->cur);
        size_t nth = 0;
        for (size_t i = 0; i <= h->cur; i++)
            nth += pending(h, i);
        (void)in;
        snprintf(out, size, "Hunk %zu/%zu: y accept, n reject, a/r all", nth, n);
        return true;
    }
    if (!n)
        return false;
    snprintf(out, size, "%zu hunk%s pending (Ctrl-R review)", n, n == 1 ? "" : "s");
    return true;
}
