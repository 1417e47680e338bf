/* Loop: an lws_context whose default vhost has one protocol, serving adopted raw file fds.
 *
 * Data structure. Every source is a LoopWatch: an fd adopted into lws, its wsi (NULL once
 * lws has closed it) and what to do when it is readable -- call the owner's fd callback,
 * read a signalfd (signal callback), or fire the timers that are due (the Loop's one timer
 * watch, over one timerfd shared by every LoopTimer). The wsi carries its LoopWatch as opaque
 * user data; LWS_CALLBACK_RAW_RX_FILE and RAW_CLOSE_FILE find it there. The Loop keeps every
 * live watch and timer in a list, so that loop_free can release what the owner left.
 *
 * Timers: one timerfd for all (each fd costs poll() and lws work on every wake-up), armed for
 * the earliest deadline of the armed timers (Loop.timerfd_ns). The timers are few (~10), so
 * the earliest is found by a scan of the list whenever a change could move it.
 *
 * Invariants:
 *   - a wsi's opaque data is its live LoopWatch or NULL; loop_unwatch clears it before the
 *     handle is freed, so no callback lws delivers for that wsi finds a freed watch. The wsi
 *     is closed at once, except the one whose callback is running (a watch or timer that
 *     ends itself): lws closes that one when the callback returns -1, never under it.
 *   - a timer's deadline != 0 <=> its callback is still to come (armed, or expired and not
 *     yet dispatched). Its deadline is cleared before the callback runs.
 *   - outside timer dispatch, the timerfd is armed for exactly the earliest armed deadline
 *     (Loop.timerfd_ns, 0: disarmed). A dispatch fires, earliest first, the timers due at
 *     its start that were armed before it (a callback re-arming for the past fires on the
 *     next pass, after the other fds had their turn), then re-arms the timerfd.
 *   - nothing is armed unless an owner armed it: no periodic tick of the loop's own. */
#include "app/loop.h"

#include <errno.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"

struct LoopWatch {
    Loop *loop;
    LoopWatch *prev, *next;  /* Loop.watches */
    int fd;
    struct lws *wsi;         /* NULL once lws closed it */
    LoopFdFn cb;             /* one of these three says what readable means */
    LoopSignalFn sig;
    bool timers;             /* the Loop's timerfd */
    void *ud;
};

struct LoopTimer {
    Loop *loop;
    LoopTimer *prev, *next;  /* Loop.timers */
    uint64_t deadline;       /* absolute ns; 0: disarmed */
    uint64_t seq;            /* Loop.timer_seq when last armed */
    LoopTimerFn cb;
    void *ud;
};

struct Loop {
    struct lws_context *ctx;
    LoopWatch *watches;
    LoopTimer *timers;
    LoopWatch *timer_watch;  /* over the one timerfd; NULL until the first timer */
    uint64_t timerfd_ns;     /* what the timerfd is armed for; 0: disarmed */
    uint64_t timer_seq;      /* counts arms */
    bool firing;             /* timer dispatch running: it re-arms the timerfd at its end */
    LoopWatch *dispatching;  /* the watch whose readable callback is running, or NULL */
    bool close_dispatching;  /* it was unwatched meanwhile: lws closes its wsi on return */
    bool quit;
    LoopTimerFn after_pass; /* loop_after_pass */
    void *after_ud;
};

static const int loop_signals[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGCONT, SIGQUIT,
                                   SIGTSTP};

static void loop_sigset(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
        sigaddset(set, loop_signals[i]);
}

void loop_block_signals(void)
{
    sigset_t set;
    loop_sigset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void timerfd_arm(Loop *l, uint64_t abs_ns)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (abs_ns) {
        its.it_value.tv_sec = (time_t)(abs_ns / NS_PER_SEC);
        its.it_value.tv_nsec = (long)(abs_ns % NS_PER_SEC);
    }
    l->timerfd_ns = abs_ns;
    timerfd_settime(l->timer_watch->fd, abs_ns ? TFD_TIMER_ABSTIME : 0, &its, NULL);
}

/* The timerfd armed for the earliest armed deadline (no system call if it already is). */
static void timers_rearm(Loop *l)
{
    if (l->firing || !l->timer_watch)
        return;
    uint64_t min = 0;
    for (LoopTimer *t = l->timers; t; t = t->next)
        if (t->deadline && (!min || t->deadline < min))
            min = t->deadline;
    if (min != l->timerfd_ns)
        timerfd_arm(l, min);
}

static void timers_fire(Loop *l)
{
    uint64_t expirations;
    if (read(l->timer_watch->fd, &expirations, sizeof expirations) < 0) {
        /* nothing to drain: re-armed since it expired; what is due fires all the same */
    }
    uint64_t now = clock_now_ns(), seq = l->timer_seq;
    l->firing = true;
    l->timerfd_ns = 0; /* unknown: re-armed below whatever it is */
    for (;;) {
        LoopTimer *due = NULL;
        for (LoopTimer *t = l->timers; t; t = t->next)
            if (t->deadline && t->deadline <= now && t->seq < seq &&
                (!due || t->deadline < due->deadline))
                due = t;
        if (!due)
            break;
        due->deadline = 0;
        due->cb(due->ud); /* may free any timer (due too): the scan starts again */
    }
    l->firing = false;
    uint64_t min = 0;
    for (LoopTimer *t = l->timers; t; t = t->next)
        if (t->deadline && (!min || t->deadline < min))
            min = t->deadline;
    timerfd_arm(l, min); /* always: the expired timerfd is disarmed, whatever timerfd_ns said */
}

static void watch_readable(LoopWatch *w)
{
    if (w->timers) {
        timers_fire(w->loop);
    } else if (w->sig) {
        struct lws *wsi = w->wsi;
        struct signalfd_siginfo si;
        /* One call per signal, until the callback unwatches w (then freed: checked first;
         * the wsi itself lives until lws' next pass). */
        while (lws_get_opaque_user_data(wsi) == w &&
               read(w->fd, &si, sizeof si) == (ssize_t)sizeof si)
            w->sig(w->ud, (int)si.ssi_signo);
    } else {
        w->cb(w->ud, w->fd, LOOP_FD_READABLE);
    }
}

static int loop_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    LoopWatch *w = lws_get_opaque_user_data(wsi);
    if (!w)
        return 0;
    Loop *l = w->loop;
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        l->dispatching = w;
        watch_readable(w); /* may free w */
        l->dispatching = NULL;
        if (l->close_dispatching) {
            l->close_dispatching = false;
            return -1; /* unwatched from inside: lws closes the wsi and its fd now */
        }
        break;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        /* lws closes the fd with the wsi (a hang-up, or the context going away). */
        lws_set_opaque_user_data(wsi, NULL);
        w->wsi = NULL;
        w->fd = -1;
        if (w->cb && !l->quit)
            w->cb(w->ud, -1, LOOP_FD_CLOSED);
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols loop_protocols[] = {
    {"flint-fd", loop_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

Loop *loop_new(ErrorBuf *err)
{
    Loop *l = xcalloc(1, sizeof *l);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    /* The TLS library is initialised (the transports may want TLS later), but no vhost gets
     * a client SSL_CTX from here: lws would build one for a vhost made from these options,
     * parsing the system CA bundle (~20 ms) for the tty and timers. So the context has no
     * vhost of its own (EXPLICIT_VHOSTS) and ours below has no TLS option; a transport
     * builds its TLS context when it first needs one (wss://, https://), after the first
     * frame (transport_ws.h). */
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.fd_limit_per_thread = 64;
    l->ctx = lws_create_context(&info);
    if (!l->ctx) {
        free(l);
        error_set(err, "cannot create the libwebsockets context");
        return NULL;
    }
    struct lws_context_creation_info vi;
    memset(&vi, 0, sizeof vi);
    vi.port = CONTEXT_PORT_NO_LISTEN;
    vi.protocols = loop_protocols;
    vi.vhost_name = "default";
    vi.http_proxy_address = "0.0.0.0:0"; /* port 0: no proxy (else lws reads http_proxy) */
    if (!lws_create_vhost(l->ctx, &vi)) {
        lws_context_destroy(l->ctx);
        free(l);
        error_set(err, "cannot create the libwebsockets vhost for the event loop");
        return NULL;
    }
    return l;
}

/* The handle only: the wsi (if any) is closed by lws later, or by the context's destruction. */
static void watch_release(LoopWatch *w)
{
    if (w->wsi)
        lws_set_opaque_user_data(w->wsi, NULL);
    Loop *l = w->loop;
    if (w->prev)
        w->prev->next = w->next;
    else
        l->watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    free(w);
}

void loop_free(Loop *l)
{
    if (!l)
        return;
    l->quit = true;
    while (l->timers) {
        LoopTimer *t = l->timers;
        l->timers = t->next;
        free(t); /* the timerfd's watch is in the list below */
    }
    while (l->watches)
        watch_release(l->watches);
    /* Destroying the context closes every adopted fd (the tty fd included). */
    lws_context_destroy(l->ctx);
    free(l);
}

struct lws_context *loop_context(Loop *l) { return l->ctx; }

void loop_run(Loop *l)
{
    while (!l->quit) {
        if (lws_service(l->ctx, 0) < 0)
            break;
        if (l->after_pass)
            l->after_pass(l->after_ud);
    }
}

void loop_after_pass(Loop *l, LoopTimerFn fn, void *ud)
{
    l->after_pass = fn;
    l->after_ud = ud;
}

void loop_quit(Loop *l)
{
    l->quit = true;
    lws_cancel_service(l->ctx);
}

bool loop_quitting(const Loop *l) { return l->quit; }

/* --- watches ------------------------------------------------------------------------------ */

static LoopWatch *watch_add(Loop *l, int fd, ErrorBuf *err)
{
    LoopWatch *w = xcalloc(1, sizeof *w);
    *w = (LoopWatch){.loop = l, .fd = fd, .next = l->watches};
    lws_sock_file_fd_type u;
    u.filefd = fd;
    w->wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(l->ctx, "default"),
                                        LWS_ADOPT_RAW_FILE_DESC, u, "flint-fd", NULL);
    if (!w->wsi) {
        error_set(err, "cannot watch fd %d in the event loop", fd);
        close(fd); /* ours from the call on, watched or not */
        free(w);
        return NULL;
    }
    if (l->watches)
        l->watches->prev = w;
    l->watches = w;
    lws_set_opaque_user_data(w->wsi, w);
    return w;
}

LoopWatch *loop_watch_fd(Loop *l, int fd, LoopFdFn cb, void *ud, ErrorBuf *err)
{
    LoopWatch *w = watch_add(l, fd, err);
    if (w) {
        w->cb = cb;
        w->ud = ud;
    }
    return w;
}

void loop_unwatch(LoopWatch *w)
{
    if (!w)
        return;
    Loop *l = w->loop;
    struct lws *wsi = w->wsi;
    bool running = l->dispatching == w;
    watch_release(w); /* from here on no callback finds w */
    if (!wsi)
        return; /* lws closed it already */
    /* Closed now, fd included: at once (LWS_TO_KILL_SYNC may not close the wsi being
     * serviced), or, from inside its own callback, by the -1 that callback returns.
     * (LWS_TO_KILL_ASYNC would wait for lws' next wake-up, which an idle loop may not
     * have for a long time.) */
    if (running)
        l->close_dispatching = true;
    else
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
}

LoopWatch *loop_watch_signals(Loop *l, LoopSignalFn cb, void *ud, ErrorBuf *err)
{
    sigset_t set;
    loop_sigset(&set);
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        error_errno(err, "cannot create a signalfd");
        return NULL;
    }
    LoopWatch *w = watch_add(l, fd, err);
    if (w) {
        w->sig = cb;
        w->ud = ud;
    }
    return w;
}

/* --- timers ------------------------------------------------------------------------------- */

LoopTimer *loop_timer_new(Loop *l, LoopTimerFn cb, void *ud, ErrorBuf *err)
{
    if (!l->timer_watch) {
        int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (fd < 0) {
            error_errno(err, "cannot create a timerfd");
            return NULL;
        }
        LoopWatch *w = watch_add(l, fd, err);
        if (!w)
            return NULL;
        w->timers = true;
        l->timer_watch = w;
        l->timerfd_ns = 0;
    }
    LoopTimer *t = xcalloc(1, sizeof *t);
    *t = (LoopTimer){.loop = l, .cb = cb, .ud = ud, .next = l->timers};
    if (l->timers)
        l->timers->prev = t;
    l->timers = t;
    return t;
}

static void timer_set(LoopTimer *t, uint64_t abs_ns)
{
    Loop *l = t->loop;
    uint64_t old = t->deadline;
    t->deadline = abs_ns;
    t->seq = l->timer_seq++;
    if (l->firing)
        return; /* the dispatch re-arms the timerfd when it ends */
    if (abs_ns && (!l->timerfd_ns || abs_ns < l->timerfd_ns))
        timerfd_arm(l, abs_ns); /* the new earliest */
    else if (old && old == l->timerfd_ns)
        timers_rearm(l); /* the earliest moved later or went: find the next */
}

void loop_timer_at(LoopTimer *t, uint64_t abs_ns)
{
    if (abs_ns == 0)
        abs_ns = 1; /* 0 would disarm; any past time fires at once */
    if (t->deadline != abs_ns)
        timer_set(t, abs_ns);
}

void loop_timer_after(LoopTimer *t, uint64_t delay_ns)
{
    loop_timer_at(t, clock_now_ns() + delay_ns);
}

void loop_timer_by(LoopTimer *t, uint64_t abs_ns)
{
    if (!t->deadline || t->deadline > (abs_ns ? abs_ns : 1))
        loop_timer_at(t, abs_ns);
}

void loop_timer_cancel(LoopTimer *t)
{
    if (t->deadline)
        timer_set(t, 0);
}

bool loop_timer_armed(const LoopTimer *t) { return t->deadline != 0; }

uint64_t loop_timer_deadline(const LoopTimer *t) { return t->deadline; }

void loop_timer_free(LoopTimer *t)
{
    if (!t)
        return;
    Loop *l = t->loop;
    if (t->prev)
        t->prev->next = t->next;
    else
        l->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    bool was_earliest = t->deadline && t->deadline == l->timerfd_ns;
    free(t);
    if (was_earliest)
        timers_rearm(l);
}
