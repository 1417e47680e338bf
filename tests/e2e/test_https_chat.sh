#!/usr/bin/env bash
# End to end: --api chat over https:// (flint's own TLS over the raw socket) and through an
# HTTPS_PROXY (CONNECT), against flint-backend --api chat --variant cerebras behind a TLS
# terminator and a CONNECT proxy (tls_proxy.py; a throwaway CA made with the openssl CLI):
# ask and get the answer, Esc cancels by closing (the backend logs the cancel), ask again on
# the fresh TLS connection; through the proxy to a name only the proxy knows, with Basic
# credentials that never reach flint's log; and without --ca-file the system CAs refuse the
# test CA with the real reason. Skipped without the openssl CLI.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init https-chat
command -v openssl >/dev/null || { echo "skipped: no openssl CLI"; exit 77; }

( cd "$E2E_DIR" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
    -out ca.pem -days 2 -subj /CN=flint-e2e-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout s.key -out s.csr \
    -subj /CN=llm.example.test &&
  printf 'subjectAltName=DNS:llm.example.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext.cnf &&
  openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out s.pem -days 2 \
    -extfile ext.cnf ) >/dev/null 2>&1 || fail "cannot make the test CA"

backend_start --api chat --variant cerebras --rate 100
RELAY_LOG=$E2E_DIR/relay.log
: >"$RELAY_LOG"
mkfifo "$E2E_DIR/relay.in"
/usr/bin/python3 "$(dirname "$0")/tls_proxy.py" --backend "$BACKEND_PORT" --cert "$E2E_DIR/s.pem" \
  --key "$E2E_DIR/s.key" --log "$RELAY_LOG" <"$E2E_DIR/relay.in" >"$E2E_DIR/relay.out" 2>&1 &
RELAY_PID=$!
exec 9>"$E2E_DIR/relay.in" # the relay runs until this closes
trap 'exec 9>&-; kill $RELAY_PID 2>/dev/null; e2e_cleanup' EXIT
wait_file '^listening ' "$E2E_DIR/relay.out" 10
read -r _ TLS_PORT PROXY_PORT <"$E2E_DIR/relay.out"

# --- direct: https://127.0.0.1 (loopback: never proxied) ------------------------------------
E2E_TAG=-direct
FLINT_ENV="CEREBRAS_API_KEY=csk-e2e" \
  flint_start --provider cerebras --url "https://127.0.0.1:$TLS_PORT/v1" --ca-file "$E2E_DIR/ca.pem"
wait_screen 'connected'
wait_file 'tls up 1$' "$RELAY_LOG"
keys C-k
wait_screen 'Ask:'
type 'echo: Answer over TLS'
keys Enter
wait_answer 'Answer over TLS'
keys C-k
type 'Write a C function that reverses a linked list'
keys Enter
wait_answer 'Here is an iterative version'
keys Escape
wait_file 'cancel conn=1 ' "$BACKEND_LOG" 10
wait_screen '\[interrupted\]' 5
wait_file 'tls up 2$' "$RELAY_LOG" 10 # the fresh connection, before any question
keys C-k
type 'echo: Asked again over TLS'
keys Enter
wait_answer 'Asked again over TLS'
keys C-q
status=$(wait_exit 5)
[ "$status" = 0 ] || fail "flint exited with $status"
flint_stop

# --- through the proxy, to a name only the proxy knows ---------------------------------------
E2E_TAG=-proxy
FLINT_ENV="CEREBRAS_API_KEY=csk-e2e HTTPS_PROXY=http://me:s3cr3t-pw@127.0.0.1:$PROXY_PORT" \
  flint_start --provider cerebras --url "https://llm.example.test:$TLS_PORT/v1" \
  --ca-file "$E2E_DIR/ca.pem"
wait_screen 'connected'
wait_file "tunnel 1 CONNECT llm.example.test:$TLS_PORT HTTP/1.1 auth=Basic bWU6czNjcjN0LXB3\$" "$RELAY_LOG"
keys C-k
type 'echo: Answer through the proxy'
keys Enter
wait_answer 'Answer through the proxy'
keys C-q
wait_exit 5 >/dev/null
grep -q 's3cr3t' "$FLINT_LOG_FILE" && fail "the proxy password reached the log"
flint_stop

# --- without the test CA: refused, with the reason -------------------------------------------
E2E_TAG=-untrusted
FLINT_ENV="CEREBRAS_API_KEY=csk-e2e" flint_start --provider cerebras --url "https://127.0.0.1:$TLS_PORT/v1"
wait_file 'certificate verify failed: unable to get local issuer certificate' "$FLINT_LOG_FILE" 30
keys C-q
wait_exit 5 >/dev/null
echo "ok: https chat"
