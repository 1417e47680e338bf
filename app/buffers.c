/* Buffers: the app's side of several files (see buffers.h).
 *
 * Identity: two paths are the same file when both exist and have the same device and inode,
 * else when their absolute forms are equal (a new file not yet created). Opening a file that
 * is already open switches to it, so one file never has two diverging buffers.
 *
 * The start-up buffer: the Session begins with one unnamed empty buffer. A file opened
 * while the current buffer is that untouched placeholder takes its place, so "flint" then
 * Ctrl-O leaves one buffer, not two.
 *
 * Closing the last buffer leaves an empty unnamed one (the Session always has one); quitting
 * stays Ctrl-Q's job. */
#include "app/buffers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/file_rules.h"
#include "app/hunks_app.h"
#include "app/saving.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "core/xalloc.h"
#include "session/path.h"

/* The settings' tab width and expand_tabs, as the first buffer got them at start. */
static Buffer *new_buffer(App *a)
{
    Buffer *b = buffer_new();
    Buffer *first = session_buffer_at(a->session, 0);
    buffer_set_tab_width(b, buffer_tab_width(first));
    buffer_set_expand_tabs(b, buffer_expand_tabs(first));
    return b;
}

static bool find_open(App *a, const char *path, size_t *at)
{
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        const char *bp = buffer_path(session_buffer_at(a->session, i));
        if (bp && path_same_file(bp, path)) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* The untouched unnamed buffer flint starts with. */
static bool placeholder(Buffer *b)
{
    return !buffer_path(b) && !buffer_modified(b) && text_byte_count(buffer_text(b)) == 0;
}

static void go_to(Buffer *b, size_t line, size_t col)
{
    if (line)
        buffer_set_cursor(b, (TextPos){line - 1, 0});
    if (line && col) {
        /* col counts characters from 1; step over them as the cursor would. */
        for (size_t i = 1; i < col; i++)
            buffer_move(b, BUFFER_RIGHT, 1);
    }
}

/* Opens path into a buffer and makes it current. false with err when it cannot be read. */
static bool open_path(App *a, const char *path, size_t line, size_t col, ErrorBuf *err)
{
    size_t at;
    if (find_open(a, path, &at)) {
        session_buffer_set_current(a->session, at);
        go_to(session_buffer(a->session), line, col);
        app_say(a, false, "%s is already open: switched to it.", buffer_name(session_buffer(a->session)));
        return true;
    }
    Buffer *b = new_buffer(a);
    if (!buffer_open(b, path, err)) {
        buffer_free(b);
        return false;
    }
    file_rules_apply(b, a->settings); /* settings, then the file's .editorconfig */
    go_to(b, line, col);
    Buffer *cur = session_buffer(a->session);
    size_t cur_at = session_buffer_current(a->session);
    at = session_buffer_add(a->session, b);
    session_buffer_set_current(a->session, at);
    if (placeholder(cur)) { /* b takes its place; the current index follows b */
        session_buffer_take(a->session, cur_at);
        if (a->ui)
            ui_forget_buffer(a->ui, cur);
        hunks_app_forget_buffer(a, cur);
        buffer_free(cur);
    }
    return true;
}

/* What a user should know about a buffer just opened. */
static void tell_opened(App *a, Buffer *b)
{
    long long size, mtime;
    size_t n = session_buffer_count(a->session);
    if (!buffer_disk_stamp(b, &size, &mtime))
        app_say(a, false, "%s: new file (the first save creates it).", buffer_name(b));
    else if (buffer_binary(b))
        app_say(a, false, "%s is a binary file: its bytes are never sent to the model.",
                buffer_name(b));
    else if (n > 1)
        app_say(a, false, "Opened %s (%zu/%zu).", buffer_name(b),
                session_buffer_current(a->session) + 1, n);
}

bool buffers_open_args(App *a, const char *const *args, size_t n, ErrorBuf *err)
{
    size_t plus = 0, first = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t line, col;
        if (path_parse_plus_line(args[i], &line)) {
            plus = line; /* for the next file, as vi and nano take it */
            continue;
        }
        StrBuf path = {0}, full = {0};
        path_parse_location(args[i], &path, &line, &col);
        path_expand_home(sb_cstr(&path), &full);
        bool ok = open_path(a, sb_cstr(&full), line ? line : plus, col, err);
        sb_free(&path);
        sb_free(&full);
        if (!ok)
            return false;
        if (first == SIZE_MAX)
            first = session_buffer_current(a->session);
        plus = 0;
    }
    if (first != SIZE_MAX)
        session_buffer_set_current(a->session, first);
    return true;
}

void buffers_open_typed(App *a, const char *typed)
{
    while (*typed == ' ')
        typed++;
    if (!*typed)
        return;
    StrBuf path = {0}, full = {0};
    size_t line, col;
    path_parse_location(typed, &path, &line, &col);
    path_expand_home(sb_cstr(&path), &full);
    ErrorBuf err;
    size_t at;
    bool was_open = find_open(a, sb_cstr(&full), &at);
    if (!open_path(a, sb_cstr(&full), line, col, &err)) {
        app_say(a, true, "Not opened: %s", err.msg);
    } else if (!was_open) {
        Buffer *b = session_buffer(a->session);
        tell_opened(a, b);
        swap_app_check(a, b);
    }
    sb_free(&path);
    sb_free(&full);
}

void buffers_switch(App *a, int delta)
{
    size_t n = session_buffer_count(a->session);
    if (n < 2) {
        app_say(a, false, "Only one buffer is open: Ctrl-O opens another.");
        return;
    }
    size_t cur = session_buffer_current(a->session);
    size_t next = delta > 0 ? (cur + 1) % n : (cur + n - 1) % n;
    session_buffer_set_current(a->session, next);
    app_say(a, false, "%s (%zu/%zu)", buffer_name(session_buffer(a->session)), next + 1, n);
}

static void close_now(App *a)
{
    size_t i = session_buffer_current(a->session);
    Buffer *b = session_buffer_take(a->session, i);
    char name[256];
    snprintf(name, sizeof name, "%s", buffer_name(b));
    swap_app_forget(a, b);
    ui_forget_buffer(a->ui, b);
    hunks_app_forget_buffer(a, b);
    if (a->swap_diff_buffer == b)
        a->swap_diff_buffer = NULL;
    if (a->context_view_buffer == b)
        a->context_view_buffer = NULL;
    if (a->context_view_from == b)
        a->context_view_from = NULL;
    buffer_free(b);
    size_t n = session_buffer_count(a->session);
    app_say(a, false, "Closed %s; %s (%zu/%zu).", name, buffer_name(session_buffer(a->session)),
            session_buffer_current(a->session) + 1, n);
}

void buffers_close(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_modified(b)) {
        close_now(a);
        return;
    }
    a->mode = MODE_CONFIRM_CLOSE;
    app_say(a, true, "Save changes to %s before closing?  y: save and close   n: close without "
            "saving   Esc: cancel", buffer_name(b));
}

void buffers_close_answer(App *a, bool save)
{
    a->mode = MODE_EDIT;
    a->message[0] = '\0';
    a->message_error = false;
    if (!save) {
        close_now(a);
        return;
    }
    if (app_save(a))
        close_now(a);
    else if (a->mode == MODE_SAVE_AS)
        a->close_after_save = true; /* closed once the Save As worked */
}

void buffers_close_saved(App *a)
{
    a->close_after_save = false;
    close_now(a);
}

/* --- the list ------------------------------------------------------------------------------ */

static void list_show(App *a, size_t selected)
{
    StrBuf lines = {0};
    size_t n = session_buffer_count(a->session);
    for (size_t i = 0; i < n; i++) {
        Buffer *b = session_buffer_at(a->session, i);
        const char *path = buffer_path(b);
        sb_printf(&lines, "%zu  %s%s%s%s%s\n", i + 1, buffer_name(b),
                  buffer_modified(b) ? " [+]" : "", buffer_binary(b) ? "  binary" : "",
                  path && strcmp(path, buffer_name(b)) != 0 ? "  " : "",
                  path && strcmp(path, buffer_name(b)) != 0 ? path : "");
    }
    ui_list_show(a->ui, "Buffers  (Enter: switch  Ctrl-W: close  Esc)", sb_cstr(&lines), selected);
    sb_free(&lines);
}

void buffers_list_open(App *a)
{
    a->mode = MODE_BUFFER_LIST;
    list_show(a, session_buffer_current(a->session));
}

void buffers_list_choose(App *a)
{
    size_t sel = ui_list_selected(a->ui);
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
    if (sel < session_buffer_count(a->session))
        session_buffer_set_current(a->session, sel);
}

void buffers_list_close_selected(App *a)
{
    size_t sel = ui_list_selected(a->ui);
    if (sel >= session_buffer_count(a->session))
        return;
    session_buffer_set_current(a->session, sel);
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
    buffers_close(a); /* a modified one asks, in the status line */
    if (a->mode == MODE_EDIT)
        buffers_list_open(a);
}

/* --- the open prompt ----------------------------------------------------------------------- */

void buffers_complete(App *a)
{
    char *typed = xstrdup(ui_prompt_text(a->ui));
    buffers_complete_path(a, "", 0, typed);
    free(typed);
}

size_t buffers_complete_path(App *a, const char *before, size_t before_len, const char *typed)
{
    StrBuf out = {0}, names = {0};
    sb_append(&out, before, before_len);
    size_t n = path_complete(typed, &out, &names);
    ui_prompt_set_text(a->ui, sb_cstr(&out), out.len);
    if (n > 1) {
        char title[64];
        snprintf(title, sizeof title, "%zu matches", n);
        ui_list_show(a->ui, title, sb_cstr(&names), SIZE_MAX);
    } else {
        ui_list_hide(a->ui);
        if (n == 0)
            term_bell(a->term);
    }
    sb_free(&out);
    sb_free(&names);
    return n;
}

bool buffers_cancel(App *a)
{
    switch (a->mode) {
    case MODE_CONFIRM_CLOSE:
        a->mode = MODE_EDIT;
        a->message[0] = '\0';
        app_say(a, false, "Close cancelled.");
        return true;
    case MODE_BUFFER_LIST:
        ui_list_hide(a->ui);
        a->mode = MODE_EDIT;
        return true;
    case MODE_SWAP:
        swap_app_answer(a, 0);
        return true;
    default:
        return false;
    }
}
