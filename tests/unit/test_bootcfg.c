/* Unit tests of installer/bootcfg.c: the installed disk's menus whole, for a slot, with the
   Xen and dom0 options of lib/bootargs.h's defaults (config.mk's). */
#include <stdio.h>
#include <string.h>

#include "bootcfg.h"
#include "tap.h"

static char	cfg[4096];

static const char	want_syslinux[] =
	"SERIAL 0 115200\nDEFAULT atoll\nPROMPT 0\nTIMEOUT 10\n\n"
	"LABEL atoll\n  KERNEL mboot.c32\n"
	"  APPEND /b/xen.gz console=com1,vga com1=115200 dom0_mem=768M,max:768M --- /b/vmlinuz "
	"console=hvc0 console=tty0 quiet atoll.slot=b --- /b/dom0.img\n\n"
	"LABEL atoll-serial\n  KERNEL mboot.c32\n"
	"  APPEND /b/xen.gz console=com1 com1=115200 dom0_mem=768M,max:768M --- /b/vmlinuz "
	"console=tty0 console=hvc0 quiet atoll.slot=b --- /b/dom0.img\n";

static const char	want_grub[] =
	"serial --unit=0 --speed=115200\nterminal_input serial console\n"
	"terminal_output serial console\nset timeout=1\nset default=0\n\n"
	"menuentry \"Atoll\" {\n"
	"  multiboot2 /b/xen.gz console=com1,vga com1=115200 dom0_mem=768M,max:768M\n"
	"  module2 /b/vmlinuz console=hvc0 console=tty0 quiet atoll.slot=b\n"
	"  module2 /b/dom0.img\n}\n\n"
	"menuentry \"Atoll (serial console)\" {\n"
	"  multiboot2 /b/xen.gz console=com1 com1=115200 dom0_mem=768M,max:768M\n"
	"  module2 /b/vmlinuz console=tty0 console=hvc0 quiet atoll.slot=b\n"
	"  module2 /b/dom0.img\n}\n";

int
main(void)
{
	if (!ok(bootcfg_syslinux(cfg, sizeof(cfg), "b") == 0 && strcmp(cfg, want_syslinux) == 0,
	    "syslinux.cfg of slot b"))
		note("got:\n%s", cfg);
	if (!ok(bootcfg_grub(cfg, sizeof(cfg), "b") == 0 && strcmp(cfg, want_grub) == 0,
	    "grub.cfg of slot b"))
		note("got:\n%s", cfg);
	ok(bootcfg_syslinux(cfg, sizeof(want_syslinux), "b") == 0 &&
	    bootcfg_grub(cfg, sizeof(want_grub), "b") == 0, "buffers of exactly their size");
	ok(bootcfg_syslinux(cfg, sizeof(want_syslinux) - 1, "b") == -1 &&
	    bootcfg_grub(cfg, sizeof(want_grub) - 1, "b") == -1, "a byte less: -1");
	ok(bootcfg_syslinux(cfg, sizeof(cfg), "a-slot-name-too-long") == -1 &&
	    bootcfg_grub(cfg, sizeof(cfg), "a-slot-name-too-long") == -1,
	    "a slot longer than its prefix holds: -1");
	ok(bootcfg_grub(cfg, sizeof(cfg), "a b") == -1, "a slot with a space: -1");
	return done_testing();
}
