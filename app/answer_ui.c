/* AnswerUi: see answer_ui.h.
 *
 * State: the answer search (a Search of its own, so the editor's pattern and highlight are
 * untouched; the pattern, the flags, the current match), where the caret was when the search
 * prompt opened (Esc puts it back), the mode the export prompt returns to, and whether the
 * pane is focused as far as the view knows (focused), so that the view's focus follows
 * App.mode from one place (sync_focus) whatever changed the mode (a command of another file
 * leaving a prompt, a click).
 *
 * The caret's position is read from the view as of its last draw, so a handler that needs it
 * draws first (settle): keys that arrive in one read ("Down Down c") act in order. */
#include "app/answer_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/edit_cmds.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/xalloc.h"
#include "session/answer_blocks.h"
#include "session/answer_search.h"
#include "session/export.h"

struct AnswerUi {
    Search *search;
    StrBuf pattern;
    unsigned flags;         /* SEARCH_REGEX; SEARCH_ICASE unless Alt-C asked for case */
    bool has_cur;
    AnswerMatch cur;
    bool have_origin;
    size_t origin_entry, origin_off;
    AppMode export_return;
    bool focused;
};

AnswerUi *answer_ui_new(void)
{
    AnswerUi *au = xcalloc(1, sizeof *au);
    au->search = search_new();
    au->flags = SEARCH_ICASE;
    return au;
}

void answer_ui_free(AnswerUi *au)
{
    if (!au)
        return;
    search_free(au->search);
    sb_free(&au->pattern);
    free(au);
}

bool answer_ui_prompt(AppMode m) { return m == MODE_ANSWER_SEARCH || m == MODE_EXPORT; }

static const Transcript *tr(App *a) { return session_transcript(a->session); }

static void sync_focus(App *a)
{
    AnswerUi *au = a->answer_ui;
    bool want = a->mode == MODE_ANSWER || a->mode == MODE_ANSWER_SEARCH ||
                (a->mode == MODE_EXPORT && au->export_return == MODE_ANSWER);
    if (want != au->focused) {
        au->focused = want;
        ui_model_set_focus(a->ui, want);
        if (!want) { /* leaving the pane ends its search highlight */
            au->has_cur = false;
            ui_model_set_search(a->ui, NULL, false, 0, 0, 0);
        }
    }
}

void answer_ui_focus(App *a, bool on)
{
    if (on && a->mode == MODE_EDIT) {
        a->mode = MODE_ANSWER;
        app_say(a, false, "Answer pane: arrows move, y copies the answer, c the code block, "
                          "i inserts it, Ctrl-F searches, Esc: editor.");
    } else if (!on && a->mode == MODE_ANSWER) {
        a->mode = MODE_EDIT;
    }
    sync_focus(a);
    app_damage(a);
}

/* Applies the caret's pending moves (a frame) and reads it. */
static bool settle_caret(App *a, size_t *entry, size_t *off)
{
    app_draw(a);
    return ui_model_caret(a->ui, entry, off);
}

/* --- keys -------------------------------------------------------------------------------- */

bool answer_ui_key(App *a, const KeyEvent *k, bool bound)
{
    if (a->mode != MODE_ANSWER || bound || k->code == KC_FOCUS_IN || k->code == KC_FOCUS_OUT)
        return false;
    if (k->code == KC_PASTE || (k->code == KC_CHAR && !(k->mods & (MOD_CTRL | MOD_ALT)))) {
        app_say(a, false, "In the answer pane: y copies, c copies the code block, i inserts it, "
                          "e exports; Esc goes back to the editor.");
        return true;
    }
    answer_ui_focus(a, false); /* the editor has this key, as it always had */
    return false;
}

void answer_ui_cmd_focus(App *a, const KeyEvent *k)
{
    answer_ui_focus(a, a->mode != MODE_ANSWER);
}

void answer_ui_cmd_leave(App *a, const KeyEvent *k) { answer_ui_focus(a, false); }

static int page(App *a)
{
    size_t p = ui_model_page_rows(a->ui);
    return p > 1 ? (int)p - 1 : 1;
}

void answer_ui_cmd_up(App *a, const KeyEvent *k) { ui_model_caret_move(a->ui, -1); }
void answer_ui_cmd_down(App *a, const KeyEvent *k) { ui_model_caret_move(a->ui, 1); }
void answer_ui_cmd_page_up(App *a, const KeyEvent *k) { ui_model_caret_page(a->ui, -page(a)); }
void answer_ui_cmd_page_down(App *a, const KeyEvent *k) { ui_model_caret_page(a->ui, page(a)); }
void answer_ui_cmd_top(App *a, const KeyEvent *k) { ui_model_caret_top(a->ui); }
void answer_ui_cmd_end(App *a, const KeyEvent *k) { ui_model_caret_tail(a->ui); }

void answer_ui_cmd_code_wrap(App *a, const KeyEvent *k)
{
    bool scroll = !ui_model_code_scrolls(a->ui);
    ui_model_set_code_scroll(a->ui, scroll); /* for this run; the setting sets the start */
    app_say(a, false, scroll ? "Long code lines scroll sideways: Left / Right (w: wrap them)"
                             : "Long code lines wrap between tokens, marked \xe2\x86\xaa (w: scroll)");
}
static void code_sideways(App *a, int cols)
{
    if (!ui_model_code_scrolls(a->ui))
        app_say(a, false, "Long code lines wrap; w makes them scroll sideways with Left / Right");
    ui_model_hscroll(a->ui, cols);
}
void answer_ui_cmd_code_left(App *a, const KeyEvent *k) { code_sideways(a, -8); }
void answer_ui_cmd_code_right(App *a, const KeyEvent *k) { code_sideways(a, 8); }

/* --- search ------------------------------------------------------------------------------ */

static void search_label(App *a, size_t index, size_t total)
{
    AnswerUi *au = a->answer_ui;
    char flags[32] = "", count[48] = "", label[128];
    bool regex = au->flags & SEARCH_REGEX, mcase = !(au->flags & SEARCH_ICASE);
    if (regex || mcase)
        snprintf(flags, sizeof flags, " [%s%s%s]", regex ? "regex" : "",
                 regex && mcase ? ", " : "", mcase ? "case" : "");
    if (total && index)
        snprintf(count, sizeof count, " %zu/%zu", index, total);
    else if (au->pattern.len && search_has_pattern(au->search))
        snprintf(count, sizeof count, " 0/%zu", total);
    snprintf(label, sizeof label, "Search answer%s%s: ", flags, count);
    ui_prompt_set_label(a->ui, label);
}

static void show_match(App *a)
{
    AnswerUi *au = a->answer_ui;
    ui_model_set_search(a->ui, au->search, au->has_cur, au->cur.entry, au->cur.start,
                        au->cur.end);
    if (au->has_cur)
        ui_model_caret_to(a->ui, au->cur.entry, au->cur.start);
}

/* The prompt's text changed (or a flag): compile, find from where the search began. */
static void search_update(App *a)
{
    AnswerUi *au = a->answer_ui;
    const char *text = ui_prompt_text(a->ui);
    sb_reset(&au->pattern);
    sb_puts(&au->pattern, text);
    ErrorBuf err = {{0}};
    au->has_cur = false;
    if (!*text) { /* nothing typed (yet): no highlight; the last pattern stays for F3 */
        ui_prompt_set_note(a->ui, "", false);
        ui_model_set_search(a->ui, NULL, false, 0, 0, 0);
        search_label(a, 0, 0);
        if (au->have_origin)
            ui_model_caret_to(a->ui, au->origin_entry, au->origin_off);
        return;
    }
    if (!search_set_pattern(au->search, text, strlen(text), au->flags, &err)) {
        ui_prompt_set_note(a->ui, err.msg, true);
        ui_model_set_search(a->ui, NULL, false, 0, 0, 0);
        search_label(a, 0, 0);
        return;
    }
    ui_prompt_set_note(a->ui, "", false);
    bool wrapped;
    if (au->have_origin && *text)
        au->has_cur = answer_search_find(au->search, tr(a), au->origin_entry, au->origin_off,
                                         SEARCH_FORWARD, &au->cur, &wrapped);
    if (!au->has_cur && au->have_origin)
        ui_model_caret_to(a->ui, au->origin_entry, au->origin_off);
    size_t index = 0, total = *text ? answer_search_count(au->search, tr(a), &au->cur, &index) : 0;
    search_label(a, au->has_cur ? index : 0, total);
    show_match(a);
}

void answer_ui_cmd_search(App *a, const KeyEvent *k)
{
    AnswerUi *au = a->answer_ui;
    au->have_origin = settle_caret(a, &au->origin_entry, &au->origin_off);
    a->mode = MODE_ANSWER_SEARCH;
    ui_prompt_open(a->ui, "Search answer: "); /* empty: F3 still finds the last pattern */
    search_update(a);
}

void answer_ui_search_next(App *a, bool forward)
{
    AnswerUi *au = a->answer_ui;
    if (!search_has_pattern(au->search)) {
        app_say(a, false, "No search yet: Ctrl-F in the answer pane searches it.");
        return;
    }
    size_t e, off;
    if (au->has_cur) {
        e = au->cur.entry;
        off = forward ? au->cur.start + 1 : au->cur.start;
    } else if (!settle_caret(a, &e, &off)) {
        e = off = 0;
    }
    bool wrapped;
    au->has_cur = answer_search_find(au->search, tr(a), e, off,
                                     forward ? SEARCH_FORWARD : SEARCH_BACKWARD, &au->cur,
                                     &wrapped);
    size_t index = 0, total = answer_search_count(au->search, tr(a), &au->cur, &index);
    if (a->mode == MODE_ANSWER_SEARCH)
        search_label(a, au->has_cur ? index : 0, total);
    else if (!au->has_cur)
        app_say(a, false, "No match for '%s' in the answer.", sb_cstr(&au->pattern));
    else if (wrapped)
        app_say(a, false, "Wrapped to the %s: match %zu/%zu", forward ? "top" : "bottom", index,
                total);
    else
        app_say(a, false, "Match %zu/%zu", index, total);
    show_match(a);
}

void answer_ui_cmd_search_next(App *a, const KeyEvent *k) { answer_ui_search_next(a, true); }
void answer_ui_cmd_search_prev(App *a, const KeyEvent *k) { answer_ui_search_next(a, false); }

void answer_ui_toggle(App *a, unsigned flag)
{
    a->answer_ui->flags ^= flag;
    search_update(a);
}

/* --- copy and insert --------------------------------------------------------------------- */

static const TranscriptEntry *last_answer(App *a, size_t *idx)
{
    const Transcript *t = tr(a);
    for (size_t i = transcript_count(t); i-- > 0;)
        if (transcript_entry(t, i)->kind == ENTRY_ANSWER) {
            *idx = i;
            return transcript_entry(t, i);
        }
    return NULL;
}

/* The answer the caret is in, or (on a question, a note, in the editor) the last one. */
static const TranscriptEntry *caret_answer(App *a, size_t *off, bool *on_caret)
{
    size_t e, o;
    *on_caret = false;
    if (a->mode == MODE_ANSWER && settle_caret(a, &e, &o) &&
        transcript_entry(tr(a), e)->kind == ENTRY_ANSWER) {
        *off = o;
        *on_caret = true;
        return transcript_entry(tr(a), e);
    }
    size_t i;
    const TranscriptEntry *en = last_answer(a, &i);
    *off = en ? en->text.len : 0;
    return en;
}

void answer_ui_cmd_copy(App *a, const KeyEvent *k)
{
    size_t off;
    bool on_caret;
    const TranscriptEntry *en = caret_answer(a, &off, &on_caret);
    if (!en || en->text.len == 0) {
        app_say(a, false, "No answer to copy yet.");
        return;
    }
    edit_copy_text(a, en->text.data, en->text.len, on_caret ? "the answer: " : "the last answer: ");
}

/* The code block for copy and insert: under the caret in the pane, else the last answer's
 * last one. False (and said why) when there is none. */
static bool pick_block(App *a, StrBuf *body, bool *streaming)
{
    size_t off;
    bool on_caret;
    const TranscriptEntry *en = caret_answer(a, &off, &on_caret);
    if (!en) {
        app_say(a, false, "No answer yet.");
        return false;
    }
    AnswerBlock b;
    bool found = on_caret ? answer_block_at(en->text.data, en->text.len, off, &b)
                          : answer_block_last(en->text.data, en->text.len, &b);
    if (!found) {
        size_t n = answer_block_count(en->text.data, en->text.len);
        if (on_caret && n)
            app_say(a, false, "The caret is not on a code block (this answer has %zu).", n);
        else
            app_say(a, false, "The answer has no code block.");
        return false;
    }
    answer_block_body(en->text.data, &b, body);
    *streaming = !b.closed;
    return true;
}

void answer_ui_cmd_copy_block(App *a, const KeyEvent *k)
{
    StrBuf body = {0};
    bool open;
    if (pick_block(a, &body, &open))
        edit_copy_text(a, body.data, body.len,
                       open ? "the code block (not closed yet): " : "the code block: ");
    sb_free(&body);
}

void answer_ui_cmd_insert_block(App *a, const KeyEvent *k)
{
    StrBuf body = {0};
    bool open;
    if (!pick_block(a, &body, &open)) {
        sb_free(&body);
        return;
    }
    Buffer *b = session_buffer(a->session);
    TextPos from, to;
    bool sel = buffer_selection(b, &from, &to);
    buffer_group_begin(b); /* one undo step, a selection's removal included */
    if (sel) {
        buffer_clear_selection(b);
        buffer_replace(b, from, to, body.data ? body.data : "", body.len);
    } else {
        buffer_insert(b, body.data ? body.data : "", body.len);
    }
    buffer_group_end(b);
    answer_ui_focus(a, false); /* the editor shows what came in; Ctrl-Z takes it back */
    app_say(a, false, "Inserted the code block (%zu bytes%s; Ctrl-Z undoes it).", body.len,
            open ? ", not closed yet" : "");
    sb_free(&body);
}

/* Tab / Shift-Tab: the caret to the first line of the next / previous code block of any
 * answer (the fence line of an empty one). */
static void block_step(App *a, bool forward)
{
    size_t e0, off;
    if (!settle_caret(a, &e0, &off))
        return;
    const Transcript *t = tr(a);
    size_t n = transcript_count(t);
    for (size_t k = 0; k < n; k++) {
        size_t e = forward ? e0 + k : e0 - k;
        if (e >= n)
            break;
        const TranscriptEntry *en = transcript_entry(t, e);
        if (en->kind != ENTRY_ANSWER)
            continue;
        size_t pos = 0;
        AnswerBlock b, pick;
        bool found = false;
        while (answer_block_next(en->text.data, en->text.len, &pos, &b)) {
            size_t to = b.body_end > b.body_start ? b.body_start : b.start;
            if (forward && (e != e0 || b.start > off)) {
                pick = b, found = true;
                break;
            }
            if (!forward && (e != e0 || (to < off && !(b.start <= off && off < b.end))))
                pick = b, found = true;
        }
        if (found) {
            ui_model_caret_to(a->ui, e, pick.body_end > pick.body_start ? pick.body_start
                                                                        : pick.start);
            return;
        }
        if (!forward && e == 0)
            break;
    }
    app_say(a, false, forward ? "No code block below." : "No code block above.");
}

void answer_ui_cmd_block_next(App *a, const KeyEvent *k) { block_step(a, true); }
void answer_ui_cmd_block_prev(App *a, const KeyEvent *k) { block_step(a, false); }

/* --- export ------------------------------------------------------------------------------ */

void answer_ui_cmd_export(App *a, const KeyEvent *k)
{
    if (transcript_count(tr(a)) == 0) {
        app_say(a, false, "Nothing to export yet: ask something first (Ctrl-K).");
        return;
    }
    a->answer_ui->export_return = a->mode == MODE_ANSWER ? MODE_ANSWER : MODE_EDIT;
    char name[64];
    export_default_name(time(NULL), name, sizeof name);
    a->mode = MODE_EXPORT;
    ui_prompt_open(a->ui, "Export to: ");
    ui_prompt_set_text(a->ui, name, strlen(name));
}

static void export_to(App *a, const char *typed)
{
    char path[4096];
    const char *home = getenv("HOME");
    if (typed[0] == '~' && (typed[1] == '/' || !typed[1]) && home)
        snprintf(path, sizeof path, "%s%s", home, typed + 1);
    else
        snprintf(path, sizeof path, "%s", typed);
    if (!*path) {
        app_say(a, true, "Not exported: no file name.");
        return;
    }
    StrBuf md = {0};
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    export_markdown(tr(a), session_model(a->session), when, &md);
    ErrorBuf err = {{0}};
    if (export_write(path, md.data ? md.data : "", md.len, &err))
        app_say(a, false, "Exported the conversation to %s (%zu bytes).", path, md.len);
    else
        app_say(a, true, "Not exported: %s", err.msg);
    sb_free(&md);
}

/* --- the prompts ------------------------------------------------------------------------- */

void answer_ui_submit(App *a)
{
    AnswerUi *au = a->answer_ui;
    if (a->mode == MODE_EXPORT) {
        char *text = xstrdup(ui_prompt_text(a->ui));
        ui_prompt_commit(a->ui);
        a->mode = au->export_return;
        export_to(a, text);
        free(text);
    } else { /* the search: the caret stays on the match, the matches stay highlighted */
        ui_prompt_close(a->ui);
        a->mode = MODE_ANSWER;
        if (au->has_cur) {
            size_t index = 0, total = answer_search_count(au->search, tr(a), &au->cur, &index);
            app_say(a, false, "Match %zu/%zu (F3 / Shift-F3: next / previous)", index, total);
        } else if (au->pattern.len) {
            app_say(a, false, "No match for '%s' in the answer.", sb_cstr(&au->pattern));
        }
    }
    sync_focus(a);
}

void answer_ui_cancel(App *a)
{
    AnswerUi *au = a->answer_ui;
    ui_prompt_close(a->ui);
    if (a->mode == MODE_EXPORT) {
        a->mode = au->export_return;
    } else {
        a->mode = MODE_ANSWER;
        au->has_cur = false;
        ui_model_set_search(a->ui, NULL, false, 0, 0, 0);
        if (au->have_origin)
            ui_model_caret_to(a->ui, au->origin_entry, au->origin_off);
    }
    sync_focus(a);
}

void answer_ui_after_key(App *a)
{
    AnswerUi *au = a->answer_ui;
    if (a->mode == MODE_ANSWER_SEARCH && strcmp(ui_prompt_text(a->ui), sb_cstr(&au->pattern)))
        search_update(a);
    sync_focus(a);
}
