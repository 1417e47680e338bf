#!/usr/bin/env bash
# A short, reproducible libFuzzer run of one target, as a ctest in the clang fuzz build:
# a fixed seed and a fixed number of runs, so the same binary explores the same inputs in the
# same order every time, starting from a copy of the target's corpus (the corpus itself is
# never written). A slow target stops after FUZZ_SMOKE_SECONDS (default 30) instead: a prefix
# of the same sequence, so CI time stays bounded. A crash fails the test and its input is kept in tests/fuzz/crashes/ to be moved
# into the corpus once fixed.
#   smoke.sh FUZZER CORPUS_DIR [RUNS]
set -u
bin=$1 corpus=$2 runs=${3:-${FUZZ_RUNS:-100000}}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/out"
cp "$corpus"/* "$work/corpus/" 2>/dev/null
"$bin" -seed=1 -runs="$runs" -max_total_time="${FUZZ_SMOKE_SECONDS:-30}" -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$work/out/" "$work/corpus" >"$work/log" 2>&1
rc=$?
tail -n 2 "$work/log"
if [ "$rc" != 0 ] || ls "$work/out"/* >/dev/null 2>&1; then
  grep -E 'ERROR|runtime error|SUMMARY' "$work/log" | head -20
  mkdir -p "$here/crashes"
  cp "$work/out"/* "$here/crashes/" 2>/dev/null && echo "kept in $here/crashes/"
  exit 1
fi
