/* SearchUi: the search, replace and go-to-line flows (see search_ui.h for what the user sees).
 *
 * State: one Search (the engine; its pattern is the last one typed, so F3 repeats it), the
 * toggles, the pattern's text as last compiled (the prompt is compared with it after every
 * key: typing, pasting, deleting and the history all come through the same door), and one
 * find in progress with its purpose:
 *   FIND_PROMPT   incremental, from the origin; no match puts the caret back on the origin
 *   FIND_NEXT     F3 / Shift-F3; no match leaves the caret alone
 *   FIND_REPLACE  the next match to ask about; none (or passing the origin again) ends it
 * A find is valid for the buffer version it began on: any edit under it ends it (the engine
 * asks for a new begin after a change), and the edits replace makes begin the next one.
 *
 * Why a time budget per slice rather than a byte budget alone: the same bytes cost ten times
 * more under ASan or with a backtracking regex, and what the user feels is time. Steps of
 * STEP_BYTES run until SLICE_NS has passed; a count shares the slice after the find.
 *
 * The replace walk stops where it began: rorigin is where the caret was, moved by the edits
 * made before it once the walk has wrapped (a replacement on rorigin's line, left of it,
 * shifts it; one with line breaks on an earlier line moves it down). */
#include "app/search_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/screen.h"
#include "app/state.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "session/goto_line.h"
#include "ui/search_view.h"

#define SLICE_NS (4 * NS_PER_MS)
#define STEP_BYTES (256u * 1024u)

typedef enum FindPurpose { FIND_NONE, FIND_PROMPT, FIND_NEXT, FIND_REPLACE } FindPurpose;

struct SearchUi {
    Search *search;
    SearchView view;
    unsigned flags;       /* SEARCH_REGEX | SEARCH_ICASE, as Alt-R / Alt-C left them */
    StrBuf pattern;       /* the text compiled last */
    bool pattern_ok;      /* ... compiled, and not empty */
    char error[sizeof(ErrorBuf)]; /* ... or why not */
    TextPos origin;       /* the caret when the prompt opened */

    FindPurpose find;
    SearchDir find_dir;   /* for the wrap notice: forward wraps to the top */
    uint64_t find_version;
    bool has_cur;
    SearchResult cur;

    bool highlight;       /* the view shows the matches (count them too) */
    uint64_t hl_version;  /* ... of this buffer version: an edit ends it */
    unsigned repeat;      /* F3s pressed while the find for an earlier one still runs */
    bool tell_count;      /* the editor's message names the match: redo it when counted */
    bool told_wrap;
    bool busy;

    StrBuf replacement;
    size_t replaced;
    bool answered;        /* y or n given in this replace: `a` cannot take the fast path */
    bool rwrapped;
    TextPos rorigin;
};

static Buffer *buf(App *a) { return session_buffer(a->session); }

SearchUi *search_ui_new(Ui *ui)
{
    SearchUi *su = xcalloc(1, sizeof *su);
    su->search = search_new();
    su->flags = SEARCH_ICASE;
    search_view_init(&su->view);
    search_view_attach(&su->view, ui_editor_view(ui));
    return su;
}

void search_ui_free(SearchUi *su)
{
    if (!su)
        return;
    search_free(su->search);
    sb_free(&su->pattern);
    sb_free(&su->replacement);
    free(su);
}

Search *search_ui_search(SearchUi *su) { return su->search; }

bool search_ui_current(const SearchUi *su, SearchResult *out)
{
    if (su->has_cur)
        *out = su->cur;
    return su->has_cur;
}

bool search_ui_mode(AppMode m) { return (MODES_SEARCH_PROMPT | MODE_BIT(MODE_REPLACE_CONFIRM)) & MODE_BIT(m); }

static bool pattern_prompt(AppMode m) { return m == MODE_SEARCH || m == MODE_REPLACE_FIND; }

/* --- what is shown ----------------------------------------------------------------------- */

static void set_current(App *a, const SearchResult *r)
{
    SearchUi *su = a->search_ui;
    su->has_cur = r != NULL;
    if (r)
        su->cur = *r;
    search_view_set_current(&su->view, r);
}

static void set_highlight(App *a, bool on)
{
    SearchUi *su = a->search_ui;
    su->highlight = on && su->pattern_ok;
    search_view_set(&su->view, su->highlight ? su->search : NULL, buf(a));
    su->hl_version = buffer_version(buf(a));
    if (!su->highlight)
        su->has_cur = false;
}

/* "3/17", "3/1200+" while counting, "1200+" before the count reaches the match. */
static void count_text(App *a, char *out, size_t size)
{
    SearchUi *su = a->search_ui;
    out[0] = '\0';
    if (!su->pattern_ok)
        return;
    Buffer *b = buf(a);
    TextPos at = su->has_cur ? su->cur.start : (TextPos){0, 0};
    SearchCount c = search_count_get(su->search, buffer_text(b), buffer_version(b), at);
    const char *more = c.complete ? "" : "+";
    if (su->has_cur && c.index)
        snprintf(out, size, "%zu/%zu%s", c.index, c.total, more);
    else if (c.complete && c.total == 0)
        snprintf(out, size, "0/0");
    else
        snprintf(out, size, "%zu%s", c.total, more);
}

static void update_label(App *a)
{
    SearchUi *su = a->search_ui;
    char count[64], label[128];
    count_text(a, count, sizeof count);
    if (a->mode == MODE_REPLACE_CONFIRM) {
        ui_prompt_set_label(a->ui, "Replace? (y)es (n)o (a)ll (Esc) stop ");
        ui_prompt_set_note(a->ui, su->has_cur ? count : "searching...", false);
        return;
    }
    if (!pattern_prompt(a->mode))
        return;
    bool rx = su->flags & SEARCH_REGEX, cs = !(su->flags & SEARCH_ICASE);
    char flags[32] = "";
    if (rx || cs)
        snprintf(flags, sizeof flags, " [%s%s%s]", rx ? "regex" : "", rx && cs ? ", " : "",
                 cs ? "case" : "");
    snprintf(label, sizeof label, "%s%s%s%s: ", a->mode == MODE_SEARCH ? "Search" : "Replace",
             flags, count[0] ? " " : "", count);
    ui_prompt_set_label(a->ui, label);
}

static void note(App *a, const char *text, bool error)
{
    ui_prompt_set_note(a->ui, text, error);
    app_damage(a);
}

/* The editor's message for the match the caret is on. */
static void say_match(App *a)
{
    SearchUi *su = a->search_ui;
    char count[64];
    count_text(a, count, sizeof count);
    const char *dir = su->find_dir == SEARCH_FORWARD ? "top" : "bottom";
    if (su->told_wrap)
        app_say(a, false, "Wrapped to the %s: match %s.", dir, count);
    else
        app_say(a, false, "Match %s.", count);
    su->tell_count = true;
}

/* --- the pattern ------------------------------------------------------------------------- */

/* Compiles the prompt's text; an invalid or empty one leaves no pattern (no highlight). */
static void compile(App *a)
{
    SearchUi *su = a->search_ui;
    const char *text = ui_prompt_text(a->ui);
    size_t len = strlen(text);
    ErrorBuf err = {{0}};
    sb_reset(&su->pattern);
    sb_append(&su->pattern, text, len);
    su->error[0] = '\0';
    su->pattern_ok = len > 0 && search_set_pattern(su->search, text, len, su->flags, &err);
    if (!su->pattern_ok) {
        if (len)
            snprintf(su->error, sizeof su->error, "%s", err.msg);
        search_set_pattern(su->search, "", 0, su->flags, NULL);
    }
}

static void begin(App *a, FindPurpose p)
{
    SearchUi *su = a->search_ui;
    su->find = p;
    su->find_version = buffer_version(buf(a));
    su->busy = true;
}

/* The prompt's pattern changed (or a toggle): search again from the origin. */
static void prompt_update(App *a)
{
    SearchUi *su = a->search_ui;
    compile(a);
    su->find = FIND_NONE;
    su->repeat = 0;
    set_current(a, NULL);
    buffer_set_cursor(buf(a), su->origin);
    set_highlight(a, true);
    if (su->pattern_ok) {
        search_begin(su->search, su->origin, SEARCH_FORWARD);
        su->find_dir = SEARCH_FORWARD;
        begin(a, FIND_PROMPT);
    }
    ui_prompt_set_note(a->ui, su->error, su->error[0] != '\0');
    update_label(a);
    app_damage(a);
}

static void open_prompt(App *a, AppMode mode, const char *label)
{
    a->mode = mode;
    ui_prompt_open(a->ui, label);
}

static void close_prompt(App *a)
{
    ui_prompt_close(a->ui); /* not committed: the prompt's history is the questions' */
    a->mode = MODE_EDIT;
}

/* --- search ------------------------------------------------------------------------------ */

void search_ui_cmd_search(App *a, const KeyEvent *k)
{
    a->search_ui->origin = buffer_cursor(buf(a));
    open_prompt(a, MODE_SEARCH, "Search: ");
    prompt_update(a); /* an empty pattern: nothing highlighted, the flags in the label */
}

/* F3 / Shift-F3: from the current match when the caret is on it (in the prompt: always, or
 * from the origin before any), else from the caret. */
static void step_from(App *a, SearchDir dir)
{
    SearchUi *su = a->search_ui;
    if (su->find == FIND_NEXT && su->find_dir == dir) {
        su->repeat++; /* keys typed ahead of the search: each still moves one match */
        return;
    }
    su->repeat = 0;
    su->told_wrap = false;
    TextPos caret = buffer_cursor(buf(a));
    SearchResult anchor = {caret, caret, false};
    if (su->has_cur && (pattern_prompt(a->mode) || text_pos_cmp(su->cur.start, caret) == 0))
        anchor = su->cur;
    else if (pattern_prompt(a->mode))
        anchor = (SearchResult){su->origin, su->origin, false};
    search_begin_next(su->search, &anchor, dir);
    su->find_dir = dir;
    begin(a, FIND_NEXT);
}

static void next_or_prev(App *a, SearchDir dir)
{
    SearchUi *su = a->search_ui;
    if (a->mode != MODE_EDIT && !pattern_prompt(a->mode))
        return;
    if (!su->pattern_ok) {
        if (a->mode == MODE_EDIT)
            app_say(a, false, "No search yet: Ctrl-F searches.");
        return;
    }
    if (a->mode == MODE_EDIT && !su->highlight)
        set_highlight(a, true);
    step_from(a, dir);
}

void search_ui_cmd_next(App *a, const KeyEvent *k) { next_or_prev(a, SEARCH_FORWARD); }
void search_ui_cmd_prev(App *a, const KeyEvent *k) { next_or_prev(a, SEARCH_BACKWARD); }

static void toggle(App *a, unsigned flag)
{
    if (!pattern_prompt(a->mode))
        return;
    a->search_ui->flags ^= flag;
    prompt_update(a);
}

void search_ui_cmd_regex(App *a, const KeyEvent *k) { toggle(a, SEARCH_REGEX); }
void search_ui_cmd_case(App *a, const KeyEvent *k) { toggle(a, SEARCH_ICASE); }

void search_ui_clear_highlight(App *a)
{
    SearchUi *su = a->search_ui;
    if (su->find == FIND_NEXT || su->find == FIND_PROMPT)
        su->find = FIND_NONE;
    set_highlight(a, false);
    set_current(a, NULL);
}

/* --- replace ----------------------------------------------------------------------------- */

void search_ui_cmd_replace(App *a, const KeyEvent *k)
{
    SearchUi *su = a->search_ui;
    su->origin = buffer_cursor(buf(a));
    open_prompt(a, MODE_REPLACE_FIND, "Replace: ");
    ui_prompt_set_text(a->ui, su->pattern.data, su->pattern.len);
    prompt_update(a);
}

static void replace_finish(App *a, const char *why)
{
    SearchUi *su = a->search_ui;
    su->find = FIND_NONE;
    close_prompt(a);
    set_highlight(a, false);
    set_current(a, NULL);
    if (why)
        app_say(a, true, "%s", why);
    else if (su->replaced == 0 && !su->answered)
        app_say(a, false, "No match for '%s'.", sb_cstr(&su->pattern));
    else
        app_say(a, false, "Replaced %zu occurrence%s.", su->replaced, su->replaced == 1 ? "" : "s");
}

static void start_replacing(App *a)
{
    SearchUi *su = a->search_ui;
    const char *text = ui_prompt_text(a->ui);
    ErrorBuf err = {{0}};
    if (!search_check_replacement(su->search, text, strlen(text), &err)) {
        note(a, err.msg, true);
        return;
    }
    sb_reset(&su->replacement);
    sb_append(&su->replacement, text, strlen(text));
    open_prompt(a, MODE_REPLACE_CONFIRM, "Replace? ");
    su->replaced = 0;
    su->answered = su->rwrapped = false;
    su->rorigin = su->origin;
    set_current(a, NULL);
    set_highlight(a, true);
    search_begin(su->search, su->origin, SEARCH_FORWARD);
    begin(a, FIND_REPLACE);
    update_label(a);
}

/* A match the replace walk found: ask about it, or stop once past where it began. */
static bool replace_offer(App *a, const SearchResult *r)
{
    SearchUi *su = a->search_ui;
    if (r->wrapped)
        su->rwrapped = true;
    if (su->rwrapped && text_pos_cmp(r->start, su->rorigin) >= 0)
        return false;
    set_current(a, r);
    buffer_set_cursor(buf(a), r->start);
    return true;
}

/* Replaces the current match; rorigin follows the edit when it was made before it. */
static bool replace_current(App *a, TextPos *after)
{
    SearchUi *su = a->search_ui;
    ErrorBuf err = {{0}};
    SearchResult cur = su->cur;
    if (!search_replace(su->search, buf(a), &cur, sb_cstr(&su->replacement), su->replacement.len,
                        after, &err)) {
        replace_finish(a, err.msg);
        return false;
    }
    su->replaced++;
    if (su->rwrapped) {
        TextPos *o = &su->rorigin;
        if (cur.start.line == o->line && cur.end.col <= o->col)
            *o = (TextPos){after->line, after->col + (o->col - cur.end.col)};
        else if (cur.start.line < o->line)
            o->line += after->line - cur.start.line;
    }
    set_current(a, NULL);
    return true;
}

void search_ui_cmd_replace_yes(App *a, const KeyEvent *k)
{
    SearchUi *su = a->search_ui;
    TextPos after;
    if (!su->has_cur || su->find != FIND_NONE || !replace_current(a, &after))
        return;
    su->answered = true;
    SearchResult from = {after, after, false};
    search_begin_next(su->search, &from, SEARCH_FORWARD);
    begin(a, FIND_REPLACE);
    update_label(a);
}

void search_ui_cmd_replace_no(App *a, const KeyEvent *k)
{
    SearchUi *su = a->search_ui;
    if (!su->has_cur || su->find != FIND_NONE)
        return;
    su->answered = true;
    search_begin_next(su->search, &su->cur, SEARCH_FORWARD);
    set_current(a, NULL);
    begin(a, FIND_REPLACE);
    update_label(a);
}

/* `a`: this match and every later one, as one undo step. Before any y or n that is every
 * match in the buffer: search_replace_all's single pass (0.3 s for 100 MB). */
void search_ui_cmd_replace_all(App *a, const KeyEvent *k)
{
    SearchUi *su = a->search_ui;
    Buffer *b = buf(a);
    if (!su->has_cur || su->find != FIND_NONE)
        return;
    if (!su->answered) {
        ErrorBuf err = {{0}};
        size_t n = 0;
        bool ok = search_replace_all(su->search, b, sb_cstr(&su->replacement),
                                     su->replacement.len, &n, &err);
        su->replaced = n;
        buffer_set_cursor(b, su->cur.start);
        replace_finish(a, ok ? NULL : err.msg);
        return;
    }
    buffer_group_begin(b);
    TextPos after;
    while (replace_current(a, &after)) {
        SearchResult from = {after, after, false}, r;
        search_begin_next(su->search, &from, SEARCH_FORWARD);
        SearchStatus st;
        while ((st = search_step(su->search, buffer_text(b), SIZE_MAX, &r)) == SEARCH_MORE) {
        }
        if (st != SEARCH_FOUND || !replace_offer(a, &r))
            break;
    }
    buffer_group_end(b);
    if (a->mode == MODE_REPLACE_CONFIRM) /* replace_current ends it itself on a failure */
        replace_finish(a, NULL);
}

/* --- go to line -------------------------------------------------------------------------- */

void search_ui_cmd_goto(App *a, const KeyEvent *k)
{
    open_prompt(a, MODE_GOTO, "Go to line (120, 120:5, +10, -10): ");
}

static void goto_submit(App *a)
{
    const char *text = ui_prompt_text(a->ui);
    ErrorBuf err = {{0}};
    TextPos to;
    if (!goto_line(buf(a), text, strlen(text), &to, &err)) {
        note(a, err.msg, true);
        return;
    }
    close_prompt(a);
    buffer_set_cursor(buf(a), to);
}

/* --- Enter, Esc, keys -------------------------------------------------------------------- */

void search_ui_submit(App *a)
{
    SearchUi *su = a->search_ui;
    switch (a->mode) {
    case MODE_SEARCH:
        close_prompt(a);
        if (!su->pattern_ok) {
            set_highlight(a, false);
            if (su->error[0])
                app_say(a, true, "%s", su->error);
        } else if (su->has_cur) {
            su->hl_version = buffer_version(buf(a)); /* hlsearch: until the next edit */
            say_match(a);
        } else if (su->find == FIND_NONE) {
            app_say(a, false, "No match for '%s'.", sb_cstr(&su->pattern));
        } /* else: still searching; the caret moves when it is found */
        break;
    case MODE_REPLACE_FIND:
        if (!su->pattern_ok) {
            note(a, su->error[0] ? su->error : "type what to replace", true);
            return;
        }
        su->find = FIND_NONE;
        set_current(a, NULL);
        buffer_set_cursor(buf(a), su->origin);
        {
            char label[64];
            snprintf(label, sizeof label, "Replace '%.20s%s' with: ", sb_cstr(&su->pattern),
                     su->pattern.len > 20 ? "..." : "");
            open_prompt(a, MODE_REPLACE_WITH, label);
        }
        ui_prompt_set_text(a->ui, su->replacement.data, su->replacement.len);
        break;
    case MODE_REPLACE_WITH: start_replacing(a); break;
    case MODE_GOTO: goto_submit(a); break;
    default: break;
    }
}

void search_ui_cancel(App *a)
{
    SearchUi *su = a->search_ui;
    if (a->mode == MODE_REPLACE_CONFIRM) {
        replace_finish(a, NULL);
        return;
    }
    if (a->mode != MODE_GOTO) {
        su->find = FIND_NONE;
        set_highlight(a, false);
        set_current(a, NULL);
        buffer_set_cursor(buf(a), su->origin);
    }
    close_prompt(a);
}

void search_ui_after_key(App *a)
{
    SearchUi *su = a->search_ui;
    Buffer *b = buf(a);
    if (pattern_prompt(a->mode)) {
        if (strcmp(ui_prompt_text(a->ui), sb_cstr(&su->pattern)) != 0)
            prompt_update(a);
        return;
    }
    if (a->mode == MODE_EDIT) {
        su->tell_count = false; /* a key came: the message about the match is gone or old */
        if (su->highlight && buffer_version(b) != su->hl_version)
            search_ui_clear_highlight(a);
    }
}

/* --- slices ------------------------------------------------------------------------------ */

static void found(App *a, const SearchResult *r)
{
    SearchUi *su = a->search_ui;
    FindPurpose p = su->find;
    su->find = FIND_NONE;
    if (p == FIND_REPLACE) {
        if (!replace_offer(a, r))
            replace_finish(a, NULL);
        update_label(a);
        return;
    }
    set_current(a, r);
    buffer_set_cursor(buf(a), r->start);
    su->told_wrap = r->wrapped || (p == FIND_NEXT && su->told_wrap);
    if (p == FIND_NEXT && su->repeat > 0) {
        su->repeat--;
        search_begin_next(su->search, r, su->find_dir);
        begin(a, FIND_NEXT);
        return;
    }
    if (pattern_prompt(a->mode))
        ui_prompt_set_note(a->ui, r->wrapped ? "wrapped" : "", false);
    else
        say_match(a);
    update_label(a);
}

static void not_found(App *a)
{
    SearchUi *su = a->search_ui;
    FindPurpose p = su->find;
    su->find = FIND_NONE;
    if (p == FIND_REPLACE) {
        replace_finish(a, NULL);
        return;
    }
    if (p == FIND_PROMPT) {
        set_current(a, NULL);
        buffer_set_cursor(buf(a), su->origin);
    }
    if (pattern_prompt(a->mode))
        ui_prompt_set_note(a->ui, "no match", false);
    else
        app_say(a, false, "No match for '%s'.", sb_cstr(&su->pattern));
    update_label(a);
}

bool search_ui_step(App *a)
{
    SearchUi *su = a->search_ui;
    if (!su)
        return false;
    Buffer *b = buf(a);
    const Text *t = buffer_text(b);
    uint64_t v = buffer_version(b), t0 = clock_now_ns();
    if (su->find != FIND_NONE && su->find_version != v)
        su->find = FIND_NONE; /* the text changed under it */
    while (su->find != FIND_NONE) {
        SearchResult r;
        SearchStatus st = search_step(su->search, t, STEP_BYTES, &r);
        if (st == SEARCH_FOUND)
            found(a, &r);
        else if (st == SEARCH_NOT_FOUND)
            not_found(a);
        else if (clock_now_ns() - t0 >= SLICE_NS)
            break;
    }
    bool counting = false;
    if (su->highlight && su->pattern_ok) {
        t = buffer_text(b); /* a replace may have changed it */
        v = buffer_version(b);
        bool was = search_count_get(su->search, t, v, (TextPos){0, 0}).complete;
        bool done = was;
        while (!done && clock_now_ns() - t0 < SLICE_NS)
            done = search_count_step(su->search, t, v, STEP_BYTES);
        counting = !done;
        if (done && !was) {
            update_label(a);
            if (su->tell_count && a->mode == MODE_EDIT && su->has_cur)
                say_match(a);
        }
    }
    su->busy = su->find != FIND_NONE || counting;
    return su->busy;
}

bool search_ui_busy(const App *a) { return a->search_ui && a->search_ui->busy; }
