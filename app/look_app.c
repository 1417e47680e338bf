/* Look app (see look_app.h). State in App: look (as read, then as written), look_told. */
#include "app/look_app.h"

#include <stdio.h>
#include <string.h>

#include "app/screen.h"
#include "app/state.h"
#include "core/log.h"
#include "themes/theme_builtin.h"
#include "ui/layout.h"

bool look_app_theme_overridden(const App *a) { return a->look_overridden; }

static void ignored(StrBuf *notes, const char *why)
{
    fprintf(stderr, "flint: %s; the remembered look is ignored\n", why); /* seen after quitting */
    sb_printf(notes, "%s; the remembered look is ignored\n", why);
}

const char *look_app_load(App *a, const char *path, bool theme_overridden, StrBuf *notes)
{
    a->look = (Look){0};
    a->look_path = path;
    a->look_overridden = theme_overridden;
    if (!path)
        return NULL;
    bool found = false;
    ErrorBuf err = {{0}};
    if (!look_load(path, &a->look, &found, &err)) {
        log_msg("look: %s", err.msg);
        ignored(notes, err.msg);
        return NULL;
    }
    if (!found) {
        log_msg("look: none remembered (%s)", path);
        return NULL;
    }
    if (a->look.theme[0] && !theme_builtin(a->look.theme, &(Theme){0})) {
        char why[600];
        snprintf(why, sizeof why, "%s: no built-in theme '%s'", path, a->look.theme);
        log_msg("look: %s", why);
        ignored(notes, why);
        a->look = (Look){0};
        return NULL;
    }
    bool use_theme = a->look.theme[0] && !look_app_theme_overridden(a);
    log_msg("look: theme=%s%s layout=%d split=%d swap=%d", a->look.theme[0] ? a->look.theme : "-",
            a->look.theme[0] && !use_theme ? " (the settings' or --theme's wins)" : "",
            (int)a->look.arrange, a->look.split, (int)a->look.swapped);
    if (use_theme)
        log_msg("theme: %s (remembered)", a->look.theme);
    return use_theme ? a->look.theme : NULL;
}

void look_app_apply_layout(App *a)
{
    if (!a->ui || (a->look.arrange == LOOK_ARRANGE_AUTO && !a->look.split && !a->look.swapped))
        return;
    LayoutOpts o = ui_layout_opts(a->ui);
    o.arrange = a->look.arrange == LOOK_ARRANGE_SIDE    ? LAYOUT_SIDE
                : a->look.arrange == LOOK_ARRANGE_STACK ? LAYOUT_STACK
                                                        : LAYOUT_AUTO;
    o.editor_pct = layout_clamp_pct(a->look.split);
    o.swapped = a->look.swapped;
    ui_set_layout(a->ui, &o);
}

bool look_app_save(App *a, const char *theme_chosen)
{
    const char *path = a->look_path;
    if (!path || !a->ui)
        return true;
    Look l = a->look;
    if (theme_chosen)
        snprintf(l.theme, sizeof l.theme, "%s", theme_chosen);
    LayoutOpts o = ui_layout_opts(a->ui); /* the zoom is left out: it is momentary */
    l.arrange = o.arrange == LAYOUT_SIDE    ? LOOK_ARRANGE_SIDE
                : o.arrange == LAYOUT_STACK ? LOOK_ARRANGE_STACK
                                            : LOOK_ARRANGE_AUTO;
    l.split = o.editor_pct;
    l.swapped = o.swapped;
    if (!theme_chosen && l.arrange == a->look.arrange && l.split == a->look.split &&
        l.swapped == a->look.swapped)
        return true; /* nothing new (a key at the divider's limit) */
    ErrorBuf err = {{0}};
    if (!look_save(path, &l, &err)) {
        log_msg("look: %s", err.msg);
        if (!a->look_told) {
            a->look_told = true;
            app_say(a, true, "Cannot remember the look: %s", err.msg);
        }
        return false;
    }
    a->look = l;
    log_msg("look: saved theme=%s layout=%d split=%d swap=%d", l.theme[0] ? l.theme : "-",
            (int)l.arrange, l.split, (int)l.swapped);
    return true;
}
