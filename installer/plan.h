#ifndef ATOLL_PLAN_H
#define ATOLL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * The installed disk's GPT layout (the architecture page): ATOLL-BOOT (EFI System, FAT32,
 * legacy-BIOS-bootable, 512 MiB), ATOLL-STATE (ext4, 4 GiB), ATOLL-SR (ext4, the rest),
 * each aligned to 1 MiB.
 */
#define PLAN_PARTS	3
#define PLAN_MIN_BYTES	(8ULL << 30)	/* the smallest disk we install to */

struct plan_part {
	const char	*label;		/* GPT name and file system label */
	const char	*type;		/* GPT type GUID */
	uint64_t	 start, size;	/* in sectors */
	int		 legacy_boot;	/* the legacy-BIOS-bootable attribute */
};

struct plan {
	uint64_t	 sectors;	/* the disk's */
	unsigned	 sector_size;
	struct plan_part parts[PLAN_PARTS];
};

/* Lays out a disk of bytes (sector_size 512 or 4096). Returns 0, or -1 with err saying
   why (a disk too small names both sizes). */
int	plan_disk(uint64_t bytes, unsigned sector_size, struct plan *p, char *err,
	    size_t errlen);

/* Appends p as an sfdisk script. Returns 0 or -1. */
int	plan_sfdisk(const struct plan *p, struct buf *out);

#endif
