#!/bin/sh
# Runs one fuzz target for FUZZ_SECONDS from its committed corpus; what it finds goes to
# $B/fuzz/, not the tree. Exits 255 on a finding, which stops xargs's other runs.
set -eu
target=$1
name=${target##*/fuzz_}
work=$B/fuzz-corpus/$name
mkdir -p "$work"
if "$target" -max_total_time="$FUZZ_SECONDS" -artifact_prefix="$B/fuzz/" "$work" \
	"tests/fuzz/corpus/$name" 2>"$B/fuzz/$name.log"; then
	echo "== $target ($FUZZ_SECONDS s): ok"
else
	echo "== $target ($FUZZ_SECONDS s): FAILED"
	tail -n 30 "$B/fuzz/$name.log"
	exit 255
fi
