/* Ui: owns the Grid, the view states (EditorView, ModelView, Prompt) and the help flag.
 * ui_render composes a whole frame into the Grid (cells only: each view costs O(its visible
 * cells)) and hands it to the Term, which diffs rows against what it last showed. The grid
 * cursor ends at the caret of whatever has the focus: the prompt while it is open, else the
 * editor. The help overlay is drawn last, over everything. */
#include "ui/ui.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "ui/editor_view.h"
#include "ui/select_view.h"
#include "ui/layout.h"
#include "ui/list_view.h"
#include "ui/model_view.h"
#include "ui/prompt.h"
#include "ui/queue_view.h"
#include "ui/status_view.h"
#include "ui/syntax_view.h"

struct Ui {
    Term *term;
    Grid *grid;
    int cols, rows;
    EditorView editor;
    ModelView *model;
    Prompt prompt;
    bool help;
    int help_top;       /* first help line shown (clamped when drawn) */
    char **help_lines;  /* owned; set by ui_set_help */
    size_t n_help;
    SyntaxView *syntax;
    const AskQueue *queue;  /* borrowed (ui_set_queue); NULL: none */
    /* Where each buffer was scrolled when another one was shown (by identity; forgotten by
     * ui_forget_buffer when the buffer is closed). */
    struct UiViewPos {
        const Buffer *b;
        size_t top;
        int left;
    } *pos;
    size_t n_pos, pos_cap;
    ListView list;
    /* The counters shown (tokens, tok/s): refreshed at most UI_STATS_NS apart while a turn
     * streams, at once when the turn's state changes, so that a stream frame does not
     * repaint them every time (the byte budget). */
    SessionStats stats;
    uint64_t stats_ns;
    TurnState stats_turn;
    bool stats_ok;
    LayoutOpts lopts;  /* the split's share, swap and zoom (ui_set_layout) */
};

#define UI_STATS_NS (NS_PER_SEC / 4)

Ui *ui_new(Term *term, int cols, int rows)
{
    Ui *ui = xcalloc(1, sizeof *ui);
    ui->term = term;
    ui->cols = cols > 0 ? cols : 0;
    ui->rows = rows > 0 ? rows : 0;
    ui->grid = grid_new(ui->cols, ui->rows);
    editor_view_init(&ui->editor);
    /* Syntax colours are the first layer: search and selection layers drawn later win. */
    ui->syntax = syntax_view_new();
    editor_view_add_decor(&ui->editor, syntax_view_decorate, ui->syntax, true);
    select_view_attach(&ui->editor);
    ui->model = model_view_new();
    /* Code rows shaded to the pane's edge only where the terminal erases in the background
     * colour (bce); elsewhere the padding would cost more bytes than the code. */
    if (term) {
        model_view_set_code_bce(ui->model, term_has_bce(term));
        model_view_set_jumps(ui->model, true); /* the byte budget (model_view.h) */
    }
    model_view_set_syntax(ui->model, ui->syntax);
    prompt_init(&ui->prompt);
    return ui;
}

EditorView *ui_editor_view(Ui *ui) { return &ui->editor; }

void ui_set_languages(Ui *ui, SyntaxSet *set) { syntax_view_set_languages(ui->syntax, set); }

bool ui_wants_frame(const Ui *ui) { return syntax_view_pending(ui->syntax); }

const char *ui_language(const Ui *ui)
{
    const Syntax *sy = syntax_view_language(ui->syntax);
    return sy ? syntax_name(sy) : NULL;
}

const char *ui_line_comment(const Ui *ui)
{
    const Syntax *sy = syntax_view_language(ui->syntax);
    if (!sy)
        return NULL;
    const char *line, *bs, *be;
    syntax_comment(sy, &line, &bs, &be);
    return line && *line ? line : NULL;
}

static bool in_rect(Rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* The panes and the bottom box: a multi-line prompt grows the box (up to a third of the
 * screen), and the queue view takes the model pane's last rows. */
static Layout ui_layout(const Ui *ui)
{
    int bottom = 1;
    if (ui->prompt.active && ui->prompt.multiline) /* the status line stays, above the box */
        bottom = 1 + prompt_rows(&ui->prompt, ui->cols, layout_prompt_max_rows(ui->rows));
    LayoutOpts o = ui->lopts;
    if (o.zoom != LAYOUT_ZOOM_NONE) /* the zoom follows the focus */
        o.zoom = model_view_focused(ui->model) ? LAYOUT_ZOOM_MODEL : LAYOUT_ZOOM_EDITOR;
    return layout_compute_opts(ui->cols, ui->rows, bottom, &o);
}

void ui_set_layout(Ui *ui, const LayoutOpts *o)
{
    ui->lopts = *o;
    ui->lopts.editor_pct = layout_clamp_pct(o->editor_pct);
}

LayoutOpts ui_layout_opts(const Ui *ui) { return ui->lopts; }

bool ui_stacked(const Ui *ui) { return ui_layout(ui).stacked; }

bool ui_on_divider(const Ui *ui, int x, int y)
{
    Layout l = ui_layout(ui);
    return in_rect(l.divider, x, y);
}

int ui_layout_pct_at(const Ui *ui, int x, int y)
{
    int bottom = 1;
    if (ui->prompt.active && ui->prompt.multiline)
        bottom = 1 + prompt_rows(&ui->prompt, ui->cols, layout_prompt_max_rows(ui->rows));
    bool stacked = layout_compute_opts(ui->cols, ui->rows, bottom, &ui->lopts).stacked;
    return layout_pct_at(ui->cols, ui->rows, bottom, &ui->lopts, stacked ? y : x);
}

UiPane ui_pane_at(const Ui *ui, int x, int y)
{
    Layout l = ui_layout(ui);
    if (in_rect(l.editor, x, y))
        return UI_PANE_EDITOR;
    if (in_rect(l.model, x, y))
        return UI_PANE_MODEL;
    return UI_PANE_NONE;
}

bool ui_editor_pos_at(Ui *ui, const Buffer *b, int x, int y, TextPos *out)
{
    Layout l = ui_layout(ui);
    Rect r = l.editor;
    /* A drag that leaves the pane keeps selecting along its edge. */
    if (r.w > 0 && r.h > 0) {
        x = x < r.x ? r.x : x >= r.x + r.w ? r.x + r.w - 1 : x;
        y = y < r.y ? r.y : y >= r.y + r.h ? r.y + r.h - 1 : y;
    }
    return editor_view_pos_at(&ui->editor, b, r, x, y, out);
}

void ui_free(Ui *ui)
{
    if (!ui)
        return;
    grid_free(ui->grid);
    editor_view_free(&ui->editor);
    model_view_free(ui->model);
    syntax_view_free(ui->syntax);
    prompt_free(&ui->prompt);
    for (size_t i = 0; i < ui->n_help; i++)
        free(ui->help_lines[i]);
    free(ui->help_lines);
    free(ui->pos);
    list_view_free(&ui->list);
    free(ui);
}

static struct UiViewPos *find_pos(Ui *ui, const Buffer *b)
{
    for (size_t i = 0; i < ui->n_pos; i++)
        if (ui->pos[i].b == b)
            return &ui->pos[i];
    return NULL;
}

/* Another buffer is about to be drawn: keep the old one's scroll, give the new one its own. */
static void switch_buffer(Ui *ui, const Buffer *b)
{
    EditorView *v = &ui->editor;
    if (v->key_buf == b)
        return;
    if (v->key_buf) {
        struct UiViewPos *p = find_pos(ui, v->key_buf);
        if (!p) {
            ui->pos = xgrow(ui->pos, &ui->pos_cap, ui->n_pos + 1, sizeof *ui->pos);
            p = &ui->pos[ui->n_pos++];
        }
        *p = (struct UiViewPos){.b = v->key_buf, .top = v->top, .left = v->left};
    }
    struct UiViewPos *p = find_pos(ui, b);
    v->top = p ? p->top : 0;
    v->left = p ? p->left : 0;
}

void ui_forget_buffer(Ui *ui, const Buffer *b)
{
    struct UiViewPos *p = find_pos(ui, b);
    if (p)
        *p = ui->pos[--ui->n_pos];
    if (ui->editor.key_buf == b)
        ui->editor.key_buf = NULL; /* its address may come back as another buffer */
    syntax_view_forget(ui->syntax, b);
}

void ui_list_show(Ui *ui, const char *title, const char *lines, size_t selected)
{
    list_view_set(&ui->list, title, lines, selected);
}

void ui_list_hide(Ui *ui) { ui->list.active = false; }
bool ui_list_active(const Ui *ui) { return ui->list.active; }
size_t ui_list_selected(const Ui *ui) { return ui->list.selected; }
void ui_list_move(Ui *ui, int delta) { list_view_move(&ui->list, delta); }

void ui_resize(Ui *ui, int cols, int rows)
{
    ui->cols = cols > 0 ? cols : 0;
    ui->rows = rows > 0 ? rows : 0;
    grid_resize(ui->grid, ui->cols, ui->rows);
    if (ui->term)
        term_resize(ui->term, ui->cols, ui->rows);
}

const Grid *ui_grid(const Ui *ui) { return ui->grid; }

size_t ui_editor_rows(const Ui *ui)
{
    size_t n = editor_view_text_rows(ui_layout(ui).editor);
    return n ? n : 1;
}

static void draw_divider(Grid *g, const Layout *l)
{
    Rect d = l->divider;
    if (rect_empty(d))
        return;
    uint32_t cp = l->stacked ? 0x2500 /* ─ */ : 0x2502 /* │ */;
    for (int y = d.y; y < d.y + d.h; y++)
        for (int x = d.x; x < d.x + d.w; x++)
            grid_put(g, x, y, d.x + d.w, cp, STYLE_DIVIDER);
}

void ui_set_help(Ui *ui, const char *text)
{
    for (size_t i = 0; i < ui->n_help; i++)
        free(ui->help_lines[i]);
    free(ui->help_lines);
    ui->help_lines = NULL;
    ui->n_help = 0;
    size_t cap = 0;
    for (const char *p = text ? text : ""; *p;) {
        size_t len = strcspn(p, "\n");
        ui->help_lines = xgrow(ui->help_lines, &cap, ui->n_help + 1, sizeof *ui->help_lines);
        ui->help_lines[ui->n_help++] = xstrndup(p, len);
        p += len + (p[len] == '\n');
    }
}

/* One row of the help box: bytes [off, off + len) of a help line, indented by indent. */
typedef struct HelpRow {
    const char *line;
    size_t off, len;
    int indent;
} HelpRow;

#define HELP_HANG 4 /* a wrapped line's continuation rows are indented this much */

/* Splits each help line into rows of at most width columns, at a space where there is one
 * (a word longer than a row is cut); continuation rows hang by HELP_HANG. Returns the rows
 * (the caller frees them) and their count in *n_rows. */
static HelpRow *help_rows(const char *const *lines, size_t n, int width, size_t *n_rows)
{
    HelpRow *rows = NULL;
    size_t cap = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        const char *l = lines[i];
        size_t len = strlen(l), off = 0;
        int indent = 0;
        do {
            int room = width - indent;
            if (room < 1)
                room = 1;
            size_t take = 0, cut = 0;
            int col = 0;
            while (off + take < len) {
                uint32_t cp;
                size_t k = utf8_decode(l + off + take, len - off - take, &cp);
                int w = grid_text_width(l + off + take, k, 0, 0);
                if (col + w > room)
                    break;
                col += w;
                take += k;
                if (cp == ' ')
                    cut = take;
            }
            if (off + take < len && cut > 0)
                take = cut; /* break after a space */
            if (take == 0 && off < len) /* never stall on a character wider than the row */
                take = utf8_decode(l + off, len - off, &(uint32_t){0});
            rows = xgrow(rows, &cap, nr + 1, sizeof *rows);
            rows[nr++] = (HelpRow){l, off, take, indent};
            off += take;
            while (indent && off < len && l[off] == ' ')
                off++;
            if (indent == 0) {
                indent = HELP_HANG;
                while (off < len && l[off] == ' ')
                    off++;
            }
        } while (off < len);
    }
    *n_rows = nr;
    return rows;
}

/* The help box, centred; lines wider than the screen wrap onto hanging rows, and when the
 * rows outnumber the screen's, *top picks the first one shown (clamped here) and the bottom
 * border says that more lies below or above. */
static void draw_help(Grid *g, const char *const *help_lines, size_t n, int *top)
{
    static const char *const fallback[] = {"flint keys"};
    if (n == 0) {
        help_lines = fallback;
        n = 1;
    }
    int inner = 0;
    for (size_t i = 0; i < n; i++) {
        int w = grid_text_width(help_lines[i], strlen(help_lines[i]), 0, 0);
        if (w > inner)
            inner = w;
    }
    if (inner + 4 > g->cols)
        inner = g->cols - 4;
    if (inner < 1)
        return;
    size_t nr = 0;
    HelpRow *rows_v = help_rows(help_lines, n, inner, &nr);
    if ((int)nr + 2 > g->rows && inner < 18)
        inner = 18; /* room for the "more" note in the bottom border */
    int bw = inner + 4, bh = (int)nr + 2;
    if (bw > g->cols)
        bw = g->cols;
    if (bh > g->rows)
        bh = g->rows;
    if (bw < 2 || bh < 2) {
        free(rows_v);
        return;
    }
    int x0 = (g->cols - bw) / 2, y0 = (g->rows - bh) / 2;
    int x1 = x0 + bw - 1, y1 = y0 + bh - 1;
    grid_box(g, x0, y0, bw, bh, STYLE_PANE_TITLE);
    int rows = bh - 2, max_top = (int)nr > rows ? (int)nr - rows : 0;
    if (*top > max_top)
        *top = max_top;
    if (*top < 0)
        *top = 0;
    for (int i = 0; i < rows && (size_t)(*top + i) < nr; i++) {
        const HelpRow *hr = &rows_v[*top + i];
        int x = x0 + 2 + hr->indent;
        grid_put_text(g, x, y0 + 1 + i, x1 - 1, hr->line + hr->off, hr->len, STYLE_PANE_TITLE,
                      STYLE_CONTROL, x, 0);
    }
    free(rows_v);
    if (max_top) {
        const char *more = *top == 0 ? " Down/PgDn: more " : *top == max_top ? " Up/PgUp: back "
                                                                            : " Up/Down: more ";
        int len = (int)strlen(more);
        if (len < bw - 4)
            grid_put_text(g, x1 - 1 - len, y1, x1, more, (size_t)len, STYLE_PANE_TITLE,
                          STYLE_CONTROL, x1 - 1 - len, 0);
    }
}

/* caret_col: the caret's display column, from the editor view's cache (computing it here
 * from the line's start would cost O(line) every frame). */
static void fill_status(StatusLine *sl, Session *s, const UiStatus *st, int caret_col,
                        const SessionStats *stats)
{
    Buffer *b = session_buffer(s);
    TextPos cur = text_clamp(buffer_text(b), buffer_cursor(b));
    *sl = (StatusLine){
        .file = buffer_name(b),
        .modified = buffer_modified(b),
        .buffer_index = session_buffer_current(s) + 1,
        .buffer_count = session_buffer_count(s),
        .crlf = text_crlf(buffer_text(b)),
        /* An empty buffer has no last line to end: nothing to warn about. */
        .no_final_newline = !text_final_newline(buffer_text(b)) && text_byte_count(buffer_text(b)),
        .binary = buffer_binary(b),
        .line = cur.line + 1,
        .col = (size_t)caret_col + 1,
        .model = session_model(s),
        .link = st ? st->link : NULL,
        .link_ok = st ? st->link_ok : false,
        .ttft_ns = stats ? stats->ttft_ns : 0,
        .tok_per_sec = stats ? stats->tokens_per_sec : 0,
        .tokens = stats ? (stats->output_tokens ? stats->output_tokens : stats->deltas) : 0,
    };
    int ctx, cache;
    session_context_use(s, &ctx, &cache);
    sl->show_ctx = ctx >= 0;
    sl->ctx_percent = ctx;
    sl->show_cache = cache >= 0;
    sl->cache_percent = cache;
    if (st && st->message && *st->message) {
        sl->message = st->message;
        sl->message_is_error = st->message_is_error;
    } else {
        sl->message = session_notice(s);
    }
}

/* The counters to show this frame (see Ui.stats). */
static const SessionStats *shown_stats(Ui *ui, const Session *s)
{
    const SessionStats *live = session_stats(s);
    if (!live)
        return NULL;
    uint64_t now = clock_now_ns();
    TurnState turn = session_turn(s);
    if (!ui->stats_ok || turn != ui->stats_turn || now - ui->stats_ns >= UI_STATS_NS ||
        live->deltas < ui->stats.deltas || turn != TURN_STREAMING) {
        ui->stats = *live;
        ui->stats_ns = now;
        ui->stats_turn = turn;
        ui->stats_ok = true;
    }
    return &ui->stats;
}

void ui_render(Ui *ui, Session *s, const UiStatus *st)
{
    Grid *g = ui->grid;
    grid_clear(g, STYLE_TEXT);
    g->cursor_visible = false;
    g->cursor_x = g->cursor_y = 0;
    Layout l = ui_layout(ui);
    bool prompt = ui->prompt.active;

    switch_buffer(ui, session_buffer(s));
    syntax_view_begin_frame(ui->syntax, session_buffer(s));
    editor_view_draw(&ui->editor, g, l.editor, session_buffer(s), !prompt);
    draw_divider(g, &l);
    Rect model = l.model;
    int qh = queue_view_rows(ui->queue, model.h);
    model.h -= qh;
    const SessionStats *stats = shown_stats(ui, s);
    model_view_draw(ui->model, g, model, s);
    if (qh)
        queue_view_draw(ui->queue, g, (Rect){model.x, model.y + model.h, model.w, qh});
    /* The ask prompt's box keeps the status line above it (the answer's state, a rate
     * limit's countdown, messages); a one-line prompt takes the status line's place. */
    Rect status = l.bottom, box = l.bottom;
    bool with_status = !prompt || (ui->prompt.multiline && l.bottom.h >= 2);
    if (prompt && with_status) {
        status.h = 1;
        box.y += 1;
        box.h -= 1;
    }
    if (with_status) {
        StatusLine sl;
        fill_status(&sl, s, st, editor_view_caret_col(&ui->editor, session_buffer(s)), stats);
        sl.wrap = ui->editor.wrap;
        status_view_draw(g, status, &sl);
    }
    if (prompt)
        prompt_draw(&ui->prompt, g, box, true);
    if (ui->list.active) {
        list_view_draw(&ui->list, g);
        g->cursor_visible = false;
    }
    if (ui->help) {
        draw_help(g, (const char *const *)ui->help_lines, ui->n_help, &ui->help_top);
        g->cursor_visible = false; /* the caret is under the box */
    }
    /* While an answer streams and the keyboard is idle, the caret is drawn, not the
     * terminal's cursor (the byte budget: ui/term.c). */
    g->cursor_soft = session_turn(s) == TURN_STREAMING && !(st && st->typing);
    if (ui->term)
        term_publish(ui->term, g);
}

void ui_prompt_open(Ui *ui, const char *label) { prompt_open(&ui->prompt, label); }
void ui_prompt_open_opts(Ui *ui, const char *label, unsigned opts)
{
    prompt_open_opts(&ui->prompt, label, opts);
}
bool ui_prompt_multiline(const Ui *ui) { return ui->prompt.active && ui->prompt.multiline; }
void ui_prompt_close(Ui *ui) { prompt_close(&ui->prompt); }
bool ui_prompt_active(const Ui *ui) { return ui->prompt.active; }
bool ui_status_visible(const Ui *ui)
{
    return !ui->prompt.active || (ui->prompt.multiline && ui->rows >= 3);
}
void ui_prompt_edit(Ui *ui, PromptEdit op) { prompt_edit(&ui->prompt, op); }
void ui_prompt_type(Ui *ui, uint32_t cp) { prompt_type(&ui->prompt, cp); }
void ui_prompt_paste(Ui *ui, const char *s, size_t len) { prompt_insert(&ui->prompt, s, len); }
const char *ui_prompt_text(const Ui *ui) { return prompt_text(&ui->prompt); }
void ui_prompt_commit(Ui *ui) { prompt_commit(&ui->prompt); }
void ui_prompt_set_text(Ui *ui, const char *s, size_t len) { prompt_set_text(&ui->prompt, s, len); }
void ui_prompt_set_label(Ui *ui, const char *label) { prompt_set_label(&ui->prompt, label); }
void ui_prompt_set_note(Ui *ui, const char *note, bool is_error)
{
    prompt_set_note(&ui->prompt, note, is_error);
}

void ui_set_queue(Ui *ui, const AskQueue *q) { ui->queue = q; }

void ui_model_scroll(Ui *ui, int rows) { model_view_scroll(ui->model, rows); }
void ui_model_follow(Ui *ui) { model_view_follow(ui->model); }
bool ui_model_toggle_reasoning(Ui *ui) { return model_view_toggle_reasoning(ui->model); }
void ui_model_set_focus(Ui *ui, bool focus) { model_view_set_focus(ui->model, focus); }
void ui_model_caret_move(Ui *ui, int rows) { model_view_caret_move(ui->model, rows); }
void ui_model_caret_page(Ui *ui, int rows) { model_view_caret_page(ui->model, rows); }
void ui_model_caret_top(Ui *ui) { model_view_caret_top(ui->model); }
void ui_model_set_code_scroll(Ui *ui, bool scroll) { model_view_set_code_scroll(ui->model, scroll); }
void ui_model_set_code_bce(Ui *ui, bool bce) { model_view_set_code_bce(ui->model, bce); }
bool ui_model_code_scrolls(const Ui *ui) { return model_view_code_scrolls(ui->model); }
void ui_model_hscroll(Ui *ui, int cols) { model_view_hscroll(ui->model, cols); }
void ui_model_caret_tail(Ui *ui) { model_view_caret_tail(ui->model); }
void ui_model_caret_to(Ui *ui, size_t entry, size_t off)
{
    model_view_caret_to(ui->model, entry, off);
}
bool ui_model_caret_at_cell(Ui *ui, int x, int y)
{
    return model_view_caret_at_cell(ui->model, x, y);
}
bool ui_model_caret(const Ui *ui, size_t *entry, size_t *off)
{
    return model_view_caret(ui->model, entry, off);
}
size_t ui_model_page_rows(const Ui *ui) { return model_view_page_rows(ui->model); }
void ui_model_set_search(Ui *ui, Search *s, bool has_cur, size_t entry, size_t start,
                         size_t end)
{
    model_view_set_search(ui->model, s, has_cur, entry, start, end);
}

void ui_toggle_help(Ui *ui)
{
    ui->help = !ui->help;
    ui->help_top = 0;
}

bool ui_help_open(const Ui *ui) { return ui->help; }

void ui_help_scroll(Ui *ui, int rows)
{
    long t = (long)ui->help_top + rows;
    ui->help_top = t < 0 ? 0 : t > 100000 ? 100000 : (int)t;
}
