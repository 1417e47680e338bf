/* The question in $EDITOR (see prompt_editor.h): write the temp file, suspend the screen,
 * fork + exec /bin/sh -c 'EDITOR "$1"' with every signal unblocked in the child (the app
 * blocks them for its signalfd), wait, resume, read back (at most PROMPT_EDITOR_MAX bytes),
 * unlink. */
#include "app/prompt_editor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/screen.h"
#include "app/state.h"
#include "core/log.h"
#include "core/strbuf.h"

#define PROMPT_EDITOR_MAX (1u << 20)

const char *prompt_editor_command(void)
{
    const char *e = getenv("VISUAL");
    if (!e || !*e)
        e = getenv("EDITOR");
    return e && *e ? e : "vi";
}

static bool write_all_fd(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* Runs the editor on path; its exit status, or -1 (errno) when it could not be run. */
static int run_editor(const char *editor, const char *path)
{
    StrBuf cmd = {0};
    sb_printf(&cmd, "%s \"$1\"", editor);
    pid_t pid = fork();
    if (pid < 0) {
        sb_free(&cmd);
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl("/bin/sh", "sh", "-c", sb_cstr(&cmd), "flint-editor", path, (char *)NULL);
        _exit(127);
    }
    sb_free(&cmd);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static bool read_back(const char *path, StrBuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && out->len < PROMPT_EDITOR_MAX)
        sb_append(out, buf, n);
    fclose(f);
    while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
        out->data[--out->len] = '\0';
    if (out->len > PROMPT_EDITOR_MAX) {
        out->len = PROMPT_EDITOR_MAX;
        out->data[out->len] = '\0';
    }
    return true;
}

bool app_prompt_edit_external(App *a)
{
    const char *dir = getenv("TMPDIR");
    StrBuf path = {0};
    sb_printf(&path, "%s/flint-question-XXXXXX.md", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path.data, 3); /* 0600, created new: nobody else reads the question */
    if (fd < 0) {
        app_say(a, true, "Cannot make a temporary file for the editor (%s).", strerror(errno));
        sb_free(&path);
        return false;
    }
    const char *text = ui_prompt_text(a->ui);
    bool ok = write_all_fd(fd, text, strlen(text)) && (!*text || write_all_fd(fd, "\n", 1));
    close(fd);
    if (!ok) {
        app_say(a, true, "Cannot write the question for the editor (%s).", strerror(errno));
        unlink(path.data);
        sb_free(&path);
        return false;
    }
    const char *editor = prompt_editor_command();
    log_msg("app: the question in the editor");
    term_suspend(a->term);
    int st = run_editor(editor, path.data);
    term_resume(a->term);
    StrBuf back = {0};
    bool replaced = false;
    if (st != 0) {
        if (st < 0)
            app_say(a, true, "Cannot run the editor (%s); the question is unchanged.",
                    strerror(errno));
        else
            app_say(a, true, "The editor (%s) exited with status %d; the question is unchanged.",
                    editor, st);
    } else if (!read_back(path.data, &back)) {
        app_say(a, true, "Cannot read the edited question back (%s).", strerror(errno));
    } else {
        ui_prompt_set_text(a->ui, sb_cstr(&back), back.len);
        replaced = true;
    }
    unlink(path.data);
    sb_free(&back);
    sb_free(&path);
    app_damage(a);
    return replaced;
}
