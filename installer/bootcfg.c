/*
 * The installed disk's boot menus: Atoll on the screen and serial console, or on the serial
 * console alone, from each image slot that holds one, the default slot first. Xen's and
 * dom0's options are the ISO's (config.mk's XEN_CMDLINE and DOM0_CMDLINE, compiled in);
 * lib/bootmenu.c writes the loaders' configs.
 */
#include <stdio.h>
#include <string.h>

#include "bootargs.h"
#include "bootcfg.h"
#include "bootmenu.h"

/* Seconds before the default entry boots: an installed host boots itself, nobody waits. */
#define TIMEOUT		1
#define PREFIX_LEN	8	/* "/SLOT" and its NUL */
#define SLOTS_MAX	2
/* A dom0 that panics reboots the host (Xen reboots on dom0's crash too): an upgrade's
   trial that fails this way comes back on the slot it came from. */
#define DOM0_PANIC	"panic=10"

/* One slot's two entries, with the strings they point to. */
struct slot_entries {
	char	prefix[PREFIX_LEN], slot_opt[PREFIX_LEN + 16];
	char	id[BOOTCFG_ID_MAX], serial_id[BOOTCFG_ID_MAX + 8];
	char	title[32], serial_title[48];
};

static int
slot_ok(const char *slot)
{
	return strcmp(slot, "a") == 0 || strcmp(slot, "b") == 0;
}

void
bootcfg_id(char *out, const char *slot)
{
	snprintf(out, BOOTCFG_ID_MAX, "atoll-%.8s", slot);
}

int
bootcfg_grubenv(char *out, const char *next_entry)
{
	int	n;

	/* grub-editenv's layout: a header line, NAME=VALUE lines, '#' up to the block's end. */
	memset(out, '#', BOOTCFG_GRUBENV_SIZE);
	if (next_entry == NULL) {
		memcpy(out, "# GRUB Environment Block\n", 25);
		return 0;
	}
	if (next_entry[0] == '\0' || strspn(next_entry, "abcdefghijklmnopqrstuvwxyz0123456789-")
	    != strlen(next_entry) || strlen(next_entry) >= BOOTCFG_ID_MAX + 8)
		return -1;
	n = snprintf(out, BOOTCFG_GRUBENV_SIZE, "# GRUB Environment Block\nnext_entry=%s\n",
	    next_entry);
	out[n] = '#';	/* over snprintf's NUL: the block has none */
	return 0;
}

static void
slot_entries(struct slot_entries *s, struct boot_entry *e, const char *slot)
{
	snprintf(s->prefix, sizeof(s->prefix), "/%s", slot);
	/* dom0 knows the slot it runs from, and so the one an upgrade may write. */
	snprintf(s->slot_opt, sizeof(s->slot_opt), "atoll.slot=%s", slot);
	bootcfg_id(s->id, slot);
	snprintf(s->serial_id, sizeof(s->serial_id), "%s-serial", s->id);
	snprintf(s->title, sizeof(s->title), "Atoll (slot %s)", slot);
	snprintf(s->serial_title, sizeof(s->serial_title), "Atoll (slot %s, serial console)",
	    slot);
	e[0] = (struct boot_entry){ .id = s->id, .title = s->title, .prefix = s->prefix,
	    .xen_console = BOOT_SCREEN, .dom0_console = BOOT_SCREEN,
	    .dom0_extra = { s->slot_opt, DOM0_PANIC } };
	e[1] = (struct boot_entry){ .id = s->serial_id, .title = s->serial_title,
	    .prefix = s->prefix, .xen_console = BOOT_SERIAL, .dom0_console = BOOT_SERIAL,
	    .dom0_extra = { s->slot_opt, DOM0_PANIC } };
}

/* The menu rendered by fn into out. */
static int
render(bootmenu_renderer *fn, char *out, size_t len, const char *boot, const char *other)
{
	struct slot_entries	s[SLOTS_MAX];
	struct boot_entry	e[2 * SLOTS_MAX];
	struct boot_menu	m;
	size_t			n = 2;

	if (!slot_ok(boot) || (other != NULL && (!slot_ok(other) ||
	    strcmp(other, boot) == 0))) {
		if (len > 0)
			out[0] = '\0';
		return -1;
	}
	slot_entries(&s[0], &e[0], boot);
	if (other != NULL) {
		slot_entries(&s[1], &e[2], other);
		n = 4;
	}
	m = (struct boot_menu){ .timeout = TIMEOUT, .xen_args = XEN_CMDLINE,
	    .dom0_args = DOM0_CMDLINE, .grub_env = BOOTCFG_GRUBENV, .entries = e,
	    .n_entries = n };
	return fn(out, len, &m);
}

int
bootcfg_syslinux(char *out, size_t len, const char *boot, const char *other)
{
	return render(bootmenu_syslinux, out, len, boot, other);
}

int
bootcfg_grub(char *out, size_t len, const char *boot, const char *other)
{
	return render(bootmenu_grub, out, len, boot, other);
}
