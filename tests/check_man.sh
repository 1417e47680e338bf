#!/usr/bin/env bash
# The manual page and --help name the same options (issue 10 item 11): every option in
# `flint --help` is in doc/flint.1's OPTIONS section and vice versa.
# usage: check_man.sh FLINT_BINARY MAN_PAGE
set -u
flint=$1 man=$2
help_opts=$("$flint" --help | sed -n '/^options:/,/^$/p' |
  grep -oE '^  (-[A-Za-z], )?--[a-z][a-z-]*' | grep -oE -- '--?[A-Za-z][a-z-]*' | sort -u)
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | grep -A1 '^\.TP' | grep -v '^\.TP' |
  grep -v '^--$' | sed 's/\\-/-/g' | grep -oE -- '(^|[ "])--?[A-Za-z][a-z-]*' |
  grep -oE -- '--?[A-Za-z][a-z-]*' | sort -u)
[ -n "$help_opts" ] || { echo "FAIL: no options found in flint --help"; exit 1; }
[ -n "$man_opts" ] || { echo "FAIL: no options found in $man"; exit 1; }
status=0
only_help=$(comm -23 <(echo "$help_opts") <(echo "$man_opts"))
only_man=$(comm -13 <(echo "$help_opts") <(echo "$man_opts"))
[ -z "$only_help" ] || { echo "FAIL: in --help but not in the man page:" $only_help; status=1; }
[ -z "$only_man" ] || { echo "FAIL: in the man page but not in --help:" $only_man; status=1; }
[ $status = 0 ] && echo "ok: --help and $(basename "$man") name the same $(echo "$help_opts" | wc -l) options"
exit $status
