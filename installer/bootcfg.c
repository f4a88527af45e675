/*
 * The installed disk's boot menus: Atoll on the screen and serial console, or on the serial
 * console alone, from one image slot. Xen's and dom0's options are the ISO's (config.mk's
 * XEN_CMDLINE and DOM0_CMDLINE, compiled in).
 */
#include <stdio.h>

#include "bootargs.h"
#include "bootcfg.h"

int
bootcfg_syslinux(char *out, size_t len, const char *slot)
{
	int	n;

	n = snprintf(out, len,
	    "SERIAL 0 115200\nDEFAULT atoll\nPROMPT 0\nTIMEOUT 30\n\n"
	    "LABEL atoll\n  KERNEL mboot.c32\n"
	    "  APPEND /%s/xen.gz " XEN_ARGS_VGA " --- /%s/vmlinuz " DOM0_ARGS_VGA " --- /%s/dom0.img\n\n"
	    "LABEL atoll-serial\n  KERNEL mboot.c32\n"
	    "  APPEND /%s/xen.gz " XEN_ARGS_SERIAL " --- /%s/vmlinuz " DOM0_ARGS_SERIAL " --- /%s/dom0.img\n",
	    slot, slot, slot, slot, slot, slot);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
bootcfg_grub(char *out, size_t len, const char *slot)
{
	int	n;

	n = snprintf(out, len,
	    "serial --unit=0 --speed=115200\nterminal_input serial console\n"
	    "terminal_output serial console\nset timeout=3\nset default=0\n\n"
	    "menuentry \"Atoll\" {\n  multiboot2 /%s/xen.gz " XEN_ARGS_VGA "\n"
	    "  module2 /%s/vmlinuz " DOM0_ARGS_VGA "\n  module2 /%s/dom0.img\n}\n\n"
	    "menuentry \"Atoll (serial console)\" {\n  multiboot2 /%s/xen.gz " XEN_ARGS_SERIAL "\n"
	    "  module2 /%s/vmlinuz " DOM0_ARGS_SERIAL "\n  module2 /%s/dom0.img\n}\n",
	    slot, slot, slot, slot, slot, slot);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
