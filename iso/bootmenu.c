/*
 * atoll-bootmenu: prints the ISO's boot menu for one loader, from the one list of entries
 * below, so BIOS (isolinux + mboot.c32) and UEFI (GRUB multiboot2) always offer the same
 * choices. Built for the build machine and run by iso/mkiso.sh.
 *
 * Usage: atoll-bootmenu syslinux|grub VERSION XEN_CMDLINE DOM0_CMDLINE
 */
#include <stdio.h>
#include <string.h>

#include "bootmenu.h"
#include "nitems.h"

#define TIMEOUT		3	/* seconds before the default entry boots: time to pick Install */
#define MENU_MAX	8192	/* a rendered menu and its NUL */

/* The first is the default. "screen": Xen on serial and screen, dom0's /dev/console on the
   screen; "serial": both on the serial line alone. */
static const struct boot_entry entries[] = {
	{ .id = "live", .title = "Atoll (live)", .prefix = "/boot",
	  .xen_console = BOOT_SCREEN, .dom0_console = BOOT_SCREEN },
	{ .id = "install", .title = "Install Atoll", .prefix = "/boot",
	  .xen_console = BOOT_SCREEN, .dom0_console = BOOT_SCREEN,
	  .dom0_extra = { "atoll.install" } },
	{ .id = "live-serial", .title = "Atoll (live, serial console)", .prefix = "/boot",
	  .xen_console = BOOT_SERIAL, .dom0_console = BOOT_SERIAL },
	{ .id = "install-serial", .title = "Install Atoll (serial console)", .prefix = "/boot",
	  .xen_console = BOOT_SERIAL, .dom0_console = BOOT_SERIAL,
	  .dom0_extra = { "atoll.install" } },
};

int
main(int argc, char *argv[])
{
	struct boot_menu	 m = { 0 };
	char			 title[128], menu[MENU_MAX];
	int			 r;

	if (argc != 5) {
		fprintf(stderr, "usage: atoll-bootmenu syslinux|grub VERSION XEN_CMDLINE "
		    "DOM0_CMDLINE\n");
		return 2;
	}
	if (strcmp(argv[1], "syslinux") != 0 && strcmp(argv[1], "grub") != 0) {
		fprintf(stderr, "atoll-bootmenu: unknown loader '%s' (syslinux or grub)\n",
		    argv[1]);
		return 2;
	}
	r = snprintf(title, sizeof(title), "Atoll %s", argv[2]);
	if (r < 0 || (size_t)r >= sizeof(title)) {
		fprintf(stderr, "atoll-bootmenu: the version is longer than %zu bytes\n",
		    sizeof(title) - 7);
		return 1;
	}
	m.title = title;
	m.timeout = TIMEOUT;
	m.xen_args = argv[3];
	m.dom0_args = argv[4];
	m.entries = entries;
	m.n_entries = nitems(entries);
	if (strcmp(argv[1], "syslinux") == 0)
		r = bootmenu_syslinux(menu, sizeof(menu), &m);
	else
		r = bootmenu_grub(menu, sizeof(menu), &m);
	if (r == -1) {
		fprintf(stderr, "atoll-bootmenu: the %s menu cannot be written: the version or "
		    "the options hold a byte a boot loader cannot carry, or the menu is longer "
		    "than %d bytes\n", argv[1], MENU_MAX);
		return 1;
	}
	if (fputs(menu, stdout) == EOF || fflush(stdout) == EOF) {
		perror("atoll-bootmenu: stdout");
		return 1;
	}
	return 0;
}
