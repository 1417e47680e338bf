#!/usr/bin/env bash
# Recovery when the obvious places fail, as an ordinary user (nobody), the real binary killed
# in tmux with its stderr captured: the file's directory is 0555 -> the state directory; HOME
# unusable as well -> a private directory under TMPDIR; nothing writable -> stderr says
# plainly that the text could not be saved. Every time stderr names where the text went.
# A crash (SIGSEGV, the signal-handler path) does the same. The next start finds the
# recovery by the file's full path, and a file of the same name elsewhere does not.
# Root is needed to become nobody; as anyone else this test cannot set up a root-owned 0555
# directory and skips (77).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init recovery-faults

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root to run flint as nobody next to root-owned directories"; exit 77
fi
if ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  echo "SKIP: cannot switch to nobody (setpriv failed)"; exit 77
fi
backend_start --rate 0
chmod 755 "$E2E_DIR"
# nobody must be able to run the binary: the build tree may sit under a private directory.
bin=$FLINT_BIN
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$bin"; then
  cp "$FLINT_BIN" "$E2E_DIR/flint" && bin=$E2E_DIR/flint
fi
uid=65534

ro=$E2E_DIR/ro              # root's, 0555: nobody cannot create anything in it
mkdir -p "$ro" "$E2E_DIR/other"
printf 'keep me\n' >"$ro/draft.txt"
printf 'other one\n' >"$E2E_DIR/other/draft.txt"
chmod 555 "$ro"
home=$E2E_DIR/home; mkdir "$home"; chown $uid "$home"
tmp=$E2E_DIR/tmp; mkdir "$tmp"; chown $uid "$tmp"

# wrap ERRFILE VAR=VALUE...: flint_start runs this wrapper, which gives the pane's tty to
# nobody, sends stderr to ERRFILE and execs flint as nobody with only the given HOME /
# XDG_STATE_HOME / TMPDIR (the same pid throughout, so kill reaches flint).
wrap() {
  local err=$1; shift
  local log=$E2E_DIR/flint${E2E_TAG:-}.log
  : >"$err"
  {
    echo '#!/bin/sh'
    echo "chown $uid \"\$(tty)\" '$log'"
    echo "exec 2>'$err'"
    printf 'exec env -u HOME -u XDG_STATE_HOME -u TMPDIR'
    printf " '%s'" "$@"
    printf " setpriv --reuid=$uid --regid=$uid --clear-groups '%s' \"\$@\"\n" "$bin"
  } >"$E2E_DIR/wrap.sh"
  chmod 755 "$E2E_DIR/wrap.sh"
  touch "$log"
}
start() { FLINT_BIN=$E2E_DIR/wrap.sh flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$@"; }
url=ws://127.0.0.1:$BACKEND_PORT/v1

# 1. 0555 directory: the state directory under HOME; stderr names the file and says why.
wrap "$E2E_DIR/err1" HOME="$home"
start "$ro/draft.txt"
wait_screen 'keep me'
type 'precious '
wait_screen 'precious keep me'
kill -TERM "$FLINT_PID"
[ "$(wait_exit 10)" = 143 ] || fail "SIGTERM exit status"
err=$(cat "$E2E_DIR/err1")
rec=$(sed -nE 's/^flint: unsaved changes written to ([^ ]+).*/\1/p' "$E2E_DIR/err1")
case "$rec" in "$home/.local/state/flint/recovery/draft.txt."*) ;; *) fail "1: stderr: $err";; esac
[ "$(cat "$rec")" = 'precious keep me' ] || fail "1: recovery holds: $(cat "$rec")"
echo "$err" | grep -q "could not write $ro/.draft.txt.flint-recovery: Permission denied" ||
  fail "1: stderr does not say why: $err"
[ "$(stat -c %U "$rec")" = nobody ] || fail "1: recovery not nobody's"
[ "$(cat "$ro/draft.txt")" = 'keep me' ] || fail "1: the file changed"
echo "case 1: $err"
flint_stop

# 2. The next start finds it by the full path (the status line shows it cut to the width;
#    the log has it whole); a draft.txt elsewhere does not.
E2E_TAG=-2 wrap "$E2E_DIR/err2" HOME="$home"
E2E_TAG=-2 start "$ro/draft.txt"
wait_file "earlier session is in $rec:" "$FLINT_LOG_FILE"
flint_stop
E2E_TAG=-2b wrap "$E2E_DIR/err2" HOME="$home"
E2E_TAG=-2b start "$E2E_DIR/other/draft.txt"
wait_screen 'other one'
wait_file '^[0-9.]+ start: ' "$FLINT_LOG_FILE"
grep -q 'earlier session' "$FLINT_LOG_FILE" && fail "2: another draft.txt picked up $rec"
flint_stop

# 3. HOME unusable too: a private 0700 directory under TMPDIR (SIGHUP this time).
wrap "$E2E_DIR/err3" HOME=/nonexistent-flint-home TMPDIR="$tmp"
start "$ro/draft.txt"
wait_screen 'keep me'
type 'homeless '
wait_screen 'homeless keep me'
kill -HUP "$FLINT_PID"
wait_exit 10 >/dev/null
err=$(cat "$E2E_DIR/err3")
rec3=$(sed -nE 's/^flint: unsaved changes written to ([^ ]+).*/\1/p' "$E2E_DIR/err3")
case "$rec3" in "$tmp/flint-recovery-$uid/draft.txt."*) ;; *) fail "3: stderr: $err";; esac
[ "$(cat "$rec3")" = 'homeless keep me' ] || fail "3: recovery holds: $(cat "$rec3")"
[ "$(stat -c %a "$tmp/flint-recovery-$uid")" = 700 ] || fail "3: temp directory not 0700"
echo "$err" | grep -q '/nonexistent-flint-home/.local/state/flint/recovery: ' ||
  fail "3: stderr does not say why the state directory failed: $err"
echo "case 3: $err"
flint_stop

# 4. Nothing writable: stderr says plainly that the text could not be saved, and why.
files_before=$(find "$ro" "$home" "$tmp" -type f | sort)
wrap "$E2E_DIR/err4" HOME=/nonexistent-flint-home TMPDIR="$ro"
start "$ro/draft.txt"
wait_screen 'keep me'
type 'doomed '
wait_screen 'doomed keep me'
kill -TERM "$FLINT_PID"
wait_exit 10 >/dev/null
err=$(cat "$E2E_DIR/err4")
echo "$err" | grep -q '^flint: unsaved changes could NOT be saved: ' || fail "4: stderr: $err"
echo "$err" | grep -q "$ro/flint-recovery-$uid" || fail "4: the temp directory is not named: $err"
[ "$(find "$ro" "$home" "$tmp" -type f | sort)" = "$files_before" ] || fail "4: a file was left"
echo "case 4: $err"
flint_stop

# 5. A crash (SIGSEGV: the async-signal-safe path) falls back the same way and says where.
# A sanitizer build leaves SIGSEGV to AddressSanitizer (its report says where the bad access
# was), so there the crash is a SIGABRT, which takes the same path.
crash=SEGV
grep -qa __asan_init "$FLINT_BIN" && crash=ABRT
wrap "$E2E_DIR/err5" HOME="$home"
start "$ro/draft.txt"
wait_screen 'keep me'
type 'crashed '
wait_screen 'crashed keep me'
kill -"$crash" "$FLINT_PID"
wait_exit 10 >/dev/null
err=$(cat "$E2E_DIR/err5")
rec5=$(sed -nE 's/^flint crashed; unsaved changes written to ([^ ]+).*/\1/p' "$E2E_DIR/err5")
case "$rec5" in "$home/.local/state/flint/recovery/draft.txt."*) ;; *) fail "5: stderr: $err";; esac
[ "$(cat "$rec5")" = 'crashed keep me' ] || fail "5: recovery holds: $(cat "$rec5")"
[ "$rec5" != "$rec" ] || fail "5: overwrote the first recovery"
echo "case 5: $(head -n 1 "$E2E_DIR/err5")"
echo "ok: recovery as nobody: 0555 dir, HOME unusable, nothing writable, crash; full-path match"
