/* Pointer: mouse reports and the answer pane's focus.
 *
 * Mouse (while reporting is on: editor.mouse, Alt-M): a left click in the editor places the
 * caret (Shift-click extends the selection), a drag selects, the wheel moves the caret three
 * lines (the view follows the caret, so the text scrolls); in the answer pane a click gives
 * it the focus and the wheel scrolls it. Reports in a prompt or the quit question are
 * ignored.
 *
 * Focus: flint's keys always go to the editor, except that after a click on the answer pane
 * Up/Down/PgUp/PgDn scroll the answer and End follows its tail again, until a click in the
 * editor or any other key (which then does what it always does). */
#ifndef FLINT_APP_POINTER_H
#define FLINT_APP_POINTER_H

#include <stdbool.h>

#include "ui/key.h"

typedef struct App App;

/* Handles k when it is a mouse report or a key the focused answer pane takes; false to let
 * the key tables have it. */
bool pointer_key(App *a, const KeyEvent *k);

#endif
