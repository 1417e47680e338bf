#!/usr/bin/env bash
# The remembered look (app/look_app.h): Alt-T, light, Enter; Alt-L (stacked at 120 columns);
# quit. The state file under the test's XDG_STATE_HOME says so (0600), and the next start
# logs the remembered theme and shows the panes stacked. --theme wins over it.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init look
backend_start --rate 0
file=$E2E_DIR/hello.c
printf 'int main(void)\n{\n    return 0;\n}\n' >"$file"
look=$E2E_DIR/state/flint/look.conf
divider_row() { screen | grep -Eq '^(─)+$'; }

FLINT_ENV="TERM=xterm-256color" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen ' 1 int main\(void\)'
wait_file 'look: none remembered' "$FLINT_LOG_FILE"
keys M-t
wait_screen 'Themes'
keys Down Enter # dark (the start, selected) -> light
wait_screen 'theme light \(remembered for the next start\)'
wait_file '^theme = light$' "$look"
keys M-l
wait_screen 'panes stacked'
wait_file '^layout = stacked$' "$look"
[ "$(stat -c %a "$look")" = 600 ] || fail "look.conf is $(stat -c %a "$look"), not 600"
[ "$(stat -c %a "$E2E_DIR/state/flint")" = 700 ] || fail "the state directory is not 0700"
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"

flint_stop
E2E_TAG=-again
FLINT_ENV="TERM=xterm-256color" flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_file 'theme: light \(remembered\)' "$FLINT_LOG_FILE"
wait_file 'look: theme=light layout=2 ' "$FLINT_LOG_FILE"
wait_screen ' 1 int main\(void\)'
wait_screen '^(─)+$' # stacked at 120 columns: the remembered layout
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"

# --theme wins over the remembered theme (the layout still applies)
flint_stop
E2E_TAG=-cli
FLINT_ENV="TERM=xterm-256color" flint_start --theme solarized-dark \
  --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_file "look: theme=light \(the settings' or --theme's wins\)" "$FLINT_LOG_FILE"
wait_screen '^(─)+$'
if grep -q 'theme: light (remembered)' "$FLINT_LOG_FILE"; then fail "the remembered theme beat --theme"; fi
keys C-q
[ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
echo "e2e look: ok"
