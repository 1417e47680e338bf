#!/usr/bin/env bash
# The terminal byte budget (issue 10, items 1 and 2): figures beside their targets, never
# asserted (machines here are noisy).
#  1. 20,000 tokens at 1000 tok/s streamed into flint in a 160x45 tmux pane with a real file
#     (session/session.c) in the editor: bytes flint wrote to the terminal during the stream
#     (tmux pipe-pane -O counts exactly what the program writes to its pty) and flint's CPU
#     seconds for the same.
#  2. 200,000 tokens unthrottled (--rate 0) in the same pane: microseconds per token from the
#     turn's own tok/s figure.
# FLINT_ARGS adds options (e.g. FLINT_ARGS=--slow); BUDGET_TERM sets TERM inside tmux.
set -u
BUILD=${1:-build}
export FLINT_BIN=${FLINT_BIN:-$BUILD/flint}
export FLINT_BACKEND=${FLINT_BACKEND:-$BUILD/tests/backend/flint-backend}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FILE=${BUDGET_FILE:-$ROOT/session/session.c}
TOKENS=${BUDGET_TOKENS:-20000}
DRAIN=${BUDGET_DRAIN_TOKENS:-200000}
E2E_COLS=160
E2E_ROWS=45
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init budget
HZ=$(getconf CLK_TCK)
[ -n "${BUDGET_TERM:-}" ] && FLINT_ENV="TERM=$BUDGET_TERM"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
restart() { flint_stop
            [ -n "$BACKEND_PID" ] && { kill "$BACKEND_PID"; wait "$BACKEND_PID"; } 2>/dev/null
            BACKEND_PID=; }
cp "$FILE" "$E2E_DIR/$(basename "$FILE")" # a copy: the swap file and edits stay in the temp dir

# --- 1. bytes and CPU at 1000 tok/s -----------------------------------------------------------
E2E_TAG=-budget
backend_start --rate 1000 --tokens "$TOKENS"
# shellcheck disable=SC2086
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" ${FLINT_ARGS:-} "$E2E_DIR/$(basename "$FILE")"
wait_screen 'connected'
$E2E_TMUX pipe-pane -O -t e2e "cat > '$E2E_DIR/bytes'"
for _ in $(seq 100); do [ -e "$E2E_DIR/bytes" ] && break; sleep 0.05; done
b0=$(stat -c %s "$E2E_DIR/bytes" 2>/dev/null || echo 0)
c0=$(cpu_ticks "$FLINT_PID")
keys C-k; type 'stream the budget answer'; keys Enter
wait_file 'turn: end' "$FLINT_LOG_FILE" 120
c1=$(cpu_ticks "$FLINT_PID")
# The last frame (the "done" state) may still be on its way: wait for the pane to say so.
wait_screen ' done' 10
b1=$(stat -c %s "$E2E_DIR/bytes")
keys C-q; wait_exit 10 >/dev/null
restart

# --- 2. unthrottled drain (BUDGET_DRAIN_TOKENS=0 leaves it out) -------------------------------
d0=0 d1=0
if [ "$DRAIN" -gt 0 ]; then
E2E_TAG=-drain
backend_start --rate 0 --tokens "$DRAIN"
# shellcheck disable=SC2086
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" ${FLINT_ARGS:-} "$E2E_DIR/$(basename "$FILE")"
wait_screen 'connected'
d0=$(cpu_ticks "$FLINT_PID")
keys C-k; type 'stream as fast as you can'; keys Enter
wait_file 'turn: end' "$FLINT_LOG_FILE" 600
d1=$(cpu_ticks "$FLINT_PID")
keys C-q; wait_exit 10 >/dev/null
restart
fi

/usr/bin/python3 - "$E2E_DIR" "$TOKENS" "$DRAIN" "$HZ" "$((b1 - b0))" "$c0" "$c1" "$d0" "$d1" <<'PY'
import re, sys
d, tokens, drain, hz, nbytes, c0, c1, d0, d1 = sys.argv[1:]
hz = float(hz)
end_re = r"turn: end state=\d+ deltas=(\d+) output_tokens=(\d+) ttft_ms=([\d.]+) tok_s=([\d.]+) painted=(\d+)"
def turn(tag):
    log = open(f"{d}/flint-{tag}.log", errors="replace").read()
    e, s = re.search(end_re, log), re.search(r"turn: start painted=(\d+)", log)
    n = int(e[2]) or int(e[1])
    secs = n / float(e[4]) if float(e[4]) > 0 else float("nan")
    return n, secs, int(e[5]) - int(s[1]) if s else 0
n, secs, frames = turn("budget")
cpu = (int(c1) - int(c0)) / hz
dn, dsecs, _ = turn("drain") if int(drain) > 0 else (0, 0, 0)
rows = [
    (f"bytes to the terminal, {n:,} tokens at 1000 tok/s, 160x45", f"{int(nbytes) / 1024:,.0f} KB", "<= 120 KB"),
    ("frames painted during that stream (per s)", f"{frames} ({frames / secs:.0f})" if secs == secs else f"{frames}", ""),
    ("flint CPU seconds for that stream", f"{cpu:.2f} s ({cpu / (secs or 1) * 100:.1f}% of a core)", f"<= {0.5 * secs / 20:.2f} s (2.5%)"),
]
if dn:
    rows += [
        (f"unthrottled drain, {dn:,} tokens", f"{dsecs * 1e6 / dn:.2f} us/token ({dsecs:.2f} s)", "as fast as before (~2 us/token)"),
        ("flint CPU seconds for the drain", f"{(int(d1) - int(d0)) / hz:.2f} s ({(int(d1) - int(d0)) / hz * 1e6 / dn:.2f} us/token)", ""),
    ]
w = max(len(r[0]) for r in rows)
print("\nflint byte budget: a 160x45 tmux pane, session/session.c in the editor\n")
print(f"{'metric':<{w}}  {'value':<30}  target")
print(f"{'-' * w}  {'-' * 30}  {'-' * 14}")
for r in rows:
    print(f"{r[0]:<{w}}  {r[1]:<30}  {r[2]}".rstrip())
PY
