/* Pointer: mouse reports and the answer pane's focus.
 *
 * Mouse (while reporting is on: editor.mouse, Alt-M): a left click in the editor places the
 * caret (Shift-click extends the selection), a drag selects, the wheel moves the caret three
 * lines (the view follows the caret, so the text scrolls); in the answer pane a click gives
 * it the focus (MODE_ANSWER, app/answer_ui.h) with its caret on the row clicked, and the
 * wheel scrolls it. A click in the editor gives the focus back. Reports in a prompt or the
 * quit question are ignored.
 *
 * Keys: while the answer pane has the focus, answer_ui_key sees each key first (a key the
 * pane does not bind goes back to the editor). */
#ifndef FLINT_APP_POINTER_H
#define FLINT_APP_POINTER_H

#include <stdbool.h>

#include "ui/key.h"

typedef struct App App;

/* Handles k when it is a mouse report (or answer_ui_key took it); false to let the key
 * tables have it. */
bool pointer_key(App *a, const KeyEvent *k);

#endif
