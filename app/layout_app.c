/* Layout app (see layout_app.h). State: the Ui's LayoutOpts (share, swap, zoom) and App's
 * divider_drag. */
#include "app/layout_app.h"

#include "app/look_app.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/theme_app.h"
#include "ui/layout.h"

static void set_pct(App *a, int pct)
{
    LayoutOpts o = ui_layout_opts(a->ui);
    o.editor_pct = layout_clamp_pct(pct);
    ui_set_layout(a->ui, &o);
    app_damage(a);
}

/* The divider forward (right or down): the first pane grows, the editor unless swapped. */
static void move_divider(App *a, int dir)
{
    LayoutOpts o = ui_layout_opts(a->ui);
    if (o.zoom != LAYOUT_ZOOM_NONE)
        return;
    int step = o.swapped ? -dir * LAYOUT_PCT_STEP : dir * LAYOUT_PCT_STEP;
    set_pct(a, layout_pct(&o) + step);
    look_app_save(a, NULL);
}

void layout_app_cmd_forward(App *a, const KeyEvent *k)
{
    (void)k;
    move_divider(a, 1);
}

void layout_app_cmd_back(App *a, const KeyEvent *k)
{
    (void)k;
    move_divider(a, -1);
}

void layout_app_cmd_zoom(App *a, const KeyEvent *k)
{
    (void)k;
    LayoutOpts o = ui_layout_opts(a->ui);
    o.zoom = o.zoom == LAYOUT_ZOOM_NONE ? LAYOUT_ZOOM_EDITOR : LAYOUT_ZOOM_NONE;
    ui_set_layout(a->ui, &o); /* the Ui shows the focused pane (ui_set_layout) */
    app_damage(a);
}

void layout_app_cmd_swap(App *a, const KeyEvent *k)
{
    (void)k;
    LayoutOpts o = ui_layout_opts(a->ui);
    o.swapped = !o.swapped;
    ui_set_layout(a->ui, &o);
    app_damage(a);
    look_app_save(a, NULL);
}

void layout_app_cmd_reset(App *a, const KeyEvent *k)
{
    (void)k;
    ui_set_layout(a->ui, &(LayoutOpts){0});
    app_damage(a);
    look_app_save(a, NULL);
}

void layout_app_cmd_arrange(App *a, const KeyEvent *k)
{
    (void)k;
    LayoutOpts o = ui_layout_opts(a->ui);
    o.arrange = ui_stacked(a->ui) ? LAYOUT_SIDE : LAYOUT_STACK; /* the other of what shows */
    ui_set_layout(a->ui, &o);
    app_say(a, false, "panes %s (Alt-= back to: by width)",
            o.arrange == LAYOUT_SIDE ? "side by side" : "stacked");
    app_damage(a);
    look_app_save(a, NULL); /* after the message: a failure to save is said over it */
}

void layout_app_cmd_theme(App *a, const KeyEvent *k)
{
    (void)k;
    theme_app_list_open(a);
}

bool layout_app_mouse(App *a, const KeyEvent *k)
{
    const MouseEvent *m = &k->mouse;
    if (a->divider_drag) {
        if (m->kind == MOUSE_DRAG)
            set_pct(a, ui_layout_pct_at(a->ui, m->x, m->y));
        else if (m->kind == MOUSE_RELEASE || m->kind == MOUSE_PRESS) {
            a->divider_drag = false;
            look_app_save(a, NULL); /* once, where the drag ended */
        }
        return true;
    }
    if (m->kind == MOUSE_PRESS && m->button == 0 && ui_on_divider(a->ui, m->x, m->y)) {
        a->divider_drag = true;
        return true;
    }
    return false;
}
