# The hypervisor we ship (Debian's Xen 4.17) and the dom0 kernel (Debian's linux-image-amd64).

XEN_PACKAGES	:= xen-hypervisor-4.17-amd64
KERNEL_PACKAGES	:= @linux-image-amd64

$(eval $(call debian-group,xen,$(XEN_PACKAGES)))
$(eval $(call debian-group,kernel,$(KERNEL_PACKAGES)))

XEN_ROOT	:= $(B)/debs/xen
KERNEL_ROOT	:= $(B)/debs/kernel

HYPERVISOR_OUTPUTS := $(OUT)/boot/xen.gz $(OUT)/boot/xen.efi $(OUT)/boot/vmlinuz

$(OUT)/boot/xen.gz: $(XEN_ROOT)/.extracted
	@mkdir -p $(@D)
	@cp $(XEN_ROOT)/boot/xen-*-amd64.gz $@.tmp && mv $@.tmp $@

$(OUT)/boot/xen.efi: $(XEN_ROOT)/.extracted
	@mkdir -p $(@D)
	@cp $(XEN_ROOT)/boot/xen-*-amd64.efi $@.tmp && mv $@.tmp $@

# dom0's kernel as a gzip'd ELF, which Xen unpacks in a fraction of the bzImage's xz time
# under emulation (kernel-gz.sh).
$(OUT)/boot/vmlinuz: $(KERNEL_ROOT)/.extracted hypervisor/kernel-gz.sh
	@mkdir -p $(@D)
	@hypervisor/kernel-gz.sh $(KERNEL_ROOT)/boot/vmlinuz-* > $@.tmp && mv $@.tmp $@
