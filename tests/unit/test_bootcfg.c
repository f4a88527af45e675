/* Unit tests of installer/bootcfg.c: the installed disk's menus whole, for one slot and for
   two, with the Xen and dom0 options of lib/bootargs.h's defaults (config.mk's). */
#include <stdio.h>
#include <string.h>

#include "bootcfg.h"
#include "tap.h"

static char	cfg[8192];

static const char	want_syslinux[] =
	"SERIAL 0 115200\nDEFAULT atoll-b\nPROMPT 0\nTIMEOUT 10\n\n"
	"LABEL atoll-b\n  KERNEL mboot.c32\n"
	"  APPEND /b/xen.gz console=com1,vga com1=115200 dom0_mem=768M,max:768M --- /b/vmlinuz "
	"console=hvc0 console=tty0 quiet atoll.slot=b panic=10 --- /b/dom0.img\n\n"
	"LABEL atoll-b-serial\n  KERNEL mboot.c32\n"
	"  APPEND /b/xen.gz console=com1 com1=115200 dom0_mem=768M,max:768M --- /b/vmlinuz "
	"console=tty0 console=hvc0 quiet atoll.slot=b panic=10 --- /b/dom0.img\n";

static const char	want_grub[] =
	"serial --unit=0 --speed=115200\nterminal_input serial console\n"
	"terminal_output serial console\nset timeout=1\nset default=0\n"
	"load_env --file /EFI/BOOT/grubenv next_entry\n"
	"if [ -n \"${next_entry}\" ]; then\n"
	"  set default=\"${next_entry}\"\n"
	"  set next_entry=\n"
	"  save_env --file /EFI/BOOT/grubenv next_entry\n"
	"fi\n\n"
	"menuentry \"Atoll (slot b)\" --id atoll-b {\n"
	"  multiboot2 /b/xen.gz console=com1,vga com1=115200 dom0_mem=768M,max:768M\n"
	"  module2 /b/vmlinuz console=hvc0 console=tty0 quiet atoll.slot=b panic=10\n"
	"  module2 /b/dom0.img\n}\n\n"
	"menuentry \"Atoll (slot b, serial console)\" --id atoll-b-serial {\n"
	"  multiboot2 /b/xen.gz console=com1 com1=115200 dom0_mem=768M,max:768M\n"
	"  module2 /b/vmlinuz console=tty0 console=hvc0 quiet atoll.slot=b panic=10\n"
	"  module2 /b/dom0.img\n}\n";

int
main(void)
{
	char	id[BOOTCFG_ID_MAX];

	if (!ok(bootcfg_syslinux(cfg, sizeof(cfg), "b", NULL) == 0 &&
	    strcmp(cfg, want_syslinux) == 0, "syslinux.cfg of slot b"))
		note("got:\n%s", cfg);
	if (!ok(bootcfg_grub(cfg, sizeof(cfg), "b", NULL) == 0 && strcmp(cfg, want_grub) == 0,
	    "grub.cfg of slot b"))
		note("got:\n%s", cfg);
	ok(bootcfg_syslinux(cfg, sizeof(want_syslinux), "b", NULL) == 0 &&
	    bootcfg_grub(cfg, sizeof(want_grub), "b", NULL) == 0, "buffers of exactly their size");
	ok(bootcfg_syslinux(cfg, sizeof(want_syslinux) - 1, "b", NULL) == -1 &&
	    bootcfg_grub(cfg, sizeof(want_grub) - 1, "b", NULL) == -1, "a byte less: -1");

	ok(bootcfg_syslinux(cfg, sizeof(cfg), "a", "b") == 0 &&
	    strstr(cfg, "DEFAULT atoll-a\n") != NULL && strstr(cfg, "\nLABEL atoll-b\n") != NULL &&
	    strstr(cfg, "\nLABEL atoll-b-serial\n") != NULL &&
	    strstr(cfg, "/b/vmlinuz console=hvc0 console=tty0 quiet atoll.slot=b ") != NULL,
	    "two slots: syslinux boots the first, offers the other");
	ok(bootcfg_grub(cfg, sizeof(cfg), "b", "a") == 0 &&
	    strstr(cfg, "set default=0\n") != NULL &&
	    strstr(cfg, "--id atoll-b {") < strstr(cfg, "--id atoll-a {") &&
	    strstr(cfg, "--id atoll-a-serial {") != NULL,
	    "two slots: GRUB's first entry is the default slot's");

	ok(bootcfg_syslinux(cfg, sizeof(cfg), "a-slot-name-too-long", NULL) == -1 &&
	    bootcfg_grub(cfg, sizeof(cfg), "c", NULL) == -1 && cfg[0] == '\0',
	    "a slot other than a or b: -1, nothing written");
	ok(bootcfg_grub(cfg, sizeof(cfg), "a", "a") == -1 &&
	    bootcfg_syslinux(cfg, sizeof(cfg), "a", "c") == -1, "the other slot the same, or bad: -1");
	{
		char	env[BOOTCFG_GRUBENV_SIZE];
		size_t	i, hashes;

		ok(bootcfg_grubenv(env, "atoll-b") == 0 && memcmp(env, "# GRUB Environment Block\n"
		    "next_entry=atoll-b\n#", 45) == 0, "grubenv naming atoll-b");
		for (i = 45, hashes = 0; i < sizeof(env); i++)
			hashes += env[i] == '#';
		ok(hashes == sizeof(env) - 45, "padded with '#' to its %zu bytes", sizeof(env));
		ok(bootcfg_grubenv(env, NULL) == 0 && memcmp(env, "# GRUB Environment Block\n#",
		    26) == 0 && env[sizeof(env) - 1] == '#', "grubenv naming none");
		ok(bootcfg_grubenv(env, "a b") == -1 && bootcfg_grubenv(env, "") == -1 &&
		    bootcfg_grubenv(env, "x\nnext_entry=y") == -1, "bad ids refused");
	}
	bootcfg_id(id, "b");
	ok(strcmp(id, "atoll-b") == 0, "slot b's entry id");
	return done_testing();
}
