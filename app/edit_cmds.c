/* Edit commands: thin handlers over session/buffer_select.c, plus the clipboard and the
 * mouse and soft-wrap toggles.
 *
 * A copy (or cut) puts the text in the internal clipboard and, on the route clipboard_apply
 * chose, an OSC 52 sequence on the terminal through the render thread (term_send_control):
 * never written from this thread. The one-time tmux notice uses App.clip.told. */
#include "app/edit_cmds.h"

#include <stdlib.h>

#include "app/clipboard.h"
#include "app/paste.h"
#include "app/questions.h"
#include "app/screen.h"
#include "app/state.h"
#include "session/comment.h"

static Buffer *buf(App *a) { return session_buffer(a->session); }

static void sel(App *a, BufferMove m) { buffer_select_move(buf(a), m, ui_editor_rows(a->ui)); }

void cmd_select_left(App *a, const KeyEvent *k) { sel(a, BUFFER_LEFT); }
void cmd_select_right(App *a, const KeyEvent *k) { sel(a, BUFFER_RIGHT); }
void cmd_select_up(App *a, const KeyEvent *k) { sel(a, BUFFER_UP); }
void cmd_select_down(App *a, const KeyEvent *k) { sel(a, BUFFER_DOWN); }
void cmd_select_word_left(App *a, const KeyEvent *k) { sel(a, BUFFER_WORD_LEFT); }
void cmd_select_word_right(App *a, const KeyEvent *k) { sel(a, BUFFER_WORD_RIGHT); }
void cmd_select_home(App *a, const KeyEvent *k) { sel(a, BUFFER_HOME); }
void cmd_select_end(App *a, const KeyEvent *k) { sel(a, BUFFER_END); }
void cmd_select_page_up(App *a, const KeyEvent *k) { sel(a, BUFFER_PAGE_UP); }
void cmd_select_page_down(App *a, const KeyEvent *k) { sel(a, BUFFER_PAGE_DOWN); }
void cmd_select_top(App *a, const KeyEvent *k) { sel(a, BUFFER_TOP); }
void cmd_select_bottom(App *a, const KeyEvent *k) { sel(a, BUFFER_BOTTOM); }
void cmd_select_all(App *a, const KeyEvent *k) { buffer_select_all(buf(a)); }

void edit_copy_text(App *a, const char *s, size_t n, const char *what)
{
    clipboard_set(&a->clip, s ? s : "", n);
    StrBuf seq = {0};
    if (clipboard_osc52(a->clip.route, a->clip.text, a->clip.len, &seq)) {
        term_send_control(a->term, sb_cstr(&seq));
        app_say(a, false, "Copied %s%zu bytes.", what, n);
    } else if (a->clip.route == CLIP_TMUX_NONE && !a->clip.told) {
        a->clip.told = true;
        app_say(a, false, "Copied (Ctrl-V pastes). For the system clipboard inside tmux: "
                          "set -g set-clipboard on (or allow-passthrough on).");
    } else if (a->clip.route != CLIP_OFF && n > CLIPBOARD_OSC52_MAX) {
        app_say(a, false, "Copied %s%zu bytes (too large for the terminal's clipboard).", what, n);
    } else {
        app_say(a, false, "Copied %s%zu bytes.", what, n);
    }
    sb_free(&seq);
}

/* Takes the selection into the clipboard (and the terminal's); false when there is none. */
static bool copy_out(App *a)
{
    StrBuf sb = {0};
    if (!buffer_copy_selection(buf(a), &sb)) {
        sb_free(&sb);
        return false;
    }
    edit_copy_text(a, sb.data, sb.len, "");
    sb_free(&sb);
    return true;
}

void cmd_copy(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_EDIT && copy_out(a))
        return;
    /* Nothing selected: what "interrupt" does (app/commands.c) for Ctrl-C. */
    if (session_busy(a->session) || session_waiting(a->session))
        app_interrupt(a);
    else
        app_say(a, false, "Nothing to stop. Ctrl-Q quits.");
}

void cmd_cut(App *a, const KeyEvent *k)
{
    if (copy_out(a))
        buffer_cut_selection(buf(a));
    else
        app_say(a, false, "Nothing selected (Shift+arrows select).");
}

void cmd_paste(App *a, const KeyEvent *k)
{
    if (!a->clip.text) {
        app_say(a, false, "The clipboard is empty (Ctrl-C copies a selection).");
        return;
    }
    paste_into_buffer(buf(a), a->clip.text, a->clip.len);
}

void cmd_unindent(App *a, const KeyEvent *k) { buffer_unindent(buf(a)); }
void cmd_delete_word_left(App *a, const KeyEvent *k) { buffer_delete_word_left(buf(a)); }
void cmd_delete_word_right(App *a, const KeyEvent *k) { buffer_delete_word_right(buf(a)); }
void cmd_move_line_up(App *a, const KeyEvent *k) { buffer_move_lines(buf(a), -1); }
void cmd_move_line_down(App *a, const KeyEvent *k) { buffer_move_lines(buf(a), 1); }
void cmd_duplicate_line(App *a, const KeyEvent *k) { buffer_duplicate_lines(buf(a)); }

void cmd_toggle_comment(App *a, const KeyEvent *k)
{
    /* The language's own rule (themes/syntax/NAME.syntax) first; the table by file type for
     * files no rule file covers. */
    const char *marker = ui_line_comment(a->ui);
    buffer_toggle_comment(buf(a), marker ? marker : comment_prefix_for(buf(a)));
}

void cmd_toggle_mouse(App *a, const KeyEvent *k)
{
    a->mouse_on = !a->mouse_on;
    a->dragging = false;
    term_set_mouse(a->term, a->mouse_on);
    app_say(a, false, a->mouse_on ? "Mouse on (Alt-M: off, for the terminal's own selection)."
                                  : "Mouse off: the terminal selects and copies (Alt-M: on).");
}

/* Soft wrap belongs to the editor pane, not to a buffer: it stays as it is across buffers. */
void cmd_toggle_wrap(App *a, const KeyEvent *k)
{
    (void)k;
    EditorView *v = ui_editor_view(a->ui);
    editor_view_set_wrap(v, !v->wrap);
    app_say(a, false, v->wrap ? "Soft wrap on (Alt-Z: off)." : "Soft wrap off (Alt-Z: on).");
}
