#!/usr/bin/env bash
# Runs ctest in each build directory given and prints one closing line for all of them.
set -u
pass=0; fail=0; rc=0
for dir in "$@"; do
  echo "== ctest in $dir"
  out=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" = 0 ] || rc=1
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out" | tail -1)
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  if [ -n "$line" ]; then
    pass=$((pass + total - failed)); fail=$((fail + failed))
  else
    rc=1
  fi
  rm -f "$out"
done
echo
echo "$pass passed, $fail failed"
exit $rc
