#!/bin/sh
# atoll-pxe against golden files. Each step runs one command on a PXE tree; its output, exit
# status and the files it wrote or removed go to STEP.result, and each file it wrote to
# STEP/, both compared with golden/. A step that fails must leave the tree as it was.
# With UPDATE=1 it rewrites golden/ instead (review the diff before committing).
#
# Usage: test_atoll_pxe.sh ATOLL_PXE
set -eu
case $1 in
/*) pxe=$1 ;;
*) pxe=$(pwd)/$1 ;;
esac
golden=$(cd "$(dirname "$0")" && pwd)/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
n=0 fails=0
if [ "${UPDATE:-}" = 1 ]; then
	rm -rf "$golden"
	mkdir "$golden"
fi

# A tree as make pxe lays it out, with stand-ins for the loaders and images.
mkdir -p tree/atoll empty
for f in pxelinux.0 lpxelinux.0 ldlinux.c32 mboot.c32 libcom32.c32 grubx64.efi \
	atoll/xen.gz atoll/vmlinuz atoll/dom0.img; do
	echo "$f" > "tree/$f"
done
cat > db1.xml <<'EOF'
<?xml version="1.0"?>
<installation mode="fresh">
  <primary-disk>sda</primary-disk>
</installation>
EOF

# Every directory and file under $1, with the files' checksums.
state() {
	(cd "$1" && find . -type d | sort && find . -type f -exec cksum {} + | sort -k 3)
}

# What the step did to the tree: "wrote F" with F copied to got/, or "removed F".
changes() {
	(cd tree && find . -type f | sort) > now
	(cd prev && find . -type f | sort) > was
	while read -r f; do
		if [ ! -f "prev/$f" ] || ! cmp -s "tree/$f" "prev/$f"; then
			echo "wrote ${f#./}"
			mkdir -p "got/$(dirname "$f")"
			cp "tree/$f" "got/$f"
		fi
	done < now
	comm -13 now was | sed 's|^\./|removed |'
}

# step NAME ARG...: runs atoll-pxe ARG... and checks it against golden/NAME.
step() {
	name=$1
	shift
	n=$((n + 1))
	rm -rf prev got
	cp -R tree prev
	mkdir got
	status=0
	"$pxe" "$@" > stdout 2> stderr || status=$?
	{
		echo "\$ atoll-pxe $*"
		echo "--- stdout"
		cat stdout
		echo "--- stderr"
		cat stderr
		echo "--- exit $status"
		changes
	} > result
	bad=
	if [ "$status" != 0 ] && [ "$(state prev)" != "$(state tree)" ]; then
		bad="it failed and left the tree changed"
	fi
	if [ "${UPDATE:-}" = 1 ]; then
		cp result "$golden/$name.result"
		[ -z "$(ls got)" ] || cp -R got "$golden/$name"
	else
		want=$golden/$name
		[ -d "$want" ] || want=empty
		if ! diff -u "$golden/$name.result" result > diffs.out 2>&1 ||
		    ! diff -ru "$want" got >> diffs.out 2>&1; then
			bad="${bad:-output or files differ}"
		fi
	fi
	if [ -n "$bad" ]; then
		echo "not ok $n - $name: $bad"
		[ ! -s diffs.out ] || sed "s/^/#   /" diffs.out
		fails=$((fails + 1))
	else
		echo "ok $n - $name"
	fi
	rm -f diffs.out
}

mac1=52:54:00:12:34:56 mac2=52-54-00-AB-CD-EF
url=http://10.0.2.100/answers/web1.xml
long=http://10.0.2.100/$(printf '%0450d' 0)

# A new tree, as make pxe sets it up; then hosts in each form of answerfile and MAC.
step 01-list-new-tree list tree
step 02-set-default-local set-default tree local
step 03-add-url add-host tree --mac "$mac1" --answerfile "$url" --name web1
step 04-add-file add-host tree --mac "$mac2" --answerfile db1.xml --name db1 \
	--served-at http://deploy.example/atoll-pxe/ --report http://deploy.example/report \
	--atexit poweroff
step 05-add-defaults add-host tree --mac=5254001234AA --answerfile=db1.xml \
	--served-at=http://10.0.2.100
step 06-list list tree
step 07-set-default-live set-default tree live
step 08-set-default-install set-default tree install
step 09-list-install list tree

# Values refused before anything is written.
step 10-bad-mac add-host tree --mac 52:54:00:12:34 --answerfile "$url"
step 11-mac-mixed-separators add-host tree --mac 52:54-00:12:34:56 --answerfile "$url"
step 12-multicast-mac add-host tree --mac 01:00:5E:00:00:01 --answerfile "$url"
step 13-zero-mac add-host tree --mac 000000000000 --answerfile "$url"
step 14-duplicate add-host tree --mac "$mac1" --answerfile "$url"
step 15-duplicate-other-form add-host tree --mac 525400abcdef --answerfile "$url"
step 16-file-without-served-at add-host tree --mac 52:54:00:00:00:01 --answerfile db1.xml
step 17-url-space add-host tree --mac 52:54:00:00:00:01 \
	--answerfile "http://10.0.2.100/a b.xml"
# shellcheck disable=SC2016 # the $ is the URL's
step 18-url-dollar add-host tree --mac 52:54:00:00:00:01 \
	--answerfile 'http://10.0.2.100/$mac.xml'
step 19-report-quote add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" \
	--report "http://10.0.2.100/it's"
step 20-served-at-brace add-host tree --mac 52:54:00:00:00:01 --answerfile db1.xml \
	--served-at 'http://10.0.2.100/{a}'
step 21-served-at-fragment add-host tree --mac 52:54:00:00:00:01 --answerfile db1.xml \
	--served-at 'http://10.0.2.100/#a'
step 22-served-at-not-http add-host tree --mac 52:54:00:00:00:01 --answerfile db1.xml \
	--served-at 10.0.2.100
step 23-report-no-host add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" \
	--report http:///report
step 24-missing-file add-host tree --mac 52:54:00:00:00:01 --answerfile missing.xml \
	--served-at http://10.0.2.100
dd if=/dev/zero of=big.xml bs=1024 count=1025 2> /dev/null
step 25-file-too-large add-host tree --mac 52:54:00:00:00:01 --answerfile big.xml \
	--served-at http://10.0.2.100
: > empty.xml
step 26-file-empty add-host tree --mac 52:54:00:00:00:01 --answerfile empty.xml \
	--served-at http://10.0.2.100
step 27-file-is-a-directory add-host tree --mac 52:54:00:00:00:01 --answerfile empty \
	--served-at http://10.0.2.100
step 28-bad-name add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" --name "web 1"
step 29-long-name add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" \
	--name "$(printf '%064d' 0)"
step 30-bad-atexit add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" --atexit halt
step 31-url-too-long add-host tree --mac 52:54:00:00:00:01 \
	--answerfile "$long$(printf '%0451d' 0)"
step 32-dom0-line-too-long add-host tree --mac 52:54:00:00:00:01 --answerfile "$long" \
	--report "$long"
step 33-unknown-default set-default tree rescue
step 34-remove-unknown remove-host tree --mac 52:54:00:99:99:99
step 35-remove-bad-mac remove-host tree --mac 52:54:00:99:99:9
step 36-not-a-tree list no-such-tree
step 37-tree-is-a-file add-host db1.xml --mac 52:54:00:00:00:01 --answerfile "$url"

# A write that fails half-way (here the GRUB config's temporary file cannot be made) takes
# back what was written before it.
mkdir tree/grub.cfg-01-52-54-00-00-00-09.tmp
step 38-second-config-fails add-host tree --mac 52:54:00:00:00:09 --answerfile db1.xml \
	--served-at http://10.0.2.100
rmdir tree/grub.cfg-01-52-54-00-00-00-09.tmp

# Usage errors.
step 39-usage-nothing
step 40-usage-unknown-command frobnicate tree
step 41-usage-no-mac add-host tree --answerfile "$url"
step 42-usage-no-answerfile add-host tree --mac 52:54:00:00:00:01
step 43-usage-unknown-option add-host tree --mac 52:54:00:00:00:01 --answerfile "$url" \
	--force
step 44-usage-option-of-another remove-host tree --mac "$mac1" --name web1
step 45-usage-no-dir list
step 46-usage-extra-argument list tree tree2
step 47-usage-twice add-host tree --mac 52:54:00:00:00:01 --mac 52:54:00:00:00:02 \
	--answerfile "$url"
step 48-usage-no-value add-host tree --answerfile "$url" --mac
step 49-usage-no-default set-default tree
step 50-help --help

# Hosts that are not whole, or not ours, are listed with a warning and can be removed.
step 51-add-for-half add-host tree --mac 52:54:00:00:00:42 --answerfile "$url" --name half
rm tree/grub.cfg-01-52-54-00-00-00-42
printf 'DEFAULT local\nLABEL local\n  LOCALBOOT 0\n' > tree/pxelinux.cfg/01-52-54-00-00-00-77
: > tree/pxelinux.cfg/01-52-54-00-00-00-7.tmp
step 52-list-half-and-foreign list tree
step 53-add-over-half add-host tree --mac 52:54:00:00:00:42 --answerfile "$url"
step 54-add-over-foreign add-host tree --mac 52:54:00:00:00:77 --answerfile "$url"
step 55-remove-half remove-host tree --mac 52:54:00:00:00:42
step 56-remove-foreign remove-host tree --mac 52:54:00:00:00:77
rm tree/pxelinux.cfg/01-52-54-00-00-00-7.tmp

# Removing hosts, in any form of their MAC; a file host takes its answerfile with it.
step 57-remove-file-host remove-host tree --mac 52:54:00:ab:cd:ef
step 58-list-after-remove list tree
step 59-remove-url-host remove-host tree --mac 525400123456
step 60-remove-last remove-host tree --mac 52-54-00-12-34-aa
step 61-remove-again remove-host tree --mac 52-54-00-12-34-aa
step 62-list-no-hosts list tree
step 63-set-default-local-again set-default tree local

# An unattended upgrade: the host's answerfile is made, XenServer's upgrade form.
step 64-add-upgrade add-host tree --mac 52:54:00:00:00:64 --upgrade sda \
	--served-at http://10.0.2.100 --name up1
step 65-add-upgrade-by-id add-host tree --mac 52:54:00:00:00:65 \
	--upgrade /dev/disk/by-id/ata-QEMU_HARDDISK_QM00001 --served-at http://10.0.2.100
step 66-upgrade-without-served-at add-host tree --mac 52:54:00:00:00:66 --upgrade sda
step 67-upgrade-bad-disk add-host tree --mac 52:54:00:00:00:66 --upgrade ../etc/passwd \
	--served-at http://10.0.2.100
step 68-upgrade-disk-to-quote add-host tree --mac 52:54:00:00:00:66 --upgrade 'sda<x>' \
	--served-at http://10.0.2.100
step 69-upgrade-and-answerfile add-host tree --mac 52:54:00:00:00:66 --upgrade sda \
	--answerfile "$url" --served-at http://10.0.2.100
step 70-remove-upgrade-host remove-host tree --mac 52:54:00:00:00:64

echo "1..$n"
[ "$fails" -eq 0 ]
