/* Diagnostic log to the file named by $FLINT_LOG; never to the tty (curses owns it).
 * Every line starts with CLOCK_MONOTONIC seconds, so lines from flint and flint-backend on
 * one machine can be compared (the benchmark measures key -> socket-close that way).
 * Thread-safe: each line is one write(2) on an O_APPEND fd. Silent when FLINT_LOG is unset. */
#ifndef FLINT_CORE_LOG_H
#define FLINT_CORE_LOG_H

#include <stdbool.h>

void log_open_env(void);            /* opens $FLINT_LOG if set */
bool log_open(const char *path);    /* explicit, for tests and flint-backend */
bool log_enabled(void);
void log_close(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
