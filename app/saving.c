/* Saving: the wording of every save outcome, and the mode changes a save can cause. The
 * buffer does the writing and the refusing (session/buffer.h); this file tells the user. */
#include "app/saving.h"

#include "app/screen.h"
#include "app/state.h"

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
        }
        return false;
    }
    const Text *t = buffer_text(b);
    const char *backup = buffer_save_backup(b);
    app_say(a, false, "Saved %s (%zu lines, %zu bytes%s%s)", buffer_path(b), text_line_count(t),
            text_byte_count(t), backup ? "; in place, old contents in " : "",
            backup ? backup : "");
    return true;
}

void app_save_as(App *a, const char *path)
{
    if (!path[0])
        return;
    ErrorBuf err;
    buffer_apply_save_rules(session_buffer(a->session));
    if (buffer_save_as(session_buffer(a->session), path, &err)) {
        app_say(a, false, "Saved %s", path);
        if (a->quit_after_save)
            app_quit(a);
    } else {
        app_say(a, true, "Not saved: %s", err.msg);
    }
}

void app_quit(App *a)
{
    a->exit_status = 0;
    loop_quit(a->loop);
}

void app_request_quit(App *a)
{
    if (!buffer_modified(session_buffer(a->session))) {
        app_quit(a);
        return;
    }
    a->mode = MODE_CONFIRM_QUIT;
    app_say(a, true, "Save changes to %s?  y: save and quit   n: quit without saving   Esc: cancel",
            buffer_name(session_buffer(a->session)));
}
