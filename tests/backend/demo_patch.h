/* The demo's patches: when the file flint sends as context is the demo program
 * (tests/data/demo/hello.c, what `make run` opens), the backend answers with a real
 * apply_patch to it, so a newcomer sees hunks to review within seconds and offline. The
 * question's words choose the change where they can ("comment", "rename", "error handling",
 * "todo"/"reverse"/"free"); otherwise the first change that still applies to the file as sent
 * (an accepted one no longer does) is proposed. The patch names the file as the context
 * does ("File: hello.c (tests/data/demo/hello.c)": the path in parentheses).
 *
 * Error tier: none. The text is built in static storage, valid until the next call (the
 * backend is single-threaded and copies an answer when it starts streaming it). */
#ifndef FLINT_BACKEND_DEMO_PATCH_H
#define FLINT_BACKEND_DEMO_PATCH_H

#include <stdbool.h>
#include <stddef.h>

/* question[0, qlen) is the question alone; context[0, clen) what followed the "---" rule.
 * False when the context is not the demo file or no change applies to it. */
bool demo_patch_pick(const char *question, size_t qlen, const char *context, size_t clen,
                     const char **name, const char **text, size_t *len);

#endif
