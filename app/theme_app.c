/* Theme app (see theme_app.h). State in App: theme (what the terminal was given), theme_auto,
 * theme_bg_seen, theme_changed, theme_before (while the list is open: the theme to put back
 * on Esc). */
#include "app/theme_app.h"

#include <stdio.h>
#include <string.h>

#include "app/look_app.h"
#include "app/screen.h"
#include "app/state.h"
#include "core/log.h"
#include "themes/palette.h"
#include "themes/theme_builtin.h"

bool theme_app_init(App *a, const ThemeChoice *cfg, StrBuf *notes, ErrorBuf *err)
{
    theme_default(&a->theme);
    a->theme_auto = false;
    if (cfg->name && theme_builtin(cfg->name, &a->theme))
        return true;
    if (cfg->path) {
        log_msg("theme: %s", cfg->path); /* where a named theme was found */
        if (theme_load_file(&a->theme, cfg->path, err))
            return true;
        if (!cfg->soft)
            return false;
        /* The settings file's theme: a warning, and the default. */
        fprintf(stderr, "flint: %s\n", err->msg);
        sb_printf(notes, "%s\n", err->msg);
        error_clear(err);
    }
    if (cfg->automatic || cfg->path) {
        a->theme_auto = true;
        theme_builtin(THEME_AUTO_DARK, &a->theme);
    }
    return true;
}

bool theme_app_apply(App *a, const char *name)
{
    Theme t;
    if (!theme_builtin(name, &t))
        return false;
    a->theme = t;
    term_set_theme(a->term, &a->theme);
    app_damage(a);
    return true;
}

void theme_app_term_started(App *a)
{
    if (!a->theme_auto || !a->term || term_colour_mode(a->term) >= COLOUR_256)
        return;
    theme_app_apply(a, "terminal");
    a->theme_auto = false; /* the terminal theme reads on any background */
}

void theme_app_background(App *a)
{
    const KeysReplies *r = &a->keys.replies;
    if (a->theme_bg_seen || !r->bg)
        return;
    a->theme_bg_seen = true;
    bool light = colour_is_light(r->bg_rgb);
    log_msg("term: background #%02x%02x%02x lightness %d: %s", r->bg_rgb[0], r->bg_rgb[1],
            r->bg_rgb[2], colour_lightness(r->bg_rgb), light ? "light" : "dark");
    if (!a->theme_auto || a->theme_changed)
        return;
    const char *want = light ? THEME_AUTO_LIGHT : THEME_AUTO_DARK;
    if (strcmp(a->theme.name, want) != 0 && theme_app_apply(a, want))
        log_msg("theme: %s (the terminal's background is %s)", want, light ? "light" : "dark");
}

void theme_app_list_open(App *a)
{
    StrBuf lines = {0};
    size_t sel = 0;
    for (size_t i = 0; i < theme_builtin_count(); i++) {
        const char *n = theme_builtin_name(i);
        sb_printf(&lines, "%s\n", n);
        if (strcmp(n, a->theme.name) == 0)
            sel = i;
    }
    a->theme_before = a->theme;
    a->mode = MODE_THEME_LIST;
    ui_list_show(a->ui, "Themes  (Enter applies, Esc)", sb_cstr(&lines), sel);
    sb_free(&lines);
}

void theme_app_list_moved(App *a)
{
    if (a->mode != MODE_THEME_LIST)
        return;
    const char *name = theme_builtin_name(ui_list_selected(a->ui));
    if (name && strcmp(name, a->theme.name) != 0)
        theme_app_apply(a, name);
}

bool theme_app_list_choose(App *a)
{
    if (a->mode != MODE_THEME_LIST)
        return false;
    const char *name = theme_builtin_name(ui_list_selected(a->ui));
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
    if (name && (strcmp(name, a->theme.name) == 0 || theme_app_apply(a, name))) {
        a->theme_changed = true;
        unsigned seq = a->message_seq;
        bool kept = look_app_save(a, name);
        if (!kept && a->message_seq != seq)
            return true; /* why it could not be kept, said once */
        if (!kept || !a->look_path)
            app_say(a, false, "theme %s for this session", name);
        else if (look_app_theme_overridden(a))
            app_say(a, false, "theme %s (the settings' or --theme's theme wins at the next start)",
                    name);
        else
            app_say(a, false, "theme %s (remembered for the next start)", name);
    }
    return true;
}

bool theme_app_list_cancel(App *a)
{
    if (a->mode != MODE_THEME_LIST)
        return false;
    ui_list_hide(a->ui);
    a->mode = MODE_EDIT;
    if (memcmp(&a->theme, &a->theme_before, sizeof a->theme) != 0) { /* previewed: put back */
        a->theme = a->theme_before;
        term_set_theme(a->term, &a->theme);
        app_damage(a);
    }
    return true;
}
