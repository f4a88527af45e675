#!/bin/sh
# Prints the ISO's boot menu for one loader, from the one list of entries below, so BIOS
# (isolinux + mboot.c32) and UEFI (GRUB multiboot2) always offer the same choices.
#
# Usage: bootmenu.sh syslinux|grub VERSION XEN_CMDLINE DOM0_CMDLINE
set -eu
[ $# -eq 4 ] || { echo "usage: bootmenu.sh syslinux|grub VERSION XEN_CMDLINE DOM0_CMDLINE" >&2; exit 2; }
loader=$1 version=$2 xen_args=$3 dom0_args=$4

TIMEOUT=3	# seconds before the default entry boots

# Entries: id|title|console|extra dom0 options. The first is the default.
# console "screen": Xen on serial and screen, dom0's /dev/console on the screen;
# console "serial": Xen on serial only, dom0's /dev/console on the serial line.
entries() {
	cat <<-'END'
	live|Atoll (live)|screen|
	install|Install Atoll|screen|atoll.install
	live-serial|Atoll (live, serial console)|serial|
	install-serial|Install Atoll (serial console)|serial|atoll.install
	END
}

xen_console() {
	case $1 in
	screen) echo "console=com1,vga com1=115200" ;;
	serial) echo "console=com1 com1=115200" ;;
	esac
}

# The last console= is dom0's /dev/console; the kernel writes its messages to both.
dom0_console() {
	case $1 in
	screen) echo "console=hvc0 console=tty0" ;;
	serial) echo "console=tty0 console=hvc0" ;;
	esac
}

syslinux() {
	cat <<-END
	SERIAL 0 115200
	UI menu.c32
	PROMPT 0
	TIMEOUT $((TIMEOUT * 10))
	MENU TITLE Atoll $version
	END
	first=1
	entries | while IFS='|' read -r id title console extra; do
		echo
		echo "LABEL $id"
		echo "  MENU LABEL $title"
		[ -n "$first" ] && echo "  MENU DEFAULT" && first=
		echo "  KERNEL mboot.c32"
		echo "  APPEND /boot/xen.gz $(xen_console "$console") $xen_args" \
			"--- /boot/vmlinuz $(dom0_console "$console") $dom0_args${extra:+ $extra}" \
			"--- /boot/dom0.img"
	done
}

grub() {
	cat <<-END
	serial --unit=0 --speed=115200
	terminal_input serial console
	terminal_output serial console
	set default=0
	set timeout=$TIMEOUT
	END
	entries | while IFS='|' read -r id title console extra; do
		echo
		echo "menuentry \"$title\" --id $id {"
		echo "  multiboot2 /boot/xen.gz $(xen_console "$console") $xen_args"
		echo "  module2 /boot/vmlinuz $(dom0_console "$console") $dom0_args${extra:+ $extra}"
		echo "  module2 /boot/dom0.img"
		echo "}"
	done
}

case $loader in
syslinux) syslinux ;;
grub) grub ;;
*) echo "bootmenu.sh: unknown loader '$loader' (syslinux or grub)" >&2; exit 2 ;;
esac
