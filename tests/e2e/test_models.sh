#!/usr/bin/env bash
# End to end: the model picker (F8) against flint-backend's GET /v1/models (--models), in the
# WebSocket mode (the same port answers plain HTTP) and in the Chat mode. Ask, pick the other
# model from the server's list, ask again: the backend sees the new model on the next request,
# and (WebSocket) no previous_response_id: the conversation went whole.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init models

for api in responses chat; do
  E2E_TAG=-$api
  backend_start --api "$api" --models m-one,m-two
  if [ "$api" = chat ]; then
    flint_start --api chat --url "http://127.0.0.1:$BACKEND_PORT/v1" --model m-one
  else
    flint_start --url "ws://127.0.0.1:$BACKEND_PORT/v1" --model m-one
  fi
  wait_screen 'connected'

  keys C-k
  wait_screen 'Ask:'
  type "echo: first via $api"
  keys Enter
  wait_answer "first via $api"

  keys F8
  wait_file 'recv conn=[0-9]+ type=models' "$BACKEND_LOG"
  wait_screen '\* m-one'
  wait_screen '  m-two'
  keys Down Enter
  wait_screen 'Model m-two; the conversation goes whole'
  wait_screen 'm-two +connected'

  keys C-k
  type "echo: second via $api"
  keys Enter
  wait_answer "second via $api"
  if [ "$api" = responses ]; then
    wait_file 'create conn=1 .* model=m-two ' "$BACKEND_LOG"
    prev=$(grep 'recv conn=1 type=response.create' "$BACKEND_LOG" | tail -1 | sed -E 's/.* prev=([^ ]+) .*/\1/')
    [ "$prev" = - ] || fail "the request after the switch was chained to $prev"
  else
    wait_file 'done conn=1 .*status=' "$BACKEND_LOG"
  fi
  grep -q 'model-pick: 2 models' "$FLINT_LOG_FILE" || fail "flint did not log the list"

  keys C-q
  [ "$(wait_exit 5)" = 0 ] || fail "flint did not quit cleanly"
  flint_stop
  kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null; BACKEND_PID=
done
echo "ok: models"
