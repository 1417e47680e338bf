#!/usr/bin/env bash
# Start-up to first frame (make bench): exec of flint -> its first frame painted (the render
# thread's first doupdate, "term: first frame painted" in FLINT_LOG). A wrapper records
# CLOCK_MONOTONIC just before it execs flint; flint's log lines carry the same clock.
# Runs: ws:// to a running flint-backend, wss:// to a port nothing listens on (the TLS client
# context is made after the first frame, so what the server does is beside the point), and
# --api chat with http://; all with $TMUX unset (flint then skips its `tmux show` clipboard
# probe, a child process of ~10 ms), and ws:// once more with it set. Figures, not assertions; median and max of BENCH_STARTUP_RUNS.
set -u
BUILD=${1:-build}
export FLINT_BIN=${FLINT_BIN:-$BUILD/flint}
export FLINT_BACKEND=${FLINT_BACKEND:-$BUILD/tests/backend/flint-backend}
RUNS=${BENCH_STARTUP_RUNS:-15}
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init startup
REAL_FLINT=$(readlink -f "$FLINT_BIN")
WRAP=$E2E_DIR/flint-exec
cat >"$WRAP" <<PYEOF
#!/usr/bin/python3
import os, sys, time
if os.environ.pop("BENCH_NO_TMUX", None):
    os.environ.pop("TMUX", None)  # as in a plain terminal: no tmux clipboard probe
t = time.monotonic()
with open("$E2E_DIR/exec.t", "a") as f:
    f.write("%.6f\n" % t)
os.execv("$REAL_FLINT", ["flint"] + sys.argv[1:])
PYEOF
chmod +x "$WRAP"
printf 'int main(void) { return 0; }\n' >"$E2E_DIR/main.c"
backend_start
FLINT_BIN=$WRAP

run() { # tag, flint args...
  local tag=$1; shift
  E2E_TAG=-$tag
  : >"$E2E_DIR/exec.t"
  local i out=""
  for ((i = 0; i < RUNS; i++)); do
    : >"$E2E_DIR/exec.t"
    flint_start "$@" "$E2E_DIR/main.c"
    wait_file 'term: first frame painted' "$FLINT_LOG_FILE" 20
    local t0 t1
    t0=$(cat "$E2E_DIR/exec.t")
    t1=$(sed -nE 's/^([0-9.]+) term: first frame painted.*/\1/p' "$FLINT_LOG_FILE" | head -1)
    out+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }') "
    keys C-q; wait_exit 10 >/dev/null
    flint_stop
    rm -f "$FLINT_LOG_FILE"
  done
  echo "$tag $out"
}

{
  FLINT_ENV=BENCH_NO_TMUX=1 run ws --url "ws://127.0.0.1:$BACKEND_PORT/v1"
  FLINT_ENV=BENCH_NO_TMUX=1 run wss --url "wss://127.0.0.1:9/v1"
  FLINT_ENV=BENCH_NO_TMUX=1 run chat --api chat --url "http://127.0.0.1:$BACKEND_PORT/v1"
  run tmux --url "ws://127.0.0.1:$BACKEND_PORT/v1"
} >"$E2E_DIR/startup.txt"

/usr/bin/python3 - "$E2E_DIR/startup.txt" "$RUNS" <<'PY'
import statistics, sys
rows = []
names = {"ws": "start-up to first frame, ws:// (ms)", "wss": "start-up to first frame, wss:// (ms)",
         "chat": "start-up to first frame, --api chat http:// (ms)",
         "tmux": "the same ws:// with $TMUX set (clipboard probe runs) (ms)"}
for line in open(sys.argv[1]):
    tag, *v = line.split()
    v = [float(x) for x in v]
    if v:
        rows.append((names[tag], f"{statistics.median(v):6.2f} / {max(v):6.2f}   (target < 8 ms)"))
print(f"\nstart-up: exec -> first frame painted, median / max of {sys.argv[2]} runs; $TMUX unset unless said\n")
w = max(len(r[0]) for r in rows)
for k, val in rows:
    print(f"{k:<{w}}  {val}")
PY
