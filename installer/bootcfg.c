/*
 * The installed disk's boot menus: Atoll on the screen and serial console, or on the serial
 * console alone, from one image slot. Xen's and dom0's options are the ISO's (config.mk's
 * XEN_CMDLINE and DOM0_CMDLINE, compiled in); lib/bootmenu.c writes the loaders' configs.
 */
#include <stdio.h>

#include "bootargs.h"
#include "bootcfg.h"
#include "bootmenu.h"

/* Seconds before the default entry boots: an installed host boots itself, nobody waits. */
#define TIMEOUT		1
#define PREFIX_LEN	16	/* "/SLOT" and its NUL */

/* Slot's menu, rendered by fn into out. */
static int
render(bootmenu_renderer *fn, char *out, size_t len, const char *slot)
{
	struct boot_entry	e[2];
	struct boot_menu	m;
	char			prefix[PREFIX_LEN], slot_opt[PREFIX_LEN + 16];
	int			n;

	n = snprintf(prefix, sizeof(prefix), "/%s", slot);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return -1;
	/* dom0 knows the slot it runs from, and so the one an upgrade may write. */
	snprintf(slot_opt, sizeof(slot_opt), "atoll.slot=%s", slot);
	e[0] = (struct boot_entry){ .id = "atoll", .title = "Atoll", .prefix = prefix,
	    .xen_console = BOOT_SCREEN, .dom0_console = BOOT_SCREEN,
	    .dom0_extra = { slot_opt } };
	e[1] = (struct boot_entry){ .id = "atoll-serial", .title = "Atoll (serial console)",
	    .prefix = prefix, .xen_console = BOOT_SERIAL, .dom0_console = BOOT_SERIAL,
	    .dom0_extra = { slot_opt } };
	m = (struct boot_menu){ .timeout = TIMEOUT, .xen_args = XEN_CMDLINE,
	    .dom0_args = DOM0_CMDLINE, .entries = e, .n_entries = 2 };
	return fn(out, len, &m);
}

int
bootcfg_syslinux(char *out, size_t len, const char *slot)
{
	return render(bootmenu_syslinux, out, len, slot);
}

int
bootcfg_grub(char *out, size_t len, const char *slot)
{
	return render(bootmenu_grub, out, len, slot);
}
