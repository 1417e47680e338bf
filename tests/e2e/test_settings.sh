#!/usr/bin/env bash
# The settings file, as a user meets it: a config.json that binds "ask" to F2 (F2 opens the
# ask prompt, F1's help names F2) and sets expand_tabs (Tab writes spaces into the saved
# file); an unknown command in it is named with its line in the status line; a broken file
# still starts flint, on the defaults, with the file's line in the status line; --config with
# a missing file is an error.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init settings

backend_start
cfg=$E2E_DIR/config.json
cat >"$cfg" <<'JSON'
{
  // keys by name
  "keys": { "F2": "ask", "Ctrl-T": "nope" },
  "editor": { "tab_width": 4, "expand_tabs": true },
}
JSON
file=$E2E_DIR/tabs.txt

flint_start --config "$cfg" --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'
wait_screen "config.json:3: unknown command 'nope'"
keys F2
wait_screen 'Ask:'
keys Escape
wait_gone '^Ask:' # the prompt is closed (an Esc right before F1 would read as Alt-F1)
keys F1
wait_screen 'Ctrl-K / F2 +ask the model'
keys F1
keys Tab; type 'x'; keys C-s
wait_screen 'Saved'
[ "$(cat "$file")" = "    x" ] || fail "expand_tabs: the file holds '$(cat "$file")'"
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
flint_stop

# A broken file: flint starts on the defaults and says where the file is wrong.
printf '{\n  "theme": "light",\n  "editor": { "tab_width": 4 \n' >"$cfg"
flint_start --config "$cfg" --url "ws://127.0.0.1:$BACKEND_PORT/v1"
wait_screen 'connected'
wait_screen 'config.json:[0-9]+: '
keys C-k
wait_screen 'Ask:'
keys Escape
wait_gone '^Ask:'
keys C-q
wait_file '.' "$E2E_DIR/flint.exit"
flint_stop

# A named file that does not exist is an error (exit 2), before any screen.
"$FLINT_BIN" --config "$E2E_DIR/missing.json" --print-config >/dev/null 2>"$E2E_DIR/err"
[ $? = 2 ] || fail "--config with a missing file did not exit 2"
grep -q 'missing.json' "$E2E_DIR/err" || fail "the error does not name the file"
echo "e2e settings: ok"
