/* Term on a pty: a SIGTSTP that is pending (blocked, as the app blocks it for its signalfd)
 * survives the frames the render thread paints. ncurses set SIGTSTP to SIG_IGN around every
 * doupdate(), which discarded it: kill -TSTP during a frame never stopped flint. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "harness.h"
#include "themes/theme.h"
#include "ui/term.h"

static int master = -1;

/* Reads what the render thread wrote, so a full pty never blocks it. */
static void drain(int ms)
{
    struct pollfd p = {.fd = master, .events = POLLIN};
    char buf[4096];
    while (poll(&p, 1, ms) > 0 && read(master, buf, sizeof buf) > 0)
        ms = 0;
}

/* Waits (at most 20 s: a loaded machine) until the render thread painted more than `than`. */
static bool painted_more(Term *t, uint64_t than)
{
    uint64_t end = clock_now_ns() + 20 * NS_PER_SEC;
    while (clock_now_ns() < end) {
        if (term_stats(t).frames_painted > than)
            return true;
        drain(10);
    }
    return false;
}

static void test_pending_tstp_survives_frames(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    int saved_in = dup(0), saved_out = dup(1);
    dup2(slave, 0);
    dup2(slave, 1);
    setenv("TERM", "xterm-256color", 1);
    unsetenv("COLORTERM");

    sigset_t tstp;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);
    sigprocmask(SIG_BLOCK, &tstp, NULL); /* as loop_block_signals does */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGTSTP, &dfl, NULL); /* what a shell's job control leaves a program */

    Theme theme;
    theme_default(&theme);
    ErrorBuf err = {{0}};
    Term *t = term_start(&theme, &err);
    CHECK(t != NULL);
    if (t) {
        CHECK(painted_more(t, 0));
        kill(getpid(), SIGTSTP);
        for (int i = 0; i < 3; i++) { /* whole repaints: doupdate() each */
            uint64_t n = term_stats(t).frames_painted;
            term_redraw_all(t);
            CHECK(painted_more(t, n));
        }
        sigset_t pending;
        sigpending(&pending);
        CHECK(sigismember(&pending, SIGTSTP)); /* still there for the signalfd */
        struct timespec zero = {0, 0};
        CHECK_INT_EQ(sigtimedwait(&tstp, NULL, &zero), SIGTSTP);
        term_stop(t);
        drain(0);
        term_free(t);
    }
    dup2(saved_in, 0);
    dup2(saved_out, 1);
    close(saved_in);
    close(saved_out);
    close(slave);
    close(master);
}

int main(void)
{
    RUN(test_pending_tstp_survives_frames);
    return harness_done();
}
