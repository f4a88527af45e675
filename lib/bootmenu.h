#ifndef ATOLL_BOOTMENU_H
#define ATOLL_BOOTMENU_H

#include <stddef.h>

/*
 * Every boot menu Atoll writes (the ISO's, the installed disk's, a PXE tree's), as data: a
 * menu of entries that start Xen with dom0, or leave for the local disk. Rendered for
 * syslinux (isolinux, extlinux, pxelinux; Xen through mboot.c32) and for GRUB (multiboot2),
 * so both loaders always offer the same choices with the same options.
 */

#define BOOT_EXTRA_MAX	8	/* extra dom0 options of one entry */

/*
 * Where a console goes. Xen: BOOT_SCREEN writes to the serial line and the screen,
 * BOOT_SERIAL to the serial line alone. dom0: the kernel writes to both; the kind names
 * /dev/console (the screen, or the serial line).
 */
enum boot_console { BOOT_SCREEN, BOOT_SERIAL };

struct boot_entry {
	const char		*id;		/* syslinux's LABEL; GRUB's --id in a shown menu */
	const char		*title;		/* what the menu shows: no '"', '$' or '\\' */
	int			 local;		/* 1: boot the local disk (LOCALBOOT 0, exit) */
	enum boot_console	 xen_console;
	enum boot_console	 dom0_console;
	/* Appended to dom0's options, up to the first NULL. Printable ASCII without a space
	   or "'"; GRUB gets a word in single quotes when it holds more than letters, digits
	   and . _ = , - (a URL), so that its script reader takes the word as it is. */
	const char		*dom0_extra[BOOT_EXTRA_MAX];
	/* The directory of xen.gz, vmlinuz and dom0.img as syslinux reads it: from the medium's
	   root (/boot) or pxelinux's directory (atoll); GRUB's path always starts at its root. */
	const char		*prefix;
};

struct boot_menu {
	const char		*tag;		/* a first line "# TAG" (PXE reads it), or NULL */
	/*
	 * A menu with a title is shown for a person to pick from: syslinux's menu.c32 with its
	 * title and MENU LABELs, GRUB's entries with an --id each (and its default set before
	 * its timeout, the order the ISO has always had). Without one (NULL) the default boots
	 * after the timeout.
	 */
	const char		*title;
	unsigned		 timeout;	/* seconds before the default entry boots */
	size_t			 default_entry;	/* an index into entries */
	const char		*xen_args;	/* Xen's options behind its console's */
	const char		*dom0_args;	/* dom0's behind its consoles, before extras */
	/* GRUB commands after the terminal set-up, or NULL; the settings and entries follow
	   them as one block (a script falls through to them). */
	const char		*grub_script;
	/* GRUB's environment block (GRUB's path, e.g. /EFI/BOOT/grubenv), or NULL. When set,
	   entries get their --id, and a next_entry the block names boots once: it is cleared
	   before it boots (grub-reboot's way; an upgrade's trial boot). */
	const char		*grub_env;
	const struct boot_entry	*entries;
	size_t			 n_entries;
};

/* The console options of kind c: Xen's ("console=com1,vga com1=115200") and dom0's. */
const char	*bootmenu_xen_console(enum boot_console c);
const char	*bootmenu_dom0_console(enum boot_console c);

/*
 * Render m into out[0..len) with its NUL: syslinux.cfg (pxelinux.cfg/...) and grub.cfg.
 * Return 0, or -1 when it does not fit or m cannot be written (no entries, the default out
 * of range, a '"', '$' or '\\' in a title, a quote in an id or prefix, a byte that is not
 * printable ASCII anywhere, a space or "'" in an extra option); on -1 out holds "" (when
 * len > 0) and nothing past out[len - 1] is written.
 */
int	bootmenu_syslinux(char *out, size_t len, const struct boot_menu *m);
int	bootmenu_grub(char *out, size_t len, const struct boot_menu *m);

/* Either of them, for a caller that renders one menu for both loaders. */
typedef int	bootmenu_renderer(char *out, size_t len, const struct boot_menu *m);

#endif
