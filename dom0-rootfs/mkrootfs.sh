#!/bin/sh
# Assembles the dom0 image: busybox, the Xen toolstack and the files of files.list taken from
# the extracted Debian packages, exactly the shared libraries their ELF headers ask for, the
# kernel modules of modules.list with their dependencies, our overlay and programs, and the
# demo guest; then packs it as an lz4-compressed cpio (the legacy frame, which the kernel
# reads) that the kernel unpacks into RAM: lz4 unpacks about 1 s faster than zstd -19 under
# emulation, for 11 MB more on the medium.
#
# Usage: mkrootfs.sh PKGROOT KERNELROOT WORKDIR VERSION OUTPUT [PROGRAM...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$1" && pwd) kroot=$(cd "$2" && pwd) work=$3 version=$4 output=$5
shift 5
programs="$*"
root=$work/root
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64"

die() { echo "mkrootfs: error: $*" >&2; exit 1; }

cleanup() { rm -f "$output.tmp"; }
trap cleanup EXIT INT TERM

# in_pkg PATH: PATH inside the package tree, following symbolic links inside that tree.
in_pkg() {
	p=$1 n=0
	while [ -L "$pkg/$p" ]; do
		t=$(readlink "$pkg/$p")
		case $t in
		/*) p=${t#/} ;;
		*)  p=$(dirname "$p")/$t ;;
		esac
		n=$((n + 1))
		[ "$n" -lt 20 ] || die "$1: too many symbolic links"
	done
	[ -e "$pkg/$p" ] || return 1
	echo "$pkg/$p"
}

stage_skeleton() {
	rm -rf "$work"
	mkdir -p "$root"
	cd "$root"
	mkdir -p bin sbin usr/bin usr/sbin usr/lib etc/xen root proc sys dev run tmp \
		var/lib/xen var/lib/atoll var/log/xen usr/lib/atoll/bin usr/share/atoll/guest
	chmod 1777 tmp
	chmod 700 root
	ln -s ../run var/run
	ln -s ../run/lock var/lock
	ln -s bin/busybox init
	cat > etc/os-release <<-OS
	NAME="Atoll"
	ID=atoll
	VERSION_ID=$version
	PRETTY_NAME="Atoll $version"
	HOME_URL="https://github.com/atoll-xen/atoll"
	OS
	cd - >/dev/null
}

stage_files() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/files.list" | while read -r a b c; do
		if [ "$a" = link ]; then
			if [ -z "$b" ] || [ -z "$c" ]; then
				die "files.list: 'link' needs TARGET and NAME"
			fi
			mkdir -p "$root/$(dirname "$c")"
			ln -sf "$b" "$root/$c"
			continue
		fi
		src=$(in_pkg "$a") || die "files.list: $a is in none of the dom0 packages"
		mkdir -p "$root/$(dirname "$a")"
		cp -R "$src" "$root/$a"
	done
	# busybox provides every other command, as links.
	"$root/bin/busybox" --list-full | while read -r applet; do
		[ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
	done
	cp -R "$here/overlay/." "$root/"
	for p in $programs; do
		cp "$p" "$root/usr/lib/atoll/bin/"
	done
}

# needs FILE: the sonames and the program interpreter an ELF file asks for.
needs() {
	readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
	readelf -l "$1" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \/\(.*\)\]/\1/p'
}

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

stage_libraries() {
	# syslinux's .c32 modules are ELF too, but for syslinux to load, not ld.so.
	todo=$(find "$root" -type f ! -name '*.c32' |
		while read -r f; do is_elf "$f" && echo "$f"; done)
	: > "$work/libs"
	while [ -n "$todo" ]; do
		next=
		for f in $todo; do
			for lib in $(needs "$f"); do
				grep -qxF "$lib" "$work/libs" && continue
				echo "$lib" >> "$work/libs"
				case $lib in
				*/*) dst=$lib; src=$(in_pkg "$lib") || src= ;;
				*)   src= ; for d in $libdirs; do
					src=$(in_pkg "$d/$lib") && { dst=$d/$lib; break; }
				     done ;;
				esac
				[ -n "$src" ] || die "${f#"$root"/} needs $lib, which none of the dom0 packages has: add its package to DOM0_PACKAGES"
				mkdir -p "$root/$(dirname "$dst")"
				cp "$src" "$root/$dst"
				next="$next $root/$dst"
			done
		done
		todo=$next
	done
	printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > "$root/etc/ld.so.conf"
	ldconfig -r "$root"
}

stage_modules() {
	kver=$(ls "$kroot/lib/modules")
	[ "$(echo "$kver" | wc -l)" = 1 ] || die "expected one kernel under $kroot/lib/modules"
	[ -e "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"
	kdir=$root/lib/modules/$kver
	mkdir -p "$kdir"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/modules.list" | while read -r m; do
		deps=$(modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>&1) ||
			die "kernel $kver has no module '$m' (modules.list)"
		echo "$deps" | sed -n 's/^insmod \([^ ]*\).*/\1/p' | while read -r ko; do
			rel=${ko#"$kroot"/lib/modules/"$kver"/}
			mkdir -p "$kdir/$(dirname "$rel")"
			cp "$ko" "$kdir/$rel"
		done
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$kroot/lib/modules/$kver/$f" "$kdir/"
	done
	depmod -b "$root" "$kver"
}

stage_guest() {
	g=$work/guest
	mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev"
	cp "$root/bin/busybox" "$g/bin/"
	cp "$here/guest/init" "$g/init"
	# Its disks' front end (a module in Debian's kernel): VDIs show up as /dev/xvd*.
	mkdir -p "$g/lib/modules"
	cp "$kroot/lib/modules/$kver/kernel/drivers/block/xen-blkfront.ko" "$g/lib/modules/" ||
		die "kernel $kver has no xen-blkfront module for the demo guest"
	# ...and its network's: a VIF is an eth* the guest can carry traffic on.
	cp "$kroot/lib/modules/$kver/kernel/drivers/net/xen-netfront.ko" "$g/lib/modules/" ||
		die "kernel $kver has no xen-netfront module for the demo guest"
	find "$g" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$g" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --reproducible -R 0:0 --quiet | gzip -9n) \
		> "$root/usr/share/atoll/guest/initrd.gz"
	# The kernel as gzip: xl unpacks it far faster than the bzImage's xz (kernel-gz.sh).
	"$here/../hypervisor/kernel-gz.sh" "$kroot"/boot/vmlinuz-* > "$root/usr/share/atoll/guest/vmlinuz" ||
		die "cannot make the demo guest's kernel"
}

# stage_grub: the installed disk's UEFI bootloader, GRUB at the removable path. It finds
# the boot partition by its label and reads the menu the installer writes beside it, and
# the environment block (loadenv) whose next_entry boots an upgrade once.
stage_grub() {
	mkdir -p "$root/usr/lib/atoll/install"
	cat > "$work/grub-disk.cfg" <<-'END'
	search --no-floppy --set=root --label ATOLL-BOOT
	set prefix=($root)/EFI/BOOT
	configfile ($root)/EFI/BOOT/grub.cfg
	END
	grub-mkimage -O x86_64-efi -o "$root/usr/lib/atoll/install/BOOTX64.EFI" \
		-c "$work/grub-disk.cfg" -p /EFI/BOOT \
		part_gpt fat multiboot2 normal configfile search search_label gzio echo test \
		serial terminal all_video efi_gop efi_uga reboot halt loadenv ||
		die "grub-mkimage failed"
}

# stage_ca_bundle: the CA bundle that verifies an HTTPS answerfile server, made from
# ca-certificates' files as its update-ca-certificates would.
stage_ca_bundle() {
	mkdir -p "$root/etc/ssl/certs"
	cat "$pkg"/usr/share/ca-certificates/mozilla/*.crt > "$root/etc/ssl/certs/ca-certificates.crt"
}

stage_pack() {
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	mkdir -p "$(dirname "$output")"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --reproducible -R 0:0 --quiet | lz4 -l -9 -q) > "$output.tmp"
	mv "$output.tmp" "$output"
}

stage_skeleton
stage_files
stage_libraries
stage_modules
stage_guest
stage_grub
stage_ca_bundle
stage_pack
