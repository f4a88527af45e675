#!/bin/sh
# Golden-file tests: runs COMMAND on each CASEDIR/*.in (its path is appended to the command)
# and compares stdout, a "--- stderr" line and stderr, plus the exit status, with CASE.out.
# With UPDATE=1 it rewrites the .out files instead (review the diff before committing).
#
# Usage: golden.sh CASEDIR COMMAND...
set -eu
dir=$1; shift
fails=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for in in "$dir"/*.in; do
	n=$((n + 1))
	want=${in%.in}.out
	status=0
	"$@" "$in" > "$tmp/stdout" 2> "$tmp/stderr" || status=$?
	{ cat "$tmp/stdout"; echo "--- stderr"; cat "$tmp/stderr"; echo "--- exit $status"; } > "$tmp/got"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/got" "$want"
	elif diff -u "$want" "$tmp/got" > "$tmp/diff" 2>&1; then
		echo "ok $n - ${in##*/}"
	else
		echo "not ok $n - ${in##*/}"
		sed 's/^/#   /' "$tmp/diff"
		fails=$((fails + 1))
	fi
done
echo "1..$n"
[ "$fails" -eq 0 ]
