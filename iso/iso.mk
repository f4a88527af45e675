# The hybrid ISO (BIOS and UEFI, CD and USB stick) and its package manifest.

ISO := $(OUT)/atoll.iso

$(ISO): $(OUT)/boot/xen.gz $(OUT)/boot/vmlinuz $(OUT)/boot/dom0.img \
		iso/mkiso.sh iso/bootmenu.sh config.mk | $(OUT)/manifest.txt
	@echo "  ISO     $@"
	@iso/mkiso.sh $(OUT)/boot $(B)/iso $(ATOLL_VERSION) "$(XEN_CMDLINE)" "$(DOM0_CMDLINE)" $@

# Every Debian package the ISO carries, with its version and what it went into.
$(OUT)/manifest.txt: $(foreach g,$(DEBIAN_GROUPS),$(B)/debs/$(g).list)
	@echo "  MANIFEST $@"
	@{ echo "# Debian packages carried by Atoll $(ATOLL_VERSION): package version part"; \
	   for g in $(DEBIAN_GROUPS); do sed "s/\$$/ $$g/" $(B)/debs/$$g.list; done; } > $@.tmp
	@mv $@.tmp $@

.PHONY: iso
iso: $(ISO) $(OUT)/manifest.txt $(HYPERVISOR_OUTPUTS)
