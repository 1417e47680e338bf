/* Plain mode (see plain.h). State: where printing has got to in the transcript (entry and
 * byte offset; entries before `first_typed` came from a resumed journal and are printed whole,
 * questions typed here are not printed again: the terminal echoed them), the last status
 * message printed (by message_seq), whether the output stands at the start of a line, and
 * the question being typed (lines joined by a trailing backslash).
 *
 * The tty stays in cooked mode (ICANON, ECHO, ISIG): the kernel's line editor is the
 * simplest one a screen reader already knows. Two changes, restored on every way out
 * (quit, signal, suspend): VEOL is Ctrl-G, so that Ctrl-G delivers the line at once and
 * stops the answer, and VQUIT is off, so that Ctrl-\ types nothing dangerous. Ctrl-C raises
 * SIGINT, which the loop's signalfd delivers: it stops the answer (it never quits).
 *
 * The swap-file question (app/swap_app.h: a file opened with a newer swap from a flint that
 * died) is a line with the same choices; the next line typed answers it (r, d, x; an empty
 * line ignores, as Esc does on the full screen) instead of being a question. d prints the
 * diff and asks again. With stdin not a terminal its lines are questions, so nothing is
 * asked: the swap file stays untouched, the file is used as it is on disk, and both are said
 * (on stderr too when stdout is not a terminal). Recovering puts the swap's text in the buffer
 * (the questions' context) and the swap file stays: plain mode has no way to save. */
#include "app/plain.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "app/app.h"
#include "app/questions.h"
#include "app/screen.h"
#include "app/state.h"
#include "app/swap_app.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "net/transport_ws.h"
#include "session/buffer.h"
#include "session/transcript.h"

#define PLAIN_CTRL_G '\x07'

typedef struct Plain {
    size_t entry, off;     /* the transcript is printed up to here */
    size_t first_typed;    /* entries from here on were asked here */
    unsigned msg_seq;      /* the last status message printed */
    bool at_bol;           /* the output stands at the start of a line */
    bool prompt_shown;     /* "> " is out and waits for a line */
    bool tty;              /* input is a terminal (prompts, termios) */
    bool eof;              /* the input ended: quit once nothing is left to answer */
    bool set_tios;         /* tios holds the terminal's settings to restore */
    bool swap_told;        /* the open swap question was printed */
    struct termios tios;
    StrBuf in;             /* bytes read, not yet a whole line */
    StrBuf question;       /* lines joined by a trailing backslash */
} Plain;

void plain_sanitize(StrBuf *out, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
            sb_append(out, (const char *)&s[i], 1);
        } else if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
            i++; /* a C1 control written as UTF-8 (CSI, OSC, ...) */
        } else if (c >= 0x80) {
            sb_append(out, (const char *)&s[i], 1);
        }
    }
}

size_t plain_complete(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = s[n - back];
        if ((c & 0xc0) == 0x80)
            continue; /* a continuation byte: look further back for its lead */
        size_t need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
        return need > back && c >= 0xc2 ? n - back : n;
    }
    return n;
}

static void plain_write(Plain *p, const char *s, size_t n)
{
    if (!n)
        return;
    fwrite(s, 1, n, stdout);
    p->at_bol = s[n - 1] == '\n';
}

/* A line of flint's own ("flint: ..."), on a line of its own. */
static void plain_line(Plain *p, const char *text)
{
    if (!p->at_bol)
        plain_write(p, "\n", 1);
    fputs("flint: ", stdout);
    fputs(text, stdout);
    fputs("\n", stdout);
    p->at_bol = true;
    p->prompt_shown = false;
}

/* A line of flint's own that must not go unseen (nothing was asked): on stderr too when
 * stdout is not a terminal (a log). Control characters in it (a file name's) are dropped. */
static void plain_tell(Plain *p, const char *text)
{
    StrBuf clean = {0};
    plain_sanitize(&clean, text, strlen(text));
    for (size_t i = 0; i < clean.len; i++)
        if (clean.data[i] == '\n' || clean.data[i] == '\t')
            clean.data[i] = ' ';
    plain_line(p, sb_cstr(&clean));
    if (!isatty(STDOUT_FILENO))
        fprintf(stderr, "flint: %s\n", sb_cstr(&clean));
    sb_free(&clean);
}

static const char *plain_state_word(EntryState st)
{
    switch (st) {
    case ENTRY_INTERRUPTED: return "interrupted";
    case ENTRY_NETWORK: return "connection lost";
    case ENTRY_INCOMPLETE: return "incomplete";
    case ENTRY_FAILED: return "failed";
    case ENTRY_STALLED: return "stalled";
    default: return NULL;
    }
}

/* The transcript from where printing stopped: an open answer's new bytes, each finished
 * entry's end ("[interrupted]" and its reason). */
static void plain_print_transcript(App *a, Plain *p)
{
    const Transcript *t = session_transcript(a->session);
    size_t n = transcript_count(t);
    StrBuf out = {0};
    while (p->entry < n) {
        const TranscriptEntry *e = transcript_entry(t, p->entry);
        if (e->kind == ENTRY_USER && p->entry >= p->first_typed) {
            p->entry++, p->off = 0; /* typed here: the terminal echoed it */
            continue;
        }
        if (p->off == 0) {
            if (p->prompt_shown)
                plain_write(p, "\n", 1), p->prompt_shown = false;
            if (!p->at_bol)
                plain_write(p, "\n", 1);
            if (e->kind == ENTRY_USER)
                plain_write(p, "> ", 2);
            else if (e->kind == ENTRY_NOTE)
                plain_write(p, "flint: ", 7);
        }
        /* An open answer's cut character waits for the next delta. */
        size_t end = e->state == ENTRY_OPEN ? plain_complete(e->text.data, e->text.len)
                                            : e->text.len;
        if (end > p->off) {
            sb_reset(&out);
            plain_sanitize(&out, e->text.data + p->off, end - p->off);
            plain_write(p, out.data, out.len);
            p->off = end;
        }
        if (e->state == ENTRY_OPEN)
            break;
        const char *word = plain_state_word(e->state);
        if (word) {
            sb_reset(&out);
            sb_printf(&out, "%s[%s%s%s]", p->at_bol ? "" : " ", word, e->detail ? ": " : "",
                      e->detail ? e->detail : "");
            StrBuf clean = {0};
            plain_sanitize(&clean, out.data, out.len);
            plain_write(p, clean.data, clean.len);
            sb_free(&clean);
        }
        if (!p->at_bol)
            plain_write(p, "\n", 1);
        p->entry++, p->off = 0;
    }
    sb_free(&out);
}

/* The status line's message, once, as a line ("flint: Interrupted."). The full-screen
 * keys it may name (F5) do not exist here: the sentence that names one is left out. */
static void plain_print_message(App *a, Plain *p)
{
    if (a->message_seq == p->msg_seq)
        return;
    p->msg_seq = a->message_seq;
    if (!a->message[0])
        return;
    char msg[sizeof a->message];
    snprintf(msg, sizeof msg, "%s", a->message);
    char *f5 = strstr(msg, " F5 ");
    if (f5)
        *f5 = '\0';
    StrBuf clean = {0};
    plain_sanitize(&clean, msg, strlen(msg));
    for (size_t i = 0; i < clean.len; i++)
        if (clean.data[i] == '\n' || clean.data[i] == '\t')
            clean.data[i] = ' ';
    if (clean.len)
        plain_line(p, sb_cstr(&clean));
    sb_free(&clean);
}

/* --- the swap-file question ---------------------------------------------------------------- */

int plain_swap_choice(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    static const struct { const char *word; int what; } words[] = {
        {"", 0},       {"i", 0},         {"ignore", 0}, {"r", 'r'},      {"recover", 'r'},
        {"d", 'd'},    {"diff", 'd'},    {"x", 'x'},    {"delete", 'x'},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == n && strncasecmp(s, words[i].word, n) == 0)
            return words[i].what;
    return -1;
}

/* stdin is a pipe: its lines are questions, not answers. Every swap question is left
 * unanswered the safe way (Esc's: the swap stays, the file is used as on disk), said. */
static void plain_swap_unasked(App *a, Plain *p)
{
    char line[sizeof a->message + 128];
    while (a->mode == MODE_SWAP) {
        snprintf(line, sizeof line, "%s: not asked, stdin is not a terminal.",
                 swap_app_question(a));
        plain_tell(p, line);
        Buffer *b = swap_app_decide(a, 0); /* "The swap file stays: PATH" */
        snprintf(line, sizeof line, "%s%s%s%s", a->message, b ? "; " : "",
                 b ? buffer_name(b) : "", b ? " is used as it is on disk." : "");
        p->msg_seq = a->message_seq;
        plain_tell(p, line);
        swap_app_ask_next(a, b);
    }
}

/* MODE_SWAP, once per question: the question as a line (the full screen's status text names
 * Esc, which a line cannot send: an empty line ignores here). */
static void plain_swap_ask(App *a, Plain *p)
{
    if (p->swap_told)
        return;
    p->swap_told = true;
    p->msg_seq = a->message_seq; /* instead of the status line's text */
    char line[sizeof a->message + 128];
    snprintf(line, sizeof line, "%s: r recover, d diff, x delete, Enter (an empty line) ignores.",
             swap_app_question(a));
    plain_tell(p, line);
}

/* A line typed while the swap question is open: its answer. */
static void plain_swap_line(App *a, Plain *p, const char *s, size_t n)
{
    p->prompt_shown = false;
    p->at_bol = true; /* the terminal echoed the newline */
    int what = plain_swap_choice(s, n);
    if (what < 0) {
        plain_line(p, "Answer r (recover), d (diff), x (delete) or an empty line (ignore).");
    } else if (what == 'd') {
        StrBuf diff = {0}, clean = {0};
        if (swap_app_diff(a, &diff)) {
            plain_sanitize(&clean, diff.data, diff.len);
            plain_write(p, clean.data, clean.len);
            if (!p->at_bol)
                plain_write(p, "\n", 1);
            p->swap_told = false; /* the question again, below the diff */
        }
        sb_free(&diff);
        sb_free(&clean);
    } else {
        Buffer *b = swap_app_decide(a, (char)what);
        if (what == 'r' && b && a->mode == MODE_EDIT && !a->message_error) {
            char line[600];
            snprintf(line, sizeof line, "Recovered %s from its swap file: the questions see its "
                     "text. Plain mode cannot save it, so the swap file stays (start flint "
                     "without --plain to save).", buffer_name(b));
            p->msg_seq = a->message_seq;
            plain_tell(p, line);
        } else {
            plain_print_message(a, p); /* deleted, stays, or why not */
        }
        swap_app_ask_next(a, b);
        p->swap_told = false;
    }
    app_damage(a);
}

static bool plain_idle(App *a)
{
    return !session_busy(a->session) && !session_waiting(a->session) && !a->pending_question &&
           !(ask_queue_count(a->queue) && !ask_queue_paused(a->queue));
}

/* After each frame (a->after_frame). */
static void plain_flush(App *a)
{
    Plain *p = a->plain;
    if (a->mode == MODE_SWAP && p->off == 0) {
        if (p->tty)
            plain_swap_ask(a, p);
        else
            plain_swap_unasked(a, p);
    }
    /* A message is told between entries, never inside an answer's text: one that comes
     * while an answer is half printed waits for its end. */
    if (p->off == 0)
        plain_print_message(a, p);
    plain_print_transcript(a, p);
    if (p->off == 0)
        plain_print_message(a, p);
    if (plain_idle(a)) {
        if (p->eof) {
            loop_quit(a->loop);
            a->exit_status = 0;
        } else if (p->tty && !p->prompt_shown && p->question.len == 0) {
            if (!p->at_bol)
                plain_write(p, "\n", 1);
            plain_write(p, a->mode == MODE_SWAP ? "? " : "> ", 2);
            p->at_bol = true; /* what is typed next starts the line */
            p->prompt_shown = true;
        }
    }
    fflush(stdout);
}

static void plain_tios_restore(Plain *p, int fd);

/* --- input ------------------------------------------------------------------------------- */

static void plain_stop(App *a)
{
    if (session_busy(a->session) || session_waiting(a->session))
        app_interrupt(a);
    app_take_session_damage(a);
    app_damage(a);
}

static void plain_submit(App *a, Plain *p)
{
    const char *q = sb_cstr(&p->question);
    bool blank = strspn(q, " \t\n") == p->question.len;
    p->prompt_shown = false;
    p->at_bol = true; /* the terminal echoed the newline */
    if (blank) {
        if (!app_queue_resume(a))
            app_damage(a); /* the prompt again */
    } else if (session_busy(a->session) || session_waiting(a->session)) {
        app_queue(a, q); /* asked when this answer ends */
    } else {
        app_ask(a, q);
    }
    sb_reset(&p->question);
    app_take_session_damage(a);
    app_damage(a);
}

/* One line of input (without its end): a trailing backslash joins the next one. */
static void plain_line_in(App *a, Plain *p, const char *s, size_t n, char end)
{
    if (n && s[n - 1] == '\r')
        n--;
    if (a->mode == MODE_SWAP && p->question.len == 0) { /* the swap question's answer */
        plain_swap_line(a, p, s, n);
        return;
    }
    if (end == PLAIN_CTRL_G) { /* the line typed so far is dropped with the answer */
        sb_reset(&p->question);
        p->at_bol = false;
        plain_stop(a);
        if (plain_idle(a))
            p->prompt_shown = false;
        return;
    }
    if (n && s[n - 1] == '\\') {
        sb_append(&p->question, s, n - 1);
        sb_append(&p->question, "\n", 1);
        if (p->tty)
            fputs(". ", stdout), fflush(stdout);
        return;
    }
    sb_append(&p->question, s, n);
    plain_submit(a, p);
}

static void plain_take_lines(App *a, Plain *p)
{
    size_t start = 0;
    for (size_t i = 0; i < p->in.len; i++) {
        char c = p->in.data[i];
        if (c == '\n' || c == PLAIN_CTRL_G) {
            plain_line_in(a, p, p->in.data + start, i - start, c);
            start = i + 1;
        }
    }
    if (start) {
        memmove(p->in.data, p->in.data + start, p->in.len - start);
        p->in.len -= start;
        p->in.data[p->in.len] = '\0';
    }
}

static void plain_input(void *ud, int fd, LoopFdEvent ev)
{
    App *a = ud;
    Plain *p = a->plain;
    char buf[4096];
    for (;;) {
        ssize_t n = ev == LOOP_FD_READABLE ? read(fd, buf, sizeof buf) : 0;
        if (n > 0) {
            sb_append(&p->in, buf, (size_t)n);
            plain_take_lines(a, p);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break;
    }
    /* End of input: Ctrl-D on a terminal quits now; a pipe's last line (without its newline
     * too) is asked and answered first. */
    if (p->tty) {
        if (!p->at_bol)
            plain_write(p, "\n", 1);
        plain_stop(a);
        a->exit_status = 0;
        loop_quit(a->loop);
    } else {
        if (p->in.len)
            plain_line_in(a, p, p->in.data, p->in.len, '\n');
        sb_reset(&p->in);
        p->eof = true;
        app_damage(a);
    }
    plain_tios_restore(p, fd);
    p->set_tios = false;
    loop_unwatch(a->tty_watch); /* closes fd */
    a->tty_watch = NULL;
}

/* --- the terminal's settings ---------------------------------------------------------------- */

static void plain_tios_apply(Plain *p, int fd)
{
    if (!p->set_tios)
        return;
    struct termios t = p->tios;
    t.c_lflag |= ICANON | ECHO | ISIG;
    t.c_cc[VEOL] = PLAIN_CTRL_G;
    t.c_cc[VQUIT] = _POSIX_VDISABLE;
    tcsetattr(fd, TCSANOW, &t);
}

static void plain_tios_restore(Plain *p, int fd)
{
    if (p->set_tios)
        tcsetattr(fd, TCSANOW, &p->tios);
}

static void plain_signal(void *ud, int signo)
{
    App *a = ud;
    Plain *p = a->plain;
    switch (signo) {
    case SIGINT: /* Ctrl-C: stop the answer, never quit */
        if (session_busy(a->session) || session_waiting(a->session)) {
            plain_stop(a);
        } else {
            sb_reset(&p->question);
            plain_write(p, "\n", 1);
            plain_line(p, "Ctrl-D quits.");
            app_damage(a);
        }
        break;
    case SIGWINCH: break;
    case SIGTSTP:
        plain_tios_restore(p, a->tty_fd);
        fflush(stdout);
        kill(getpid(), SIGSTOP);
        break;
    case SIGCONT:
        plain_tios_apply(p, a->tty_fd);
        p->prompt_shown = false;
        app_damage(a);
        break;
    default:
        log_msg("plain: signal %d: quitting", signo);
        a->exit_status = 128 + signo;
        loop_quit(a->loop);
        break;
    }
}

/* --- run ----------------------------------------------------------------------------------- */

/* The input: a separate open of the terminal (the loop makes its fd non-blocking, which must
 * not reach stdout), or stdin itself when it is a pipe or a file. */
static bool plain_open_input(App *a, Plain *p, ErrorBuf *err)
{
    p->tty = isatty(STDIN_FILENO);
    if (!p->tty) {
        a->tty_fd = dup(STDIN_FILENO);
        if (a->tty_fd < 0)
            return error_errno(err, "cannot read stdin");
        return true;
    }
    const char *name = ttyname(STDIN_FILENO);
    a->tty_fd = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (a->tty_fd < 0)
        return error_errno(err, "cannot open the terminal %s", name ? name : "(unknown)");
    p->set_tios = tcgetattr(a->tty_fd, &p->tios) == 0;
    return true;
}

int plain_run(const AppConfig *cfg)
{
    StrBuf notes = {0};
    App *a = app_alloc(cfg, &notes);
    Plain *p = xcalloc(1, sizeof *p);
    p->at_bol = true;
    a->plain = p;
    ErrorBuf err = {{0}};
    char demo_url[64];
    bool transport_failed = false;
    int status = 1;
    AppWsMaker ws = {.cfg = cfg, .url = cfg->url};

    loop_block_signals();
    if (!app_build(a, &notes, &err) || !plain_open_input(a, p, &err))
        goto fail;
    if (!app_demo_url(a, &ws, demo_url, sizeof demo_url, &err))
        goto fail;
    transport_ws_log_install();
    if (!app_connect(a, app_make_ws, &ws, &transport_failed, &err)) {
        if (transport_failed)
            status = 2;
        goto fail;
    }
    a->loop_owns_tty = true;
    a->tty_watch = loop_watch_fd(a->loop, a->tty_fd, plain_input, a, &err);
    if (!a->tty_watch || !(a->signals = loop_watch_signals(a->loop, plain_signal, a, &err)))
        goto fail;
    plain_tios_apply(p, a->tty_fd);
    /* Notes (a broken setting) are printed by app_greet's message; the keys hint is the
     * full screen's, so plain says its own. */
    app_start(a, 80, 24, sb_cstr(&notes), ws.url);
    if (a->message_seq == a->greeting_seq && !a->message_error)
        p->msg_seq = a->message_seq;
    p->first_typed = transcript_count(session_transcript(a->session));
    if (p->tty)
        printf("flint %s, plain mode: Enter asks; end a line with \\ to go on.\n"
               "Ctrl-C or Ctrl-G stops an answer; Ctrl-D quits.\n", FLINT_VERSION);
    a->after_frame = plain_flush;
    app_go(a);
    loop_run(a->loop);
    status = a->exit_status;
    goto out;

fail:
    fprintf(stderr, "flint: %s\n", err.msg);
out:
    if (p->set_tios && a->tty_fd >= 0)
        plain_tios_restore(p, a->tty_fd);
    if (!p->at_bol)
        fputs("\n", stdout);
    fflush(stdout);
    a->after_frame = NULL;
    app_free(a);
    sb_free(&p->in);
    sb_free(&p->question);
    free(p);
    sb_free(&notes);
    return status;
}
