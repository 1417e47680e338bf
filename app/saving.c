/* Saving: the wording of every save outcome, and the mode changes a save can cause. The
 * buffer does the writing and the refusing (session/buffer.h); this file tells the user.
 *
 * A save that fails (a full disk, a directory that vanished, no permission) opens the Save
 * As prompt with the reason in its label, so the user is never left with "lose it or keep
 * typing". A save refused for a "save again" (changed on disk) only says so, as before.
 * Quitting with several modified buffers asks once, naming them; "y" saves them in order
 * and stops at the first that needs a name or fails (that buffer is then current, its
 * Save As open; once it works the rest follow and flint quits). */
#include "app/saving.h"

#include <stdio.h>
#include <string.h>

#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "session/path.h"

/* The reason at the end of an error ("cannot save x (rename): Permission denied"). */
static const char *short_reason(const char *msg)
{
    const char *colon = strrchr(msg, ':');
    return colon && colon[1] == ' ' ? colon + 2 : msg;
}

bool app_save(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_path(b)) {
        a->mode = MODE_SAVE_AS;
        ui_prompt_open(a->ui, "Save as: ");
        return false;
    }
    ErrorBuf err;
    buffer_apply_save_rules(b); /* one undo step, so the buffer stays what the file holds */
    if (!buffer_save(b, &err)) {
        app_say(a, true, "Not saved: %s", err.msg);
        if (buffer_save_refused(b) && buffer_read_only(b)) {
            /* Offer Save As; Ctrl-S in it is the explicit second step (write it anyway). The
             * prompt covers the status line, so its label carries the gist. */
            a->mode = MODE_SAVE_AS;
            ui_prompt_open(a->ui, "Read-only. Save as (Ctrl-S: write it anyway): ");
        } else if (!buffer_save_refused(b)) {
            char label[256];
            snprintf(label, sizeof label, "Not saved (%.200s). Save as: ", short_reason(err.msg));
            a->mode = MODE_SAVE_AS;
            ui_prompt_open(a->ui, label);
        }
        return false;
    }
    swap_app_saved(a, b);
    const Text *t = buffer_text(b);
    const char *backup = buffer_save_backup(b);
    app_say(a, false, "Saved %s (%zu lines, %zu bytes%s%s)", buffer_path(b), text_line_count(t),
            text_byte_count(t), backup ? "; in place, old contents in " : "",
            backup ? backup : "");
    return true;
}

bool app_save_as(App *a, const char *path)
{
    if (!path[0])
        return false;
    ErrorBuf err;
    Buffer *b = session_buffer(a->session);
    buffer_apply_save_rules(b); /* trim / final newline (settings, .editorconfig) */
    StrBuf full = {0};
    path_expand_home(path, &full);
    swap_app_forget(a, b); /* its swap is named by the old path; the next edit makes a new one */
    if (buffer_save_as(b, sb_cstr(&full), &err)) {
        app_say(a, false, "Saved %s", sb_cstr(&full));
        sb_free(&full);
        if (a->quit_after_save && !a->close_after_save)
            app_save_all_and_quit(a);
        return true;
    }
    app_say(a, true, "Not saved: %s", err.msg);
    sb_free(&full);
    return false;
}

void app_save_all_and_quit(App *a)
{
    a->quit_after_save = true;
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        if (!buffer_modified(session_buffer_at(a->session, i)))
            continue;
        session_buffer_set_current(a->session, i);
        if (!app_save(a)) {
            if (a->mode != MODE_SAVE_AS)
                a->quit_after_save = false; /* the message says why; nothing quits */
            return;
        }
    }
    app_quit(a);
}

/* "a.c, b.c and 1 more": the modified buffers' names; returns how many there are. */
static size_t modified_names(App *a, char *out, size_t size)
{
    size_t count = 0, len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        Buffer *b = session_buffer_at(a->session, i);
        if (!buffer_modified(b))
            continue;
        if (count < 4 && len < size)
            len += (size_t)snprintf(out + len, size - len, "%s%s", count ? ", " : "", buffer_name(b));
        count++;
    }
    if (count > 4 && len < size)
        snprintf(out + len, size - len, " and %zu more", count - 4);
    return count;
}

void app_quit(App *a)
{
    swap_app_remove_all(a); /* a clean quit: the user chose what to keep */
    a->exit_status = 0;
    loop_quit(a->loop);
}

void app_request_quit(App *a)
{
    char names[512];
    size_t n = modified_names(a, names, sizeof names);
    if (n == 0) {
        app_quit(a);
        return;
    }
    a->mode = MODE_CONFIRM_QUIT;
    if (n == 1 && buffer_modified(session_buffer(a->session)))
        app_say(a, true, "Save changes to %s?  y: save and quit   n: quit without saving   "
                "Esc: cancel", names);
    else
        app_say(a, true, "Save changes to %s?  y: save all and quit   n: quit without saving   "
                "Esc: cancel", names);
}
