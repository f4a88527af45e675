#!/bin/sh
# Writes the network-boot tree: BIOS loaders (pxelinux.0 for TFTP, lpxelinux.0 for HTTP)
# with mboot.c32, the UEFI loader (a GRUB network image, grubx64.efi), and the three boot
# files of the ISO under atoll/. Hosts and the default that atoll-pxe wrote stay as they
# are; a new tree starts with the default "local", so a stray PXE boot never wipes a disk.
#
# Usage: mktree.sh TREE BOOTDIR ATOLL-PXE
set -eu
tree=$1 boot=$2 atoll_pxe=$3

PXELINUX=/usr/lib/PXELINUX			# Debian's pxelinux
BIOS_MODULES=/usr/lib/syslinux/modules/bios	# Debian's syslinux-common
GRUB_MODULES=/usr/lib/grub/x86_64-efi		# Debian's grub-efi-amd64-bin
# What the UEFI loader needs: the network (efinet, TFTP and HTTP), the per-host lookup
# (regexp, test), Xen (multiboot2, gzio) and the serial console.
GRUB_NET="efinet net tftp http normal configfile echo test regexp multiboot2 gzio serial
	terminal efi_gop efi_uga video_fb font"

die() { echo "mktree: error: $*" >&2; exit 1; }

# install_file SRC DEST: copied beside DEST, then renamed over it.
install_file() {
	[ -r "$1" ] || die "$1 is missing"
	cp "$1" "$2.tmp"
	mv "$2.tmp" "$2"
}

mkdir -p "$tree/atoll" "$tree/pxelinux.cfg" "$tree/answers"
install_file "$PXELINUX/pxelinux.0" "$tree/pxelinux.0"
install_file "$PXELINUX/lpxelinux.0" "$tree/lpxelinux.0"
for m in ldlinux.c32 mboot.c32 libcom32.c32; do
	install_file "$BIOS_MODULES/$m" "$tree/$m"
done
for f in xen.gz vmlinuz dom0.img SHA256SUMS; do
	install_file "$boot/$f" "$tree/atoll/$f"
done

# The prefix is the directory the loader came from, over the protocol that brought it
# (TFTP or HTTP), so grub.cfg and the per-host files sit beside it.
# shellcheck disable=SC2086 # the module list is words
grub-mkimage -O x86_64-efi -d "$GRUB_MODULES" -p / -o "$tree/grubx64.efi.tmp" $GRUB_NET
mv "$tree/grubx64.efi.tmp" "$tree/grubx64.efi"

[ -e "$tree/pxelinux.cfg/default" ] || "$atoll_pxe" set-default "$tree" local
