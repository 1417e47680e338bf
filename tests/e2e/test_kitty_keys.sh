#!/usr/bin/env bash
# A terminal that speaks the kitty keyboard protocol, played by a pty harness (tmux does not
# speak it): flint's query (CSI ? u, then DA1) is answered "flags 0" + DA1; flint pushes the
# disambiguate flag (CSI > 1 u); Esc sent as CSI 27 u stops a stream (the backend logs the
# Close); SIGTSTP pops the flag (CSI < u) before flint stops, SIGCONT pushes it again; Ctrl-Q
# sent as CSI 113 ; 5 u quits and pops it; a crash (SIGABRT) pops it from the crash handler.
# Every step waits for the bytes or log line it needs.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init kitty
printf 'x\n' >"$E2E_DIR/main.c"
backend_start --rate 20 --tokens 100000
FLINT_LOG_FILE=$E2E_DIR/flint.log
/usr/bin/python3 - "$FLINT_BIN" "$BACKEND_PORT" "$E2E_DIR" "$BACKEND_LOG" <<'PY' || fail "the kitty terminal harness failed"
import os, pty, re, select, signal, struct, sys, fcntl, termios, time
flint, port, d, blog = sys.argv[1:]

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

def run(crash):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TMUX", None)
        os.environ["FLINT_LOG"] = f"{d}/flint{'-crash' if crash else ''}.log"
        os.execv(flint, [flint, "--url", f"ws://127.0.0.1:{port}/v1", f"{d}/main.c"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = bytearray()

    def wait_out(pat, since, what, secs=10):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            m = re.search(pat, bytes(out[since:]), re.S)
            if m:
                return since + m.end()
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    break
        fail(f"never saw {what}; last bytes {bytes(out[-200:])!r}")

    def wait_file(path, pat, what, secs=10):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            try:
                if re.search(pat, open(path, errors="replace").read(), re.M):
                    return
            except FileNotFoundError:
                pass
            r, _, _ = select.select([fd], [], [], 0.05)  # keep draining flint's output
            if r:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    pass
        fail(f"never saw {what} in {path}")

    at = wait_out(rb"\x1b\[\?u\x1b\[c", 0, "the kitty + DA1 query")
    os.write(fd, b"\x1b[?0u\x1b[?62;22c")
    at = wait_out(rb"\x1b\[>1u", at, "the push of the disambiguate flag")
    log = os.environ.get("FLINT_LOG")
    if crash:
        # Hold the pty's slave open too: when the last slave fd closes with the process,
        # Linux may drop output still in flight, and the reset written just before the
        # process dies would be lost to the harness, not to a real terminal.
        slave = os.open(f"/proc/{pid}/fd/0", os.O_RDWR | os.O_NOCTTY)
        os.kill(pid, signal.SIGABRT)
        wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", at, "the pop from the crash handler, then the reset")
        os.waitpid(pid, 0)
        os.close(slave)
        return
    wait_file(f"{d}/flint.log", r"term: kitty=1 flags=0 esc=kitty", "kitty chosen")
    wait_file(f"{d}/flint.log", r"link: up", "the link")
    os.write(fd, b"\x0btell me a story\r")
    wait_file(blog, r"stream conn=1 ", "the stream")
    os.write(fd, b"\x1b[27u")                        # Esc, as the flag sends it
    wait_file(blog, r"close conn=1 code=1000", "the Close after Esc")
    os.kill(pid, signal.SIGTSTP)
    at = wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", at, "the pop on suspend, on the alternate screen")
    end = time.monotonic() + 10                      # stopped (state T), as a shell sees it
    while open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "T":
        if time.monotonic() > end:
            fail("flint did not stop on SIGTSTP")
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            out.extend(os.read(fd, 65536))
    os.kill(pid, signal.SIGCONT)
    at = wait_out(rb"\x1b\[\?1049h.*\x1b\[<u\x1b\[>1u", at,
                  "the push on resume, back on the alternate screen")
    os.write(fd, b"\x1b[113;5u")                     # Ctrl-Q
    wait_out(rb"\x1b\[<u.*\x1b\[\?1049l", at, "the pop on exit, before leaving the alternate screen")
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        fail(f"flint exited with {status}")

run(False)
run(True)
print("harness: push, Esc as CSI 27 u, pop on suspend / resume push / pop on exit and crash")
PY
echo "ok: kitty keys pushed and popped on every way out"
