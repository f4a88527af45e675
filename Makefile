# Atoll: an all-in-one Xen appliance on one hybrid ISO.
#
#   make iso      build out/atoll.iso (installs the host packages it needs, as root)
#   make pxe      build out/pxe/, the network-boot tree (atoll-pxe adds hosts to it)
#   make test     unit tests, then the system tests that boot the ISO in QEMU
#   make check    only the fast tests
#   make run      boot the ISO in QEMU on this terminal (serial console)
#   make bench    sizes and boot times, for bench/README.md
#   make clean    remove out/ (the package cache in $(CACHE) stays)
#
# Settings live in config.mk; override them on the command line.

.DEFAULT_GOAL := iso
.DELETE_ON_ERROR:
SHELL := /bin/sh

include config.mk
include mk/rules.mk mk/host.mk mk/debian.mk
include hypervisor/hypervisor.mk
include dom0-rootfs/dom0-rootfs.mk
include xapi-lite/xapi-lite.mk
include installer/installer.mk
include console-ui/console-ui.mk
include pxe/pxe.mk
include iso/iso.mk
include pxe/tree.mk
include tests/tests.mk
include bench/bench.mk

.PHONY: run clean help
run: $(ISO)
	@mk/run-qemu.sh $(ISO)

clean:
	rm -rf $(OUT)

help:
	@sed -n 's/^#   make/make/p' Makefile
