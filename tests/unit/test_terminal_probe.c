/* What flint learns about its terminal, as pure functions: tmux's `show` output
 * (tmux_options_parse: the five options, quoting, CRLF, junk, an old tmux that lacks some),
 * the escape-time notice (when it is due, what it names), the clipboard route from the parsed
 * options, the doctor's parse of the terminal's answers (kitty flags, DECRPM for bracketed
 * paste and SGR mouse, DA1; split among other bytes), and terminal.esc_timeout_ms in the
 * settings file. The tmux child itself runs in tests/e2e/test_esc.sh. */
#include <stdlib.h>
#include <string.h>

#include "app/clipboard.h"
#include "app/doctor.h"
#include "app/tmux_opts.h"
#include "harness.h"
#include "session/settings.h"

static const char tmux_out[] =
    "backspace C-?\n"
    "buffer-limit 50\n"
    "default-terminal \"tmux-256color\"\n"
    "escape-time 500\n"
    "exit-empty on\n"
    "extended-keys off\n"
    "set-clipboard external\n"
    "terminal-features[0] xterm*:clipboard:ccolour:cstyle:focus:title\n"
    "status-format[0] \"#[align=left range=left #{E:status-left-style}]\"\n"
    "allow-passthrough off\n";

static void test_parse_tmux(void)
{
    TmuxOptions o;
    tmux_options_parse(tmux_out, sizeof tmux_out - 1, &o);
    CHECK(o.known);
    CHECK_INT_EQ(o.escape_time_ms, 500);
    CHECK_STR_EQ(o.extended_keys, "off");
    CHECK_STR_EQ(o.set_clipboard, "external");
    CHECK_STR_EQ(o.allow_passthrough, "off");
    CHECK_STR_EQ(o.default_terminal, "tmux-256color");

    /* CRLF, no final newline, an old tmux without allow-passthrough */
    static const char crlf[] = "escape-time 10\r\nset-clipboard on\r\ndefault-terminal screen";
    tmux_options_parse(crlf, sizeof crlf - 1, &o);
    CHECK(o.known && o.escape_time_ms == 10);
    CHECK_STR_EQ(o.set_clipboard, "on");
    CHECK_STR_EQ(o.allow_passthrough, "");
    CHECK_STR_EQ(o.default_terminal, "screen");

    /* nothing useful: unknown */
    static const char junk[] = "escape-time lots\nescape-time\n\n\x01\x02 \nfoo bar\n";
    tmux_options_parse(junk, sizeof junk - 1, &o);
    CHECK(!o.known);
    CHECK_INT_EQ(o.escape_time_ms, -1);
    tmux_options_parse("", 0, &o);
    CHECK(!o.known);
    /* a long value is cut, never overflows */
    char big[300];
    memset(big, 'x', sizeof big);
    memcpy(big, "default-terminal ", 17);
    tmux_options_parse(big, sizeof big, &o);
    CHECK_INT_EQ(strlen(o.default_terminal), sizeof o.default_terminal - 1);
}

static void test_notice(void)
{
    TmuxOptions o;
    tmux_options_parse(tmux_out, sizeof tmux_out - 1, &o);
    char msg[256];
    CHECK(tmux_esc_notice(&o, false, msg, sizeof msg));
    CHECK(strstr(msg, "500 ms") != NULL);
    CHECK(strstr(msg, "tmux set -sg escape-time 10") != NULL); /* a shell command: at once */
    CHECK(strlen(msg) <= 55); /* whole at 80 columns beside a file name and the link state */
    CHECK(strstr(msg, "Ctrl-G") != NULL);
    CHECK(!tmux_esc_notice(&o, true, msg, sizeof msg)); /* kitty keys: Esc is exact */
    o.escape_time_ms = TMUX_ESCAPE_TIME_NOTICE_MS;
    CHECK(!tmux_esc_notice(&o, false, msg, sizeof msg));
    o.escape_time_ms = TMUX_ESCAPE_TIME_NOTICE_MS + 1;
    CHECK(tmux_esc_notice(&o, false, msg, sizeof msg));
    tmux_options_parse("", 0, &o); /* tmux did not answer: nothing said */
    CHECK(!tmux_esc_notice(&o, false, msg, sizeof msg));
}

static void test_clipboard_from_options(void)
{
    Clipboard c = {0};
    TmuxOptions o;
    static const char on[] = "set-clipboard on\n";
    tmux_options_parse(on, sizeof on - 1, &o);
    setenv("TMUX", "/tmp/tmux-1/default,1,0", 1);
    clipboard_apply(&c, true, NULL); /* not known yet: internal only */
    CHECK_INT_EQ(c.route, CLIP_OFF);
    clipboard_apply(&c, true, &o);
    CHECK_INT_EQ(c.route, CLIP_TMUX_PLAIN);
    tmux_options_parse(tmux_out, sizeof tmux_out - 1, &o);
    clipboard_apply(&c, true, &o);
    CHECK_INT_EQ(c.route, CLIP_TMUX_NONE);
    unsetenv("TMUX");
    clipboard_apply(&c, true, NULL);
    CHECK_INT_EQ(c.route, CLIP_DIRECT);
    clipboard_apply(&c, false, NULL);
    CHECK_INT_EQ(c.route, CLIP_OFF);
}

static void test_doctor_answers(void)
{
    static const char all[] = "x\033[?1u\033[?2004;2$y\033[?1006;0$yq\033[?62;22;52c";
    DoctorAnswers a;
    doctor_parse_answers(all, sizeof all - 1, &a);
    CHECK(a.kitty && a.kitty_flags == 1);
    CHECK_INT_EQ(a.paste_mode, 2);
    CHECK_INT_EQ(a.sgr_mouse_mode, 0);
    CHECK(a.da1);
    CHECK(!a.bg);
    /* OSC 11's answer, by BEL or ST, among the others */
    static const char bg[] = "\033]11;rgb:fdfd/f6f6/e3e3\033\\\033[?62c";
    doctor_parse_answers(bg, sizeof bg - 1, &a);
    CHECK(a.bg && a.bg_rgb[0] == 0xfd && a.bg_rgb[1] == 0xf6 && a.bg_rgb[2] == 0xe3 && a.da1);
    static const char bg_bel[] = "\033[?1u\033]11;rgb:00/2b/36\007";
    doctor_parse_answers(bg_bel, sizeof bg_bel - 1, &a);
    CHECK(a.bg && a.bg_rgb[2] == 0x36 && a.kitty);
    doctor_parse_answers("\033]11;rgb:00/2b", 15, &a); /* cut: nothing */
    CHECK(!a.bg);
    /* a terminal that knows none of it answers only DA1 */
    doctor_parse_answers("\033[?1;2c", 7, &a);
    CHECK(a.da1 && !a.kitty);
    CHECK_INT_EQ(a.paste_mode, -1);
    CHECK_INT_EQ(a.sgr_mouse_mode, -1);
    /* cut anywhere: what is whole is found, nothing read past the end */
    for (size_t n = 0; n <= sizeof all - 1; n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, all, n);
        doctor_parse_answers(copy, n, &a);
        CHECK(!a.da1 || n == sizeof all - 1);
        free(copy);
    }
}

static void test_setting(void)
{
    Settings s;
    settings_init(&s);
    CHECK_INT_EQ(s.esc_timeout_ms, 0);
    ErrorBuf err = {{0}};
    static const char ok[] = "{ \"terminal\": { \"esc_timeout_ms\": 50 } }";
    CHECK(settings_parse(&s, "c.json", ok, sizeof ok - 1, &err));
    CHECK_INT_EQ(s.esc_timeout_ms, 50);
    StrBuf out = {0};
    settings_print(&s, &out);
    CHECK(strstr(sb_cstr(&out), "\"esc_timeout_ms\":\t50") != NULL);
    sb_free(&out);
    settings_clear(&s);
    settings_init(&s);
    static const char bad[] = "{\n \"terminal\": { \"esc_timeout_ms\": -1 } }";
    CHECK(!settings_parse(&s, "c.json", bad, sizeof bad - 1, &err));
    CHECK(strstr(err.msg, "c.json:2") != NULL);
    CHECK(strstr(err.msg, "terminal.esc_timeout_ms") != NULL);
    settings_clear(&s);
}

int main(void)
{
    RUN(test_parse_tmux);
    RUN(test_notice);
    RUN(test_clipboard_from_options);
    RUN(test_doctor_answers);
    RUN(test_setting);
    return harness_done();
}
