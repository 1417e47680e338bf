/* Recovery (the app's side). fatal_app is the only mutable global beyond signal flags: the
 * crash handler and the fatal cleanup take it with atomic_exchange, so the text is saved at
 * most once whichever path comes first. The crash handler uses only async-signal-safe calls
 * (tcsetattr, write, an atomic load, the recovery writer's open/write/close). */
#include "app/recovery_app.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "core/log.h"
#include "core/xalloc.h"

static _Atomic(App *) fatal_app;

/* Every modified buffer gets its own recovery file; the report keeps the first one's path
 * and joins the messages ("...; ..."), as much as fits. A buffer whose recovery worked loses
 * its swap file: the recovery file is newer, and one thing to find at the next start is
 * clearer than two. */
void app_save_recovery(App *a)
{
    if (a->recovery.message[0])
        return; /* already tried (the tty closing, then SIGHUP) */
    size_t len = 0;
    for (size_t i = 0; i < session_buffer_count(a->session); i++) {
        Buffer *b = session_buffer_at(a->session, i);
        if (!buffer_modified(b))
            continue;
        RecoveryReport *r = xmalloc(sizeof *r);
        bool ok = buffer_write_recovery(b, r); /* the message says where, or that it failed */
        log_msg("recovery: %s", r->message);
        if (len == 0)
            snprintf(a->recovery.path, sizeof a->recovery.path, "%s", r->path);
        if (len < sizeof a->recovery.message)
            len += (size_t)snprintf(a->recovery.message + len, sizeof a->recovery.message - len,
                                    "%s%s", len ? "; " : "", r->message);
        free(r);
        if (ok)
            swap_app_forget(a, b);
    }
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
        static const char reset[] = "\033[?2004l\033[?1004l\033[?25h\033[?1049l\r\n";
        if (a->have_tios)
            tcsetattr(a->tty_fd, TCSAFLUSH, &a->saved_tios);
        ssize_t w;
        if (term_kitty_keys_on(a->term)) { /* an atomic load: async-signal-safe */
            static const char pop[] = "\033[<u"; /* the kitty keyboard flags we pushed */
            w = write(a->tty_fd, pop, sizeof pop - 1);
        }
        w = write(a->tty_fd, reset, sizeof reset - 1);
        (void)w;
        /* Every modified buffer: the list is a plain array, read without allocating. */
        for (size_t i = 0; i < session_buffer_count(a->session); i++) {
            Buffer *b = session_buffer_at(a->session, i);
            if (!buffer_modified(b))
                continue;
            static RecoveryReport r; /* where the text went, or why not: always said */
            buffer_write_recovery(b, &r);
            static const char msg[] = "flint crashed; ";
            w = write(2, msg, sizeof msg - 1);
            w = write(2, r.message, strlen(r.message));
            w = write(2, "\n", 1);
        }
        /* Last (the text is safe by now): let the reset reach the terminal before the
         * process dies. Async-signal-safe. */
        tcdrain(a->tty_fd);
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
