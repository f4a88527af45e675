# make pxe: out/pxe/, the network-boot tree (pxe/mktree.sh), which any TFTP or HTTP server
# serves as it is; atoll-pxe adds hosts to it.

PXE_TREE := $(OUT)/pxe

.PHONY: pxe
pxe: $(PXE_TREE)/.stamp

$(PXE_TREE)/.stamp: $(OUT)/boot/xen.gz $(OUT)/boot/vmlinuz $(OUT)/boot/dom0.img $(BOOT_SUMS) \
		$(OUT)/bin/atoll-pxe pxe/mktree.sh | $(B)/host-packages.stamp
	@echo "  PXE     $(PXE_TREE)"
	@pxe/mktree.sh $(PXE_TREE) $(OUT)/boot $(OUT)/bin/atoll-pxe
	@touch $@
