#!/bin/sh
# comment
set -eu
name="world $USER"
greet() {
    echo "hello ${name}" 'single $x' | tr a-z A-Z
}
if [ -n "$1" ]; then greet; fi
cat <<EOF
heredoc $x
EOF
exit 0
