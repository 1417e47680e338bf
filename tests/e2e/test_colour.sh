#!/usr/bin/env bash
# Colour that respects the terminal, as a user meets it in tmux: the same screen (text) under
# TERM=xterm-direct (terminfo's, or a test copy compiled with tic), xterm-256color (with
# COLORTERM=truecolor: 24-bit through xterm-direct, or the 256 palette without it), screen and
# vt100, with the colour
# depth flint chose (its log) and what reached the pane (capture-pane -e): RGB, the 256
# palette, 8 colours, none. NO_COLOR: attributes only (the status bar in reverse video). Then
# the theme list (Alt-T): Enter applies a theme for the session.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init colour
backend_start --rate 0
E2E_COLS=100
E2E_ROWS=30

file=$E2E_DIR/hello.c
printf 'int main(void)\n{\n    return 0; /* done */\n}\n' >"$file"

sgr() { $E2E_TMUX capture-pane -p -e -t e2e; }

# one_term TERM MODE [more env]: the screen's text, the mode in the log, the pane's colours.
RUN_N=0
one_term() {
  local term=$1 mode=$2
  RUN_N=$((RUN_N + 1))
  E2E_TAG=-$RUN_N # a log of its own: FLINT_LOG appends
  FLINT_ENV="TERM=$term ${3:-}" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
  wait_screen ' 1 int main\(void\)'
  wait_screen ' 3     return 0; /\* done \*/'
  wait_screen 'hello\.c +1:1'
  wait_file "mode=$mode " "$FLINT_LOG_FILE"
  local s
  s=$(sgr)
  case $mode in
  truecolor) grep -q $'\e\\[[0-9;]*38;2;' <<<"$s" || fail "$term: no RGB colour on the screen"
             grep -q 'truecolor' "$FLINT_LOG_FILE" || fail "$term: not truecolor" ;;
  256) grep -q $'\e\\[[0-9;]*38;5;' <<<"$s" || fail "$term: no 256-palette colour on the screen"
       grep -q $'38;2;' <<<"$s" && fail "$term: RGB colour on a 256-colour terminal" ;;
  8) grep -Eq $'\e\\[[0-9;]*3[0-7]m' <<<"$s" || fail "$term: no ANSI colour on the screen"
     grep -Eq '38;[25];' <<<"$s" && fail "$term: more than 8 colours used" ;;
  mono) grep -Eq $'\e\\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]' <<<"$s" && fail "$term: colours used"
        grep -q $'\e\\[[0-9;]*7m' <<<"$s" || fail "$term: no reverse video (the status bar)" ;;
  esac
  keys C-q
  wait_file '.' "$E2E_DIR/flint.exit"
  flint_stop
}

if ! infocmp xterm-direct >/dev/null 2>&1; then
  # No ncurses-term here: COLORTERM=truecolor without a direct type is the 256 palette ...
  one_term xterm-256color 256 COLORTERM=truecolor
  # ... and a private copy of ncurses-term's xterm-direct (its setaf/setab) stands in for it.
  if command -v tic >/dev/null; then
    cat >"$E2E_DIR/xterm-direct.ti" <<'TIEOF'
xterm-direct|xterm with direct-colour indexing (flint's test copy of ncurses-term's),
	RGB, colors#0x1000000, pairs#0x10000, ccc@, initc@, oc@, rs1=\Ec\E]104\007,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e48:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e38:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,
	use=xterm-256color,
TIEOF
    mkdir -p "$E2E_DIR/terminfo"
    tic -x -o "$E2E_DIR/terminfo" "$E2E_DIR/xterm-direct.ti" || fail "tic failed"
    export TERMINFO=$E2E_DIR/terminfo # infocmp below, and flint (through tmux's environment)
  fi
fi
if infocmp xterm-direct >/dev/null 2>&1; then
  one_term xterm-direct truecolor "${TERMINFO:+TERMINFO=$TERMINFO}"
  # COLORTERM=truecolor: the *-direct type of $TERM's family
  one_term xterm-256color truecolor "COLORTERM=truecolor ${TERMINFO:+TERMINFO=$TERMINFO}"
else
  echo "e2e colour: no xterm-direct and no tic: truecolor not tried"
fi
one_term xterm-256color 256
one_term screen 8
one_term vt100 mono
one_term tmux-256color mono NO_COLOR=1

# The theme list: Alt-T, the current theme selected, Enter applies another (and remembers it).
E2E_TAG=-list
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen ' 1 int main\(void\)'
wait_screen 'hello\.c +1:1'
code_rows() { sgr | sed -n 2,4p; } # the file's lines: the same text, the theme's colours
before=$(code_rows)
keys M-t
wait_screen 'Themes'
wait_screen 'solarized-light'
wait_screen 'high-contrast'
keys Down Down Enter
wait_gone 'Themes'
wait_screen 'theme solarized-dark \(remembered for the next start\)'
# solarized's colours, not dark's, on the same screen (its keyword green, its base0 text)
wait_gone 'Themes'
[ "$(code_rows)" != "$before" ] || fail "the colours did not change with the theme"
keys M-t
wait_screen 'Themes'
keys Escape
wait_gone 'Themes'
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
echo "e2e colour: ok"
