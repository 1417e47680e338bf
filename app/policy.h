/* Policy: when flint replaces a connection and when it rings the bell. Decisions only, in one
 * place, so that they can be read and changed without the plumbing around them.
 *
 * Rotation: servers close a WebSocket at an age limit (OpenAI 60 min, xAI 25: PROTOCOL.md
 * 1.6); flint replaces an older socket between turns, so that no answer is ever cut by it.
 * The bell: a long answer that ended by itself rings (the user may be in another window); not
 * after an interrupt, nor for a question still waiting, nor for the usual second-long answer. */
#ifndef FLINT_APP_POLICY_H
#define FLINT_APP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "session/session.h"

#define POLICY_ROTATE_DEFAULT_NS (55ull * 60 * NS_PER_SEC)
#define POLICY_ROTATE_XAI_NS (23ull * 60 * NS_PER_SEC)
#define POLICY_BELL_AFTER_NS (10 * NS_PER_SEC)

typedef struct App App;

/* The connection age to rotate at for this URL; env_seconds (FLINT_ROTATE_AFTER, for tests
 * and odd servers; NULL: unset) overrides it when it is a sane number of seconds. */
uint64_t policy_rotate_after_ns(const char *url, const char *env_seconds);
/* Between turns only: an old socket is closed ("rotating") and a fresh one opened. True when
 * it did. */
bool app_maybe_rotate(App *a);
/* The turn that just ended deserves the bell. */
bool policy_bell(const Session *s, uint64_t now_ns);

#endif
