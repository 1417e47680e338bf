#!/usr/bin/env bash
# Recovery on a really full disk: the file lives on a 64 KiB tmpfs with two pages left, so
# the recovery file next to it can be created but not written (ENOSPC). flint must remove the
# partial file, fall back to the state directory and say on stderr where the text went and
# why. Mounting a tmpfs needs root (CAP_SYS_ADMIN); where that is refused this test says so
# and skips (77): no simulated fault stands in for it here (test_recovery.c covers the
# fall-through with RLIMIT_FSIZE, which needs no privilege).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init recovery-diskfull

mnt=$E2E_DIR/full
mkdir "$mnt"
if ! mount -t tmpfs -o size=64k,mode=0755 tmpfs "$mnt" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs CAP_SYS_ADMIN): the full-disk case was not run"
  exit 77
fi
trap 'umount "$mnt" 2>/dev/null; e2e_cleanup' EXIT
backend_start --rate 0

# 40 KiB of text, then fill the rest and give back two pages: less room than the text needs.
for i in $(seq 1000); do printf 'line %04d of the big file here......\n' "$i"; done >"$mnt/big.txt"
dd if=/dev/zero of="$mnt/filler" bs=4096 2>/dev/null
truncate -s -8192 "$mnt/filler"
[ "$(df --output=avail -B1 "$mnt" | tail -n 1)" -lt 40000 ] || fail "the tmpfs is not full"

state=$E2E_DIR/state
: >"$E2E_DIR/err"
cat >"$E2E_DIR/wrap.sh" <<EOF
#!/bin/sh
exec 2>'$E2E_DIR/err'
exec env -u TMPDIR XDG_STATE_HOME='$state' '$FLINT_BIN' "\$@"
EOF
chmod 755 "$E2E_DIR/wrap.sh"
FLINT_BIN=$E2E_DIR/wrap.sh flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$mnt/big.txt"
wait_screen 'line 0001'
type 'full '
wait_screen 'full line 0001'
kill -TERM "$FLINT_PID"
[ "$(wait_exit 10)" = 143 ] || fail "SIGTERM exit status"
err=$(cat "$E2E_DIR/err")
rec=$(sed -nE 's/^flint: unsaved changes written to ([^ ]+).*/\1/p' "$E2E_DIR/err")
case "$rec" in "$state/flint/recovery/big.txt."*) ;; *) fail "stderr: $err";; esac
echo "$err" | grep -q "could not write $mnt/.big.txt.flint-recovery: No space left on device" ||
  fail "stderr does not say why: $err"
{ printf 'full '; cat "$mnt/big.txt"; } | cmp -s - "$rec" || fail "the recovery file differs"
[ -z "$(ls -A "$mnt" | grep -v -e '^big.txt$' -e '^filler$')" ] ||
  fail "a partial recovery file was left on the full disk: $(ls -la "$mnt")"
echo "full disk: $err"
echo "ok: a full disk falls back to the state directory, says why, leaves no partial file"
