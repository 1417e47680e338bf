#!/usr/bin/env bash
# Terminals flint cannot drive full-screen are refused with a message and status 1, never a
# blank screen: an unknown TERM. TERM=dumb falls back to --plain (tests/e2e/test_plain.sh).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init terminal
printf 'x\n' >"$E2E_DIR/x.txt"
for term in no-such-terminal-xyz; do
  FLINT_ENV="TERM=$term" flint_start --url "ws://127.0.0.1:1/v1" "$E2E_DIR/x.txt"
  status=$(wait_exit 10)
  [ "$status" = 1 ] || fail "TERM=$term: exit status $status, expected 1"
  # tmux may not have read flint's last output yet when the exit status is written: wait for it.
  wait_screen "flint: cannot drive terminal type '$term'"
  flint_stop
done
echo "ok: unknown terminals are refused"
