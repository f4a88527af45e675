#!/bin/sh
# Boots the ISO in QEMU on this terminal: serial console, software emulation (TCG), the
# host's 127.0.0.1:8443 and :8080 forwarded to the live host's HTTPS and HTTP ports.
# Quit with Ctrl-A X. Set FIRMWARE=uefi for UEFI.
#
# Usage: run-qemu.sh ISO
set -eu
iso=$1
[ -s "$iso" ] || { echo "run-qemu: $iso is missing: run make iso" >&2; exit 1; }

firmware=
if [ "${FIRMWARE:-bios}" = uefi ]; then
	vars=$(mktemp)
	trap 'rm -f "$vars"' EXIT INT TERM
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
	firmware="-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
		-drive if=pflash,format=raw,file=$vars"
fi

echo "Booting $iso (${FIRMWARE:-bios}); Ctrl-A X quits, Ctrl-A C opens QEMU's monitor."
# shellcheck disable=SC2086 # $firmware is a list of flags
exec qemu-system-x86_64 \
	-machine q35 \
	-cpu qemu64,+svm,+npt \
	-m 2048 \
	-smp 2 \
	-nographic \
	-serial mon:stdio \
	$firmware \
	-cdrom "$iso" \
	-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:8443-:443,hostfwd=tcp:127.0.0.1:8080-:80" \
	-device e1000,netdev=n0
