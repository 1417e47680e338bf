#include "core/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/clock.h"

static int log_fd = -1; /* set once at start-up, before any thread */

bool log_open(const char *path)
{
    log_close();
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    return log_fd >= 0;
}

void log_open_env(void)
{
    const char *path = getenv("FLINT_LOG");
    if (path && *path)
        log_open(path);
}

bool log_enabled(void) { return log_fd >= 0; }

void log_close(void)
{
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
}

void log_msg(const char *fmt, ...)
{
    if (log_fd < 0)
        return;
    char line[1024];
    uint64_t now = clock_now_ns();
    int n = snprintf(line, sizeof line, "%llu.%06llu ", (unsigned long long)(now / NS_PER_SEC),
                     (unsigned long long)(now % NS_PER_SEC / 1000));
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(log_fd, line, len);
    (void)w;
}
