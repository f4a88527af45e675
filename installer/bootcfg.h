#ifndef ATOLL_BOOTCFG_H
#define ATOLL_BOOTCFG_H

#include <stddef.h>

/* The installed disk's boot menus for image slot (a or b): syslinux.cfg (BIOS) and GRUB's
   grub.cfg (UEFI), with the same entries as the ISO's live ones. Return 0, or -1 when out
   is too small or slot is too long or not a name a loader can read. */
int	bootcfg_syslinux(char *out, size_t len, const char *slot);
int	bootcfg_grub(char *out, size_t len, const char *slot);

#endif
