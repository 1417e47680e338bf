/* Doctor (see doctor.h): gather, then print. Each section prints what was found, then
 * "->" lines with what to set when something is missing. */
#include "app/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/clipboard.h"
#include "app/tmux_opts.h"
#include "core/clock.h"
#include "themes/palette.h"
#include "ui/key_decode.h"
#include "ui/term.h"

/* The background colour (OSC 11), kitty keyboard flags, DECRQM for bracketed paste and SGR
 * mouse, then DA1 (answered last). */
#define DOCTOR_QUERY "\033]11;?\033\\\033[?u\033[?2004$p\033[?1006$p\033[c"

/* Reads a decimal number at b[*i]; false when there is none. */
static bool num_at(const char *b, size_t n, size_t *i, unsigned *v)
{
    size_t j = *i;
    unsigned x = 0;
    while (j < n && b[j] >= '0' && b[j] <= '9' && j - *i < 9)
        x = x * 10 + (unsigned)(b[j++] - '0');
    if (j == *i)
        return false;
    *i = j;
    *v = x;
    return true;
}

/* OSC 11's answer at b[i..n) (ESC ] 11 ; rgb:... ended by BEL or ESC \\): true with *rgb. */
static bool osc11_at(const char *b, size_t n, size_t i, uint32_t *rgb)
{
    if (i + 2 >= n || b[i] != '\033' || b[i + 1] != ']')
        return false;
    for (size_t j = i + 2; j < n && j - i < 64; j++) {
        if (b[j] == '\007' || (b[j] == '\033' && j + 1 < n && b[j + 1] == '\\'))
            return key_parse_osc11((const unsigned char *)b + i + 2, j - (i + 2), rgb);
        if (b[j] == '\033')
            return false;
    }
    return false;
}

void doctor_parse_answers(const char *b, size_t n, DoctorAnswers *out)
{
    memset(out, 0, sizeof *out);
    out->paste_mode = out->sgr_mouse_mode = -1;
    for (size_t i = 0; i + 2 < n; i++) {
        uint32_t rgb;
        if (osc11_at(b, n, i, &rgb)) {
            out->bg = true;
            out->bg_rgb[0] = (uint8_t)(rgb >> 16);
            out->bg_rgb[1] = (uint8_t)(rgb >> 8);
            out->bg_rgb[2] = (uint8_t)rgb;
            continue;
        }
        if (b[i] != '\033' || b[i + 1] != '[' || b[i + 2] != '?')
            continue;
        size_t j = i + 3;
        unsigned a = 0, ps = 0;
        if (!num_at(b, n, &j, &a)) {
            continue;
        }
        if (j < n && b[j] == 'u') {                       /* CSI ? flags u */
            out->kitty = true;
            out->kitty_flags = a;
            continue;
        }
        if (j < n && b[j] == ';') {                       /* CSI ? mode ; Ps $ y, or DA1 */
            size_t k = j + 1;
            if (num_at(b, n, &k, &ps) && k + 1 < n && b[k] == '$' && b[k + 1] == 'y') {
                if (a == 2004)
                    out->paste_mode = (int)ps;
                else if (a == 1006)
                    out->sgr_mouse_mode = (int)ps;
                continue;
            }
        }
        while (j < n && ((b[j] >= '0' && b[j] <= '9') || b[j] == ';'))
            j++;
        if (j < n && b[j] == 'c')                          /* CSI ? 6 2 ; ... c */
            out->da1 = true;
    }
}

/* Asks the terminal; false (answers empty) without a terminal. */
static bool ask_terminal(DoctorAnswers *ans)
{
    doctor_parse_answers("", 0, ans);
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct termios old, raw;
    if (tcgetattr(fd, &old) != 0) {
        close(fd);
        return false;
    }
    raw = old;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &raw);
    ssize_t w = write(fd, DOCTOR_QUERY, sizeof DOCTOR_QUERY - 1);
    char buf[1024];
    size_t len = 0;
    uint64_t deadline = clock_now_ns() + (uint64_t)DOCTOR_ASK_MS * NS_PER_MS;
    while (w > 0 && !ans->da1 && len < sizeof buf) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)((deadline - now) / NS_PER_MS) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t k = read(fd, buf + len, sizeof buf - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
        doctor_parse_answers(buf, len, ans);
    }
    tcsetattr(fd, TCSAFLUSH, &old); /* late answers are not left for the shell */
    close(fd);
    return true;
}

static void row(FILE *out, const char *name, const char *value)
{
    fprintf(out, "  %-18s %s\n", name, value);
}

static void fix(FILE *out, const char *text) { fprintf(out, "    -> %s\n", text); }

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static const char *decrpm(int ps)
{
    switch (ps) {
    case -1: return "no answer (flint turns it on anyway)";
    case 0: return "not supported by this terminal";
    case 1: case 3: return "supported (on)";
    case 2: case 4: return "supported";
    default: return "unknown answer";
    }
}

static void section_terminal(FILE *out, const DoctorAnswers *ans, bool asked)
{
    const char *term = getenv("TERM");
    TermCaps caps;
    bool known = term_caps(term, &caps);
    char line[160];
    fprintf(out, "Terminal\n");
    row(out, "TERM", term && *term ? term : "(unset)");
    if (!known) {
        fix(out, "terminfo does not know it: TERM=xterm-256color (or install ncurses-term)");
    } else if (!caps.cup) {
        fix(out, "it cannot move the cursor: flint refuses it; use TERM=xterm-256color");
    }
    const char *ct = env_or("COLORTERM", "");
    bool truecolor = strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0;
    if (!known)
        snprintf(line, sizeof line, "unknown");
    else if (caps.colors <= 0)
        snprintf(line, sizeof line, "none");
    else
        snprintf(line, sizeof line, "%d%s", caps.colors,
                 caps.colors >= 0x1000000 ? " (direct colour)" : "");
    row(out, "colours", line);
    snprintf(line, sizeof line, "%s (COLORTERM=%s; terminfo RGB/Tc: %s)",
             truecolor || caps.rgb || caps.colors >= 0x1000000 ? "yes" : "no", *ct ? ct : "unset",
             caps.rgb ? "yes" : "no");
    row(out, "true colour", line);
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        row(out, "NO_COLOR", "set: attributes only, no colours");
    bool few = false; /* 16 colours or fewer: the terminal theme by default (app/theme_app.h) */
    if (known) { /* what term_start will choose (themes/palette.h) */
        char direct[64];
        const char *dt = term_direct_type(direct, sizeof direct);
        bool nc = getenv("NO_COLOR") && *getenv("NO_COLOR");
        ColourMode mode = colour_mode_pick(dt ? 0x1000000 : caps.colors,
                                           caps.rgb && caps.colors >= 0x1000000, nc);
        snprintf(line, sizeof line, "%s%s%s", colour_mode_name(mode),
                 mode == COLOUR_MONO ? " (attributes only)" : " colours",
                 dt ? " (through terminfo's " : "");
        if (dt)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s)", dt);
        row(out, "flint draws", line);
        few = mode < COLOUR_256;
        if (truecolor && !dt && mode != COLOUR_DIRECT && !nc)
            fix(out, "COLORTERM says truecolor, but terminfo has no *-direct type for this "
                     "TERM: install ncurses-term (xterm-direct) for 24-bit colour");
    }
    if (!asked) {
        row(out, "background", "not asked (no terminal)");
    } else if (ans->bg) {
        bool light = colour_is_light(ans->bg_rgb);
        snprintf(line, sizeof line, "#%02x%02x%02x (%s): the default theme is %s",
                 ans->bg_rgb[0], ans->bg_rgb[1], ans->bg_rgb[2], light ? "light" : "dark",
                 few ? "terminal (16 colours or fewer)" : light ? "light" : "dark");
        row(out, "background", line);
    } else {
        row(out, "background", few ? "not answered (OSC 11): the default theme is terminal"
                                   : "not answered (OSC 11): the default theme is dark");
    }
    if (known && caps.colors < 256 && !truecolor)
        fix(out, "a 256-colour TERM (xterm-256color, tmux-256color) looks better");
    row(out, "bracketed paste", asked ? decrpm(ans->paste_mode) : "not asked (no terminal)");
    row(out, "mouse (SGR 1006)", asked ? decrpm(ans->sgr_mouse_mode) : "not asked");
    if (known && !caps.kmous)
        fix(out, "terminfo has no mouse (kmous): Alt-M turns reporting off if it misbehaves");
    if (!asked)
        row(out, "kitty keys", "not asked (no terminal)");
    else if (!ans->da1 && !ans->kitty)
        row(out, "kitty keys", "no answer within a second (a slow link, or no terminal)");
    else if (ans->kitty) {
        snprintf(line, sizeof line, "yes (flags now %u): flint pushes 'disambiguate', Esc is exact",
                 ans->kitty_flags);
        row(out, "kitty keys", line);
    } else {
        row(out, "kitty keys", "no: a lone ESC at the end of a read is Esc at once");
    }
}

static void section_esc(FILE *out, const Settings *s, const DoctorAnswers *ans,
                        const TmuxOptions *tm, bool in_tmux)
{
    char line[160];
    fprintf(out, "\nEsc\n");
    int ms = s ? s->esc_timeout_ms : 0;
    if (ms > 0)
        snprintf(line, sizeof line, "terminal.esc_timeout_ms = %d: Esc waits %d ms", ms, ms);
    else
        snprintf(line, sizeof line, "terminal.esc_timeout_ms = 0: no wait in flint");
    row(out, "setting", line);
    if (in_tmux && tm->known && tm->escape_time_ms > TMUX_ESCAPE_TIME_NOTICE_MS && !ans->kitty) {
        snprintf(line, sizeof line, "tmux holds Esc for %d ms (escape-time)", tm->escape_time_ms);
        row(out, "delay", line);
        fix(out, "add 'set -sg escape-time 10' to ~/.tmux.conf; Ctrl-G stops at once");
    } else {
        row(out, "delay", "none expected (Ctrl-G never waits)");
    }
}

static void section_tmux(FILE *out, const TmuxOptions *tm, bool in_tmux)
{
    char line[160];
    fprintf(out, "\ntmux\n");
    if (!in_tmux) {
        row(out, "inside tmux", "no (TMUX unset)");
        return;
    }
    if (!tm->known) {
        row(out, "inside tmux", "yes, but 'tmux show' gave no answer");
        return;
    }
    snprintf(line, sizeof line, "%d ms", tm->escape_time_ms);
    row(out, "escape-time", line);
    if (tm->escape_time_ms > TMUX_ESCAPE_TIME_NOTICE_MS)
        fix(out, "set -sg escape-time 10");
    row(out, "extended-keys", *tm->extended_keys ? tm->extended_keys : "(not said)");
    row(out, "set-clipboard", *tm->set_clipboard ? tm->set_clipboard : "(not said)");
    row(out, "allow-passthrough",
        *tm->allow_passthrough ? tm->allow_passthrough : "(not said: tmux < 3.3)");
    row(out, "default-terminal", *tm->default_terminal ? tm->default_terminal : "(not said)");
    if (*tm->default_terminal && !strstr(tm->default_terminal, "256color") &&
        !strstr(tm->default_terminal, "direct"))
        fix(out, "set -g default-terminal tmux-256color");
}

static void section_clipboard(FILE *out, const Settings *s, const TmuxOptions *tm, bool in_tmux)
{
    bool osc52 = s ? s->osc52 : true;
    fprintf(out, "\nClipboard (copy with Ctrl-C)\n");
    ClipRoute r = clipboard_route(osc52, in_tmux, tm->set_clipboard, tm->allow_passthrough);
    switch (r) {
    case CLIP_OFF: row(out, "OSC 52", "off (editor.osc52 = false): copies stay in flint"); break;
    case CLIP_DIRECT:
        row(out, "OSC 52", "sent to the terminal as is");
        fix(out, "the terminal must allow it: kitty, WezTerm, foot, iTerm2 do; xterm");
        fix(out, "needs XTerm*disallowedWindowOps without SetSelection");
        break;
    case CLIP_TMUX_PLAIN: row(out, "OSC 52", "through tmux (set-clipboard on)"); break;
    case CLIP_TMUX_PASSTHROUGH:
        row(out, "OSC 52", "wrapped in tmux's passthrough (allow-passthrough on)");
        break;
    case CLIP_TMUX_NONE:
        row(out, "OSC 52", "tmux would drop it: copies stay in flint");
        fix(out, "set -s set-clipboard on (or set -g allow-passthrough on)");
        break;
    }
}

static void section_host(FILE *out)
{
    char line[200];
    fprintf(out, "\nHost\n");
    const char *conn = getenv("SSH_CONNECTION"), *tty = getenv("SSH_TTY");
    if ((conn && *conn) || (tty && *tty)) {
        snprintf(line, sizeof line, "yes (%s)", conn && *conn ? conn : tty);
        row(out, "over SSH", line);
        fix(out, "OSC 52 is how a copy reaches your own machine's clipboard");
    } else {
        row(out, "over SSH", "no");
    }
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    snprintf(line, sizeof line, "%s (LC_ALL=%s LC_CTYPE=%s LANG=%s)", cs, env_or("LC_ALL", "-"),
             env_or("LC_CTYPE", "-"), env_or("LANG", "-"));
    row(out, "locale", line);
    if (strcmp(cs, "UTF-8") != 0)
        fix(out, "not UTF-8: flint uses C.UTF-8; set LANG=C.UTF-8 (or en_US.UTF-8)");
}

int doctor_run(FILE *out, const Settings *s)
{
    DoctorAnswers ans;
    bool asked = isatty(STDIN_FILENO) && ask_terminal(&ans);
    if (!asked)
        doctor_parse_answers("", 0, &ans);
    bool in_tmux = tmux_inside();
    TmuxOptions tm;
    tmux_options_parse("", 0, &tm);
    if (in_tmux)
        tmux_options_read(&tm);
    fprintf(out, "flint --doctor: what flint finds here, and what to set (->)\n\n");
    section_terminal(out, &ans, asked);
    section_esc(out, s, &ans, &tm, in_tmux);
    section_tmux(out, &tm, in_tmux);
    section_clipboard(out, s, &tm, in_tmux);
    section_host(out);
    return 0;
}
