/* The theme and the layout in a headless App (app/theme_app.h, app/layout_app.h): with no
 * theme set it starts dark and takes light when OSC 11's answer says the background is light
 * (once; split among typed keys, which still reach the buffer); a theme the user set is never
 * overridden, nor one chosen with Alt-T; the theme list's keys; the layout keys at 80x24. */
#include <string.h>

#include "app/app.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

static Transport *no_transport(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                               void *hooks_ud, ErrorBuf *err)
{
    (void)ud, (void)ctx, (void)err;
    TransportFake *f = transport_fake_new(hooks, hooks_ud, "fake:443");
    return &f->base;
}

static App *open_app(AppConfig *cfg)
{
    cfg->model = "gpt-test";
    ErrorBuf err = {{0}};
    App *a = app_new_headless(cfg, no_transport, NULL, &err);
    CHECK(a != NULL);
    if (!a)
        fprintf(stderr, "  app_new_headless: %s\n", err.msg);
    return a;
}

static void feed(App *a, const char *s) { app_feed(a, s, strlen(s)); }

static const char light_bg[] = "\033]11;rgb:fdfd/f6f6/e3e3\033\\";
static const char dark_bg[] = "\033]11;rgb:0000/2b2b/3636\007";

static void test_auto_light(void)
{
    AppConfig cfg = {.theme_auto = true};
    App *a = open_app(&cfg);
    if (!a)
        return;
    CHECK_STR_EQ(app_theme_name(a), "dark");
    /* split in the middle, between typed letters */
    feed(a, "ab\033]11;rgb:fdfd/f6");
    feed(a, "f6/e3e3\033\\cd");
    CHECK_STR_EQ(app_theme_name(a), "light");
    app_tick(a);
    CHECK(strstr(row_text(app_grid(a), 1), "abcd") != NULL); /* nothing typed was lost */
    feed(a, dark_bg); /* acted on once */
    CHECK_STR_EQ(app_theme_name(a), "light");
    app_free(a);
}

static void test_auto_dark_stays(void)
{
    AppConfig cfg = {.theme_auto = true};
    App *a = open_app(&cfg);
    if (!a)
        return;
    feed(a, dark_bg);
    CHECK_STR_EQ(app_theme_name(a), "dark");
    app_free(a);
}

static void test_set_theme_wins(void)
{
    AppConfig cfg = {.theme_name = "solarized-dark"};
    App *a = open_app(&cfg);
    if (!a)
        return;
    CHECK_STR_EQ(app_theme_name(a), "solarized-dark");
    feed(a, light_bg);
    CHECK_STR_EQ(app_theme_name(a), "solarized-dark");
    app_free(a);
    AppConfig none = {0}; /* nothing chosen at all (tests, embedders): the terminal theme */
    a = open_app(&none);
    if (!a)
        return;
    CHECK_STR_EQ(app_theme_name(a), "default");
    feed(a, light_bg);
    CHECK_STR_EQ(app_theme_name(a), "default");
    app_free(a);
}

static void test_theme_list(void)
{
    AppConfig cfg = {.theme_auto = true};
    App *a = open_app(&cfg);
    if (!a)
        return;
    feed(a, "\033t"); /* Alt-T */
    CHECK_INT_EQ(app_mode(a), MODE_THEME_LIST);
    app_tick(a);
    feed(a, "\033[B\033[B\r"); /* Down Down Enter: dark -> light -> solarized-dark */
    CHECK_INT_EQ(app_mode(a), MODE_EDIT);
    CHECK_STR_EQ(app_theme_name(a), "solarized-dark");
    CHECK(strstr(app_message(a), "for this session") != NULL);
    feed(a, light_bg); /* the user's choice is kept */
    CHECK_STR_EQ(app_theme_name(a), "solarized-dark");
    feed(a, "\033t");
    CHECK_INT_EQ(app_mode(a), MODE_THEME_LIST);
    feed(a, "\033[A"); /* Up: light, previewed */
    CHECK_STR_EQ(app_theme_name(a), "light");
    feed(a, "\033[27u"); /* Esc (kitty form: no timer): closed, the theme from before back */
    CHECK_INT_EQ(app_mode(a), MODE_EDIT);
    CHECK_STR_EQ(app_theme_name(a), "solarized-dark");
    app_free(a);
}

static bool has_vertical_divider(const Grid *g)
{
    return strstr(row_text(g, 1), "\xe2\x94\x82") != NULL; /* │ */
}

static bool has_divider_row(const Grid *g)
{
    for (int y = 0; y < g->rows; y++)
        if (strncmp(row_text(g, y), "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80", 9) == 0)
            return true;
    return false;
}

static void test_layout_keys(void)
{
    AppConfig cfg = {.theme_auto = true};
    App *a = open_app(&cfg);
    if (!a)
        return;
    app_tick(a);
    const Grid *g = app_grid(a);
    if (g->cols != 80) { /* the headless App's screen: the checks below are for 80 columns */
        fprintf(stderr, "  headless grid is %dx%d\n", g->cols, g->rows);
        CHECK(0);
        app_free(a);
        return;
    }
    CHECK(has_divider_row(app_grid(a)) && !has_vertical_divider(app_grid(a)));
    feed(a, "\033l"); /* Alt-L: side by side */
    app_tick(a);
    CHECK(has_vertical_divider(app_grid(a)));
    feed(a, "\033f"); /* Alt-F: zoom */
    app_tick(a);
    CHECK(!has_vertical_divider(app_grid(a)) && !has_divider_row(app_grid(a)));
    feed(a, "\033f");
    app_tick(a);
    CHECK(has_vertical_divider(app_grid(a)));
    feed(a, "\033=");
    app_tick(a);
    CHECK(has_divider_row(app_grid(a)) && !has_vertical_divider(app_grid(a)));
    app_free(a);
}

int main(void)
{
    RUN(test_auto_light);
    RUN(test_auto_dark_stays);
    RUN(test_set_theme_wins);
    RUN(test_theme_list);
    RUN(test_layout_keys);
    return harness_done();
}
