# atoll-install: the installer, in the dom0 image (see installer/main.c).

INSTALLER_SRCS := $(wildcard installer/*.c)

$(eval $(call c-program,atoll-install,$(INSTALLER_SRCS)))

# The installed disk's boot menus carry the ISO's Xen and dom0 options.
$(B)/obj/installer/bootcfg.o: CFLAGS += -DXEN_CMDLINE='"$(XEN_CMDLINE)"' \
	-DDOM0_CMDLINE='"$(DOM0_CMDLINE)"'
$(B)/obj/installer/bootcfg.o: config.mk
