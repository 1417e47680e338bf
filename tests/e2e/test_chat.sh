#!/usr/bin/env bash
# End to end with Chat Completions over HTTP SSE (--api chat), against flint-backend --api chat
# in the llama.cpp and vLLM shapes (usage on the finish chunk; usage in a separate chunk): ask,
# wait for the answer's text, interrupt a long answer with Esc (the backend logs the cancel:
# the connection was closed), and ask again at once on the fresh connection.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init chat

for variant in llamacpp vllm; do
  E2E_TAG=-$variant
  # Slow (100 tokens/s), so that the long answer still streams when Esc comes.
  backend_start --api chat --variant "$variant" --rate 100
  flint_start --api chat --url "http://127.0.0.1:$BACKEND_PORT/v1"
  wait_screen 'connected'

  keys C-k
  wait_screen 'Ask:'
  type "echo: Chat answer via $variant"
  keys Enter
  wait_file 'done conn=1 .*status=' "$BACKEND_LOG"
  wait_answer "Chat answer via $variant"

  # A long answer: Esc while it streams. Cancel is closing the connection (PROTOCOL.md 4).
  keys C-k
  type 'Write a C function that reverses a linked list'
  keys Enter
  wait_answer 'Here is an iterative version'
  keys Escape
  wait_file 'cancel conn=1 ' "$BACKEND_LOG" 10
  wait_screen '\[interrupted\]' 5

  # The next question goes out on the fresh connection, with the conversation in it.
  keys C-k
  type "echo: Asked again via $variant"
  keys Enter
  wait_file 'done conn=2 .*status=' "$BACKEND_LOG" 10
  wait_answer "Asked again via $variant"

  keys C-q
  status=$(wait_exit 5)
  [ "$status" = 0 ] || fail "flint exited with $status"
  flint_stop
  kill "$BACKEND_PID" 2>/dev/null; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=
done
echo "ok: chat"
