#!/usr/bin/env bash
# Layering check (ARCHITECTURE.md): each third-party header has one home, and no layer
# includes a layer above it. Prints every violation; exits 1 if there is any.
set -u
top=${1:-$(dirname "$0")/..}
cd "$top" || exit 2
bad=0
fail() { echo "layering: $*"; bad=1; }

hits() { grep -rlE "$1" --include='*.[ch]' "${@:2}" 2>/dev/null; }

for f in $(hits '#\s*include\s*[<"](n?curses|ncursesw/curses|term)\.h' app core net session themes ui); do
  [ "$f" = ui/term.c ] || fail "$f includes curses (only ui/term.c may)"
done
for f in $(hits '#\s*include\s*[<"]libwebsockets\.h' core session themes ui); do
  fail "$f includes libwebsockets.h (only net/, app/ and tests/ may)"
done
for f in $(hits '#\s*include\s*[<"](cjson/)?cJSON\.h' app core net themes ui session); do
  # In session/: the wire dialects (session/wire_*.c) and the settings file's reader.
  case $f in session/wire_*.c|session/settings.c) ;; *)
    fail "$f includes cJSON (only session/wire_*.c and session/settings.c may)";; esac
done
# The Turn reports by return value and never calls the Session: no include circle.
for f in $(hits '#\s*include\s*"session/session\.h"' session/turn.h session/turn.c session/wire*.[ch]); do
  fail "$f includes session/session.h (a Turn or a Wire must not know the Session)"
done
for f in $(hits '#\s*include\s*[<"]pcre2\.h' app core net ui); do
  fail "$f includes pcre2.h (only session/ and themes/ may)"
done
# Project headers: which layers each layer may include.
check() { # layer allowed-layers...
  local layer=$1; shift
  local allowed="$*"
  for f in $(find "$layer" -name '*.[ch]' 2>/dev/null); do
    for inc in $(grep -oE '#\s*include\s*"[a-z]+/' "$f" | sed -E 's/.*"([a-z]+)\//\1/' | sort -u); do
      case " $allowed " in *" $inc "*) ;; *) fail "$f includes $inc/ (allowed: $allowed)";; esac
    done
  done
}
check core core
check net net core
check themes themes core
check session session core
check ui ui session themes core
check app app ui net session themes core

[ $bad = 0 ] && echo "layering: all rules hold"
exit $bad
