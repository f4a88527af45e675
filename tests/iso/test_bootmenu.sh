#!/bin/sh
# The ISO's boot menus, as atoll-bootmenu (iso/bootmenu.c) writes them, against golden files
# (each .in holds its arguments).
#
# Usage: test_bootmenu.sh ATOLL_BOOTMENU
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2016 # the inner shell expands $0 and $1
exec "$here/../golden.sh" "$here/cases" sh -c 'set -f; exec "$0" $(cat "$1")' "$1"
