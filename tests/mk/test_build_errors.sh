#!/bin/sh
# Bad build input stops with the missing thing named and how to fix it, and leaves no
# half-written output behind.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 fails=0

# expect WHAT STATUS PATTERN COMMAND...: COMMAND exits with STATUS and says PATTERN.
expect() {
	what=$1 want=$2 pattern=$3
	shift 3
	n=$((n + 1))
	status=0
	"$@" > "$tmp/out" 2>&1 || status=$?
	if [ "$status" = "$want" ] && grep -q -- "$pattern" "$tmp/out"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what (exit $status, wanted $want and '$pattern')"
		sed 's/^/#   /' "$tmp/out"
		fails=$((fails + 1))
	fi
}

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

printf 'atoll-no-such-package\tfor the test\n' > "$tmp/host-packages.txt"
expect "missing host package without root names it and asks for root" 1 \
	"atoll-no-such-package.*" as_nobody "$top/mk/apt-install.sh" "$tmp/host-packages.txt"
expect "the advice says how to fix it" 1 "run make as root" \
	as_nobody "$top/mk/apt-install.sh" "$tmp/host-packages.txt"

mkdir -m 777 "$tmp/nobody"
expect "a Debian package not in the index is named" 1 \
	"Debian package 'atoll-no-such-package' is not in the apt index" \
	as_nobody "$top/mk/debs.sh" resolve "$tmp/nobody/x.list" busybox-static atoll-no-such-package
n=$((n + 1))
if [ -e "$tmp/nobody/x.list" ] || [ -e "$tmp/nobody/x.list.tmp" ]; then
	echo "not ok $n - a failed resolve writes no list"; fails=$((fails + 1))
else
	echo "ok $n - a failed resolve writes no list"
fi

mkdir -p "$tmp/boot"
echo xen > "$tmp/boot/xen.gz"
echo kernel > "$tmp/boot/vmlinuz"
# (The menus' helper is not reached: the missing file stops the build first.)
expect "an ISO without dom0.img names the missing file" 1 "boot/dom0.img is missing" \
	"$top/iso/mkiso.sh" "$tmp/atoll-bootmenu" "$tmp/boot" "$tmp/iso" 0 "" "" "$tmp/atoll.iso"
n=$((n + 1))
if [ -e "$tmp/atoll.iso" ] || [ -e "$tmp/atoll.iso.tmp" ]; then
	echo "not ok $n - a failed ISO build leaves no ISO"; fails=$((fails + 1))
else
	echo "ok $n - a failed ISO build leaves no ISO"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
