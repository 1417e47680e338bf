#!/usr/bin/env bash
# End to end, as a user: type into a file, ask, watch the answer stream, interrupt it with Esc
# (the backend must log the close), ask again on the new connection, interrupt with Ctrl-G,
# save, and compare the file byte for byte; quit.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init session

# A slow backend (100 tokens/s) so that an answer is still streaming when we interrupt it.
backend_start --rate 100 --dump "$E2E_DIR/frames.dump"

file=$E2E_DIR/notes.txt
printf 'original line\n\xff\xfe raw bytes stay\nlast line\n' >"$file"
chmod 0640 "$file"

flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" "$file"
wait_screen 'connected'
wait_screen 'original line'
wait_file '^[0-9.]+ open conn=1' "$BACKEND_LOG"

# Type at the top of the file (UTF-8 and wide characters included).
type 'Hello flint, ünïcödé 世界'
keys Enter
wait_screen 'Hello flint, ünïcödé 世界'

# Ask: a known answer (the backend echoes what follows "echo:").
keys C-k
wait_screen 'Ask:'
type 'echo: The answer is 42, 答え'
keys Enter
wait_file 'done conn=1 .*status=completed' "$BACKEND_LOG"
wait_answer 'The answer is 42, 答え'
grep -q 'recv conn=1 type=response.create prev=- ' "$BACKEND_LOG" || fail "first request was chained"

# A long answer: interrupt it with Esc while it streams.
keys C-k
type 'Write a C function that reverses a linked list'
keys Enter
wait_file 'stream conn=1 resp=' "$BACKEND_LOG"
grep -q 'recv conn=1 type=response.create prev=resp_' "$BACKEND_LOG" \
  || fail "second request on the same connection was not chained with previous_response_id"
wait_answer 'Here is an iterative version'   # it streams (the question has no such text)
keys Escape
wait_file 'close conn=1 code=1000' "$BACKEND_LOG" 5
wait_screen '\[interrupted\]' 5
# The reconnect changes the status line; the answer (the model pane's rows) must not change.
wait_file 'open conn=2' "$BACKEND_LOG" 5
pane() { screen | sed -n "2,$((E2E_ROWS - 1))p" | cut -c $((E2E_COLS / 2))-; }
a=$(pane); sleep 0.5; b=$(pane)
[ "$a" = "$b" ] || fail "the answer kept changing after the interrupt"
[ "$(grep -c 'done conn=1 ' "$BACKEND_LOG")" = 1 ] \
  || fail "the interrupted response completed on the server"

# The next question goes out on the fresh connection, unchained (the cache died with it).
keys C-k
type 'echo: Second connection works'
keys Enter
wait_file 'done conn=2 .*status=completed' "$BACKEND_LOG" 10
wait_answer 'Second connection works'
grep -q 'recv conn=2 type=response.create prev=- ' "$BACKEND_LOG" \
  || fail "first request on the new connection must not carry previous_response_id"

# Ctrl-G interrupts too, with no Esc ambiguity delay.
keys C-k
type 'Explain this file'
keys Enter
wait_count 'stream conn=2 resp=' "$BACKEND_LOG" 2   # the echo was the first
keys C-g
wait_file 'close conn=2 code=1000' "$BACKEND_LOG" 5

# Save and compare byte for byte (mode kept, raw bytes untouched).
keys C-s
wait_screen 'Saved'
expected=$(printf 'Hello flint, \xc3\xbcn\xc3\xafc\xc3\xb6d\xc3\xa9 \xe4\xb8\x96\xe7\x95\x8c\noriginal line\n\xff\xfe raw bytes stay\nlast line\n' | od -An -tx1)
actual=$(od -An -tx1 "$file")
[ "$expected" = "$actual" ] || fail "saved file differs: $(od -c "$file" | head)"
[ "$(stat -c %a "$file")" = 640 ] || fail "file mode not kept: $(stat -c %a "$file")"

keys C-q
status=$(wait_exit 5)
[ "$status" = 0 ] || fail "flint exited with $status"
# Every frame flint sent and the backend sent back must match OpenAI's published schema.
"$(dirname "$0")/../check_schema.sh" dump "$E2E_DIR/frames.dump" >"$E2E_DIR/schema.out" 2>&1
case $? in
  0) tail -n 1 "$E2E_DIR/schema.out" ;;
  77) cat "$E2E_DIR/schema.out" ;;
  *) cat "$E2E_DIR/schema.out"; fail "frames do not match the OpenAPI schema" ;;
esac
echo "ok: type, ask, stream, Esc + Ctrl-G interrupt, reconnect, chain, save, quit"
