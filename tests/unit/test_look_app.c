/* The remembered look in a headless App (app/look_app.h, session/look.h): a theme chosen with
 * Alt-T is written to the state file and a new App over the same file starts with it (and a
 * light background's answer does not undo it); a theme from the settings or --theme wins, and
 * so does "auto" said in so many words; the layout keys are written (not the zoom) and come
 * back; a damaged file is one notice at start and is rewritten whole at the next change; a
 * state directory that cannot be written is said once and flint goes on. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"
#include "session/look.h"
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/views_support.h"

static char look_path[160];

static bool start(AppRig *r, bool theme_auto)
{
    app_rig_init(r);
    r->cfg.theme_auto = theme_auto;
    r->cfg.look_path = look_path;
    return app_rig_start(r, true);
}

/* The file's text ("" when there is none). */
static char *file_text(void)
{
    size_t n = 0;
    char *t = read_file(look_path, &n);
    return t ? t : strdup("");
}

static bool file_has(const char *s)
{
    char *t = file_text();
    bool has = strstr(t, s) != NULL;
    if (!has)
        fprintf(stderr, "  '%s' is not in the look file:\n%s", s, t);
    free(t);
    return has;
}

static bool has_vertical_divider(const Grid *g)
{
    return strstr(row_text(g, 1), "\xe2\x94\x82") != NULL; /* │ */
}

static const char light_bg[] = "\033]11;rgb:fdfd/f6f6/e3e3\033\\";
static const char dark_bg[] = "\033]11;rgb:0000/2b2b/3636\007";

static void test_theme_remembered(void)
{
    AppRig r;
    if (!start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "dark");
    struct stat st;
    CHECK(stat(look_path, &st) < 0); /* nothing written before a choice */
    app_rig_keys(&r, "\033t"); /* Alt-T */
    CHECK_INT_EQ(app_mode(r.app), MODE_THEME_LIST);
    app_rig_keys(&r, "\033[B\r"); /* Down Enter: light */
    CHECK_STR_EQ(app_theme_name(r.app), "light");
    CHECK(strstr(app_message(r.app), "remembered for the next start") != NULL);
    CHECK(file_has("theme = light\n"));
    CHECK(stat(look_path, &st) == 0 && (st.st_mode & 0777) == 0600);
    app_rig_close(&r);

    /* The next start: light at once, and a dark background's answer keeps it. */
    if (!start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "light");
    app_rig_keys(&r, dark_bg);
    CHECK_STR_EQ(app_theme_name(r.app), "light");
    app_rig_close(&r);

    /* Escape out of the list: nothing written. */
    if (!start(&r, true))
        return;
    app_rig_keys(&r, "\033t\033[B\033[27u"); /* Alt-T Down Esc (kitty form: no timer) */
    CHECK_STR_EQ(app_theme_name(r.app), "light");
    CHECK(file_has("theme = light\n"));
    app_rig_close(&r);
}

static void test_explicit_theme_wins(void)
{
    AppRig r;
    /* the settings' (or --theme's) theme: main passes it as theme_name */
    app_rig_init(&r);
    r.cfg.theme_name = "solarized-dark";
    r.cfg.look_path = look_path;
    if (!app_rig_start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "solarized-dark");
    /* a choice made now is written, and the message says the settings win at the next start */
    app_rig_keys(&r, "\033t\033[A\r"); /* Up from solarized-dark: light */
    CHECK_STR_EQ(app_theme_name(r.app), "light");
    CHECK(strstr(app_message(r.app), "wins at the next start") != NULL);
    app_rig_close(&r);
    /* "theme": "auto" in the settings: auto, not the remembered light */
    app_rig_init(&r);
    r.cfg.theme_auto = true;
    r.cfg.theme_explicit = true;
    r.cfg.look_path = look_path;
    if (!app_rig_start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "dark");
    app_rig_keys(&r, light_bg);
    CHECK_STR_EQ(app_theme_name(r.app), "light"); /* by the background, as auto does */
    /* a layout change keeps the remembered theme in the file, not auto's pick */
    app_rig_keys(&r, "\033s");
    CHECK(file_has("theme = light\n"));
    CHECK(file_has("swap = yes\n"));
    app_rig_close(&r);
}

static void test_layout_remembered(void)
{
    remove(look_path);
    AppRig r;
    if (!start(&r, true))
        return;
    app_tick(r.app);
    CHECK(!has_vertical_divider(app_grid(r.app))); /* 80 columns: stacked by width */
    app_rig_keys(&r, "\033l"); /* Alt-L: side by side */
    CHECK(file_has("layout = side\n"));
    app_rig_keys(&r, "\033s\033>"); /* Alt-S swap, Alt-> the divider */
    CHECK(file_has("swap = yes\n"));
    CHECK(file_has("split = 50\n")); /* swapped: forward grows the answer pane */
    char *before = file_text();
    app_rig_keys(&r, "\033f"); /* Alt-F zoom: momentary, not written */
    char *after = file_text();
    CHECK_STR_EQ(after, before);
    free(before);
    free(after);
    char *t = file_text();
    CHECK(strstr(t, "zoom") == NULL);
    free(t);
    app_rig_close(&r);

    if (!start(&r, true))
        return;
    app_tick(r.app);
    CHECK(has_vertical_divider(app_grid(r.app))); /* side by side again, not zoomed */
    app_rig_keys(&r, "\033="); /* Alt-=: the defaults, written */
    CHECK(file_has("layout = auto\n"));
    CHECK(file_has("split = 0\n"));
    CHECK(file_has("swap = no\n"));
    app_rig_close(&r);
}

static int divider_row(const Grid *g)
{
    for (int y = 0; y < g->rows; y++)
        if (strncmp(row_text(g, y), "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80", 9) == 0)
            return y;
    return -1;
}

/* A drag on the divider is written once, where it ends. */
static void test_drag_written_on_release(void)
{
    remove(look_path);
    AppRig r;
    if (!start(&r, true))
        return;
    app_tick(r.app);
    int y = divider_row(app_grid(r.app));
    CHECK(y > 4);
    if (y <= 4) {
        app_rig_close(&r);
        return;
    }
    char seq[64];
    snprintf(seq, sizeof seq, "\033[<0;10;%dM", y + 1); /* SGR mouse: press on the divider */
    app_rig_keys(&r, seq);
    snprintf(seq, sizeof seq, "\033[<32;10;%dM", y - 2); /* drag up 3 rows */
    app_rig_keys(&r, seq);
    struct stat st;
    CHECK(stat(look_path, &st) < 0); /* not while dragging */
    snprintf(seq, sizeof seq, "\033[<0;10;%dm", y - 2); /* release */
    app_rig_keys(&r, seq);
    char *t = file_text();
    Look l;
    ErrorBuf err = {{0}};
    CHECK(look_parse(t, strlen(t), "look.conf", &l, &err));
    CHECK(l.split > 0 && l.split < 55); /* the editor (on top) got smaller */
    free(t);
    app_rig_close(&r);
}

static void test_damaged_file(void)
{
    write_file(look_path, "theme = light\nlayout sideways\n", 30);
    AppRig r;
    if (!start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "dark"); /* the whole file ignored */
    CHECK(strstr(app_message(r.app), "look.conf:2: not 'key = value'; the remembered look is "
                                     "ignored") != NULL);
    app_rig_keys(&r, "\033l"); /* the next change writes it whole again */
    char *t = file_text();
    Look l;
    ErrorBuf err = {{0}};
    CHECK(look_parse(t, strlen(t), "look.conf", &l, &err));
    free(t);
    app_rig_close(&r);
    /* a theme that is no built-in: one notice too */
    write_file(look_path, "theme = nosuch\n", 15);
    if (!start(&r, true))
        return;
    CHECK_STR_EQ(app_theme_name(r.app), "dark");
    CHECK(strstr(app_message(r.app), "no built-in theme 'nosuch'") != NULL);
    app_rig_close(&r);
}

static void test_cannot_write(void)
{
    /* a file where the state directory should be: as unwritable for root as for anyone */
    char saved[160];
    snprintf(saved, sizeof saved, "%s", look_path);
    char clash[160];
    snprintf(clash, sizeof clash, "%s/clash", tmpdir);
    write_file(clash, "x", 1);
    snprintf(look_path, sizeof look_path, "%s/clash/flint/look.conf", tmpdir);
    AppRig r;
    if (start(&r, true)) {
        app_rig_keys(&r, "\033l");
        CHECK(strstr(app_message(r.app), "Cannot remember the look: cannot write") != NULL);
        app_rig_keys(&r, "\033l"); /* said once: the next change says only what it did */
        CHECK(strstr(app_message(r.app), "panes") != NULL);
        app_rig_keys(&r, "\033t\033[B\r"); /* a theme still applies for the session */
        CHECK_STR_EQ(app_theme_name(r.app), "light");
        CHECK_STR_EQ(app_message(r.app), "theme light for this session");
        app_rig_keys(&r, "x");
        app_tick(r.app);
        CHECK(app_rig_screen_has(&r, "x")); /* flint goes on */
        app_rig_close(&r);
    }
    snprintf(look_path, sizeof look_path, "%s", saved);
}

int main(void)
{
    if (!tmpdir_create("/tmp/flint-lookapp-XXXXXX"))
        return 1;
    snprintf(look_path, sizeof look_path, "%s/state/flint/look.conf", tmpdir);
    RUN(test_theme_remembered);
    RUN(test_explicit_theme_wins);
    RUN(test_layout_remembered);
    RUN(test_drag_written_on_release);
    RUN(test_damaged_file);
    RUN(test_cannot_write);
    tmpdir_remove();
    return harness_done();
}
