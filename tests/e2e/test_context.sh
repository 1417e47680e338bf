#!/usr/bin/env bash
# End to end, what the model sees (issue 8 items 4-5): F9 shows the next request in a buffer
# (F9 again goes back); a question naming @util.h attaches it; the file goes whole once, then
# as a diff after an edit; every request carries the same prompt_cache_key; the status line
# shows the context use; Alt-P pins a file. Frames checked against the OpenAPI schema.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init context

backend_start --dump "$E2E_DIR/frames.dump"

file=$E2E_DIR/main.c
for i in $(seq 1 60); do printf 'int f%02d(void) { return %d; }\n' "$i" "$i"; done >"$file"
printf 'int util(void);\n' >"$E2E_DIR/util.h"

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'
wait_screen 'int f01'

# F9: the request that asking now would send, in a buffer of its own; F9 there goes back.
keys F9
wait_screen 'What asking now would send'
wait_screen 'prompt_cache_key flint-'
keys F9
wait_screen 'Back from the request view'

# A question naming @util.h (Tab would complete it: app_complete_at_path).
keys C-k
wait_screen 'Ask:'
type "echo: first @util.h"
keys Enter
wait_answer 'first @util.h'
wait_file '^R .*Attached file: util.h' "$E2E_DIR/frames.dump"
grep -q '^R .*The whole file (60 lines)' "$E2E_DIR/frames.dump" || fail "the file did not go whole"
wait_screen 'ctx [0-9]+%'

# An edit, then a question: the file goes as a diff (chained: only the new message).
keys C-Home
type '// edited'
keys Enter
keys C-k
type 'echo: second'
keys Enter
wait_answer 'second'
wait_count '^R ' "$E2E_DIR/frames.dump" 2
last=$(grep '^R ' "$E2E_DIR/frames.dump" | tail -n 1)
case $last in
  *'unified diff against that version'*'+// edited'*) ;;
  *) fail "the second request did not carry a diff: ${last:0:300}" ;;
esac
case $last in *'int f30(void)'*) fail "the second request carried the whole file" ;; esac
keys1=$(grep '^R ' "$E2E_DIR/frames.dump" | grep -o '"prompt_cache_key":"[^"]*"' | sort -u | wc -l)
[ "$keys1" = 1 ] || fail "prompt_cache_key changed within the conversation"

# Alt-P pins a file: the prompt holds the buffer's path (any other may be typed; Tab completes).
keys M-p
wait_screen 'Add to the context'
keys Enter
wait_screen 'Pinned main.c'

keys C-q
wait_screen 'Save'   # the edit is unsaved: quit asks
keys n
status=$(wait_exit 5)
[ "$status" = 0 ] || fail "flint exited with $status"
"$(dirname "$0")/../check_schema.sh" dump "$E2E_DIR/frames.dump" >"$E2E_DIR/schema.out" 2>&1
case $? in
  0) tail -n 1 "$E2E_DIR/schema.out" ;;
  77) cat "$E2E_DIR/schema.out" ;;
  *) cat "$E2E_DIR/schema.out"; fail "frames do not match the OpenAPI schema" ;;
esac
echo "ok: F9 view, @path attached, file once then a diff, one prompt_cache_key, ctx %, Alt-P"
