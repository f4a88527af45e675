#!/bin/sh
# atoll-bootopts against golden files: good options, bad values, unknown options, bad lines.
# Usage: test_bootopts.sh ATOLL_BOOTOPTS
set -eu
exec "$(dirname "$0")/../golden.sh" "$(dirname "$0")/cases" "$1" --cmdline
