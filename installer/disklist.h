#ifndef ATOLL_DISKLIST_H
#define ATOLL_DISKLIST_H

#include <stddef.h>
#include <stdint.h>

/*
 * The disks Atoll could be installed to, as the kernel lists them in /sys/block, with what
 * blkid finds on them, for the installer's disk screen and its messages.
 */
#define DISKS_MAX	32

struct disk_entry {
	char		name[32];	/* "vda", "sda", "nvme0n1" */
	char		model[48];	/* "QEMU HARDDISK", "VirtIO disk", or "" */
	uint64_t	bytes;
	char		contents[256];	/* "empty", "vda1 vfat ATOLL-BOOT, vda2 ext4 ..." */
};

/*
 * Fills d[0..max) with the whole disks in name order, less loop, ram, sr and zram devices,
 * those of no size and the Atoll medium this machine booted from; contents come from
 * blkid (the output of blkid -o export; NULL leaves them ""). Returns how many.
 */
int	disklist_read(struct disk_entry *d, int max, const char *blkid);

/* Whether the block device dev (/dev/sdb) holds the Atoll medium: an ISO 9660 file system
   labelled ATOLL. Returns 1 or 0. */
int	disklist_is_medium(const char *dev);

/* What blkid (blkid -o export output) found on disk ("vda") and its partitions, into out:
   "vda1 vfat ATOLL-BOOT, vda2 ext4 ATOLL-STATE", "a gpt partition table, no partitions",
   "ext4 DATA (no partitions)" or "empty". Names and labels are shown as printable ASCII. */
void	disklist_contents(const char *blkid, const char *disk, char *out, size_t len);

#endif
