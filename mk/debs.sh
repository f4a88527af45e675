#!/bin/sh
# Debian binary packages the image is assembled from: resolve versions, download into the
# cache, extract. Versions are resolved from the apt index at build time and recorded.
#
#   debs.sh resolve LIST PKG...     write "name version" lines to LIST (only if they changed);
#                                   @PKG means the package that metapackage PKG depends on
#   debs.sh fetch LIST CACHE        download every package of LIST missing from CACHE
#   debs.sh extract LIST CACHE DIR  unpack every package of LIST into DIR (atomically)
set -eu

die() { echo "error: $*" >&2; exit 1; }

# deb_file CACHE NAME VERSION: the cache path apt-get download uses (':' becomes %3a).
deb_file() {
	set -- "$1" "$2" "$(printf '%s' "$3" | sed 's/:/%3a/g')"
	for f in "$1/$2_$3_"*.deb; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# candidate NAME: the version apt would install, or nothing.
candidate() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^  Candidate: //p' | grep -v '^(none)$' || true
}

resolve_one() {
	case $1 in
	@*)	meta=${1#@}
		dep=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/^  Depends: //p' | head -n 1)
		[ -n "$dep" ] || return 1
		set -- "$dep" ;;
	esac
	v=$(candidate "$1")
	[ -n "$v" ] || return 1
	echo "$1 $v"
}

resolve() {
	list=$1; shift
	tmp=$list.tmp
	mkdir -p "$(dirname "$list")"
	: > "$tmp"
	updated=
	for p in "$@"; do
		if ! resolve_one "$p" >> "$tmp"; then
			# A fresh machine may have no package index yet: refresh it once.
			if [ -z "$updated" ] && [ "$(id -u)" = 0 ]; then
				updated=1
				apt-get update -q >/dev/null 2>&1 || true
				resolve_one "$p" >> "$tmp" && continue
			fi
			rm -f "$tmp"
			die "Debian package '${p#@}' is not in the apt index.
       Check that /etc/apt/sources.list names a reachable Debian 12 (bookworm) mirror with
       the 'main' component, then run 'apt-get update' as root."
		fi
	done
	sort -o "$tmp" "$tmp"
	if cmp -s "$tmp" "$list"; then rm -f "$tmp"; else mv "$tmp" "$list"; fi
}

fetch() {
	list=$1 cache=$2
	mkdir -p "$cache"
	while read -r name version; do
		deb_file "$cache" "$name" "$version" >/dev/null && continue
		echo "  FETCH   $name $version"
		dl=$(mktemp -d "$cache/.download.XXXXXX")
		# apt drops privileges to _apt for downloads; let it write here.
		chmod 755 "$dl"
		chown _apt "$dl" 2>/dev/null || true
		if ! (cd "$dl" && apt-get download -q "$name=$version" >"$dl.log" 2>&1); then
			cat "$dl.log" >&2
			rm -rf "$dl" "$dl.log"
			die "could not download $name=$version: is the Debian mirror reachable?
       (try 'apt-get update' as root; the index may be older than the mirror)"
		fi
		mv "$dl"/*.deb "$cache/"
		rm -rf "$dl" "$dl.log"
	done < "$list"
}

extract() {
	list=$1 cache=$2 dir=$3
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	while read -r name version; do
		f=$(deb_file "$cache" "$name" "$version") ||
			die "$name $version is not in $cache (run the fetch step first)"
		dpkg-deb -x "$f" "$dir.tmp"
	done < "$list"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
resolve) [ $# -ge 2 ] || die "usage: debs.sh resolve LIST PKG..."; resolve "$@" ;;
fetch)   [ $# -eq 2 ] || die "usage: debs.sh fetch LIST CACHE"; fetch "$@" ;;
extract) [ $# -eq 3 ] || die "usage: debs.sh extract LIST CACHE DIR"; extract "$@" ;;
*)       die "usage: debs.sh resolve|fetch|extract ..." ;;
esac
