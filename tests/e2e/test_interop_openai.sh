#!/usr/bin/env bash
# Interop (PROTOCOL.md 7.3 #15): the official openai npm package's Responses WebSocket client
# (openai/resources/responses/ws) runs three chained turns against flint-backend
# (tests/interop/openai_ws_turns.js checks order, sequence numbers, texts, the chain and
# usage), and every frame of both directions, from the backend's --dump, is validated against
# OpenAI's published schema (tests/check_schema.sh). The package is installed once into
# BUILD/npm-cache (tests/interop/npm.sh); no registry: skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/../interop/npm.sh"
e2e_init interop-openai
npm_need "openai@$OPENAI_NPM_VERSION" "ws@$WS_NPM_VERSION"
backend_start --rate 0 --dump "$E2E_DIR/dump.txt"
node "$here/../interop/openai_ws_turns.js" "$BACKEND_PORT" >"$E2E_DIR/client.txt" 2>&1 ||
  { cat "$E2E_DIR/client.txt"; fail "the openai client's turns failed"; }
cat "$E2E_DIR/client.txt"
wait_file 'close conn=1 code=1000' "$BACKEND_LOG" 5
[ "$(grep -c 'open conn=' "$BACKEND_LOG")" = 1 ] || fail "the client used more than one connection"
[ "$(grep -c 'recv conn=1 type=response.create prev=resp_' "$BACKEND_LOG")" = 2 ] ||
  fail "turns 2 and 3 were not sent chained"
# The dump is complete once the backend has logged the close; validate both directions.
"$here/../check_schema.sh" dump "$E2E_DIR/dump.txt" >"$E2E_DIR/schema.txt" 2>&1
rc=$?
cat "$E2E_DIR/schema.txt"
[ "$rc" = 77 ] && { echo "skipped: the schema check cannot run here (see above)"; exit 77; }
[ "$rc" = 0 ] || fail "frames do not match the OpenAPI schema"
grep -q '^ *R response.create *3$' "$E2E_DIR/schema.txt" || fail "the dump lacks the 3 creates"
echo "ok: the openai package's ResponsesWS ran three chained turns; every frame matches the schema"
