/* app/context_app through the headless App (real key tables, a fake transport): Tab
 * completion of an @path in the ask prompt (app_complete_at_path: common prefix, several
 * matches listed, a directory gets its '/', no @word: nothing), F9 in the ask prompt shows the
 * request for the question typed so far and F9 again goes back, Alt-P pins the file (once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "app/context_app.h"
#include "app/screen.h"
#include "support/app_rig.h"
#include "support/harness.h"
#include "support/transport_fake.h"
#include "support/views_support.h"

static bool screen_has(AppRig *r, const char *s)
{
    app_draw(r->app); /* as the key that calls app_complete_at_path would */
    return app_rig_screen_shows(r, s);
}

static char dir[64];

static void touch(const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs("int alpha;\n", f);
    fclose(f);
}

static void test_complete_and_view(void)
{
    snprintf(dir, sizeof dir, "/tmp/flint-test-ctxapp-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    touch("alpha.c");
    touch("alps.h");
    char sub[128];
    snprintf(sub, sizeof sub, "%s/beta", dir);
    mkdir(sub, 0700);
    char old[512];
    CHECK(getcwd(old, sizeof old) != NULL);
    CHECK(chdir(dir) == 0);

    AppRig r;
    if (!app_rig_open(&r))
        return;

    CHECK(!app_complete_at_path(r.app)); /* not in the ask prompt */
    app_rig_keys(&r, "\x0b"); /* Ctrl-K */
    app_rig_keys(&r, "look at alp");
    CHECK(!app_complete_at_path(r.app)); /* no @word before the caret */
    app_rig_keys(&r, " and @al");
    CHECK(app_complete_at_path(r.app));
    CHECK(screen_has(&r, "Ask: look at alp and @alp"));
    CHECK(screen_has(&r, "2 matches"));
    CHECK(screen_has(&r, "alpha.c"));
    app_rig_keys(&r, "h");
    CHECK(app_complete_at_path(r.app));
    CHECK(screen_has(&r, "and @alpha.c"));
    app_rig_keys(&r, " @be");
    CHECK(app_complete_at_path(r.app));
    CHECK(screen_has(&r, "and @alpha.c @beta/"));

    /* F9 in the prompt: the request for the question typed so far, in a buffer. */
    app_rig_keys(&r, "\x1b[20~");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK(screen_has(&r, "# What asking now would send"));
    const Text *t = buffer_text(session_buffer(app_session(r.app)));
    StrBuf all = {0};
    text_serialize(t, &all);
    CHECK(strstr(all.data, "look at alp and @alpha.c @beta/\\n\\n---\\n") != NULL); /* JSON */
    CHECK(strstr(all.data, "Attached file: alpha.c (") != NULL);
    CHECK(strstr(all.data, "[a directory, not sent]") != NULL);
    CHECK_INT_EQ(r.fake->nsent, 0); /* nothing was sent */
    sb_free(&all);
    app_rig_keys(&r, "\x1b[20~");
    CHECK(screen_has(&r, "Back from the request view"));
    CHECK(session_buffer_current(app_session(r.app)) == 0);

    /* Alt-P: the Open prompt, empty for an unnamed buffer; a file typed (Tab completes) is
     * pinned; a missing one is not; Ctrl-O afterwards opens again. */
    app_rig_keys(&r, "\x1b" "p");
    CHECK_INT_EQ(app_mode(r.app), MODE_OPEN);
    CHECK(screen_has(&r, "Add to the context (Tab completes): "));
    app_rig_keys(&r, "alph\t"); /* Tab: the prompt's complete command */
    CHECK(screen_has(&r, "Add to the context (Tab completes): alpha.c"));
    app_rig_keys(&r, "\r");
    CHECK_INT_EQ(app_mode(r.app), MODE_EDIT);
    CHECK(strstr(app_message(r.app), "Pinned alpha.c") != NULL);
    const char *const *pins;
    CHECK_INT_EQ(session_context_files(app_session(r.app), &pins), 1);
    app_rig_keys(&r, "\x1b" "p" "nothere.c\r");
    CHECK(strstr(app_message(r.app), "Not added: nothere.c: no such file") != NULL);
    app_rig_keys(&r, "\x1b" "p" "alpha.c\r");
    CHECK(strstr(app_message(r.app), "in the context already") != NULL);
    app_rig_keys(&r, "\x0f"); /* Ctrl-O */
    CHECK(screen_has(&r, "Open (Tab completes"));
    app_rig_keys(&r, "alps.h\r");
    CHECK(strstr(buffer_name(session_buffer(app_session(r.app))), "alps.h") != NULL);

    app_free(r.app);
    CHECK(chdir(old) == 0);
    char p[160];
    snprintf(p, sizeof p, "%s/alpha.c", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/alps.h", dir);
    unlink(p);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    RUN(test_complete_and_view);
    return harness_done();
}
