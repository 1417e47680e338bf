/* Layout app: the commands that change the split (ui/layout.h's LayoutOpts, kept in the Ui)
 * and the mouse drag on the divider.
 *
 *   divider-forward / divider-back (Alt-> / Alt-<): the divider LAYOUT_PCT_STEP % right (or
 *       down when stacked) / left (up), clamped to LAYOUT_PCT_MIN..LAYOUT_PCT_MAX.
 *   zoom (Alt-F): the focused pane takes the whole screen; again: back to the split. While
 *       zoomed the zoom follows the focus (Alt-A / F6 show the other pane full screen).
 *   swap (Alt-S): the answer pane to the left (or on top), the editor to the other side.
 *   layout-reset (Alt-=): the default split (by width, 55%), unswapped, unzoomed.
 *   arrange (Alt-L): side by side if stacked, stacked if side by side (the default is by
 *       width: stacked below 100 columns, see ui/layout.h for why; Alt-= goes back to it).
 * A press on the divider and a drag move it (layout_app_mouse). The split, the arrangement and
 * the swap are remembered for the next start (app/look_app.h: written after each change, a
 * drag once released); the zoom is for the moment only. Errors: none. */
#ifndef FLINT_APP_LAYOUT_APP_H
#define FLINT_APP_LAYOUT_APP_H

#include <stdbool.h>

struct App;
struct KeyEvent;

void layout_app_cmd_forward(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_back(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_zoom(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_swap(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_reset(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_arrange(struct App *a, const struct KeyEvent *k);
void layout_app_cmd_theme(struct App *a, const struct KeyEvent *k);
/* A mouse event: true when it was the divider's (a press on it, a drag or release after). */
bool layout_app_mouse(struct App *a, const struct KeyEvent *k);

#endif
