/* Loop: an lws_context with one vhost whose only protocol serves adopted raw file fds.
 *
 * Each adopted fd's wsi carries a pointer to its Source (kind + fd) as opaque user data;
 * LWS_CALLBACK_RAW_RX_FILE dispatches on the kind. Timer fds are drained on every wake-up
 * (a timerfd stays readable until read). The frame and turn timers are one-shot: their
 * deadline is 0 when disarmed; arming an armed timer only ever moves the deadline earlier. */
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
#include "core/log.h"
#include "core/xalloc.h"

typedef enum SourceKind { SRC_TTY, SRC_SIGNAL, SRC_FRAME, SRC_ESC, SRC_TURN, SRC__COUNT } SourceKind;

typedef struct Source {
    SourceKind kind;
    int fd;
    struct lws *wsi;
    Loop *loop;
} Source;

struct Loop {
    struct lws_context *ctx;
    LoopHooks hooks;
    void *ud;
    Source src[SRC__COUNT];
    uint64_t frame_deadline;
    uint64_t turn_deadline;
    bool quit;
};

static const int loop_signals[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGCONT, SIGQUIT};

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

static void loop_dispatch(Source *s)
{
    Loop *l = s->loop;
    switch (s->kind) {
    case SRC_TTY: {
        char buf[65536]; /* a paste arrives in few reads, so it is drawn few times */
        for (;;) {
            ssize_t n = read(s->fd, buf, sizeof buf);
            if (n > 0) {
                l->hooks.tty_input(l->ud, buf, (size_t)n);
                if ((size_t)n < sizeof buf)
                    return;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            l->hooks.tty_closed(l->ud);
            return;
        }
    }
    case SRC_SIGNAL: {
        struct signalfd_siginfo si;
        while (read(s->fd, &si, sizeof si) == (ssize_t)sizeof si)
            l->hooks.signal(l->ud, (int)si.ssi_signo);
        return;
    }
    case SRC_FRAME: {
        uint64_t expirations;
        if (read(s->fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
            return; /* spurious: already disarmed and drained */
        l->frame_deadline = 0;
        l->hooks.frame(l->ud);
        return;
    }
    case SRC_ESC: {
        uint64_t expirations;
        if (read(s->fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
            return;
        l->hooks.esc_timeout(l->ud);
        return;
    }
    case SRC_TURN: {
        uint64_t expirations;
        if (read(s->fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
            return;
        l->turn_deadline = 0;
        l->hooks.turn_timer(l->ud);
        return;
    }
    case SRC__COUNT:
        break;
    }
}

static int loop_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    Source *s = lws_get_opaque_user_data(wsi);
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        if (s)
            loop_dispatch(s);
        break;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (s) {
            s->wsi = NULL;
            if (s->kind == SRC_TTY && !s->loop->quit)
                s->loop->hooks.tty_closed(s->loop->ud);
        }
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

static bool loop_adopt(Loop *l, SourceKind kind, int fd, ErrorBuf *err)
{
    Source *s = &l->src[kind];
    *s = (Source){.kind = kind, .fd = fd, .loop = l};
    lws_sock_file_fd_type u;
    u.filefd = fd;
    s->wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(l->ctx, "default"),
                                        LWS_ADOPT_RAW_FILE_DESC, u, "flint-fd", NULL);
    if (!s->wsi)
        return error_set(err, "cannot watch fd %d in the event loop", fd);
    lws_set_opaque_user_data(s->wsi, s);
    return true;
}

Loop *loop_new(int tty_fd, const LoopHooks *hooks, void *ud, ErrorBuf *err)
{
    Loop *l = xcalloc(1, sizeof *l);
    l->hooks = *hooks;
    l->ud = ud;
    for (int i = 0; i < SRC__COUNT; i++)
        l->src[i].fd = -1;

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = loop_protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.fd_limit_per_thread = 64;
    info.vhost_name = "default";
    l->ctx = lws_create_context(&info);
    if (!l->ctx) {
        free(l);
        error_set(err, "cannot create the libwebsockets context");
        return NULL;
    }

    sigset_t set;
    loop_sigset(&set);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    int ffd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int efd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (sfd < 0 || ffd < 0 || efd < 0 || tfd < 0) {
        error_errno(err, "cannot create signal/timer fds");
        goto fail;
    }
    if (!loop_adopt(l, SRC_TTY, tty_fd, err) || !loop_adopt(l, SRC_SIGNAL, sfd, err) ||
        !loop_adopt(l, SRC_FRAME, ffd, err) || !loop_adopt(l, SRC_ESC, efd, err) ||
        !loop_adopt(l, SRC_TURN, tfd, err))
        goto fail;
    return l;
fail:
    if (!l->src[SRC_TTY].wsi)
        close(tty_fd); /* the loop owns the tty fd from the call on, adopted or not */
    if (sfd >= 0 && !l->src[SRC_SIGNAL].wsi)
        close(sfd);
    if (ffd >= 0 && !l->src[SRC_FRAME].wsi)
        close(ffd);
    if (efd >= 0 && !l->src[SRC_ESC].wsi)
        close(efd);
    if (tfd >= 0 && !l->src[SRC_TURN].wsi)
        close(tfd);
    loop_free(l);
    return NULL;
}

void loop_free(Loop *l)
{
    if (!l)
        return;
    l->quit = true;
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
    }
}

void loop_quit(Loop *l)
{
    l->quit = true;
    lws_cancel_service(l->ctx);
}

static void loop_timer_set(int fd, uint64_t abs_ns)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (abs_ns) {
        its.it_value.tv_sec = (time_t)(abs_ns / NS_PER_SEC);
        its.it_value.tv_nsec = (long)(abs_ns % NS_PER_SEC);
    }
    timerfd_settime(fd, abs_ns ? TFD_TIMER_ABSTIME : 0, &its, NULL);
}

void loop_frame_at(Loop *l, uint64_t when_ns)
{
    if (when_ns == 0)
        when_ns = 1; /* 0 would disarm; any past time fires at once */
    if (l->frame_deadline && l->frame_deadline <= when_ns)
        return;
    l->frame_deadline = when_ns;
    loop_timer_set(l->src[SRC_FRAME].fd, when_ns);
}

bool loop_frame_armed(const Loop *l) { return l->frame_deadline != 0; }

void loop_frame_cancel(Loop *l)
{
    if (l->frame_deadline) {
        l->frame_deadline = 0;
        loop_timer_set(l->src[SRC_FRAME].fd, 0);
    }
}

void loop_esc_arm(Loop *l, uint64_t delay_ns)
{
    loop_timer_set(l->src[SRC_ESC].fd, clock_now_ns() + (delay_ns ? delay_ns : 1));
}

void loop_esc_cancel(Loop *l) { loop_timer_set(l->src[SRC_ESC].fd, 0); }

void loop_turn_at(Loop *l, uint64_t when_ns)
{
    if (when_ns == 0)
        when_ns = 1;
    if (l->turn_deadline && l->turn_deadline <= when_ns)
        return;
    l->turn_deadline = when_ns;
    loop_timer_set(l->src[SRC_TURN].fd, when_ns);
}

uint64_t loop_turn_deadline(const Loop *l) { return l->turn_deadline; }

void loop_turn_cancel(Loop *l)
{
    if (l->turn_deadline) {
        l->turn_deadline = 0;
        loop_timer_set(l->src[SRC_TURN].fd, 0);
    }
}
