/* Pointer: see pointer.h. State in App: dragging (a left press in the editor not yet
 * released: drags select from the press); the answer pane's focus is MODE_ANSWER
 * (app/answer_ui.c). Cells come from the decoder 0-based; ui_pane_at / ui_editor_pos_at map them with
 * the layout and the editor view as last drawn. */
#include "app/pointer.h"

#include "app/answer_ui.h"
#include "app/keymap.h"
#include "app/layout_app.h"
#include "app/questions.h"
#include "app/screen.h"
#include "app/state.h"

#define WHEEL_LINES 3

static void editor_mouse(App *a, const KeyEvent *k)
{
    Buffer *b = session_buffer(a->session);
    const MouseEvent *m = &k->mouse;
    TextPos pos;
    switch (m->kind) {
    case MOUSE_WHEEL_UP:
    case MOUSE_WHEEL_DOWN:
        for (int i = 0; i < WHEEL_LINES; i++)
            buffer_move(b, m->kind == MOUSE_WHEEL_UP ? BUFFER_UP : BUFFER_DOWN, 0);
        break;
    case MOUSE_PRESS:
        if (m->button != 0 || !ui_editor_pos_at(a->ui, b, m->x, m->y, &pos))
            break;
        if (k->mods & MOD_SHIFT)
            buffer_select_to(b, pos);
        else
            buffer_set_cursor(b, pos);
        a->dragging = true;
        break;
    case MOUSE_DRAG:
        if (a->dragging && ui_editor_pos_at(a->ui, b, m->x, m->y, &pos))
            buffer_select_to(b, pos);
        break;
    case MOUSE_RELEASE:
    case MOUSE_MOVE:
        a->dragging = false;
        break;
    }
}

static bool mouse(App *a, const KeyEvent *k)
{
    if (a->mode == MODE_ASK && k->mouse.kind == MOUSE_PRESS &&
        ui_pane_at(a->ui, k->mouse.x, k->mouse.y) == UI_PANE_EDITOR)
        app_prompt_leave(a); /* the editor again; the answer keeps streaming */
    if (a->mode != MODE_EDIT && a->mode != MODE_ANSWER)
        return true;
    if (!a->dragging && layout_app_mouse(a, k))
        return true; /* the divider: a press on it and a drag move it */
    const MouseEvent *m = &k->mouse;
    UiPane pane = a->dragging ? UI_PANE_EDITOR : ui_pane_at(a->ui, m->x, m->y);
    if (pane == UI_PANE_MODEL) {
        if (m->kind == MOUSE_WHEEL_UP || m->kind == MOUSE_WHEEL_DOWN) {
            ui_model_scroll(a->ui, m->kind == MOUSE_WHEEL_UP ? WHEEL_LINES : -WHEEL_LINES);
        } else if (m->kind == MOUSE_PRESS && m->button == 0) {
            answer_ui_focus(a, true);
            ui_model_caret_at_cell(a->ui, m->x, m->y); /* the caret onto the row clicked */
        }
        return true;
    }
    if (pane == UI_PANE_EDITOR) {
        if (m->kind == MOUSE_PRESS)
            answer_ui_focus(a, false);
        editor_mouse(a, k);
    }
    return true;
}

bool pointer_key(App *a, const KeyEvent *k)
{
    if (k->code == KC_MOUSE)
        return mouse(a, k);
    if (a->mode != MODE_ANSWER)
        return false;
    const Command *c = keymap_lookup(a->keymap, KEYS_ANSWER, k); /* the focused answer pane */
    return answer_ui_key(a, k, c && command_works_in(c, MODE_ANSWER));
}
