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
ls "$tmp/root/usr/share/flint/themes/"*.theme >/dev/null 2>&1 || fail "no theme files"
# The installed theme files are examples to copy (the themes of the same names are built in,
# and a built-in name wins): a user's theme named by name is found beside the binary. The
# check installs one more file there under a name no built-in has, then removes it.
check=$tmp/root/usr/share/flint/themes/flint-install-check.theme
sed 's/^name *=.*/name = flint-install-check/' "$tmp/root/usr/share/flint/themes/light.theme" >"$check"
FLINT_LOG="$tmp/log" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" \
  timeout 20 "$bin" --plain --theme flint-install-check --url ws://127.0.0.1:1/v1 </dev/null \
  >"$tmp/out" 2>&1 || fail "--theme flint-install-check: $(cat "$tmp/out")"
grep -q "theme: $tmp/root/usr/bin/../share/flint/themes/flint-install-check.theme" "$tmp/log" ||
  fail "a theme named by name was not loaded from the installed share/flint/themes"
grep -Eq "syntax: [1-9][0-9]* languages from $tmp/root/usr/bin/../share/flint/syntax, 0 files" \
  "$tmp/log" || fail "the syntax files were not loaded from the installed share/flint/syntax"
# Every installed theme file parses (named by path).
for theme in "$tmp"/root/usr/share/flint/themes/*.theme; do
  timeout 20 "$bin" --plain --theme "$theme" --url ws://127.0.0.1:1/v1 </dev/null \
    >"$tmp/out" 2>&1 || fail "--theme $theme: $(cat "$tmp/out")"
done
rm -f "$check"
echo "ok: installed under DESTDIR: $ver; themes and syntax found beside the binary"
