#!/usr/bin/env bash
# The background colour asked with OSC 11, end to end, with a terminal played by a pty
# harness (tests/e2e/pty_term.py; a detached tmux does not answer OSC 11). flint's query after
# the first frame is ESC ] 11 ; ? ST, CSI ? u, DA1; the harness answers as terminals do (xterm
# and kitty end OSC 11's answer with the query's ST, rxvt and others with BEL; 4 or 2 hex
# digits a component), or not at all. Each run types a few keys, saves with Ctrl-S and
# byte-compares the file (no reply is ever typed into the buffer), quits with Ctrl-Q, and
# reads flint's log:
#   a) a light background (rgb:ffff/ffff/ffff ST; rgb:fd/f6/e3 BEL): "term: background ...
#      light", and the light theme once (a second answer changes nothing);
#   b) a dark background: dark stays (no theme line);
#   c) OSC 11 ignored (DA1 only), and a terminal that answers nothing: dark, keys typed;
#   d) --theme solarized-dark, "theme" in the settings file, a theme chosen with Alt-T: a
#      light answer changes nothing ("theme": "auto" is the automatic choice);
#   e) a reply split across two reads (in its payload, before its ST), one after typed keys,
#      one among keys in a read, one after DA1's (out of order): decoded, never typed;
# and flint --doctor on the same pty names the background (light, dark, or not answered).
# Every step waits for the bytes, log line or file it needs; no sleeps.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init osc11
backend_start --rate 0
/usr/bin/python3 - "$(dirname "$0")" "$FLINT_BIN" "$BACKEND_PORT" "$E2E_DIR" <<'PY' || fail "the OSC 11 terminal harness failed"
import os, re, sys
sys.path.insert(0, sys.argv[1])
from pty_term import PtyTerm, fail
flint, port, d = sys.argv[2:]

QUERY = rb"\x1b\]11;\?\x1b\\\x1b\[\?u\x1b\[c"
DA1 = b"\x1b[?62;22c"                     # a VT220-class terminal with ANSI colour
WHITE_ST = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"
CREAM_BEL = b"\x1b]11;rgb:fd/f6/e3\x07"   # solarized light's base3, 2 digits a component
BLACK_ST = b"\x1b]11;rgb:0000/0000/0000\x1b\\"
GREY_BEL = b"\x1b]11;rgb:1c1c/1c1c/1c1c\x07"
SAVE, QUIT = b"\x13", b"\x11"             # Ctrl-S, Ctrl-Q
os.makedirs(f"{d}/config", exist_ok=True)  # no user settings


def start(name, args=()):
    path = f"{d}/{name}.txt"
    with open(path, "wb") as f:
        f.write(b"x\n")
    log = f"{d}/{name}.log"
    # Each run its own state: a theme one run chooses (Alt-T) is remembered (look.conf) and
    # would keep the next run's light answer from switching.
    env = {"TERM": "xterm-256color", "FLINT_LOG": log, "XDG_STATE_HOME": f"{d}/state-{name}",
           "XDG_CONFIG_HOME": f"{d}/config", "FLINT_WARMUP": "0", "COLORTERM": None}
    t = PtyTerm([flint, "--url", f"ws://127.0.0.1:{port}/v1", *args, path], env)
    t.name, t.path, t.log = name, path, log
    t.wait_out(QUERY, f"{name}: the OSC 11 + kitty + DA1 query")
    return t


def finish(t, want, light=None, theme_lines=0):
    """Saves, byte-compares the file with want, quits; then the log: one background line
    (light True/False) or none (None), and theme_lines switches to light."""
    t.write(SAVE)
    got = t.wait_changed(t.path, b"x\n", f"{t.name}: the save")
    if got != want:
        fail(f"{t.name}: the file holds {got!r}, not {want!r}")
    t.write(QUIT)
    rc = t.wait_exit(t.name)
    if rc != 0:
        fail(f"{t.name}: flint exited {rc}")
    log = open(t.log, errors="replace").read()
    bg = re.findall(r"term: background #[0-9a-f]{6} lightness \d+: (light|dark)$", log, re.M)
    if bg != ([] if light is None else ["light" if light else "dark"]):
        fail(f"{t.name}: background lines {bg}, log:\n{log}")
    n = len(re.findall(r"^\S+ theme: light \(the terminal's background is light\)$", log, re.M))
    if n != theme_lines:
        fail(f"{t.name}: {n} switches to light (want {theme_lines}), log:\n{log}")


# a) light: ST and the 4-digit form; then a second (dark) answer changes nothing.
t = start("light_st")
t.write(WHITE_ST + DA1)
t.wait_file(t.log, r"term: background #ffffff lightness \d+: light$", "light_st: the background")
t.wait_file(t.log, r"theme: light ", "light_st: the light theme")
t.write(BLACK_ST + b"a")
finish(t, b"ax\n", light=True, theme_lines=1)

# a) light: BEL and the 2-digit form.
t = start("light_bel")
t.write(CREAM_BEL + DA1)
t.wait_file(t.log, r"term: background #fdf6e3 lightness \d+: light$", "light_bel: the background")
t.wait_file(t.log, r"theme: light ", "light_bel: the light theme")
t.write(b"ok")
finish(t, b"okx\n", light=True, theme_lines=1)

# b) dark, in both forms.
for name, reply, rgb in (("dark_st", BLACK_ST, "000000"), ("dark_bel", GREY_BEL, "1c1c1c")):
    t = start(name)
    t.write(reply + DA1)
    t.wait_file(t.log, rf"term: background #{rgb} lightness \d+: dark$", f"{name}: the background")
    t.write(b"d")
    finish(t, b"dx\n", light=False)

# c) OSC 11 ignored: DA1 decides the keys; typed keys reach the buffer, dark stays.
t = start("no_osc11")
t.write(DA1)
t.wait_file(t.log, r"term: kitty=0 flags=0 esc=at-once$", "no_osc11: DA1's answer taken")
t.write(b"hello")
finish(t, b"hellox\n")

# c) a terminal that answers nothing at all.
t = start("silent")
t.write(b"hi")
finish(t, b"hix\n")

# d) a theme the user chose: --theme, then the settings file.
t = start("theme_flag", ["--theme", "solarized-dark"])
t.write(WHITE_ST + DA1)
t.wait_file(t.log, r"term: background #ffffff lightness \d+: light$", "theme_flag: the background")
t.write(b"s")
finish(t, b"sx\n", light=True)

cfg = f"{d}/theme.json"
with open(cfg, "w") as f:
    f.write('{ "theme": "solarized-dark" }\n')
t = start("theme_settings", ["--config", cfg])
t.write(CREAM_BEL + DA1)
t.wait_file(t.log, r"term: background #fdf6e3 lightness \d+: light$", "theme_settings: the background")
t.write(b"s")
finish(t, b"sx\n", light=True)

# ... while "theme": "auto" in the settings file is the automatic choice.
with open(cfg, "w") as f:
    f.write('{ "theme": "auto" }\n')
t = start("theme_auto", ["--config", cfg])
t.write(WHITE_ST + DA1)
t.wait_file(t.log, r"theme: light ", "theme_auto: the light theme")
t.write(b"s")
finish(t, b"sx\n", light=True, theme_lines=1)

# d) a theme chosen in the theme list (Alt-T, Down twice, Enter) before a late answer.
t = start("theme_list")
t.write(DA1)
t.wait_file(t.log, r"term: kitty=0 flags=0 esc=at-once$", "theme_list: DA1's answer taken")
# Keys are handled in the read that brings them: once read, the choice is made. (Had the list
# not opened, the light theme would come, and Enter would be in the file.)
t.write_read(b"\x1bt\x1b[B\x1b[B\r", t.log)
t.write(CREAM_BEL)
t.wait_file(t.log, r"term: background #fdf6e3 lightness \d+: light$", "theme_list: the background")
t.write(b"z")
finish(t, b"zx\n", light=True)

# e) split in its payload, across two reads.
t = start("split_payload")
t.write_read(b"\x1b]11;rgb:ffff/ff", t.log)
t.write(b"ff/ffff\x1b\\" + DA1 + b"k")
t.wait_file(t.log, r"theme: light ", "split_payload: the light theme")
finish(t, b"kx\n", light=True, theme_lines=1)

# e) split between the ESC and the backslash of its ST.
t = start("split_st")
t.write_read(b"\x1b]11;rgb:fd/f6/e3\x1b", t.log)
t.write(b"\\" + DA1 + b"k")
t.wait_file(t.log, r"theme: light ", "split_st: the light theme")
finish(t, b"kx\n", light=True, theme_lines=1)

# e) keys typed before the answers come, and keys in the same read as the answer.
t = start("typed_first")
t.write_read(b"abc", t.log)
t.write(b"1" + CREAM_BEL + b"2" + DA1)
t.wait_file(t.log, r"theme: light ", "typed_first: the light theme")
t.write(b"d")
finish(t, b"abc12dx\n", light=True, theme_lines=1)

# e) OSC 11's answer after DA1's (out of order), after typed keys, split, while a
# lone ESC at the end of a read would be the Esc key at once.
t = start("late")
t.write(DA1)
t.wait_file(t.log, r"term: kitty=0 flags=0 esc=at-once$", "late: DA1's answer taken")
t.write_read(b"ab", t.log)
t.write_read(b"\x1b]11;rgb:ffff/ffff/ff", t.log)
t.write(b"ff\x1b\\c")
t.wait_file(t.log, r"theme: light ", "late: the light theme")
finish(t, b"abcx\n", light=True, theme_lines=1)

# The doctor asks the same terminal: OSC 11, kitty, DECRQM 2004 and 1006, DA1.
DOCTOR_QUERY = rb"\x1b\]11;\?\x1b\\\x1b\[\?u\x1b\[\?2004\$p\x1b\[\?1006\$p\x1b\[c"
DECRPM = b"\x1b[?2004;2$y\x1b[?1006;2$y"
for name, reply, want in (
        ("doctor_light", CREAM_BEL, rb"background +#fdf6e3 \(light\): the default theme is light\r\n"),
        ("doctor_dark", BLACK_ST, rb"background +#000000 \(dark\): the default theme is dark\r\n"),
        ("doctor_none", b"", rb"background +not answered \(OSC 11\): the default theme is dark\r\n"),
        ("doctor_silent", None, rb"background +not answered \(OSC 11\): the default theme is dark\r\n")):
    t = PtyTerm([flint, "--doctor"], {"TERM": "xterm-256color", "XDG_CONFIG_HOME": f"{d}/config"})
    t.wait_out(DOCTOR_QUERY, f"{name}: the doctor's query")
    if reply is not None:  # None: a terminal that answers nothing (the doctor waits 1 s)
        t.write(reply + DECRPM + DA1)
    rc = t.wait_exit(name)
    if rc != 0:
        fail(f"{name}: flint --doctor exited {rc}")
    t.at = 0
    t.wait_out(want, f"{name}: the background in the doctor's report", secs=0)
    t.wait_out(rb"bracketed paste +supported\r\n" if reply is not None else
               rb"kitty keys +no answer within a second", f"{name}: the other answers", secs=0)
print("harness: light once (ST, BEL, 2 digits), dark stays, no answer, a chosen theme wins, "
      "split and late answers never typed, the doctor")
PY
echo "ok: OSC 11's answer picks the theme once, never typed into the buffer"
