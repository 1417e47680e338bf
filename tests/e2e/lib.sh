# Shared helpers for the tmux-driven end-to-end tests and the benchmark.
# Source it; it expects FLINT_BIN and FLINT_BACKEND (ctest sets them), and gives:
#   e2e_init NAME          temp dir $E2E_DIR, a private tmux server, cleanup on exit
#   backend_start ARGS...  starts flint-backend, sets $BACKEND_PORT, $BACKEND_PID, $BACKEND_LOG
#   flint_start ARGS...    runs flint in a 120x40 detached tmux pane, logs to $FLINT_LOG_FILE
#                          ($FLINT_ENV, e.g. "TERM=dumb", is put in flint's environment)
#   flint_stop             end the tmux server (and flint in it) before a new flint_start
#   keys ARGS...           tmux send-keys (key names: C-k Escape Enter ...)
#   type TEXT              literal text
#   screen                 the pane's text now
#   wait_screen REGEX [S]  until the pane matches (default 10 s), else fail
#   wait_gone REGEX [S]    until the pane no longer matches (e.g. a prompt closed)
#   wait_answer REGEX [S]  until an answer line in the model pane matches (not the question:
#                          questions are shown as "› ..." and appear before the request goes out)
#   wait_file REGEX FILE [S]
#   wait_count REGEX FILE N [S]  until FILE has at least N lines matching
#
# Wait for the event a check needs (the answer, a backend log line), never for the question's
# own echo or a fixed sleep: under load (ASan, a busy 2-core machine) the echo comes long
# before the request reaches the backend.
#   fail MSG               print the screen and logs, exit 1
set -u

E2E_COLS=${E2E_COLS:-120}
E2E_ROWS=${E2E_ROWS:-40}

e2e_init() {
  E2E_NAME=$1
  E2E_DIR=$(mktemp -d "/tmp/flint-e2e-$1.XXXXXX")
  E2E_TMUX="tmux -L flint-$1-$$ -f /dev/null"
  FLINT_LOG_FILE=$E2E_DIR/flint.log
  BACKEND_PID=
  trap e2e_cleanup EXIT
  : "${FLINT_BIN:?FLINT_BIN must point at the flint binary}"
  : "${FLINT_BACKEND:?FLINT_BACKEND must point at flint-backend}"
  command -v tmux >/dev/null || { echo "tmux is not installed"; exit 1; }
}

e2e_cleanup() {
  $E2E_TMUX kill-server 2>/dev/null
  [ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null && wait "$BACKEND_PID" 2>/dev/null
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $E2E_DIR"; else rm -rf "$E2E_DIR"; fi
}

fail() {
  echo "FAIL ($E2E_NAME): $*"
  echo "--- screen"; screen || true
  echo "--- flint log (tail)"; tail -n 30 "$FLINT_LOG_FILE" 2>/dev/null
  echo "--- backend log (tail)"; tail -n 30 "${BACKEND_LOG:-/dev/null}" 2>/dev/null
  exit 1
}

backend_start() {
  BACKEND_LOG=$E2E_DIR/backend${E2E_TAG:-}.log
  local out=$E2E_DIR/backend${E2E_TAG:-}.out
  "$FLINT_BACKEND" --port 0 --log "$BACKEND_LOG" "$@" >"$out" 2>&1 &
  BACKEND_PID=$!
  for _ in $(seq 100); do
    BACKEND_PORT=$(sed -nE 's/^listening 127\.0\.0\.1:([0-9]+)$/\1/p' "$out" 2>/dev/null)
    [ -n "$BACKEND_PORT" ] && return 0
    sleep 0.05
  done
  fail "flint-backend did not start"
}

flint_start() {
  FLINT_LOG_FILE=$E2E_DIR/flint${E2E_TAG:-}.log
  # The inner sh records flint's own pid (for kill) and execs it; the outer shell records the
  # exit status and keeps the pane open so the screen can still be read.
  # Swap files, recovery files and conversation journals go to the test's own state
  # directory, never the user's (FLINT_ENV may name another: the later assignment wins).
  # No generate:false warm-up unless a test asks for it (FLINT_ENV="FLINT_WARMUP=1"): the
  # tests count the requests the backend receives.
  local cmd="FLINT_LOG='$FLINT_LOG_FILE' XDG_STATE_HOME='$E2E_DIR/state' FLINT_WARMUP=0 ${FLINT_ENV:-} sh -c 'echo \$\$ > \"$E2E_DIR/flint.pid\"; exec \"\$@\"' flint '$FLINT_BIN'"
  local a
  for a in "$@"; do cmd+=" '$a'"; done
  rm -f "$E2E_DIR/flint.pid" "$E2E_DIR/flint.exit"
  $E2E_TMUX new-session -d -s e2e -x "$E2E_COLS" -y "$E2E_ROWS" \
      "$cmd; echo \$? > '$E2E_DIR/flint.exit'; sleep 600"
  for _ in $(seq 100); do
    [ -s "$E2E_DIR/flint.pid" ] && break
    sleep 0.05
  done
  FLINT_PID=$(cat "$E2E_DIR/flint.pid")
}

# Ends the tmux server and waits until it is gone: a new-session sent to a server that is
# still shutting down fails ("server exited unexpectedly") and flint would never start.
flint_stop() {
  $E2E_TMUX kill-server 2>/dev/null
  local i
  for ((i = 0; i < 100; i++)); do
    $E2E_TMUX has-session 2>/dev/null || break
    sleep 0.05
  done
  rm -f "$E2E_DIR/flint.exit" "$E2E_DIR/flint.pid"
}

keys() { $E2E_TMUX send-keys -t e2e "$@"; }
type() { $E2E_TMUX send-keys -t e2e -l -- "$1"; }
screen() { $E2E_TMUX capture-pane -p -t e2e; }

wait_screen() {
  local re=$1 secs=${2:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.05
  done
  fail "screen never matched /$re/ within ${secs}s"
}

wait_gone() {
  local re=$1 secs=${2:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    screen | grep -Eq -- "$re" || return 0
    sleep 0.05
  done
  fail "screen still matched /$re/ after ${secs}s"
}

wait_answer() {
  local re=$1 secs=${2:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    # Side by side an answer line follows the divider "│"; stacked (below 100 columns) the
    # model pane is below a row of "─", and its lines get the same "│" here.
    screen | awk '/^(─)+$/ { below = 1; next } { print (below ? "│" $0 : $0) }' |
      grep -Eq -- "│ ($re)" && return 0
    sleep 0.05
  done
  fail "no answer line matched /$re/ within ${secs}s"
}

wait_count() {
  local re=$1 file=$2 n=$3 secs=${4:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    [ "$(grep -Ec -- "$re" "$file" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.05
  done
  fail "$file never had $n lines matching /$re/ within ${secs}s"
}

wait_file() {
  local re=$1 file=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    grep -Eq -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "$file never matched /$re/ within ${secs}s"
}

wait_exit() {
  local secs=${1:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    [ -s "$E2E_DIR/flint.exit" ] && { cat "$E2E_DIR/flint.exit"; return 0; }
    sleep 0.05
  done
  fail "flint did not exit within ${secs}s"
}
