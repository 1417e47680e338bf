/* Config: file look-up and reporting around settings_load, and the application of the parts
 * that app/ owns (keys; the theme path for app_run). The Settings stay the caller's (main):
 * the App borrows them through AppConfig. */
#include "app/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/keymap.h"
#include "app/screen.h"
#include "app/state.h"

bool config_load(const char *named, Settings *s, StrBuf *notes)
{
    char def[PATH_MAX];
    const char *path = named;
    if (!path && settings_default_path(def, sizeof def))
        path = def;
    if (!path)
        return true; /* no HOME, no XDG_CONFIG_HOME: the defaults */
    if (named && access(named, R_OK) != 0) {
        fprintf(stderr, "flint: --config %s: %s\n", named, strerror(errno));
        return false;
    }
    ErrorBuf err = {{0}};
    if (!settings_load(s, path, true, &err)) {
        /* The file's own words: "PATH:LINE: message"; flint starts on the defaults. */
        fprintf(stderr, "%s\n", err.msg);
        sb_printf(notes, "%s\n", err.msg);
    }
    for (size_t i = 0; i < s->n_warnings; i++) {
        fprintf(stderr, "%s\n", s->warnings[i]);
        sb_printf(notes, "%s\n", s->warnings[i]);
    }
    return true;
}

static bool readable(const char *dir, const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s.theme", dir, name);
    return n > 0 && (size_t)n < size && access(out, R_OK) == 0;
}

bool config_theme_path(const char *theme, char *out, size_t size)
{
    size_t len = strlen(theme);
    if (strchr(theme, '/') || (len > 6 && strcmp(theme + len - 6, ".theme") == 0)) {
        const char *home = getenv("HOME");
        if (theme[0] == '~' && theme[1] == '/' && home)
            snprintf(out, size, "%s%s", home, theme + 1);
        else
            snprintf(out, size, "%s", theme);
        return true; /* a path: theme_load_file says what is wrong with it, if anything */
    }
    if (!theme[0] || strchr(theme, '.'))
        return false;
    /* Beside the binary (an install, wherever it went), the source tree (a build that
     * was never installed), the configured prefix: the order syntax_default_dir uses. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            char dir[PATH_MAX + 32];
            snprintf(dir, sizeof dir, "%s/../share/flint/themes", self);
            if (readable(dir, theme, out, size))
                return true;
        }
    }
#ifdef FLINT_SOURCE_THEME_DIR
    if (readable(FLINT_SOURCE_THEME_DIR, theme, out, size))
        return true;
#endif
#ifdef FLINT_THEME_DIR
    if (readable(FLINT_THEME_DIR, theme, out, size))
        return true;
#endif
    return false;
}

void config_apply_keys(App *a, const Settings *s, StrBuf *notes)
{
    a->keymap = keymap_new();
    if (!s)
        return;
    StrBuf w = {0};
    keymap_apply(a->keymap, s, &w);
    if (w.len) {
        fprintf(stderr, "%s", sb_cstr(&w)); /* seen after quitting, under the screen's restore */
        sb_append(notes, w.data, w.len);
    }
    sb_free(&w);
}

/* The start message: the first configuration problem, else the keys to begin with (from the
 * key table, so a rebinding shows), first on the line so that 80 columns show them whole. */
void app_greet(App *a, const char *notes)
{
    size_t lines = 0;
    for (const char *p = notes; *p; p++)
        lines += *p == '\n';
    if (lines) {
        int len = (int)strcspn(notes, "\n");
        if (lines > 1)
            app_say(a, true, "%.*s (and %zu more on stderr)", len, notes, lines - 1);
        else
            app_say(a, true, "%.*s", len, notes);
        return;
    }
    char ask[32] = "-", stop[32] = "-", save[32] = "-", quit[32] = "-", help[32] = "-";
    keymap_key_for(a->keymap, KEYS_EDIT, "ask", ask, sizeof ask);
    keymap_key_for(a->keymap, KEYS_EDIT, "interrupt", stop, sizeof stop);
    keymap_key_for(a->keymap, KEYS_EDIT, "save", save, sizeof save);
    keymap_key_for(a->keymap, KEYS_EDIT, "quit", quit, sizeof quit);
    keymap_key_for(a->keymap, KEYS_EDIT, "help", help, sizeof help);
    char hint[256];
    /* Two spaces apart: 55 columns, whole at 80 beside a file name and the link state */
    snprintf(hint, sizeof hint, "%s ask  %s stop  %s save  %s quit  %s help", ask, stop,
             save, quit, help);
    if (a->demo.pid > 0)
        app_say(a, false, "%s  (demo backend, offline, 127.0.0.1:%d)", hint, a->demo.port);
    else
        app_say(a, false, "%s", hint);
    a->greeting_seq = a->message_seq;
}
