/* What the model sees, the app's side. Alt-A borrows the Open prompt (MODE_OPEN, its Tab
 * completion; a->open_for_context tells its Enter to pin instead of open). The view is an
 * ordinary unnamed buffer (like the
 * swap diff), refilled on every F9, so the user can search it, scroll it and copy from it;
 * it is never sent itself while it is shown: F9 in it goes back to the buffer it was opened
 * from, and that buffer is the one previewed. */
#include "app/context_app.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/buffers.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/xalloc.h"
#include "session/path.h"
#include "session/session.h"

static size_t index_of(App *a, const Buffer *b)
{
    for (size_t i = 0; b && i < session_buffer_count(a->session); i++)
        if (session_buffer_at(a->session, i) == b)
            return i;
    return SIZE_MAX;
}

void context_app_cmd_view(App *a, const struct KeyEvent *k)
{
    (void)k;
    Buffer *view = a->context_view_buffer;
    size_t vi = index_of(a, view);
    if (vi != SIZE_MAX && vi == session_buffer_current(a->session)) {
        size_t from = index_of(a, a->context_view_from);
        session_buffer_set_current(a->session, from != SIZE_MAX ? from : 0);
        app_say(a, false, "Back from the request view (it stays as buffer %zu).", vi + 1);
        return;
    }
    const char *question = a->mode == MODE_ASK ? ui_prompt_text(a->ui) : NULL;
    StrBuf json = {0}, message = {0}, text = {0};
    SessionPreview pv;
    session_preview_request(a->session, question, &json, &message, &pv);
    unsigned pct = (unsigned)((pv.tokens * 100 + pv.window_tokens / 2) / pv.window_tokens);
    sb_printf(&text,
              "# What asking now would send (F9: back)\n"
              "# %zu bytes, ~%zu tokens: %u%% of %zu\n"
              "# %zu input item%s, %s\n"
              "# %zu earlier turn%s dropped to fit\n"
              "# prompt_cache_key %s\n"
              "# The body as sent (Alt-Z wraps):\n",
              pv.bytes, pv.tokens, pct, pv.window_tokens, pv.n_input, pv.n_input == 1 ? "" : "s",
              pv.chained ? "chained by id" : "whole conversation", pv.dropped_turns,
              pv.dropped_turns == 1 ? "" : "s", session_cache_key(a->session));
    sb_append(&text, sb_cstr(&json), json.len);
    sb_printf(&text, "\n\n# The new message (%zu bytes):\n\n", pv.message_bytes);
    sb_append(&text, sb_cstr(&message), message.len);
    if (question && a->mode == MODE_ASK) {
        ui_prompt_close(a->ui); /* the text stays in the prompt's history only if asked */
        a->mode = MODE_EDIT;
    }
    Buffer *from = session_buffer(a->session);
    if (vi == SIZE_MAX) {
        view = buffer_new();
        vi = session_buffer_add(a->session, view);
        a->context_view_buffer = view;
    }
    a->context_view_from = from;
    buffer_load_text(view, sb_cstr(&text), text.len);
    session_buffer_set_current(a->session, vi);
    app_say(a, false, "The next request: ~%zu tokens (%u%% of the window). F9 goes back.",
            pv.tokens, pct);
    sb_free(&json);
    sb_free(&message);
    sb_free(&text);
}

void context_app_cmd_add(App *a, const struct KeyEvent *k)
{
    (void)k;
    Buffer *b = session_buffer(a->session);
    const char *path = b == a->context_view_buffer ? NULL : buffer_path(b);
    a->mode = MODE_OPEN;
    a->open_for_context = true;
    ui_prompt_open(a->ui, "Add to the context (Tab completes): ");
    if (path)
        ui_prompt_set_text(a->ui, path, strlen(path));
}

void context_app_add_typed(App *a, const char *typed)
{
    a->open_for_context = false;
    while (*typed == ' ')
        typed++;
    if (!*typed)
        return;
    StrBuf path = {0};
    path_expand_home(typed, &path);
    ErrorBuf err;
    if (!session_context_add_file(a->session, sb_cstr(&path), &err)) {
        app_say(a, true, "Not added: %s.", err.msg);
    } else {
        const char *const *paths;
        size_t n = session_context_files(a->session, &paths);
        const char *slash = strrchr(sb_cstr(&path), '/');
        app_say(a, false, "Pinned %s: every question carries it (%zu pinned).",
                slash ? slash + 1 : sb_cstr(&path), n);
    }
    sb_free(&path);
}

bool app_complete_at_path(App *a)
{
    if (a->mode != MODE_ASK)
        return false;
    const char *text = ui_prompt_text(a->ui);
    size_t len = strlen(text), w = len;
    while (w > 0 && text[w - 1] != ' ' && text[w - 1] != '\t' && text[w - 1] != '\n')
        w--;
    if (w == len || text[w] != '@')
        return false;
    char *copy = xstrdup(text);
    buffers_complete_path(a, copy, w + 1, copy + w + 1);
    free(copy);
    app_damage(a);
    return true;
}
