#!/usr/bin/env bash
# make install's result works where it lands (issue 10 item 11): `cmake --install` with
# DESTDIR into a temporary directory, then the installed flint says its version and commit,
# finds its themes and syntax files beside itself (../share/flint, not the source tree), and
# the manual page is where man looks.
# usage: check_install.sh BUILD_DIR
set -u
build=$1
tmp=$(mktemp -d /tmp/flint-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log" ] && tail -n 20 "$tmp/log"; exit 1; }
DESTDIR="$tmp/root" cmake --install "$build" --prefix /usr >"$tmp/install.out" 2>&1 ||
  fail "cmake --install: $(cat "$tmp/install.out")"
bin=$tmp/root/usr/bin/flint
[ -x "$bin" ] || fail "no $bin"
[ -f "$tmp/root/usr/share/man/man1/flint.1" ] || fail "no man page in share/man/man1"
ls "$tmp/root/usr/share/flint/syntax/"*.syntax >/dev/null 2>&1 || fail "no syntax files"
ver=$("$bin" --version) || fail "--version failed"
echo "$ver" | grep -Eq '^flint [0-9]+\.[0-9]+\.[0-9]+ \(commit [^ )]+\)$' || fail "--version: '$ver'"
for theme in "$tmp"/root/usr/share/flint/themes/*.theme; do
  name=$(basename "$theme" .theme)
  # plain mode with nothing to ask quits at once; the log says which files it loaded
  rm -f "$tmp/log"
  FLINT_LOG="$tmp/log" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" \
    timeout 20 "$bin" --plain --theme "$name" --url ws://127.0.0.1:1/v1 </dev/null \
    >"$tmp/out" 2>&1 || fail "--theme $name: $(cat "$tmp/out")"
  grep -q "theme: $tmp/root/usr/bin/../share/flint/themes/$name.theme" "$tmp/log" ||
    fail "--theme $name was not loaded from the installed share/flint/themes"
  grep -Eq "syntax: [1-9][0-9]* languages from $tmp/root/usr/bin/../share/flint/syntax, 0 files" \
    "$tmp/log" || fail "the syntax files were not loaded from the installed share/flint/syntax"
done
echo "ok: installed under DESTDIR: $ver; themes and syntax found beside the binary"
