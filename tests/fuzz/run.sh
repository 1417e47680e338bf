#!/usr/bin/env bash
# Runs every libFuzzer target for FUZZ_SECONDS (default 60) on a copy of its corpus; new
# crashers land in tests/fuzz/corpus/<target>/ as crash-* files: keep them, they are tests.
set -u
build=${1:-build-fuzz}
secs=${FUZZ_SECONDS:-60}
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for src in "$here"/fuzz_*.c; do
  t=$(basename "$src" .c); t=${t#fuzz_}
  work=$(mktemp -d)
  cp "$here/corpus/$t"/* "$work/" 2>/dev/null
  echo "== fuzz_$t for ${secs}s"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -artifact_prefix="$here/corpus/$t/" \
      -max_len=65536 "$work" 2>&1 | tail -n 3 || rc=1
  rm -rf "$work"
done
exit $rc
