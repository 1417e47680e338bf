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
for f in $(hits '#\s*include\s*[<"](cjson/)?cJSON\.h' app core net themes ui); do
  fail "$f includes cJSON (only session/ may)"
done
for f in $(hits '#\s*include\s*[<"]pcre2\.h' app core net ui); do
  fail "$f includes pcre2.h (only session/ and themes/ may)"
done
# No libwebsockets type in a net/ header: the app's lws_context crosses into net/ as an opaque
# pointer, and the protocol lists and log hooks stay inside net/*.c (comments may name lws).
for f in net/*.h; do
  while IFS= read -r hit; do
    [ -n "$hit" ] && fail "$f:$hit (no libwebsockets type in a net/ header)"
  done <<< "$(grep -nE 'struct lws|lws_[a-z_]+_t\b|libwebsockets\.h' "$f" | grep -vE '^[0-9]+:\s*(/\*|\*)')"
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
# The loop knows fds and timers, not what they carry: no transport, no session.
for inc in $(grep -oE '#\s*include\s*"[a-z]+/' app/loop.c app/loop.h | sed -E 's/.*"([a-z]+)\/.*/\1/' | sort -u); do
  case $inc in app|core) ;; *) fail "app/loop includes $inc/ (allowed: app core)";; esac
done

[ $bad = 0 ] && echo "layering: all rules hold"
exit $bad
