#!/usr/bin/env bash
# make bench (issue 9): time to first token, figures only.
#  A. TTFT with and without the generate:false warm-up: flint-backend --prefill-ms P makes the
#     first delta of a request whose prefix was not warmed on its connection wait P ms (a
#     model's prefill); flint's own TTFT (request handed to the link -> first delta, its log's
#     "turn: end ... ttft_ms") for the first question after connecting, N runs each.
#  B. Time added by flint: Enter read off the tty -> the request complete at the server
#     (flint's and the backend's logs share CLOCK_MONOTONIC), and the first delta's arrival ->
#     the first frame holding it handed to the terminal's writer (flint's log), for both
#     transports, on a reused connection and on the fresh connection after an interrupt.
set -u
BUILD=${1:-build}
export FLINT_BIN=${FLINT_BIN:-$BUILD/flint}
export FLINT_BACKEND=${FLINT_BACKEND:-$BUILD/tests/backend/flint-backend}
N=${BENCH_TTFT_N:-5}
PREFILL=${BENCH_PREFILL_MS:-200}
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init ttft
restart() { flint_stop
            [ -n "$BACKEND_PID" ] && { kill "$BACKEND_PID"; wait "$BACKEND_PID"; } 2>/dev/null
            BACKEND_PID=; }
printf 'int main(void) { return 0; }\n' >"$E2E_DIR/main.c"

# --- A. warm-up ------------------------------------------------------------------------------
for warm in 0 1; do
  for ((i = 0; i < N; i++)); do
    E2E_TAG=-warm$warm-$i
    backend_start --rate 1000 --prefill-ms "$PREFILL"
    FLINT_ENV="FLINT_WARMUP=$warm" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
    wait_screen 'connected'
    [ "$warm" = 1 ] && wait_file 'warm-up .* completed' "$FLINT_LOG_FILE" 10
    keys C-k; type 'echo: first question'; keys Enter
    wait_file 'turn: end' "$FLINT_LOG_FILE" 20
    keys C-q; wait_exit 10 >/dev/null
    restart
  done
done

# --- B. Enter -> request at the server ----------------------------------------------------------
for api in responses chat; do
  E2E_TAG=-enter-$api
  if [ "$api" = chat ]; then
    backend_start --api chat --rate 1000
    flint_start --api chat --url "http://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
    recv=chat.completions
  else
    backend_start --rate 1000
    flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
    recv=response.create
  fi
  wait_screen 'connected'
  n=0
  for ((i = 0; i < N; i++)); do # reused: the connection of the answer before
    keys C-k; type "echo: reused $i"
    echo "MARK reused $api" >>"$FLINT_LOG_FILE"
    keys Enter
    n=$((n + 1))
    wait_count "done conn=1 " "$BACKEND_LOG" "$n" 10
    wait_answer "reused $i"
  done
  conn=1
  for ((i = 0; i < N; i++)); do # after an interrupt: the fresh connection made at once
    keys C-k; type 'Write a C function that reverses a linked list'; keys Enter
    n=$((n + 1))
    wait_file "stream conn=$conn .*deltas=[1-9]" "$BACKEND_LOG" 10
    keys Escape
    wait_file "closed conn=$conn( |\$)" "$BACKEND_LOG" 10
    conn=$((conn + 1))
    sleep 0.3 # the fresh connection stands idle, as while the user types the next question
    keys C-k; type "echo: after $i"
    echo "MARK interrupt $api" >>"$FLINT_LOG_FILE"
    keys Enter
    n=$((n + 1))
    wait_file "done conn=$conn .*status=completed" "$BACKEND_LOG" 10
    wait_answer "after $i"
  done
  keys C-q; wait_exit 10 >/dev/null
  restart
done

/usr/bin/python3 - "$E2E_DIR" "$N" "$PREFILL" <<'PY'
import re, statistics, sys
d, n, prefill = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
for warm in (0, 1):
    ts = []
    for i in range(n):
        log = open(f"{d}/flint-warm{warm}-{i}.log", errors="replace").read()
        m = re.search(r"turn: end state=\d+ deltas=\d+ output_tokens=\d+ ttft_ms=([\d.]+)", log)
        if m:
            ts.append(float(m[1]))
    if ts:
        rows.append((f"TTFT, first question, {'with' if warm else 'no'} warm-up (ms), median / min / max",
                     f"{statistics.median(ts):.1f} / {min(ts):.1f} / {max(ts):.1f}"))
for api, recv in (("responses", "response.create"), ("chat", "chat.completions")):
    flog = open(f"{d}/flint-enter-{api}.log", errors="replace").read().splitlines()
    blog = [l for l in open(f"{d}/backend-enter-{api}.log", errors="replace").read().splitlines()
            if f"type={recv}" in l]
    got = {"reused": [], "interrupt": []}
    # the k-th request the backend received is the k-th Enter that asked; MARKs name some.
    enters = []
    drawn = {"reused": [], "interrupt": []}
    for i, line in enumerate(flog):
        m = re.match(r"MARK (\w+) ", line)
        if m:
            for later in flog[i + 1:]:
                mm = re.match(r"([\d.]+) tty: \d+ bytes, first 0d", later)
                if mm:
                    enters.append((m[1], float(mm[1])))
                    break
            for later in flog[i + 1:]:
                if later.startswith("MARK"):
                    break
                mm = re.search(r"turn: first delta drawn ([\d.]+) ms", later)
                if mm:
                    drawn[m[1]].append(float(mm[1]))
                    break
    recvs = [float(l.split()[0]) for l in blog]
    # reused: requests 1..n; interrupt: every second one after them (the long ones between)
    order = list(range(n)) + [n + 2 * k + 1 for k in range(n)]
    for (kind, t), idx in zip(enters, order):
        if idx < len(recvs):
            got[kind].append((recvs[idx] - t) * 1000)
    name = "WebSocket (responses)" if api == "responses" else "HTTP SSE (chat)"
    for kind, label in (("reused", "reused connection"), ("interrupt", "after an interrupt")):
        v = got[kind]
        if v:
            rows.append((f"Enter -> request at server, {name}, {label} (ms), median / max",
                         f"{statistics.median(v):.2f} / {max(v):.2f}"))
        v = drawn[kind]
        if v:
            rows.append((f"first delta -> frame drawn, {name}, {label} (ms), median / max",
                         f"{statistics.median(v):.2f} / {max(v):.2f}"))
w = max(len(r[0]) for r in rows) if rows else 10
print(f"\nflint bench: time to first token (backend --prefill-ms {prefill} for the warm-up rows)\n")
for r in rows:
    print(f"{r[0]:<{w}}  {r[1]}")
PY
