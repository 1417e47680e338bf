# Source from a test (after tests/e2e/lib.sh): npm packages for the interop tests, installed
# once into a cache under the build directory ($FLINT_NPM_CACHE, default BUILD/npm-cache next
# to $FLINT_BIN), at pinned versions:
#   npm_need PKG@VERSION...   installs what is missing or at another version; sets NODE_PATH.
# node and npm come from Debian (DEPS_TEST in the Makefile); without them the test fails.
# When the install fails and `npm ping` cannot reach the registry, the test is skipped
# (exit 77) with a message saying so; any other install failure fails the test.
OPENAI_NPM_VERSION=7.60.0 # openai/resources/responses/ws (ResponsesWS)
WS_NPM_VERSION=8.23.1     # its peer dependency, the Node transport

npm_need() {
  command -v node >/dev/null && command -v npm >/dev/null ||
    fail "node and npm are needed (apt-get install nodejs npm; make test installs them)"
  NPM_CACHE=${FLINT_NPM_CACHE:-$(dirname "$FLINT_BIN")/npm-cache}
  local spec name ver missing=0
  for spec in "$@"; do
    name=${spec%@*} ver=${spec##*@}
    [ "$(node -p "require('$NPM_CACHE/node_modules/$name/package.json').version" 2>/dev/null)" = "$ver" ] ||
      missing=1
  done
  if [ "$missing" = 1 ]; then
    mkdir -p "$NPM_CACHE"
    if ! timeout 300 npm install --prefix "$NPM_CACHE" --no-audit --no-fund --loglevel=error \
        "$@" >"$E2E_DIR/npm-install.log" 2>&1; then
      if ! timeout 60 npm ping >/dev/null 2>&1; then
        echo "skipped: the npm registry cannot be reached (npm ping failed), so $* cannot be installed"
        exit 77
      fi
      cat "$E2E_DIR/npm-install.log"
      fail "npm install $* failed although the registry answers"
    fi
  fi
  export NODE_PATH=$NPM_CACHE/node_modules
}
