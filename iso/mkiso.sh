#!/bin/sh
# Writes the hybrid ISO: BIOS boots isolinux (CD) or isohdpfx.bin's MBR (USB stick), which
# start Xen through mboot.c32; UEFI boots GRUB from an El Torito FAT image (CD) or from the
# same image as a GPT partition (USB stick), which starts Xen through multiboot2.
#
# Usage: mkiso.sh BOOTMENU BOOTDIR WORKDIR VERSION XEN_CMDLINE DOM0_CMDLINE OUTPUT
#   BOOTMENU is atoll-bootmenu (iso/bootmenu.c, built for this machine), which writes the
#   menus; BOOTDIR holds xen.gz, vmlinuz, dom0.img and their SHA256SUMS.
set -eu

bootmenu=$1 boot=$2 work=$3 version=$4 xen_args=$5 dom0_args=$6 output=$7
tree=$work/tree
SYSLINUX_BIOS=/usr/lib/syslinux/modules/bios

die() { echo "mkiso: error: $*" >&2; exit 1; }
cleanup() { rm -f "$output.tmp"; }
trap cleanup EXIT INT TERM

stage_tree() {
	rm -rf "$work"
	mkdir -p "$tree/boot/syslinux" "$tree/boot/grub"
	for f in xen.gz vmlinuz dom0.img SHA256SUMS; do
		[ -s "$boot/$f" ] || die "$boot/$f is missing"
		cp "$boot/$f" "$tree/boot/"
	done
}

stage_bios() {
	cp /usr/lib/ISOLINUX/isolinux.bin "$tree/boot/syslinux/"
	for m in ldlinux.c32 mboot.c32 libcom32.c32 libutil.c32 menu.c32; do
		cp "$SYSLINUX_BIOS/$m" "$tree/boot/syslinux/"
	done
	"$bootmenu" syslinux "$version" "$xen_args" "$dom0_args" \
		> "$tree/boot/syslinux/syslinux.cfg"
}

stage_uefi() {
	"$bootmenu" grub "$version" "$xen_args" "$dom0_args" > "$tree/boot/grub/grub.cfg"
	# GRUB finds the medium by a file only Atoll media have, wherever the firmware put it.
	cat > "$work/grub-early.cfg" <<-'END'
	search --no-floppy --set=root --file /boot/dom0.img
	set prefix=($root)/boot/grub
	configfile ($root)/boot/grub/grub.cfg
	END
	mkdir -p "$work/efi/EFI/BOOT"
	grub-mkimage -O x86_64-efi \
		-o "$work/efi/EFI/BOOT/BOOTX64.EFI" \
		-c "$work/grub-early.cfg" \
		-p /boot/grub \
		part_gpt part_msdos fat iso9660 multiboot2 normal configfile search \
		search_fs_file serial terminal gzio echo test all_video efi_gop efi_uga \
		reboot halt
	# A FAT image just big enough for GRUB, with room for the file system's own tables.
	kib=$(( $(stat -c %s "$work/efi/EFI/BOOT/BOOTX64.EFI") / 1024 + 512 ))
	mkfs.vfat -C -n ATOLL-EFI "$tree/boot/grub/efi.img" "$kib" >/dev/null
	mcopy -i "$tree/boot/grub/efi.img" -s "$work/efi/EFI" ::
}

stage_iso() {
	find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	mkdir -p "$(dirname "$output")"
	xorriso -report_about SORRY -as mkisofs \
		-quiet \
		-o "$output.tmp" \
		-R -J \
		-V ATOLL \
		-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
		-b boot/syslinux/isolinux.bin \
		-c boot/syslinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table \
		-eltorito-alt-boot \
		-e boot/grub/efi.img \
		-no-emul-boot -isohybrid-gpt-basdat \
		"$tree"
	mv "$output.tmp" "$output"
}

stage_tree
stage_bios
stage_uefi
stage_iso
