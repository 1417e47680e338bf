/* The search flows of app/search_ui.c, driven like app_key drives them (the key table, the
 * default action, then search_ui_after_key) on an App without a terminal or a loop:
 *  - incremental search moves the caret as the pattern grows, and Esc puts it back;
 *  - an invalid regex leaves nothing highlighted, and the count says 0 matches;
 *  - slices: a find over 200k lines, a slice per frame as app_draw runs them, ends found;
 *  - replace: y, n, then a (the rest as one undo step) stop where the walk began;
 *  - go to line: 3:2 and a bad entry that keeps the prompt open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/keymap.h"
#include "app/search_ui.h"
#include "app/state.h"
#include "core/xalloc.h"
#include "harness.h"
#include "ui/key_name.h"

static bool fake_send(void *ud, const char *json, size_t len) { return true; }
static const SessionHooks hooks = {.send = fake_send};

static App *app_new(const char *text)
{
    App *a = xcalloc(1, sizeof *a);
    SessionConfig cfg = {.model = "m"};
    a->session = session_new(&cfg, &hooks, NULL);
    a->ui = ui_new(NULL, 100, 30);
    a->keymap = keymap_new();
    a->search_ui = search_ui_new(a->ui);
    a->mode = MODE_EDIT;
    Buffer *b = session_buffer(a->session);
    buffer_insert(b, text, strlen(text));
    buffer_set_cursor(b, (TextPos){0, 0});
    return a;
}

static void app_done(App *a)
{
    search_ui_free(a->search_ui);
    ui_free(a->ui);
    keymap_free(a->keymap);
    session_free(a->session);
    free(a);
}

/* app_key's path, then frames until the search is done (counting the frames). */
static int key(App *a, const char *name)
{
    KeyEvent k;
    BUG_ON(!keys_parse(name, &k));
    const Command *c = keymap_lookup(a->keymap, mode_key_table(a->mode), &k);
    if (c && command_works_in(c, a->mode))
        c->run(a, &k);
    else
        commands_default(a, &k);
    search_ui_after_key(a);
    int frames = 0;
    while (search_ui_step(a))
        frames++;
    return frames;
}

static void type(App *a, const char *s)
{
    for (; *s; s++) {
        char name[2] = {*s, 0};
        key(a, name);
    }
}

static TextPos caret(App *a) { return buffer_cursor(session_buffer(a->session)); }

static void line_is(App *a, size_t ln, const char *want)
{
    size_t len;
    const char *s = text_line(buffer_text(session_buffer(a->session)), ln, &len);
    if (len != strlen(want) || memcmp(s, want, len) != 0)
        fprintf(stderr, "line %zu: '%.*s', want '%s'\n", ln, (int)len, s, want);
    CHECK(len == strlen(want) && memcmp(s, want, len) == 0);
}

static void test_incremental(void)
{
    App *a = app_new("one two\nthree two\nTwo\n");
    buffer_set_cursor(session_buffer(a->session), (TextPos){1, 0});
    key(a, "Ctrl-F");
    CHECK(a->mode == MODE_SEARCH);
    type(a, "tw");
    CHECK(caret(a).line == 1 && caret(a).col == 6);
    type(a, "o");
    CHECK(caret(a).line == 1 && caret(a).col == 6);
    key(a, "Alt-c"); /* case: "two" no longer matches "Two" */
    key(a, "F3");
    CHECK(caret(a).line == 0 && caret(a).col == 4); /* wrapped past line 2's "Two" */
    key(a, "Esc");
    CHECK(a->mode == MODE_EDIT);
    CHECK(caret(a).line == 1 && caret(a).col == 0);
    SearchResult r;
    CHECK(!search_ui_current(a->search_ui, &r));
    /* Enter keeps the caret on the match; F3 in the editor goes on with the same pattern. */
    key(a, "Ctrl-F");
    key(a, "Alt-c"); /* back to ignoring case */
    type(a, "two");
    key(a, "Enter");
    CHECK(a->mode == MODE_EDIT && caret(a).line == 1 && caret(a).col == 6);
    CHECK(strstr(a->message, "Match 2/3") != NULL);
    key(a, "F3");
    CHECK(caret(a).line == 2 && caret(a).col == 0);
    key(a, "F3");
    CHECK(caret(a).line == 0 && strstr(a->message, "Wrapped to the top") != NULL);
    key(a, "Shift-F3");
    CHECK(caret(a).line == 2 && strstr(a->message, "Wrapped to the bottom") != NULL);
    /* An edit ends the highlight. */
    type(a, "x");
    CHECK(!search_ui_current(a->search_ui, &r));
    app_done(a);
}

static void test_invalid_regex(void)
{
    App *a = app_new("a(b\n");
    key(a, "Ctrl-F");
    key(a, "Alt-r");
    type(a, "a(b");
    CHECK(caret(a).line == 0 && caret(a).col == 0);
    CHECK(!search_has_pattern(search_ui_search(a->search_ui)));
    key(a, "Enter");
    CHECK(a->message_error && strstr(a->message, "missing closing parenthesis at offset 3"));
    app_done(a);
}

static void test_slices(void)
{
    StrBuf big = {0};
    for (int i = 0; i < 200000; i++)
        sb_puts(&big, "nothing to see on this line at all\n");
    sb_puts(&big, "needle\n");
    App *a = app_new(sb_cstr(&big));
    sb_free(&big);
    key(a, "Ctrl-F");
    type(a, "needl");
    key(a, "e"); /* ~7 MB, found by running a slice per frame until done (how many: not
                  * asserted, it depends on the machine) */
    CHECK(caret(a).line == 200000);
    key(a, "Enter");
    CHECK(!search_ui_busy(a)); /* nothing left armed once found and counted */
    app_done(a);
}

static void test_replace(void)
{
    App *a = app_new("x1 x2\nx3\nx4\n");
    buffer_set_cursor(session_buffer(a->session), (TextPos){1, 0});
    key(a, "Ctrl-\\");
    CHECK(a->mode == MODE_REPLACE_FIND);
    key(a, "Alt-r");
    type(a, "x(\\d)");
    key(a, "Enter");
    CHECK(a->mode == MODE_REPLACE_WITH);
    type(a, "y$1y");
    key(a, "Enter");
    CHECK(a->mode == MODE_REPLACE_CONFIRM);
    CHECK(caret(a).line == 1);
    key(a, "q"); /* ignored */
    CHECK(a->mode == MODE_REPLACE_CONFIRM);
    key(a, "y"); /* x3 */
    line_is(a, 1, "y3y");
    key(a, "n"); /* x4 kept */
    CHECK(caret(a).line == 0 && caret(a).col == 0); /* wrapped to x1 */
    key(a, "a"); /* x1, x2, then stops before the origin (x3 is done) */
    CHECK(a->mode == MODE_EDIT);
    line_is(a, 0, "y1y y2y");
    line_is(a, 1, "y3y");
    line_is(a, 2, "x4");
    CHECK(strstr(a->message, "Replaced 3 occurrences") != NULL);
    key(a, "Ctrl-Z"); /* `a`'s two replacements are one step */
    line_is(a, 0, "x1 x2");
    line_is(a, 1, "y3y");
    app_done(a);
}

static void test_goto(void)
{
    App *a = app_new("a\n\tbc\nd\n");
    key(a, "Alt-g");
    CHECK(a->mode == MODE_GOTO);
    type(a, "zz");
    key(a, "Enter");
    CHECK(a->mode == MODE_GOTO); /* the prompt stays, saying why */
    key(a, "Backspace");
    key(a, "Backspace");
    type(a, "2:2");
    key(a, "Enter");
    CHECK(a->mode == MODE_EDIT && caret(a).line == 1 && caret(a).col == 0); /* inside the tab */
    key(a, "Alt-G");
    type(a, "+1");
    key(a, "Enter");
    CHECK(caret(a).line == 2);
    app_done(a);
}

int main(void)
{
    RUN(test_incremental);
    RUN(test_invalid_regex);
    RUN(test_slices);
    RUN(test_replace);
    RUN(test_goto);
    return harness_done();
}
