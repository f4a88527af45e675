# The hybrid ISO (BIOS and UEFI, CD and USB stick) and its package manifest.

ISO := $(OUT)/atoll.iso
# The ISO's boot menus (lib/bootmenu.c), printed by a helper built for and run on this machine.
BOOTMENU_HOST := $(B)/host/atoll-bootmenu

$(BOOTMENU_HOST): iso/bootmenu.c lib/bootmenu.c lib/bootmenu.h lib/nitems.h | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) $(WARN) -O2 -Ilib -o $@ iso/bootmenu.c lib/bootmenu.c

# The boot files' digests, which the ISO and the PXE tree carry beside them: the installer
# checks what it reads and what it wrote against them.
BOOT_SUMS := $(OUT)/boot/SHA256SUMS
$(BOOT_SUMS): $(OUT)/boot/xen.gz $(OUT)/boot/vmlinuz $(OUT)/boot/dom0.img
	@echo "  SUMS    $@"
	@cd $(OUT)/boot && sha256sum xen.gz vmlinuz dom0.img > SHA256SUMS.tmp
	@mv $@.tmp $@

$(ISO): $(OUT)/boot/xen.gz $(OUT)/boot/vmlinuz $(OUT)/boot/dom0.img $(BOOT_SUMS) \
		iso/mkiso.sh $(BOOTMENU_HOST) config.mk | $(OUT)/manifest.txt
	@echo "  ISO     $@"
	@iso/mkiso.sh $(BOOTMENU_HOST) $(OUT)/boot $(B)/iso $(ATOLL_VERSION) "$(XEN_CMDLINE)" \
		"$(DOM0_CMDLINE)" $@

# Every Debian package the ISO carries, with its version and what it went into.
$(OUT)/manifest.txt: $(foreach g,$(DEBIAN_GROUPS),$(B)/debs/$(g).list)
	@echo "  MANIFEST $@"
	@{ echo "# Debian packages carried by Atoll $(ATOLL_VERSION): package version part"; \
	   for g in $(DEBIAN_GROUPS); do sed "s/\$$/ $$g/" $(B)/debs/$$g.list; done; } > $@.tmp
	@mv $@.tmp $@

.PHONY: iso
iso: $(ISO) $(OUT)/manifest.txt $(HYPERVISOR_OUTPUTS)
