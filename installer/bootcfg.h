#ifndef ATOLL_BOOTCFG_H
#define ATOLL_BOOTCFG_H

#include <stddef.h>

/* GRUB's environment block on ATOLL-BOOT, as GRUB names it and from the partition's root:
   its next_entry boots once (an upgrade's trial). */
#define BOOTCFG_GRUBENV		"/EFI/BOOT/grubenv"

/* GRUB's environment block: BOOTCFG_GRUBENV_SIZE bytes into out, naming next_entry (an
   entry's id) to boot once, or none (NULL). Returns 0, or -1 when next_entry is not an id. */
#define BOOTCFG_GRUBENV_SIZE	1024
int	bootcfg_grubenv(char *out, const char *next_entry);

/* The id of slot's entry on an installed disk's menus ("atoll-b"), for extlinux --once and
   grubenv's next_entry: out holds BOOTCFG_ID_MAX bytes. */
#define BOOTCFG_ID_MAX		16
void	bootcfg_id(char *out, const char *slot);

/*
 * The installed disk's boot menus: syslinux.cfg (BIOS) and GRUB's grub.cfg (UEFI), with
 * the same entries as the ISO's live ones for image slot boot (the default), then for slot
 * other when it holds an image too (NULL: it does not). Return 0, or -1 when out is too
 * small or a slot is not a or b.
 */
int	bootcfg_syslinux(char *out, size_t len, const char *boot, const char *other);
int	bootcfg_grub(char *out, size_t len, const char *boot, const char *other);

#endif
