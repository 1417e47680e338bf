/* Demo: fork + exec of flint-backend, reading "listening 127.0.0.1:PORT" from its stdout. */
#define _GNU_SOURCE /* pipe2 */
#include "app/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

static bool demo_find(char *out, size_t size)
{
    const char *env = getenv("FLINT_BACKEND");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return access(out, X_OK) == 0;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return false;
    *slash = '\0';
    static const char *const rel[] = {"flint-backend", "tests/backend/flint-backend",
                                      "../libexec/flint/flint-backend"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(out, size, "%s/%s", self, rel[i]);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}

bool demo_start(Demo *d, unsigned rate, bool chat, ErrorBuf *err)
{
    *d = (Demo){.pid = -1, .stdin_fd = -1};
    char path[PATH_MAX + 64];
    if (!demo_find(path, sizeof path))
        return error_set(err, "demo backend 'flint-backend' not found next to flint "
                              "(set FLINT_BACKEND to its path)");
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return error_errno(err, "pipe");
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]), close(in[1]);
        return error_errno(err, "pipe");
    }
    char rate_s[32];
    snprintf(rate_s, sizeof rate_s, "%u", rate);
    const char *log = getenv("FLINT_BACKEND_LOG");
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        return error_errno(err, "fork");
    }
    if (pid == 0) {
        /* Child: stdin from flint's pipe, stdout to flint, stderr nowhere (never the tty). */
        int devnull = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (devnull >= 0)
            dup2(devnull, 2);
        setsid(); /* no controlling terminal: keys meant for flint never signal it */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        const char *argv[] = {path, "--port", "0", "--rate", rate_s, "--exit-on-eof",
                              "--log", log && *log ? log : "/dev/null",
                              chat ? "--api" : NULL, "chat", NULL};
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    d->pid = pid;
    d->stdin_fd = in[1];

    /* Read the first line, with a deadline: the backend starts in a few milliseconds. */
    char line[128];
    size_t len = 0;
    uint64_t deadline = clock_now_ns() + 5 * NS_PER_SEC;
    while (len < sizeof line - 1) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            break;
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        int r = poll(&p, 1, (int)((deadline - now) / NS_PER_MS) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t n = read(out[0], line + len, 1);
        if (n <= 0)
            break;
        if (line[len] == '\n')
            break;
        len += (size_t)n;
    }
    line[len] = '\0';
    close(out[0]);
    int port = 0;
    if (sscanf(line, "listening 127.0.0.1:%d", &port) != 1 || port <= 0 || port > 65535) {
        demo_stop(d);
        return error_set(err, "demo backend did not start (%s)", len ? line : "no output");
    }
    d->port = port;
    return true;
}

void demo_stop(Demo *d)
{
    if (d->stdin_fd >= 0)
        close(d->stdin_fd);
    d->stdin_fd = -1;
    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        for (int i = 0; i < 100; i++) { /* up to 1 s, then insist */
            if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
                d->pid = -1;
                return;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
    }
    d->pid = -1;
}
