# A terminal played by a test: runs a program on a pty, reads what it writes, answers its
# queries with the bytes a real terminal sends. For what a detached tmux cannot play (kitty
# keyboard answers, OSC 11's background colour). Every wait names the bytes or log line it
# needs and drains the program's output meanwhile (a full pty would block it); the timeouts
# are generous (a loaded 2-core machine, the sanitizer build) and never a measurement.
import fcntl
import os
import re
import select
import struct
import sys
import termios
import time

WAIT_S = 20


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


class PtyTerm:
    """One program on a pty of rows x cols, with env's variables added to the environment
    (None: removed; TMUX always is); out holds everything it wrote."""

    def __init__(self, argv, env, rows=24, cols=80):
        # The test holds the pty's slave too (opened before the fork, sized before the program
        # starts): output still in flight when the program exits is not lost (Linux may drop
        # it when the last slave fd closes).
        self.fd, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(self.fd)
                if hasattr(os, "login_tty"):
                    os.login_tty(self.slave)  # a new session, the pty its terminal, fds 0-2
                else:
                    os.setsid()
                    fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                    for n in (0, 1, 2):
                        os.dup2(self.slave, n)
                os.environ.pop("TMUX", None)
                for k, v in env.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.out = bytearray()
        self.at = 0  # wait_out searches from here; each match moves it past the match
        self.status = None

    def drain(self, secs):
        r, _, _ = select.select([self.fd], [], [], secs)
        if r:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            self.out.extend(data)
            return len(data) > 0
        return True

    def wait_out(self, pat, what, secs=WAIT_S):
        """Until the output after the last match matches pat (bytes regex); returns the match."""
        end = time.monotonic() + secs
        while True:
            m = re.compile(pat, re.S).search(bytes(self.out), self.at)
            if m:
                self.at = m.end()
                return m
            if time.monotonic() >= end:
                break
            self.drain(0.05)
        fail(f"never saw {what}; last bytes {bytes(self.out[-300:])!r}")

    def wait_file(self, path, pat, what, secs=WAIT_S):
        """Until the text file at path matches pat (str regex, multi-line)."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            try:
                with open(path, errors="replace") as f:
                    if re.search(pat, f.read(), re.M):
                        return
            except FileNotFoundError:
                pass
            self.drain(0.05)
        fail(f"never saw {what} in {path}")

    def wait_changed(self, path, old, what, secs=WAIT_S):
        """Until the file at path holds bytes other than old (a save: written whole)."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            try:
                with open(path, "rb") as f:
                    now = f.read()
                if now != old:
                    return now
            except FileNotFoundError:
                pass
            self.drain(0.05)
        fail(f"never saw {what}")

    def write(self, data):
        os.write(self.fd, data)

    @staticmethod
    def _tty_bytes(log):
        try:
            with open(log, errors="replace") as f:
                return sum(int(n) for n in re.findall(r"^\S+ tty: (\d+) bytes", f.read(), re.M))
        except FileNotFoundError:
            return 0

    def write_read(self, data, log, secs=WAIT_S):
        """Writes data and waits until flint has read all of it (the "tty: N bytes" lines of
        its log, FLINT_LOG), so whatever the test writes next comes in another read."""
        before = self._tty_bytes(log)
        os.write(self.fd, data)
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if self._tty_bytes(log) - before >= len(data):
                return
            self.drain(0.01)
        fail(f"flint never read {data!r} (no 'tty:' line in {log})")

    def wait_exit(self, what, secs=WAIT_S):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = status
                while self.drain(0.01) and select.select([self.fd], [], [], 0)[0]:
                    pass
                os.close(self.slave)
                os.close(self.fd)
                return os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            self.drain(0.05)
        fail(f"{what}: the program did not exit")
