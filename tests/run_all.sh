#!/usr/bin/env bash
# Runs ctest in each build directory given and prints one closing line for all of them.
# An argument DIR:REGEX runs the tests of DIR except those whose names match REGEX.
set -u
pass=0; fail=0; rc=0
for arg in "$@"; do
  dir=${arg%%:*}
  exclude=()
  [ "$dir" != "$arg" ] && exclude=(-E "${arg#*:}")
  echo "== ctest in $dir ${exclude[*]}"
  out=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure "${exclude[@]}" 2>&1 | tee "$out"
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
