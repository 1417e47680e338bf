/* Recovery (the app's side). fatal_app is the only mutable global beyond signal flags: the
 * crash handler and the fatal cleanup take it with atomic_exchange, so the text is saved at
 * most once whichever path comes first. The crash handler uses only async-signal-safe calls
 * (tcsetattr, write, the recovery writer's open/write/close). */
#include "app/recovery_app.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/screen.h"
#include "app/state.h"
#include "core/log.h"
#include "core/xalloc.h"

static _Atomic(App *) fatal_app;

void app_save_recovery(App *a)
{
    Buffer *b = session_buffer(a->session);
    if (!buffer_modified(b) || a->recovery.message[0])
        return; /* nothing to keep, or already tried (the tty closing, then SIGHUP) */
    buffer_write_recovery(b, &a->recovery); /* the message says where, or that it failed */
    log_msg("recovery: %s", a->recovery.message);
}

static void fatal_cleanup(void)
{
    App *a = atomic_exchange(&fatal_app, NULL);
    if (!a)
        return;
    term_stop(a->term);
    app_save_recovery(a);
    if (a->recovery.message[0])
        fprintf(stderr, "flint: %s\n", a->recovery.message);
}

static void crash_handler(int signo)
{
    /* Best effort from a signal handler: the recovery writer uses only open/write/close. It
     * runs on its own stack, so a stack overflow can still save the text. */
    App *a = atomic_exchange(&fatal_app, NULL);
    if (a) {
        static const char reset[] = "\033[?2004l\033[?25h\033[?1049l\r\n";
        if (a->have_tios)
            tcsetattr(a->tty_fd, TCSAFLUSH, &a->saved_tios);
        ssize_t w = write(a->tty_fd, reset, sizeof reset - 1);
        (void)w;
        if (buffer_modified(session_buffer(a->session))) {
            RecoveryReport r; /* where the text went, or that it could not be saved: always said */
            buffer_write_recovery(session_buffer(a->session), &r);
            static const char msg[] = "flint crashed; ";
            w = write(2, msg, sizeof msg - 1);
            w = write(2, r.message, strlen(r.message));
            w = write(2, "\n", 1);
        }
    }
    signal(signo, SIG_DFL);
    raise(signo);
}

static void install_crash_handlers(void)
{
#if defined(FLINT_SANITIZE)
    /* AddressSanitizer has its own SIGSEGV/SIGBUS/SIGFPE handler, which prints the report that
     * says where the bad access was; ours would replace it and hide that report. The sanitizer
     * build keeps those, and saves the user's text on the signals it leaves alone. */
    static const int sigs[] = {SIGILL, SIGABRT};
#else
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#endif
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void recovery_app_arm(App *a)
{
    atomic_store(&fatal_app, a);
    fatal_set_cleanup(fatal_cleanup);
    install_crash_handlers();
}

void recovery_app_disarm(void)
{
    atomic_store(&fatal_app, NULL);
    fatal_set_cleanup(NULL);
}

void app_tell_earlier_recovery(App *a)
{
    char found[4096];
    if (!buffer_find_recovery(session_buffer(a->session), found, sizeof found))
        return;
    /* Next to the file: its name is enough; in the state directory: the whole path. */
    const char *slash = strrchr(found, '/');
    const char *path = buffer_path(session_buffer(a->session));
    const char *pslash = path ? strrchr(path, '/') : NULL;
    bool beside = slash && (pslash ? (size_t)(slash - found) == (size_t)(pslash - path) &&
                                         strncmp(found, path, (size_t)(pslash - path)) == 0
                                   : strchr(found, '/') == slash && found[0] == '.');
    app_say(a, true, "Unsaved text from an earlier session is in %s: compare, then delete it.",
            beside ? slash + 1 : found);
}
