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
#include "support/app_rig.h"
#include "support/buffer_support.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

/* Asks q and has the server answer with text (a response.completed with no usage). */
static void ask_and_answer(AppRig *r, const char *q, const char *text)
{
    app_rig_keys(r, "\x0b");
    app_rig_keys(r, q);
    app_rig_keys(r, "\r");
    app_rig_server_created(r, "resp_1");
    app_rig_server_delta(r, text);
    app_rig_server_says(r, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                        "\"status\":\"completed\",\"output\":[]}}");
    app_tick(r->app);
}

static const char answer[] = "Two blocks:\n\n```c\nint one;\n```\n\nand\n\n```c\nint two;\n"
                             "int three;\n```\nThat is all.\n";

/* ---- the tests ---------------------------------------------------------------------------- */

static void test_focus_and_keys(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    app_rig_keys(&r, "\x1b" "a"); /* Alt-a */
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    CHECK(app_rig_screen_has(&r, "\xe2\x96\xb6gpt-test"));
    /* A typed character: a hint, not an edit. */
    app_rig_keys(&r, "x");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    CHECK(strstr(app_message(r.app), "In the answer pane") != NULL);
    CHECK_TEXT(app_rig_buffer(&r), "");
    /* y copies the answer under the caret; Ctrl-V (not the pane's) pastes it in the editor. */
    app_rig_keys(&r, "y");
    CHECK(strstr(app_message(r.app), "Copied the answer") != NULL);
    app_rig_keys(&r, "\x16");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    StrBuf want = {0};
    sb_puts(&want, answer);
    sb_putc(&want, '\n'); /* the buffer's empty last line after the pasted final newline */
    CHECK_TEXT(app_rig_buffer(&r), want.data);
    sb_free(&want);
    CHECK(!app_rig_screen_has(&r, "\xe2\x96\xb6gpt-test"));
    /* F6 focuses too; the focus key again gives the keys back. */
    app_rig_keys(&r, "\x1b[17~");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    app_rig_keys(&r, "\x1b[17~");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_free(r.app);
}

static void test_search_copy_block(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    app_rig_keys(&r, "\x1b" "a");
    app_rig_keys(&r, "\x06"); /* Ctrl-F */
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER_SEARCH);
    app_rig_keys(&r, "three");
    CHECK(app_rig_screen_has(&r, "Search answer 1/1: three"));
    app_rig_keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_ANSWER);
    app_rig_keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 20 bytes.");
    /* Up to the prose between the blocks: not on a block. */
    app_rig_keys(&r, "\x1b[A\x1b[A\x1b[A\x1b[A");
    app_rig_keys(&r, "c");
    CHECK(strstr(app_message(r.app), "not on a code block (this answer has 2)") != NULL);
    app_rig_keys(&r, "\x1b[A\x1b[A"); /* the first block's body */
    app_rig_keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    /* Tab / Shift-Tab: from the top to the first block, the second, back to the first. */
    app_rig_keys(&r, "\x1b[H"); /* Home */
    app_rig_keys(&r, "\t");
    app_rig_keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    app_rig_keys(&r, "\t");
    app_rig_keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 20 bytes.");
    app_rig_keys(&r, "\t");
    CHECK_STR_EQ(app_message(r.app), "No code block below.");
    app_rig_keys(&r, "\x1b[Z"); /* Shift-Tab */
    app_rig_keys(&r, "c");
    CHECK_STR_EQ(app_message(r.app), "Copied the code block: 9 bytes.");
    app_rig_keys(&r, "\x1b");
    app_tick(r.app); /* the lone Esc's window */
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    app_rig_keys(&r, "\x16");
    CHECK_TEXT(app_rig_buffer(&r), "int one;\n\n");
    app_free(r.app);
}

static void test_insert_over_selection(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    ask_and_answer(&r, "two blocks please", answer);
    app_rig_keys(&r, "int a;\x0aREPLACE ME\x0aint b;\x0a"); /* Ctrl-J breaks lines */
    app_rig_keys(&r, "\x1b[1;5H");               /* Ctrl-Home */
    app_rig_keys(&r, "\x1b[B\x1b[1;2B");         /* Down, Shift-Down: line 2 */
    app_rig_keys(&r, "\x1b" "i");                /* Alt-i: the last answer's last block */
    CHECK_TEXT(app_rig_buffer(&r), "int a;\nint two;\nint three;\nint b;\n\n");
    CHECK(strstr(app_message(r.app), "Inserted the code block (20 bytes") != NULL);
    app_rig_keys(&r, "\x1a"); /* one undo step takes it all back */
    CHECK_TEXT(app_rig_buffer(&r), "int a;\nREPLACE ME\nint b;\n\n");
    app_free(r.app);
}

static void test_export(void)
{
    AppRig r;
    if (!app_rig_open(&r))
        return;
    CHECK(tmpdir_create("/tmp/flint-answer-ui-XXXXXX"));
    app_rig_keys(&r, "\x1b" "e");
    CHECK(strstr(app_message(r.app), "Nothing to export") != NULL);
    ask_and_answer(&r, "two blocks please", answer);
    app_rig_keys(&r, "\x1b" "e");
    CHECK_INT_EQ(app_mode(r.app), MODE_EXPORT);
    CHECK(app_rig_screen_has(&r, "Export to: flint-conversation-"));
    for (int i = 0; i < 40; i++)
        app_rig_keys(&r, "\x7f");
    char path[128];
    snprintf(path, sizeof path, "%s/c.md", tmpdir);
    app_rig_keys(&r, path);
    app_rig_keys(&r, "\r");
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
    app_rig_keys(&r, "\x1b" "a");
    app_rig_keys(&r, "e");
    CHECK_INT_EQ(app_mode(r.app), MODE_EXPORT);
    app_rig_keys(&r, "\x1b");
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
