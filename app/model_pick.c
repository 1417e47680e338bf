/* ModelPick (see model_pick.h). Rows: [status row] models... providers... The first row is a
 * status line ("listing the models of H...", or why there is no list) until a list came; the
 * model rows then take its place. `rows` maps each shown row to what Enter does with it. */
#include "app/model_pick.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/answer_ui.h"
#include "app/providers.h"
#include "app/questions.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "net/http_get.h"
#include "session/wire_models.h"

#define POLL_NS (50ull * NS_PER_MS)
#define FETCH_TIMEOUT_MS 10000

typedef enum RowKind { ROW_STATUS, ROW_MODEL, ROW_PROVIDER } RowKind;

typedef struct Row {
    RowKind kind;
    size_t i;  /* the model's or provider's index */
} Row;

typedef struct ModelPick {
    HttpGet *get;          /* the request running, or NULL */
    LoopTimer *poll;       /* armed only while it runs */
    WireModels models;     /* the last list (of the server asked last) */
    char status[256];      /* the status row's text; "" once a list came */
    Row *rows;
    size_t n_rows, rows_cap;
} ModelPick;

__attribute__((format(printf, 2, 3))) static void set_status(ModelPick *mp, const char *fmt,
                                                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mp->status, sizeof mp->status, fmt, ap);
    va_end(ap);
}

static ModelPick *pick(App *a)
{
    if (!a->model_pick)
        a->model_pick = xcalloc(1, sizeof(ModelPick));
    return a->model_pick;
}

static void add_row(ModelPick *mp, RowKind kind, size_t i)
{
    mp->rows = xgrow(mp->rows, &mp->rows_cap, mp->n_rows + 1, sizeof *mp->rows);
    mp->rows[mp->n_rows++] = (Row){kind, i};
}

static const char *provider_name(const App *a)
{
    return a->link.provider_name ? a->link.provider_name : "this server";
}

/* (Re)draws the list; keep: the row to select (SIZE_MAX: the current model's). */
static void show(App *a, size_t keep)
{
    ModelPick *mp = pick(a);
    const char *cur = session_model(a->session);
    StrBuf lines = {0};
    size_t sel = SIZE_MAX;
    mp->n_rows = 0;
    if (mp->models.n == 0) {
        add_row(mp, ROW_STATUS, 0);
        sb_printf(&lines, "  (%s)\n", mp->status[0] ? mp->status : "no models listed");
    }
    for (size_t i = 0; i < mp->models.n; i++) {
        bool is_cur = strcmp(mp->models.ids[i], cur) == 0;
        if (is_cur)
            sel = mp->n_rows;
        add_row(mp, ROW_MODEL, i);
        sb_printf(&lines, "%s %s\n", is_cur ? "*" : " ", mp->models.ids[i]);
    }
    const Providers *ps = a->link.providers;
    for (size_t i = 0; ps && i < ps->n; i++) {
        const Provider *p = &ps->v[i];
        bool is_cur = a->link.provider_name && strcmp(p->name, a->link.provider_name) == 0;
        add_row(mp, ROW_PROVIDER, i);
        sb_printf(&lines, "%s provider %-10s %-5s %s  %s\n", is_cur ? "*" : " ", p->name,
                  p->api == APP_API_CHAT ? "chat" : "ws", p->base_url, p->model);
    }
    if (keep != SIZE_MAX && keep < mp->n_rows && mp->rows[keep].kind != ROW_STATUS)
        sel = keep;
    if (sel == SIZE_MAX)
        sel = 0;
    char title[128];
    snprintf(title, sizeof title, "Model: %.40s on %.30s  (Enter: switch  Esc)", cur,
             provider_name(a));
    ui_list_show(a->ui, title, sb_cstr(&lines), sel);
    sb_free(&lines);
}

/* The request is over: its list, or why there is none. */
static void take_answer(App *a)
{
    ModelPick *mp = pick(a);
    HttpGet *g = mp->get;
    mp->get = NULL;
    size_t len;
    const char *body = http_get_body(g, &len);
    unsigned status = http_get_status(g);
    wire_models_free(&mp->models);
    if (status >= 200 && status < 300) {
        ErrorBuf err;
        if (wire_models_parse(body, len, &mp->models, &err))
            mp->status[0] = '\0';
        else
            set_status(mp, "no model list: %s", err.msg);
        if (mp->status[0] == '\0' && mp->models.n == 0)
            set_status(mp, "the server lists no models");
    } else if (status) {
        char line[256];
        http_refusal_line(status, http_get_endpoint(g), NULL, body, len, line, sizeof line);
        set_status(mp, "no model list: %s", line);
    } else {
        set_status(mp, "no model list: %s", http_get_error(g));
    }
    log_msg("model-pick: %zu models (%s)", mp->models.n, mp->status[0] ? mp->status : "ok");
    http_get_free(g);
    if (a->mode == MODE_MODEL_LIST)
        show(a, ui_list_selected(a->ui));
}

static void poll_fired(void *ud)
{
    App *a = ud;
    ModelPick *mp = pick(a);
    if (!mp->get)
        return;
    if (!http_get_done(mp->get)) {
        loop_timer_at(mp->poll, clock_now_ns() + POLL_NS);
        return;
    }
    take_answer(a);
    app_damage(a);
}

/* Asks the current server for its models (a request still running is dropped). */
static void fetch(App *a)
{
    ModelPick *mp = pick(a);
    http_get_free(mp->get);
    mp->get = NULL;
    wire_models_free(&mp->models);
    const AppLink *cfg = &a->link;
    if (!cfg->url) {
        set_status(mp, "no model list: the server's URL is not known");
        return;
    }
    if (!mp->poll) {
        ErrorBuf err;
        mp->poll = loop_timer_new(a->loop, poll_fired, a, &err);
        if (!mp->poll) {
            set_status(mp, "no model list: %s", err.msg);
            return;
        }
    }
    HttpField *hs = cfg->n_headers ? xmalloc(cfg->n_headers * sizeof *hs) : NULL;
    for (size_t i = 0; i < cfg->n_headers; i++)
        hs[i] = (HttpField){cfg->headers[i].name, cfg->headers[i].value};
    HttpGetConfig gc = {.url = cfg->url, .suffix = "/models", .api_key = cfg->api_key,
                        .ca_file = cfg->ca_file, .allow_insecure = cfg->allow_insecure,
                        .headers = hs, .n_headers = cfg->n_headers,
                        .timeout_ms = FETCH_TIMEOUT_MS};
    char err[256];
    mp->get = http_get_start(&gc, err, sizeof err);
    free(hs);
    if (!mp->get) {
        set_status(mp, "no model list: %s", err);
        return;
    }
    set_status(mp, "listing the models of %s...",
             http_get_endpoint(mp->get));
    loop_timer_at(mp->poll, clock_now_ns() + POLL_NS);
}

void model_pick_open(App *a)
{
    if (session_busy(a->session) || session_waiting(a->session)) {
        app_say(a, true, "An answer is open: Esc stops it, then F8 switches the model.");
        return;
    }
    if (a->mode == MODE_ASK)
        app_prompt_leave(a); /* its text stays in the history */
    else if (a->mode == MODE_ANSWER)
        answer_ui_focus(a, false); /* the editor's again when the list closes */
    fetch(a);
    a->mode = MODE_MODEL_LIST;
    show(a, SIZE_MAX);
}

static void close_list(App *a)
{
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
}

/* The provider's API, URL, key and model (app.c: a new Wire and Transport); the conversation
 * stays. */
static void switch_provider(App *a, size_t i)
{
    const Provider *p = &a->link.providers->v[i];
    ErrorBuf err;
    if (!a->switch_provider || !a->switch_provider(a, i, &err)) {
        app_say(a, true, "Not switched to %s: %s", p->name,
                a->switch_provider ? err.msg : "not possible here");
        return;
    }
    char src[128];
    bool set;
    provider_key_source(p, src, sizeof src, &set);
    bool missing = !set && (p->key_env || p->key_file);
    app_say(a, missing,
            "Provider %s, model %s%s; the conversation goes whole with the next question. "
            "F8 lists its models.", p->name, p->model, missing ? " (no key set)" : "");
}

void model_pick_tick(App *a)
{
    ModelPick *mp = a->model_pick;
    if (!mp || !mp->poll || !loop_timer_armed(mp->poll))
        return;
    loop_timer_cancel(mp->poll);
    poll_fired(a);
}

bool model_pick_choose(App *a)
{
    if (a->mode != MODE_MODEL_LIST)
        return false;
    ModelPick *mp = pick(a);
    size_t sel = ui_list_selected(a->ui);
    if (sel >= mp->n_rows || mp->rows[sel].kind == ROW_STATUS)
        return true; /* the status row: nothing to switch to; the list stays */
    Row r = mp->rows[sel];
    close_list(a);
    ErrorBuf err;
    if (r.kind == ROW_MODEL) {
        const char *id = mp->models.ids[r.i];
        if (!session_set_model(a->session, id, &err))
            app_say(a, true, "Not switched: %s", err.msg);
        else
            app_say(a, false, "Model %s; the conversation goes whole with the next question.",
                    id);
    } else {
        switch_provider(a, r.i);
    }
    app_take_session_damage(a);
    return true;
}

bool model_pick_cancel(App *a)
{
    if (a->mode != MODE_MODEL_LIST)
        return false;
    close_list(a);
    return true;
}

void model_pick_free(App *a)
{
    ModelPick *mp = a->model_pick;
    if (!mp)
        return;
    http_get_free(mp->get);
    wire_models_free(&mp->models);
    free(mp->rows);
    free(mp);
    a->model_pick = NULL;
}
