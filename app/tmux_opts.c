/* Tmux options: one `tmux show` child, read through a pipe with a deadline; the parse of its
 * "name value" lines (see tmux_opts.h). The child's stdin and stderr are /dev/null, so an old
 * tmux's "invalid option" never reaches the screen and it never reads the user's keys. */
#include "app/tmux_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strbuf.h"

extern char **environ;

bool tmux_inside(void)
{
    const char *t = getenv("TMUX");
    return t && *t;
}

/* Copies a value, without the quotes tmux puts around some ("tmux-256color" is bare,
 * "#{...}" formats are quoted). */
static void copy_value(const char *v, size_t n, char *out, size_t size)
{
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v++;
        n -= 2;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

void tmux_options_parse(const char *text, size_t n, TmuxOptions *out)
{
    memset(out, 0, sizeof *out);
    out->escape_time_ms = -1;
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && text[end] != '\n')
            end++;
        const char *line = text + i;
        size_t len = end - i;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        i = end + 1;
        const char *sp = memchr(line, ' ', len);
        if (!sp)
            continue;
        size_t nl = (size_t)(sp - line);
        const char *v = sp + 1;
        size_t vn = len - nl - 1;
#define IS(name) (nl == sizeof name - 1 && memcmp(line, name, nl) == 0)
        if (IS("escape-time")) {
            char num[16];
            copy_value(v, vn, num, sizeof num);
            char *e;
            long ms = strtol(num, &e, 10);
            if (e != num && *e == '\0' && ms >= 0 && ms < 1000000) {
                out->escape_time_ms = (int)ms;
                out->known = true;
            }
        } else if (IS("extended-keys")) {
            copy_value(v, vn, out->extended_keys, sizeof out->extended_keys);
            out->known = true;
        } else if (IS("set-clipboard")) {
            copy_value(v, vn, out->set_clipboard, sizeof out->set_clipboard);
            out->known = true;
        } else if (IS("allow-passthrough")) {
            copy_value(v, vn, out->allow_passthrough, sizeof out->allow_passthrough);
            out->known = true;
        } else if (IS("default-terminal")) {
            copy_value(v, vn, out->default_terminal, sizeof out->default_terminal);
            out->known = true;
        }
#undef IS
    }
}

bool tmux_options_read(TmuxOptions *out)
{
    tmux_options_parse("", 0, out);
    int p[2];
    if (pipe(p) != 0)
        return false;
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC); /* the child gets it as its stdout (dup2 clears it) */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* Server, session and window options in one client: escape-time and extended-keys are
     * server options, default-terminal a session one, allow-passthrough a window one. */
    char *const argv[] = {(char *)"tmux", (char *)"show", (char *)"-s", (char *)";",
                          (char *)"show", (char *)"-g", (char *)";", (char *)"show",
                          (char *)"-gw", NULL};
    /* The child must not inherit our blocked signals (loop_block_signals). */
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawnp(&pid, "tmux", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return false;
    }
    StrBuf sb = {0};
    uint64_t deadline = clock_now_ns() + (uint64_t)TMUX_ASK_TIMEOUT_MS * NS_PER_MS;
    bool done = false;
    while (!done && sb.len < (1u << 20)) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            break;
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        int left = (int)((deadline - now) / NS_PER_MS) + 1;
        int r = poll(&pfd, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        char buf[4096];
        ssize_t k = read(p[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            done = true;
        else
            sb_append(&sb, buf, (size_t)k);
    }
    close(p[0]);
    if (!done)
        kill(pid, SIGKILL); /* a tmux that did not answer in time */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    tmux_options_parse(sb.data ? sb.data : "", sb.len, out);
    sb_free(&sb);
    return out->known;
}

bool tmux_esc_notice(const TmuxOptions *o, bool kitty_keys, char *out, size_t size)
{
    if (!o->known || kitty_keys || o->escape_time_ms <= TMUX_ESCAPE_TIME_NOTICE_MS)
        return false;
    /* Short enough to show whole beside the status line's file name and link state at 80
     * columns (the delay first all the same): the fix as a command that works at once in any
     * shell inside tmux; flint --doctor says to keep it in ~/.tmux.conf. */
    snprintf(out, size, "Esc lags %d ms: tmux set -sg escape-time 10, or Ctrl-G",
             o->escape_time_ms);
    return true;
}
