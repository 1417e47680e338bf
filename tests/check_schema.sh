#!/usr/bin/env bash
# Validates JSON frames against OpenAI's published OpenAPI schema (shared/openai-openapi.yml):
#   check_schema.sh goldens          the protocol test data: requests flint encodes must be
#                                    ResponsesClientEvent, server frames ResponsesServerEvent
#   check_schema.sh dump FILE        a flint-backend --dump file (both directions)
# The yml is found via $FLINT_OPENAPI_YML or ../shared/ beside the repository; without it, or
# without python3-jsonschema/yaml, the check is skipped (exit 77, which ctest reports as skipped).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
yml=${FLINT_OPENAPI_YML:-}
[ -n "$yml" ] || for c in "$repo/../shared/openai-openapi.yml" "$repo/shared/openai-openapi.yml"; do
  [ -f "$c" ] && { yml=$c; break; }
done
if [ -z "$yml" ] || [ ! -f "$yml" ]; then
  echo "skipped: openai-openapi.yml not found (set FLINT_OPENAPI_YML)"; exit 77
fi
if ! /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  echo "skipped: python3-jsonschema / python3-yaml missing (make test installs them)"; exit 77
fi
validate() { /usr/bin/python3 "$here/backend/validate_schema.py" "$yml" "$1"; }

case "${1:-}" in
  goldens)
    dump=$(mktemp)
    trap 'rm -f "$dump"' EXIT
    for f in "$here"/data/protocol/request_*.json; do
      printf 'R %s\n' "$(tr -d '\n' <"$f")" >>"$dump"
    done
    # Flat SSE errors are not WebSocket events; unknown_* frames are meant to be unknown.
    for f in "$here"/data/protocol/events/*.json; do
      case $(basename "$f") in error_sse_*|unknown_*) continue;; esac
      printf 'S %s\n' "$(tr -d '\n' <"$f")" >>"$dump"
    done
    validate "$dump"
    ;;
  dump) validate "$2" ;;
  *) echo "usage: $0 goldens | dump FILE"; exit 2 ;;
esac
