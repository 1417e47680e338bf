/* Using the answer through the headless App (app/answer_ui.c), as test_app.c drives it: real
 * key bytes through the decoder and the key tables. Alt-A focuses the pane (marked title), a
 * typed character there only says what the keys are, a key the pane does not bind goes back
 * to the editor and acts there; Ctrl-F in the pane finds text and Enter keeps the caret on
 * it; c copies the block under the caret and Ctrl-V pastes it; Tab / Shift-Tab move the caret
 * between blocks; Alt-I from the editor replaces
 * the selection with the last block as one undo step; Alt-E exports to a file through the
 * prefilled prompt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "session/transcript.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

/* ---- the rig (as in test_app.c): an App over a fake transport -------------------------- */

typedef struct Rig {
    AppConfig cfg;
    App *app;
    TransportFake *fake;
} Rig;

static Transport *make_fake(void *ud, struct lws_context *ctx, const TransportHooks *hooks,
                            void *hooks_ud, ErrorBuf *err)
{
    (void)ctx, (void)err;
    TransportFake **out = ud;
    *out = transport_fake_new(hooks, hooks_ud, "fake:443");
    return &(*out)->base;
}

static bool rig_open(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->cfg.model = "gpt-test";
    ErrorBuf err = {{0}};
    r->app = app_new_headless(&r->cfg, make_fake, &r->fake, &err);
    CHECK(r->app != NULL);
    if (!r->app)
        return false;
    transport_fake_set_state(r->fake, TRANSPORT_UP, "");
    return true;
}

static void keys(Rig *r, const char *bytes) { app_feed(r->app, bytes, strlen(bytes)); }
static Buffer *buf(Rig *r) { return session_buffer(app_session(r->app)); }

static void server_says(Rig *r, const char *json)
{
    CHECK(transport_fake_receive(r->fake, json, strlen(json)));
}

/* Asks q and has the server answer with text. */
static void ask_and_answer(Rig *r, const char *q, const char *text)
{
    keys(r, "\x0b");
    keys(r, q);
    keys(r, "\r");
    server_says(r, "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\","
                   "\"status\":\"in_progress\",\"output\":[]}}");
    StrBuf m = {0};
    sb_puts(&m, "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                "\"output_index\":0,\"content_index\":0,\"delta\":");
    wire_json_string(&m, text, strlen(text));
    sb_puts(&m, "}");
    server_says(r, m.data);
    sb_free(&m);
    server_says(r, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                   "\"status\":\"completed\",\"output\":[]}}");
    app_tick(r->app);
}

static bool screen_has(Rig *r, const char *s)
{
    const Grid *g = app_grid(r->app);
    for (int y = 0; y < g->rows; y++)
        if (strstr(row_text(g, y), s))
            return true;
    return false;
}

static const char answer[] = "Two blocks:\n\n```c\nint one;\n```\n\nand\n\n```c\nint two;\n"
                             "int three;\n```\nThat is all.\n";

/* ---- the tests ---------------------------------------------------------------------------- */

static void test_focus_and_keys(void)
{
    Rig r;
    if (!rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    keys(&r, "\x1b" "a"); /* Alt-a */
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    CHECK(screen_has(&r, "\xe2\x96\xb6gpt-test"));
    /* A typed character: a hint, not an edit. */
    keys(&r, "x");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    CHECK(strstr(app_message(r.app), "In the answer pane") != NULL);
    CHECK_TEXT(buf(&r), "");
    /* y copies the answer under the caret; Ctrl-V (not the pane's) pastes it in the editor. */
    keys(&r, "y");
    CHECK(strstr(app_message(r.app), "Copied the answer") != NULL);
    keys(&r, "\x16");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    StrBuf want = {0};
    sb_puts(&want, answer);
    sb_putc(&want, '\n'); /* the buffer's empty last line after the pasted final newline */
    CHECK_TEXT(buf(&r), want.data);
    sb_free(&want);
    CHECK(!screen_has(&r, "\xe2\x96\xb6gpt-test"));
    /* F6 focuses too; the focus key again gives the keys back. */
    keys(&r, "\x1b[17~");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    keys(&r, "\x1b[17~");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_free(r.app);
}

static void test_search_copy_block(void)
{
    Rig r;
    if (!rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    keys(&r, "\x1b" "a");
    keys(&r, "\x06"); /* Ctrl-F */
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER_SEARCH);
    keys(&r, "three");
    CHECK(screen_has(&r, "Search answer 1/1: three"));
    keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 20 bytes.");
    /* Up to the prose between the blocks: not on a block. */
    keys(&r, "\x1b[A\x1b[A\x1b[A\x1b[A");
    keys(&r, "c");
    CHECK(strstr(app_message(r.app), "not on a code block (this answer has 2)") != NULL);
    keys(&r, "\x1b[A\x1b[A"); /* the first block's body */
    keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    /* Tab / Shift-Tab: from the top to the first block, the second, back to the first. */
    keys(&r, "\x1b[H"); /* Home */
    keys(&r, "\t");
    keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    keys(&r, "\t");
    keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 20 bytes.");
    keys(&r, "\t");
    CHECK_STR_EQ(app_message(r.app), "No code block below.");
    keys(&r, "\x1b[Z"); /* Shift-Tab */
    keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    keys(&r, "\x1b");
    app_tick(r.app); /* the lone Esc's window */
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    keys(&r, "\x16");
    CHECK_TEXT(buf(&r), "int one;\n\n");
    app_free(r.app);
}

static void test_insert_over_selection(void)
{
    Rig r;
    if (!rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    keys(&r, "int a;\x0aREPLACE ME\x0aint b;\x0a"); /* Ctrl-J breaks lines */
    keys(&r, "\x1b[1;5H");                          /* Ctrl-Home */
    keys(&r, "\x1b[B\x1b[1;2B");                    /* Down, Shift-Down: line 2 */
    keys(&r, "\x1b" "i");                           /* Alt-i: the last answer's last block */
    CHECK_TEXT(buf(&r), "int a;\nint two;\nint three;\nint b;\n\n");
    CHECK(strstr(app_message(r.app), "Inserted the code block (20 bytes") != NULL);
    keys(&r, "\x1a"); /* one undo step takes it all back */
    CHECK_TEXT(buf(&r), "int a;\nREPLACE ME\nint b;\n\n");
    app_free(r.app);
}

static void test_export(void)
{
    Rig r;
    if (!rig_open(&r))
        return;
    CHECK(tmpdir_create("/tmp/flint-answer-ui-XXXXXX"));
    keys(&r, "\x1b" "e");
    CHECK(strstr(app_message(r.app), "Nothing to export") != NULL);
    ask_and_answer(&r, "two blocks please", answer);
    keys(&r, "\x1b" "e");
    CHECK_INT_EQ(app_mode(r.app), MODE_EXPORT);
    CHECK(screen_has(&r, "Export to: flint-conversation-"));
    for (int i = 0; i < 40; i++)
        keys(&r, "\x7f");
    char path[128];
    snprintf(path, sizeof path, "%s/c.md", tmpdir);
    keys(&r, path);
    keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK(strstr(app_message(r.app), "Exported the conversation") != NULL);
    FILE *f = fopen(path, "r");
    char text[1024] = "";
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    CHECK(strstr(text, "## 1. two blocks please\n\n> two blocks please\n\n") != NULL);
    CHECK(strstr(text, answer) != NULL);
    /* Esc in the export prompt: nothing written, back where it was opened (the pane). */
    keys(&r, "\x1b" "a");
    keys(&r, "e");
    CHECK_INT_EQ(app_mode(r.app), MODE_EXPORT);
    keys(&r, "\x1b");
    app_tick(r.app);
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    app_free(r.app);
    tmpdir_remove();
}

int main(void)
{
    RUN(test_focus_and_keys);
    RUN(test_search_copy_block);
    RUN(test_insert_over_selection);
    RUN(test_export);
    return harness_done();
}
