#ifndef ATOLL_PLAN_H
#define ATOLL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * The installed disk's GPT layout (the architecture page): ATOLL-BOOT (EFI System, FAT32,
 * legacy-BIOS-bootable, 512 MiB), ATOLL-STATE (ext4, 4 GiB), ATOLL-SR (XFS with reflink,
 * the rest), each aligned to 1 MiB.
 */
#define PLAN_PARTS	3
#define PLAN_MIN_BYTES	(8ULL << 30)	/* the smallest disk we install to */
#define PLAN_SR_START_MIB	4609ULL	/* ATOLL-SR's first MiB, after BOOT and STATE */
#define PLAN_MIN_SR_BYTES	(300ULL << 20)	/* the smallest XFS mkfs.xfs makes */

/* The smallest disk leaves ATOLL-SR room for XFS (3.5 GiB of it). */
_Static_assert(PLAN_MIN_BYTES - (PLAN_SR_START_MIB << 20) - (1ULL << 20) >= PLAN_MIN_SR_BYTES,
    "the smallest disk's ATOLL-SR is too small for XFS");

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
