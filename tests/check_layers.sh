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
  # In session/: the wire dialects (session/wire_*.c) and the settings file's reader;
  # session/journal.c reads the conversation journal back, one JSONL line at a time.
  case $f in session/wire_*.c|session/settings.c|session/journal.c) ;; *)
    fail "$f includes cJSON (only session/wire_*.c, session/settings.c, session/journal.c may)";; esac
done
# The Turn reports by return value and never calls the Session: no include circle.
for f in $(hits '#\s*include\s*"session/session\.h"' session/turn.h session/turn.c session/wire*.[ch]); do
  fail "$f includes session/session.h (a Turn or a Wire must not know the Session)"
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

# No circles between modules: X.c and X.h are one module (a private X_internal.h belongs to
# X); module A depends on B when A.c or A.h includes B.h. A circle (A -> B -> ... -> A) means
# neither can be understood, tested or replaced without the other.
cycles=$(python3 - <<'PY'
import glob, os, re, sys
files = [f for d in "app core net session themes ui".split() for f in sorted(glob.glob(d + "/*.[ch]"))]
def module(path):
    m = path.rsplit(".", 1)[0]
    return m[: -len("_internal")] if m.endswith("_internal") else m
graph = {}
for f in files:
    text = open(f, encoding="utf-8", errors="replace").read()
    for inc in re.findall(r'^\s*#\s*include\s*"([a-z]+/[^"]+)"', text, re.M):
        if os.path.exists(inc) and module(inc) != module(f):
            graph.setdefault(module(f), set()).add(module(inc))
index, low, stack, on, out = {}, {}, [], set(), []
sys.setrecursionlimit(100000)
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in sorted(graph.get(v, ())):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            out.append(" <-> ".join(sorted(comp)))
for v in sorted(graph):
    if v not in index:
        visit(v)
print("\n".join(out))
PY
)
while IFS= read -r c; do
  [ -n "$c" ] && fail "modules include each other: $c"
done <<<"$cycles"

[ $bad = 0 ] && echo "layering: all rules hold"
exit $bad
