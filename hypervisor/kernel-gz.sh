#!/bin/sh
# Usage: kernel-gz.sh BZIMAGE > KERNEL.GZ
# The kernel's ELF image out of a bzImage, recompressed with gzip. Xen (for dom0) and xl
# (for a PV guest) unpack a kernel themselves before they build its domain: the bzImage's
# xz takes them seconds under emulation, gzip (which both take outside a bzImage too) far
# less.
set -eu
die() { echo "kernel-gz: error: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || die "$1: no xz-compressed kernel inside"
tail -c +$((off + 1)) "$1" > "$work/kernel.xz"
xz -dc --single-stream "$work/kernel.xz" > "$work/kernel.elf" || die "$1: cannot unpack the kernel"
gzip -6 -n -c "$work/kernel.elf"
