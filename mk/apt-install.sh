#!/bin/sh
# Installs the host packages listed in FILE (package and reason per line) with apt-get.
# Usage: apt-install.sh FILE
set -eu
list=$1
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]].*//' "$list")

missing=
for entry in $pkgs; do
	p=${entry%%:*}
	case $entry in
	*:*) command -v "${entry#*:}" >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "error: the build needs these host packages:$missing" >&2
	echo "       run make as root (it installs them with apt-get), or install them yourself" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package index yet.
# shellcheck disable=SC2086 # $missing is a list of package names
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1 || {
		echo "error: apt-get update failed: is the Debian mirror in /etc/apt/sources.list reachable?" >&2
		exit 1
	}
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing || {
		echo "error: apt-get could not install:$missing" >&2
		exit 1
	}
fi
