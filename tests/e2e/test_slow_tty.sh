#!/usr/bin/env bash
# A slow terminal (issue 10): flint runs under a pty harness (python3) that drains what flint
# writes at 50 KB/s, like an SSH link, while 1000 tok/s stream. Ctrl-G and then Esc must still
# reach the server at once (the backend's "close conn=N code=1000" line: keys and the network
# never wait for the terminal), and flint's memory stays flat while the terminal lags (frames
# coalesce; nothing queues up per token). Waits are for events (log lines, bytes drained);
# the figures are printed, never asserted as timings.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init slowtty
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
printf 'int main(void) { return 0; }\n' >"$E2E_DIR/main.c"
backend_start --rate 1000 --tokens 200000
/usr/bin/env python3 - "$FLINT_BIN" "$BACKEND_PORT" "$BACKEND_LOG" "$E2E_DIR" <<'PY' || fail "the pty harness failed"
import fcntl, os, pty, re, select, struct, sys, termios, time

flint, port, blog, d = sys.argv[1:]
flog = f"{d}/flint-slowtty.log"
RATE = 50 * 1024           # bytes/s the "link" drains
env = dict(os.environ, TERM="xterm-256color", FLINT_LOG=flog, XDG_STATE_HOME=f"{d}/state",
           LANG="C.UTF-8", LC_ALL="C.UTF-8")
env.pop("TMUX", None)
# Under AddressSanitizer freed memory sits in its quarantine and shadow memory grows with the
# heap: RSS then says nothing about flint's own memory, so it is printed, not checked.
asan = b"__asan_init" in open(flint, "rb").read()
if asan:
    env["ASAN_OPTIONS"] = "quarantine_size_mb=0:" + env.get("ASAN_OPTIONS", "")
pid, fd = pty.fork()
if pid == 0:
    os.execve(flint, [flint, "--url", f"ws://127.0.0.1:{port}/v1", f"{d}/main.c"], env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))

drained = 0
budget, last = 0.0, time.monotonic()
tail = b""  # the end of the last read: a query split across two reads is still seen
def pump(secs=0.02):
    """Reads what flint wrote, at most RATE bytes/s; answers the DA1 query (no kitty keys)."""
    global drained, budget, last, tail
    r, _, _ = select.select([fd], [], [], secs)
    now = time.monotonic()
    budget = min(budget + (now - last) * RATE, RATE / 10)
    last = now
    if r and budget >= 1:
        try:
            data = os.read(fd, int(budget))
        except OSError:
            raise SystemExit("flint's pty closed")
        budget -= len(data)
        drained += len(data)
        if drained < 65536:
            with open(f"{d}/tty-start.bin", "ab") as f:  # what flint wrote first (on failure)
                f.write(data)
        if b"\x1b[c" in tail + data:
            os.write(fd, b"\x1b[?62;22c")
        tail = data[-2:]

def text(path):
    try:
        return open(path, errors="replace").read()
    except FileNotFoundError:
        return ""

def wait_for(path, regex, what, limit=60):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        m = re.search(regex, text(path), re.M)
        if m:
            return m
        pump()
    raise SystemExit(f"never saw {what} ({regex}) in {path}")

def wait_drained(n):
    target = drained + n
    end = time.monotonic() + 120
    while drained < target and time.monotonic() < end:
        pump()
    if drained < target:
        raise SystemExit(f"flint wrote only {drained} bytes")

def rss_kb():
    m = re.search(r"^VmRSS:\s+(\d+)", text(f"/proc/{pid}/status"), re.M)
    return int(m[1]) if m else 0

def ask(conn, q):
    wait_for(blog, rf"open conn={conn}$", f"connection {conn}")
    # Ctrl-K, the question, Enter: keys are handled in order however the reads split them.
    os.write(fd, b"\x0b" + q.encode() + b"\r")
    wait_for(blog, rf"stream conn={conn} ", f"the stream on connection {conn}")

def interrupt(conn, key, name):
    # The answer keeps streaming while the terminal lags: let a few hundred tokens arrive and
    # the drained bytes run on before the key.
    wait_for(flog, r"^[\d.]+ tty: ", "any key")  # the log exists
    n0 = len(re.findall(rf"tty: \d+ bytes, first {key.hex()}", text(flog)))
    wait_drained(20 * 1024)
    os.write(fd, key)
    m = wait_for(blog, rf"^([\d.]+) close conn={conn} code=1000", f"{name}'s Close frame")
    keys = re.findall(rf"^([\d.]+) tty: \d+ bytes, first {key.hex()}", text(flog), re.M)
    if len(keys) > n0:
        print(f"slow tty: {name} -> server got Close: {(float(m[1]) - float(keys[n0])) * 1000:.2f} ms"
              f" (terminal drained at {RATE // 1024} KB/s, {drained // 1024} KB so far)")

wait_for(flog, r"link: up", "the connection")
ask(1, "stream while the terminal lags")
wait_drained(16 * 1024)
rss0 = rss_kb()
wait_drained(64 * 1024)                     # seconds of streaming into a lagging terminal
rss1 = rss_kb()
interrupt(1, b"\x07", "Ctrl-G")
ask(2, "stream again while the terminal lags")
wait_drained(64 * 1024)
rss2 = rss_kb()
interrupt(2, b"\x1b", "Esc")
print(f"slow tty: flint RSS {rss0} KB -> {rss1} KB -> {rss2} KB while streaming into a "
      f"{RATE // 1024} KB/s terminal")
os.write(fd, b"\x11")                       # Ctrl-Q
end = time.monotonic() + 20
while time.monotonic() < end:
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        break
    if done:
        break
    try:
        pump()
    except SystemExit:
        pass
else:
    raise SystemExit("flint did not quit")
if rss2 > rss0 + 16 * 1024 and not asan:
    raise SystemExit(f"memory grew while the terminal lagged: {rss0} KB -> {rss2} KB")
PY
echo "ok: with the terminal draining at 50 KB/s, Ctrl-G and Esc reach the server, memory stays flat"
