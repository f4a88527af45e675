#!/bin/sh
# The boot menus iso/bootmenu.sh writes, against golden files (each .in holds its arguments).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2016 # the inner shell expands $0 and $1
exec "$here/../golden.sh" "$here/cases" sh -c 'set -f; exec "$0" $(cat "$1")' "$here/../../iso/bootmenu.sh"
