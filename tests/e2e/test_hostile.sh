#!/usr/bin/env bash
# Model output is untrusted: escape sequences in an answer (clear screen, window title, OSC 52
# clipboard, C1 CSI, bidi override, BEL, cursor moves) must appear as inert text and never
# reach the terminal. tmux is the terminal here: its pane title and screen tell.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init hostile
backend_start --rate 0
printf 'int x;\n' >"$E2E_DIR/x.c"
flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$E2E_DIR/x.c"
wait_screen 'connected'
title0=$($E2E_TMUX display -p -t e2e '#{pane_title}')
keys C-k; type 'show me hostile output'; keys Enter
wait_screen 'move=\^\[\[10;10H end'   # the answer's last words (the question has none of it)
s=$(screen)
grep -qF 'clear=^[[2J^[[H' <<<"$s" || fail "ESC [2J not shown escaped"
grep -qF 'title=^[]0;pwned^G' <<<"$s" || fail "OSC title not shown escaped"
grep -qF 'clip=^[]52;c;cHduZWQ=^G' <<<"$s" || fail "OSC 52 not shown escaped"
grep -qF 'c1=<U+009B>31m' <<<"$s" || fail "C1 CSI not shown escaped"
grep -qF 'bidi=<U+202E>evil<U+202C>' <<<"$s" || fail "bidi override not shown escaped"
grep -qF 'move=^[[10;10H end' <<<"$s" || fail "cursor move not shown escaped"
grep -q 'int x;' <<<"$s" || fail "the editor pane was cleared"
[ "$($E2E_TMUX display -p -t e2e '#{pane_title}')" = "$title0" ] || fail "the model changed the window title"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "ok: hostile escape sequences shown inert"
