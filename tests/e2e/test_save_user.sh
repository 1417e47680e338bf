#!/usr/bin/env bash
# Ctrl-S on a file the user may not write, as an ordinary user (nobody) in tmux: refused with
# Save As offered (a prompt); Ctrl-S in it is the explicit second step. The user's own 0444
# file is then saved with its mode and owner kept; root's 0644 file in a world-writable
# directory is not replaced (the OS refuses the write, the owner stays root), the next Ctrl-S
# offers Save As again, and saving under another name works. Needs root to become nobody
# (skips with 77 otherwise).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init save-user

if [ "$(id -u)" != 0 ] || ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  echo "SKIP: needs root to run flint as nobody next to root's files"; exit 77
fi
backend_start --rate 0
chmod 755 "$E2E_DIR"
bin=$FLINT_BIN
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$bin"; then
  cp "$FLINT_BIN" "$E2E_DIR/flint" && bin=$E2E_DIR/flint
fi
ww=$E2E_DIR/ww; mkdir "$ww"; chmod 777 "$ww"
printf "root's\n" >"$ww/roots.txt"; chmod 644 "$ww/roots.txt"
own=$E2E_DIR/own; mkdir "$own"; chown 65534:65534 "$own"
printf 'mine\n' >"$own/ro.txt"; chown 65534:65534 "$own/ro.txt"; chmod 444 "$own/ro.txt"
home=$E2E_DIR/home; mkdir "$home"; chown 65534 "$home"
log=$E2E_DIR/flint.log; touch "$log"; chown 65534 "$log"
cat >"$E2E_DIR/wrap.sh" <<EOF
#!/bin/sh
chown 65534 "\$(tty)"
exec env -u XDG_STATE_HOME HOME='$home' setpriv --reuid=65534 --regid=65534 --clear-groups '$bin' "\$@"
EOF
chmod 755 "$E2E_DIR/wrap.sh"
start() { FLINT_BIN=$E2E_DIR/wrap.sh flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$@"; }

# 1. The user's own 0444 file: refused, Save As offered; Ctrl-S there writes it anyway.
start "$own/ro.txt"
wait_screen 'mine'
type 'edited '
wait_screen 'edited mine'
keys C-s
wait_screen 'Read-only. Save as \(Ctrl-S: write it anyway\):'
wait_file 'Not saved: ro.txt is read-only \(mode 0444\); save again' "$log"
[ "$(cat "$own/ro.txt")" = mine ] || fail "1: written before the second step"
keys C-s
wait_screen 'Saved .*ro.txt'
[ "$(cat "$own/ro.txt")" = 'edited mine' ] || fail "1: holds $(cat "$own/ro.txt")"
[ "$(stat -c '%a %U' "$own/ro.txt")" = '444 nobody' ] || fail "1: $(stat -c '%a %U' "$own/ro.txt")"
flint_stop

# 2. Root's file in a world-writable directory: never replaced, never nobody's.
ino=$(stat -c %i "$ww/roots.txt")
start "$ww/roots.txt"
wait_screen "root's"
type 'mine? '
wait_screen "mine\\? root's"
keys C-s
wait_screen 'Read-only. Save as'
keys C-s
wait_file 'Not saved: cannot save .*/roots.txt: Permission denied' "$log"
[ "$(stat -c '%i %U' "$ww/roots.txt")" = "$ino root" ] || fail "2: replaced or chowned"
[ "$(cat "$ww/roots.txt")" = "root's" ] || fail "2: written"
[ -z "$(ls -A "$ww" | grep -v '^roots.txt$')" ] || fail "2: left a file: $(ls -A "$ww")"
keys C-s
wait_screen 'Read-only. Save as'
type "$own/copy.txt"
keys Enter
wait_screen 'Saved .*copy.txt'
[ "$(cat "$own/copy.txt")" = "mine? root's" ] || fail "2: save as wrote $(cat "$own/copy.txt")"
echo "ok: read-only refused with Save As offered; Ctrl-S forces where allowed; root's file kept"
