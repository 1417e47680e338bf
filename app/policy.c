/* Policy: pure decisions over the session, the URL and the clock, plus app_maybe_rotate,
 * which acts on its decision through the Transport (net/transport.h). */
#include "app/policy.h"

#include <stdlib.h>
#include <string.h>

#include "net/transport.h"
#include "app/state.h"
#include "core/log.h"

/* xAI closes sockets at 25 minutes, not 60: is the URL's host x.ai or one of its names? */
static bool is_xai(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t n = strcspn(host, ":/?");
    return (n == 4 && strncmp(host, "x.ai", 4) == 0) ||
           (n > 5 && strncmp(host + n - 5, ".x.ai", 5) == 0);
}

uint64_t policy_rotate_after_ns(const char *url, const char *env_seconds)
{
    uint64_t ns = url && is_xai(url) ? POLICY_ROTATE_XAI_NS : POLICY_ROTATE_DEFAULT_NS;
    unsigned long long s = env_seconds ? strtoull(env_seconds, NULL, 10) : 0;
    if (s > 0 && s < 100ull * 365 * 86400)
        ns = s * NS_PER_SEC;
    return ns;
}

bool app_maybe_rotate(App *a)
{
    uint64_t since = transport_up_since_ns(a->transport);
    if (!since || session_busy(a->session) || clock_now_ns() - since < a->rotate_after_ns)
        return false;
    log_msg("app: rotating a connection %.0f s old", (double)(clock_now_ns() - since) / 1e9);
    transport_rotate(a->transport);
    return true;
}

bool policy_bell(const Session *s, uint64_t now_ns)
{
    const SessionStats *st = session_stats(s);
    return session_turn(s) != TURN_INTERRUPTED && !session_waiting(s) && st->sent_ns &&
           now_ns - st->sent_ns > POLICY_BELL_AFTER_NS;
}
