#!/usr/bin/env bash
# A terminal that speaks the kitty keyboard protocol, played by a pty harness (tmux does not
# speak it): flint's query (CSI ? u, then DA1) is answered "flags 0" + DA1; flint pushes the
# disambiguate flag (CSI > 1 u); Esc sent as CSI 27 u stops a stream (the backend logs the
# Close); SIGTSTP pops the flag (CSI < u) before flint stops, SIGCONT pushes it again; Ctrl-Q
# sent as CSI 113 ; 5 u quits and pops it; a crash (SIGABRT) pops it from the crash handler.
# Every step waits for the bytes or log line it needs. The harness is tests/e2e/pty_term.py.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init kitty
printf 'x\n' >"$E2E_DIR/main.c"
backend_start --rate 20 --tokens 100000
/usr/bin/python3 - "$(dirname "$0")" "$FLINT_BIN" "$BACKEND_PORT" "$E2E_DIR" "$BACKEND_LOG" <<'PY' || fail "the kitty terminal harness failed"
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from pty_term import PtyTerm, fail
flint, port, d, blog = sys.argv[2:]

def run(crash):
    log = f"{d}/flint{'-crash' if crash else ''}.log"
    t = PtyTerm([flint, "--url", f"ws://127.0.0.1:{port}/v1", f"{d}/main.c"],
                {"TERM": "xterm-256color", "FLINT_LOG": log, "XDG_STATE_HOME": f"{d}/state",
                 "XDG_CONFIG_HOME": f"{d}/config"})
    t.wait_out(rb"\x1b\[\?u\x1b\[c", "the kitty + DA1 query")
    t.write(b"\x1b[?0u\x1b[?62;22c")
    t.wait_out(rb"\x1b\[>1u", "the push of the disambiguate flag")
    if crash:
        # PtyTerm holds the pty's slave open too: the reset written just before the process
        # dies reaches the harness, as it would a real terminal.
        os.kill(t.pid, signal.SIGABRT)
        t.wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", "the pop from the crash handler, then the reset")
        t.wait_exit("the crash")
        return
    t.wait_file(log, r"term: kitty=1 flags=0 esc=kitty", "kitty chosen")
    t.wait_file(log, r"link: up", "the link")
    t.write(b"\x0btell me a story\r")
    t.wait_file(blog, r"stream conn=1 ", "the stream")
    t.write(b"\x1b[27u")                        # Esc, as the flag sends it
    t.wait_file(blog, r"close conn=1 code=1000", "the Close after Esc")
    os.kill(t.pid, signal.SIGTSTP)
    t.wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", "the pop on suspend, on the alternate screen")
    end = time.monotonic() + 20                  # stopped (state T), as a shell sees it
    while open(f"/proc/{t.pid}/stat").read().rsplit(")", 1)[1].split()[0] != "T":
        if time.monotonic() > end:
            fail("flint did not stop on SIGTSTP")
        t.drain(0.01)
    os.kill(t.pid, signal.SIGCONT)
    t.wait_out(rb"\x1b\[\?1049h.*\x1b\[<u\x1b\[>1u",
               "the push on resume, back on the alternate screen")
    t.write(b"\x1b[113;5u")                     # Ctrl-Q
    t.wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", "the pop on exit, before leaving the alternate screen")
    rc = t.wait_exit("Ctrl-Q")
    if rc != 0:
        fail(f"flint exited with {rc}")

run(False)
run(True)
print("harness: push, Esc as CSI 27 u, pop on suspend / resume push / pop on exit and crash")
PY
echo "ok: kitty keys pushed and popped on every way out"
