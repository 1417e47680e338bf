#!/usr/bin/env bash
# make bench: figures, not assertions (machines here are noisy). Prints one table.
#  1. flint-backend at full speed streams 200,000 tokens into flint in a 120x40 tmux pane:
#     tokens/s consumed, CPU seconds and peak RSS of flint, frames painted per second.
#  2. key -> socket-close latency for Esc and Ctrl-G, 20 presses each: from flint reading the
#     key byte off the tty to flint-backend receiving the Close frame (both log CLOCK_MONOTONIC).
#     tmux answers flint's DA1 query without kitty keys, so Esc is decided at once (before
#     issue 10 it waited for the 25 ms Esc timer).
#  3. idle: CPU used by flint over 5 s with nothing happening; CPU at 1000 and 50,000 tok/s.
#  4. search on a 100 MB text (tests/bench/bench_search.c): find at the end, time per slice,
#     count all, replace all + undo, each beside its target.
#  5. then syntax highlighting, swap writes, and using a 1 MB answer (bench_answer.c: the code
#     block under a position, the answer search's find and count, the Markdown export), and
#     Markdown in the answer pane (bench_markdown.c: laying out a 1 MB answer, per-delta cost).
#  6. context (tests/bench/bench_context.c): bytes sent per turn of a 10-turn conversation on
#     a 50 KB file (once whole, then diffs), and the shared prefix of the requests before and
#     after an interrupt, a steer and a reconnect.
#  7. start-up: exec -> first frame painted for ws://, wss:// and --api chat (bench_startup.sh).
#  8. time to first token (bench_ttft.sh): with and without the generate:false warm-up
#     (backend --prefill-ms), and Enter -> request at the server for both transports, on a
#     reused connection and after an interrupt.
set -u
BUILD=${1:-build}
export FLINT_BIN=${FLINT_BIN:-$BUILD/flint}
export FLINT_BACKEND=${FLINT_BACKEND:-$BUILD/tests/backend/flint-backend}
TOKENS=${BENCH_TOKENS:-200000}
PRESSES=${BENCH_PRESSES:-20}
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init bench
HZ=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
restart() { flint_stop
            [ -n "$BACKEND_PID" ] && { kill "$BACKEND_PID"; wait "$BACKEND_PID"; } 2>/dev/null
            BACKEND_PID=; }

printf 'int main(void) { return 0; }\n' >"$E2E_DIR/main.c"

# --- 1. throughput, and idle before it -----------------------------------------------------
E2E_TAG=-throughput
backend_start --rate 0 --tokens "$TOKENS"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
wait_screen 'connected'
sleep 0.5
idle0=$(cpu_ticks "$FLINT_PID"); sleep 5; idle1=$(cpu_ticks "$FLINT_PID")
cpu0=$(cpu_ticks "$FLINT_PID")
keys C-k; type 'stream as fast as you can'; keys Enter
wait_file 'turn: end' "$FLINT_LOG_FILE" 600
cpu1=$(cpu_ticks "$FLINT_PID")
rss=$(rss_peak_kb "$FLINT_PID")
keys C-q; wait_exit 10 >/dev/null
restart

# --- 1b. CPU at realistic rates: Spark's 1000 tok/s and a local server's 50,000 -------------
rates=""
for rate in 1000 50000; do
  E2E_TAG=-rate$rate
  backend_start --rate "$rate" --tokens $((rate * 4))
  flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
  wait_screen 'connected'
  c0=$(cpu_ticks "$FLINT_PID")
  keys C-k; type 'stream at a steady rate'; keys Enter
  wait_file 'turn: end' "$FLINT_LOG_FILE" 60
  c1=$(cpu_ticks "$FLINT_PID")
  rates+="$rate:$((c1 - c0)) "
  keys C-q; wait_exit 10 >/dev/null
  restart
done

# --- 2. interrupt latency -------------------------------------------------------------------
E2E_TAG=-latency
backend_start --rate 1000 --tokens 100000
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/main.c"
wait_screen 'connected'
conn=1
for key in Escape C-g; do
  for ((i = 0; i < PRESSES; i++)); do
    wait_file "open conn=$conn\$" "$BACKEND_LOG" 10
    keys C-k; type "press $i"; keys Enter
    wait_file "stream conn=$conn " "$BACKEND_LOG" 10
    sleep 0.15
    echo "MARK $key $conn" >>"$FLINT_LOG_FILE"
    keys "$key"
    wait_file "close conn=$conn code=1000" "$BACKEND_LOG" 10
    conn=$((conn + 1))
  done
done
keys C-q; wait_exit 10 >/dev/null
restart

/usr/bin/python3 - "$E2E_DIR" "$TOKENS" "$HZ" "$idle0" "$idle1" "$cpu0" "$cpu1" "$rss" "$rates" <<'PY'
import re, statistics, sys
d, tokens, hz, idle0, idle1, cpu0, cpu1, rss, rates = sys.argv[1:]
hz = float(hz)
tlog = open(f"{d}/flint-throughput.log", errors="replace").read()
end = re.search(r"turn: end state=\d+ deltas=(\d+) output_tokens=(\d+) ttft_ms=([\d.]+) tok_s=([\d.]+) painted=(\d+)", tlog)
start = re.search(r"turn: start painted=(\d+)", tlog)
deltas, out_tokens, ttft, toks = int(end[1]), int(end[2]), float(end[3]), float(end[4])
duration = (out_tokens or deltas) / toks if toks else float("nan")
cpu = (int(cpu1) - int(cpu0)) / hz
idle_cpu = (int(idle1) - int(idle0)) / hz / 5 * 100

def latencies(key):
    flog = open(f"{d}/flint-latency.log", errors="replace").read().splitlines()
    blog = open(f"{d}/backend-latency.log", errors="replace").read()
    first = "1b" if key == "Escape" else "07"
    out, internal = [], []
    for i, line in enumerate(flog):
        m = re.match(rf"MARK {key} (\d+)$", line)
        if not m:
            continue
        conn = m[1]
        t_key = t_sent = None
        for later in flog[i + 1:]:
            if later.startswith("MARK"):
                break
            mm = re.match(rf"([\d.]+) tty: \d+ bytes, first {first}", later)
            if mm and t_key is None:
                t_key = float(mm[1])
            mm = re.match(r"([\d.]+) link: close-sent", later)
            if mm and t_sent is None and t_key is not None:
                t_sent = float(mm[1])
        mb = re.search(rf"^([\d.]+) close conn={conn} code=1000", blog, re.M)
        if t_key is not None and mb:
            out.append((float(mb[1]) - t_key) * 1000)
        if t_key is not None and t_sent is not None:
            internal.append((t_sent - t_key) * 1000)
    return out, internal

rows = [
    ("tokens streamed (deltas)", f"{deltas}"),
    ("tokens/s consumed", f"{toks:,.0f}"),
    ("time to first token (ms)", f"{ttft:.1f}"),
    ("stream duration (s)", f"{duration:.2f}"),
    ("flint CPU seconds for the stream", f"{cpu:.2f}"),
    ("flint CPU % of one core while streaming", f"{cpu / duration * 100:.0f}" if duration == duration and duration > 0 else "n/a"),
    ("flint peak RSS (MiB)", f"{int(rss) / 1024:.1f}"),
]
if start and duration > 0:
    painted = int(end[5]) - int(start[1])
    rows.append(("frames painted during the stream", f"{painted}"))
    rows.append(("frames painted per second of stream", f"{painted / duration:.0f}"))
rows.append(("idle CPU over 5 s (% of a core)", f"{idle_cpu:.2f}"))
for item in rates.split():
    rate, ticks = item.split(":")
    log = open(f"{d}/flint-rate{rate}.log", errors="replace").read()
    m = re.search(r"turn: end state=\d+ deltas=(\d+) output_tokens=(\d+) ttft_ms=[\d.]+ tok_s=([\d.]+)", log)
    secs = (int(m[2]) or int(m[1])) / float(m[3]) if m and float(m[3]) > 0 else 0
    if secs > 0:
        rows.append((f"flint CPU % of one core at {int(rate):,} tok/s", f"{int(ticks) / hz / secs * 100:.1f}"))
for key, name in (("Escape", "Esc"), ("C-g", "Ctrl-G")):
    lat, internal = latencies(key)
    if lat:
        rows.append((f"{name}: key -> server got Close, median / max (ms), n={len(lat)}",
                     f"{statistics.median(lat):.2f} / {max(lat):.2f}", "median < 1 ms"))
    if internal:
        rows.append((f"{name}: key -> Close written by flint, median / max (ms)",
                     f"{statistics.median(internal):.2f} / {max(internal):.2f}"))
w = max(len(r[0]) for r in rows)
print(f"\nflint bench: {tokens} tokens, backend --rate 0, tmux pane 120x40\n")
print(f"{'metric':<{w}}  {'value':<16}  target")
print(f"{'-' * w}  {'-' * 16}  {'-' * 14}")
for r in rows:
    print(f"{r[0]:<{w}}  {r[1]:<16}  {r[2] if len(r) > 2 else ''}".rstrip())
PY

# --- 4. search on 100 MB ----------------------------------------------------------------------
"$BUILD/tests/bench_search" "${BENCH_SEARCH_MB:-100}"
# --- syntax highlighting (C rules over the tree's own sources) -----------------------------
"$BUILD/tests/bench_syntax" "$(dirname "$0")"/../../{core,session,ui,net,app}/*.c
# --- swap file writes (1 MB on the loop, 10 MB measured for the worker threshold) ---------
"$BUILD/tests/bench_swap"
# --- the conversation journal while streaming, and a turn end's fsync ----------------------
"$BUILD/tests/bench_journal"
# --- using a 1 MB answer: its code blocks, the answer search, the export -------------------
"$BUILD/tests/bench_answer"
# --- Markdown in the answer pane: laying out 1 MB, the cost per streamed delta ------------
"$BUILD/tests/bench_markdown"
# --- what a conversation sends: file once then diffs; prefixes kept across interrupts ------
"$BUILD/tests/bench_context"
# --- start-up to first frame (ws://, wss://, --api chat) ----------------------------------
"$(dirname "$0")/bench_startup.sh" "$BUILD"
# --- the terminal byte budget: bytes and CPU for 20k tokens at 1000 tok/s, 160x45 -----------
"$(dirname "$0")/bench_budget.sh" "$BUILD"
# --- time to first token: warm-up, Enter -> request at the server ----------------------------
"$(dirname "$0")/bench_ttft.sh" "$BUILD"
