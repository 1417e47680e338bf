#!/usr/bin/env bash
# Selection, clipboard, mouse, as a user meets them in tmux with set-clipboard on: Shift+Right
# selects, Ctrl-C copies (the OSC 52 bytes reach the tty, and tmux's buffer then holds the
# text: the system-clipboard path end to end), Ctrl-V pastes elsewhere, Ctrl-X cuts and one
# Ctrl-Z brings it back, Tab indents a selected block (saved file checked), an SGR mouse
# click places the caret, Alt-M turns mouse reporting off (the tty sees ?1000l), and an
# unbound key says so in the status line.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init select

backend_start
file=$E2E_DIR/sel.txt
printf 'alpha beta\ngamma\n' >"$file"
# A server with set-clipboard on before flint starts (flint asks tmux once, at start).
$E2E_TMUX new-session -d -s hold -x 80 -y 24 'sleep 600'
$E2E_TMUX set -g set-clipboard on
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
tty=$E2E_DIR/tty.bytes
$E2E_TMUX pipe-pane -t e2e -O "cat >> '$tty'"
wait_screen 'connected'
wait_file 'clipboard: .*route=2' "$FLINT_LOG_FILE" # CLIP_TMUX_PLAIN

# Select "alpha" and copy it.
keys S-Right S-Right S-Right S-Right S-Right
keys C-c
wait_screen 'Copied 5 bytes'
wait_file ']52;c;YWxwaGE=' "$tty"
for _ in $(seq 100); do
  [ "$($E2E_TMUX show-buffer 2>/dev/null)" = alpha ] && break
  sleep 0.05
done
[ "$($E2E_TMUX show-buffer 2>/dev/null)" = alpha ] || fail "tmux's buffer holds '$($E2E_TMUX show-buffer 2>&1)'"

# Paste at the end of the line.
keys End C-v
wait_screen ' 1 alpha betaalpha'

# Cut the whole line's text, then one undo brings it back.
keys Home S-End C-x
wait_screen ' 1 +│'
keys C-z
wait_screen ' 1 alpha betaalpha'

# Tab indents the selected block; saved as tabs.
keys C-a Tab C-s
wait_screen 'Saved'
[ "$(cat "$file")" = "$(printf '\talpha betaalpha\n\tgamma')" ] || fail "indent: the file holds '$(cat "$file")'"

# A click on line 2, display column 6 (the tab shows as 4 columns): between "ga" and "mma".
# SGR report, 1-based: x = 4 (gutter) + 6 + 1, y = 1 (title) + 1 + 1.
keys -H 1b 5b 3c 30 3b 31 31 3b 33 4d 1b 5b 3c 30 3b 31 31 3b 33 6d
type 'Z'
keys C-s
wait_screen 'Saved'
[ "$(cat "$file")" = "$(printf '\talpha betaalpha\n\tgaZmma')" ] || fail "click: the file holds '$(cat "$file")'"

# Alt-M: mouse reporting off, then on again.
keys M-m
wait_screen 'Mouse off'
wait_file '\[\?1000l' "$tty"
keys M-m
wait_screen 'Mouse on'

# An unbound key is named.
keys C-t
wait_screen 'Ctrl-T is not bound'
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e select: ok"
