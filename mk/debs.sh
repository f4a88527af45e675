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

# candidates PKG...: "name version" for each package apt knows, in one apt-cache call;
# @PKG stands for the package that metapackage PKG depends on.
candidates() {
	names=
	for p in "$@"; do
		case $p in
		@*) p=$(apt-cache depends "${p#@}" 2>/dev/null | sed -n 's/^  Depends: //p' | head -n 1)
		    [ -n "$p" ] || continue ;;
		esac
		names="$names $p"
	done
	# shellcheck disable=SC2086 # a list of package names
	apt-cache policy $names 2>/dev/null | awk '
		/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) }
		/^  Candidate: / && $2 != "(none)" { print name, $2 }'
}

# missing LIST PKG...: the packages of PKG... that have no line in LIST.
missing() {
	list=$1; shift
	for p in "$@"; do
		case $p in @*) name=$(apt-cache depends "${p#@}" 2>/dev/null |
				sed -n 's/^  Depends: //p' | head -n 1) ;;
			   *) name=$p ;;
		esac
		[ -n "$name" ] && grep -q "^$name " "$list" || echo "${p#@}"
	done
}

resolve() {
	list=$1; shift
	tmp=$list.tmp
	mkdir -p "$(dirname "$list")"
	candidates "$@" | sort > "$tmp"
	lost=$(missing "$tmp" "$@")
	# A fresh machine may have no package index yet: refresh it once.
	if [ -n "$lost" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null 2>&1 || true
		candidates "$@" | sort > "$tmp"
		lost=$(missing "$tmp" "$@")
	fi
	if [ -n "$lost" ]; then
		rm -f "$tmp"
		# shellcheck disable=SC2086 # $lost is a list of package names
		die "Debian package '$(echo $lost | sed "s/ /', '/g")' is not in the apt index.
       Check that /etc/apt/sources.list names a reachable Debian 12 (bookworm) mirror with
       the 'main' component, then run 'apt-get update' as root."
	fi
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
