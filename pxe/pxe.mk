# atoll-pxe: manages a PXE tree's boot configs (see pxe/atoll-pxe.c).

PXE_SRCS := $(wildcard pxe/*.c)
# Its menus carry the ISO's Xen and dom0 options.
PXE_CFLAGS := -DXEN_CMDLINE='"$(XEN_CMDLINE)"' -DDOM0_CMDLINE='"$(DOM0_CMDLINE)"'

$(eval $(call c-program,atoll-pxe,$(PXE_SRCS)))

$(B)/obj/pxe/pxecfg.o: CFLAGS += $(PXE_CFLAGS)
$(B)/obj/pxe/pxecfg.o: config.mk
