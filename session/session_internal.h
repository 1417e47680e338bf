/* Private to the Session module: included by session/session.c, session_context.c and
 * session_steer.c only, never by another file. The module is split by responsibility:
 *   - session.c: life cycle, buffers, state, sending (history, encoding, the ask), receiving
 *     (the dialect's events into the turn), the connection's events, the warm-up, the clock;
 *   - session_context.c: what the model sees beyond the question: notes, pinned files, the
 *     messages as sent (for a journal), the window's use, the preview of the next request;
 *   - session_steer.c: native steering, and switching the model or the dialect.
 * The helpers below are session.c's, shared with the other two (no state of their own). */
#ifndef FLINT_SESSION_SESSION_INTERNAL_H
#define FLINT_SESSION_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "session/context.h"
#include "session/conversation.h"
#include "session/session.h"

struct Session {
    char *model;
    char *instructions;
    size_t max_context_bytes;
    uint64_t stall_ns;
    SessionHooks hooks;
    void *ud;

    Buffer **buffers;
    size_t n_buffers, buffers_cap, current;
    Transcript *transcript;
    Wire *wire;
    Turn *turn;            /* the open turn, or the last one; NULL before the first ask */
    SessionStats stats;
    StrBuf notice;
    unsigned damage;

    /* the connection */
    uint64_t conn;         /* its generation: bumped on link up and lost */
    char *chain_id;
    size_t stale_pending;
    bool wants_reconnect;  /* the dialect said the connection is retired */

    bool malformed_noted;  /* at most one malformed-message note per turn */
    bool note_deferred;    /* ...added when the turn ends */
    uint64_t wait_until_ns; /* a rate limit's back-off: no request before it (0: none) */
    unsigned strikes;      /* rate limits in a row (the back-off doubles when no header says) */

    char *steer_fallback;  /* a steer to ask again (refused, or its turn ended first) */
    char **no_steer;       /* models that refused native steering (steering_not_supported) */
    size_t n_no_steer, no_steer_cap;

    StrBuf json;           /* reused for every request */
    WireMessage *msgs;
    size_t msgs_cap;

    /* The warm-up (session_on_link_up): sent on connection warm_conn, its terminal still
     * to come while warm_pending; it carried history [warm_first, warm_hist_end). A chain_id
     * that is its id is usable only while that is still the history (chain_is_warm). */
    bool warmup, warm_pending, chain_is_warm;
    size_t warm_first, warm_hist_end;
    char *warm_id;

    Conversation *convo;   /* messages as sent, files seen, cache key, notes, pins, window */
    size_t request_tokens; /* the estimate of the last request sent (0: none yet) */
};

/* A line for the status bar (SESSION_DAMAGE_NOTICE). */
void session_set_notice(Session *s, const char *text);
/* Nothing can be chained any more (a new connection, a switched model). */
void session_reset_chain(Session *s);
/* A turn is open: busy or waiting. */
bool session_in_turn(const Session *s);
/* Only spaces and line breaks (or empty). */
bool session_blank(const char *q);
/* A rate limit's deadline is still ahead. */
bool session_rate_limited_now(const Session *s);
/* The model refused native steering on this run (steering_not_supported). */
bool session_model_refused_steer(const Session *s);
/* The connection is gone: its chain, stale answers and warm-up are forgotten. */
void session_forget_connection(Session *s);
/* The user message for question (notes, question, editor context, files), with the files it
 * shows the model as updates (committed once it is sent). */
void session_compose_message(Session *s, const char *question, size_t hist_end, StrBuf *message,
                             ContextSeen *updates);
/* The request for message after the history up to hist_end into s->json (chained when
 * allowed and possible): whether it chained, its input items, the first history entry. */
void session_encode_request(Session *s, const char *message, size_t message_len, size_t hist_end,
                            bool allow_chain, bool *chained, size_t *n_input, size_t *first);

#endif
